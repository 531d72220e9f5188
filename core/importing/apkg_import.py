"""Importing an Anki deck package (.apkg) into a collection, as current Anki does.

Matching (ANKI-FACTS §7.3): note types by id (same shape → updated per policy; changed
shape → a copy with a `+` name, and notes of the old shape are "conflicting"), notes by
guid (updated per policy: if newer / always / never), decks by name (a normal/filtered
clash gets `"<name> <timestamp>"`), presets by id, media by name and SHA-1 (a different
file with a taken name becomes `<stem>-<sha1>.<ext>` and field references follow).

Everything happens in one `col.op("Import")`. Media are unpacked into a staging folder
beside the media folder and moved in only when the database work has succeeded; if
anything fails, moved files are taken back out and the transaction is rolled back, so
the collection and its media folder are exactly as before.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repetend.core import rows, undo
from repetend.core.cards import TYPE_LEARN, TYPE_NEW, TYPE_RELEARN, TYPE_REVIEW
from repetend.core.dbcheck import fix_field_count
from repetend.core.deckconfig import DEFAULT_CONFIG_ID
from repetend.core.decks import (
    DECK_FILTERED,
    DECK_NORMAL,
    SEPARATOR,
    Deck,
    fold,
    normalize_name,
)
from repetend.core.errors import InvalidInput
from repetend.core.ids import next_id
from repetend.core.importing import ankidb, bulk, fieldtext, media
from repetend.core.importing.package import Package, PackageError, open_package
from repetend.core.importing.summary import ImportSummary
from repetend.core.notes import FIELD_SEPARATOR, canonical_tags, str_to_tags, tags_to_str
from repetend.core.notetypes import NoteType
from repetend.core.scheduler.config import FSRS_NOTICE
from repetend.core.text import field_checksum

if TYPE_CHECKING:
    from repetend.core.collection import Collection

UPDATE_POLICIES = ("if_newer", "always", "never")
Progress = Callable[[str, int, int], None]
#: Rows gathered before they are written (one bulk insert, one undo statement, each).
BULK_ROWS = 50_000
NOTE_COLUMNS = ("id", "guid", "ntid", "mtime", "usn", "tags", "flds", "sfld", "csum", "flags",
                "data")
CARD_COLUMNS = ("id", "nid", "did", "ord", "mtime", "usn", "type", "queue", "due", "ivl",
                "factor", "reps", "lapses", "left", "odue", "odid", "flags", "data")
REVLOG_COLUMNS = ("id", "cid", "usn", "ease", "ivl", "last_ivl", "factor", "time", "type")
#: Schema name of the package's collection while it is attached to ours.
SRC = "import_src"
#: Temporary tables of the SQL path (dropped at the end of the operation).
TEMP_TABLES = {
    "import_note_map": "src INTEGER PRIMARY KEY, nid INTEGER NOT NULL, ntid INTEGER NOT NULL",
    "import_notetype": "ntid INTEGER PRIMARY KEY, templates INTEGER NOT NULL, "
                       "cloze INTEGER NOT NULL",
    "import_deck": "src INTEGER PRIMARY KEY, did INTEGER NOT NULL",
    "import_cards": "id INTEGER PRIMARY KEY",
}


@dataclass
class ImportOptions:
    #: update existing notes (matched by guid): "if_newer", "always" or "never"
    update_notes: str = "if_newer"
    #: update existing note types (matched by id): "if_newer", "always" or "never"
    update_notetypes: str = "if_newer"
    #: keep cards' scheduling and the review log (else every card arrives as new)
    with_scheduling: bool = True
    #: import the package's deck option presets
    with_deck_configs: bool = True
    #: a note type whose fields or templates changed in the package is merged into ours
    #: (fields and templates of both kept) instead of being added as a `+` copy
    merge_notetypes: bool = False
    #: put every imported card in this deck instead of the package's decks
    deck: str | None = None
    #: do everything, report it, then roll it all back
    dry_run: bool = False
    #: "now" in epoch seconds (tests); None means the clock
    now: int | None = None

    def check(self) -> None:
        for name in ("update_notes", "update_notetypes"):
            value = getattr(self, name)
            if value not in UPDATE_POLICIES:
                raise InvalidInput(f"{name.replace('_', ' ')} must be one of "
                                   f"{', '.join(UPDATE_POLICIES)}, not {value!r}")


class _DryRun(Exception):
    """Raised inside the operation to roll a dry run back."""


def import_apkg(col: Collection, path: str | Path, options: ImportOptions | None = None,
                progress: Progress | None = None) -> ImportSummary:
    """Import the package at `path` into `col`; returns what happened."""
    options = options or ImportOptions()
    options.check()
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="repetend-import-") as tmp, \
            open_package(path) as pkg:
        db_path = Path(tmp) / "collection.db"
        pkg.extract_collection(db_path)
        src = ankidb.open_collection(db_path, f"{path.name}: {pkg.collection_entry}")
        try:
            with _attached(col, db_path) as attached:
                return _Importer(col, pkg, src, options, progress, attached=attached).run()
        finally:
            src.close()


def import_colpkg(col: Collection, path: str | Path, backup_folder: str | Path | None = None,
                  progress: Progress | None = None, dry_run: bool = False) -> ImportSummary:
    """Replace everything in `col` with the collection in the .colpkg at `path`.

    Note types, decks, presets, notes, cards, review log, tags and collection config
    (the custom scheduling script `cardStateCustomizer` included) come from the package
    with their ids and day numbers; all its media are written into the media folder
    (files already there are kept unless the package has a different file of that name).
    With `backup_folder`, the current collection is first saved there as
    `backup-<date>.colpkg` (without media, as Anki's automatic backups). One undoable
    operation ("Import Collection"); on any failure nothing changes.
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="repetend-import-") as tmp, \
            open_package(path) as pkg:
        db_path = Path(tmp) / "collection.db"
        pkg.extract_collection(db_path)
        src = ankidb.open_collection(db_path, f"{path.name}: {pkg.collection_entry}")
        try:
            summary = None
            if backup_folder is not None and not dry_run:
                from repetend.core.backups import create_backup, latest_backup

                # Unchanged since the newest backup: that one already holds it.
                backup = (create_backup(col, backup_folder, force=True)
                          or latest_backup(backup_folder))
            options = ImportOptions(update_notes="always", update_notetypes="always",
                                    dry_run=dry_run)
            with _attached(col, db_path) as attached:
                summary = _Importer(col, pkg, src, options, progress, replace=True,
                                    attached=attached).run()
            if backup_folder is not None and not dry_run:
                summary.warnings.append(f"the previous collection was saved as {backup}")
            if src.config.get("fsrs"):
                summary.warnings.append(FSRS_NOTICE)
            return summary
        finally:
            src.close()


@contextmanager
def _attached(col: Collection, path: Path) -> Iterator[bool]:
    """The package's collection attached to ours as `SRC`, so cards and review log can be
    copied by INSERT … SELECT; not possible inside an open transaction (an enclosing
    operation), where everything goes through Python instead."""
    if col.db.in_transaction:
        yield False
        return
    col.db.execute(f"ATTACH DATABASE ? AS {SRC}", (str(path),))
    try:
        yield True
    finally:
        col.db.execute(f"DETACH DATABASE {SRC}")


def _policy_allows(policy: str, incoming: int, existing: int) -> bool:
    if policy == "always":
        return incoming != existing
    if policy == "if_newer":
        return incoming > existing
    return False


def _same_shape(ours: NoteType, theirs: NoteType) -> bool:
    """Same number of fields and templates, each matching by Anki id (else by name)."""
    if ours.kind != theirs.kind or len(ours.fields) != len(theirs.fields) \
            or len(ours.templates) != len(theirs.templates):
        return False
    pairs: list[tuple[Any, Any]] = [*zip(ours.fields, theirs.fields, strict=True),
                                    *zip(ours.templates, theirs.templates, strict=True)]
    for a, b in pairs:
        if a.anki_id is not None and b.anki_id is not None:
            if a.anki_id != b.anki_id:
                return False
        elif a.name.casefold() != b.name.casefold():
            return False
    return True


def _queue_for(card_type: int, due: int) -> int:
    if card_type == TYPE_NEW:
        return 0
    if card_type in (TYPE_LEARN, TYPE_RELEARN):
        return 1 if due > 1_000_000_000 else 3
    return 2


class _Importer:
    def __init__(self, col: Collection, pkg: Package, src: ankidb.SourceCollection,
                 options: ImportOptions, progress: Progress | None,
                 replace: bool = False, attached: bool = False) -> None:
        #: .colpkg: the package replaces everything (ids, config, day numbers kept)
        self.replace = replace
        #: the package's collection is attached to ours as SRC (cards and review log can
        #: then be copied in SQL when nothing needs Python's per-row handling)
        self.attached = attached
        self.cards_by_sql = False
        self.matched_notes = 0  # package notes matched with notes we had (they may have cards)
        self.col, self.db, self.pkg, self.src, self.opt = col, col.db, pkg, src, options
        self.progress = progress or (lambda stage, done, total: None)
        self.summary = ImportSummary(file=pkg.path.name, dry_run=options.dry_run)
        self.now = options.now if options.now is not None else int(time.time())
        self.nt_map: dict[int, int] = {}          # package ntid → our ntid
        self.nt_field_count: dict[int, int] = {}  # our ntid → fields
        self.nt_template_count: dict[int, tuple[int, bool]] = {}
        self.nt_sort_field: dict[int, int] = {}
        self.deck_map: dict[int, int] = {}        # package did → our did
        self.deck_kinds: dict[int, int] = {}      # our did → kind
        self.config_map: dict[int, int] = {DEFAULT_CONFIG_ID: DEFAULT_CONFIG_ID}
        self.note_map: dict[int, int] = {}        # package nid → our nid (cards allowed)
        self.note_ntid: dict[int, int] = {}       # our nid → its note type
        self.note_src_mid: dict[int, int] = {}    # package nid → its package note type
        self.field_remap: dict[int, list[int | None]] = {}  # merged: our field → theirs
        self.template_remap: dict[int, dict[int, int]] = {}  # merged: their ord → ours
        self.card_map: dict[int, int] = {}        # package cid → our cid (new cards)
        self.media_rename: dict[str, str] = {}
        self.media_plan: dict[str, tuple[str, str]] = {}  # our name → (entry index, sha1)
        self.referenced: set[str] = set()
        self.known_tags: dict[str, str] = {}
        self.tag_cache: dict[str, str] = {}
        self.pending_notes: list[tuple[Any, ...]] = []
        self.moved: list[Path] = []
        self.displaced: list[tuple[Path, Path]] = []  # (backup in staging, original place)

    # --- driver --------------------------------------------------------------------------

    def run(self) -> ImportSummary:
        self._plan_media()
        staging = Path(tempfile.mkdtemp(prefix=".import-staging-",
                                        dir=self.col.media_folder.parent))
        try:
            with bulk.gc_paused(), self.col.op("Import Collection" if self.replace
                                               else "Import"):
                if self.replace:
                    self._wipe()
                self._import_deck_configs()
                self._import_decks()
                self._import_notetypes()
                incoming = {table: self.src.count(table) for table in ("notes", "cards")}
                incoming["revlog"] = self.src.count("revlog") if self.opt.with_scheduling else 0
                with bulk.rebuilt_indexes(self.db, incoming):
                    self._import_notes()
                    self._import_cards()
                    if self.opt.with_scheduling:
                        self._import_revlog()
                self._drop_temp_tables()
                if self.opt.dry_run:
                    self._count_media()
                    raise _DryRun
                self._copy_media(staging)
        except _DryRun:
            pass
        except BaseException:
            for moved in self.moved:
                moved.unlink(missing_ok=True)
            for backup, original in self.displaced:
                os.replace(backup, original)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            self.col.notetypes.forget_cache()
        return self.summary

    # --- note types --------------------------------------------------------------------

    def _used_notetypes(self) -> set[int]:
        return {r[0] for r in self.src.db.execute("SELECT DISTINCT mid FROM notes")}

    def _find_ours(self, ntid: int) -> NoteType | None:
        try:
            return self.col.notetypes.get(ntid)
        except Exception:
            return None

    def _wipe(self) -> None:
        """Empty the collection for a .colpkg restore, taking the package's config and crt."""
        for table in ("revlog", "cards", "notes", "fields", "templates", "notetypes", "decks",
                      "deck_configs", "tags", "graves", "config"):
            self.col.history.bulk_delete(table)
        self.db.execute("UPDATE col SET crt = ?", (self.src.crt,))
        config = dict(self.src.config)
        config.setdefault("rollover", 4)
        config.setdefault("schedVer", 2)
        config.setdefault("sched2021", True)
        for key, value in config.items():
            self.col._write_config(key, value)
        self.col.notetypes.forget_cache()
        if DEFAULT_CONFIG_ID not in self.src.deck_configs:
            from repetend.core.deckconfig import DeckConfig

            rows.insert(self.db, "deck_configs", self.col._deck_config_row(
                DeckConfig(id=DEFAULT_CONFIG_ID, name="Default", mtime=self.now)))
        if 1 not in self.src.decks:
            self._insert_deck(Deck("Default", id=1))
            self.summary.decks_added.pop()
        for tag, info in self.src.tags.items():
            self.db.execute("INSERT OR IGNORE INTO tags (tag, collapsed) VALUES (?, ?)",
                            (tag, int(bool(info.get("collapsed")))))

    def _import_notetypes(self) -> None:
        used = set(self.src.notetypes) if self.replace else self._used_notetypes()
        for src_id in sorted(self.src.notetypes):
            if src_id not in used:
                continue
            theirs = self.src.notetypes[src_id]
            ours = self._find_ours(src_id)
            if ours is not None and _same_shape(ours, theirs):
                self._maybe_update_notetype(ours, theirs)
                target = ours.id
            elif ours is not None and self.opt.merge_notetypes:
                target = self._merge_notetype(ours, theirs)
            else:
                copy = None
                if ours is not None:
                    copy = next((nt for nt in self.col.notetypes.all()
                                 if nt.original_id == src_id and nt.id != src_id
                                 and _same_shape(nt, theirs)), None)
                if copy is not None:
                    self._maybe_update_notetype(copy, theirs)
                    target = copy.id
                else:
                    target = self._add_notetype(theirs, keep_id=ours is None)
            self.nt_map[src_id] = target
            nt = self.col.notetypes.get(target)
            self.nt_field_count[target] = len(nt.fields)
            self.nt_template_count[target] = (len(nt.templates), nt.is_cloze)
            self.nt_sort_field[target] = nt.sort_field

    def _merge_notetype(self, ours: NoteType, theirs: NoteType) -> int:
        """Unite the fields and templates of both versions in ours (ours first, then the
        package's new ones); our notes get empty values for added fields."""
        if ours.kind != theirs.kind:
            raise InvalidInput(f"cannot merge note type {theirs.name!r}: one version is a "
                               "cloze note type and the other is not")

        def match(mine: list[Any], other: Any) -> int | None:
            for i, item in enumerate(mine):
                if item.anki_id is not None and other.anki_id is not None:
                    if item.anki_id == other.anki_id:
                        return i
                elif item.name.casefold() == other.name.casefold():
                    return i
            return None

        merged = NoteType(**{**ours.__dict__})
        merged.fields = [type(f)(**f.__dict__) for f in ours.fields]
        merged.templates = [type(t)(**t.__dict__) for t in ours.templates]
        field_map: list[int | None] = [None] * len(ours.fields)
        for j, f in enumerate(theirs.fields):
            i = match(merged.fields, f)
            if i is None:
                new = type(f)(**f.__dict__)
                while any(x.name.casefold() == new.name.casefold() for x in merged.fields):
                    new.name += "+"
                merged.fields.append(new)
                field_map.append(j)
            else:
                field_map[i] = j
        template_map: dict[int, int] = {}
        for j, t in enumerate(theirs.templates):
            i = match(merged.templates, t)
            if i is None:
                new = type(t)(**t.__dict__)
                while any(x.name.casefold() == new.name.casefold() for x in merged.templates):
                    new.name += "+"
                merged.templates.append(new)
                i = len(merged.templates) - 1
            template_map[j] = i
        added = len(merged.fields) - len(ours.fields)
        if added or len(merged.templates) != len(ours.templates):
            merged.mtime, merged.usn = self.now, -1
            self._write_notetype(merged, insert=False)
            self.summary.notetypes_updated.append(ours.name)
        if added:
            self.db.execute("UPDATE notes SET flds = flds || ?, mtime = ?, usn = -1 "
                            "WHERE ntid = ?", (FIELD_SEPARATOR * added, self.now, ours.id))
        self.field_remap[theirs.id] = field_map
        if not ours.is_cloze:
            self.template_remap[theirs.id] = template_map
        return ours.id

    def _write_notetype(self, nt: NoteType, insert: bool) -> None:
        row = rows.to_row(nt, skip=("fields", "templates"))
        (rows.insert if insert else rows.update)(self.db, "notetypes", row)
        if not insert:
            self.db.execute("DELETE FROM fields WHERE ntid = ?", (nt.id,))
            self.db.execute("DELETE FROM templates WHERE ntid = ?", (nt.id,))
        for i, f in enumerate(nt.fields):
            f.ord = i
            rows.insert(self.db, "fields", {"ntid": nt.id, **rows.to_row(f)})
        for i, t in enumerate(nt.templates):
            t.ord = i
            t.deck_id = self.deck_map.get(t.deck_id, None) if t.deck_id else None
            rows.insert(self.db, "templates", {"ntid": nt.id, **rows.to_row(t)})
        self.col.notetypes.forget_cache()

    def _add_notetype(self, theirs: NoteType, keep_id: bool) -> int:
        nt = NoteType(**{**theirs.__dict__})
        nt.fields = [type(f)(**f.__dict__) for f in theirs.fields]
        nt.templates = [type(t)(**t.__dict__) for t in theirs.templates]
        original_name = nt.name
        nt.name = self.col.notetypes.unique_name(nt.name.replace('"', "").strip() or "Imported")
        if not keep_id:
            nt.original_id = theirs.id
            nt.id = next_id(self.db, "notetypes")
        elif self.db.execute("SELECT 1 FROM notetypes WHERE id = ?", (nt.id,)).fetchone():
            nt.id = next_id(self.db, "notetypes")
        nt.usn = -1
        self._write_notetype(nt, insert=True)
        self.summary.notetypes_added.append(nt.name)
        if nt.name != original_name:
            self.summary.notetypes_renamed[original_name] = nt.name
        return nt.id

    def _maybe_update_notetype(self, ours: NoteType, theirs: NoteType) -> None:
        if not _policy_allows(self.opt.update_notetypes, theirs.mtime, ours.mtime):
            return
        updated = NoteType(**{**theirs.__dict__})
        updated.fields = [type(f)(**f.__dict__) for f in theirs.fields]
        updated.templates = [type(t)(**t.__dict__) for t in theirs.templates]
        updated.id, updated.name = ours.id, ours.name
        updated.original_id = ours.original_id
        updated.usn = -1
        if updated == ours:
            return
        self._write_notetype(updated, insert=False)
        self.summary.notetypes_updated.append(ours.name)

    # --- presets and decks ---------------------------------------------------------------

    def _import_deck_configs(self) -> None:
        if not self.opt.with_deck_configs or self.opt.deck:
            return
        used = {d.config_id for d in self.src.decks.values() if d.kind == DECK_NORMAL}
        for dcid in sorted(self.src.deck_configs):
            if not self.replace and (dcid not in used or dcid == DEFAULT_CONFIG_ID):
                continue
            exists = self.db.execute("SELECT 1 FROM deck_configs WHERE id = ?",
                                     (dcid,)).fetchone()
            if not exists:
                conf = self.src.deck_configs[dcid]
                conf.usn = -1
                rows.insert(self.db, "deck_configs", self.col._deck_config_row(conf))
                self.summary.deck_configs_added.append(conf.name)
            self.config_map[dcid] = dcid

    def _import_decks(self) -> None:
        if self.opt.deck:
            exists = self.col.decks.find(self.opt.deck)
            target = self.col.decks.id(self.opt.deck)
            if not exists:
                self.summary.decks_added.append(normalize_name(self.opt.deck))
            if self.col.decks.get(target).is_filtered:
                raise InvalidInput(f"deck {self.opt.deck!r} is a filtered deck; cards cannot "
                                   "be imported into it")
            self.deck_map = {did: target for did in self.src.decks}
            self.deck_kinds[target] = DECK_NORMAL
            self.default_deck = target
            return
        self.default_deck = 1
        renamed: dict[str, str] = {}
        stamp = str(self.now)
        decks = sorted(self.src.decks.values(),
                       key=lambda d: [p.casefold() for p in d.name.split(SEPARATOR)])
        for deck in decks:
            if deck.kind == DECK_FILTERED and not self.opt.with_scheduling:
                continue
            try:
                name = normalize_name(deck.name)
            except InvalidInput:
                name = f"Imported {deck.id}"
            parts = name.split(SEPARATOR)
            for depth in range(len(parts) - 1, 0, -1):
                prefix = fold(SEPARATOR.join(parts[:depth]))
                if prefix in renamed:
                    name = renamed[prefix] + SEPARATOR + SEPARATOR.join(parts[depth:])
                    break
            name = self._clear_filtered_parents(name, stamp, renamed)
            row = self._existing_deck(name)
            if row is not None and row["kind"] != deck.kind:
                new_name = f"{name} {stamp}"
                renamed[fold(name)] = new_name
                self.summary.decks_renamed[name] = new_name
                name = new_name
                row = self._existing_deck(name)
            if row is not None:
                self.deck_map[deck.id] = row["id"]
                self.deck_kinds[row["id"]] = row["kind"]
                self._merge_deck(rows.from_row(Deck, row), deck)
            else:
                self.deck_map[deck.id] = self._add_deck(deck, name)

    def _existing_deck(self, name: str) -> sqlite3.Row | None:
        """The collection's deck called `name` as Anki compares deck names ("DÉJÀ::VU" is
        "Déjà::Vu"), whole row."""
        found = self.col.decks.find(name)
        return None if found is None else \
            self.db.execute("SELECT * FROM decks WHERE id = ?", (found[0],)).fetchone()

    def _clear_filtered_parents(self, name: str, stamp: str, renamed: dict[str, str]) -> str:
        parts = name.split(SEPARATOR)
        for depth in range(1, len(parts)):
            prefix = SEPARATOR.join(parts[:depth])
            found = self.col.decks.find(prefix)
            if found is not None and found[2] == DECK_FILTERED:
                new_prefix = f"{prefix} {stamp}"
                renamed[fold(prefix)] = new_prefix
                return new_prefix + SEPARATOR + SEPARATOR.join(parts[depth:])
        return name

    def _add_deck(self, deck: Deck, name: str) -> int:
        parts = name.split(SEPARATOR)
        for depth in range(1, len(parts)):
            parent = SEPARATOR.join(parts[:depth])
            found = self.col.decks.find(parent)
            if found is None:
                self._insert_deck(Deck(parent))
            else:  # the existing parent's spelling, as Anki files a child under it
                parts[:depth] = found[1].split(SEPARATOR)
        name = SEPARATOR.join(parts)
        new = Deck(**{**deck.__dict__, "extra": dict(deck.extra)})
        new.name = name
        taken = (new.id == 1 and not self.replace) or self.db.execute(
            "SELECT 1 FROM decks WHERE id = ?", (new.id,)).fetchone()
        new.id = 0 if taken else new.id
        if new.kind == DECK_NORMAL:
            new.config_id = self.config_map.get(new.config_id, DEFAULT_CONFIG_ID)
        new.usn = -1
        return self._insert_deck(new, keep_mtime=True)

    def _insert_deck(self, deck: Deck, keep_mtime: bool = False) -> int:
        deck.id = deck.id or next_id(self.db, "decks")
        if not keep_mtime or not deck.mtime:
            deck.mtime = self.now
        rows.insert(self.db, "decks", rows.to_row(deck))
        self.deck_kinds[deck.id] = deck.kind
        self.summary.decks_added.append(deck.name)
        return deck.id

    def _merge_deck(self, ours: Deck, theirs: Deck) -> None:
        if ours.kind != DECK_NORMAL:
            return
        changed = False
        if theirs.description and theirs.description != ours.description:
            ours.description = theirs.description
            changed = True
        conf = self.config_map.get(theirs.config_id)
        if conf and conf != DEFAULT_CONFIG_ID and conf != ours.config_id:
            ours.config_id = conf
            changed = True
        for key in ("reviewLimit", "newLimit", "desiredRetention"):
            if theirs.extra.get(key) is not None and theirs.extra.get(key) != ours.extra.get(key):
                ours.extra[key] = theirs.extra[key]
                changed = True
        if changed:
            ours.mtime, ours.usn = self.now, -1
            rows.update(self.db, "decks", rows.to_row(ours))

    # --- media plan ----------------------------------------------------------------------

    def _plan_media(self) -> None:
        folder = self.col.media_folder
        for entry in self.pkg.media:
            name = entry.name
            target = folder / name
            if self.replace:
                sha1 = self.pkg.media_sha1(entry)
                if target.exists() and media.sha1_of_file(target) == sha1:
                    self.summary.media_unchanged += 1
                else:
                    self.media_plan[name] = (entry.index, sha1)
                continue
            if media.is_static(name):
                if target.exists():
                    self.summary.media_unchanged += 1
                else:
                    self.media_plan[name] = (entry.index, "")
                continue
            sha1 = self.pkg.media_sha1(entry)
            if target.exists():
                if media.sha1_of_file(target) == sha1:
                    self.summary.media_unchanged += 1
                    continue
                new_name = media.renamed_with_hash(name, sha1)
                self.media_rename[name] = new_name
                if (folder / new_name).exists():
                    self.summary.media_unchanged += 1
                    continue
                self.media_plan[new_name] = (entry.index, sha1)
            else:
                self.media_plan[name] = (entry.index, sha1)

    def _rename_ref(self, ref: str) -> str | None:
        return self.media_rename.get(ref)

    def _wanted_media(self) -> list[str]:
        return [name for name in self.media_plan
                if self.replace or media.is_static(name) or name in self.referenced]

    def _count_media(self) -> None:
        self.summary.media_added = self._wanted_media()
        self.summary.media_renamed = {k: v for k, v in self.media_rename.items()
                                      if v in self.referenced}

    def _copy_media(self, staging: Path) -> None:
        wanted = self._wanted_media()
        total = len(wanted)
        incoming, displaced = staging / "in", staging / "old"
        incoming.mkdir()
        displaced.mkdir()
        for i, name in enumerate(wanted):
            index, sha1 = self.media_plan[name]
            got = self.pkg.extract(index, incoming / name)
            if sha1 and got != sha1:
                raise PackageError(f"{self.pkg.path.name}: media entry {index!r} ({name!r}) "
                                   "does not match the SHA-1 in the media map; the package "
                                   "is damaged")
            self.progress("media", i + 1, total)
        folder = self.col.media_folder
        folder.mkdir(parents=True, exist_ok=True)
        for name in wanted:
            dest = folder / name
            if dest.exists():
                if not self.replace:
                    continue
                os.replace(dest, displaced / name)  # put back if anything fails later
                self.displaced.append((displaced / name, dest))
            os.replace(incoming / name, dest)
            self.moved.append(dest)
        self._count_media()

    # --- notes -----------------------------------------------------------------------------

    def _existing_by_guid(self) -> dict[str, tuple[int, int, int]]:
        guids = [r[0] for r in self.src.db.execute("SELECT guid FROM notes")]
        found: dict[str, tuple[int, int, int]] = {}
        for start in range(0, len(guids), 500):
            batch = guids[start:start + 500]
            marks = ",".join("?" * len(batch))
            for guid, nid, ntid, mtime in self.db.execute(
                    f"SELECT guid, id, ntid, mtime FROM notes WHERE guid IN ({marks})", batch):
                found[guid] = (nid, ntid, mtime)
        return found

    def _tags(self, text: str) -> str:
        cached = self.tag_cache.get(text)
        if cached is not None:
            return cached
        result_text = self._canonical_tags(text)
        self.tag_cache[text] = result_text
        return result_text

    def _canonical_tags(self, text: str) -> str:
        tags = [t for t in str_to_tags(text) if not any(ch < " " for ch in t)]
        result = canonical_tags(tags, self.known_tags)
        for tag in result:
            folded = tag.casefold()
            if folded not in self.known_tags:
                self.known_tags[folded] = tag
                self.db.execute("INSERT OR IGNORE INTO tags (tag) VALUES (?)", (tag,))
        return tags_to_str(result)

    def _taken_ids(self, table: str, margin: int = 1_000_000) -> tuple[set[int], int]:
        """Our ids in (a margin around) the id range of the package's `table`, and the top
        of that range: an id above it must be looked up in the database."""
        low, high = self.src.db.execute(f"SELECT min(id), max(id) FROM {table}").fetchone()
        if low is None:
            return set(), 0
        top = high + margin
        return {r[0] for r in self.db.execute(
            f"SELECT id FROM {table} WHERE id BETWEEN ? AND ?", (low, top))}, top

    def _flush_notes(self) -> None:
        if self.pending_notes:
            with self.col.bulk_insert("notes") as bulk:
                bulk.insert(NOTE_COLUMNS, self.pending_notes)
            self.pending_notes.clear()

    def _import_notes(self) -> None:
        taken_ids, top_taken = self._taken_ids("notes")
        self.known_tags = {r[0].casefold(): r[0] for r in self.db.execute("SELECT tag FROM tags")}
        existing = self._existing_by_guid()
        total = self.src.count("notes")
        self.summary.found_notes = total
        summary = self.summary
        for i, (nid, guid, mid, mod, _usn, tags, flds, flags, data) in enumerate(
                self.src.notes()):
            if i % 1000 == 0:
                self.progress("notes", i, total)
            ntid = self.nt_map.get(mid)
            if ntid is None:
                summary.skipped.append((guid, "its note type is missing from the package"))
                continue
            fields = flds.split(FIELD_SEPARATOR)
            remap = self.field_remap.get(mid)
            want = self.nt_field_count[ntid] if remap is None else len(
                self.src.notetypes[mid].fields)
            if len(fields) != want and self.replace:
                # A restore keeps the note (and its cards and history), repaired as Check
                # Database repairs it; Anki restores the file as it is.
                summary.warnings.append(f"note {guid}: it had {len(fields)} fields but its "
                                        f"note type has {want}; fixed as Check Database does")
                fields = fix_field_count(fields, want)
            elif len(fields) != want:
                summary.skipped.append((guid, f"it has {len(fields)} fields but its note type "
                                              f"has {want}"))
                continue
            if remap is not None:
                fields = [fields[j] if j is not None else "" for j in remap]
            self.note_src_mid[nid] = mid
            if self.media_rename:
                fields = [media.rewrite_references(f, self._rename_ref) for f in fields]
            match = existing.get(guid)
            if match is not None:
                our_nid, our_ntid, our_mtime = match
                if our_ntid != ntid:
                    summary.conflicting.append(guid)
                    continue
                self.note_map[nid] = our_nid
                self.note_ntid[our_nid] = ntid
                self.matched_notes += 1
                if _policy_allows(self.opt.update_notes, mod, our_mtime):
                    self._write_note(our_nid, guid, ntid, mod, tags, fields, flags, data,
                                     insert=False)
                    summary.updated.append(guid)
                else:
                    summary.duplicate.append(guid)
                    continue
            else:
                new_id = nid
                while new_id in taken_ids or (new_id > top_taken and self.db.execute(
                        "SELECT 1 FROM notes WHERE id = ?", (new_id,)).fetchone()):
                    new_id += 999
                taken_ids.add(new_id)
                self._write_note(new_id, guid, ntid, mod, tags, fields, flags, data, insert=True)
                existing[guid] = (new_id, ntid, mod)
                self.note_map[nid] = new_id
                self.note_ntid[new_id] = ntid
                summary.added.append(guid)
            if self.pkg.media:
                for f in fields:
                    self.referenced.update(media.references(f))
        self._flush_notes()

    def _write_note(self, nid: int, guid: str, ntid: int, mod: int, tags: str,
                    fields: list[str], flags: int, data: str, insert: bool) -> None:
        sort_field = self.nt_sort_field[ntid]
        sort_text = fieldtext.stripped(fields[sort_field])
        checksum = fieldtext.checksum_of_stripped(sort_text) if sort_field == 0 \
            else field_checksum(fields[0])
        if insert:
            self.pending_notes.append((nid, guid, ntid, mod, -1, self._tags(tags),
                                       FIELD_SEPARATOR.join(fields), sort_text, checksum,
                                       flags or 0, data or ""))
            if len(self.pending_notes) >= BULK_ROWS:
                self._flush_notes()
        else:
            self.db.execute("UPDATE notes SET guid = ?, ntid = ?, mtime = ?, usn = -1, "
                            "tags = ?, flds = ?, sfld = ?, csum = ?, flags = ?, data = ? "
                            "WHERE id = ?", (guid, ntid, mod, self._tags(tags),
                                             FIELD_SEPARATOR.join(fields), sort_text,
                                             checksum, flags or 0, data or "", nid))

    # --- cards and review log ----------------------------------------------------------

    def _import_cards(self) -> None:
        if not self.note_map:
            return
        ours_today = ankidb.collection_today(
            self.col.crt, {"rollover": self.col.get_config("rollover", 4),
                           "creationOffset": self.col.get_config("creationOffset")}, self.now)
        shift = ours_today - self.src.today(self.now)
        matched = set(self.note_map.values())
        taken: set[tuple[int, int]] = set()
        for (nid, ord_) in self.db.execute("SELECT nid, ord FROM cards"):
            if nid in matched:
                taken.add((nid, ord_))
        next_pos = self.col.get_config("nextPos", 1)
        if not isinstance(next_pos, int):
            next_pos = 1
        max_pos = next_pos - 1
        total = self.src.count("cards")
        if self._cards_in_sql(shift):
            top = self.db.execute("SELECT max(due) FROM cards WHERE type = 0 AND id IN "
                                  "(SELECT id FROM temp.import_cards)").fetchone()[0]
            max_pos = max(max_pos, top if isinstance(top, int) else max_pos)
            self.progress("cards", total, total)
        else:
            matched = set(self.note_map.values())
            taken: set[tuple[int, int]] = set()
            for (nid, ord_) in self.db.execute("SELECT nid, ord FROM cards"):
                if nid in matched:
                    taken.add((nid, ord_))
            taken_ids, top_taken = self._taken_ids("cards")
            with self.col.bulk_insert("cards") as bulk:
                max_pos = self._add_cards(bulk, total, taken, taken_ids, top_taken, shift,
                                          max_pos)
        if max_pos + 1 > next_pos:
            self.col._write_config("nextPos", max_pos + 1)

    def _cards_in_sql(self, shift: int) -> bool:
        """The common case in one INSERT … SELECT from the attached package: scheduling
        kept, no template remapping, no card in a filtered deck, card data that passes
        through unchanged. Does what `_add_cards` does for such cards; returns False (having
        written nothing) when it does not apply or the package has a card the careful path
        must decide about (a second card for one note and ordinal, a card id we have)."""
        if not self.attached or not self.opt.with_scheduling or self.template_remap:
            return False
        if self.db.execute(
                f"SELECT 1 FROM {SRC}.cards WHERE odid != 0 OR NOT (typeof(data) = 'text' "
                "AND (data = '' OR substr(data, 1, 1) = '{')) LIMIT 1").fetchone():
            return False
        db = self.db
        self._drop_temp_tables()
        for name, columns in TEMP_TABLES.items():
            db.execute(f"CREATE TEMP TABLE {name} ({columns})")
        db.executemany("INSERT INTO temp.import_note_map VALUES (?, ?, ?)",
                       [(src, ours, self.note_ntid[ours])
                        for src, ours in self.note_map.items()])
        db.executemany("INSERT INTO temp.import_notetype VALUES (?, ?, ?)",
                       [(ntid, count, int(cloze))
                        for ntid, (count, cloze) in self.nt_template_count.items()])
        targets = []
        for did in self.src.decks:
            target = self.deck_map.get(did)
            if target is None or self.deck_kinds.get(target) is None:
                target = self.default_deck
            targets.append((did, target))
        db.executemany("INSERT INTO temp.import_deck VALUES (?, ?)", targets)
        by_day = "s.type = 2 OR (s.type IN (1, 3) AND s.due > 0 AND s.due < 1000000000)"
        select = (
            f"SELECT s.id, m.nid, coalesce(d.did, :default), s.ord, s.mod, -1, s.type, s.queue, "
            f"s.due + CASE WHEN s.queue IN (2, 3) OR (s.queue < 0 AND ({by_day})) "
            "THEN :shift ELSE 0 END, s.ivl, s.factor, s.reps, s.lapses, s.left, s.odue, "
            "s.odid, s.flags, CASE WHEN s.data = '' THEN '{}' ELSE s.data END "
            f"FROM {SRC}.cards s JOIN temp.import_note_map m ON m.src = s.nid "
            "JOIN temp.import_notetype t ON t.ntid = m.ntid "
            "LEFT JOIN temp.import_deck d ON d.src = s.did "
            "WHERE s.ord >= 0 AND (t.cloze OR s.ord < t.templates) "
            # (only notes we had can have cards already; any other clash makes the insert
            # fail, and the row path takes over)
            + ("AND NOT EXISTS (SELECT 1 FROM main.cards c WHERE c.nid = m.nid AND "
               "c.ord = s.ord) " if self.matched_notes else "")
            + "ORDER BY s.id")
        with self.col.bulk_insert("cards") as bulk:
            try:
                ids = bulk.insert_select(CARD_COLUMNS, select,
                                         {"default": self.default_deck, "shift": shift})
            except sqlite3.IntegrityError:
                return False
        db.execute("INSERT INTO temp.import_cards SELECT value FROM json_each(?)",
                   (json.dumps(ids),))
        self.summary.cards_added += len(ids)
        self.cards_by_sql = True
        return True

    def _drop_temp_tables(self) -> None:
        for name in TEMP_TABLES:
            self.db.execute(f"DROP TABLE IF EXISTS temp.{name}")

    def _add_cards(self, bulk: undo.BulkInsert, total: int, taken: set[tuple[int, int]],
                   taken_ids: set[int], top_taken: int, shift: int, max_pos: int) -> int:
        pending: list[tuple[Any, ...]] = []
        for i, row in enumerate(self.src.cards()):
            if i % 1000 == 0:
                self.progress("cards", i, total)
            (cid, nid, did, ord_, mod, _usn, ctype, queue, due, ivl, factor, reps, lapses,
             left, odue, odid, flags, data) = row
            our_nid = self.note_map.get(nid)
            if our_nid is None:
                continue
            remap_ords = self.template_remap.get(self.note_src_mid.get(nid, 0))
            if remap_ords is not None:
                ord_ = remap_ords.get(ord_, -1)
            if (our_nid, ord_) in taken:
                continue
            ntid = self.note_ntid[our_nid]
            count, cloze = self.nt_template_count[ntid]
            if ord_ < 0 or (not cloze and ord_ >= count):
                continue
            card_data: dict[str, Any] | None = None  # parsed only when it must change
            if not self.opt.with_scheduling or not isinstance(data, str) \
                    or not data.startswith("{"):
                try:
                    card_data = json.loads(data) if data else {}
                except (ValueError, TypeError):
                    card_data = {}
                if not isinstance(card_data, dict):
                    card_data = {}
            home = self.deck_map.get(odid) if odid else None
            target = self.deck_map.get(did)
            if odid and (home is None or target is None or not self.opt.with_scheduling
                         or self.deck_kinds.get(target) != DECK_FILTERED):
                # leave the filtered deck: back to the home deck and its queue
                target = home if home is not None else self.deck_map.get(did)
                if odue:
                    due = odue
                odid = odue = 0
                if queue not in (-1, -2, -3):
                    queue = _queue_for(ctype, due)
            elif odid:
                odid = home or 0
            if target is None or self.deck_kinds.get(target) is None:
                target = self.default_deck
            if self.opt.with_scheduling:
                due, odue = self._shift(ctype, queue, due, odue, odid, shift)
                if ctype == TYPE_NEW:
                    max_pos = max(max_pos, due)
            else:
                assert card_data is not None
                pos = due if ctype == TYPE_NEW else card_data.get("pos")
                if not isinstance(pos, int):
                    pos = max_pos + 1
                max_pos = max(max_pos, pos)
                ctype, queue, due, ivl, factor, reps, lapses = TYPE_NEW, 0, pos, 0, 0, 0, 0
                odue = odid = flags = 0
                card_data = {"pos": pos} if "pos" in card_data else {}
            new_id = cid
            while new_id in taken_ids or (new_id > top_taken and self.db.execute(
                    "SELECT 1 FROM cards WHERE id = ?", (new_id,)).fetchone()):
                new_id += 1
            taken_ids.add(new_id)
            text = data if card_data is None else json.dumps(
                card_data, separators=(",", ":"), ensure_ascii=False)
            pending.append((new_id, our_nid, target, ord_, mod, -1, ctype, queue, due, ivl,
                            factor, reps, lapses, left, odue, odid, flags, text))
            if len(pending) >= BULK_ROWS:
                bulk.insert(CARD_COLUMNS, pending)
                pending.clear()
            taken.add((our_nid, ord_))
            self.card_map[cid] = new_id
            self.summary.cards_added += 1
        bulk.insert(CARD_COLUMNS, pending)
        return max_pos

    @staticmethod
    def _shift(ctype: int, queue: int, due: int, odue: int, odid: int,
               shift: int) -> tuple[int, int]:
        """Move day-number dues by the difference between the two collections' today."""
        if not shift:
            return due, odue

        def by_day(value: int) -> bool:
            return ctype == TYPE_REVIEW or (ctype in (TYPE_LEARN, TYPE_RELEARN)
                                            and 0 < value < 1_000_000_000)

        if odid:
            if odue and by_day(odue):
                odue += shift
            if queue in (2, 3) or (queue < 0 and by_day(due)):
                due += shift
            return due, odue
        if queue in (2, 3) or (queue < 0 and by_day(due)):
            due += shift
        return due, odue

    def _import_revlog(self) -> None:
        # A restore keeps the whole review history, as Anki's does: the entries of cards
        # deleted long ago too (the statistics count them), under their card ids.
        every = self.replace
        if self.cards_by_sql or (every and self.attached):  # cards kept their package ids
            which = "" if every else (
                "WHERE +r.cid IN (SELECT id FROM temp.import_cards) AND NOT EXISTS "
                "(SELECT 1 FROM main.revlog o WHERE o.id = r.id) ")
            with self.col.bulk_insert("revlog") as bulk:
                self.summary.revlog_added = len(bulk.insert_select(
                    REVLOG_COLUMNS,
                    "SELECT r.id, r.cid, -1, r.ease, r.ivl, r.lastIvl, r.factor, r.time, "
                    f"r.type FROM {SRC}.revlog r {which}ORDER BY r.id"))
            return
        if not self.card_map and not every:
            return
        # Entries whose id we already have are left out (as INSERT OR IGNORE would).
        existing, top = self._taken_ids("revlog", margin=0)
        card_map = self.card_map
        rows_in = ((rid, card_map.get(cid, cid), -1, ease, ivl, last_ivl, factor, taken,
                    rtype)
                   for rid, cid, _usn, ease, ivl, last_ivl, factor, taken, rtype
                   in self.src.revlog() if (every or cid in card_map) and rid not in existing)
        with self.col.bulk_insert("revlog") as bulk:
            self.summary.revlog_added = bulk.insert(REVLOG_COLUMNS, rows_in)
