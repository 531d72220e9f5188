"""`repetend search QUERY`: Anki's search language from the command line.

Lists the matching cards (or notes with `--notes`) as the browser's table shows them
(`repetend.plugins.browser.browser_table`: the same columns, add-on columns included, the
same cell texts and sort orders). Without `--columns` it shows the browser's current
columns, without `--sort` it uses the browser's current sort; neither option changes what
the browser remembers. `--json` prints the rows for scripts.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from repetend.host.cli import add_command, emit, open_host

if TYPE_CHECKING:
    from repetend.core.browser_table import BrowserTable

#: Command-line names of the browser's columns (Anki's keys are accepted too).
NAMES = {
    "sort-field": "noteFld", "question": "question", "answer": "answer", "deck": "deck",
    "due": "cardDue", "interval": "cardIvl", "ease": "cardEase", "reviews": "cardReps",
    "lapses": "cardLapses", "created": "noteCrt", "modified": "noteMod",
    "card-modified": "cardMod", "tags": "noteTags", "notetype": "note", "template": "template",
    "cards": "template", "position": "originalPosition",
}
#: More names for the same columns (as `--sort` has always taken them).
MORE_NAMES = {
    "sortfield": "noteFld", "field": "noteFld", "added": "noteCrt", "edited": "noteMod",
    "ivl": "cardIvl", "reps": "cardReps", "note-type": "note", "card": "template",
    "card-type": "template",
}
# The name each key is shown under when the user did not name it (notes: "cards").
_SHOWN = {key: name for name, key in NAMES.items() if name != "cards"}


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "search", cmd_search,
                    "find cards (or notes) with Anki's search language, e.g. "
                    "'deck:French is:due -tag:leech'")
    p.add_argument("query", metavar="QUERY", nargs="?", default="",
                   help="the search (empty: every card); quote it for the shell")
    p.add_argument("--notes", action="store_true", help="list notes instead of cards")
    p.add_argument("--columns", metavar="COL,…",
                   help="comma-separated columns: " + ", ".join(NAMES) + ", an add-on's "
                   "column, or Anki's keys (noteFld, cardDue, …); default: the browser's")
    p.add_argument("--sort", metavar="COL", help="sort by a column (any but question, answer "
                   "and add-on columns); default: the browser's sort")
    p.add_argument("--reverse", action="store_true", help="sort descending")
    p.add_argument("--limit", type=int, metavar="N", help="show only the first N rows")


def cmd_search(args: argparse.Namespace) -> int:
    from repetend.plugins.browser import browser_table

    with open_host(args) as host:
        table = browser_table(host.col, host.plugins, notes_mode=args.notes)
        if args.columns:
            names = [c.strip() for c in args.columns.split(",") if c.strip()]
            keys = [_key(table, name, args.notes) for name in names]
        else:
            keys = table.columns
            names = [_SHOWN.get(k, k) if not (args.notes and k == "template") else "cards"
                     for k in keys]
        sort = _sort_key(table, args.sort) if args.sort else None
        total = table.search(args.query, sort=sort, reverse=args.reverse, remember=False)
        shown = total if args.limit is None else min(max(args.limit, 0), total)
        kind = "note" if args.notes else "card"
        # Shown for this command only: the browser's saved columns stay as they were.
        table.set_columns(list(dict.fromkeys(keys)), remember=False)
        positions = [table.columns.index(k) for k in keys]
        rows = []
        note_of = _notes_of(table, shown) if not args.notes else {}
        for index in range(shown):
            cells = table.row(index)
            item = table.ids[index]
            row: dict[str, object] = {"id": item}
            if not args.notes:
                row["note_id"] = note_of.get(item)
            row.update({name: cells[pos] for name, pos in zip(names, positions, strict=True)})
            rows.append(row)
        data = {"query": args.query, "count": total, kind + "s": rows}
        emit(args, data, _table(rows, names, total, kind))
    return 0


def _key(table: BrowserTable, name: str, notes: bool) -> str:
    from repetend.core.errors import InvalidInput

    key = NAMES.get(name.lower()) or MORE_NAMES.get(name.lower()) or name
    if key not in {c.key for c in table.available_columns()} and key != "noteCards":
        what = "notes" if notes else "cards"
        extra = [c.key for c in table.available_columns() if c.key not in NAMES.values()]
        raise InvalidInput(f"unknown column {name!r} for {what}; use "
                           f"{', '.join([*NAMES, *extra])}")
    return table.column(key).key


def _sort_key(table: BrowserTable, name: str) -> str:
    from repetend.core.errors import InvalidInput

    key = NAMES.get(name.lower()) or MORE_NAMES.get(name.lower()) or name
    known = {c.key: c for c in table.available_columns()}
    if key not in known or not known[key].sortable:
        sortable = [n for n, k in NAMES.items() if known[k].sortable]
        raise InvalidInput(f"cannot sort by {name!r}; use one of {', '.join(sortable)}")
    return key


def _notes_of(table: BrowserTable, count: int) -> dict[int, int]:
    if not count:
        return {}
    cards = list(table.ids[:count])
    notes = table.col.db.execute(
        "SELECT id, nid FROM cards WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(cards),)).fetchall()
    return {cid: nid for cid, nid in notes}


# --- text output ----------------------------------------------------------------------------


def _table(rows: list[dict[str, object]], columns: list[str], total: int, kind: str) -> str:
    header = ["id", *columns]
    cells = [[str(r.get(c, "")).replace("\n", " ") for c in header] for r in rows]
    widths = [min(40, max([len(h)] + [len(row[i]) for row in cells]))
              for i, h in enumerate(header)]

    def line(values: list[str]) -> str:
        parts = [(v if len(v) <= w else v[: w - 1] + "…").ljust(w)
                 for v, w in zip(values, widths, strict=True)]
        return "  ".join(parts).rstrip()

    shown = f"{len(rows)} of {total}" if len(rows) != total else str(total)
    lines = [line(header), *(line(r) for r in cells)] if rows else []
    lines.append(f"{shown} {kind}{'' if total == 1 else 's'} found.")
    return "\n".join(lines)
