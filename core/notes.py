"""Notes: the field values and tags that cards are made from."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from repetend.core.errors import InvalidInput
from repetend.core.text import normalize_field

FIELD_SEPARATOR = "\x1f"


@dataclass
class Note:
    """A note's content. `field_names` comes from its note type and is not stored."""

    ntid: int
    fields: list[str]
    tags: list[str] = field(default_factory=list)
    id: int = 0
    guid: str = ""
    mtime: int = 0
    usn: int = -1
    flags: int = 0
    data: str = ""
    field_names: list[str] = field(default_factory=list, compare=False, repr=False)

    def __getitem__(self, name: str) -> str:
        return self.fields[self._index(name)]

    def __setitem__(self, name: str, value: str) -> None:
        self.fields[self._index(name)] = value

    def items(self) -> list[tuple[str, str]]:
        return list(zip(self.field_names, self.fields, strict=True))

    def _index(self, name: str) -> int:
        try:
            return self.field_names.index(name)
        except ValueError:
            raise KeyError(f"note has no field called {name!r}") from None

    def has_tag(self, tag: str) -> bool:
        return tag.casefold() in (t.casefold() for t in self.tags)


def tags_to_str(tags: list[str]) -> str:
    """Anki's stored form: space separated with a leading and trailing space."""
    return f" {' '.join(tags)} " if tags else ""


def str_to_tags(text: str) -> list[str]:
    return text.split()


def canonical_tags(tags: list[str], known: dict[str, str]) -> list[str]:
    """Split, validate, de-duplicate (case-insensitively), unify case with `known` and sort.

    `known` maps casefolded registered tags to their stored spelling (it is not changed).
    As Anki registers tags: NFC; a registered tag keeps its stored case whole; a new one
    takes the case of its nearest registered ancestor ("Lang::FR::x" with "lang" known is
    "lang::FR::x"); the tags are taken in their order, each one known to the next.
    """
    out: dict[str, str] = {}
    for raw in tags:
        for tag in raw.replace("\u3000", " ").split():
            if not tag.isascii():
                tag = unicodedata.normalize("NFC", tag)
            parts = [p if p else "blank" for p in tag.split("::")]
            tag = "::".join(parts)
            if any(ch < " " for ch in tag):
                raise InvalidInput(f"tag {tag!r} contains a control character")
            folded = tag.casefold()
            if folded not in out:
                out[folded] = known.get(folded) or _ancestor_case(parts, known, out) or tag
    return sorted(out.values(), key=str.casefold)


def _ancestor_case(parts: list[str], known: dict[str, str], added: dict[str, str]) -> str:
    """`parts` joined, its leading components spelt as its nearest registered ancestor
    (in `known` or among the tags `added` before it) is; "" when it has none."""
    for depth in range(len(parts) - 1, 0, -1):
        folded = "::".join(parts[:depth]).casefold()
        ancestor = known.get(folded) or added.get(folded)
        if ancestor:
            return "::".join([ancestor, *parts[depth:]])
    return ""


def prepare_fields(values: list[str]) -> list[str]:
    return [normalize_field(v) for v in values]
