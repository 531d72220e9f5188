"""Tools → Check Media: the media folder compared with what the notes' fields refer to.

The check itself repairs what Anki's does (ANKI-FACTS §10): files whose names are not
normalized are renamed and the fields that refer to them rewritten, and inline
`data:image/…;base64` images in fields are written out as `paste-<sha1>.<ext>`; those field
changes are ONE undoable operation, "Check Media". The images Anki generated for the
fields' LaTeX (`latex-<sha1>.png|svg`) count as used, and as missing when absent, as in Anki.
The report lists missing, unused, renamed, oversized files and subfolders in Anki's words
and order. Unused files go to the trash folder (`media.trash/`, beside the media folder) and
can be restored from it; notes that refer to missing files can be tagged `missing-media`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from repetend.core.ids import intTime
from repetend.core.importing.latex import latex_images, may_have_latex
from repetend.core.importing.media import (
    may_refer,
    normalize_name,
    references,
    renamed_with_hash,
    rewrite_references,
    sha1_of_file,
)
from repetend.core.notes import FIELD_SEPARATOR
from repetend.core.sizes import MIB
from repetend.core.template.cloze import cloze_numbers_in_string, reveal_cloze_text

if TYPE_CHECKING:
    from repetend.core.collection import Collection

OP_CHECK = "Check Media"
OP_TAG_MISSING = "Tag Missing"
MISSING_TAG = "missing-media"
#: Files larger than this cannot be synced with AnkiWeb.
MAX_SYNC_BYTES = 100 * MIB
#: Never reported, never moved: system litter.
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_INLINE = re.compile(r"^data:image/(jpg|jpeg|png|gif|webp|avif);base64,(.*)$",
                     re.IGNORECASE | re.DOTALL)


@dataclass
class MediaCheckResult:
    """What the check found; `report()` is the text Anki shows."""

    missing: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    oversize: list[str] = field(default_factory=list)
    dirs: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    #: notes whose fields refer to a missing file (for Tag Missing)
    missing_note_ids: list[int] = field(default_factory=list)
    trash_count: int = 0
    trash_bytes: int = 0

    def report(self) -> str:
        """Counts, then the detail sections, in Anki's order and wording."""
        lines = []
        if self.trash_count:
            # Anki's own line, byte for byte ("1 file, 1.43MB"), not `sizes.format_size`'s
            files = "file" if self.trash_count == 1 else "files"
            lines.append(f"Trash folder: {self.trash_count} {files}, "
                         f"{self.trash_bytes / MIB:.2f}MB")
        lines.append(f"Missing files: {len(self.missing)}")
        lines.append(f"Unused files: {len(self.unused)}")
        if self.extracted:
            lines.append(f"Extracted images: {len(self.extracted)}")
        if self.renamed:
            lines.append(f"Renamed files: {len(self.renamed)}")
        if self.oversize:
            lines.append(f"Over 100MB: {len(self.oversize)}")
        if self.dirs:
            lines.append(f"Subfolders: {len(self.dirs)}")
        sections = [
            ("Some files have been renamed for compatibility:",
             [f"Renamed: {old} -> {new}" for old, new in sorted(self.renamed.items())]),
            ("Files over 100MB can not be synced with AnkiWeb.",
             [f"Over 100MB: {name}" for name in self.oversize]),
            ("Folders inside the media folder are not supported.",
             [f"Folder: {name}" for name in self.dirs]),
            ("The following files are referenced by cards, but were not found in the media "
             "folder:", [f"Missing: {name}" for name in self.missing]),
            ("The following files were found in the media folder, but do not appear to be "
             "used on any cards:", [f"Unused: {name}" for name in self.unused]),
        ]
        for title, items in sections:
            if items:
                lines += ["", title, *items]
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {"missing": self.missing, "unused": self.unused, "renamed": self.renamed,
                "oversize": self.oversize, "dirs": self.dirs, "extracted": self.extracted,
                "missing_note_ids": self.missing_note_ids, "trash_count": self.trash_count,
                "trash_bytes": self.trash_bytes, "report": self.report()}


def trash_folder(col: Collection) -> Path:
    """`media.trash/` in the profile folder, beside `collection.media/` (as in Anki)."""
    return col.media_folder.parent / "media.trash"


def check_media(col: Collection) -> MediaCheckResult:
    """Scan the folder and the fields; rename, extract and rewrite as Anki does."""
    result = MediaCheckResult()
    folder = col.media_folder
    folder.mkdir(parents=True, exist_ok=True)
    files = _scan_folder(folder, result)
    with col.op(OP_CHECK):
        note_refs = _scan_notes(col, folder, files, result)
    used = {ref for _, refs in note_refs for ref in refs}
    result.missing = sorted(name for name in used if name not in files)
    # `_x` files are for templates and CSS, which the check does not read
    result.unused = sorted(name for name in files
                           if name not in used and not name.startswith("_"))
    missing = set(result.missing)
    if missing:
        result.missing_note_ids = [nid for nid, refs in note_refs
                                   if not missing.isdisjoint(refs)]
    result.trash_count, result.trash_bytes = _trash_size(trash_folder(col))
    return result


def _scan_folder(folder: Path, result: MediaCheckResult) -> set[str]:
    """The usable files, renaming those whose names are not normalized."""
    files: set[str] = set()
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    names = {p.name for p in entries}
    for entry in entries:
        name = entry.name
        if entry.is_dir():
            result.dirs.append(name)
            continue
        if name in IGNORED_NAMES or not entry.is_file():
            continue
        size = entry.stat().st_size
        if size == 0:
            continue
        wanted = normalize_name(name)
        # `Here.jpg` beside `here.jpg` clashes on case-insensitive file systems: it moves
        # to the lowercase name, or `here-<sha1>.jpg` when that holds other content.
        if wanted.lower() != wanted and wanted.lower() in names:
            wanted = wanted.lower()
        if wanted and wanted != name:
            name = _move(entry, entry.parent, wanted)
            result.renamed[entry.name] = name
            names.add(name)
        if size > MAX_SYNC_BYTES:
            # as in Anki, such a file is left out: a note using it reports it missing
            result.oversize.append(name)
            continue
        files.add(name)
    return files


def _move(entry: Path, folder: Path, wanted: str) -> str:
    """Move `entry` to `folder/wanted` and return the name it got there: a name taken by
    the same content drops `entry`, by other content it gets Anki's `-<sha1>` name."""
    target = folder / wanted
    if target.exists():
        digest = sha1_of_file(entry)
        if sha1_of_file(target) == digest:
            entry.unlink()
            return wanted
        wanted = renamed_with_hash(wanted, digest)
        target = folder / wanted
    shutil.move(str(entry), str(target))
    return wanted


def _scan_notes(col: Collection, folder: Path, files: set[str],
                result: MediaCheckResult) -> list[tuple[int, list[str]]]:
    """The files each note's fields refer to (notes that refer to none left out), after
    rewriting renamed references and inline images.

    Each field is read on its own, as Anki does: a `[sound:` or quote left open at the end
    of one field does not run into the next (a rewrite across the separator would have
    merged two fields into one). A note is parsed once; only one whose fields change is
    parsed again, for the names it refers to now. Its LaTeX images are named from the
    fields as they end up, with clozes revealed (ANKI-FACTS §10)."""
    note_refs: list[tuple[int, list[str]]] = []
    now = intTime()

    def rename(ref: str) -> str | None:
        inline = _INLINE.match(ref)
        if inline:
            return _extract(folder, inline.group(1), inline.group(2), files, result)
        if ref in result.renamed:
            return result.renamed[ref]
        normalized = normalize_name(ref)
        if normalized != ref and normalized in files:
            return normalized
        return None

    svg = {nt.id: nt.latex_svg for nt in col.notetypes.all()}
    rows = col.db.execute("SELECT id, ntid, flds FROM notes").fetchall()
    for nid, ntid, flds in rows:
        media, latex = may_refer(flds), may_have_latex(flds)
        if not media and not latex:  # no media tag, sound, inline image or LaTeX anywhere
            continue
        fields = flds.split(FIELD_SEPARATOR)
        refs = [ref for text in fields for ref in references(text)] if media else []
        if media and (result.renamed or "data:image" in flds or
                      any(normalize_name(ref) != ref for ref in refs)):
            new = [rewrite_references(text, rename) for text in fields]
            if new != fields:
                col.db.execute("UPDATE notes SET flds = ?, mtime = ?, usn = -1 WHERE id = ?",
                               (FIELD_SEPARATOR.join(new), now, nid))
                refs = [ref for text in new for ref in references(text)]
                fields = new
        if latex:
            refs += [name for text in fields if may_have_latex(text)
                     for name in latex_images(_reveal_clozes(text), svg.get(ntid, False))]
        if refs:
            note_refs.append((nid, refs))
    return note_refs


def _reveal_clozes(text: str) -> str:
    """The field as every card shows it, question and answer, one after the other: Anki
    counts the LaTeX images of clozed text this way (a deletion inside `[$]…[/$]`, a hint)."""
    if "{{c" not in text:
        return text
    return "".join(reveal_cloze_text(text, number, question)
                   for number in sorted(cloze_numbers_in_string(text))
                   for question in (True, False))


def _extract(folder: Path, ext: str, payload: str, files: set[str],
             result: MediaCheckResult) -> str | None:
    try:
        data = base64.b64decode(payload.strip(), validate=False)
    except (binascii.Error, ValueError):
        return None
    name = f"paste-{hashlib.sha1(data).hexdigest()}.{ext.lower()}"
    target = folder / name
    if not target.exists():
        target.write_bytes(data)
    files.add(name)
    if name not in result.extracted:
        result.extracted.append(name)
    return name


def _trash_size(trash: Path) -> tuple[int, int]:
    if not trash.is_dir():
        return 0, 0
    sizes = [p.stat().st_size for p in trash.iterdir() if p.is_file()]
    return len(sizes), sum(sizes)


def delete_unused(col: Collection, names: list[str]) -> int:
    """Move these files to the trash folder (Anki's Delete Unused); returns how many."""
    folder, trash = col.media_folder, trash_folder(col)
    trash.mkdir(parents=True, exist_ok=True)
    moved = 0
    for name in names:
        source = folder / name
        if not source.is_file() or source.parent != folder:
            continue
        target = trash / name
        if target.exists():
            target = trash / renamed_with_hash(name, sha1_of_file(source))
        shutil.move(str(source), str(target))
        moved += 1
    return moved


def empty_trash(col: Collection) -> int:
    """Delete the trash folder's files for good; returns how many."""
    trash = trash_folder(col)
    if not trash.is_dir():
        return 0
    removed = 0
    for entry in trash.iterdir():
        if entry.is_file():
            entry.unlink()
            removed += 1
    return removed


def restore_trash(col: Collection) -> int:
    """Move the trash back into the media folder (Restore Deleted): a name taken by the
    same content drops the trash copy, by other content the file gets a `-<sha1>` name."""
    trash, folder = trash_folder(col), col.media_folder
    if not trash.is_dir():
        return 0
    restored = 0
    for entry in sorted(trash.iterdir()):
        if entry.is_file():
            _move(entry, folder, entry.name)
            restored += 1
    return restored


def tag_missing(col: Collection, result: MediaCheckResult) -> int:
    """Tag the notes that refer to missing files `missing-media`, as one undoable step."""
    from repetend.core.browser_ops import add_tags

    return add_tags(col, result.missing_note_ids, MISSING_TAG, OP_TAG_MISSING)
