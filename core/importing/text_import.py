"""Importing notes from text files (CSV/TSV/TXT) with Anki's file headers (ANKI-FACTS §7.4).

Headers at the top (`#separator:`, `#html:`, `#tags:`, `#columns:`, `#notetype:`, `#deck:`,
their `column:` forms, `#guid column:`, `#tags column:`, `#if matches:`, `#match scope:`,
and a legacy first line `tags:`) say how to read the rest; without them the separator and
HTML are detected as Anki does. Rows are standard CSV. A row with too few or too many
columns is still imported (missing fields empty, extra columns ignored) and reported with
its line number; a row with an empty first field is skipped. Everything happens in one
`col.op("Import")`.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repetend.core.cardgen import ords_with_content
from repetend.core.decks import DECK_NORMAL, DEFAULT_DECK_ID
from repetend.core.errors import InvalidInput, NotFoundError, RepetendError
from repetend.core.ids import intTime, new_guid
from repetend.core.importing import bulk, fieldtext
from repetend.core.importing.summary import ImportSummary
from repetend.core.notes import (
    FIELD_SEPARATOR,
    Note,
    canonical_tags,
    str_to_tags,
    tags_to_str,
)
from repetend.core.notetypes import NoteType

if TYPE_CHECKING:
    from repetend.core.collection import Collection

SEPARATOR_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|",
                   "colon": ":"}
DETECT_ORDER = ("\t", "|", ";", ":", ",", " ")
HEADER_KEYS = ("separator", "html", "tags", "columns", "notetype", "deck", "notetype column",
               "deck column", "tags column", "guid column", "if matches", "match scope")
DUPES = {"update current": "update", "keep current": "preserve", "keep both": "duplicate"}
MAX_TEXT_BYTES = 1 << 30
MAX_WARNINGS = 100
#: New notes gathered before they are written (one bulk insert and undo statement each).
BULK_ROWS = 100_000
#: Fewer new notes than this are written row by row (with per-row undo logging).
BULK_MIN = 1_000
_HTML_LIKE = re.compile(r"<[^<>]+>|<!--")
_NEEDS_ESCAPE = re.compile("[&<>\"'\n]")


class TextImportError(RepetendError):
    """A text file cannot be imported: bad encoding, bad header, unknown names."""


@dataclass
class TextOptions:
    #: note type name or id for every row (overrides `#notetype:`)
    notetype: str | None = None
    #: deck name or id for every row (overrides `#deck:`)
    deck: str | None = None
    #: separator character or name ("tab", "comma", …); None: header or detection
    separator: str | None = None
    #: fields are HTML (True) or plain text to escape (False); None: header or detection
    html: bool | None = None
    #: when a note exists: "update", "preserve" (keep current) or "duplicate" (keep both)
    dupe_resolution: str | None = None
    #: match existing notes within the note type ("notetype") or note type + deck
    match_scope: str | None = None
    dry_run: bool = False


@dataclass
class TextMetadata:
    separator: str = ""
    html: bool = False
    global_tags: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    notetype: str | None = None
    deck: str | None = None
    notetype_column: int = 0
    deck_column: int = 0
    tags_column: int = 0
    guid_column: int = 0
    dupe_resolution: str = "update"
    match_scope: str = "notetype"
    header_lines: int = 0
    html_from_header: bool = False

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Record:
    line: int
    values: list[str]


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise TextImportError(f"{name}: line {line}, byte {column}: not valid UTF-8 "
                              f"({data[exc.start:exc.start + 1]!r}); save the file as UTF-8 "
                              "and try again") from exc


def _column(value: str, key: str, name: str, line: int) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise TextImportError(f"{name}: line {line}: '#{key}:' needs a column number "
                              f"(1, 2, …), not {value.strip()!r}")
    return number


def _separator(value: str, name: str, line: int) -> str:
    value = value.strip("\r\n")
    named = SEPARATOR_NAMES.get(value.strip().lower())
    if named:
        return named
    if len(value) == 1:
        return value
    raise TextImportError(f"{name}: line {line}: unknown separator {value!r} (use Comma, "
                          "Semicolon, Tab, Space, Pipe, Colon or one character)")


def read_metadata(text: str, name: str,
                  separator_override: str | None = None) -> tuple[TextMetadata, str]:
    """The header's settings and the body after it."""
    meta = TextMetadata()
    lines = text.split("\n")
    index = 0
    if lines and lines[0].startswith("tags:"):
        meta.global_tags = lines[0][5:].split()
        index = 1
    separator = None
    html_flag = None
    while index < len(lines) and lines[index].startswith("#"):
        raw = lines[index].rstrip("\r")
        index += 1
        key, colon, value = raw[1:].partition(":")
        key = key.strip().lower()
        if not colon or key not in HEADER_KEYS:
            continue  # a comment
        if key == "separator":
            separator = _separator(value, name, index)
        elif key == "html":
            if value.strip().lower() not in ("true", "false"):
                raise TextImportError(f"{name}: line {index}: '#html:' must be true or false")
            html_flag = value.strip().lower() == "true"
        elif key == "tags":
            meta.global_tags += value.split()
        elif key == "columns":
            meta.columns = [value]  # split once the separator is known
        elif key == "notetype":
            meta.notetype = value.strip()
        elif key == "deck":
            meta.deck = value.strip()
        elif key.endswith(" column"):
            setattr(meta, key.replace(" ", "_"), _column(value, key, name, index))
        elif key == "if matches":
            choice = DUPES.get(value.strip().lower())
            if choice is None:
                raise TextImportError(f"{name}: line {index}: '#if matches:' must be "
                                      f"{', '.join(DUPES)}")
            meta.dupe_resolution = choice
        elif key == "match scope":
            scope = value.strip().lower().replace(" ", "")
            if scope not in ("notetype", "notetype+deck"):
                raise TextImportError(f"{name}: line {index}: '#match scope:' must be "
                                      "'notetype' or 'notetype + deck'")
            meta.match_scope = scope
    meta.header_lines = index
    body = "\n".join(lines[index:])
    if separator_override:
        separator = _separator(separator_override, name, 0)
    if separator is None:
        sample = body[:8192]
        separator = next((s for s in DETECT_ORDER if s in sample), " ")
    meta.separator = separator
    if meta.columns:
        meta.columns = next(csv.reader([meta.columns[0]], delimiter=separator))
    meta.html = bool(html_flag)
    meta.html_from_header = html_flag is not None
    return meta, body


def read_records(body: str, meta: TextMetadata) -> list[Record]:
    if '"' not in body and "\r" not in body and "\x00" not in body:
        return _split_records(body, meta)
    consumed: list[str] = []

    def lines():
        for raw in io.StringIO(body, newline=""):
            consumed.append(raw)
            yield raw

    reader = csv.reader(lines(), delimiter=meta.separator, quotechar='"', doublequote=True,
                        strict=False)
    records = []
    start = 1
    for row in reader:
        line = meta.header_lines + start
        start = reader.line_num + 1
        first_line = consumed[0] if consumed else ""
        consumed.clear()
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if first_line.startswith("#"):  # a comment line (a quoted "#…" field is data)
            continue
        records.append(Record(line, [v.replace("\r\n", "\n") for v in row]))
    return records


def _split_records(body: str, meta: TextMetadata) -> list[Record]:
    """What the CSV reader gives for text without quotes, carriage returns or NULs: one
    record per line, its fields split at the separator."""
    separator, first = meta.separator, meta.header_lines + 1
    records = []
    for number, line in enumerate(body.split("\n"), first):
        if not line or line[0] == "#":
            continue
        row = line.split(separator)
        if len(row) == 1 and not row[0].strip():
            continue
        records.append(Record(number, row))
    return records


def preview(path: str | Path, rows: int = 5) -> dict[str, Any]:
    """What the importer would read: the detected settings and the first rows."""
    path = Path(path)
    meta, records = _read(path)
    return {"metadata": meta.to_json(), "rows": [r.values for r in records[:rows]],
            "row_count": len(records)}


def _read(path: Path, separator: str | None = None) -> tuple[TextMetadata, list[Record]]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TextImportError(f"{path}: cannot read it: {exc.strerror}") from exc
    if size > MAX_TEXT_BYTES:
        raise TextImportError(f"{path.name} is {size:,} bytes, more than the limit of "
                              f"{MAX_TEXT_BYTES:,} for a text import")
    text = _decode(path.read_bytes(), path.name)
    if not text:
        # Anki refuses it too ("The file you selected is empty."): likely the wrong file.
        raise TextImportError(f"{path.name} is empty")
    meta, body = read_metadata(text, path.name, separator)
    records = read_records(body, meta)
    if not meta.html_from_header:
        meta.html = any(_HTML_LIKE.search(v) for r in records[:5] for v in r.values)
    return meta, records


def _cell(values: list[str], column: int) -> str:
    return values[column - 1] if 0 < column <= len(values) else ""


def _escape(value: str) -> str:
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return html.escape(value, quote=True).replace("&#x27;", "'").replace("\n", "<br>")


class _TextImporter:
    def __init__(self, col: Collection, path: Path, options: TextOptions) -> None:
        self.col, self.path, self.opt = col, path, options
        self.summary = ImportSummary(file=path.name, dry_run=options.dry_run)
        self.nt_cache: dict[str, NoteType | None] = {}
        self.deck_cache: dict[str, int] = {}

    def _notetype(self, ref: str, line: int) -> NoteType | None:
        if ref in self.nt_cache:
            return self.nt_cache[ref]
        nt = None
        if ref.isdigit():
            try:
                nt = self.col.notetypes.get(int(ref))
            except NotFoundError:
                nt = None
        if nt is None:
            row = self.col.db.execute("SELECT id FROM notetypes WHERE name = ?",
                                      (ref,)).fetchone()
            nt = self.col.notetypes.get(row[0]) if row else None
        self.nt_cache[ref] = nt
        return nt

    def _deck(self, ref: str) -> int:
        if ref not in self.deck_cache:
            did = None
            if ref.isdigit():
                row = self.col.db.execute("SELECT id FROM decks WHERE id = ?",
                                          (int(ref),)).fetchone()
                did = row[0] if row else None
            if did is None:
                # As Anki compares deck names: "DÉJÀ::VU" is the existing "Déjà::Vu".
                existed = self.col.decks.find(ref)
                did = self.col.decks.id(ref)
                if not existed:
                    self.summary.decks_added.append(ref)
            self.deck_cache[ref] = did
        return self.deck_cache[ref]

    def run(self) -> ImportSummary:
        opt = self.opt
        meta, records = _read(self.path, opt.separator)
        if opt.html is not None:
            meta.html = opt.html
        if opt.dupe_resolution:
            meta.dupe_resolution = opt.dupe_resolution
        if opt.match_scope:
            meta.match_scope = opt.match_scope
        if opt.notetype:
            meta.notetype, meta.notetype_column = opt.notetype, 0
        if opt.deck:
            meta.deck, meta.deck_column = opt.deck, 0
        self.meta = meta
        width = len(meta.columns) or (len(records[0].values) if records else 0)
        meta_cols = {meta.notetype_column, meta.deck_column, meta.guid_column,
                     meta.tags_column} - {0}
        fixed_nt = None
        if not meta.notetype_column:
            ref = meta.notetype or self._default_notetype()
            fixed_nt = self._notetype(ref, 0)
            if fixed_nt is None:
                raise TextImportError(f"{self.path.name}: no note type called {ref!r}")
            if not meta.tags_column:
                mapped = self._field_columns(fixed_nt, meta, meta_cols, width)
                last = max((c for c in mapped if c), default=0)
                if width > last and last and (last + 1) not in meta_cols:
                    meta.tags_column = last + 1
                    meta_cols.add(last + 1)
        with self.col.op("Import"):
            self._import(records, meta, meta_cols, width, fixed_nt)
            if opt.dry_run:
                raise _DryRun  # rolls the operation back; import_text returns the summary
        return self.summary

    def _default_notetype(self) -> str:
        cur = self.col.get_config("curModel")
        if isinstance(cur, int):
            row = self.col.db.execute("SELECT name FROM notetypes WHERE id = ?",
                                      (cur,)).fetchone()
            if row:
                return row[0]
        return "Basic"

    @staticmethod
    def _field_columns(nt: NoteType, meta: TextMetadata, meta_cols: set[int],
                       width: int) -> list[int]:
        """1-based column for each field of `nt` (0: no column)."""
        labels = [c.strip().casefold() for c in meta.columns]
        names = [f.name.casefold() for f in nt.fields]
        if labels and any(n in labels for n in names):
            return [labels.index(n) + 1 if n in labels and labels.index(n) + 1 not in meta_cols
                    else 0 for n in names]
        free = [c for c in range(1, max(width, len(nt.fields) + len(meta_cols)) + 1)
                if c not in meta_cols]
        return [free[i] if i < len(free) else 0 for i in range(len(nt.fields))]

    def _warn(self, text: str) -> None:
        if len(self.summary.warnings) < MAX_WARNINGS:
            self.summary.warnings.append(text)
        elif len(self.summary.warnings) == MAX_WARNINGS:
            self.summary.warnings.append("… more warnings left out")

    def _import(self, records: list[Record], meta: TextMetadata, meta_cols: set[int],
                width: int, fixed_nt: NoteType | None) -> None:
        col, summary = self.col, self.summary
        self._start_bulk()
        fixed_deck = self._deck(meta.deck) if meta.deck and not meta.deck_column else None
        default_deck = fixed_deck or self._deck_for_default()
        summary.found_notes = len(records)
        rows = self._read_rows(records, meta, meta_cols, width, fixed_nt, default_deck)
        existing_guids: dict[str, tuple[int, int]] = {}
        if meta.guid_column:
            existing_guids = {g: (i, n) for g, i, n in col.db.execute(
                "SELECT guid, id, ntid FROM notes")}
        # Notes that may be duplicates, found in one query by first-field checksum.
        checking = meta.dupe_resolution != "duplicate"
        by_checksum: dict[tuple[int, int], list[tuple[int, str]]] = {}
        ntids = sorted({row[0].id for row in rows})
        if checking and col.db.execute(  # (none to look for when we have no such notes)
                f"SELECT 1 FROM notes WHERE ntid IN ({','.join('?' * len(ntids))}) LIMIT 1",
                ntids).fetchone():
            wanted = sorted({row[5] for row in rows if row[5] is not None})
            for start in range(0, len(wanted), 50_000):
                for nid, ntid, csum, flds in col.db.execute(
                        "SELECT id, ntid, csum, flds FROM notes WHERE csum IN "
                        "(SELECT value FROM json_each(?))",
                        (json.dumps(wanted[start:start + 50_000]),)):
                    by_checksum.setdefault((ntid, csum), []).append(
                        (nid, flds.split(FIELD_SEPARATOR, 1)[0]))
        for nt, did, fields, tags, guid, checksum, stripped in rows:
            match = None
            if guid and guid in existing_guids:
                match = existing_guids[guid][0]
                if existing_guids[guid][1] != nt.id:
                    summary.conflicting.append(guid)
                    continue
            elif checksum is not None:
                for nid, first in by_checksum.get((nt.id, checksum), ()):
                    if first != fields[0]:
                        continue
                    if meta.match_scope == "notetype+deck" and not col.db.execute(
                            "SELECT 1 FROM cards WHERE nid = ? AND did = ?",
                            (nid, did)).fetchone():
                        continue
                    match = nid
                    break
            if match is not None:
                self._flush()  # the match may be a note added earlier from this file
                note = col.get_note(match)
                if meta.dupe_resolution == "update":
                    # As in Anki: a file with a tags column gives the note exactly its tags
                    # (with `#tags`); without one the note keeps its tags and gains `#tags`.
                    merged_tags = list(dict.fromkeys(tags)) if meta.tags_column else \
                        note.tags + [t for t in tags if t not in note.tags]
                    if note.fields != fields or merged_tags != note.tags:
                        note.fields, note.tags = fields, merged_tags
                        col.update_note(note)
                        self._after_update()
                        summary.updated.append(note.guid)
                        continue
                summary.duplicate.append(note.guid)
                continue
            nid, guid = self._add(nt, did, fields, tags, guid, checksum, stripped)
            summary.added.append(guid)
            if meta.guid_column and guid:
                existing_guids[guid] = (nid, nt.id)
        self._flush()

    def _read_rows(self, records: list[Record], meta: TextMetadata, meta_cols: set[int],
                   width: int, fixed_nt: NoteType | None, default_deck: int,
                   ) -> list[tuple[NoteType, int, list[str], list[str], str, int | None,
                                   str | None]]:
        """(note type, deck, fields, tags, guid, first-field checksum or None when no
        duplicate check applies, stripped first field) for each usable record; skipped
        records and column-count warnings are reported here."""
        summary, name = self.summary, self.path.name
        html_on = meta.html
        checking = meta.dupe_resolution != "duplicate"
        global_tags = meta.global_tags
        tags_column, guid_column = meta.tags_column, meta.guid_column
        columns_of: dict[int, list[int]] = {}
        out = []
        for rec in records:
            values = rec.values
            count = len(values)
            if width and count != width:
                what = "missing fields left empty" if count < width else \
                    "extra columns ignored"
                self._warn(f"{name}: line {rec.line}: {count} columns, expected "
                           f"{width} ({what})")
            nt = fixed_nt
            if meta.notetype_column:
                ref = _cell(values, meta.notetype_column).strip()
                nt = self._notetype(ref, rec.line)
                if nt is None:
                    summary.skipped.append((f"line {rec.line}",
                                            f"no note type called {ref!r}"))
                    continue
            assert nt is not None
            did = default_deck
            if meta.deck_column:
                ref = _cell(values, meta.deck_column).strip()
                did = self._deck(ref) if ref else default_deck
            columns = columns_of.get(nt.id)
            if columns is None:
                columns = columns_of[nt.id] = self._field_columns(nt, meta, meta_cols, width)
            fields = [values[c - 1] if 0 < c <= count else "" for c in columns]
            if not html_on:
                fields = [_escape(f) for f in fields]
            if not fields[0].strip():
                summary.skipped.append((f"line {rec.line}", "the first field is empty"))
                continue
            tags = list(global_tags)
            if tags_column:
                tags += str_to_tags(_cell(values, tags_column))
            guid = _cell(values, guid_column).strip() if guid_column else ""
            checksum = stripped = None
            if checking and not guid:
                stripped = fieldtext.stripped(fields[0])
                checksum = fieldtext.checksum_of_stripped(stripped)
            out.append((nt, did, fields, tags, guid, checksum, stripped))
        return out

    # --- adding notes in bulk (what col.add_note does, without a query per row) -----------

    def _start_bulk(self) -> None:
        db = self.col.db
        now_ms = intTime(1000)
        self.next_nid = max(now_ms, (db.execute("SELECT max(id) FROM notes").fetchone()[0]
                                     or 0) + 1)
        self.next_cid = max(now_ms, (db.execute("SELECT max(id) FROM cards").fetchone()[0]
                                     or 0) + 1)
        pos = self.col.get_config("nextPos", 1)
        self.next_pos = pos if isinstance(pos, int) else 1
        self.first_pos = self.next_pos
        self.known_tags = {r[0].casefold(): r[0] for r in db.execute("SELECT tag FROM tags")}
        self.tag_cache: dict[tuple[str, ...], tuple[list[str], str]] = {}
        self.ords_cache: dict[tuple[int, int, tuple[bool, ...], bool],
                              list[tuple[int, int]]] = {}
        self.deck_kind = {r[0]: r[1] for r in db.execute("SELECT id, kind FROM decks")}
        self.note_rows: list[tuple[object, ...]] = []
        self.card_rows: list[tuple[object, ...]] = []

    def _tags(self, tags: list[str]) -> tuple[list[str], str]:
        """Canonical tags (new ones stored) and their column text, cached."""
        key = tuple(tags)
        cached = self.tag_cache.get(key)
        if cached is None:
            result = canonical_tags([t for t in tags if not any(ch < " " for ch in t)],
                                    self.known_tags)
            for tag in result:
                if tag.casefold() not in self.known_tags:
                    self.known_tags[tag.casefold()] = tag
                    self.col.db.execute("INSERT OR IGNORE INTO tags (tag) VALUES (?)", (tag,))
            cached = self.tag_cache[key] = (result, tags_to_str(result))
        return cached

    def _ords(self, nt: NoteType, did: int, fields: list[str],
              tags: list[str]) -> list[tuple[int, int]]:
        """(ordinal, deck) of each card: `ords_with_content` (at least card 0), each in
        `did` or its template's deck. For a normal note type that depends only on which
        fields are empty and whether there are tags, so it is cached on that."""
        def compute() -> list[tuple[int, int]]:
            note = Note(ntid=nt.id, fields=fields, tags=tags, field_names=nt.field_names())
            return [(ord_, self._card_deck(nt, ord_, did))
                    for ord_ in sorted(ords_with_content(nt, note)) or [0]]

        if nt.is_cloze:
            return compute()
        key = (nt.id, did, tuple(map(fieldtext.is_empty, fields)), bool(tags))
        cards = self.ords_cache.get(key)
        if cards is None:
            cards = self.ords_cache[key] = compute()
        return cards

    def _card_deck(self, nt: NoteType, ord_: int, did: int) -> int:
        """A template's own deck overrides the note's deck, as in card generation: a
        filtered one means the default deck (as in Anki), a missing one the note's deck."""
        if not nt.is_cloze and ord_ < len(nt.templates) and nt.templates[ord_].deck_id:
            kind = self.deck_kind.get(nt.templates[ord_].deck_id)
            if kind == DECK_NORMAL:
                return nt.templates[ord_].deck_id
            if kind is not None:
                return DEFAULT_DECK_ID
        return did

    def _add(self, nt: NoteType, did: int, raw_fields: list[str], raw_tags: list[str],
             guid: str, checksum: int | None, stripped_first: str | None) -> tuple[int, str]:
        """Queue a new note and its cards; returns its id and guid. `checksum` and
        `stripped_first` are those of `raw_fields[0]` when already known."""
        fields = fieldtext.prepared(raw_fields)
        nid, self.next_nid = self.next_nid, self.next_nid + 1
        guid = guid or new_guid()
        tags, tags_text = self._tags(raw_tags)
        if stripped_first is None or checksum is None or (
                fields is not raw_fields and fields[0] != raw_fields[0]):
            stripped_first = fieldtext.stripped(fields[0])
            checksum = fieldtext.checksum_of_stripped(stripped_first)
        sort_field = nt.sort_field
        sort_text = stripped_first if sort_field == 0 else fieldtext.stripped(fields[sort_field])
        mtime = intTime()
        self.note_rows.append((nid, guid, nt.id, mtime, -1, tags_text,
                               FIELD_SEPARATOR.join(fields), sort_text, checksum))
        cards = self._ords(nt, did, fields, tags)
        pos, self.next_pos = self.next_pos, self.next_pos + 1
        cid = self.next_cid
        card_rows = self.card_rows
        for ord_, card_did in cards:
            card_rows.append((cid, nid, card_did, ord_, mtime, -1, pos))
            cid += 1
        self.next_cid = cid
        self.summary.cards_added += len(cards)
        if len(self.note_rows) >= BULK_ROWS:
            self._flush()
        return nid, guid

    def _flush(self) -> None:
        col = self.col
        notes = ("id", "guid", "ntid", "mtime", "usn", "tags", "flds", "sfld", "csum")
        cards = ("id", "nid", "did", "ord", "mtime", "usn", "due")
        if len(self.note_rows) < BULK_MIN:  # (updates flush often: no bulk block for a few)
            for table, columns, pending in (("notes", notes, self.note_rows),
                                            ("cards", cards, self.card_rows)):
                col.db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                   f"({', '.join('?' * len(columns))})", pending)
        else:
            with bulk.rebuilt_indexes(col.db, {"notes": len(self.note_rows),
                                               "cards": len(self.card_rows)}):
                with col.bulk_insert("notes") as rows:
                    rows.insert(notes, self.note_rows)
                with col.bulk_insert("cards") as rows:
                    rows.insert(cards, self.card_rows)
        self.note_rows.clear()
        self.card_rows.clear()
        if self.next_pos != self.first_pos:
            col._write_config("nextPos", self.next_pos)
            self.first_pos = self.next_pos

    def _after_update(self) -> None:
        """An updated note may have got new cards: take up the position and ids they used."""
        db = self.col.db
        pos = self.col.get_config("nextPos", 1)
        if isinstance(pos, int) and pos > self.next_pos:
            self.next_pos = self.first_pos = pos
        for table, attr in (("notes", "next_nid"), ("cards", "next_cid")):
            top = db.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0
            setattr(self, attr, max(getattr(self, attr), top + 1))

    def _deck_for_default(self) -> int:
        cur = self.col.get_config("curDeck", 1)
        row = self.col.db.execute("SELECT id FROM decks WHERE id = ? AND kind = 0",
                                  (cur,)).fetchone()
        return row[0] if row else 1


class _DryRun(Exception):
    pass


def import_text(col: Collection, path: str | Path,
                options: TextOptions | None = None) -> ImportSummary:
    """Import a CSV/TSV/TXT file of notes; returns what happened (see the module doc)."""
    options = options or TextOptions()
    if options.dupe_resolution not in (None, "update", "preserve", "duplicate"):
        raise InvalidInput("duplicate handling must be update, preserve or duplicate, not "
                           f"{options.dupe_resolution!r}")
    importer = _TextImporter(col, Path(path), options)
    try:
        with bulk.gc_paused():
            return importer.run()
    except _DryRun:
        return importer.summary
