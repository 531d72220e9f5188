"""One running Repetend: a profile, its open collection, and the plugins wired into it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from repetend.core.cards import Card
from repetend.core.collection import Collection
from repetend.core.errors import RepetendError
from repetend.host.addons import LoadedAddons, load_addons
from repetend.host.plugins import PluginError, PluginHost
from repetend.host.profiles import Profile, ProfileManager, default_base

SAFE_MODE_ENV = "REPETEND_SAFE_MODE"
#: Built-ins that run the user's own code, left out in safe mode: the scheduling scripts.
SAFE_MODE_DISABLED = ("builtin.scripts",)


def _report_plugin_error(error: PluginError) -> None:
    print(f"repetend: {error}", file=sys.stderr)


def _report_notice(message: str) -> None:
    print(f"repetend: {message}", file=sys.stderr)


class Host:
    """Starts plugins, opens a profile's collection and closes both in order.

    Use as a context manager: `with Host(base, profile) as host: host.col ...`.
    """

    def __init__(self, base: Path | None = None, profile: str | None = None,
                 safe_mode: bool = False, *, disabled_addons: Iterable[str] = (),
                 quarantine: bool = True) -> None:
        self.profiles = ProfileManager(base or default_base())
        self.safe_mode = safe_mode or os.environ.get(SAFE_MODE_ENV) == "1"
        # Resolve the profile before anything is created, so a wrong name changes nothing.
        self.profile: Profile = (self.profiles.get(profile) if profile
                                 else self.profiles.default())
        self.plugins = PluginHost(on_error=_report_plugin_error,
                                  disabled=SAFE_MODE_DISABLED if self.safe_mode else ())
        self.col: Collection | None = None
        #: Add-ons not to load this run (--disable-addon), and whether a crash while one
        #: starts quarantines it (off with --no-quarantine): see repetend.host.addons.
        self.disabled_addons = tuple(disabled_addons)
        self.quarantine = quarantine
        self.addons: LoadedAddons | None = None
        #: Set after a backup is restored: no automatic backups until the profile reopens.
        self.backups_paused = False

    def open(self) -> Host:
        # After the built-ins (registered by PluginHost), so add-ons run first.
        self.addons = load_addons(
            self.plugins, self.profile.addons_folder, safe_mode=self.safe_mode,
            disabled=self.disabled_addons, quarantine=self.quarantine,
            on_error=_report_plugin_error, notify=_report_notice)
        col = Collection(self.profile.collection_path)
        self.plugins.attach(col)
        if self.safe_mode:
            _report_skipped_scripts(col)
        if col.callbacks.scheduling_did_answer is None:
            col.callbacks.scheduling_did_answer = (
                lambda col, card, button: self.plugins.scheduling_did_answer(card, button, col))
        self.col = col
        self.profiles.set_last(self.profile.name)
        with self.addons.starting():  # a crash in here quarantines the add-on running
            self.plugins.app_did_start(self)
            self.plugins.collection_did_open(col)
        return self

    @property
    def backup_folder(self) -> Path:
        return self.profile.folder / "backups"

    def backup(self, force: bool = False) -> Path | None:
        """A backup of the open collection into the profile's backups folder (core.backups);
        None when skipped, or while paused after restoring a backup (as Anki does)."""
        from repetend.core.backups import create_backup

        if self.col is None or (self.backups_paused and not force):
            return None
        return create_backup(self.col, self.backup_folder, force=force)

    def backup_now(self) -> tuple[Path | None, str | None]:
        """File → Create Backup and `repetend backup`: a forced backup, however recent the
        last one; (None, why) when none is made (an unchanged collection)."""
        from repetend.core.backups import skip_reason

        if self.col is None:
            return None, "no collection is open"
        reason = skip_reason(self.col, self.backup_folder, force=True)
        return (None, reason) if reason else (self.backup(force=True), None)

    def backup_before_repair(self) -> tuple[Path | None, str | None]:
        """As Anki: a forced backup before Check Database repairs. A collection too damaged
        to copy is still checked (the check says what is wrong), so a failed backup is
        returned as its message (the backup, or None, and the error, or None), not raised."""
        import sqlite3

        try:
            return self.backup(force=True), None
        except (OSError, RepetendError, sqlite3.DatabaseError) as exc:
            return None, str(exc)

    def close(self, backup: bool = False) -> None:
        """Close the collection; with `backup` (the GUI closing a profile, not each CLI
        command) save a backup first if it changed; a failing backup never stops closing."""
        if self.col is not None:
            if backup and not self.backups_paused:
                try:
                    self.backup(force=True)
                except (OSError, RepetendError) as exc:
                    _report_notice(f"the backup on closing failed: {exc}")
            self.plugins.collection_will_close(self.col)
            self.col.close()
            self.col = None
        self.plugins.app_will_stop(self)

    def __enter__(self) -> Host:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def render(self, card: Card) -> dict[str, Any]:
        """A card as the reviewer shows it: rendered, then passed through `card_will_show`."""
        assert self.col is not None
        out = self.col.render_card(card)
        nt = self.col.notetypes.get(self.col.get_note(card.nid).ntid)
        return {
            "id": card.id,
            "question": self.plugins.card_will_show(out.question, card, "question"),
            "answer": self.plugins.card_will_show(out.answer, card, "answer"),
            "question_av_tags": [_av_json(t) for t in out.question_av_tags],
            "answer_av_tags": [_av_json(t) for t in out.answer_av_tags],
            "css": nt.css,
            "error": out.error,
        }


def _report_skipped_scripts(col: Collection) -> None:
    from repetend.plugins.scripts.store import enabled_count

    count = enabled_count(col)
    if count:
        _report_notice(f"safe mode: {count} custom scheduling script(s) not run; answers use "
                       "the scheduler's own intervals")


def _av_json(tag: object) -> dict[str, Any]:
    if hasattr(tag, "filename"):
        return {"kind": "sound", "filename": tag.filename}
    return {"kind": "tts", "text": tag.text, "lang": tag.lang, "voices": list(tag.voices),
            "speed": tag.speed}
