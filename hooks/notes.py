"""Note hooks: a note is about to be added or saved, a new note has been added."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from repetend.hooks.markers import hookspec

if TYPE_CHECKING:
    from repetend.core.cards import Card
    from repetend.core.collection import Collection
    from repetend.core.notes import Note


@hookspec
def note_will_be_added(col: Collection, note: Note, deck_id: int) -> None:
    """A new note is about to be saved; change it in place before it is.

    An implementation may change the note's fields and tags (for example fill a field
    from another, or add a tag). It returns nothing: the note object is the value.
    If an implementation raises, the error is recorded against it and the note is still
    added; changes it made before raising are kept, since the note is not copied.

    :param col: the collection the note is being added to.
    :param note: the new note, not yet saved.
    :param deck_id: the deck its cards will go to.

    When it is called: once per note added through the collection (editor, import and
    add-ons alike), before the note and its cards are saved.
    """


@hookspec
def note_did_add(col: Collection, note: Note, cards: Sequence[Card]) -> None:
    """A new note and its cards have been saved.

    A notification: changes made to `note` or `cards` here are not saved by the caller.

    :param col: the collection the note was added to.
    :param note: the saved note.
    :param cards: the cards generated for it, possibly none.

    When it is called: after each note added through the collection has been saved.
    """


@hookspec
def note_will_be_saved(col: Collection, note: Note) -> None:
    """Changes to an existing note are about to be saved; change it in place before they are.

    As `note_will_be_added` is for new notes: an implementation may change the note's
    fields and tags and returns nothing. If it raises, the error is recorded against it and
    the note is still saved, with the changes it made before raising.

    :param col: the collection the note belongs to.
    :param note: the note with the user's changes, not yet saved.

    When it is called: once per save of an existing note (editor, browser, find and replace
    and add-ons alike), inside the operation that saves it.
    """
