"""Scheduling hooks: the next states of a card before an answer is committed, and the answer.

The scheduler computes the four states the answer buttons would lead to (Anki's
`SchedulingStates`: `current`, `again`, `hard`, `good`, `easy`; ANKI-FACTS §2). Between
computing and committing, `scheduling_will_answer` may replace them; the user's custom
scheduling scripts (the built-in `builtin.scripts`, a `trylast` implementation) run after
the add-ons and see their result (ARCHITECTURE.md, "The path of an answer").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from repetend.hooks.markers import hookspec

if TYPE_CHECKING:
    from repetend.core.cards import Card
    from repetend.core.collection import Collection
    from repetend.core.scheduler import SchedulingStates


@hookspec
def scheduling_will_answer(states: SchedulingStates, card: Card,
                           col: Collection) -> SchedulingStates:
    """Inspect or replace the next states of a card before the answer is committed.

    A filter: each implementation receives the states returned by the one before it and
    returns the states to use (return `states` to leave them alone). The states are frozen;
    build changed ones with `dataclasses.replace`, e.g. cap the interval `good` leads to.
    Only `again`, `hard`, `good` and `easy` may change: `current` is the card's state as
    stored and must come back equal. `states.custom_data` (button name → JSON object text,
    Anki's per-state `customData`) sets what the card's custom data becomes when that button
    is pressed; a button not listed keeps the card's.

    Returned states are checked before they are passed on, by the rules the engine applies
    before it commits states (`repetend.core.scheduler.validation`, after Anki's, ANKI-FACTS
    §2.3): a `SchedulingStates` (or its camelCase JSON, as Anki's custom scheduling edits
    it), `current` unchanged, whole non-negative numbers where Anki has unsigned integers,
    no filtered state for a card outside a filtered deck, and custom data Anki would accept
    (a JSON object, keys of at most 8 bytes, at most 100 bytes). A result that fails is an
    error recorded against the implementation, and the states from before it are used.
    The answer buttons show intervals from the final states, and the chosen one is stored.

    It does not know which button will be pressed. It runs when the card is shown (the
    buttons show its result, and those states are committed) and again at commit only when
    the caller answers without passing the shown states back, so return the same states for
    the same arguments.

    :param states: the current state and the four next states, as the scheduler computed
        them, changed by the implementations before this one.
    :param card: the card being answered, as stored (do not change it).
    :param col: the collection the card belongs to, e.g. to read the deck's name or options.
    :returns: the states to use.

    When it is called: before each answer is committed, after the scheduler has computed
    the next states and before any user scheduling script; and wherever the intervals the
    buttons will show are computed, as Anki runs its custom scheduling when a question is
    shown (ANKI-FACTS §2.2).
    """


@hookspec
def scheduling_did_answer(card: Card, button: int, col: Collection) -> None:
    """A card has been answered and the answer is committed.

    A notification: the card already holds its new scheduling state and the review log has
    its row. Changes made to `card` here are not saved; write through `col` in an operation
    of your own if you must (it becomes its own undo step).

    :param card: the card after the answer, as stored.
    :param button: the button pressed: 1 Again, 2 Hard, 3 Good, 4 Easy.
    :param col: the collection the card belongs to.

    When it is called: once per answer, after the "Answer Card" operation has committed;
    not when an answer is undone.
    """
