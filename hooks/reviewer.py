"""Reviewer hooks: what the study screen shows and which answer buttons it offers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from repetend.hooks.markers import hookspec

if TYPE_CHECKING:
    from repetend.core.cards import Card

#: Which side of a card is being shown.
Side = Literal["question", "answer"]

#: One answer button: the ease it answers with (1 Again, 2 Hard, 3 Good, 4 Easy) and its label.
AnswerButton = tuple[int, str]

#: The buttons the reviewer offers when none of the add-ons change them.
DEFAULT_ANSWER_BUTTONS: tuple[AnswerButton, ...] = (
    (1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy"))


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


@hookspec
def reviewer_did_show_question(card: Card) -> None:
    """The reviewer is showing a card's question.

    A notification: use it to start a timer, play something or log; the HTML is already
    final (change it in `card_will_show`).

    :param card: the card whose question is shown.

    When it is called: each time a question is shown, after `card_will_show`.
    """


@hookspec
def reviewer_did_show_answer(card: Card) -> None:
    """The reviewer is showing a card's answer.

    A notification, as `reviewer_did_show_question` is for the question side.

    :param card: the card whose answer is shown.

    When it is called: each time an answer is shown, after `card_will_show`.
    """


@hookspec
def reviewer_will_init_answer_buttons(buttons: tuple[AnswerButton, ...],
                                      card: Card) -> tuple[AnswerButton, ...]:
    """Choose the answer buttons offered for a card; return the buttons to show.

    A filter, as Anki's hook of the same name: each implementation receives the buttons
    returned by the one before it, `((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy"))`
    to begin with, and may drop buttons, reorder them or relabel them. Eases are 1–4, each
    at most once, and at least one button must remain; a result that breaks these rules is
    an error recorded against the implementation, and the buttons from before it are used.
    The interval shown above each button comes from the card's next states, not the label.

    :param buttons: (ease, label) pairs, in the order they are shown.
    :param card: the card the buttons will answer.
    :returns: the buttons to show.

    When it is called: each time the reviewer shows an answer, before the buttons appear.
    """
