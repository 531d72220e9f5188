"""Render both sides of one card: the pipeline of ANKI-FACTS §4.4.

Question first (an error there replaces the whole card), then the blank-front / missing
cloze check, then the answer with `{{FrontSide}}`; add-on filters finish pending
replacements, and sound/tts tags become `[anki:play:…]` placeholders, question before answer
so FrontSide carries the question's placeholders instead of playing its sounds again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from repetend.core.template.avtags import AvTag, extract_av_tags
from repetend.core.template.cloze import cloze_numbers_in_string
from repetend.core.template.engine import Part, SideContext, render_side
from repetend.core.template.errors import (
    TemplateError,
    blank_front_html,
    error_header,
    missing_cloze_html,
    template_error_html,
)
from repetend.core.template.fields import nonempty_fields, special_field_values
from repetend.core.template.parser import parse_template, renders_with_fields

FieldFilter = Callable[[str, str, str], str | None]
"""(filter_name, text, field_name) -> new text, or None when the filter is not handled."""


@dataclass(frozen=True)
class CardRenderContext:
    """Everything needed to render one card, independent of storage."""

    question_template: str
    answer_template: str
    fields: dict[str, str]          # note field name -> value, in field order
    card_ord: int                   # 0-based template index, or cloze number - 1
    is_cloze: bool
    notetype_name: str
    template_name: str
    deck_name: str                  # full "A::B"; Subdeck is the last component
    tags: tuple[str, ...]
    card_flag: int = 0
    card_id: int = 0
    browser: bool = False           # browser appearance: no blank-front message


@dataclass(frozen=True)
class RenderedCard:
    """The HTML of both sides and the sounds/tts each side plays."""

    question: str                   # HTML; [sound:]/tts replaced by [anki:play:q:N]
    answer: str                     # HTML; [anki:play:a:N]; {{FrontSide}} keeps q placeholders
    question_av_tags: tuple[AvTag, ...]
    answer_av_tags: tuple[AvTag, ...]
    error: str | None = None        # plain-text "<header> <message>" when a template failed


def card_field_map(ctx: CardRenderContext) -> dict[str, str]:
    """The note's fields plus special fields (unless the note has one of that name) and the
    pseudo field `c<ord+1>` = "1" that makes `{{#cN}}` true on card N only."""
    field_map = dict(ctx.fields)
    specials = special_field_values(
        tags=ctx.tags, notetype_name=ctx.notetype_name, deck_name=ctx.deck_name,
        card_flag=ctx.card_flag, template_name=ctx.template_name, card_id=ctx.card_id)
    for name, value in specials.items():
        field_map.setdefault(name, value)
    field_map.setdefault(f"c{ctx.card_ord + 1}", "1")
    return field_map


def render_card(ctx: CardRenderContext, field_filter: FieldFilter | None = None) -> RenderedCard:
    """Render question and answer of the card described by `ctx`.

    `field_filter` is asked for every filter that is not built in (and all later filters
    of the same replacement); None, or a None result, leaves the text unchanged."""
    field_map = card_field_map(ctx)
    nonempty = frozenset(nonempty_fields(field_map))

    try:
        q_nodes = parse_template(ctx.question_template)
        q_parts = render_side(q_nodes, SideContext(field_map, nonempty, ctx.card_ord, True))
    except TemplateError as error:
        return _error_card(error, question_side=True, browser=ctx.browser)

    blank: str | None = None
    if ctx.is_cloze:
        numbers: set[int] = set()
        for value in field_map.values():
            numbers |= cloze_numbers_in_string(value)
        if ctx.card_ord + 1 not in numbers:
            blank = missing_cloze_html(ctx.card_ord + 1)
    elif not ctx.browser and not renders_with_fields(q_nodes, nonempty):
        blank = blank_front_html()

    a_parts: list[Part]
    if blank is not None:
        # The answer template is not rendered at all; both sides show the message.
        q_parts.append(blank)
        a_parts = [blank]
    else:
        try:
            a_nodes = parse_template(ctx.answer_template)
            a_parts = render_side(a_nodes, SideContext(field_map, nonempty, ctx.card_ord,
                                                       False))
        except TemplateError as error:
            return _error_card(error, question_side=False, browser=ctx.browser)

    question, q_tags = extract_av_tags(_finish(q_parts, field_filter, None), True)
    answer, a_tags = extract_av_tags(_finish(a_parts, field_filter, question), False)
    return RenderedCard(question, answer, q_tags, a_tags)


def _finish(parts: Sequence[Part], field_filter: FieldFilter | None,
            front_side: str | None) -> str:
    """Join the parts, running pending filters through `field_filter`."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        text = part.text
        if part.field_name == "FrontSide" and front_side is not None:
            text = front_side
        for name in part.filters:
            result = field_filter(name, text, part.field_name) if field_filter else None
            if result is not None:
                text = result
        out.append(text)
    return "".join(out)


def _error_card(error: TemplateError, question_side: bool, browser: bool) -> RenderedCard:
    html = template_error_html(error, question_side, browser)
    return RenderedCard(html, html, (), (),
                        error=f"{error_header(question_side, browser)} {error.message}")
