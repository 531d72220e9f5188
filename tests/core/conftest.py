"""Fixtures for engine tests: a fresh collection file in a temporary folder."""

import pytest

from repetend.core.collection import Collection


@pytest.fixture
def col(tmp_path):
    collection = Collection(tmp_path / "collection.db")
    yield collection
    collection.close()


@pytest.fixture
def add(col):
    """add(notetype_name, *values, deck="Default", tags=()) -> note"""

    def _add(notetype, *values, deck="Default", tags=()):
        note = col.new_note(notetype)
        note.fields = list(values)
        note.tags = list(tags)
        col.add_note(note, col.decks.id(deck))
        return note

    return _add
