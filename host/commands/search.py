"""`repetend search QUERY`: Anki's search language from the command line.

Lists the matching cards (or notes with `--notes`) with a few columns, sorted by any
sortable column; `--json` prints the rows for scripts. The columns here are the plain
ones the command line needs; the browser's table model comes with the browser plugin.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from repetend.host.cli import add_command, emit, open_host

if TYPE_CHECKING:
    from repetend.core.collection import Collection

CARD_COLUMNS = ["sort-field", "question", "answer", "deck", "due", "interval", "ease",
                "reviews", "lapses", "created", "modified", "card-modified", "tags",
                "notetype", "template", "flag"]
NOTE_COLUMNS = ["sort-field", "notetype", "cards", "deck", "due", "interval", "ease",
                "reviews", "lapses", "created", "modified", "tags"]
DEFAULT_CARD_COLUMNS = ["sort-field", "template", "due", "deck"]
DEFAULT_NOTE_COLUMNS = ["sort-field", "notetype", "cards", "tags"]
FLAGS = ["", "red", "orange", "green", "blue", "pink", "turquoise", "purple"]


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "search", cmd_search,
                    "find cards (or notes) with Anki's search language, e.g. "
                    "'deck:French is:due -tag:leech'")
    p.add_argument("query", metavar="QUERY", nargs="?", default="",
                   help="the search (empty: every card); quote it for the shell")
    p.add_argument("--notes", action="store_true", help="list notes instead of cards")
    p.add_argument("--columns", metavar="COL,…",
                   help="comma-separated columns; cards: " + ", ".join(CARD_COLUMNS)
                   + "; notes: " + ", ".join(NOTE_COLUMNS))
    p.add_argument("--sort", metavar="COL", help="sort by a column (sort-field, due, interval, "
                   "ease, reviews, lapses, created, modified, deck, notetype, template, tags)")
    p.add_argument("--reverse", action="store_true", help="sort descending")
    p.add_argument("--limit", type=int, metavar="N", help="show only the first N rows")


def cmd_search(args: argparse.Namespace) -> int:
    from repetend.core.errors import InvalidInput
    from repetend.core.search import find_cards, find_notes
    from repetend.core.search.order import require_column

    allowed = NOTE_COLUMNS if args.notes else CARD_COLUMNS
    columns = [c.strip() for c in args.columns.split(",") if c.strip()] if args.columns \
        else (DEFAULT_NOTE_COLUMNS if args.notes else DEFAULT_CARD_COLUMNS)
    unknown = [c for c in columns if c not in allowed]
    if unknown:
        what = "notes" if args.notes else "cards"
        raise InvalidInput(f"unknown column {unknown[0]!r} for {what}; use {', '.join(allowed)}")
    # Like the browser: sorted by the sort field unless told otherwise.
    order = require_column(args.sort).key if args.sort else "noteFld"
    with open_host(args) as host:
        col = host.col
        finder = find_notes if args.notes else find_cards
        ids = finder(col, args.query, order=order, reverse=args.reverse)
        total = len(ids)
        if args.limit is not None:
            ids = ids[:max(args.limit, 0)]
        rows = (_note_rows if args.notes else _card_rows)(col, ids, columns)
        kind = "note" if args.notes else "card"
        data = {"query": args.query, "count": total, kind + "s": rows}
        emit(args, data, _table(rows, columns, total, kind))
    return 0


# --- values --------------------------------------------------------------------------------


def _ids_json(ids: list[int]) -> str:
    return json.dumps(ids)


def _date(stamp_secs: float) -> str:
    return datetime.fromtimestamp(stamp_secs).strftime("%Y-%m-%d")


def _due(col: Collection, ctype: int, queue: int, due: int, odue: int, position: Any,
         today: int) -> str:
    value = odue or due
    if ctype == 0:
        return f"New #{position if position is not None else value}"
    if queue in (1, 4) or (ctype in (1, 3) and value > 1_000_000_000):
        text = _date(value)
    else:
        text = (date.today() + timedelta(days=value - today)).isoformat()
    return f"({text})" if queue < 0 else text


def _card_rows(col: Collection, ids: list[int], columns: list[str]) -> list[dict[str, Any]]:
    from repetend.core.search.timing import today as search_today
    from repetend.core.text import strip_html

    if not ids:
        return []
    today = search_today(col, int(time.time())).today
    decks = {r[0]: r[1] for r in col.db.execute("SELECT id, name FROM decks")}
    found = {}
    for row in col.db.execute(
            "SELECT c.id, c.nid, c.did, c.odid, c.ord, c.type, c.queue, c.due, c.odue, c.ivl, "
            "c.factor, c.reps, c.lapses, c.flags, c.mtime, json_extract(c.data, '$.pos'), "
            "n.sfld, n.tags, n.mtime, n.ntid FROM cards c JOIN notes n ON n.id = c.nid "
            "WHERE c.id IN (SELECT value FROM json_each(?))", (_ids_json(ids),)):
        found[row[0]] = row
    out = []
    for cid in ids:
        (cid, nid, did, odid, ord_, ctype, queue, due, odue, ivl, factor, reps, lapses, flags,
         cmod, pos, sfld, tags, nmod, ntid) = found[cid]
        nt = col.notetypes.get(ntid)
        row: dict[str, Any] = {"id": cid, "note_id": nid}
        rendered = None
        for column in columns:
            if column == "sort-field":
                row[column] = str(sfld)
            elif column in ("question", "answer"):
                if rendered is None:
                    rendered = col.render_card(col.get_card(cid), browser=True)
                html = rendered.question if column == "question" else rendered.answer
                row[column] = " ".join(strip_html(html).split())
            elif column == "deck":
                name = decks.get(did, "(deleted deck)")
                row[column] = f"{name} ({decks.get(odid, '?')})" if odid else name
            elif column == "due":
                row[column] = _due(col, ctype, queue, due, odue, pos, today)
            elif column == "interval":
                row[column] = ivl if ctype in (2, 3) else None
            elif column == "ease":
                row[column] = factor / 1000 if ctype != 0 and factor else None
            elif column == "reviews":
                row[column] = reps
            elif column == "lapses":
                row[column] = lapses
            elif column == "created":
                row[column] = _date(nid / 1000)
            elif column == "modified":
                row[column] = _date(nmod)
            elif column == "card-modified":
                row[column] = _date(cmod)
            elif column == "tags":
                row[column] = tags.split()
            elif column == "notetype":
                row[column] = nt.name
            elif column == "template":
                row[column] = (f"Cloze {ord_ + 1}" if nt.is_cloze else
                               nt.templates[min(ord_, len(nt.templates) - 1)].name)
            elif column == "flag":
                row[column] = FLAGS[flags & 7]
        out.append(row)
    return out


def _note_rows(col: Collection, ids: list[int], columns: list[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    decks = {r[0]: r[1] for r in col.db.execute("SELECT id, name FROM decks")}
    found = {}
    for row in col.db.execute(
            "SELECT n.id, n.sfld, n.tags, n.mtime, n.ntid, count(c.id), min(c.did), "
            "max(c.did), min(CASE WHEN c.type = 0 THEN NULL ELSE c.due END), "
            "avg(CASE WHEN c.type IN (2,3) THEN c.ivl END), "
            "avg(CASE WHEN c.type != 0 AND c.factor THEN c.factor END), sum(c.reps), "
            "sum(c.lapses) FROM notes n JOIN cards c ON c.nid = n.id "
            "WHERE n.id IN (SELECT value FROM json_each(?)) GROUP BY n.id",
            (_ids_json(ids),)):
        found[row[0]] = row
    out = []
    for nid in ids:
        (nid, sfld, tags, nmod, ntid, count, did_min, did_max, due, ivl, factor, reps,
         lapses) = found[nid]
        row: dict[str, Any] = {"id": nid}
        for column in columns:
            if column == "sort-field":
                row[column] = str(sfld)
            elif column == "notetype":
                row[column] = col.notetypes.get(ntid).name
            elif column == "cards":
                row[column] = count
            elif column == "deck":
                row[column] = decks.get(did_min, "?") if did_min == did_max else "(several)"
            elif column == "due":
                row[column] = due
            elif column == "interval":
                row[column] = round(ivl) if ivl is not None else None
            elif column == "ease":
                row[column] = round(factor / 1000, 2) if factor else None
            elif column == "reviews":
                row[column] = reps
            elif column == "lapses":
                row[column] = lapses
            elif column == "created":
                row[column] = _date(nid / 1000)
            elif column == "modified":
                row[column] = _date(nmod)
            elif column == "tags":
                row[column] = tags.split()
        out.append(row)
    return out


# --- text output ----------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, float):
        return f"{value:.0%}" if value < 10 else f"{value:g}"
    return str(value).replace("\n", " ")


def _table(rows: list[dict[str, Any]], columns: list[str], total: int, kind: str) -> str:
    header = ["id", *columns]
    cells = [[_cell(r.get(c)) for c in header] for r in rows]
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
