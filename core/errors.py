"""The errors the engine raises. Each message names the problem in one line."""

from __future__ import annotations


class RepetendError(Exception):
    """Base class for every error Repetend reports to a user."""


class CollectionError(RepetendError):
    """The collection file is missing, unreadable, corrupt or too new."""


class NotFoundError(RepetendError):
    """A deck, note type, note, card or profile does not exist."""


class InvalidInput(RepetendError):
    """A value given by the user or an add-on is not acceptable."""


class NothingToUndo(RepetendError):
    """Undo or redo was asked for with an empty history."""
