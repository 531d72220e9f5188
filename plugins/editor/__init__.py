"""The note editor: the Add and Edit dialogs, and the rules behind them.

This module is headless (cloze numbering, duplicate check, media files, card preview
data) and is what tests and other plugins import; the dialogs live in
`repetend.plugins.editor.dialog`, which imports Qt and is loaded only when a dialog opens
(`open_add_dialog`, `open_edit_dialog`).
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repetend.core.cardgen import ords_with_content
from repetend.core.errors import NotFoundError
from repetend.core.notes import FIELD_SEPARATOR, Note
from repetend.core.rendering import with_latex_images
from repetend.core.template import CardRenderContext, cloze_numbers_in_string, render_card
from repetend.core.text import field_checksum, strip_html_preserving_media_filenames

if TYPE_CHECKING:
    from repetend.core.collection import Collection

# --- clozes ---------------------------------------------------------------------------


def next_cloze_number(fields: list[str], same: bool = False) -> int:
    """The number Ctrl+Shift+C gives a new cloze: one above the highest in any field.

    With `same` (Anki's Ctrl+Shift+Alt+C) the highest number is reused, so several
    deletions land on one card.
    """
    highest = max((n for value in fields for n in cloze_numbers_in_string(value)), default=0)
    return max(1, highest) if same else highest + 1


# --- the first field: empty or duplicate -------------------------------------------------


def duplicate_note_ids(col: Collection, note: Note) -> list[int]:
    """Other notes of the same note type whose first field matches this note's.

    Anki's rule: same checksum (`csum`), then the first fields compared after stripping
    HTML (image file names kept).
    """
    first = strip_html_preserving_media_filenames(note.fields[0]) if note.fields else ""
    if not first.strip():
        return []
    rows = col.db.execute("SELECT id, flds FROM notes WHERE ntid = ? AND csum = ? AND id != ?",
                          (note.ntid, field_checksum(note.fields[0]), note.id or 0))
    return [nid for nid, flds in rows
            if strip_html_preserving_media_filenames(flds.split(FIELD_SEPARATOR)[0]) == first]


def first_field_problem(col: Collection, note: Note) -> str | None:
    """"empty", "duplicate" or None, as Anki's editor marks the first field."""
    first = strip_html_preserving_media_filenames(note.fields[0]) if note.fields else ""
    if not first.strip():
        return "empty"
    return "duplicate" if duplicate_note_ids(col, note) else None


# --- field HTML -------------------------------------------------------------------------

_EMPTY_HTML = re.compile(r"^(?:\s|<br\s*/?>|<div>(?:\s|<br\s*/?>)*</div>)*$", re.IGNORECASE)


def munge_field_html(html: str) -> str:
    """What the editor stores for a field: a field holding only line breaks is empty.

    Browsers leave `<br>` or `<div><br></div>` behind in an emptied editable; Anki's
    `mungeHTML` stores those as "".
    """
    return "" if _EMPTY_HTML.match(html) else html


# --- media ------------------------------------------------------------------------------

_ILLEGAL = re.compile(r'[\[\]<>:"/?*^\\|\x00-\x1f\x7f]')
_MIME_EXT = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
             "image/webp": ".webp", "image/svg+xml": ".svg", "image/bmp": ".bmp",
             "audio/mpeg": ".mp3", "audio/ogg": ".ogg", "audio/wav": ".wav",
             "audio/x-wav": ".wav", "audio/webm": ".webm", "video/mp4": ".mp4"}
IMAGE_EXTS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".avif",
                        ".ico", ".tif", ".tiff"})


def safe_media_name(name: str) -> str:
    """A file name fit for the media folder: no folders, no characters Anki refuses, NFC."""
    name = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    name = _ILLEGAL.sub("", name).strip().lstrip(".")
    return name or "file"


def add_media_bytes(col: Collection, name: str, data: bytes) -> str:
    """Store `data` in the media folder under `name` (made safe); returns the name used.

    The same name with the same content is reused; a different file that already has the
    name gets a checksum suffix, as Anki does, so no file is ever overwritten.
    """
    folder = col.media_folder
    folder.mkdir(parents=True, exist_ok=True)
    name = safe_media_name(name)
    target = folder / name
    if target.exists():
        if target.read_bytes() == data:
            return name
        stem, ext = Path(name).stem, Path(name).suffix
        name = f"{stem}-{hashlib.sha1(data).hexdigest()}{ext}"
        target = folder / name
        if target.exists():
            return name
    target.write_bytes(data)
    return name


def add_pasted_media(col: Collection, data: bytes, mime: str, name: str = "") -> str:
    """Store pasted or dropped data; unnamed data becomes `paste-<sha1>.<ext>` as in Anki."""
    if not name:
        ext = _MIME_EXT.get(mime.lower(), "")
        name = f"paste-{hashlib.sha1(data).hexdigest()}{ext}"
    return add_media_bytes(col, name, data)


def add_data_url(col: Collection, data_url: str, name: str = "") -> str:
    """Store a `data:<mime>;base64,…` URL (what the editor page sends); returns the name."""
    header, _, payload = data_url.partition(",")
    if not header.startswith("data:") or ";base64" not in header:
        raise ValueError("expected a base64 data: URL")
    mime = header[5:].split(";")[0]
    return add_pasted_media(col, base64.b64decode(payload), mime, name)


def media_reference(name: str) -> str:
    """The field HTML that shows or plays a media file: `<img>` or `[sound:…]`."""
    from html import escape

    if Path(name).suffix.lower() in IMAGE_EXTS:
        return f'<img src="{escape(name, quote=True)}">'
    return f"[sound:{name}]"


# --- the "Cards…" preview ----------------------------------------------------------------


@dataclass(frozen=True)
class PreviewCard:
    """One card a note makes, rendered for the preview."""

    ord: int
    name: str
    question: str
    answer: str
    css: str
    error: str | None = None


def preview_cards(col: Collection, note: Note, deck_id: int | None = None) -> list[PreviewCard]:
    """Every card the note makes (or would make, if not added yet), rendered.

    Follows card generation: one card per template whose front shows something, or per
    cloze number; a note that makes none still gets its first card, as when adding.
    """
    nt = col.notetypes.get(note.ntid)
    ords = sorted(ords_with_content(nt, note)) or [0]
    try:
        deck_name = col.decks.get(deck_id).name if deck_id else ""
    except NotFoundError:
        deck_name = ""
    fields = dict(zip(nt.field_names(), note.fields, strict=True))
    out = []
    for ord_ in ords:
        template = nt.templates[0] if nt.is_cloze else nt.templates[min(ord_,
                                                                        len(nt.templates) - 1)]
        ctx = CardRenderContext(
            question_template=template.front, answer_template=template.back, fields=fields,
            card_ord=ord_, is_cloze=nt.is_cloze, notetype_name=nt.name,
            template_name=template.name, deck_name=deck_name, tags=tuple(note.tags))
        rendered = with_latex_images(
            col, nt, render_card(ctx, field_filter=col.callbacks.field_filter))
        name = f"Cloze {ord_ + 1}" if nt.is_cloze else template.name
        out.append(PreviewCard(ord_, name, rendered.question, rendered.answer, nt.css,
                               rendered.error))
    return out


# --- opening the dialogs (GUI, loaded lazily) ------------------------------------------


def open_add_dialog(col: Collection, parent: Any = None, *, deck_id: int | None = None,
                    on_change: Callable[[], None] | None = None,
                    state: dict[str, Any] | None = None,
                    before_load: Callable[[Note], None] | None = None) -> Any:
    """Show the Add dialog; `on_change` is called after each note is added.

    `before_load(note)` runs each time a note is about to be shown (the host passes the
    `editor_will_load_note` hook); `state` is a dict the dialog keeps its geometry in.
    """
    from repetend.plugins.editor.dialog import AddCardsDialog

    dialog = AddCardsDialog(col, parent, deck_id=deck_id, on_change=on_change, state=state,
                            before_load=before_load)
    dialog.show()
    return dialog


def open_edit_dialog(col: Collection, note_id: int, parent: Any = None, *,
                     on_change: Callable[[], None] | None = None,
                     state: dict[str, Any] | None = None,
                     before_load: Callable[[Note], None] | None = None) -> Any:
    """Show the Edit dialog for one note; changes are saved when it closes."""
    from repetend.plugins.editor.dialog import EditNoteDialog

    dialog = EditNoteDialog(col, note_id, parent, on_change=on_change, state=state,
                            before_load=before_load)
    dialog.show()
    return dialog
