"""Reviewer hooks: what the study screen shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from repetend.hooks.markers import hookspec

if TYPE_CHECKING:
    from repetend.core.cards import Card

#: Which side of a card is being shown.
Side = Literal["question", "answer"]


@hookspec
def card_will_show(html: str, card: Card, side: Side) -> str:
    """Change the HTML of a card side before it is shown; return the HTML to show.

    A filter: each implementation receives the HTML returned by the one before it and
    returns new HTML (return `html` unchanged to leave it alone). Add-ons run before
    built-ins. If an implementation raises or returns something other than a string, the
    error is recorded against it and the HTML from before it is passed on.

    Anki's `card_will_show(text, card, kind)` filter passes a `kind` string such as
    "reviewQuestion"; here `side` says only which side it is.

    :param html: the rendered side, after the built-in steps that ran before this one.
    :param card: the card being shown.
    :param side: "question" or "answer".
    :returns: the HTML to show.

    When it is called: each time the reviewer shows a question or an answer.
    """
