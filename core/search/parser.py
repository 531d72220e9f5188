r"""Parsing Anki's search language into a syntax tree (`repetend.core.search.nodes`).

Grammar (ANKI-FACTS §9.1), as Anki reads it:

- terms are separated by whitespace (ASCII whitespace and U+3000); adjacent terms are ANDed;
  `and` / `or` (any case, unquoted) are operators, AND binding tighter than OR;
- `( … )` groups, `-` negates the term or group right after it (`-` alone is the text "-");
- a term is `"quoted text"`, `key:"quoted value"` or an unquoted run that ends at whitespace,
  `(`, `)` or `"`; a backslash escapes the next character;
- in ordinary text only `\\ \" \\: \\( \\) \\- \\* \\_` are escapes, `*` and `_` are wildcards;
  in raw text (regular expressions, `dupe:`) only `\"` is replaced.

Errors are `SearchError` (an `InvalidInput`) naming the problem and where it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from repetend.core.errors import InvalidInput
from repetend.core.search.nodes import (
    PROPS,
    STATES,
    And,
    CustomDataSearch,
    CustomTermSearch,
    DaysSearch,
    DeckSearch,
    DupeSearch,
    FieldKind,
    FieldSearch,
    FlagSearch,
    Glob,
    IdSearch,
    Node,
    Not,
    NotetypeSearch,
    Or,
    PresetSearch,
    PropSearch,
    RatedSearch,
    Rating,
    RegexText,
    StateSearch,
    TagKind,
    TagSearch,
    TemplateSearch,
    TextMode,
    UnqualifiedText,
    Wild,
    WordText,
)

# Unicode White_Space; each is read as a plain space, even inside quotes (as Anki does).
UNICODE_SPACES = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                  "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_SPACE_TABLE = str.maketrans({ch: " " for ch in UNICODE_SPACES})
WHITESPACE = " "
TERM_END = WHITESPACE + '()"'
SIMPLE_ESCAPES = '\\":()-'


class SearchError(InvalidInput):
    """A search that cannot be parsed or compiled; the message says what and where."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(f"Invalid search: {message}")
        self.reason = message
        self.position = position


def parse(text: str, terms: Container[str] = ()) -> Node:
    """The syntax tree of a search; the empty search is `And(())` (every card).

    `terms` holds the names of extra `name:value` terms (`Collection.search_terms`); such a
    name becomes a `CustomTermSearch` instead of a search of the field of that name.
    """
    text = unicodedata.normalize("NFC", text).translate(_SPACE_TABLE)
    return _Parser(text, terms).parse()


# --- the boolean structure ------------------------------------------------------------------

_AND, _OR = "and", "or"


class _Parser:
    def __init__(self, text: str, terms: Container[str] = ()) -> None:
        self.s = text
        self.i = 0
        self.terms = terms

    def parse(self) -> Node:
        node = self._sequence(top=True)
        return node if node is not None else And(())

    def _skip_space(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in WHITESPACE:
            self.i += 1

    def _sequence(self, top: bool) -> Node | None:
        """Terms and operators up to the end (top level) or an unconsumed `)`."""
        items: list[tuple[Node | str, int]] = []
        while True:
            self._skip_space()
            if self.i >= len(self.s):
                break
            ch, start = self.s[self.i], self.i
            if ch == ")":
                if top:
                    raise SearchError(
                        f"a closing bracket `)` at position {start + 1} has no opening bracket "
                        "`(` before it. To search for a literal `)`, put it in double quotes "
                        'or escape it: `")"` or `\\)`.', start)
                break
            if ch == "(":
                items.append((self._group(), start))
            elif ch == "-" and self._negation_follows():
                self.i += 1
                nxt = self.s[self.i]
                if nxt == "(":
                    items.append((Not(self._group()), start))
                else:
                    text = self._quoted() if nxt == '"' else self._unquoted()
                    if text.lower() in (_AND, _OR) and nxt != '"':
                        raise _misplaced(text.lower(), start)
                    items.append((Not(term_node(text, self.i, self.terms)), start))
            elif ch == '"':
                items.append((term_node(self._quoted(), start, self.terms), start))
            else:
                text = self._unquoted()
                lowered = text.lower()
                if lowered in (_AND, _OR):
                    items.append((lowered, start))
                else:
                    items.append((term_node(text, start, self.terms), start))
        return _combine(items)

    def _negation_follows(self) -> bool:
        nxt = self.s[self.i + 1] if self.i + 1 < len(self.s) else ""
        return bool(nxt) and nxt not in WHITESPACE and nxt != ")"

    def _group(self) -> Node:
        start = self.i
        self.i += 1
        inner = self._sequence(top=False)
        if self.i >= len(self.s) or self.s[self.i] != ")":
            raise SearchError(
                f"an opening bracket `(` at position {start + 1} is never closed with `)`. "
                'To search for a literal `(`, put it in double quotes or escape it: `"("` or '
                "`\\(`.", start)
        self.i += 1
        if inner is None:
            raise SearchError(
                f"the group `()` at position {start + 1} has nothing to search for between "
                'its brackets. To search for literal brackets, put them in double quotes: '
                '`"( )"`.', start)
        return inner

    def _quoted(self) -> str:
        """The text between double quotes (escapes kept for the term to interpret)."""
        start = self.i
        self.i += 1
        out = []
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch == "\\" and self.i + 1 < len(self.s):
                out.append(self.s[self.i:self.i + 2])
                self.i += 2
                continue
            if ch == '"':
                self.i += 1
                if not out:
                    raise SearchError(
                        f'the double quotes `""` at position {start + 1} have nothing between '
                        'them to search for. To search for double quotes, escape them: '
                        '`\\"\\"`.', start)
                return "".join(out)
            out.append(ch)
            self.i += 1
        raise SearchError(
            f'a double quote `"` at position {start + 1} is never closed. To search for a '
            'literal `"`, escape it: `\\"`.', start)

    def _unquoted(self) -> str:
        """An unquoted run; `key:"…"` continues into the quoted value."""
        start = self.i
        out = []
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch == "\\":
                nxt = self.s[self.i + 1] if self.i + 1 < len(self.s) else ""
                if not nxt or nxt in WHITESPACE:
                    raise SearchError(
                        f"the escape sequence `\\{nxt}` at position {self.i + 1} is not "
                        "defined. To search for a backslash, write two: `\\\\`.", self.i)
                out.append(ch + nxt)
                self.i += 2
                continue
            if ch == '"' and out and out[-1] == ":":
                out.append(self._quoted())
                break
            if ch in TERM_END:
                break
            out.append(ch)
            self.i += 1
        assert self.i > start
        return "".join(out)


def _misplaced(op: str, position: int) -> SearchError:
    return SearchError(
        f"`{op}` at position {position + 1} does not connect two search terms. To search "
        f'for the word itself, put it in double quotes: `"{op}"`.', position)


def _combine(items: list[tuple[Node | str, int]]) -> Node | None:
    """Implicit and explicit AND bind tighter than OR."""
    if not items:
        return None
    alternatives: list[list[Node]] = [[]]
    previous_was_operator = True
    for index, (item, position) in enumerate(items):
        if isinstance(item, str):
            if previous_was_operator or index == len(items) - 1:
                raise _misplaced(item, position)
            if item == _OR:
                alternatives.append([])
            previous_was_operator = True
        else:
            alternatives[-1].append(item)
            previous_was_operator = False
    ors = [chain[0] if len(chain) == 1 else And(tuple(chain)) for chain in alternatives]
    return ors[0] if len(ors) == 1 else Or(tuple(ors))


# --- text and escapes -----------------------------------------------------------------------


def unescape_glob(text: str, position: int = 0) -> Glob:
    """Ordinary search text: validated escapes, `*` and `_` wildcards."""
    parts: list[str | Wild] = []
    run: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if nxt in SIMPLE_ESCAPES + "*_" and nxt:
                run.append(nxt)
                i += 2
                continue
            raise SearchError(
                f"the escape sequence `\\{nxt}` in `{text}` is not defined. To search for a "
                "backslash, write two: `\\\\`.", position)
        if ch in "*_":
            if run:
                parts.append("".join(run))
                run = []
            parts.append(Wild.STAR if ch == "*" else Wild.ONE)
        else:
            run.append(ch)
        i += 1
    if run:
        parts.append("".join(run))
    return Glob(tuple(parts))


def unescape_lenient(text: str) -> Glob:
    """Like `unescape_glob`, but an unknown escape stands for its character (`front:nc:`)."""
    parts: list[str | Wild] = []
    run: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            run.append(text[i + 1])
            i += 2
            continue
        if ch in "*_":
            if run:
                parts.append("".join(run))
                run = []
            parts.append(Wild.STAR if ch == "*" else Wild.ONE)
        else:
            run.append(ch)
        i += 1
    if run:
        parts.append("".join(run))
    return Glob(tuple(parts))


def unescape_plain(text: str, position: int = 0) -> str:
    """Ordinary text where `*` and `_` are not wildcards (ids, numbers, keywords)."""
    return unescape_glob(text, position).text if "\\" in text else text


def raw(text: str) -> str:
    """Raw text (regular expressions, `dupe:`): only `\\"` is replaced by `"`."""
    return text.replace('\\"', '"') if '\\"' in text else text


def _split_key(text: str) -> tuple[str, str] | None:
    """(key, value) at the first unescaped colon, or None."""
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == ":":
            return text[:i], text[i + 1:]
        i += 1
    return None


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


# --- terms ----------------------------------------------------------------------------------


def term_node(text: str, position: int = 0, terms: Container[str] = ()) -> Node:
    """The node for one term's text (quotes already removed, escapes still in place)."""
    split = _split_key(text)
    if split is None:
        return UnqualifiedText(unescape_glob(text, position))
    key, value = split
    if not key:
        raise SearchError(
            f"a colon `:` at position {position + 1} has no keyword before it. To search for "
            "a literal `:`, escape it: `\\:`.", position)
    name = _ascii_lower(key)
    handler = _KEYS.get(name)
    if handler is not None:
        return handler(value, position)
    # An extra term hides a field of the same name, as Anki's own words do; its name is
    # matched case-insensitively like theirs. Only names that are not Anki's words are
    # looked up, so a lazily filled `terms` is filled by the first search that needs it.
    if _TERM_NAME.fullmatch(name) and name in terms:
        return CustomTermSearch(name, _term_value(value))
    return _field_node(key, value, position)


# What a term name may be (`repetend.hooks.browser.SEARCH_TERM_NAME`).
_TERM_NAME = re.compile(r"[a-z][a-z0-9_-]*")


def _term_value(value: str) -> str:
    """An extra term's value: the search language's escapes resolved, any other backslash
    kept (the term may read it, e.g. as part of a pattern), no wildcards."""
    if "\\" not in value:
        return value
    return re.sub(r'\\([\\":()*_-])', r"\1", value)


def _field_node(key: str, value: str, position: int) -> Node:
    field = unescape_glob(key, position)
    if value.startswith("re:"):
        return FieldSearch(field, FieldKind.REGEX, pattern=raw(value[3:]))
    if value.startswith("nc:"):
        return FieldSearch(field, FieldKind.NO_COMBINING, glob=unescape_lenient(value[3:]))
    return FieldSearch(field, FieldKind.GLOB, glob=unescape_glob(value, position))


def _tag(value: str, position: int) -> Node:
    if value.startswith("re:"):
        return TagSearch(TagKind.REGEX, pattern=raw(value[3:]))
    if value.startswith("nc:"):
        return TagSearch(TagKind.NO_COMBINING, glob=unescape_glob(value[3:], position))
    glob = unescape_glob(value, position)
    if not glob.has_wildcards and glob.literal_text == "none":
        return TagSearch(TagKind.NONE)
    return TagSearch(TagKind.GLOB, glob=glob)


def _card(value: str, position: int) -> Node:
    text = unescape_glob(value, position)
    if not text.has_wildcards and re.fullmatch(r"\+?[0-9]+", text.literal_text):
        number = int(text.literal_text)
        if number <= 0xFFFF:
            return TemplateSearch(ordinal=number)
    return TemplateSearch(name=text)


def _state(value: str, position: int) -> Node:
    state = unescape_plain(value, position)
    if state not in STATES:
        raise SearchError(
            f"`is:` was given the unknown state `{state}`; use one of "
            f"{', '.join('`' + s + '`' for s in STATES)}.", position)
    return StateSearch(state)


def _flag(value: str, position: int) -> Node:
    text = unescape_plain(value, position)
    if not re.fullmatch(r"\+?[0-9]+", text) or int(text) > 7:
        raise SearchError(
            f"`flag:{text}` is not a flag: use `flag:1` (red), `2` (orange), `3` (green), "
            "`4` (blue), `5` (pink), `6` (turquoise), `7` (purple) or `0` (no flag).",
            position)
    return FlagSearch(int(text))


_U32 = re.compile(r"\+?[0-9]+")
_I32 = re.compile(r"[+-]?[0-9]+")
# The number syntax Rust's f32 parser accepts (digits, optional fraction and exponent,
# inf/infinity/nan in any case).
_FLOAT = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                    r"|(?i:inf|infinity|nan))")


def _u32(text: str, context: str, position: int) -> int:
    if _U32.fullmatch(text) and int(text) <= 0xFFFFFFFF:
        return int(text)
    raise SearchError(f"expected a positive whole number in `{context}`, but found "
                      f"`{text}`.", position)


def _i32(text: str, context: str, position: int) -> int:
    if _I32.fullmatch(text) and -(2**31) <= int(text) < 2**31:
        return int(text)
    raise SearchError(f"expected a whole number in `{context}`, but found `{text}`.", position)


def _f32(text: str, context: str, position: int) -> float:
    if _FLOAT.fullmatch(text):
        return float(text)
    raise SearchError(f"expected a number in `{context}`, but found `{text}`.", position)


def _days(kind: str):  # type: ignore[no-untyped-def]
    def handler(value: str, position: int) -> Node:
        text = unescape_plain(value, position)
        days = _u32(text, f"{kind}:{text}", position)
        return DaysSearch(kind, max(days, 1))
    return handler


def _rated(value: str, position: int) -> Node:
    text = unescape_plain(value, position)
    days_text, _, ease_text = text.partition(":")
    days = max(_u32(days_text, f"rated:{text}", position), 1)
    if not ease_text and ":" not in text:
        return RatedSearch(">", -days, Rating.ANY_ANSWER)
    return RatedSearch(">", -days, Rating.BUTTON, _ease(ease_text, f"rated:{text}", position))


def _ease(text: str, context: str, position: int) -> int:
    if _U32.fullmatch(text) and 1 <= int(text) <= 4:
        return int(text)
    raise SearchError(f"expected an answer button between 1 and 4 in `{context}`, but found "
                      f"`{text}`.", position)


def _resched(value: str, position: int) -> Node:
    text = unescape_plain(value, position)
    # Unlike rated:0 (read as rated:1), Anki's resched:0 finds nothing: from the next day on.
    days = _u32(text, f"resched:{text}", position)
    return RatedSearch(">", -days, Rating.MANUAL)


_OPERATORS = ("<=", ">=", "!=", "=", "<", ">")
# Longest names first, so that `reps` is not read as `r` followed by "eps".
_PROP_NAMES = sorted(PROPS + ("rated", "resched"), key=len, reverse=True)


def _prop(value: str, position: int) -> Node:
    text = unescape_plain(value, position) if not value.startswith("cds:") else raw(value)
    for prefix in ("cdn:", "cds:"):
        if text.startswith(prefix):
            return _custom_data_prop(text, prefix, position)
    name = next((n for n in _PROP_NAMES if text.startswith(n)), None)
    if name is None:
        raise SearchError(
            f"`prop:{text}` names no card property; use one of "
            "`ivl`, `due`, `reps`, `lapses`, `ease`, `pos`, `rated`, `resched`, `s`, `d`, `r`, "
            "`cdn:key`, `cds:key`.", position)
    rest = text[len(name):]
    op = next((o for o in _OPERATORS if rest.startswith(o)), None)
    if op is None:
        raise _operator_error(name, position)
    number = rest[len(op):]
    if name in ("rated", "resched"):
        days_text, colon, ease_text = number.partition(":")
        days = _i32(days_text, text, position)
        if days > 0:
            raise SearchError(f"expected a whole number less than or equal to 0 in `{text}`, "
                              f"but found `{days_text}`.", position)
        if name == "resched":
            if colon:
                raise SearchError(f"`prop:resched` takes no answer button: `{text}`.",
                                  position)
            return RatedSearch(op, days, Rating.MANUAL)
        if colon:
            return RatedSearch(op, days, Rating.BUTTON, _ease(ease_text, text, position))
        return RatedSearch(op, days, Rating.ANY_ANSWER)
    if name == "due":
        return PropSearch(name, op, _i32(number, text, position))
    if name in ("ivl", "reps", "lapses", "pos"):
        return PropSearch(name, op, _u32(number, text, position))
    return PropSearch(name, op, _f32(number, text, position))


def _operator_error(name: str, position: int) -> SearchError:
    return SearchError(f"`prop:{name}` must be followed by a comparison operator: `=`, `!=`, "
                       "`<`, `>`, `<=` or `>=`.", position)


def _custom_data_prop(text: str, prefix: str, position: int) -> Node:
    rest = text[len(prefix):]
    cut = next((i for i, ch in enumerate(rest) if ch in "<>=!"), None)
    if cut is None:
        raise _operator_error(text, position)
    key, tail = rest[:cut], rest[cut:]
    op = next((o for o in _OPERATORS if tail.startswith(o)), None)
    if op is None or not key:
        raise _operator_error(text, position)
    value = tail[len(op):]
    if prefix == "cdn:":
        return CustomDataSearch(key, op, _f32(value, text, position), numeric=True)
    return CustomDataSearch(key, op, value, numeric=False)


def _dupe(value: str, position: int) -> Node:
    text = raw(value)
    ntid, comma, rest = text.partition(",")
    if not _U32.fullmatch(ntid) and not re.fullmatch(r"[+-]?[0-9]+", ntid):
        raise SearchError(f"expected a note type id (a whole number) in `dupe:{text}`, but "
                          f"found `{ntid}`.", position)
    if not comma:
        raise SearchError(f"`dupe:{text}` needs a note type id and the text, separated by a "
                          "comma: `dupe:ntid,text`.", position)
    return DupeSearch(int(ntid), rest)


def _ids(kind: str):  # type: ignore[no-untyped-def]
    def handler(value: str, position: int) -> Node:
        text = unescape_plain(value, position)
        if not re.fullmatch(r"[0-9]+(,[0-9]+)*", text):
            raise SearchError(f"expected only digits and commas in `{kind}:{text}`.",
                              position)
        return IdSearch(kind, tuple(int(x) for x in text.split(",")))
    return handler


def _unqualified(mode: TextMode):  # type: ignore[no-untyped-def]
    def handler(value: str, position: int) -> Node:
        return UnqualifiedText(unescape_glob(value, position), mode)
    return handler


_KEYS = {
    "added": _days("added"),
    "card": _card,
    "cid": _ids("cid"),
    "deck": lambda v, p: DeckSearch(unescape_glob(v, p)),
    "did": _ids("did"),
    "dupe": _dupe,
    "edited": _days("edited"),
    "flag": _flag,
    "has-cd": lambda v, p: CustomDataSearch(raw(v)),
    "introduced": _days("introduced"),
    "is": _state,
    "mid": _ids("mid"),
    "nc": _unqualified(TextMode.NO_COMBINING),
    "nid": _ids("nid"),
    "note": lambda v, p: NotetypeSearch(unescape_glob(v, p)),
    "preset": lambda v, p: PresetSearch(raw(v)),
    "prop": _prop,
    "rated": _rated,
    "re": lambda v, p: RegexText(raw(v)),
    "resched": _resched,
    "sc": _unqualified(TextMode.STRIP_CLOZE),
    "tag": _tag,
    "w": lambda v, p: WordText(unescape_glob(v, p)),
}
