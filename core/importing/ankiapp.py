"""Importing an AnkiApp export: a zip (or the folder it unpacks to) of notes and media.

AnkiApp is a separate flashcard app; its deck export is not an Anki package. Two layouts
are read (sources in tests/data/ankiapp/README.md):

- **XML** (what AnkiApp writes): one or more `*.xml` files with `<deck name=…>` elements;
  `<fields>` lists the field elements (`name`, `sides`: "10" front, "01" back, "11" both)
  and each `<card>` holds one element per field whose content is HTML. Media are files
  `blobs/<id>` without an extension, referred to as `{{blob <id>}}`, `<img id="<id>">` or
  `<audio id="<id>" …>`.
- **CSV**: `fields.csv` whose header row names the fields, one note per later row, with
  the media files beside it (or in a subfolder); fields refer to them as Anki does
  (`<img src="x.jpg">`, `[sound:x.mp3]`).

Each deck gets a note type: an existing normal one with exactly these field names (in
order, ignoring case) or a new "<deck> (AnkiApp)" with one card (front fields on the
question, back fields after the answer line). A note equal in every field to one already
there is left alone, so importing the same export twice adds nothing. Media are named by
content: the same bytes under two names are stored once, a different file with a taken
name gets `<stem>-<sha1>.<ext>`. Everything runs in one `col.op("Import")`; media are
staged beside the media folder and moved in last, and taken out again if anything fails.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from repetend.core.errors import InvalidInput
from repetend.core.importing import media
from repetend.core.importing.summary import ImportSummary
from repetend.core.importing.text_import import TextImportError, _decode
from repetend.core.notes import FIELD_SEPARATOR
from repetend.core.notetypes import KIND_NORMAL, Field, NoteType, Template, clean_field_name
from repetend.core.stock import CSS
from repetend.core.text import field_checksum

if TYPE_CHECKING:
    from repetend.core.collection import Collection

Progress = Callable[[str, int, int], None]
CSV_NAME = "fields.csv"
MAX_TEXT_BYTES = 256 << 20
MAX_TOTAL_BYTES = 8 << 30
_BLOB = re.compile(r"\{\{blob\s+([^}\s]+)\s*\}\}")
_ID_TAG = re.compile(r"<(img|audio|video)\b([^>]*?)\bid\s*=\s*[\"']?([^\"'\s>]+)[\"']?([^>]*)>"
                     r"(?:\s*</\1>)?", re.IGNORECASE)
#: File signatures → extension, for AnkiApp's extension-less blobs.
_MAGIC = ((b"\x89PNG", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF8", ".gif"),
          (b"ID3", ".mp3"), (b"\xff\xfb", ".mp3"), (b"\xff\xf3", ".mp3"), (b"OggS", ".ogg"),
          (b"<svg", ".svg"), (b"<?xml", ".svg"))
_AUDIO = {".mp3", ".ogg", ".wav", ".m4a", ".mp4", ".webm", ".flac", ".aac"}


class AnkiAppError(InvalidInput):
    """An AnkiApp export cannot be imported; the message names the file and place."""


@dataclass
class _Deck:
    name: str
    fields: list[str]
    front: list[str]
    back: list[str]
    #: (where, values by field name) for each note
    notes: list[tuple[str, dict[str, str]]] = field(default_factory=list)


# --- reading the export -----------------------------------------------------------------

class _Export:
    """The files of an export, zip or folder, by their relative posix path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.files: dict[str, int] = {}  # relative path → size
        if path.is_dir():
            root = path.resolve()
            for item in sorted(root.rglob("*")):
                if item.is_symlink() or not item.is_file():
                    continue
                self.files[item.relative_to(root).as_posix()] = item.stat().st_size
            return
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise AnkiAppError(f"{path.name} is not a zip file (or it is damaged): "
                               f"{exc}") from exc
        for info in infos:
            if info.is_dir():
                continue
            name = info.filename
            parts = PurePosixPath(name).parts
            if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0] \
                    or "\\" in name:
                raise AnkiAppError(f"{path.name}: entry {name!r} points outside the "
                                   "export; refusing to read it")
            if name in self.files:
                raise AnkiAppError(f"{path.name}: entry {name!r} appears twice")
            self.files[name] = info.file_size
        if sum(self.files.values()) > MAX_TOTAL_BYTES:
            raise AnkiAppError(f"{path.name} unpacks to more than {MAX_TOTAL_BYTES:,} bytes")

    def read(self, name: str, limit: int | None = None) -> bytes:
        size = self.files[name]
        if limit is not None and size > limit:
            raise AnkiAppError(f"{self.where(name)} is {size:,} bytes, more than the limit "
                               f"of {limit:,}")
        if self.zip is not None:
            try:
                return self.zip.read(name)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise AnkiAppError(f"{self.where(name)} cannot be unpacked: {exc}") from exc
        return (self.path / name).read_bytes()

    def where(self, name: str) -> str:
        return f"{self.path.name}: {name}"

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _csv_entry(export: _Export) -> str | None:
    found = sorted((n for n in export.files if PurePosixPath(n).name.lower() == CSV_NAME
                    and len(PurePosixPath(n).parts) <= 2), key=len)
    return found[0] if found else None


def _xml_entries(export: _Export) -> list[str]:
    return [n for n in export.files if n.lower().endswith(".xml")
            and len(PurePosixPath(n).parts) <= 2]


def detect(path: str | Path) -> bool:
    """True when `path` (a zip or folder) looks like an AnkiApp export."""
    path = Path(path)
    try:
        export = _Export(path)
    except (AnkiAppError, OSError):
        return False
    try:
        return _csv_entry(export) is not None or bool(_xml_entries(export))
    finally:
        export.close()


def _utf8(data: bytes, where: str) -> str:
    try:
        return _decode(data, where)
    except TextImportError as exc:
        raise AnkiAppError(str(exc)) from exc


def _read_csv(export: _Export, entry: str, deck_name: str) -> _Deck:
    text = _utf8(export.read(entry, MAX_TEXT_BYTES), export.where(entry))
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(rows)
    except StopIteration:
        raise AnkiAppError(f"{export.where(entry)} is empty: its first row must name the "
                           "fields") from None
    names = _field_names(header, export.where(entry))
    deck = _Deck(deck_name, names, names[:1], names[1:])
    line = rows.line_num
    for values in rows:
        start, line = line + 1, rows.line_num
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        if len(values) != len(names):
            raise AnkiAppError(f"{export.where(entry)}: line {start}: {len(values)} "
                               f"columns, but the header names {len(names)} fields")
        deck.notes.append((f"{export.where(entry)}: line {start}",
                           dict(zip(names, values, strict=True))))
    return deck


def _field_names(raw: list[str], where: str) -> list[str]:
    names: list[str] = []
    for value in raw:
        try:
            name = clean_field_name(value)
        except InvalidInput:
            raise AnkiAppError(f"{where}: the header has an empty field name "
                               f"(column {len(names) + 1})") from None
        if name.casefold() in {n.casefold() for n in names}:
            raise AnkiAppError(f"{where}: the header names the field {name!r} twice")
        names.append(name)
    if not names:
        raise AnkiAppError(f"{where}: the header names no fields")
    return names


def _inner_html(element: ET.Element) -> str:
    return (element.text or "") + "".join(
        ET.tostring(child, encoding="unicode", method="html") for child in element)


def _read_xml(export: _Export, entry: str) -> list[_Deck]:
    data = export.read(entry, MAX_TEXT_BYTES)
    _utf8(data, export.where(entry))  # a clear message for bad UTF-8
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise AnkiAppError(f"{export.where(entry)}: not well-formed XML ({exc})") from exc
    decks = []
    for element in ([root] if root.tag == "deck" else root.iter("deck")):
        where = f"{export.where(entry)}: deck {element.get('name', '')!r}"
        defs = element.find("fields")
        if defs is None or not len(defs):
            raise AnkiAppError(f"{where}: no <fields> naming the deck's fields")
        names = _field_names([d.get("name", "") for d in defs], where)
        sides = [d.get("sides", "") for d in defs]
        front = [n for n, s in zip(names, sides, strict=True) if s[:1] == "1"]
        back = [n for n, s in zip(names, sides, strict=True) if s[1:2] == "1"]
        if not front:
            front, back = names[:1], [n for n in names[1:] if n not in back] + back
        deck = _Deck(element.get("name") or "AnkiApp", names, front, back)
        lookup = {n.casefold(): n for n in names}
        for number, card in enumerate(element.iter("card"), 1):
            values: dict[str, str] = {}
            for child in card:
                name = lookup.get(clean_field_name(child.get("name") or "?").casefold())
                if name is None:
                    raise AnkiAppError(f"{where}: card {number}: field "
                                       f"{child.get('name')!r} is not among the deck's "
                                       f"fields ({', '.join(names)})")
                values[name] = _inner_html(child).strip()
            deck.notes.append((f"{where}: card {number}", values))
        decks.append(deck)
    return decks


def read_export(path: str | Path) -> tuple[list[_Deck], _Export]:
    """The decks and notes of an export (the caller closes the returned `_Export`)."""
    path = Path(path)
    if not path.exists():
        raise AnkiAppError(f"{path}: no such file or folder")
    export = _Export(path)
    try:
        entry = _csv_entry(export)
        if entry is not None:
            stem = path.name if path.is_dir() else path.stem
            return [_read_csv(export, entry, stem)], export
        xml_entries = _xml_entries(export)
        if not xml_entries:
            raise AnkiAppError(f"{path.name} is not an AnkiApp export: it has no {CSV_NAME} "
                               "(nor a deck .xml file)")
        decks = [d for e in sorted(xml_entries) for d in _read_xml(export, e)]
        return decks, export
    except BaseException:
        export.close()
        raise


# --- media --------------------------------------------------------------------------------

def _extension(data: bytes) -> str:
    head = data[:64].lstrip()
    for magic, ext in _MAGIC:
        if head.startswith(magic):
            return ext
    if data[:4] == b"RIFF":
        return ".webp" if data[8:12] == b"WEBP" else ".wav"
    if data[4:8] == b"ftyp":
        return ".m4a" if data[8:11] == b"M4A" else ".mp4"
    if data[:4] == b"\x1aE\xdf\xa3":
        return ".webm"
    return ""


class _Media:
    """Incoming media: found by reference name, staged by content, named for our folder."""

    def __init__(self, col: Collection, export: _Export, staging: Path,
                 summary: ImportSummary) -> None:
        self.col, self.export, self.staging, self.summary = col, export, staging, summary
        self.by_name: dict[str, str] = {}
        for name in export.files:
            if PurePosixPath(name).name.lower() == CSV_NAME or name.lower().endswith(".xml"):
                continue
            self.by_name.setdefault(PurePosixPath(name).name, name)
        self.final: dict[str, str] = {}    # reference → name in the media folder
        self.by_sha1: dict[str, str] = {}  # content → name in the media folder
        self.staged: dict[str, Path] = {}  # name in the media folder → staged file
        self.moved: list[Path] = []

    def resolve(self, ref: str, where: str) -> str | None:
        """Our media-folder name for a reference, or None for a remote URL."""
        if ref in self.final:
            return self.final[ref]
        if re.match(r"^[a-z][a-z0-9+.-]*://", ref, re.IGNORECASE) or ref.startswith("data:"):
            return None
        entry = self.by_name.get(ref)
        if entry is None:
            raise AnkiAppError(f"{where}: refers to the media file {ref!r}, which is not in "
                               "the export")
        data = self.export.read(entry)
        sha1 = hashlib.sha1(data).hexdigest()
        name = self.by_sha1.get(sha1)
        if name is None:
            name = self._place(ref, data, sha1, where)
            self.by_sha1[sha1] = name
        self.final[ref] = name
        return name

    def _place(self, ref: str, data: bytes, sha1: str, where: str) -> str:
        wanted = ref if "." in ref else ref + _extension(data)
        name = media.safe_media_name(wanted)
        if name is None:
            raise AnkiAppError(f"{where}: unsafe media file name {ref!r}")
        folder = self.col.media_folder
        for candidate in (name, media.renamed_with_hash(name, sha1)):
            target = folder / candidate
            if candidate in self.staged:
                if hashlib.sha1(self.staged[candidate].read_bytes()).hexdigest() == sha1:
                    return candidate
                continue
            if target.exists():
                if media.sha1_of_file(target) == sha1:
                    self.summary.media_unchanged += 1
                    return candidate
                continue
            staged = self.staging / candidate
            staged.write_bytes(data)
            self.staged[candidate] = staged
            if candidate != name:
                self.summary.media_renamed[wanted] = candidate
            return candidate
        raise AnkiAppError(f"{where}: cannot find a free name for media file {ref!r}")

    def move_in(self, progress: Progress) -> None:
        folder = self.col.media_folder
        folder.mkdir(parents=True, exist_ok=True)
        total = len(self.staged)
        for i, (name, staged) in enumerate(self.staged.items(), 1):
            os.replace(staged, folder / name)
            self.moved.append(folder / name)
            self.summary.media_added.append(name)
            progress("media", i, total)

    def take_back(self) -> None:
        for path in self.moved:
            path.unlink(missing_ok=True)


def _rewrite(text: str, files: _Media, where: str) -> str:
    """AnkiApp's blob references become Anki's; every local reference gets our name."""
    def blob(m: re.Match[str]) -> str:
        name = files.resolve(m.group(1), where)
        if name is None:
            return m.group(0)
        return f"[sound:{name}]" if Path(name).suffix.lower() in _AUDIO else \
            f'<img src="{name}">'

    def tag(m: re.Match[str]) -> str:
        if "src" in (m.group(2) + m.group(4)).lower():
            return m.group(0)  # an ordinary tag that happens to have an id
        name = files.resolve(m.group(3), where)
        if name is None:
            return m.group(0)
        if m.group(1).lower() == "img":
            return f'<img src="{name}">'
        return f"[sound:{name}]"

    if media.may_refer(text):  # (first: the names written below are already ours)
        text = media.rewrite_references(text, lambda ref: files.resolve(ref, where))
    return _ID_TAG.sub(tag, _BLOB.sub(blob, text))


# --- writing notes ----------------------------------------------------------------------

def _notetype(col: Collection, deck: _Deck, summary: ImportSummary) -> NoteType:
    wanted = [n.casefold() for n in deck.fields]
    for ntid, in col.db.execute("SELECT id FROM notetypes WHERE kind = ? ORDER BY id",
                                (KIND_NORMAL,)):
        nt = col.notetypes.get(ntid)
        if [f.name.casefold() for f in nt.fields] == wanted:
            return nt
    front = "<br>".join(f"{{{{{n}}}}}" for n in deck.front)
    back = "{{FrontSide}}\n\n<hr id=answer>\n\n" + "<br>".join(
        f"{{{{{n}}}}}" for n in deck.back)
    nt = NoteType(name=f"{deck.name} (AnkiApp)", fields=[Field(n) for n in deck.fields],
                  templates=[Template("Card 1", front, back)], css=CSS)
    nt = col.notetypes.add(nt)
    summary.notetypes_added.append(nt.name)
    return nt


def _existing(col: Collection, ntid: int) -> set[tuple[int, str]]:
    return {(csum, flds) for csum, flds in col.db.execute(
        "SELECT csum, flds FROM notes WHERE ntid = ?", (ntid,))}


@dataclass
class AnkiAppOptions:
    #: put every card in this deck instead of the export's deck(s)
    deck: str | None = None
    #: do everything, report it, then roll it back
    dry_run: bool = False


class _DryRun(Exception):
    pass


def import_ankiapp(col: Collection, path: str | Path, options: AnkiAppOptions | None = None,
                   progress: Progress | None = None) -> ImportSummary:
    """Import an AnkiApp export (zip or folder); returns what happened (module doc)."""
    opt = options or AnkiAppOptions()
    report = progress or (lambda stage, done, total: None)
    path = Path(path)
    summary = ImportSummary(file=path.name, dry_run=opt.dry_run)
    decks, export = read_export(path)
    total = sum(len(d.notes) for d in decks)
    summary.found_notes = total
    staging = Path(tempfile.mkdtemp(prefix=".import-staging-", dir=col.media_folder.parent))
    files = _Media(col, export, staging, summary)
    try:
        with col.op("Import"):
            done = 0
            for deck in decks:
                deck_name = opt.deck or deck.name
                # As Anki compares deck names: "DÉJÀ::VU" is the existing "Déjà::Vu".
                existed = col.decks.find(deck_name)
                did = col.decks.id(deck_name)
                if not existed:
                    summary.decks_added.append(deck_name)
                nt = _notetype(col, deck, summary)
                have = _existing(col, nt.id)
                for where, values in deck.notes:
                    done += 1
                    fields = [_rewrite(values.get(n, ""), files, where) for n in deck.fields]
                    key = (field_checksum(fields[0]), FIELD_SEPARATOR.join(fields))
                    if not fields[0].strip():
                        summary.skipped.append((where, "the first field is empty"))
                    elif key in have:
                        summary.duplicate.append(where)
                    else:
                        note = col.new_note(nt)
                        note.fields = fields
                        summary.cards_added += len(col.add_note(note, did))
                        summary.added.append(note.guid)
                        have.add(key)
                    if done % 100 == 0 or done == total:
                        report("notes", done, total)
            if opt.dry_run:
                summary.media_added = list(files.staged)
                raise _DryRun
            files.move_in(report)
    except _DryRun:
        pass
    except BaseException:
        files.take_back()
        raise
    finally:
        export.close()
        shutil.rmtree(staging, ignore_errors=True)
        col.notetypes.forget_cache()
    return summary
