"""Render a parsed template for one side of a card, leaving add-on filters pending.

Like Anki's partial rendering: built-in filters run here; a replacement whose filter chain
reaches a filter that is not built in becomes a `Pending` part, finished later by the
caller's `field_filter`. `{{FrontSide}}` is also left pending so the answer can embed the
question exactly as it was finally shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from repetend.core.template.errors import FieldNotFound, NoSuchConditional
from repetend.core.template.filters import FilterContext, apply_filters
from repetend.core.template.parser import (
    Comment,
    Conditional,
    Node,
    Replacement,
    Text,
    is_cloze_conditional,
)


@dataclass(frozen=True)
class Pending:
    """A replacement still to finish: `filters` go to the add-on filter in order."""

    field_name: str
    text: str
    filters: tuple[str, ...]


Part = str | Pending


@dataclass(frozen=True)
class SideContext:
    """The field map and card facts one side renders with."""

    fields: Mapping[str, str]
    nonempty: frozenset[str]
    card_ord: int
    question_side: bool


def render_side(nodes: Sequence[Node], ctx: SideContext) -> list[Part]:
    """Render `nodes`; raises a `TemplateError` for unknown fields, even inside conditionals
    that are false (their output is discarded, their errors are not)."""
    parts: list[Part] = []
    _render_into(parts, nodes, ctx)
    return parts


def _render_into(parts: list[Part], nodes: Sequence[Node], ctx: SideContext) -> None:
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, Comment):
            parts.append(f"<!--{node.text}-->")
        elif isinstance(node, Replacement):
            _render_replacement(parts, node, ctx)
        else:
            shown = _evaluate(node, ctx)
            _render_into(parts if shown else [], node.children, ctx)


def _render_replacement(parts: list[Part], node: Replacement, ctx: SideContext) -> None:
    if node.key == "FrontSide":
        # Filters on FrontSide are ignored; on the question side it renders empty.
        parts.append(Pending("FrontSide", "", ()))
        return
    if node.key == "" and node.filters:
        # `{{tts-voices:}}`: no field; the (add-on) filters supply the text.
        parts.append(Pending("", "", node.filters))
        return
    if node.key not in ctx.fields:
        raise FieldNotFound(node.key, node.written_filters())
    filter_ctx = FilterContext(ctx.card_ord, ctx.question_side)
    text, remaining = apply_filters(ctx.fields[node.key], node.filters, node.key, filter_ctx)
    parts.append(Pending(node.key, text, remaining) if remaining else text)


def _evaluate(node: Conditional, ctx: SideContext) -> bool:
    if node.key in ctx.nonempty:
        present = True
    elif node.key in ctx.fields or is_cloze_conditional(node.key):
        present = False
    else:
        raise NoSuchConditional(("^" if node.negated else "#") + node.key)
    return present != node.negated
