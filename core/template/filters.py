"""Built-in field filters (ANKI-FACTS §4.3) and the rule for chaining them.

Filters apply in order until the first one that is not built in; that one and every later
one are handed back so the caller can pass them to add-ons (Anki's `field_filter` hook).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from repetend.core.template import cloze, furigana
from repetend.core.template.blake3 import blake3
from repetend.core.text import strip_html


@dataclass(frozen=True)
class FilterContext:
    """What filters may know about the card: its 0-based ordinal and the side."""

    card_ord: int
    question_side: bool


def hint(text: str, field_name: str) -> str:
    """A "show hint" link and the hidden content; the id is the first 8 bytes of
    BLAKE3(text + field name), so it is stable across renders."""
    if not text.strip():
        return text
    hint_id = blake3((text + field_name).encode("utf-8"))[:8].hex()
    return (
        '\n<a class=hint href="#"\n'
        "onclick=\"this.style.display='none';\n"
        f"document.getElementById('hint{hint_id}').style.display='block';\n"
        'return false;" draggable=false>\n'
        f"{field_name}</a>\n"
        f'<div id="hint{hint_id}" class=hint style="display: none">{text}</div>\n'
    )


def tts(options: str, text: str) -> str:
    """`{{tts en_US voices=A:F}}`: wrap the text in an `[anki:tts]` directive."""
    return f"[anki:tts lang={options}]{text}[/anki:tts]"


def apply_filter(name: str, text: str, field_name: str, ctx: FilterContext) -> str | None:
    """Apply one built-in filter; None if `name` is not built in."""
    match name:
        case "text":
            return strip_html(text)
        case "furigana":
            return furigana.furigana(text)
        case "kana":
            return furigana.kana(text)
        case "kanji":
            return furigana.kanji(text)
        case "type":
            return f"[[type:{field_name}]]"
        case "type-cloze":
            return f"[[type:cloze:{field_name}]]"
        case "type-nc":
            return f"[[type:nc:{field_name}]]"
        case "hint":
            return hint(text, field_name)
        case "cloze":
            return cloze.cloze_filter(text, ctx.card_ord, ctx.question_side)
        case "cloze-only":
            return cloze.cloze_only_filter(text, ctx.card_ord, ctx.question_side)
        case "":
            # an empty segment (`{{a::b}}`) is ignored
            return text
    if name.startswith("tts "):
        return tts(name[4:], text)
    return None


def apply_filters(text: str, filters: Sequence[str], field_name: str,
                  ctx: FilterContext) -> tuple[str, tuple[str, ...]]:
    """Apply built-in `filters` in order; return the text and the filters left unapplied
    (from the first unknown one on)."""
    filters = tuple(filters)
    # `type` as the outermost filter swallows the others, except the two typing variants.
    if filters == ("cloze", "type"):
        filters = ("type-cloze",)
    elif filters == ("nc", "type"):
        filters = ("type-nc",)
    elif filters and filters[-1] == "type":
        filters = ("type",)
    for index, name in enumerate(filters):
        result = apply_filter(name, text, field_name, ctx)
        if result is None:
            return text, filters[index:]
        text = result
    return text, ()
