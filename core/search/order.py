"""Sort orders for search results: the browser's sortable columns as SQL.

Keys are Anki's browser column keys (`noteFld`, `cardDue`, …, what `sortType` in the config
holds), with friendlier aliases for the command line. In notes mode, card columns sort by an
aggregate over the note's cards (earliest due, average interval and ease, total reviews).
"""

from __future__ import annotations

from dataclasses import dataclass

from repetend.core.errors import InvalidInput


@dataclass(frozen=True)
class SortColumn:
    key: str
    label: str
    cards: str          # ORDER BY terms in cards mode (tables c, n; `{today}`, `{next_day}`)
    notes: str | None   # in notes mode (table n), or None if it cannot sort notes
    needs_notes: bool = False


_DUE = ("(CASE WHEN c.type = 0 THEN 0 ELSE 1 END), "
        "(CASE WHEN c.queue IN (1,4) THEN {today} + "
        "((CASE WHEN c.odue != 0 THEN c.odue ELSE c.due END) - {next_day}) / 86400 "
        "ELSE (CASE WHEN c.odue != 0 THEN c.odue ELSE c.due END) END)")

COLUMNS: dict[str, SortColumn] = {c.key: c for c in [
    SortColumn("noteFld", "Sort Field", "n.sfld COLLATE NOCASE, c.ord",
               "n.sfld COLLATE NOCASE", needs_notes=True),
    SortColumn("noteCrt", "Created", "n.id, c.ord", "n.id", needs_notes=True),
    SortColumn("noteMod", "Modified", "n.mtime, c.ord", "n.mtime", needs_notes=True),
    SortColumn("cardMod", "Card Modified", "c.mtime",
               "(SELECT max(mtime) FROM cards WHERE nid = n.id)"),
    SortColumn("cardDue", "Due", _DUE,
               "(SELECT min(CASE WHEN type = 0 THEN due - 1000000000 ELSE due END) "
               "FROM cards WHERE nid = n.id)"),
    SortColumn("cardIvl", "Interval", "c.ivl", "(SELECT avg(ivl) FROM cards WHERE nid = n.id)"),
    SortColumn("cardEase", "Ease", "(CASE WHEN c.type = 0 THEN 0 ELSE 1 END), c.factor",
               "(SELECT avg(factor) FROM cards WHERE nid = n.id AND type != 0)"),
    SortColumn("cardReps", "Reviews", "c.reps", "(SELECT sum(reps) FROM cards WHERE nid = n.id)"),
    SortColumn("cardLapses", "Lapses", "c.lapses",
               "(SELECT sum(lapses) FROM cards WHERE nid = n.id)"),
    SortColumn("deck", "Deck", "(SELECT name FROM decks WHERE id = c.did) COLLATE NOCASE",
               "(SELECT min(d.name COLLATE NOCASE) FROM cards x JOIN decks d ON d.id = x.did "
               "WHERE x.nid = n.id) COLLATE NOCASE"),
    SortColumn("note", "Note Type", "(SELECT name FROM notetypes WHERE id = n.ntid) "
               "COLLATE NOCASE, c.ord", "(SELECT name FROM notetypes WHERE id = n.ntid) "
               "COLLATE NOCASE", needs_notes=True),
    SortColumn("template", "Card Type", "(SELECT name FROM notetypes WHERE id = n.ntid) "
               "COLLATE NOCASE, c.ord", "(SELECT count() FROM cards WHERE nid = n.id)",
               needs_notes=True),
    SortColumn("noteTags", "Tags", "n.tags COLLATE NOCASE", "n.tags COLLATE NOCASE",
               needs_notes=True),
    SortColumn("originalPosition", "Position",
               "(CASE WHEN c.type = 0 THEN c.due ELSE coalesce(json_extract(c.data, '$.pos'), "
               "c.due) END)",
               "(SELECT CASE WHEN x.type = 0 THEN x.due ELSE json_extract(x.data, '$.pos') END "
               "FROM cards x WHERE x.nid = n.id ORDER BY x.ord LIMIT 1)"),
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
    """Each comma-separated term of `terms` ascending, or all descending."""
    if not reverse:
        return terms
    return ", ".join(f"{t.strip()} DESC" for t in _split_terms(terms))


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
