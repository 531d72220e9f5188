"""Profile hooks: a profile has been opened, a profile is about to close.

A profile is one user's folder: collection, media, add-ons and settings. Collection hooks
(`collection_did_open`, `collection_will_close`) run inside these.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from repetend.hooks.markers import hookspec


class ProfileInfo(Protocol):
    """What the profile hooks may rely on (the host's profile object has more)."""

    #: The profile's name, e.g. "User 1".
    name: str
    #: Its folder: the collection, `collection.media/` and `addons/` live in it.
    folder: Path


@hookspec
def profile_did_open(profile: ProfileInfo) -> None:
    """A profile has been opened; its collection is open too.

    A notification: read settings the add-on keeps per profile (e.g. in `profile.folder`).

    :param profile: the profile that opened.

    When it is called: at start-up and after switching profiles, after
    `collection_did_open`.
    """


@hookspec
def profile_will_close(profile: ProfileInfo) -> None:
    """A profile is about to close; its collection is still open.

    A notification: write per-profile settings here.

    :param profile: the profile that is closing.

    When it is called: when switching profiles and at exit, before `collection_will_close`.
    """
