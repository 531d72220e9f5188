"""Compiling a search tree to one SQL WHERE clause over our schema (cards `c`, notes `n`).

The clause follows Anki's semantics term by term (ANKI-FACTS §9.2), including its SQL
three-valued logic (`-prop:cdn:x>1` leaves out cards without `x`, as in Anki). Names (decks,
note types, fields, templates, presets) are resolved against the collection here, and an
exact name that matches nothing is an error rather than an empty result. Everything else is
evaluated by SQLite; Python only supplies the few functions SQL lacks (`functions.py`).
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from repetend.core.search import nodes as N
from repetend.core.search.functions import (
    CARD_COLUMNS,
    TermRun,
    start_run,
    without_combining,
)
from repetend.core.search.literals import finite_alternatives, required_ascii_run
from repetend.core.search.parser import SearchError
from repetend.core.search.regex import RegexError, translate
from repetend.core.search.timing import DAY_SECS, Today, today
from repetend.core.text import field_checksum, strip_html_preserving_media_filenames

if TYPE_CHECKING:
    from repetend.core.collection import Collection

SEP = "\x1f"
TRUE, FALSE = "1", "0"
# Characters outside ASCII that a case-insensitive regex matches for an ASCII letter (K for
# k, ſ for s; İ and ı are kept apart from i by the regex translation, as Rust does); a LIKE
# prefilter lets rows holding them through.
_FOLD_EXTRAS = {"k": ("\u212a",), "s": ("\u017f",)}


class UnknownNameError(SearchError):
    """A deck, note type, field, card template or preset named in a search does not exist."""


@dataclass
class _Notetype:
    id: int
    name: str
    kind: int = 0
    fields: list[str] = field(default_factory=list)
    excluded: set[int] = field(default_factory=set)
    templates: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Compiled:
    where: str
    params: list[Any]
    uses_notes: bool   # the clause reads the notes table (alias n)
    uses_cards: bool   # the clause reads the cards table (alias c)
    #: The extra terms' match functions for this search (`Collection.search_terms`), if any.
    terms: TermRun | None = None


_NOTES_REF = re.compile(r"(?<![\w.])n\.")
_CARDS_REF = re.compile(r"(?<![\w.])c\.")


def compile_where(col: Collection, node: N.Node, now: int,
                  state_indexes: bool = False) -> Compiled:
    """The WHERE clause for `node`. `state_indexes` lets a search made only of card-state
    terms (`is:new`, `prop:ivl>=21`, or several joined by OR) read the low-selectivity
    indexes on type and interval, which pay off only when nothing else narrows the search."""
    writer = SqlWriter(col, now)
    alone = node.children if isinstance(node, N.Or) else (node,)
    writer.state_indexes = state_indexes and all(
        isinstance(n, N.StateSearch | N.PropSearch) for n in alone)
    where = writer.write(node)
    uses_notes = bool(_NOTES_REF.search(where))
    if writer.run is not None and uses_notes:
        # The planner tests a term as soon as the tables it reads are at hand: passing the
        # note makes the Python of an extra term wait for the note's terms too.
        where = where.replace(_NOTE_ARG, ", n.id")
    else:
        where = where.replace(_NOTE_ARG, "")
    return Compiled(where, writer.params, uses_notes, bool(_CARDS_REF.search(where)),
                    writer.run)


# Where an extra term's call may take the note id (see `compile_where`).
_NOTE_ARG = "/*note*/"
_CARD_ARGS = ", ".join(f"c.{name}" for name in CARD_COLUMNS)


def _has_custom_term(node: N.Node) -> bool:
    if isinstance(node, N.And | N.Or):
        return any(_has_custom_term(c) for c in node.children)
    if isinstance(node, N.Not):
        return _has_custom_term(node.child)
    return isinstance(node, N.CustomTermSearch)


def _custom_terms_last(children: tuple[N.Node, ...]) -> list[N.Node]:
    """Extra terms run Python per card: SQLite evaluates AND and OR left to right and stops
    early, so written last they run only for the cards the other terms leave undecided
    (reordering never changes the result of AND or OR, even with NULLs)."""
    return sorted(children, key=_has_custom_term)


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ids(values: Iterable[int]) -> str:
    return ",".join(str(int(v)) for v in sorted(set(values)))


def _name_matcher(glob: N.Glob) -> Callable[[str], bool]:
    rx = re.compile(glob.to_regex(), re.IGNORECASE | re.DOTALL)
    return lambda name: rx.fullmatch(name) is not None


def _f32(value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        return value
    try:
        return struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)


def _f32_shortest(value: float) -> float:
    """The double SQLite reads from the shortest text of an f32 (as Anki formats it)."""
    if math.isnan(value) or math.isinf(value):
        return value
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if _f32(float(text)) == value:
            return float(text)
    return value


def _f32_to_u32(value: float) -> int:
    """Rust's saturating `as u32` (NaN is 0)."""
    if math.isnan(value):
        return 0
    return int(min(max(math.trunc(value) if math.isfinite(value) else value, 0), 2**32 - 1))


class SqlWriter:
    def __init__(self, col: Collection, now: int) -> None:
        self.col = col
        self.now = now
        self.params: list[Any] = []
        self.uses_notes = False
        self.state_indexes = False
        self.run: TermRun | None = None

    # --- collection facts, loaded when a term needs them ---------------------------------

    @cached_property
    def timing(self) -> Today:
        return today(self.col, self.now)

    @cached_property
    def notetypes(self) -> dict[int, _Notetype]:
        db = self.col.db
        nts = {r[0]: _Notetype(r[0], r[1], r[2])
               for r in db.execute("SELECT id, name, kind FROM notetypes")}
        for ntid, _ord, name, excluded in db.execute(
                "SELECT ntid, ord, name, exclude_from_search FROM fields ORDER BY ntid, ord"):
            if ntid in nts:
                nt = nts[ntid]
                if excluded:
                    nt.excluded.add(len(nt.fields))
                nt.fields.append(name)
        for ntid, ord_, name in db.execute("SELECT ntid, ord, name FROM templates"):
            if ntid in nts:
                nts[ntid].templates.append((ord_, name))
        return nts

    @cached_property
    def decks(self) -> list[tuple[int, str, int, int]]:
        return [tuple(r) for r in self.col.db.execute(
            "SELECT id, name, kind, config_id FROM decks")]

    @cached_property
    def tag_extras(self) -> set[str]:
        """Which of the characters in `_FOLD_EXTRAS` occur in the collection's tags."""
        chars = {ch for group in _FOLD_EXTRAS.values() for ch in group}
        return {ch for ch in chars if self.col.db.execute(
            "SELECT 1 FROM tags WHERE instr(tag, ?) LIMIT 1", (ch,)).fetchone()}

    # --- output helpers ------------------------------------------------------------------

    def param(self, value: Any) -> str:
        """A numbered placeholder for `value` (so clauses may be built in any order)."""
        self.params.append(value)
        return f"?{len(self.params)}"

    def like(self, expr: str, pattern: str) -> str:
        """`expr LIKE pattern`, with ESCAPE only when the pattern holds a backslash: without
        one the two read alike, and an ESCAPE costs SQLite a third argument per row (6% of
        a phrase search over 100,000 notes)."""
        escape = " ESCAPE '\\'" if "\\" in pattern else ""
        return f"{expr} LIKE {self.param(pattern)}{escape}"

    def notes(self, sql: str) -> str:
        self.uses_notes = True
        return sql

    # --- dispatch ------------------------------------------------------------------------

    def write(self, node: N.Node) -> str:
        method = getattr(self, "_" + type(node).__name__)
        return method(node)

    def _And(self, node: N.And) -> str:
        if not node.children:
            return TRUE
        return "(" + " AND ".join(self.write(c) for c in _custom_terms_last(node.children)) + ")"

    def _Or(self, node: N.Or) -> str:
        return "(" + " OR ".join(self.write(c) for c in _custom_terms_last(node.children)) + ")"

    def _Not(self, node: N.Not) -> str:
        return f"(NOT {self.write(node.child)})"

    # --- text in fields --------------------------------------------------------------------

    def _ignore_accents(self) -> bool:
        return bool(self.col.get_config("ignoreAccentsInSearch", False))

    def _UnqualifiedText(self, node: N.UnqualifiedText) -> str:
        glob = node.glob
        if node.mode is N.TextMode.STRIP_CLOZE:
            cloze = [nt.id for nt in self.notetypes.values() if nt.kind == 1]
            if not cloze:
                return FALSE
            inner = self._text_in_fields(glob, "rp_sc(n.flds)", "rp_sc(CAST(n.sfld AS TEXT))")
            return f"(n.ntid IN ({_ids(cloze)}) AND {inner})"
        if node.mode is N.TextMode.NO_COMBINING or self._ignore_accents():
            return self._text_in_fields(glob.map_text(without_combining), "rp_nc(n.flds)",
                                        "rp_nc(CAST(n.sfld AS TEXT))")
        return self._text_in_fields(glob, "n.flds", "n.sfld")

    def _text_in_fields(self, glob: N.Glob, flds: str, sfld: str) -> str:
        pattern = f"%{glob.to_like()}%"
        self.uses_notes = True
        with_exclusions = [nt for nt in self.notetypes.values() if nt.excluded]
        if not with_exclusions:
            # Both, as Anki: the sort field is stored with its HTML stripped. (Testing it only
            # where its text is not inside the fields, with instr, saved no time: SQLite's
            # cost per function call dominates both.)
            return f"({self.like(sfld, pattern)} OR {self.like(flds, pattern)})"
        # Per note type, only the fields not excluded from unqualified searches (the sort
        # field is always searched, as in Anki).
        clauses = []
        plain = [nt.id for nt in self.notetypes.values() if not nt.excluded]
        if plain:
            clauses.append(f"({self._ntid_in(plain)} AND ({self.like(flds, pattern)} OR "
                           f"{self.like(sfld, pattern)}))")
        for nt in with_exclusions:
            ords = [i for i in range(len(nt.fields)) if i not in nt.excluded]
            tests = [self.like(flds, self._field_like(glob, i, len(nt.fields), True))
                     for i in ords]
            tests.append(self.like(sfld, pattern))
            clauses.append(f"({self._ntid_in([nt.id])} AND ({' OR '.join(tests)}))")
        return "(" + " OR ".join(clauses) + ")"

    @staticmethod
    def _field_like(glob: N.Glob, ord_: int, count: int, contains: bool = False) -> str:
        """A LIKE pattern over the joined fields that tests field `ord_` of `count`."""
        value = glob.to_like()
        if contains:
            value = f"%{value}%"
        return "%\x1f" * ord_ + value + "\x1f%" * (count - 1 - ord_)

    def _searchable_ords(self) -> dict[int, list[int]] | None:
        """Note type -> fields to search, or None when no field is excluded anywhere."""
        if not any(nt.excluded for nt in self.notetypes.values()):
            return None
        return {nt.id: [i for i in range(len(nt.fields)) if i not in nt.excluded]
                for nt in self.notetypes.values()}

    def _regex_over_fields(self, pattern: str) -> str:
        """A (translated) regex over the searchable fields of each note."""
        self.uses_notes = True
        ords = self._searchable_ords()
        if ords is None:
            alternatives = finite_alternatives(pattern)
            if alternatives is not None:
                return self._like_any("n.flds", [f"%{_like(a)}%" for a in alternatives],
                                      alternatives,
                                      lambda: f"rp_regexp({self.param(pattern)}, n.flds)")
            return f"({self._prefilter('n.flds', pattern)}rp_regexp({self.param(pattern)}, n.flds))"
        pre = self._prefilter("n.flds", pattern)
        clauses = []
        plain = [ntid for ntid, o in ords.items() if len(o) == len(self.notetypes[ntid].fields)]
        if plain:
            clauses.append(f"({self._ntid_in(plain)} AND "
                           f"rp_regexp({self.param(pattern)}, n.flds))")
        for ntid, o in ords.items():
            if ntid not in plain and o:
                clauses.append(f"({self._ntid_in([ntid])} AND rp_regexp_fields("
                               f"{self.param(pattern)}, n.flds, {', '.join(map(str, o))}))")
        return f"({pre}({' OR '.join(clauses) or FALSE}))"

    def _RegexText(self, node: N.RegexText) -> str:
        return self._regex_over_fields(self._regex("(?i)" + node.pattern, node.pattern))

    def _WordText(self, node: N.WordText) -> str:
        return self._regex_over_fields(f"(?i:\\b{node.glob.to_regex()}\\b)")

    def _regex(self, anki_pattern: str, shown: str) -> str:
        try:
            return translate(anki_pattern)
        except RegexError as exc:
            raise SearchError(f"the regular expression `{shown}` is invalid: "
                              f"{exc.reason}.") from None

    # A LIKE prefilter: a literal every match must contain lets SQLite skip most rows before
    # the Python regex runs. It never changes the result.

    def _prefilter(self, expr: str, pattern: str) -> str:
        run = required_ascii_run(pattern)
        if run is None:
            return ""
        return self._contains(expr, run) + " AND "

    def _like_any(self, expr: str, patterns: list[str], literals: list[str],
                  exact: Callable[[], str]) -> str:
        """`expr` LIKE any of `patterns` (built from `literals`); rows holding a character a
        case-insensitive regex matches for a letter k or s of the literals go to `exact()`."""
        if any(p.strip("%") == "" for p in patterns):
            return TRUE
        tests = [self.like(expr, p) for p in patterns]
        extras = sorted({ch for lit in literals for letter in lit.lower()
                         for ch in _FOLD_EXTRAS.get(letter, ())})
        if extras:
            hatch = " OR ".join(f"instr({expr}, '{ch}')" for ch in extras)
            tests.append(f"(({hatch}) AND {exact()})")
        return "(" + " OR ".join(tests) + ")"

    def _contains(self, expr: str, run: str) -> str:
        """`expr` contains `run` ignoring ASCII case, or holds a character that a
        case-insensitive regex could match for one of its letters."""
        test = self.like(expr, "%" + _like(run) + "%")
        extras = sorted({ch for letter in run.lower() for ch in _FOLD_EXTRAS.get(letter, ())})
        if extras:
            test += "".join(f" OR instr({expr}, '{ch}')" for ch in extras)
            return f"({test})"
        return test

    # --- field searches ---------------------------------------------------------------------

    def _FieldSearch(self, node: N.FieldSearch) -> str:
        self.uses_notes = True
        if node.field.parts in ((N.Wild.STAR,), (N.Wild.ONE, N.Wild.STAR),
                                (N.Wild.STAR, N.Wild.ONE)):
            return self._all_fields(node)
        matches = _name_matcher(node.field)
        by_layout: dict[tuple[tuple[int, ...], int], list[int]] = {}
        for nt in self.notetypes.values():
            ords = tuple(i for i, name in enumerate(nt.fields) if matches(name))
            if ords:
                by_layout.setdefault((ords, len(nt.fields)), []).append(nt.id)
        if not by_layout:
            if node.field.has_wildcards:
                return FALSE
            raise UnknownNameError(
                f"no note type has a field called `{node.field.text}`. To search for text "
                "containing a colon, escape the colon: `\\:`.")
        clauses = []
        if node.kind is N.FieldKind.REGEX:
            pattern = self._regex("(?i)" + node.pattern, node.pattern)
            alternatives = finite_alternatives(pattern)
            pre = "" if alternatives is not None else self._prefilter("n.flds", pattern)
            for (ords, count), ntids in by_layout.items():
                def exact(ords: tuple[int, ...] = ords) -> str:
                    return (f"rp_regexp_fields({self.param(pattern)}, n.flds, "
                            f"{', '.join(map(str, ords))})")
                if alternatives is not None:
                    test = self._like_any("n.flds", [
                        self._field_like(N.Glob.literal(a), o, count, contains=True)
                        for o in ords for a in alternatives], alternatives, exact)
                else:
                    test = exact()
                clauses.append(f"({self._ntid_in(ntids)} AND {test})")
            return f"({pre}({' OR '.join(clauses)}))"
        glob = node.glob
        flds = "n.flds"
        if node.kind is N.FieldKind.NO_COMBINING:
            glob = glob.map_text(without_combining)
            flds = "rp_nc(n.flds)"
        for (ords, count), ntids in by_layout.items():
            tests = " OR ".join(self.like(flds, self._field_like(glob, o, count))
                                for o in ords)
            clauses.append(f"({self._ntid_in(ntids)} AND ({tests}))")
        return "(" + " OR ".join(clauses) + ")"

    @staticmethod
    def _ntid_in(ntids: list[int]) -> str:
        # Unary + keeps the planner off the note type index: a scan of the notes tests the
        # note type of each quickly, where the index visited the notes of a common type one
        # by one (and several types with OR through a row set): front:*ing* 70 -> 38 ms on
        # 100,000 notes. Anki has no such index and always scans.
        return f"+n.ntid = {ntids[0]}" if len(ntids) == 1 else f"+n.ntid IN ({_ids(ntids)})"

    def _all_fields(self, node: N.FieldSearch) -> str:
        """`*:text`: any field of any note type matches (a regex per field, as in Anki)."""
        if node.kind is N.FieldKind.REGEX:
            pattern = self._regex("(?i)" + node.pattern, node.pattern)
        else:
            glob = node.glob
            if node.kind is N.FieldKind.NO_COMBINING:
                glob = glob.map_text(without_combining)
            pattern = f"(?is:^{glob.to_regex()}\\Z)"
        pre = self._prefilter("n.flds", pattern)
        flds = "rp_nc(n.flds)" if node.kind is N.FieldKind.NO_COMBINING else "n.flds"
        return f"({pre}rp_regexp_fields({self.param(pattern)}, {flds}))"

    # --- decks, note types, templates, presets ------------------------------------------------

    def _deck_ids_clause(self, dids: Iterable[int]) -> str:
        """Cards in the decks, or whose home deck is one of them (in a filtered deck)."""
        ids = _ids(dids)
        if not ids:
            return FALSE
        # The few cards away in filtered decks are looked up first (a partial index holds
        # them), so that the main test is `did IN`, answered from the deck index alone.
        away = [r[0] for r in self.col.db.execute(
            f"SELECT id FROM cards WHERE odid != 0 AND odid IN ({ids}) LIMIT 501")]
        if not away:
            return f"(c.did IN ({ids}))"
        if len(away) <= 500:
            return f"(c.did IN ({ids}) OR c.id IN ({_ids(away)}))"
        return f"(c.did IN ({ids}) OR (c.odid != 0 AND c.odid IN ({ids})))"

    def _DeckSearch(self, node: N.DeckSearch) -> str:
        glob = node.name
        if glob.is_only_star():
            return TRUE
        if not glob.has_wildcards and glob.literal_text == "filtered":
            return "(c.odid != 0)"
        if not glob.has_wildcards and glob.literal_text == "current":
            current = self.col.get_config("curDeck", 1)
            name = next((d[1] for d in self.decks if d[0] == current), None)
            if name is None:
                name = next(d[1] for d in self.decks if d[0] == 1)
            glob = N.Glob.literal(name)
        if not glob.parts or any(SEP in part for part in glob.literal_runs()):
            return FALSE  # Anki finds nothing for a raw separator character either
        text = glob.map_text(lambda s: s.replace("::", SEP))
        rx = re.compile(f"^{text.to_regex()}(?:$|{SEP})", re.IGNORECASE)
        dids = [d[0] for d in self.decks if rx.match(d[1].replace("::", SEP))]
        if not dids and not glob.has_wildcards:
            raise UnknownNameError(f"there is no deck called `{glob.text}`.")
        return self._deck_ids_clause(dids)

    def _PresetSearch(self, node: N.PresetSearch) -> str:
        if not node.name:
            return FALSE
        conf_ids = {r[0] for r in self.col.db.execute(
            "SELECT id FROM deck_configs WHERE name = ?", (node.name,))}
        if not conf_ids:
            raise UnknownNameError(f"there is no preset called `{node.name}`.")
        dids = [d[0] for d in self.decks if d[3] in conf_ids and d[2] == 0]
        ids = _ids(dids)
        return f"(c.did IN ({ids}) OR c.odid IN ({ids}))" if ids else FALSE

    def _NotetypeSearch(self, node: N.NotetypeSearch) -> str:
        if not node.name.parts:
            return FALSE
        matches = _name_matcher(node.name)
        ntids = [nt.id for nt in self.notetypes.values() if matches(nt.name)]
        if not ntids:
            if node.name.has_wildcards:
                return FALSE
            raise UnknownNameError(f"there is no note type called `{node.name.text}`.")
        return self.notes(f"n.ntid IN ({_ids(ntids)})")

    def _TemplateSearch(self, node: N.TemplateSearch) -> str:
        if node.ordinal is not None:
            return f"(c.ord = {max(node.ordinal - 1, 0)})"
        assert node.name is not None
        if not node.name.parts:
            return FALSE
        matches = _name_matcher(node.name)
        by_ords: dict[tuple[int, ...], list[int]] = {}
        for nt in self.notetypes.values():
            ords = tuple(sorted(o for o, name in nt.templates if matches(name)))
            if ords:
                by_ords.setdefault(ords, []).append(nt.id)
        if not by_ords:
            if node.name.has_wildcards:
                return FALSE
            raise UnknownNameError(f"no note type has a card type called `{node.name.text}`.")
        self.uses_notes = True
        return "(" + " OR ".join(
            f"({self._ntid_in(ntids)} AND c.ord IN ({_ids(ords)}))"
            for ords, ntids in by_ords.items()) + ")"

    # --- tags ------------------------------------------------------------------------------

    def _TagSearch(self, node: N.TagSearch) -> str:
        self.uses_notes = True
        if node.kind is N.TagKind.NONE:
            return "(n.tags = '')"
        if node.kind is N.TagKind.REGEX:
            pattern = self._regex("(?i)" + node.pattern, node.pattern)
            return f"({self._prefilter('n.tags', pattern)}rp_regexp_tags({self.param(pattern)}, " \
                   "n.tags))"
        glob = node.glob
        if node.kind is N.TagKind.NO_COMBINING and not glob.has_wildcards and \
                glob.literal_text == "none":
            return "(n.tags = '')"
        if glob.is_only_star():
            return TRUE
        if any(ch in part for part in glob.literal_runs() for ch in " \u3000"):
            return FALSE
        if node.kind is N.TagKind.NO_COMBINING:
            pattern = _tag_regex(glob.map_text(without_combining))
            return f"rp_regexp({self.param(pattern)}, rp_nc(n.tags))"
        pattern = _tag_regex(glob)
        if not glob.has_wildcards and glob.literal_text.isascii():
            # LIKE is exact for ASCII text, apart from the few letters a Unicode-aware
            # case-insensitive match also finds elsewhere; those rows go to the regex.
            tag = _like(glob.literal_text)
            # The first test holds for both of the others: most notes need only that one.
            exact = (f"({self.like('n.tags', '% ' + tag + '%')} AND "
                     f"({self.like('n.tags', '% ' + tag + ' %')} OR "
                     f"{self.like('n.tags', '% ' + tag + '::%')}))")
            extras = sorted({ch for letter in glob.literal_text.lower()
                             for ch in _FOLD_EXTRAS.get(letter, ())} & self.tag_extras)
            if not extras:
                return exact
            hatch = " OR ".join(f"instr(n.tags, '{ch}')" for ch in extras)
            return (f"({exact} OR (({hatch}) AND "
                    f"rp_regexp({self.param(pattern)}, n.tags)))")
        return f"({self._prefilter('n.tags', pattern)}rp_regexp({self.param(pattern)}, n.tags))"

    # --- card states -----------------------------------------------------------------------

    def _StateSearch(self, node: N.StateSearch) -> str:
        state = node.state
        if state == "due":
            t = self.timing
            return (f"((c.queue IN (2,3) AND c.due <= {t.today}) OR "
                    f"(c.queue IN (1,4) AND c.due <= {t.now + t.learn_ahead_secs}))")
        # A unary + keeps SQLite off the index on type where other terms narrow better.
        type_ = "c.type" if self.state_indexes else "+c.type"
        return {
            "new": f"({type_} = 0)",
            "learn": f"({type_} IN (1,3))",
            "review": f"({type_} IN (2,3))",
            "suspended": "(c.queue = -1)",
            "buried": "(c.queue IN (-2,-3))",
            "buried-sibling": "(c.queue = -2)",
            "buried-manually": "(c.queue = -3)",
        }[state]

    def _FlagSearch(self, node: N.FlagSearch) -> str:
        return f"((c.flags & 7) = {node.flag})"

    def _IdSearch(self, node: N.IdSearch) -> str:
        ids = _ids(node.ids)
        if node.kind == "nid":
            return f"(c.nid IN ({ids}))"
        if node.kind == "cid":
            return f"(c.id IN ({ids}))"
        if node.kind == "did":
            return self._deck_ids_clause(node.ids)
        return self.notes(f"(n.ntid IN ({ids}))")

    # --- dates and the review history --------------------------------------------------------

    def _DaysSearch(self, node: N.DaysSearch) -> str:
        cutoff = self.timing.next_day_at - DAY_SECS * node.days
        if node.kind == "added":
            return f"(c.id > {cutoff * 1000})"
        if node.kind == "edited":
            return self.notes(f"(n.mtime > {cutoff})")
        ms = cutoff * 1000
        return (f"((SELECT coalesce(min(r.id) > {ms}, 0) FROM revlog r WHERE r.cid = c.id "
                f"AND r.ease != 0) AND c.id IN (SELECT cid FROM revlog WHERE id > {ms}))")

    def _RatedSearch(self, node: N.RatedSearch) -> str:
        next_day = self.timing.next_day_at
        target = (next_day + DAY_SECS * node.days) * 1000
        before = (next_day + DAY_SECS * (node.days - 1)) * 1000
        when = {
            ">": f"id >= {target}",
            ">=": f"id >= {before}",
            "<": f"id < {before}",
            "<=": f"id < {target}",
            "=": f"id BETWEEN {before} AND {target - 1}",
            "!=": f"id NOT BETWEEN {before} AND {target - 1}",
        }[node.op]
        ease = {N.Rating.ANY_ANSWER: "ease > 0", N.Rating.MANUAL: "ease = 0",
                N.Rating.BUTTON: f"ease = {node.ease}"}[node.rating]
        return f"(c.id IN (SELECT cid FROM revlog WHERE {when} AND {ease}))"

    # --- card properties -------------------------------------------------------------------

    def _PropSearch(self, node: N.PropSearch) -> str:
        op, value = node.op, node.value
        due = "(CASE WHEN c.odue != 0 THEN c.odue ELSE c.due END)"
        if node.prop == "ivl":
            return f"({'c' if self.state_indexes else '+c'}.ivl {op} {int(value)})"
        if node.prop in ("reps", "lapses"):
            return f"(c.{node.prop} {op} {int(value)})"
        if node.prop == "ease":
            return f"(c.factor {op} {_f32_to_u32(_f32(_f32(value) * 1000))})"
        if node.prop == "pos":
            return f"(c.type = 0 AND {due} {op} {int(value)})"
        if node.prop == "due":
            t = self.timing
            return (f"((c.queue IN (2,3) AND {due} {op} {t.today + int(value)}) OR "
                    f"(c.queue IN (1,4) AND (({due} - {t.next_day_at}) / {DAY_SECS}) {op} "
                    f"{int(value)}))")
        number = _f32(value)
        if not math.isfinite(number):
            raise SearchError(f"`prop:{node.prop}{op}` needs a finite number.")
        if node.prop == "s":
            return f"(rp_fsrs(c.data, 's') {op} {self.param(_f32_shortest(number))})"
        if node.prop == "d":
            scaled = _f32(_f32(number * 9) + 1)
            return f"(rp_fsrs(c.data, 'd') {op} {self.param(_f32_shortest(scaled))})"
        return self._retrievability(op, _f32_shortest(number))

    def _retrievability(self, op: str, value: float) -> str:
        t = self.timing
        due = "(CASE WHEN c.odue != 0 THEN c.odue ELSE c.due END)"
        return (f"(CASE WHEN c.type = 0 THEN 0 ELSE (rp_fsrs_r(c.data, {due}, c.ivl, "
                f"{t.today}, {t.now}) {op} {self.param(value)}) END)")

    def _CustomDataSearch(self, node: N.CustomDataSearch) -> str:
        key = self.param(node.key)
        if not node.op:
            return f"(rp_cd(c.data, {key}) IS NOT NULL)"
        if node.numeric:
            assert isinstance(node.value, float)
            number = _f32(node.value)
            if not math.isfinite(number):
                raise SearchError(f"`prop:cdn:{node.key}` needs a finite number.")
            return (f"(CAST(rp_cd(c.data, {key}) AS REAL) {node.op} "
                    f"{self.param(_f32_shortest(number))})")
        return f"(rp_cd(c.data, {key}) {node.op} {self.param(node.value)})"

    def _DupeSearch(self, node: N.DupeSearch) -> str:
        text = strip_html_preserving_media_filenames(node.text)
        self.uses_notes = True
        return (f"(n.id IN (SELECT id FROM notes WHERE ntid = {int(node.ntid)} AND csum = "
                f"{field_checksum(node.text)} AND rp_dupe_text(flds) = {self.param(text)}))")


    # --- extra terms (`Collection.search_terms`) -------------------------------------------

    def _CustomTermSearch(self, node: N.CustomTermSearch) -> str:
        if self.run is None:
            self.run = start_run(self.col)
        if node.name not in self.run.matches:
            # Looked up once per search, so a term's owner can keep per-search state.
            try:
                self.run.matches[node.name] = self.col.search_terms[node.name]
            except KeyError:
                raise UnknownNameError(f"there is no search term `{node.name}:`.") from None
        return (f"rp_term({self.param(self.run.token)}, {self.param(node.name)}, "
                f"{self.param(node.value)}, {_CARD_ARGS}{_NOTE_ARG})")


def _tag_regex(glob: N.Glob) -> str:
    """A tag or one of its children (`a` finds `a` and `a::b`); wildcards stay in one tag."""
    return "(?i: " + glob.to_regex("\\S*", "\\S") + "(?:::| ))"
