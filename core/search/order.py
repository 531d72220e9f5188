"""Sort orders for search results: the browser's sortable columns as SQL.

Keys are Anki's browser column keys (`noteFld`, `cardDue`, …, what `sortType` in the config
holds), with friendlier aliases for the command line. In notes mode, card columns sort by an
aggregate over the note's cards (earliest due, average interval and ease, total reviews).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from repetend.core.errors import InvalidInput


@dataclass(frozen=True)
class SortColumn:
    key: str
    label: str
    cards: str          # ORDER BY terms in cards mode (tables c, n; `{today}`, `{next_day}`)
    notes: str | None   # in notes mode (table n), or None if it cannot sort notes
    needs_notes: bool = False
    #: `notes` is an aggregate over the note's cards (table c, grouped by note): the query
    #: reads the cards once, in note order, instead of looking into them for every note.
    grouped: bool = False
    #: The aggregate needs only what the cards' (nid, ord) index holds (note id, ordinal,
    #: card id). Others read every card's row: over the whole collection, in the table's
    #: order, grouped with a sort (`GROUP_SCAN`), not each looked up in note order.
    index_only: bool = False


#: Whole-collection notes-mode sorts by other card columns: 125,000 cards read in table order
#: and grouped with a sort took ~10 ms less than looking each up from the nid index.
GROUP_SCAN = "cards c NOT INDEXED"


# Keys are one integer where they can be: SQLite sorts rows whose first key is an integer in
# every row by a quicker comparison (125,000 cards: 50 -> 33 ms by due, 45 -> 35 by ease;
# 100,000 notes ~10 ms less than REAL or NULL keys). Two keys become one as
# `first * 2**40 + second` (exact while |second| < 2**39; due, factor and positions are
# 32-bit in Anki); NULL_FIRST stands for NULL (below every other value, as NULL).
NULL_FIRST = "-9223372036854775808"
_STEP = 1 << 40

# As Anki orders the Due column: cards in filtered decks first (they show "(filtered)"), then
# new cards by position, then the others by day (learning cards' times turned into days).
_DUE = (f"(CASE WHEN c.odid != 0 THEN 0 ELSE (CASE WHEN c.type = 0 THEN {_STEP} "
        f"ELSE {2 * _STEP} END) + (CASE WHEN c.queue IN (1,4) THEN {{today}} + "
        "(c.due - {next_day}) / 86400 ELSE c.due END) END)")
# Ease: new cards last.
_EASE = f"(CASE WHEN c.type = 0 THEN {_STEP} + c.factor ELSE c.factor END)"


def _average(total: str, count: str) -> str:
    """An average compared exactly as an integer, sum * 2**32 / count (integer division:
    distinct averages of fewer than 46,000 cards stay distinct, equal ones equal)."""
    return f"coalesce(sum({total}) * 4294967296 / count({count}), {NULL_FIRST})"


# Notes: the earliest due time of the note's scheduled cards (not new, suspended, buried or
# filtered: what the notes-mode cell shows), notes without one first: a review card's day
# (since the collection's creation) in seconds, against a learning card's seconds since then.
_NOTE_DUE = ("coalesce(min(CASE WHEN c.type = 0 OR c.queue < 0 OR c.odid != 0 THEN NULL "
             "WHEN c.queue IN (1, 4) OR (c.type IN (1, 3) AND c.due > 1000000000) "
             f"THEN c.due - (SELECT crt FROM col) ELSE c.due * 86400 END), {NULL_FIRST})")
_NOTE_POSITION = ("(SELECT CASE WHEN x.type = 0 THEN x.due ELSE json_extract(x.data, '$.pos') "
                  "END FROM cards x WHERE x.nid = {nid} ORDER BY x.ord LIMIT 1)")
# A card of ordinal 0 is its note's first: its own position, without a look at the others.
_CARD_POSITION = ("(CASE WHEN c.ord = 0 THEN (CASE WHEN c.type = 0 THEN c.due ELSE "
                  f"json_extract(c.data, '$.pos') END) ELSE {_NOTE_POSITION.format(nid='c.nid')} "
                  "END)")
_NOTE_FIRST_POSITION = ("(CASE WHEN min(c.ord) = 0 THEN max(CASE WHEN c.ord = 0 THEN (CASE WHEN "
                        "c.type = 0 THEN c.due ELSE json_extract(c.data, '$.pos') END) END) "
                        f"ELSE {_NOTE_POSITION.format(nid='c.nid')} END)")
# Decks, note types and card templates sort by name: `ranks` turns each id into its place in
# that order (`{deck_rank}`, `{notetype_rank}`, `{template_rank}` in the terms), integers
# SQLite compares quickly, instead of looking a name up for every row.
# The sort field sorts as Anki's (NOCASE), tags alike; the note columns are read in the
# order of their indexes (`ix_notes_sfld`, `ix_notes_tags`, `ix_notes_mtime`: the value,
# then the note id), and each note's cards in that of (nid, ord), so no sort is needed.
# Cards whose notes tie come by note, then ordinal (Anki leaves those ties open).
_SFLD = "n.sfld COLLATE NOCASE"
_TAGS = "n.tags COLLATE NOCASE"

COLUMNS: dict[str, SortColumn] = {c.key: c for c in [
    SortColumn("noteFld", "Sort Field", f"{_SFLD}, n.id, c.ord", _SFLD, needs_notes=True),
    # notes: their ids, as the cards hold them (in the order of the nid index)
    SortColumn("noteCrt", "Created", "c.nid, c.ord", "c.nid", grouped=True,
               index_only=True),
    SortColumn("noteMod", "Modified", "n.mtime, n.id, c.ord", "n.mtime", needs_notes=True),
    SortColumn("cardMod", "Card Modified", "c.mtime", "max(c.mtime)", grouped=True),
    SortColumn("cardDue", "Due", _DUE, _NOTE_DUE, grouped=True),
    SortColumn("cardIvl", "Interval", "c.ivl", _average("c.ivl", "*"), grouped=True),
    SortColumn("cardEase", "Ease", _EASE,
               _average("CASE WHEN c.type != 0 THEN c.factor END",
                        "CASE WHEN c.type != 0 THEN 1 END"), grouped=True),
    SortColumn("cardReps", "Reviews", "c.reps", "sum(c.reps)", grouped=True),
    SortColumn("cardLapses", "Lapses", "c.lapses", "sum(c.lapses)", grouped=True),
    # notes whose cards are in several decks ("(2)") last, as in Anki
    SortColumn("deck", "Deck", "{deck_rank}", "{note_deck_rank}", grouped=True),
    SortColumn("note", "Note Type", f"{{notetype_rank}} * {_STEP} + c.ord", "{notetype_rank}",
               needs_notes=True),
    SortColumn("template", "Card Type", f"{{template_rank}} * {_STEP} + c.ord", "count()",
               needs_notes=True, grouped=True, index_only=True),
    SortColumn("noteTags", "Tags", f"{_TAGS}, n.id, c.ord", _TAGS, needs_notes=True),
    # Anki orders cards by their note's position (that of its first card, NULL for a
    # scheduled card without one), then the note, then the card's ordinal (ascending both
    # ways).
    SortColumn("originalPosition", "Position",
               f"coalesce({_CARD_POSITION}, {NULL_FIRST}), c.nid, c.ord ASC",
               f"coalesce({_NOTE_FIRST_POSITION}, {NULL_FIRST})", grouped=True),
]}

ALIASES = {
    "sort-field": "noteFld", "sortfield": "noteFld", "field": "noteFld",
    "created": "noteCrt", "added": "noteCrt",
    "modified": "noteMod", "edited": "noteMod", "card-modified": "cardMod",
    "due": "cardDue", "interval": "cardIvl", "ivl": "cardIvl", "ease": "cardEase",
    "reviews": "cardReps", "reps": "cardReps", "lapses": "cardLapses",
    "deck": "deck", "notetype": "note", "note-type": "note", "template": "template",
    "card": "template", "card-type": "template", "cards": "template", "notecards": "template",
    "tags": "noteTags", "position": "originalPosition",
}


def ranks(db: sqlite3.Connection, terms: str) -> dict[str, str]:
    """SQL for the `{deck_rank}`, `{note_deck_rank}` (an aggregate over the note's cards c),
    `{notetype_rank}` and `{template_rank}` that `terms` uses:
    each row's place in the order of the names (found now, so always the current ones)."""
    out: dict[str, str] = {}
    if "deck_rank}" in terms:  # a missing deck: NULL, first
        ids = [r[0] for r in db.execute("SELECT id FROM decks ORDER BY name COLLATE NOCASE, id")]
        places = {d: str(i) for i, d in enumerate(ids, 1)}
        out["deck_rank"] = lookup_sql("c.did", places, "NULL")
        # a note's deck if all its cards are in one, else after every deck
        out["note_deck_rank"] = (f"(CASE WHEN min(c.did) = max(c.did) THEN "
                                 f"{lookup_sql('min(c.did)', places, 'NULL')} "
                                 f"ELSE {len(ids) + 1} END)")
    if "{notetype_rank}" in terms:
        ids = [r[0] for r in db.execute(
            "SELECT id FROM notetypes ORDER BY name COLLATE NOCASE, id")]
        out["notetype_rank"] = lookup_sql("n.ntid", {d: str(i) for i, d in enumerate(ids, 1)},
                                          "0")
    if "{template_rank}" in terms:
        by_type: dict[int, dict[int, str]] = {}
        for i, (ntid, ord_) in enumerate(db.execute(
                "SELECT t.ntid, t.ord FROM templates t JOIN notetypes nt ON nt.id = t.ntid "
                "ORDER BY nt.name COLLATE NOCASE, t.name COLLATE NOCASE, t.ord"), 1):
            by_type.setdefault(ntid, {})[ord_] = str(i)
        # A cloze card (ordinal past the templates) takes its note type's only template.
        out["template_rank"] = lookup_sql("n.ntid", {
            ntid: lookup_sql("c.ord", places, places.get(0, "0"))
            for ntid, places in by_type.items()}, "0")
    return out


def lookup_sql(expr: str, values: dict[int, str], default: str) -> str:
    """SQL giving `values[expr]` (`default` if absent) with a few integer comparisons: a
    tree of CASEs, about log2(len) levels deep."""
    keys = sorted(values)

    def tree(lo: int, hi: int) -> str:
        if hi - lo <= 8:
            arms = " ".join(f"WHEN {k} THEN {values[k]}" for k in keys[lo:hi])
            return f"CASE {expr} {arms} ELSE {default} END"
        mid = (lo + hi) // 2
        return f"CASE WHEN {expr} < {keys[mid]} THEN {tree(lo, mid)} ELSE {tree(mid, hi)} END"

    return f"({tree(0, len(keys))})" if keys else default


def column(name: str) -> SortColumn | None:
    """The column for an Anki key or an alias (case-insensitive for aliases)."""
    if name in COLUMNS:
        return COLUMNS[name]
    key = ALIASES.get(name.lower())
    return COLUMNS[key] if key else None


def require_column(name: str) -> SortColumn:
    col = column(name)
    if col is None:
        raise InvalidInput(f"cannot sort by {name!r}; use one of "
                           f"{', '.join(sorted(set(ALIASES)))}")
    return col


def order_terms(terms: str, reverse: bool) -> str:
    """Each comma-separated term of `terms` ascending, or all descending but those marked
    ASC explicitly."""
    if not reverse:
        return terms
    return ", ".join(t.strip() if t.strip().upper().endswith(" ASC") else f"{t.strip()} DESC"
                     for t in _split_terms(terms))


def _split_terms(terms: str) -> list[str]:
    """Split at top-level commas (not inside parentheses)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(terms):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(terms[start:i])
            start = i + 1
    out.append(terms[start:])
    return out
