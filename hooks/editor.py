"""Note editing hooks: a note is about to be shown in the editor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from repetend.hooks.markers import hookspec

if TYPE_CHECKING:
    from repetend.core.collection import Collection
    from repetend.core.notes import Note


@hookspec
def editor_will_load_note(note: Note, col: Collection) -> None:
    """A note is about to be shown in the editor; change what the editor shows in place.

    An implementation may change the note's fields and tags, e.g. fill an empty field with
    a default. It returns nothing: the note object is the value. Changes are saved only if
    the user saves the note (then `note_will_be_added` or `note_will_be_saved` runs). If an
    implementation raises, the error is recorded against it and the note is still shown,
    with the changes it made before raising.

    :param note: the note, new (id 0, from the Add window) or existing (from the browser).
    :param col: the collection the note belongs to.

    When it is called: each time the Add window or the browser's editor loads a note.
    """
