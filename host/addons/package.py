"""Add-on packages (`.repetend-addon` / `.zip`) and folders: checked whole, then copied.

An add-on package is untrusted input until its checks pass, and every check here reads only
the zip's central directory (plus `manifest.json`), so a refused package writes nothing at
all. Refused: entries that would land outside the add-on folder (`../`, absolute paths,
drive letters, backslashes), links and device files, encrypted entries, duplicate names,
too many files, a file or a total over the size limits, a compression ratio only a zip bomb
has, and a missing or invalid manifest. Extraction then re-counts the bytes it writes, so a
lying header cannot slip past the limits either.

The layout is Anki's (ANKI-FACTS §8.5): the add-on's files at the zip's root. A zip whose
files all sit in one top folder (GitHub's "Download ZIP") is accepted as if that folder were
the root. `__pycache__/`, macOS's `__MACOSX/` resource forks and a shipped `meta.json` (the
user's state, never the author's) are skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from repetend.core.errors import InvalidInput
from repetend.host.addons.manifest import (
    MANIFEST_FILE,
    Manifest,
    ManifestError,
    parse_manifest_text,
)
from repetend.host.addons.meta import META_FILE

#: File name endings accepted as add-on packages.
PACKAGE_SUFFIXES = (".repetend-addon", ".zip")
INIT_FILE = "__init__.py"
_MAX_MANIFEST_BYTES = 64 * 1024
_CHUNK = 1 << 16
_DRIVE = re.compile(r"[A-Za-z]:")


class PackageError(InvalidInput):
    """An add-on package or folder was refused; the message says why."""


@dataclass(frozen=True)
class Limits:
    """Size limits for one add-on. Generous for real add-ons (the largest AnkiWeb add-ons
    bundle dictionaries of tens of MB), far below what a bomb would unpack to."""

    max_files: int = 10_000
    max_file_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024
    #: Uncompressed/compressed above this, for a file larger than `ratio_floor`, is a bomb:
    #: text compresses about 10:1, only runs of one byte reach hundreds to one.
    max_ratio: int = 200
    ratio_floor: int = 1024 * 1024


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Member:
    """One file to copy: its path inside the add-on and where it comes from."""

    path: str  # relative, "/"-separated, checked
    source: str  # the zip entry name, or the absolute path of the file in a source folder
    size: int


@dataclass(frozen=True)
class CheckedAddon:
    """An add-on that passed every check and can be copied with `extract`."""

    manifest: Manifest
    members: tuple[Member, ...]
    zip_path: Path | None  # None when it comes from a folder


def check_zip(path: Path, limits: Limits = DEFAULT_LIMITS) -> CheckedAddon:
    """Check a package without writing anything; PackageError with the reason if refused."""
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise PackageError(f"{path.name} is not a readable zip file ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_files:
            raise PackageError(f"it holds {len(infos)} entries; the limit is {limits.max_files}")
        seen: set[str] = set()
        entries: list[zipfile.ZipInfo] = []
        for info in infos:
            _check_name(info.filename)
            folded = info.filename.rstrip("/").casefold()
            if folded in seen:
                raise PackageError(f"the entry {info.filename!r} appears twice")
            seen.add(folded)
            _check_zip_entry_type(info)
            if not info.is_dir():
                entries.append(info)
        entries = [i for i in entries if not i.filename.startswith("__MACOSX/")]
        prefix = _root_prefix([i.filename for i in entries])
        members: list[Member] = []
        total = 0
        for info in entries:
            rel = info.filename[len(prefix):]
            if _skipped(rel):
                continue
            _check_size(rel, info.file_size, limits)
            if (info.file_size > limits.ratio_floor
                    and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
                raise PackageError(
                    f"{rel!r} unpacks {info.file_size // max(info.compress_size, 1)} times "
                    "larger than it is packed: refused as a zip bomb")
            total += info.file_size
            if total > limits.max_total_bytes:
                raise PackageError(f"it unpacks to more than {_mib(limits.max_total_bytes)}")
            members.append(Member(rel, info.filename, info.file_size))
        manifest_entry = next((m for m in members if m.path == MANIFEST_FILE), None)
        raw = None
        if manifest_entry is not None:
            if manifest_entry.size > _MAX_MANIFEST_BYTES:
                raise PackageError("manifest.json is too large")
            try:
                raw = zf.read(manifest_entry.source)
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:  # RuntimeError: password
                raise PackageError(f"manifest.json cannot be read ({exc})") from None
    return _finish(members, raw, zip_path=path)


def check_folder(folder: Path, limits: Limits = DEFAULT_LIMITS) -> CheckedAddon:
    """Check an add-on folder on disk the same way (no links, sizes, manifest)."""
    if not folder.is_dir():
        raise PackageError(f"{folder} is not a folder")
    members: list[Member] = []
    total = 0
    for root, dirs, files in os.walk(folder, followlinks=False):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", ".git"))
        for name in [*dirs, *sorted(files)]:
            full = here / name
            rel = full.relative_to(folder).as_posix()
            mode = full.lstat().st_mode
            if stat.S_ISLNK(mode):
                raise PackageError(f"{rel!r} is a link; add-ons may not contain links")
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                raise PackageError(f"{rel!r} is not a regular file")
            if _skipped(rel):
                continue
            size = full.stat().st_size
            _check_size(rel, size, limits)
            total += size
            if total > limits.max_total_bytes:
                raise PackageError(f"it is larger than {_mib(limits.max_total_bytes)}")
            if len(members) >= limits.max_files:
                raise PackageError(f"it holds more than {limits.max_files} files")
            members.append(Member(rel, str(full), size))
    manifest_path = folder / MANIFEST_FILE
    raw = manifest_path.read_bytes() if manifest_path.is_file() else None
    return _finish(members, raw, zip_path=None)


def extract(checked: CheckedAddon, dest: Path, *, skip_existing_under: Path | None = None,
            limits: Limits = DEFAULT_LIMITS) -> None:
    """Copy a checked add-on into the new folder `dest` (which must not exist yet).

    Bytes are counted as they are written: a file larger than it declared is refused even
    if its zip header lied. The caller stages `dest` in a temporary folder and removes it
    on any error, so a failed copy never leaves a half add-on in place.
    """
    dest.mkdir(parents=True)
    root = dest.resolve()
    zf = zipfile.ZipFile(checked.zip_path) if checked.zip_path is not None else None
    try:
        for member in checked.members:
            target = dest.joinpath(*member.path.split("/"))
            if not target.resolve().is_relative_to(root):  # checked already; never trust once
                raise PackageError(f"{member.path!r} would be written outside the add-on")
            target.parent.mkdir(parents=True, exist_ok=True)
            src = (zf.open(member.source) if zf is not None
                   else open(member.source, "rb"))  # noqa: SIM115 - closed below
            with src, open(target, "xb") as out:
                written = 0
                while chunk := src.read(_CHUNK):
                    written += len(chunk)
                    if written > member.size or written > limits.max_file_bytes:
                        raise PackageError(f"{member.path!r} is larger than it declares")
                    out.write(chunk)
    except (zipfile.BadZipFile, RuntimeError) as exc:
        raise PackageError(f"the package is damaged ({exc})") from None
    finally:
        if zf is not None:
            zf.close()


def copy_tree(src: Path, dest: Path) -> None:
    """Copy a folder the user owns (user_files) without following links."""
    shutil.copytree(src, dest, symlinks=True, dirs_exist_ok=True)


def _finish(members: list[Member], raw_manifest: bytes | None, *,
            zip_path: Path | None) -> CheckedAddon:
    try:
        manifest = parse_manifest_text(raw_manifest)
    except ManifestError as exc:
        raise PackageError(str(exc)) from None
    if not any(m.path == INIT_FILE for m in members):
        raise PackageError(f"{INIT_FILE} is missing at the top of the add-on")
    return CheckedAddon(manifest, tuple(members), zip_path)


def _check_name(name: str) -> None:
    if "\x00" in name or "\\" in name:
        raise PackageError(f"the entry {name!r} has a backslash or NUL in its name")
    if name.startswith("/") or _DRIVE.match(name):
        raise PackageError(f"the entry {name!r} has an absolute path")
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        raise PackageError(f"the entry {name!r} points outside the add-on (..)")
    if any(part in ("", ".") or ":" in part for part in parts):
        raise PackageError(f"the entry {name!r} has an invalid path")


def _check_zip_entry_type(info: zipfile.ZipInfo) -> None:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if stat.S_ISLNK(mode):
        raise PackageError(f"the entry {info.filename!r} is a link; "
                           "add-ons may not contain links")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise PackageError(f"the entry {info.filename!r} is not a regular file")
    if info.flag_bits & 0x1:
        raise PackageError(f"the entry {info.filename!r} is encrypted")


def _check_size(rel: str, size: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise PackageError(f"{rel!r} is {_mib(size)}; the limit per file is "
                           f"{_mib(limits.max_file_bytes)}")


def _root_prefix(names: list[str]) -> str:
    """"" for Anki's layout; "top/" when everything sits in one folder holding the manifest."""
    if MANIFEST_FILE in names:
        return ""
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) == 1 and all("/" in n for n in names):
        prefix = tops.pop() + "/"
        if prefix + MANIFEST_FILE in names:
            return prefix
    return ""


def _skipped(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    return "__pycache__" in parts or rel.endswith((".pyc", ".pyo")) or rel == META_FILE


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"
