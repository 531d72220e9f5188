"""Decks: a tree by `::` in their names; the Default deck (id 1) always exists."""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from repetend.core import rows
from repetend.core.errors import InvalidInput, NotFoundError
from repetend.core.ids import intTime, next_id

if TYPE_CHECKING:
    from repetend.core.collection import Collection

DEFAULT_DECK_ID = 1
DECK_NORMAL, DECK_FILTERED = 0, 1
SEPARATOR = "::"


@dataclass
class Deck:
    name: str
    id: int = 0
    kind: int = DECK_NORMAL
    config_id: int = 1
    description: str = ""
    collapsed: bool = False
    browser_collapsed: bool = False
    mtime: int = 0
    usn: int = -1
    #: Limits, today's counters, filtered-deck settings, unknown Anki keys.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def components(self) -> list[str]:
        return self.name.split(SEPARATOR)

    @property
    def basename(self) -> str:
        return self.components[-1]

    @property
    def is_filtered(self) -> bool:
        return self.kind == DECK_FILTERED


@dataclass
class DeckNode:
    """One deck in the tree, with its children in display order."""

    deck: Deck
    children: list[DeckNode] = field(default_factory=list)


@dataclass
class MergeResult:
    """What `DeckManager.merge` did."""

    source: str
    target: str
    #: Cards moved, including those whose home deck changed while in a filtered deck.
    cards: int = 0
    #: Each subdeck of the source and the name it has now (merged or moved).
    subdecks: dict[str, str] = field(default_factory=dict)
    removed_ids: list[int] = field(default_factory=list)


#: ASCII control characters, which Anki removes from deck names (a tab or line break pasted
#: from a spreadsheet's deck column; also U+001F, Anki's stored separator).
_CONTROL = dict.fromkeys([*range(0x20), 0x7F])

#: Characters Python's case folding folds but Anki's `unicase` collation does not (its
#: tables are older and skip three-character expansions); probed against Anki 26.9.3.
_NOT_FOLDED = frozenset(
    "\u0390\u03b0\u1f52\u1f54\u1f56\u1fb7\u1fc7\u1fd2\u1fd3\u1fd7\u1fe2\u1fe3"
    "\u1fe7\u1ff7\u2c2f\ua7c0\ua7c7\ua7c9\ua7d0\ua7d6\ua7d8\ua7f5\ufb03\ufb04"
    + "".join(map(chr, [*range(0x10570, 0x1057B), *range(0x1057C, 0x1058B),
                       *range(0x1058C, 0x10593), 0x10594, 0x10595])))


def normalize_name(name: str) -> str:
    """A deck name as Anki stores it: NFC, ASCII control characters removed, each `::`
    component trimmed, an empty component between others called "blank"; a name with no
    component left is refused (Anki would call it "blank")."""
    parts = _clean_parts(name)
    if not any(parts):
        raise InvalidInput(f"deck name {name!r} is empty")
    return SEPARATOR.join(p or "blank" for p in parts)


def _clean_parts(name: str) -> list[str]:
    return [unicodedata.normalize("NFC", p).translate(_CONTROL).strip()
            for p in name.split(SEPARATOR)]


def name_key(stored: str) -> str:
    """The key two stored deck names share when Anki would call them one deck: folded and
    cleaned (a file written before names were cleaned may hold "Tab<TAB>here"); for
    caches of deck names that must agree with `DeckManager.find`."""
    return fold(SEPARATOR.join(p or "blank" for p in _clean_parts(stored)))


def fold(text: str) -> str:
    """`text` as Anki's `unicase` collation compares it: NFC, then Unicode case folding
    ("Straße" and "STRASSE" are one deck, so are "Déjà" and "DÉJÀ" in either form)."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text.lower()
    return "".join(c if c in _NOT_FOLDED else c.casefold() for c in text)


def sort_key(name: str) -> tuple[str, ...]:
    # (No character folds to a colon, so folding first splits at the same places.)
    return tuple(fold(name).split(SEPARATOR))


def _is_under(name: str, ancestor: str) -> bool:
    """Whether deck `name` is a subdeck (at any depth) of deck `ancestor`."""
    return fold(name).startswith(fold(ancestor) + SEPARATOR)


_DECK_COLUMNS = ("id, name, kind, config_id, description, collapsed, browser_collapsed, mtime, "
                 "usn, extra")


def _deck_from_tuple(row: tuple[Any, ...]) -> Deck:
    """A Deck from a plain row of `_DECK_COLUMNS`, the one way decks are read here: what
    `rows.from_row` would build, without its per-field introspection (issue 3: the deck
    list is read when a collection's first card is shown, and building 26 decks the generic
    way cost 0.15 ms)."""
    did, name, kind, conf, desc, collapsed, browser_collapsed, mtime, usn, extra = row
    if isinstance(extra, str):
        extra = json.loads(extra) if extra and extra != "{}" else {}
    return Deck(name, did, kind, conf, desc, bool(collapsed), bool(browser_collapsed), mtime,
                usn, extra)


class DeckManager:
    """Reads and writes the decks of one collection (`col.decks`)."""

    def __init__(self, col: Collection) -> None:
        self.col = col

    @property
    def db(self) -> sqlite3.Connection:
        return self.col.db

    def _select(self, where: str = "", params: tuple[Any, ...] = ()) -> list[Deck]:
        cursor = self.db.cursor()
        cursor.row_factory = None  # plain tuples: cheaper than sqlite3.Row
        return [_deck_from_tuple(r) for r in cursor.execute(
            f"SELECT {_DECK_COLUMNS} FROM decks {where}", params)]

    def _find(self, where: str, params: tuple[Any, ...]) -> Deck | None:
        found = self._select(where, params)
        return found[0] if found else None

    def _lookup(self, name: str, other_than: int = 0) -> tuple[int, str, int] | None:
        """(id, name, kind) of the deck whose name is `name` as Anki compares names (see
        `fold`), other than deck `other_than`. SQLite's NOCASE folds only ASCII, so a miss
        there is checked against every deck's folded, cleaned name (taking the oldest of
        duplicates an older version may have made)."""
        cursor = self.db.cursor()
        cursor.row_factory = None
        row = cursor.execute("SELECT id, name, kind FROM decks WHERE name = ? AND id != ?",
                             (name, other_than)).fetchone()
        if row is not None:
            return row
        key = fold(name)
        for row in cursor.execute("SELECT id, name, kind FROM decks WHERE id != ? ORDER BY id",
                                  (other_than,)):
            if name_key(row[1]) == key:
                return row
        return None

    def all(self) -> list[Deck]:
        """Every deck, in deck-list order (by name, component by component)."""
        decks = self._select()
        decks.sort(key=lambda d: sort_key(d.name))
        return decks

    def get(self, did: int) -> Deck:
        deck = self._find("WHERE id = ?", (did,))
        if deck is None:
            raise NotFoundError(f"no deck with id {did}")
        return deck

    def find(self, name: str) -> tuple[int, str, int] | None:
        """(id, stored name, kind) of the deck called `name` as Anki compares deck names
        (cleaned, any case, any Unicode form), or None: for code that must not create it."""
        return self._lookup(normalize_name(name))

    def by_name(self, name: str) -> Deck:
        found = self._lookup(normalize_name(name))
        if found is None:
            raise NotFoundError(f"no deck called {name!r}")
        return self.get(found[0])

    def id(self, name: str, create: bool = True) -> int:
        """The id of the deck called `name`, creating it (and its parents) if asked."""
        name = normalize_name(name)
        row = self._lookup(name)
        if row:
            return row[0]
        if not create:
            raise NotFoundError(f"no deck called {name!r}")
        with self.col.op("Add Deck"):
            return self._create(name)

    def _create(self, name: str, kind: int = DECK_NORMAL) -> int:
        return self._insert(Deck(self._ensure_parents(name), kind=kind))

    def _ensure_parents(self, name: str) -> str:
        """Create the missing parents of `name` and return it with the existing parents'
        spelling ("b::c" under "B" becomes "B::c", as in Anki); a filtered parent is refused."""
        parts = name.split(SEPARATOR)
        parent: list[str] = []
        for part in parts[:-1]:
            prefix = SEPARATOR.join([*parent, part])
            row = self._lookup(prefix)
            if row is None:
                self._insert(Deck(prefix))
                parent.append(part)
            elif row[2] == DECK_FILTERED:
                raise InvalidInput(f"deck {row[1]!r} is a filtered deck and cannot have "
                                   "child decks")
            else:
                parent = row[1].split(SEPARATOR)
        return SEPARATOR.join([*parent, parts[-1]])

    def _unique_name(self, name: str, own_id: int) -> str:
        """`name`, with "+" appended until no other deck has it (Anki's rule for a rename
        onto a taken name: "B" becomes "B+"; merging is a separate operation)."""
        while self._lookup(name, own_id):
            name += "+"
        return name

    def _insert(self, deck: Deck) -> int:
        deck.id = deck.id or next_id(self.db, "decks")
        deck.mtime = intTime()
        rows.insert(self.db, "decks", rows.to_row(deck))
        return deck.id

    def add_default(self) -> None:
        """Create the Default deck of a new collection."""
        self._insert(Deck("Default", id=DEFAULT_DECK_ID))

    def save(self, deck: Deck) -> None:
        """Store changed settings of an existing deck (use `rename` to rename)."""
        with self.col.op("Update Deck"):
            current = self.get(deck.id)
            if deck.name != current.name and normalize_name(deck.name) != current.name:
                raise InvalidInput("use rename() to change a deck's name")
            deck.name = current.name
            deck.mtime = intTime()
            deck.usn = -1
            rows.update(self.db, "decks", rows.to_row(deck))

    def rename(self, did: int, new_name: str) -> str:
        """Rename a deck; its children move with it and missing parents are created.

        As in Anki, a name another deck already has gets "+" appended ("B" -> "B+") rather
        than being refused; `merge()` combines two decks. Returns the name the deck got.
        """
        deck = self.get(did)
        new_name = normalize_name(new_name)
        if new_name == deck.name:
            return deck.name
        if did == DEFAULT_DECK_ID and SEPARATOR in new_name:
            raise InvalidInput("the Default deck cannot be moved under another deck")
        depth = len(deck.components)
        if (len(new_name.split(SEPARATOR)) > depth
                and sort_key(new_name)[:depth] == sort_key(deck.name)):
            raise InvalidInput(f"cannot move deck {deck.name!r} under itself")
        with self.col.op("Rename Deck"):
            new_name = self._unique_name(self._ensure_parents(new_name), did)
            self._rename_tree(deck, new_name)
        return new_name

    def _rename_tree(self, deck: Deck, new_name: str) -> None:
        for child in [deck, *self.descendants(deck.id)]:
            renamed = new_name + child.name[len(deck.name):]
            self.db.execute("UPDATE decks SET name = ?, mtime = ?, usn = -1 WHERE id = ?",
                            (renamed, intTime(), child.id))

    def move(self, did: int, parent_id: int | None) -> str:
        """Move a deck (with its subdecks) under `parent_id`, or to the top level for None;
        returns its new name (see `rename` for a name that is taken)."""
        deck = self.get(did)
        name = deck.basename
        if parent_id is not None:
            parent = self.get(parent_id)
            if parent.id == did or _is_under(parent.name, deck.name):
                raise InvalidInput(f"cannot move deck {deck.name!r} under itself")
            name = parent.name + SEPARATOR + name
        with self.col.op("Move Deck"):
            return self.rename(did, name)

    def remove(self, dids: list[int]) -> int:
        """Delete decks, their child decks and their cards; returns the number of cards removed.

        Cards that sit in a filtered deck being deleted go back to their home deck.
        """
        with self.col.op("Delete Deck"):
            doomed: dict[int, Deck] = {}
            for did in dids:
                if did == DEFAULT_DECK_ID:
                    raise InvalidInput("the Default deck cannot be deleted")
                deck = self.get(did)
                doomed[did] = deck
                doomed.update({d.id: d for d in self.descendants(did)})
            removed = 0
            for deck in doomed.values():
                if deck.is_filtered:
                    self.col.return_cards_from_filtered_deck(deck.id)
                else:
                    cids = [r[0] for r in self.db.execute(
                        "SELECT id FROM cards WHERE did = ? OR odid = ?", (deck.id, deck.id))]
                    removed += len(cids)
                    self.col.remove_cards(cids)
                self.db.execute("DELETE FROM decks WHERE id = ?", (deck.id,))
                self.col.add_grave(deck.id, 2)
            return removed

    def card_count(self, did: int) -> int:
        """How many cards deleting the deck would delete: those of it and its normal subdecks,
        including those borrowed by filtered decks (a filtered deck's own cards go home)."""
        dids = [d.id for d in [self.get(did), *self.descendants(did)] if not d.is_filtered]
        marks = ",".join("?" * len(dids))
        return self.db.execute(f"SELECT count() FROM cards WHERE did IN ({marks}) "
                               f"OR odid IN ({marks})", dids + dids).fetchone()[0]

    def merge(self, source: int, target: int) -> MergeResult:
        """Move every card of deck `source` into deck `target` and delete `source` (Anki's
        FAQ "combining two decks", as one step "Merge Decks").

        Subdecks of the source become subdecks of the target; one whose name the target
        already has is merged into it the same way. Cards borrowed by filtered decks get the
        target as their home deck. The target keeps its preset and settings.
        """
        src, dst = self.get(source), self.get(target)
        if src.id == dst.id:
            raise InvalidInput(f"cannot merge deck {src.name!r} into itself")
        if src.id == DEFAULT_DECK_ID:
            raise InvalidInput("the Default deck cannot be merged into another deck (it "
                               "cannot be deleted); move its cards with set-deck instead")
        if _is_under(dst.name, src.name):
            raise InvalidInput(f"cannot merge deck {src.name!r} into its own subdeck "
                               f"{dst.name!r}")
        result = MergeResult(src.name, dst.name)
        with self.col.op("Merge Decks"):
            self._merge_into(src, dst, result)
            if self.col.get_config("curDeck") in result.removed_ids:
                self.col._write_config("curDeck", dst.id)
        return result

    def _merge_into(self, src: Deck, dst: Deck, result: MergeResult) -> None:
        for deck, role in ((src, "merge"), (dst, "merge into")):
            if deck.is_filtered:
                raise InvalidInput(f"cannot {role} filtered deck {deck.name!r}: filtered decks "
                                   "only borrow cards (empty or delete it instead)")
        children = self.children(src.id)
        now = intTime()
        moved = self.db.execute("UPDATE cards SET did = ?, mtime = ?, usn = -1 WHERE did = ?",
                                (dst.id, now, src.id)).rowcount
        moved += self.db.execute("UPDATE cards SET odid = ?, mtime = ?, usn = -1 "
                                 "WHERE odid = ?", (dst.id, now, src.id)).rowcount
        result.cards += moved
        self.db.execute("DELETE FROM decks WHERE id = ?", (src.id,))
        self.col.add_grave(src.id, 2)
        result.removed_ids.append(src.id)
        # The source row is gone before its children move, so "A::b::b" merged from "A::b"
        # into "A" becomes "A::b" instead of folding into the deck being removed.
        for child in children:
            name = dst.name + SEPARATOR + child.basename
            found = self._lookup(name)
            clash = None if found is None else self.get(found[0])
            if clash is None:
                self._rename_tree(child, name)
                result.subdecks[child.name] = name
            else:
                result.subdecks[child.name] = clash.name
                self._merge_into(child, clash, result)

    def descendants(self, did: int) -> list[Deck]:
        name = self.get(did).name
        return [d for d in self.all() if _is_under(d.name, name)]

    def children(self, did: int) -> list[Deck]:
        depth = len(self.get(did).components) + 1
        return [d for d in self.descendants(did) if len(d.components) == depth]

    def tree(self) -> list[DeckNode]:
        """The deck tree, top-level decks first, each level sorted by name."""
        nodes: dict[str, DeckNode] = {}
        roots: list[DeckNode] = []
        for deck in self.all():
            node = DeckNode(deck)
            nodes[fold(deck.name)] = node
            parent = fold(SEPARATOR.join(deck.components[:-1]))
            if parent and parent in nodes:
                nodes[parent].children.append(node)
            else:
                roots.append(node)
        return roots
