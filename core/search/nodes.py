"""The search syntax tree: what `parser` produces and `sqlwriter` compiles.

Text that may hold wildcards is kept as a `Glob`: literal runs and `Wild` markers, so the
escaping rules of the search language are applied exactly once, in the parser, and each
back end (SQL LIKE, regular expression, plain comparison) renders the wildcards its own way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Wild(Enum):
    """`*` (any run of characters, possibly empty) and `_` (exactly one character)."""

    STAR = "*"
    ONE = "_"


@dataclass(frozen=True)
class Glob:
    """Search text with wildcards: literal strings and `Wild` markers, in order."""

    parts: tuple[str | Wild, ...] = ()

    @classmethod
    def literal(cls, text: str) -> Glob:
        return cls((text,) if text else ())

    @property
    def has_wildcards(self) -> bool:
        return any(isinstance(p, Wild) for p in self.parts)

    @property
    def text(self) -> str:
        """The text with wildcards written back as `*` and `_` (for messages and names)."""
        return "".join(p.value if isinstance(p, Wild) else p for p in self.parts)

    @property
    def literal_text(self) -> str:
        """The text, for a glob without wildcards."""
        assert not self.has_wildcards
        return "".join(p for p in self.parts if isinstance(p, str))

    def is_only_star(self) -> bool:
        return self.parts == (Wild.STAR,)

    def map_text(self, func) -> Glob:  # type: ignore[no-untyped-def]
        """The glob with `func` applied to every literal run."""
        return Glob(tuple(p if isinstance(p, Wild) else func(p) for p in self.parts))

    def to_like(self) -> str:
        """A SQL LIKE pattern (ESCAPE '\\')."""
        out = []
        for p in self.parts:
            if p is Wild.STAR:
                out.append("%")
            elif p is Wild.ONE:
                out.append("_")
            else:
                out.append(p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
        return "".join(out)

    def to_regex(self, star: str = ".*", one: str = ".") -> str:
        """A case-insensitive regular expression (Python syntax) for the glob.

        `star`/`one` render the wildcards. The letters i, I, ı and İ are matched the way
        Rust's (Anki's) case folding does, not Python's, which also pairs i with ı and İ.
        """
        return "".join(star if p is Wild.STAR else one if p is Wild.ONE else _ci_escape(p)
                       for p in self.parts)

    def literal_runs(self) -> list[str]:
        """The literal runs, each of which any match must contain."""
        return [p for p in self.parts if isinstance(p, str)]


_TURKISH_I = {"i": "(?-i:[iI])", "I": "(?-i:[iI])", "\u0131": "(?-i:\u0131)",
              "\u0130": "(?-i:\u0130)"}


def _ci_escape(text: str) -> str:
    escaped = re.escape(text)
    if not any(ch in text for ch in _TURKISH_I):
        return escaped
    return "".join(_TURKISH_I.get(ch, ch) for ch in escaped)


# --- boolean structure ----------------------------------------------------------------------


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


# --- terms ------------------------------------------------------------------------------------


class TextMode(Enum):
    PLAIN = "plain"
    NO_COMBINING = "nc"
    STRIP_CLOZE = "sc"   # cloze note types only, cloze markup removed


@dataclass(frozen=True)
class UnqualifiedText:
    """`dog`, `"a dog"`, `nc:uber`, `sc:text`: a substring of the note's searchable fields."""

    glob: Glob
    mode: TextMode = TextMode.PLAIN


@dataclass(frozen=True)
class RegexText:
    """`re:…`: a regular expression (Anki's regex syntax) over the note's fields."""

    pattern: str


@dataclass(frozen=True)
class WordText:
    """`w:dog`: a whole word (wildcards allowed)."""

    glob: Glob


class FieldKind(Enum):
    GLOB = "glob"
    REGEX = "re"
    NO_COMBINING = "nc"


@dataclass(frozen=True)
class FieldSearch:
    """`front:dog`: the field's whole content matches (glob, `re:` or `nc:`)."""

    field: Glob
    kind: FieldKind
    glob: Glob = Glob()
    pattern: str = ""


@dataclass(frozen=True)
class DeckSearch:
    """`deck:name` (with children), `deck:current`, `deck:filtered`, `deck:*`."""

    name: Glob


class TagKind(Enum):
    GLOB = "glob"
    REGEX = "re"
    NO_COMBINING = "nc"
    NONE = "none"


@dataclass(frozen=True)
class TagSearch:
    kind: TagKind
    glob: Glob = Glob()
    pattern: str = ""


@dataclass(frozen=True)
class NotetypeSearch:
    name: Glob


@dataclass(frozen=True)
class TemplateSearch:
    """`card:2` (ordinal, 1-based) or `card:Forward` (template name, wildcards)."""

    ordinal: int | None = None
    name: Glob | None = None


STATES = ("due", "new", "learn", "review", "suspended", "buried", "buried-manually",
          "buried-sibling")


@dataclass(frozen=True)
class StateSearch:
    state: str


@dataclass(frozen=True)
class FlagSearch:
    flag: int


@dataclass(frozen=True)
class DaysSearch:
    """`added:N`, `edited:N`, `introduced:N`."""

    kind: str
    days: int


class Rating(Enum):
    ANY_ANSWER = "any"   # ease 1-4
    BUTTON = "button"    # one ease
    MANUAL = "manual"    # ease 0: rescheduled by hand


@dataclass(frozen=True)
class RatedSearch:
    """`rated:N[:E]`, `resched:N`, `prop:rated…`, `prop:resched…` (days <= 0 relative)."""

    op: str
    days: int
    rating: Rating
    ease: int = 0


PROPS = ("ivl", "due", "reps", "lapses", "ease", "pos", "s", "d", "r")


@dataclass(frozen=True)
class PropSearch:
    """`prop:ivl>=10` and friends; `value` is already converted for the column."""

    prop: str
    op: str
    value: float | int


@dataclass(frozen=True)
class CustomDataSearch:
    """`prop:cdn:key>1` (numeric), `prop:cds:key=v` (text), `has-cd:key` (op empty)."""

    key: str
    op: str = ""
    value: float | str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class DupeSearch:
    ntid: int
    text: str


@dataclass(frozen=True)
class IdSearch:
    """`nid:`, `cid:`, `did:`, `mid:` with digits and commas."""

    kind: str
    ids: tuple[int, ...]


@dataclass(frozen=True)
class PresetSearch:
    name: str


@dataclass(frozen=True)
class CustomTermSearch:
    """`words:>10`: a term the collection was given (`Collection.search_terms`, e.g. by an
    add-on); `value` is the text after the colon, quotes and escapes resolved."""

    name: str
    value: str


Node = (And | Or | Not | UnqualifiedText | RegexText | WordText | FieldSearch | DeckSearch
        | TagSearch | NotetypeSearch | TemplateSearch | StateSearch | FlagSearch | DaysSearch
        | RatedSearch | PropSearch | CustomDataSearch | DupeSearch | IdSearch | PresetSearch
        | CustomTermSearch)
