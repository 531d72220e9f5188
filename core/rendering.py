"""Rendering a stored card: its note, note type and deck fed to the template engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from repetend.core.cards import Card
from repetend.core.errors import NotFoundError
from repetend.core.template import CardRenderContext, RenderedCard, render_card

if TYPE_CHECKING:
    from repetend.core.collection import Collection


def render_stored_card(col: Collection, card: Card, browser: bool = False) -> RenderedCard:
    """Question and answer HTML plus audio references, as Anki renders the card."""
    note = col.get_note(card.nid)
    nt = col.notetypes.get(note.ntid)
    template = nt.templates[0] if nt.is_cloze else nt.templates[min(card.ord,
                                                                     len(nt.templates) - 1)]
    try:
        deck_name = col.decks.get(card.home_deck_id).name
    except NotFoundError:
        deck_name = "(Deck)"
    front, back = template.front, template.back
    if browser:
        front = template.browser_front or front
        back = template.browser_back or back
    ctx = CardRenderContext(
        question_template=front, answer_template=back, fields=dict(note.items()),
        card_ord=card.ord, is_cloze=nt.is_cloze, notetype_name=nt.name,
        template_name=template.name, deck_name=deck_name, tags=tuple(note.tags),
        card_flag=card.user_flag, card_id=card.id, browser=browser,
    )
    return render_card(ctx, field_filter=col.callbacks.field_filter)
