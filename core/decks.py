"""Decks: a tree by `::` in their names; the Default deck (id 1) always exists."""

from __future__ import annotations

import sqlite3
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


def normalize_name(name: str) -> str:
    """Trim each `::` component and drop empty ones; refuse a name with nothing left."""
    parts = [p.strip() for p in name.replace("\x1f", SEPARATOR).split(SEPARATOR)]
    parts = [p for p in parts if p]
    if not parts:
        raise InvalidInput(f"deck name {name!r} is empty")
    return SEPARATOR.join(parts)


def sort_key(name: str) -> tuple[str, ...]:
    return tuple(p.casefold() for p in name.split(SEPARATOR))


class DeckManager:
    """Reads and writes the decks of one collection (`col.decks`)."""

    def __init__(self, col: Collection) -> None:
        self.col = col

    @property
    def db(self) -> sqlite3.Connection:
        return self.col.db

    def all(self) -> list[Deck]:
        decks = [rows.from_row(Deck, r) for r in self.db.execute("SELECT * FROM decks")]
        return sorted(decks, key=lambda d: sort_key(d.name))

    def get(self, did: int) -> Deck:
        row = self.db.execute("SELECT * FROM decks WHERE id = ?", (did,)).fetchone()
        if row is None:
            raise NotFoundError(f"no deck with id {did}")
        return rows.from_row(Deck, row)

    def by_name(self, name: str) -> Deck:
        row = self.db.execute("SELECT * FROM decks WHERE name = ?",
                              (normalize_name(name),)).fetchone()
        if row is None:
            raise NotFoundError(f"no deck called {name!r}")
        return rows.from_row(Deck, row)

    def id(self, name: str, create: bool = True) -> int:
        """The id of the deck called `name`, creating it (and its parents) if asked."""
        name = normalize_name(name)
        row = self.db.execute("SELECT id FROM decks WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        if not create:
            raise NotFoundError(f"no deck called {name!r}")
        with self.col.op("Add Deck"):
            return self._create(name)

    def _create(self, name: str, kind: int = DECK_NORMAL) -> int:
        parts = name.split(SEPARATOR)
        for depth in range(1, len(parts)):
            parent = SEPARATOR.join(parts[:depth])
            row = self.db.execute("SELECT id, kind FROM decks WHERE name = ?",
                                  (parent,)).fetchone()
            if row is None:
                self._insert(Deck(parent))
            elif row["kind"] == DECK_FILTERED:
                raise InvalidInput(f"deck {parent!r} is a filtered deck and cannot have "
                                   "child decks")
        return self._insert(Deck(name, kind=kind))

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
            if normalize_name(deck.name) != current.name:
                raise InvalidInput("use rename() to change a deck's name")
            deck.mtime = intTime()
            deck.usn = -1
            rows.update(self.db, "decks", rows.to_row(deck))

    def rename(self, did: int, new_name: str) -> None:
        """Rename a deck; its children move with it, and missing parents are created."""
        deck = self.get(did)
        new_name = normalize_name(new_name)
        if new_name == deck.name:
            return
        if did == DEFAULT_DECK_ID and SEPARATOR in new_name:
            raise InvalidInput("the Default deck cannot be moved under another deck")
        if sort_key(new_name)[: len(deck.components)] == sort_key(deck.name):
            raise InvalidInput(f"cannot move deck {deck.name!r} under itself")
        clash = self.db.execute("SELECT id FROM decks WHERE name = ? AND id != ?",
                                (new_name, did)).fetchone()
        if clash:
            raise InvalidInput(f"a deck called {new_name!r} already exists")
        with self.col.op("Rename Deck"):
            parent = SEPARATOR.join(new_name.split(SEPARATOR)[:-1])
            if parent:
                self.id(parent)
            for child in [deck, *self.descendants(did)]:
                renamed = new_name + child.name[len(deck.name):]
                self.db.execute("UPDATE decks SET name = ?, mtime = ?, usn = -1 WHERE id = ?",
                                (renamed, intTime(), child.id))

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

    def descendants(self, did: int) -> list[Deck]:
        prefix = self.get(did).name + SEPARATOR
        return [d for d in self.all() if d.name.casefold().startswith(prefix.casefold())]

    def children(self, did: int) -> list[Deck]:
        depth = len(self.get(did).components) + 1
        return [d for d in self.descendants(did) if len(d.components) == depth]

    def tree(self) -> list[DeckNode]:
        """The deck tree, top-level decks first, each level sorted by name."""
        nodes: dict[str, DeckNode] = {}
        roots: list[DeckNode] = []
        for deck in self.all():
            node = DeckNode(deck)
            nodes[deck.name.casefold()] = node
            parent = SEPARATOR.join(deck.components[:-1]).casefold()
            if parent and parent in nodes:
                nodes[parent].children.append(node)
            else:
                roots.append(node)
        return roots
