"""Reading Anki package zips (.apkg / .colpkg): layout, validation, media map, zstd.

Everything is checked before anything is imported: the zip itself, every entry name
(no folders, `..` or absolute paths, no duplicates), sizes (against `limits`), the
collection file and the media map. Each problem is a `PackageError` whose message says
what is wrong and where (`deck.apkg: entry '../x': ...`).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from repetend.core.errors import RepetendError
from repetend.core.importing import messages as m
from repetend.core.importing.media import safe_media_name
from repetend.core.importing.protobuf import ProtobufError, decode

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
COLLECTION_FILES = ("collection.anki21b", "collection.anki21", "collection.anki2")
CHUNK = 1 << 20


class PackageError(RepetendError):
    """A package cannot be read: not a zip, damaged, unsafe, incomplete or too large."""


@dataclass
class Limits:
    """Refuse packages beyond these sizes (zip bombs, runaway files)."""

    max_entry_bytes: int = 4 << 30        # one unpacked entry
    max_total_bytes: int = 16 << 30       # everything unpacked together
    max_entries: int = 1_000_000


limits = Limits()


def zstd_module():  # pragma: no cover - trivial
    try:
        import zstandard
    except ImportError as exc:
        raise PackageError("reading and writing modern Anki packages needs the 'zstandard' "
                           "package (pip install zstandard)") from exc
    return zstandard


@dataclass
class MediaEntry:
    """One media file of a package: `index` is its zip entry name ("0", "1", …)."""

    index: str
    name: str
    size: int | None = None
    sha1: bytes | None = None


@dataclass
class Package:
    path: Path
    zip: zipfile.ZipFile
    version: int
    collection_entry: str
    media: list[MediaEntry] = field(default_factory=list)
    _unpacked: int = 0

    @property
    def zstd(self) -> bool:
        return self.version >= m.VERSION_LATEST

    def where(self, entry: str | None = None) -> str:
        return f"{self.path.name}: entry {entry!r}" if entry else self.path.name

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading entries -------------------------------------------------------------

    def _count(self, n: int, entry: str) -> None:
        self._unpacked += n
        if self._unpacked > limits.max_total_bytes:
            raise PackageError(f"{self.where(entry)}: the package unpacks to more than "
                               f"{limits.max_total_bytes:,} bytes; refusing it as too large")

    def _chunks(self, entry: str, compressed: bool) -> Iterator[bytes]:
        try:
            raw = self.zip.open(entry)
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
            raise PackageError(f"{self.where(entry)} cannot be read: {exc}") from exc
        total = 0
        try:
            with raw:
                source: IO[bytes] = raw
                if compressed:
                    head = raw.read(4)
                    if head != ZSTD_MAGIC:
                        raise PackageError(f"{self.where(entry)} is not zstd-compressed, as "
                                           "a modern package's entries must be")
                    zstd = zstd_module()
                    reader = zstd.ZstdDecompressor().stream_reader(
                        _Prefixed(head, raw), read_across_frames=True)
                    source = reader  # type: ignore[assignment]
                while True:
                    try:
                        chunk = source.read(CHUNK)
                    except PackageError:
                        raise
                    except Exception as exc:  # zlib/zstd/zip errors of a damaged entry
                        raise PackageError(f"{self.where(entry)} is damaged: {exc}") from exc
                    if not chunk:
                        break
                    total += len(chunk)
                    if total > limits.max_entry_bytes:
                        raise PackageError(f"{self.where(entry)} unpacks to more than "
                                           f"{limits.max_entry_bytes:,} bytes; refusing it "
                                           "as too large")
                    self._count(len(chunk), entry)
                    yield chunk
        except (zipfile.BadZipFile, EOFError) as exc:
            raise PackageError(f"{self.where(entry)} is damaged: {exc}") from exc

    def read(self, entry: str, compressed: bool | None = None) -> bytes:
        return b"".join(self._chunks(entry, self.zstd if compressed is None else compressed))

    def extract(self, entry: str, dest: Path, compressed: bool | None = None) -> str:
        """Write an entry (decompressed) to `dest`; returns its SHA-1 hex."""
        digest = hashlib.sha1()
        with dest.open("wb") as out:
            for chunk in self._chunks(entry, self.zstd if compressed is None else compressed):
                digest.update(chunk)
                out.write(chunk)
        return digest.hexdigest()

    def media_sha1(self, media: MediaEntry) -> str:
        if media.sha1 is not None:
            return media.sha1.hex()
        digest = hashlib.sha1()
        for chunk in self._chunks(media.index, self.zstd):
            digest.update(chunk)
        media.sha1 = digest.digest()
        return digest.hexdigest()

    def extract_collection(self, dest: Path) -> None:
        compressed = self.collection_entry == "collection.anki21b"
        self.extract(self.collection_entry, dest, compressed=compressed)


class _Prefixed:
    """A file-like object that yields `head` and then the rest of `raw`."""

    def __init__(self, head: bytes, raw: IO[bytes]) -> None:
        self.head, self.raw = head, raw

    def read(self, n: int = -1) -> bytes:
        if self.head:
            out, self.head = self.head, b""
            if n < 0:
                return out + self.raw.read()
            return out + self.raw.read(max(n - len(out), 0))
        return self.raw.read(n)


def check_entry_name(name: str, where: str) -> None:
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name.split("/")[0] \
            or any(part in ("..", ".") for part in name.split("/")) or "\x00" in name:
        raise PackageError(f"{where}: entry {name!r} has an unsafe name (absolute path, "
                           "'..' or a drive); refusing the package")


def open_package(path: str | Path) -> Package:
    """Open and validate a package; the caller closes it (or uses `with`)."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise PackageError(f"{path}: no such file")
    if path.is_dir():
        raise PackageError(f"{path} is a folder, not a package file")
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise PackageError(f"{path}: cannot read it: {exc.strerror}") from exc
    if head[:2] != b"PK":
        raise PackageError(f"{name} is not an Anki package: it is not a zip file")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise PackageError(f"{name} is damaged or incomplete (truncated zip?): {exc}") from exc
    except OSError as exc:
        raise PackageError(f"{name} cannot be read: {exc}") from exc
    try:
        return _validate(path, zf)
    except BaseException:
        zf.close()
        raise


def _validate(path: Path, zf: zipfile.ZipFile) -> Package:
    name = path.name
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise PackageError(f"{name} has {len(infos):,} entries, more than the limit of "
                           f"{limits.max_entries:,}")
    seen: set[str] = set()
    total = 0
    for info in infos:
        check_entry_name(info.filename, name)
        if info.filename in seen:
            raise PackageError(f"{name}: entry {info.filename!r} appears twice; the package "
                               "is ambiguous")
        seen.add(info.filename)
        if info.file_size > limits.max_entry_bytes:
            raise PackageError(f"{name}: entry {info.filename!r} would unpack to "
                               f"{info.file_size:,} bytes, more than the limit of "
                               f"{limits.max_entry_bytes:,}")
        total += info.file_size
    if total > limits.max_total_bytes:
        raise PackageError(f"{name} would unpack to {total:,} bytes, more than the limit "
                           f"of {limits.max_total_bytes:,}")
    pkg = Package(path, zf, 0, "")
    if "meta" in seen:
        try:
            version = decode(m.PACKAGE_METADATA, pkg.read("meta", compressed=False))["version"]
        except ProtobufError as exc:
            raise PackageError(f"{name}: entry 'meta' is not valid package metadata: "
                               f"{exc}") from exc
        if version not in (m.VERSION_LEGACY_1, m.VERSION_LEGACY_2, m.VERSION_LATEST):
            raise PackageError(f"{name} was written by a newer Anki (package version "
                               f"{version}); Repetend reads versions 1 to 3")
    elif "collection.anki21" in seen:
        version = m.VERSION_LEGACY_2
    else:
        version = m.VERSION_LEGACY_1
    pkg.version = version
    wanted = {m.VERSION_LATEST: "collection.anki21b", m.VERSION_LEGACY_2: "collection.anki21",
              m.VERSION_LEGACY_1: "collection.anki2"}[version]
    if wanted not in seen:
        present = [c for c in COLLECTION_FILES if c in seen]
        if not present:
            raise PackageError(f"{name} contains no collection (expected one of "
                               f"{', '.join(COLLECTION_FILES)}); it is not an Anki package")
        raise PackageError(f"{name}: its metadata says version {version}, which keeps the "
                           f"collection in {wanted}, but that entry is missing")
    pkg.collection_entry = wanted
    pkg.media = _read_media_map(pkg, seen)
    return pkg


def _read_media_map(pkg: Package, entries: set[str]) -> list[MediaEntry]:
    name = pkg.path.name
    if "media" not in entries:
        return []
    raw = pkg.read("media")
    media: list[MediaEntry] = []
    if pkg.zstd:
        try:
            decoded = decode(m.MEDIA_ENTRIES, raw)
        except ProtobufError as exc:
            raise PackageError(f"{name}: the media map (entry 'media') is damaged: "
                               f"{exc}") from exc
        for i, e in enumerate(decoded["entries"]):
            index = str(e["legacy_zip_filename"] if e["legacy_zip_filename"] is not None
                        else i)
            media.append(MediaEntry(index, e["name"], e["size"], e["sha1"] or None))
    else:
        try:
            mapping = json.loads(raw.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError) as exc:
            raise PackageError(f"{name}: the media map (entry 'media') is not valid JSON: "
                               f"{exc}") from exc
        if not isinstance(mapping, dict):
            raise PackageError(f"{name}: the media map (entry 'media') is not a JSON object")
        for index, fname in mapping.items():
            if not isinstance(fname, str):
                raise PackageError(f"{name}: media map entry {index!r} is not a file name")
            media.append(MediaEntry(str(index), fname))
    seen_names: set[str] = set()
    for entry in media:
        if entry.index not in entries:
            raise PackageError(f"{name}: the media map lists {entry.name!r} as entry "
                               f"{entry.index!r}, but the package has no such entry")
        if entry.name in ("media", "meta") or entry.index in COLLECTION_FILES + ("media",
                                                                                 "meta"):
            raise PackageError(f"{name}: media map entry {entry.index!r} ({entry.name!r}) "
                               "points at a package file, not a media file")
        safe = safe_media_name(entry.name)
        if safe is None:
            raise PackageError(f"{name}: media map entry {entry.index!r} has an unsafe file "
                               f"name {entry.name!r}")
        if safe in seen_names:
            raise PackageError(f"{name}: the media map names {safe!r} twice")
        seen_names.add(safe)
        entry.name = safe
        if entry.sha1 is not None and len(entry.sha1) != 20:
            raise PackageError(f"{name}: media map entry {entry.index!r} ({entry.name!r}) "
                               "has a malformed SHA-1")
    return media
