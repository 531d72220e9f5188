"""Profiles under a base folder, and the sample deck of a new profile."""

import pytest

from repetend.core.collection import Collection
from repetend.core.errors import InvalidInput, NotFoundError
from repetend.host.profiles import ProfileManager


def test_default_profile_is_created_once_with_sample_notes(tmp_path):
    profiles = ProfileManager(tmp_path)
    profile = profiles.default()
    assert profile.name == "User 1"
    with Collection(profile.collection_path) as col:
        notetypes = {col.notetypes.get(col.get_note(n).ntid).name for n in col.note_ids()}
        assert 20 <= len(col.note_ids()) <= 25
        assert {"Basic", "Basic (and reversed card)", "Basic (type in the answer)", "Cloze",
                "Arabic Vocabulary"} <= notetypes
        assert col.undo_name() is None  # the sample is not an undoable step of the user
    assert profiles.default() == profile
    assert profiles.names() == ["User 1"]


def test_last_used_profile_is_the_default(tmp_path):
    profiles = ProfileManager(tmp_path)
    profiles.create("A", with_sample=False)
    profiles.create("B", with_sample=False)
    profiles.set_last("B")
    assert profiles.default().name == "B"


def test_missing_profile_names_the_known_ones(tmp_path):
    profiles = ProfileManager(tmp_path)
    profiles.create("Mine", with_sample=False)
    with pytest.raises(NotFoundError, match="no profile called 'Other'.*'Mine'"):
        profiles.get("Other")


@pytest.mark.parametrize("name", ["", "a/b", "..", ".hidden"])
def test_bad_profile_names_are_refused(tmp_path, name):
    with pytest.raises(InvalidInput):
        ProfileManager(tmp_path).create(name)
