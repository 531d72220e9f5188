"""Collection hooks: a collection has been opened, a collection is about to close."""

from __future__ import annotations

from typing import TYPE_CHECKING

from repetend.hooks.markers import hookspec

if TYPE_CHECKING:
    from repetend.core.collection import Collection


@hookspec
def collection_did_open(col: Collection) -> None:
    """A collection has been opened and is ready to read and write.

    A notification: use it to load add-on data kept in the collection or to check it.

    :param col: the open collection.

    When it is called: each time a collection is opened, for example at start-up and after
    switching profiles.
    """


@hookspec
def collection_will_close(col: Collection) -> None:
    """A collection is about to close; it can still be read and written.

    A notification: save add-on data that belongs in the collection here, not in
    `app_will_stop`, which may run after the collection is gone.

    :param col: the collection that is closing.

    When it is called: before each close, for example when switching profiles or exiting.
    """
