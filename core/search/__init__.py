"""Anki's search language (ANKI-FACTS §9): parse a search, compile it to SQL, run it.

    >>> col.find_cards("deck:French tag:verbs -is:suspended", order="cardDue")
    >>> col.find_notes('"front:*chien*" or nc:ecole')

`parser` turns the text into a tree (`nodes`), `sqlwriter` turns the tree into one WHERE
clause over our schema, and SQLite evaluates it (with a few functions from `functions`).
Malformed searches, and exact deck/note type/field/template/preset names that do not exist,
raise `SearchError`, an `InvalidInput` whose message points at the problem.

Extra `name:value` terms come from `Collection.search_terms` (name -> `match(col, card,
value)`): the parser makes them nodes and the SQL calls the match for each card the other
terms leave in question (`rp_term`).
"""

from __future__ import annotations

import json
import sqlite3
import time
import weakref
from typing import TYPE_CHECKING

from repetend.core.search import exclusion, functions, sample
from repetend.core.search.functions import TermRun
from repetend.core.search.nodes import Node
from repetend.core.search.order import COLUMNS, GROUP_SCAN, SortColumn, column, order_terms, ranks
from repetend.core.search.parser import SearchError, parse
from repetend.core.search.sqlwriter import Compiled, UnknownNameError, compile_where
from repetend.core.search.timing import today

if TYPE_CHECKING:
    from repetend.core.collection import Collection

__all__ = ["COLUMNS", "SearchError", "UnknownNameError", "build_sql", "every_note_has_cards",
           "find_cards", "find_notes", "parse", "SortColumn"]

Order = bool | str | None


def compile_search(col: Collection, query: str | Node, now: int | None = None,
                   state_indexes: bool = False) -> Compiled:
    node = parse(query, col.search_terms) if isinstance(query, str) else query
    return compile_where(col, node, int(time.time()) if now is None else now, state_indexes)


def build_sql(col: Collection, query: str | Node, notes: bool = False, order: Order = False,
              reverse: bool = False, now: int | None = None) -> tuple[str, list[object]]:
    """The SELECT statement (and its parameters) returning the matching card or note ids."""
    sql, params, _run = _build(col, query, notes, order, reverse, now)
    return sql, params


def _build(col: Collection, query: str | Node, notes: bool, order: Order, reverse: bool,
           now: int | None) -> tuple[str, list[object], TermRun | None]:
    now = int(time.time()) if now is None else now
    _register(col)  # the samples below may call the search functions
    order_sql, order_needs_notes, grouped = _order_by(col, order, reverse, notes, now)
    node = parse(query, col.search_terms) if isinstance(query, str) else query
    compiled = compile_search(col, node, now, state_indexes=not notes and not order_sql)
    where = compiled.where
    if notes:
        if compiled.terms is not None:
            # The cards matching, found once: inside a correlated EXISTS the planner may
            # test an extra term's Python on the same cards again for every note.
            cards = (f"SELECT c.nid FROM cards c JOIN notes n ON n.id = c.nid WHERE {where}"
                     if compiled.uses_notes else f"SELECT c.nid FROM cards c WHERE {where}")
            sql = f"SELECT n.id FROM notes n WHERE n.id IN ({cards})"
        elif compiled.uses_cards and compiled.uses_notes:
            sql = (f"SELECT n.id FROM notes n WHERE EXISTS (SELECT 1 FROM cards c WHERE "
                   f"c.nid = n.id AND {where})")
        elif not compiled.uses_notes:
            # Only card columns: the notes table is not needed to find the notes (every
            # card has one). Looking into the cards once for each note took 3-7 times longer.
            cards = f"SELECT c.nid FROM cards c{_read_all(col, where, compiled.params)} " \
                f"WHERE {where}"
            if order_sql and not grouped:
                sql = (_notes_with_cards(col, "1") if where == "1" else
                       f"SELECT n.id FROM notes n WHERE n.id IN ({cards})")
            elif where == "1":
                sql = "SELECT DISTINCT c.nid AS id FROM cards c"  # in the (nid, ord) index
            else:
                # LIMIT keeps the search a subquery: its own best plan, then the distinct
                # note ids (flattened, the planner walks the nid index to skip the sort
                # and reads every card row).
                sql = f"SELECT DISTINCT nid AS id FROM ({cards} LIMIT -1)"
        else:
            sql = _notes_with_cards(col, where)
    elif not compiled.uses_notes and not order_needs_notes:
        sql = f"SELECT c.id FROM cards c WHERE {where}"
    elif not compiled.uses_cards and not order_sql:
        # Only note columns: scan the notes and find their cards through the (nid, ord)
        # index, which holds the card ids; or, when a negation leaves out few notes, read
        # that index once and leave out their cards (`exclusion`).
        outside = _cards_outside(col, node, now)
        if outside is not None:
            return outside[0], outside[1], None
        sql = f"SELECT c.id FROM notes n CROSS JOIN cards c ON c.nid = n.id WHERE {where}"
    elif where == "1" and (order is True or column(str(order)) is not None):
        # A whole collection sorted by a note column: the notes in the order of an index
        # (sort field, tags, modified; note type's holds the type), each note's cards from
        # the (nid, ord) index, no row read (by note type 47 -> 42 ms on 125,000 cards).
        sql = "SELECT c.id FROM notes n CROSS JOIN cards c ON c.nid = n.id WHERE 1"
    else:
        sql = f"SELECT c.id FROM cards c JOIN notes n ON n.id = c.nid WHERE {where}"
    if grouped:
        # An order by the note's cards: group them by note, once.
        match = "" if where == "1" and compiled.terms is None else \
            f"WHERE c.nid IN (SELECT id FROM ({sql})) "
        cards = "cards c" if match else grouped
        sql = f"SELECT c.nid AS id FROM {cards} {match}GROUP BY c.nid"
    if order_sql:
        sql += f" ORDER BY {order_sql}"
    return sql, compiled.params, compiled.terms


# Notes mode reads every card rather than an index when more than this share of the cards
# match: each card an index finds costs a look-up of its row for the note id (0.5-1 us;
# 13,500 due cards of 125,000: 15 ms), reading all rows in order ~7 ms.
READ_ALL_SHARE = 0.05


def _read_all(col: Collection, where: str, params: list[object]) -> str:
    """" NOT INDEXED" when many cards match `where` (see READ_ALL_SHARE), else ""."""
    if where == "1":
        return ""
    found = sample.share(col, "cards", "c", where, params)
    return " NOT INDEXED" if found is not None and found > READ_ALL_SHARE else ""


def _cards_outside(col: Collection, node: Node, now: int) -> tuple[str, list[object]] | None:
    """The cards-mode SELECT (and parameters) for a negated search over notes that leaves
    out few notes."""
    left_out = exclusion.excluded(node)
    if left_out is None:
        return None
    compiled = compile_where(col, left_out, now)
    if compiled.uses_cards or compiled.terms is not None or \
            not exclusion.few_excluded(col, compiled.where, compiled.params):
        return None
    return exclusion.cards_outside(compiled.where), compiled.params


def _notes_with_cards(col: Collection, where: str) -> str:
    """The notes matching `where` (over table n) that have a card."""
    if every_note_has_cards(col):
        return f"SELECT n.id FROM notes n WHERE {where}"
    return f"SELECT n.id FROM notes n WHERE {where} AND EXISTS " \
        "(SELECT 1 FROM cards c WHERE c.nid = n.id)"


# Per open collection: (changes made through its connection, changes made by others) and
# whether every note had a card then.
_all_have_cards: weakref.WeakKeyDictionary[Collection, tuple[tuple[int, int], bool]] = \
    weakref.WeakKeyDictionary()


def every_note_has_cards(col: Collection) -> bool:
    """Whether no note is without cards, as in a healthy collection: then notes mode need
    not look for each note's cards (20 ms on 100,000 notes). Counted in 5 ms, and again
    only after a change; inside a transaction (cards may then name notes not yet written)
    not trusted."""
    if col.db.in_transaction:
        return False
    key = (col.db.total_changes, col.db.execute("PRAGMA data_version").fetchone()[0])
    cached = _all_have_cards.get(col)
    if cached is not None and cached[0] == key:
        return cached[1]
    answer = bool(col.db.execute("SELECT (SELECT count() FROM notes) = "
                                 "(SELECT count(DISTINCT nid) FROM cards)").fetchone()[0])
    _all_have_cards[col] = (key, answer)
    return answer


def find_cards(col: Collection, query: str | Node = "", order: Order = False,
               reverse: bool = False, now: int | None = None) -> list[int]:
    """Ids of the cards matching `query`.

    `order`: False for no particular order; True for the browser's configured column
    (`sortType`/`sortBackwards`); a column key such as "cardDue" or an alias ("due");
    any other string is used as SQL after ORDER BY, as Anki allows.
    """
    sql, params, terms = _build(col, query, False, order, reverse, now)
    return _run(col, sql, params, terms)


def find_notes(col: Collection, query: str | Node = "", order: Order = False,
               reverse: bool = False, now: int | None = None) -> list[int]:
    """Ids of the notes with at least one card matching `query`."""
    sql, params, terms = _build(col, query, True, order, reverse, now)
    return _run(col, sql, params, terms)


# The connection each open collection's search functions were registered on.
_registered: weakref.WeakKeyDictionary[Collection, object] = weakref.WeakKeyDictionary()


def _run(col: Collection, sql: str, params: list[object], terms: TermRun | None) -> list[int]:
    # `_build` registered the search functions on this connection.
    if terms is None:
        return _ids(col, sql, params)
    try:
        return _ids(col, sql, params)
    except sqlite3.OperationalError:
        if terms.error is not None:  # an extra term's match raised: its own error
            raise terms.error from None
        raise
    finally:
        functions.end_run(terms)


def _register(col: Collection) -> None:
    if _registered.get(col) is not col.db:
        functions.register(col.db)
        _registered[col] = col.db


def _ids(col: Collection, sql: str, params: list[object]) -> list[int]:
    # The ids come back as one JSON array text: far quicker to turn into a list than a row
    # per id (125,000 ids: 14 ms against 35), and a little quicker than group_concat, whose
    # text needs brackets added (a copy). An ordered subquery stays a subquery under an
    # aggregate (SQLite flattens none that has an ORDER BY), so its rows arrive in order.
    text = col.db.execute(f"SELECT json_group_array(id) FROM ({sql})", params).fetchone()[0]
    return json.loads(text)


def _order_by(col: Collection, order: Order, reverse: bool, notes: bool,
              now: int) -> tuple[str, bool, str]:
    """ORDER BY terms, whether they need the notes table (cards mode), and if they are
    aggregates over each note's cards (notes mode) the cards to group (else "")."""
    if order is None or order is False:
        return "", False, ""
    if order is True:
        key = col.get_config("sortType", "noteFld")
        reverse = bool(col.get_config("sortBackwards", False)) != reverse
        sort = column(key) if isinstance(key, str) else None
        sort = sort or COLUMNS["noteFld"]
    else:
        sort = column(order)
        if sort is None:
            # Raw SQL, as Anki's find_cards(order="c.ivl desc") takes it.
            return order, notes is False, ""
    if notes and sort.notes is None:
        sort = COLUMNS["noteCrt"]
    grouped = "" if not (notes and sort.grouped) else \
        "cards c" if sort.index_only else GROUP_SCAN
    tiebreak = "c.nid" if grouped else "n.id" if notes else "c.id"
    terms = (sort.notes or "") if notes else sort.cards
    if "{" in terms:
        timing = today(col, now) if "{today}" in terms else None
        terms = terms.format(today=timing.today if timing else 0,
                             next_day=timing.next_day_at if timing else 0,
                             **ranks(col.db, terms))
    terms = terms if terms == tiebreak else f"{terms}, {tiebreak}"
    return (order_terms(terms, reverse), sort.needs_notes and not notes,
            grouped)
