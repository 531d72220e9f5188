"""Rendering a stored card: its note, note type and deck fed to the template engine."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from repetend.core.cards import Card
from repetend.core.errors import NotFoundError
from repetend.core.template import CardRenderContext, RenderedCard, render_card
from repetend.core.template.latex import render_latex

if TYPE_CHECKING:
    from repetend.core.collection import Collection
    from repetend.core.notetypes import NoteType


def render_stored_card(col: Collection, card: Card, browser: bool = False,
                       latex: bool = True) -> RenderedCard:
    """Question and answer HTML plus audio references, as Anki renders the card: LaTeX as its
    images (`latex`), except in the browser's table (`browser`), whose cells Anki renders
    without them, as it writes them in a card text export."""
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
    rendered = render_card(ctx, field_filter=col.callbacks.field_filter)
    return with_latex_images(col, nt, rendered) if latex and not browser else rendered


def with_latex_images(col: Collection, nt: NoteType, rendered: RenderedCard) -> RenderedCard:
    """Both sides with their LaTeX tags as the images Anki generated (in the media folder),
    as Anki's LaTeX hook changes every rendered card it shows."""

    def have(name: str) -> bool:
        return (col.media_folder / name).is_file()

    return dataclasses.replace(rendered,
                               question=render_latex(rendered.question, nt.latex_svg, have),
                               answer=render_latex(rendered.answer, nt.latex_svg, have))
