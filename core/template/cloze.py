"""Cloze deletions: parsing `{{cN::text::hint}}`, rendering them, and finding card numbers.

Follows ANKI-FACTS §4.5 (Anki's `cloze.rs`): comma lists (`c1,3`) are deduplicated and
sorted, nesting is kept up to 10 open levels (deeper openings are ignored, so their `}}`
closes the enclosing deletion), deletions still open at the end of the text are dropped,
and a stray `}}` outside any deletion is literal text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from repetend.core.template.escaping import encode_attribute, strip_html_preserving_entities
from repetend.core.template.occlusion import image_occlusion_attributes

MAX_OPEN_CLOZES = 10
# Card ordinals stop at 499, so the highest cloze number that makes its own card is 500.
MAX_CLOZE_NUMBER = 500
_U16_MAX = 0xFFFF
_IO_PREFIX = "image-occlusion:"

_TOKEN = re.compile(r"\{\{c([0-9,]*)::|\}\}")
_MATHJAX = re.compile(r"(\\[(\[])(.*?)(\\[)\]])", re.DOTALL | re.IGNORECASE)


@dataclass
class _Cloze:
    ordinals: tuple[int, ...]
    nodes: list[str | _Cloze] = field(default_factory=list)
    hint: str | None = None

    def hint_text(self) -> str:
        return "..." if self.hint is None else self.hint

    def clozed_text(self) -> str:
        """The deletion's text with nested deletions revealed, without any markup."""
        return "".join(n if isinstance(n, str) else n.clozed_text() for n in self.nodes)

    def image_occlusion(self) -> str | None:
        first = self.nodes[0] if self.nodes else None
        if isinstance(first, str) and first.startswith(_IO_PREFIX):
            return first[len(_IO_PREFIX):]
        return None


def _ordinals(digits: str) -> tuple[int, ...]:
    numbers = {int(part) for part in digits.split(",") if part and int(part) <= _U16_MAX}
    return tuple(sorted(numbers))


def _parse(text: str) -> list[str | _Cloze]:
    output: list[str | _Cloze] = []
    open_clozes: list[_Cloze] = []

    def add_text(chunk: str) -> None:
        if not chunk:
            return
        if open_clozes:
            cloze = open_clozes[-1]
            if not chunk.startswith(_IO_PREFIX) and "::" in chunk:
                chunk, cloze.hint = chunk.split("::", 1)
            cloze.nodes.append(chunk)
        else:
            output.append(chunk)

    pos = 0
    for match in _TOKEN.finditer(text):
        if match.group(0) == "}}":
            add_text(text[pos:match.start()])
            if open_clozes:
                cloze = open_clozes.pop()
                (open_clozes[-1].nodes if open_clozes else output).append(cloze)
            else:
                output.append("}}")
        else:
            ordinals = _ordinals(match.group(1))
            if not ordinals:
                continue  # not an opening marker; stays part of the surrounding text
            add_text(text[pos:match.start()])
            if len(open_clozes) < MAX_OPEN_CLOZES:
                open_clozes.append(_Cloze(ordinals))
        pos = match.end()
    add_text(text[pos:])
    return output


def _ordinals_str(ordinals: tuple[int, ...]) -> str:
    return ",".join(str(o) for o in ordinals)


def _reveal(cloze: _Cloze, ordinal: int, question: bool, found: list[bool]) -> str:
    active = ordinal in cloze.ordinals
    if active:
        found[0] = True
    io_text = cloze.image_occlusion()
    if io_text is not None:
        return _render_occlusion(io_text, question, active, cloze.ordinals)

    def inner() -> str:
        return "".join(n if isinstance(n, str) else _reveal(n, ordinal, question, found)
                       for n in cloze.nodes)

    ordinals = _ordinals_str(cloze.ordinals)
    if active and question:
        return (f'<span class="cloze" data-cloze="{encode_attribute(inner())}" '
                f'data-ordinal="{ordinals}">[{cloze.hint_text()}]</span>')
    css_class = "cloze" if active else "cloze-inactive"
    return f'<span class="{css_class}" data-ordinal="{ordinals}">{inner()}</span>'


def _render_occlusion(text: str, question: bool, active: bool,
                      ordinals: tuple[int, ...]) -> str:
    if (question and active) or 0 in ordinals:
        css_class = "cloze"
    elif not active:
        css_class = "cloze-inactive"
    else:
        css_class = "cloze-highlight"
    return (f'<div class="{css_class}" data-ordinal="{_ordinals_str(ordinals)}" '
            f'{image_occlusion_attributes(text)}></div>')


def reveal_cloze_text(text: str, cloze_number: int, question: bool) -> str:
    """Render the deletions of `text` for card `cloze_number`; "" if none is active."""
    found = [False]
    out = "".join(n if isinstance(n, str) else _reveal(n, cloze_number, question, found)
                  for n in _parse(text))
    return out if found[0] else ""


def _active_texts(nodes: list[str | _Cloze], cloze_number: int, question: bool) -> list[str]:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, _Cloze):
            if cloze_number in node.ordinals:
                out.append(node.hint_text() if question else node.clozed_text())
            out += _active_texts(node.nodes, cloze_number, question)
    return out


def reveal_cloze_text_only(text: str, cloze_number: int, question: bool) -> str:
    """The `cloze-only:` filter: active hints ("..." if none) or texts, joined by ", "."""
    return ", ".join(_active_texts(_parse(text), cloze_number, question))


def cloze_text_for_typing(text: str, cloze_number: int) -> str:
    """What `{{type:cloze:F}}` expects: the active texts, collapsed to one if all identical."""
    texts = _active_texts(_parse(text), cloze_number, False)
    if texts and len(set(texts)) == 1:
        return texts[0]
    return ", ".join(texts)


def _numbers(nodes: list[str | _Cloze], into: set[int]) -> None:
    for node in nodes:
        if isinstance(node, _Cloze):
            into.update(o for o in node.ordinals if o != 0)
            _numbers(node.nodes, into)


def cloze_numbers_in_string(text: str) -> set[int]:
    """Every cloze number above 0 written in `text` (nested and comma lists included)."""
    found: set[int] = set()
    _numbers(_parse(text), found)
    return found


def strip_html_inside_mathjax(text: str) -> str:
    """Remove tags (keeping entities) between `\\(`/`\\[` and `\\)`/`\\]`."""
    return _MATHJAX.sub(
        lambda m: m.group(1) + strip_html_preserving_entities(m.group(2)) + m.group(3), text)


def cloze_filter(text: str, card_ord: int, question: bool) -> str:
    """The `cloze:` filter for the card with 0-based ordinal `card_ord`."""
    return strip_html_inside_mathjax(reveal_cloze_text(text, card_ord + 1, question))


def cloze_only_filter(text: str, card_ord: int, question: bool) -> str:
    """The `cloze-only:` filter for the card with 0-based ordinal `card_ord`."""
    return reveal_cloze_text_only(text, card_ord + 1, question)
