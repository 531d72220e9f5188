"""Browser operations: change deck, find and replace, tags, delete notes, card info and the
duplicate finder (issue 7 item 2).

Every changing operation is one undoable step (`Collection.op`) named as in Anki, checks its
input before writing anything, and does nothing on an empty selection (returns 0).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from unicodedata import normalize

from repetend.core import cardgen
from repetend.core.decks import DEFAULT_DECK_ID
from repetend.core.errors import InvalidInput, NotFoundError
from repetend.core.ids import intTime
from repetend.core.importing import fieldtext
from repetend.core.notes import (
    FIELD_SEPARATOR,
    Note,
    canonical_tags,
    str_to_tags,
    tags_to_str,
)
from repetend.core.text import (
    field_checksum,
    normalize_field,
    strip_html_preserving_media_filenames,
)
from repetend.core.undo import bulk_update, update_rows

if TYPE_CHECKING:
    from repetend.core.collection import Collection
    from repetend.core.notetypes import NoteType

OP_CHANGE_DECK = "Change Deck"
OP_FIND_REPLACE = "Find and Replace"
OP_ADD_TAGS = "Add Tags"
OP_REMOVE_TAGS = "Remove Tags"
OP_RENAME_TAG = "Rename Tag"
OP_CLEAR_UNUSED_TAGS = "Clear Unused Tags"
OP_DELETE_TAG = "Delete Tag"
OP_DELETE_NOTE = "Delete Note"


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(int(i) for i in ids))


#: The ids of a JSON array parameter, so a whole selection is one statement (a browser
#: operation on 100,000 notes was 100,000 statements and their Python round trips).
_IDS = "(SELECT value FROM json_each(?))"


def _ids(ids: Iterable[int]) -> str:
    return json.dumps(list(ids))


def _all_rows(col: Collection, table: str, ids: list[int]) -> bool:
    """Whether the distinct `ids` are every row of `table` (the browser's Select All): a
    statement over the whole table then needs no `_IDS` filter, whose 100,000-id JSON
    SQLite parses and indexes anew for each statement (~0.07 s each)."""
    if len(ids) != col.db.execute(f"SELECT count() FROM {table}").fetchone()[0]:
        return False
    return set(ids) == {r[0] for r in col.db.execute(f"SELECT id FROM {table}")}


# --- change deck -------------------------------------------------------------------------

#: A filtered card's due back from `odue` when set, and the queue its type implies unless
#: suspended or buried (Anki's `remove_from_filtered_deck_restoring_queue`, as
#: `filtered.return_cards`); a learning due above 1e9 is a timestamp (intraday queue).
_RESTORED_DUE = "(CASE WHEN odue != 0 THEN odue ELSE due END)"
_RESTORED_QUEUE = (f"(CASE WHEN queue < 0 THEN queue WHEN type = 0 THEN 0 WHEN type = 2 THEN 2 "
                   f"WHEN {_RESTORED_DUE} > 1000000000 THEN 1 ELSE 3 END)")


def set_deck(col: Collection, cids: Iterable[int], deck: str | int) -> int:
    """Move cards to `deck` (an existing deck's name or id); returns how many moved.

    A card in a filtered deck comes out of it first, as in Anki (its due and queue
    restored, `odid`/`odue` cleared), then moves: Change Deck is also how Anki users take
    cards out of a filtered deck by hand.
    """
    cids = _unique(cids)
    target = col.decks.get(deck) if isinstance(deck, int) else col.decks.by_name(deck)
    if target.is_filtered:
        raise InvalidInput(f"deck {target.name!r} is a filtered deck: cards cannot be moved "
                           "into it by hand")
    if not cids:
        return 0
    with col.op(OP_CHANGE_DECK):
        now = intTime()
        chosen, ids = ("", ()) if _all_rows(col, "cards", cids) else (f"id IN {_IDS} AND ",
                                                                     (_ids(cids),))
        _adjust_remaining_steps(col, chosen, ids, target.id, target.config_id)
        moved = bulk_update(col.db, "cards", {"did": "?", "mtime": "?", "usn": "-1"},
                            (target.id, now), f"{chosen}odid = 0 AND did != ?",
                            (*ids, target.id))
        return moved + bulk_update(
            col.db, "cards", {"did": "?", "odid": "0", "due": _RESTORED_DUE,
                              "queue": _RESTORED_QUEUE, "odue": "0", "mtime": "?",
                              "usn": "-1"},
            (target.id, now), f"{chosen}odid != 0", ids)


#: The preset of a card's home deck, inside a statement on `cards`.
_HOME_CONFIG = ("(SELECT config_id FROM decks WHERE decks.id = "
                "CASE WHEN cards.odid != 0 THEN cards.odid ELSE cards.did END)")


def _adjust_remaining_steps(col: Collection, chosen: str, ids: tuple[Any, ...],
                            target: int, config_id: int) -> None:
    """Give the (re)learning cards that move the remaining steps the target deck's preset
    implies, as Anki's Change Deck does: a card keeps the steps it has passed, measured
    by the delay of the last one it passed, so it continues at the target's first step
    longer than that (at least one step remains). Cards whose old preset has no such steps
    keep theirs. One statement, over the few cards in learning, for every preset."""
    new = col.deck_config(config_id)
    presets = []
    for old in col.deck_configs():
        kinds = " ".join(
            f"WHEN {ctype} THEN (CASE left % 1000 " + " ".join(
                f"WHEN {rem} THEN {_remaining(steps, new_steps, rem)}"
                for rem in range(len(steps))) + f" ELSE {max(1, len(new_steps))} END)"
            for ctype, steps, new_steps in ((1, old.learn_steps, new.learn_steps),
                                            (3, old.relearn_steps, new.relearn_steps))
            if steps)
        if kinds:
            presets.append(f"WHEN {old.id} THEN (CASE type {kinds} END)")
    if not presets:
        return
    value = f"(CASE {_HOME_CONFIG} {' '.join(presets)} END)"
    # only counts that change are written: the others keep v1's "today" part, and a move
    # between presets with the same steps writes (and logs) next to nothing
    bulk_update(col.db, "cards", {"left": value}, (),
                f"{chosen}type IN (1, 3) AND (odid != 0 OR did != ?) AND "
                f"{value} != left % 1000", (*ids, target))


def _remaining(steps: list[float], new_steps: list[float], remaining: int) -> int:
    passed = len(steps) - remaining
    done = sum(1 for s in new_steps if s <= steps[passed - 1]) if passed > 0 else 0
    return max(1, len(new_steps) - done)


# --- find and replace --------------------------------------------------------------------

def _compile(find: str, regex: bool, match_case: bool) -> re.Pattern[str]:
    if not find:
        raise InvalidInput("find and replace needs something to find")
    pattern = find if regex else re.escape(find)
    try:
        return re.compile(pattern, 0 if match_case else re.IGNORECASE)
    except re.error as exc:
        raise InvalidInput(f"invalid regular expression {find!r}: {exc}") from None


def _template(replace: str, regex: bool) -> Any:
    """The replacement: literal text, or (regex) Anki's `$1`/`${name}` or Python's `\\1`."""
    if not regex:
        # A template with its backslashes escaped is the literal text (and, unlike a
        # function, re.sub applies it without calling back into Python for each match).
        return replace.replace("\\", "\\\\")
    return re.sub(r"\$(\d+|\{\w+\})", lambda m: "\\g<" + m.group(1).strip("{}") + ">",
                  replace)


def find_and_replace(col: Collection, nids: Iterable[int], find: str, replace: str,
                     regex: bool = False, fields: Iterable[str] | None = None,
                     match_case: bool = False) -> int:
    """Replace `find` with `replace` in the notes' fields (all, or the named `fields`, which
    apply to the notes that have them); returns how many notes changed."""
    nids = _unique(nids)
    pattern = _compile(find, regex, match_case)
    template = _template(replace, regex)
    wanted = list(fields) if fields else None
    stored = _note_rows(col, nids)
    if wanted:
        known = {name for nt in col.notetypes.all() for name in nt.field_names()}
        missing = [f for f in wanted if f not in known]
        if missing:
            raise InvalidInput(f"no note type has a field called {missing[0]!r}")
    try:
        pattern.sub(template, "")
    except (re.error, IndexError) as exc:
        raise InvalidInput(f"invalid replacement {replace!r}: {exc}") from None
    changed: list[tuple[int, int, list[str] | str]] = []  # (nid, note type id, new fields)
    # per note type: its field names and the positions of the fields searched
    searched: dict[int, tuple[list[str], list[int]]] = {}
    sub = pattern.sub
    # A literal without the field separator cannot match across it, so all fields are
    # searched in one call on the stored text (one call per note instead of per field).
    whole = wanted is None and not regex and FIELD_SEPARATOR not in find + replace
    try:
        for nid in nids:
            ntid, flds = stored[nid][:2]
            if whole:
                text = sub(template, flds)
                if text != flds:
                    changed.append((nid, ntid, text))
                continue
            if ntid not in searched:
                names = col.notetypes.get(ntid).field_names()
                searched[ntid] = names, [i for i, name in enumerate(names)
                                         if wanted is None or name in wanted]
            old = flds.split(FIELD_SEPARATOR)
            new = list(old)
            for i in searched[ntid][1]:
                if i < len(new):
                    new[i] = sub(template, new[i])
            if new != old:
                changed.append((nid, ntid, new))
    except (re.error, IndexError) as exc:
        raise InvalidInput(f"invalid replacement {replace!r}: {exc}") from None
    if not changed:
        return 0
    with col.op(OP_FIND_REPLACE):
        _update_notes(col, changed, stored)
    return len(changed)


def _note_rows(col: Collection, nids: list[int]) -> dict[int, tuple[Any, ...]]:
    """nid -> (note type id, flds, tags, sfld, csum) of every note; a missing one is an
    error."""
    where, params = ("", ()) if _all_rows(col, "notes", nids) else (f"WHERE id IN {_IDS}",
                                                                   (_ids(nids),))
    found = {r[0]: tuple(r[1:]) for r in col.db.execute(
        f"SELECT id, ntid, flds, tags, sfld, csum FROM notes {where}", params)}
    for nid in nids:
        if nid not in found:
            raise NotFoundError(f"no note with id {nid}")
    return found


def _update_notes(col: Collection, notes: list[tuple[int, int, list[str] | str]],
                  stored: dict[int, tuple[Any, ...]]) -> None:
    """Save edited fields (nid, note type id, fields: a list, or joined as stored) as
    `Collection.update_note` does
    (normalized fields, canonical tags, sort field, checksum, then the cards the edit makes
    possible), in a few statements for all the notes instead of a dozen for each, and
    without a `Note` per note unless cards are missing. `stored`: nid -> the (note type
    id, flds, tags, sfld, csum) in the file; only the tags, sfld and csum that change are
    written (SQLite rewrites the index entries of every column it sets, changed or not)."""
    canonical = _TagCanonicalizer(col)
    now = intTime()
    groups: dict[tuple[bool, ...], list[list[Any]]] = {}
    types: dict[int, NoteType] = {}
    tag_texts: dict[str, str] = {}  # stored tag text -> canonical text (notes share them)
    saved: list[tuple[int, int, list[str] | str, str]] = []
    join, sep = FIELD_SEPARATOR.join, FIELD_SEPARATOR
    for nid, ntid, fields in notes:
        nt = types.get(ntid) or types.setdefault(ntid, col.notetypes.get(ntid))
        _, _, tags, sfld, csum = stored[nid]
        # Joined text that is printable ASCII is in its saved form already (ASCII is NFC,
        # and there are no control characters): it is not split, normalized and joined
        # again field by field (a fifth of a find and replace on 100,000 notes).
        joined = fields if isinstance(fields, str) and fields.isascii() and \
            fields.replace(sep, "").isprintable() else None
        if joined is None:
            if isinstance(fields, str):
                fields = fields.split(sep)
            if len(fields) != len(nt.fields):
                col._check_field_count(Note(ntid=ntid, fields=fields, id=nid), nt)
            # (a printable text has no control characters: only the NFC form is left)
            fields = [normalize("NFC", v) if v.isprintable() else normalize_field(v)
                      for v in fields]
            joined = join(fields)
            first = fields[0]
            sort_value = fields[nt.sort_field]
        else:
            if joined.count(sep) + 1 != len(nt.fields):
                col._check_field_count(Note(ntid=ntid, fields=joined.split(sep), id=nid), nt)
            first = joined.partition(sep)[0]
            sort_value = first if nt.sort_field == 0 else joined.split(sep)[nt.sort_field]
        text = tag_texts.get(tags)
        if text is None:
            text = tag_texts[tags] = tags_to_str(canonical(str_to_tags(tags)))
        sort_text = fieldtext.stripped(sort_value)
        # (the sort field is usually the first: stripping it twice was a tenth of a find
        # and replace)
        checksum = (fieldtext.checksum_of_stripped(sort_text) if nt.sort_field == 0
                    else field_checksum(first))
        key = (text != tags, sort_text != sfld, checksum != csum)
        row = [nid, now, -1, joined]
        if key[0]:
            row.append(text)
        if key[1]:
            row.append(sort_text)
        if key[2]:
            row.append(checksum)
        groups.setdefault(key, []).append(row)
        saved.append((nid, ntid, fields, text))
    canonical.register()
    for key, rows in groups.items():
        columns = [c for c, changed in zip(("tags", "sfld", "csum"), key, strict=True)
                   if changed]
        update_rows(col.db, "notes", ("mtime", "usn", "flds", *columns), rows)
    # nid -> its cards' ordinals as SQLite lists them; notes share few such lists, so each
    # becomes a set once (instead of a set per note built from every card row)
    have: dict[int, str] = dict(col.db.execute(
        f"SELECT nid, group_concat(ord) FROM cards WHERE nid IN {_IDS} GROUP BY nid",
        (_ids(n[0] for n in notes),)))
    ord_sets: dict[str | None, set[int]] = {None: set()}
    # A standard note type's cards depend only on which fields are empty and whether
    # there are tags: worked out once per combination (parsing templates each time was a
    # fifth of a find and replace on every note).
    wanted: dict[tuple[Any, ...], set[int]] = {}
    # A standard note type's note with a card for every template can get no new one (most
    # notes: working out which fields are empty for each was a sixth of find and replace).
    every_ord = {ntid: frozenset(t.ord for t in nt.templates)
                 for ntid, nt in types.items() if not nt.is_cloze}
    for nid, ntid, fields, text in saved:
        text_ords = have.get(nid)
        present = ord_sets.get(text_ords)
        if present is None:
            present = ord_sets[text_ords] = {int(o) for o in text_ords.split(",")}
        complete = every_ord.get(ntid)
        if complete is not None and complete <= present:
            continue
        if isinstance(fields, str):
            fields = fields.split(FIELD_SEPARATOR)
        nt = types[ntid]
        note = None
        if nt.is_cloze:
            note = Note(ntid=ntid, fields=fields, tags=str_to_tags(text), id=nid)
            ords = cardgen.ords_with_content(nt, note)
        else:
            key = (ntid, bool(text), *map(fieldtext.is_empty, fields))
            ords = wanted.get(key)
            if ords is None:
                note = Note(ntid=ntid, fields=fields, tags=str_to_tags(text), id=nid)
                ords = wanted[key] = cardgen.ords_with_content(nt, note)
        if not ords <= present:
            note = note or Note(ntid=ntid, fields=fields, tags=str_to_tags(text), id=nid)
            note.field_names = nt.field_names()
            cardgen.generate_cards(col, note, nt, None, new_note=False)


def find_and_replace_tags(col: Collection, nids: Iterable[int], find: str, replace: str,
                          regex: bool = False, match_case: bool = False) -> int:
    """Find and replace in the notes' tags (each tag on its own; a tag replaced by nothing
    goes); returns notes changed."""
    nids = _unique(nids)
    pattern = _compile(find, regex, match_case)
    template = _template(replace, regex)
    if any(ch.isspace() for ch in replace):  # (Anki refuses it too: a tag has no spaces)
        raise InvalidInput(f"a tag cannot contain a space: {replace!r}")

    def replaced(current: list[str]) -> list[str] | None:
        try:
            new = [pattern.sub(template, t) for t in current]
        except (re.error, IndexError) as exc:
            raise InvalidInput(f"invalid replacement {replace!r}: {exc}") from None
        new = [t for t in new if t.strip()]
        return new if new != current else None

    return _change_tags(col, OP_FIND_REPLACE, nids, replaced)


# --- tags --------------------------------------------------------------------------------

def _tag_list(tags: str | Iterable[str]) -> list[str]:
    raw = [tags] if isinstance(tags, str) else list(tags)
    result = canonical_tags(raw, {})
    if not result:
        raise InvalidInput("no tags given")
    return result


class _TagCanonicalizer:
    """`Collection._canonical_tags` for many notes: the tag list is read once, the tags not
    registered yet are added once each, in the order first seen, and each combination of
    tags is worked out once (notes share them; a later new tag cannot change the result
    for an earlier combination, which held no tag of that spelling)."""

    def __init__(self, col: Collection) -> None:
        self._db = col.db
        self._known = {r[0].casefold(): r[0] for r in col.db.execute("SELECT tag FROM tags")}
        # the registered spellings that are valid as they are (an imported file may hold
        # others): the folded ones whose tag `canonical_tags` gives back unchanged
        self._valid = {folded for folded, tag in self._known.items()
                       if canonical_tags([tag], {}) == [tag]}
        self._new: list[str] = []
        self._done: dict[tuple[str, ...], list[str]] = {}

    def __call__(self, tags: list[str]) -> list[str]:
        key = tuple(tags)
        done = self._done.get(key)
        if done is not None:
            return list(done)
        if self._is_canonical(tags):
            self._done[key] = list(tags)
            return list(tags)
        result = canonical_tags(tags, self._known)
        for tag in result:
            folded = tag.casefold()
            if folded not in self._known:
                self._known[folded] = tag
                self._valid.add(folded)  # (canonical_tags' output is valid)
                self._new.append(tag)
        self._done[key] = result
        return list(result)

    def _is_canonical(self, tags: list[str]) -> bool:
        """Whether `canonical_tags` would give `tags` back as they are: each one is the
        registered spelling of its tag (so it is valid and needs no change) and they are
        sorted without duplicates. Most stored tag texts are; checking is a fraction of
        working them out (which was a sixth of a find and replace on 100,000 notes)."""
        known, valid = self._known, self._valid
        previous = None
        for tag in tags:
            folded = tag.casefold()
            if known.get(folded) != tag or folded not in valid or (
                    previous is not None and folded <= previous):
                return False
            previous = folded
        return True

    def register(self) -> None:
        self._db.executemany("INSERT OR IGNORE INTO tags (tag) VALUES (?)",
                             [(t,) for t in self._new])
        self._new = []


def add_tags(col: Collection, nids: Iterable[int], tags: str | Iterable[str],
             op_name: str = OP_ADD_TAGS) -> int:
    """Add space-separated `tags` to notes, as the step `op_name` (Check Media's Tag
    Missing is one too); returns how many notes changed."""
    raw = [tags] if isinstance(tags, str) else list(tags)
    wanted = _tag_list(raw)

    def added(current: list[str]) -> list[str] | None:
        folded = {t.casefold() for t in current}
        extra = [t for t in wanted if t.casefold() not in folded]
        # (sorted, so that most come out in their saved form already: see _is_canonical)
        return sorted(current + extra, key=str.casefold) if extra else None

    typed = [t for text in raw for t in text.split()]
    return _change_tags(col, op_name, _unique(nids), added, given=typed)


def remove_tags(col: Collection, nids: Iterable[int], tags: str | Iterable[str]) -> int:
    """Remove `tags` and their children (`tag::x`), case-insensitively, from notes, the
    other tags left as they are (Anki's `bulk_remove`); returns how many notes changed."""
    family = _family(_tag_list(tags))

    def removed(current: list[str]) -> list[str] | None:
        kept = [t for t in current if not family.match(t)]
        return kept if len(kept) != len(current) else None

    return _change_tags(col, OP_REMOVE_TAGS, _unique(nids), removed, family,
                        canonical=False, register=False)


def _change_tags(col: Collection, name: str, nids: list[int],
                 change: Callable[[list[str]], list[str] | None],
                 hint: re.Pattern[str] | None = None, canonical: bool = True,
                 register: bool = True, given: list[str] | None = None) -> int:
    """Apply `change` (current tags -> new tags, or None to leave the note alone) to the
    notes `nids` as one step; returns how many changed. `hint`, `canonical`, `register`,
    `given`: as for `_tag_updates`, `_store_tags`."""
    if not nids:
        return 0
    ids = None if _all_rows(col, "notes", nids) else _ids(nids)
    updates = _tag_updates(col, ids, change, hint)
    if not updates:
        return 0
    with col.op(name):
        return _store_tags(col, ids, updates, canonical, register, given)


def _tag_updates(col: Collection, ids: str | None,
                 change: Callable[[list[str]], list[str] | None],
                 hint: re.Pattern[str] | None = None) -> dict[str, list[str]]:
    """stored tag text -> new tags, for each distinct text of the notes `ids` (a JSON
    array; None: every note) that `change` changes, the texts in the order of the first
    note holding each. Worked out once per text, which notes share, instead of once per
    note (renaming a tag on 100,000 notes went note by note). A text with no match of
    `hint` (a tag `change` looks for) is left alone without calling it."""
    where, params = (f"WHERE id IN {_IDS}", (ids,)) if ids is not None else ("", ())
    updates = {}
    search = hint.search if hint is not None else None
    for (text,) in col.db.execute(f"SELECT tags FROM notes {where} GROUP BY tags "
                                  "ORDER BY min(id)", params).fetchall():
        if search is not None and search(text) is None:
            continue
        new = change(str_to_tags(text))
        if new is not None:
            updates[text] = new
    return updates


def _store_tags(col: Collection, ids: str | None, updates: dict[str, list[str]],
                canonical: bool = True, register: bool = True,
                given: list[str] | None = None) -> int:
    """Inside an operation: give the notes `ids` (None: every note) whose stored tag text
    is a key of `updates` its new tags; returns how many notes changed. With `register`
    the tags not in the tag list are added to it (case unified with it); with `canonical`
    the notes get them that way too (de-duplicated, sorted), else exactly as given (as
    Anki's rename and removals leave them; a removal registers nothing). `given`: tags the
    user typed, registered first in the order typed, as Anki's add-tags does (so "lang::x
    Lang" keeps "lang::x" where the notes' sorted lists would make it "Lang::x")."""
    canonicalizer = _TagCanonicalizer(col)
    if given and register:
        canonicalizer(given)
    mapping = {}
    for old, tags in updates.items():
        text = tags_to_str(canonicalizer(tags) if canonical else tags)
        if text != old:
            mapping[old] = text
    if register:
        if not canonical:  # (all the tags at once: once per text was a third of a rename)
            canonicalizer(list(dict.fromkeys(t for tags in updates.values() for t in tags)))
        canonicalizer.register()
    return _map_tags(col, ids, mapping)


def _map_tags(col: Collection, ids: str | None, mapping: dict[str, str]) -> int:
    """Give the notes `ids` (a JSON array; None: every note) whose stored tag text is a key
    of `mapping` the text it maps to, in one statement; returns how many changed. (A tag
    change is a function of the stored text, which notes share: working it out and sending
    it per note was a third of adding a tag to 100,000 notes.)"""
    if not mapping:
        return 0
    db = col.db
    db.execute("CREATE TEMP TABLE IF NOT EXISTS tag_map (old TEXT PRIMARY KEY, new TEXT)")
    where, params = (f"id IN {_IDS} AND ", (ids,)) if ids is not None else ("", ())
    try:
        db.executemany("INSERT INTO temp.tag_map VALUES (?, ?)", mapping.items())
        return bulk_update(db, "notes", {"tags": "(SELECT new FROM temp.tag_map "
                                                 "WHERE old = notes.tags)",
                                         "mtime": "?", "usn": "-1"}, (intTime(),),
                           where + "tags IN (SELECT old FROM temp.tag_map)", params)
    finally:
        db.execute("DELETE FROM temp.tag_map")


def _family(tags: list[str]) -> re.Pattern[str]:
    """Matches, at its start, a tag that is one of `tags` or a child of one (`tag::x`),
    case-insensitively as Anki's tag matcher (simple case folding: "STRASSE" is not
    "Straße"); `.search` finds one in a stored tag text."""
    names = "|".join(re.escape(t) for t in sorted(tags, key=len, reverse=True))
    return re.compile(f"(?:(?<= )|^)(?:{names})(?=::| |$)", re.IGNORECASE)


def rename_tag(col: Collection, old: str, new: str) -> int:
    """Rename tag `old` and its children (`old::x`) to `new` on every note, each in its
    place, as Anki does (the notes get `new` as written; the tag list unifies its case);
    returns how many notes changed."""
    (old,) = _single_tag(old)
    (new,) = _single_tag(new)
    family = _family([old])

    def renamed(current: list[str]) -> list[str] | None:
        out = []
        for t in current:
            m = family.match(t)
            out.append(new + t[m.end():] if m else t)
        return out if out != current else None

    updates = _tag_updates(col, None, renamed, family)
    if not updates:
        return 0
    registered = [t for (t,) in col.db.execute("SELECT tag FROM tags") if family.match(t)]
    with col.op(OP_RENAME_TAG):
        # drop the old spellings first so the new case is the one registered
        col.db.execute(f"DELETE FROM tags WHERE tag IN {_IDS}", (json.dumps(registered),))
        return _store_tags(col, None, updates, canonical=False)


def delete_tag(col: Collection, tag: str) -> int:
    """Take `tag` and its children (`tag::x`) off every note and out of the tag list, as one
    step; returns how many notes changed (the sidebar's Delete on a tag)."""
    (tag,) = _single_tag(tag)
    family = _family([tag])

    def kept(current: list[str]) -> list[str] | None:
        left = [t for t in current if not family.match(t)]
        return left if len(left) != len(current) else None

    updates = _tag_updates(col, None, kept, family)
    registered = [t for (t,) in col.db.execute("SELECT tag FROM tags") if family.match(t)]
    if not updates and not registered:
        return 0
    with col.op(OP_DELETE_TAG):
        changed = _store_tags(col, None, updates, canonical=False, register=False)
        col.db.execute(f"DELETE FROM tags WHERE tag IN {_IDS}", (json.dumps(registered),))
    return changed


def _single_tag(text: str) -> list[str]:
    tags = _tag_list(text)
    if len(tags) != 1:
        raise InvalidInput(f"{text!r} is not one tag")
    return tags


def clear_unused_tags(col: Collection) -> int:
    """Remove registered tags that no note uses; returns how many went."""
    used = set()
    for (text,) in col.db.execute("SELECT tags FROM notes"):
        for tag in str_to_tags(text):
            parts = tag.casefold().split("::")
            used.update("::".join(parts[:i]) for i in range(1, len(parts) + 1))
    unused = [t for (t,) in col.db.execute("SELECT tag FROM tags") if t.casefold() not in used]
    if not unused:
        return 0
    with col.op(OP_CLEAR_UNUSED_TAGS):
        for tag in unused:
            col.db.execute("DELETE FROM tags WHERE tag = ?", (tag,))
    return len(unused)


# --- delete notes ------------------------------------------------------------------------

def delete_notes(col: Collection, nids: Iterable[int]) -> int:
    """Delete notes with all their cards; returns how many notes went.

    The same rows and graves as `Collection.remove_notes`, but the cards and notes go as
    bulk deletes (`UndoHistory.bulk_delete`: a few multi-row statements in the undo step
    instead of one per row), so deleting and undoing thousands of notes stays quick."""
    nids = _unique(nids)
    present = {r[0] for r in col.db.execute(f"SELECT id FROM notes WHERE id IN {_IDS}",
                                            (_ids(nids),))}
    nids = [nid for nid in nids if nid in present]
    if not nids:
        return 0
    with col.op(OP_DELETE_NOTE):
        ids = _ids(nids)
        cards: dict[int, list[int]] = {}
        for nid, cid in col.db.execute(f"SELECT nid, id FROM cards WHERE nid IN {_IDS} "
                                       "ORDER BY nid, id", (ids,)):
            cards.setdefault(nid, []).append(cid)
        col.history.bulk_delete("cards", f"nid IN {_IDS}", (ids,))
        col.history.bulk_delete("notes", f"id IN {_IDS}", (ids,))
        # graves as remove_notes leaves them: each note's cards, then the note
        graves = [(oid, kind) for nid in nids
                  for oid, kind in [*((cid, 0) for cid in cards.get(nid, [])), (nid, 1)]]
        # Graves already there (an id deleted before) only get usn -1, row by row; the new
        # ones go in as one logged bulk insert, in the same order (so the same rowids).
        old = {(oid, kind) for oid, kind in col.db.execute(
            f"SELECT oid, type FROM graves WHERE oid IN {_IDS}",
            (json.dumps([oid for oid, _ in graves]),))}
        col.db.executemany("UPDATE graves SET usn = -1 WHERE oid = ? AND type = ?",
                           [g for g in graves if g in old])
        col.history.insert_select(
            "graves", ("oid", "type", "usn"),
            "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), -1 "
            "FROM json_each(?) ORDER BY key",
            (json.dumps([g for g in graves if g not in old]),))
    return len(nids)


# --- card info ---------------------------------------------------------------------------

REVLOG_TYPES = {0: "learning", 1: "review", 2: "relearning", 3: "filtered", 4: "manual",
                5: "rescheduled"}


def card_info(col: Collection, cid: int) -> dict[str, Any]:
    """What Anki's Card Info shows, as a plain dict (times in epoch seconds and ms)."""
    card = col.get_card(cid)
    note = col.get_note(card.nid)
    nt = col.notetypes.get(note.ntid)
    history = [dict(r) for r in col.db.execute(
        "SELECT id, ease, ivl, last_ivl, factor, time, type FROM revlog WHERE cid = ? "
        "ORDER BY id", (cid,))]
    for entry in history:
        entry["kind"] = REVLOG_TYPES.get(entry["type"], str(entry["type"]))
    answers = [e for e in history if e["type"] in (0, 1, 2, 3) and e["ease"]]
    total_ms = sum(e["time"] for e in answers)
    templates = getattr(nt, "templates", [])
    template = templates[card.ord].name if card.ord < len(templates) else str(card.ord)
    deck = col.decks.get(card.did).name
    return {
        "card_id": card.id, "note_id": note.id, "note_type": nt.name, "card_type": template,
        "deck": deck,
        "original_deck": col.decks.get(card.odid).name if card.odid else None,
        "added": card.id // 1000,
        "first_review": answers[0]["id"] // 1000 if answers else None,
        "latest_review": answers[-1]["id"] // 1000 if answers else None,
        "type": card.type, "queue": card.queue, "due": card.due,
        "interval": card.ivl, "ease": card.factor / 10 if card.factor else None,
        "reviews": card.reps, "lapses": card.lapses,
        "average_time_ms": total_ms // len(answers) if answers else None,
        "total_time_ms": total_ms,
        "sort_field": strip_html_preserving_media_filenames(
            note.fields[nt.sort_field]) if note.fields else "",
        "history": history,
    }


# --- duplicates --------------------------------------------------------------------------

def find_duplicates(col: Collection, field: str, search: str = "") -> list[dict[str, Any]]:
    """Notes sharing a value of `field` among the notes `search` finds, as Anki's Find
    Duplicates: [{"value": ..., "note_ids": [...]}].

    As in Anki, the field is found by name in any case in every note type that has it; a
    value is compared with its HTML stripped (media file names kept, entities decoded) but
    case and spaces as typed (" a" and "A" are not "a"); an empty one is no duplicate.
    Groups come in Anki's order: where their second note comes, by note id."""
    wanted = field.lower()
    ords: dict[int, int] = {}
    for nt in col.notetypes.all():
        for i, name in enumerate(nt.field_names()):
            if name.lower() == wanted:
                ords[nt.id] = i
                break
    if not ords:
        raise InvalidInput(f"no note type has a field called {field!r}")
    found = set(col.find_notes(search))
    groups: dict[str, list[int]] = {}
    out: list[dict[str, Any]] = []
    marks = ",".join("?" * len(ords))
    for nid, ntid, flds in col.db.execute(
            f"SELECT id, ntid, flds FROM notes WHERE ntid IN ({marks}) ORDER BY id",
            list(ords)):
        if nid not in found:
            continue
        values = flds.split(FIELD_SEPARATOR)
        if ords[ntid] >= len(values):
            continue
        value = strip_html_preserving_media_filenames(values[ords[ntid]])
        if not value:
            continue
        nids = groups.setdefault(value, [])
        nids.append(nid)
        if len(nids) == 2:
            out.append({"value": value, "note_ids": nids})
    return out


# --- change note type --------------------------------------------------------------------

OP_CHANGE_NOTETYPE = "Change Notetype"


def change_notetype(col: Collection, nids: Iterable[int], new_notetype: str | int,
                    field_map: dict[str, str | None] | None = None,
                    template_map: dict[str, str | None] | None = None) -> int:
    """Give notes (all of one note type) the note type `new_notetype`.

    `field_map` maps each new field name to the old field it takes its value from (None:
    empty); unnamed new fields take the old field at the same position. `template_map` does
    the same for card templates; cards of old templates no new template takes are deleted
    (warned by `unmapped_templates`). Cloze cards are numbers, not templates, so as in
    Anki: changing to a cloze type keeps every card's ordinal (Empty Cards removes those
    without a cloze, if the user wants), unless `template_map` names the one old template
    whose cards become c1; changing from one keeps c1…cN for the N new templates and deletes
    the rest, and takes no `template_map`. Returns how many notes changed.
    """
    nids = _unique(nids)
    if not nids:
        return 0
    notes = [col.get_note(nid) for nid in nids]
    old_ids = {n.ntid for n in notes}
    if len(old_ids) != 1:
        raise InvalidInput("the selected notes must all have the same note type")
    old = col.notetypes.get(old_ids.pop())
    new = _notetype(col, new_notetype)
    fmap = _mapping("field", old.field_names(), new.field_names(), field_map)
    gone, moved, _lost = _card_plan(old, new, template_map)
    with col.op(OP_CHANGE_NOTETYPE):
        _remap_cards(col, nids, gone, moved)
        last_deck = col.get_config(f"_nt_{new.id}_lastDeck", DEFAULT_DECK_ID)
        last_deck = last_deck if isinstance(last_deck, int) else DEFAULT_DECK_ID
        for note in notes:
            note.fields = [note.fields[i] if i is not None else "" for i in fmap]
            note.ntid = new.id
            col._write_note(note, new, insert=False)
            _add_new_cards(col, note, new, last_deck)
    return len(notes)


def _add_new_cards(col: Collection, note: Note, nt: NoteType, last_deck: int) -> None:
    """The cards the new note type adds, as adding the note would make them (only templates
    that show something; card 0 if the note has no card left). As in Anki, they go to the
    home deck of the note's cards if they share one, else to the deck last used for adding
    with the note type (Anki's `_nt_<id>_lastDeck`), else Default; a new sibling's
    position is shared."""
    existing = col.cards_of_note(note.id)
    homes = {c.home_deck_id for c in existing}
    deck = homes.pop() if len(homes) == 1 else last_deck
    cardgen.generate_cards(col, note, nt, deck, new_note=not existing)


def _notetype(col: Collection, notetype: str | int) -> NoteType:
    return (col.notetypes.get(notetype) if isinstance(notetype, int)
            else col.notetypes.by_name(notetype))


def _card_plan(old: NoteType, new: NoteType, template_map: dict[str, str | None] | None
               ) -> tuple[str | None, dict[int, int], list[str]]:
    """Which of the notes' cards go (an SQL condition on `ord`, None: none), which old
    ordinal moves to which new one, and what the lost cards are called, as Anki's Change
    Notetype does it."""
    if old.is_cloze:
        if template_map:
            raise InvalidInput(f"{old.name!r} is a cloze note type: its cards keep their "
                               "cloze numbers, so they take no template map")
        if new.is_cloze:
            return None, {}, []
        count = len(new.templates)
        return f"ord >= {count}", {}, [f"c{count + 1} and above"]
    if new.is_cloze and not template_map:
        return None, {}, []
    tmap = _mapping("template", [t.name for t in old.templates],
                    [t.name for t in new.templates], template_map)
    kept = sorted({o for o in tmap if o is not None})
    return (f"ord NOT IN ({','.join(map(str, kept))})",
            {old: new for new, old in enumerate(tmap) if old is not None and old != new},
            [t.name for t in old.templates if t.ord not in kept])


def _remap_cards(col: Collection, nids: list[int], gone: str | None,
                 moved: dict[int, int]) -> None:
    """Delete the notes' cards that match `gone` (with graves), then move the others to
    their new ordinals, as a few statements for the whole selection.

    The moves go through negative ordinals first: moved one by one, two cards swapping
    places hit UNIQUE(nid, ord). An old ordinal taken by two new ones moves to the last
    new one that is not its own (Anki's template map); the other gets a new card."""
    ids = _ids(nids)
    if gone:
        where = f"nid IN {_IDS} AND {gone}"
        col.db.execute("INSERT INTO graves (oid, type, usn) SELECT id, 0, -1 FROM cards "
                       f"WHERE {where} ON CONFLICT (oid, type) DO UPDATE SET usn = -1", (ids,))
        col.db.execute(f"DELETE FROM cards WHERE {where}", (ids,))
    if not moved:
        return
    cases = " ".join(f"WHEN {old} THEN {-1 - new}" for old, new in moved.items())
    col.db.execute(f"UPDATE cards SET ord = CASE ord {cases} END, mtime = ?, usn = -1 "
                   f"WHERE nid IN {_IDS} AND ord IN ({','.join(map(str, moved))})",
                   (intTime(), ids))
    col.db.execute(f"UPDATE cards SET ord = -1 - ord WHERE nid IN {_IDS} AND ord < 0", (ids,))


def unmapped_templates(col: Collection, old_notetype: str | int, new_notetype: str | int,
                       template_map: dict[str, str | None] | None = None,
                       nids: Iterable[int] | None = None) -> list[str]:
    """Old templates whose cards a change of note type would delete, to warn first. From a
    cloze type that is the cloze numbers past the new templates ("c3 and above"), named
    only if one of `nids` (when given) has such a card."""
    old, new = _notetype(col, old_notetype), _notetype(col, new_notetype)
    gone, _moved, lost = _card_plan(old, new, template_map)
    if old.is_cloze and lost and nids is not None and not col.db.execute(
            f"SELECT 1 FROM cards WHERE nid IN {_IDS} AND {gone} LIMIT 1",
            (_ids(_unique(nids)),)).fetchone():
        return []
    return lost


def _mapping(what: str, old: list[str], new: list[str],
             given: dict[str, str | None] | None) -> list[int | None]:
    """For each new name, the index of the old one it takes from (None: nothing)."""
    given = given or {}
    for name in given:
        if name not in new:
            raise InvalidInput(f"the new note type has no {what} called {name!r}")
    out: list[int | None] = []
    for i, name in enumerate(new):
        if name in given:
            source = given[name]
            if source is not None and source not in old:
                raise InvalidInput(f"the old note type has no {what} called {source!r}")
            out.append(old.index(source) if source is not None else None)
        else:
            out.append(i if i < len(old) else None)
    return out
