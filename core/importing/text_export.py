"""Exporting notes or cards as tab-separated text with Anki's file headers.

Notes: `#separator:tab`, `#html:…`, then `#guid column:`, `#notetype column:`,
`#deck column:`, `#tags column:` for the columns included; rows are guid, note type, deck
(of the note's first card), the fields (padded to the widest note type), tags. Such a file
imports back with `text_import` (matching by guid). Without HTML a note's fields keep their
spaces and tabs as Anki writes them (see `_note_field`); a field with a `#` is quoted.
Cards: question and answer as rendered, the answer without the repeated question, each
written by the same rule as a note's field.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from repetend.core.decks import Deck
from repetend.core.errors import NotFoundError
from repetend.core.importing.atomic import create_partial
from repetend.core.rendering import render_stored_card
from repetend.core.template.avtags import SoundTag
from repetend.core.template.render import RenderedCard
from repetend.core.text import strip_html

if TYPE_CHECKING:
    from repetend.core.collection import Collection

_REDUNDANT = re.compile(r"<style>.*?</style>|\[\[type:[^\]]+\]\]", re.IGNORECASE | re.DOTALL)
_ANSWER_MARK = re.compile(r".*?<hr id=answer>", re.IGNORECASE | re.DOTALL)
_AV = re.compile(r"\[anki:play:([qa]):(\d+)\]")
_SPACERS = re.compile(r"<br\s*/?>|<div>|\n", re.IGNORECASE)
_SOUND = re.compile(r"\[sound:.+?\]")
#: what Anki trims: Unicode White_Space (Python's str.strip() also takes \x1c-\x1f)
_WHITESPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
               "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_NEEDS_QUOTES = ("\t", '"', "\r", "\n", "#")


@dataclass
class TextExportOptions:
    with_html: bool = True
    with_guid: bool = True
    with_notetype: bool = True
    with_deck: bool = True
    with_tags: bool = True
    #: only this deck (name or id) and its subdecks; None for everything
    deck: str | int | None = None
    #: only these cards (e.g. a search's result); their notes for a notes export
    card_ids: list[int] | None = None


def _note_field(value: str, with_html: bool) -> str:
    """A note's field (or a card's side) as Anki's "... in Plain Text" writes it: without
    HTML, line breaks, `<br>` and `<div>` become spaces, sounds go, tags are stripped and entities
    decoded; the ends are trimmed only when that changed something, and inner runs of
    spaces or tabs stay."""
    value = _REDUNDANT.sub("", value)
    if with_html:
        return value
    text = strip_html(_SOUND.sub("", _SPACERS.sub(" ", value)))
    return text.strip(_WHITESPACE) if text != value else value


def _with_av_tags(rendered: RenderedCard, html: str) -> str:
    """The side with its sound and tts tags written back in place of the reviewer's
    `[anki:play:…]` placeholders: Anki writes a card's text as rendered, tags included
    (a sound's file name entity-decoded, a tts tag with its options normalised)."""
    tags = {"q": rendered.question_av_tags, "a": rendered.answer_av_tags}

    def tag_text(match: re.Match[str]) -> str:
        found = tags[match.group(1)]
        number = int(match.group(2))
        if number >= len(found):
            return ""
        tag = found[number]
        if isinstance(tag, SoundTag):
            return f"[sound:{tag.filename}]"
        options = f" lang={tag.lang}"
        if tag.voices:
            options += f" voices={','.join(tag.voices)}"
        if tag.speed != 1.0:
            options += f" speed={tag.speed:g}"
        options += "".join(f" {arg}" for arg in tag.other_args)
        return f"[anki:tts{options}]{tag.text}[/anki:tts]"

    return _AV.sub(tag_text, html)


def _card_ids(col: Collection, deck: str | int | None,
              card_ids: list[int] | None = None) -> list[int]:
    if card_ids is not None:
        return sorted(set(card_ids))
    if deck is None:
        return col.card_ids()
    if isinstance(deck, int) or str(deck).isdigit():
        target: Deck = col.decks.get(int(deck))
    else:
        target = col.decks.by_name(str(deck))
    dids = [target.id] + [d.id for d in col.decks.descendants(target.id)]
    marks = ",".join("?" * len(dids))
    return [r[0] for r in col.db.execute(
        f"SELECT id FROM cards WHERE did IN ({marks}) OR odid IN ({marks}) ORDER BY id",
        dids + dids)]


def _quoted(field: str) -> str:
    """As Anki's writer: quoted when it holds a tab, quote, line break or `#` (anywhere,
    so no line reads as a comment)."""
    if any(c in field for c in _NEEDS_QUOTES):
        return '"' + field.replace('"', '""') + '"'
    return field


def _line(row: list[str]) -> str:
    if row == [""]:
        return '""\n'  # an empty line would be skipped on import
    return "\t".join(_quoted(f) for f in row) + "\n"


def _write(out: Path, header: list[str], rows: list[list[str]]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = create_partial(out)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            for line in header:
                handle.write(line + "\n")
            for row in rows:
                handle.write(_line(row))
        os.replace(partial, out)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def export_notes_text(col: Collection, out: str | Path,
                      options: TextExportOptions | None = None) -> int:
    """Write the notes (of a deck, or all) as text; returns how many."""
    opt = options or TextExportOptions()
    cids = _card_ids(col, opt.deck, opt.card_ids)
    nids: dict[int, int] = {}
    for cid in cids:
        row = col.db.execute("SELECT nid, did, odid FROM cards WHERE id = ?", (cid,)).fetchone()
        nids.setdefault(row[0], row[2] or row[1])
    notes = [col.get_note(nid) for nid in sorted(nids)]
    width = max((len(n.fields) for n in notes), default=0)
    header = ["#separator:tab", f"#html:{'true' if opt.with_html else 'false'}"]
    column = 0
    meta: list[str] = []
    for name, wanted in (("guid", opt.with_guid), ("notetype", opt.with_notetype),
                         ("deck", opt.with_deck)):
        if wanted:
            column += 1
            meta.append(name)
            header.append(f"#{name} column:{column}")
    if opt.with_tags:
        header.append(f"#tags column:{column + width + 1}")
    deck_names = {d.id: d.name for d in col.decks.all()}
    rows = []
    for note in notes:
        row = []
        for name in meta:
            if name == "guid":
                row.append(note.guid)
            elif name == "notetype":
                row.append(col.notetypes.get(note.ntid).name)
            else:
                row.append(deck_names.get(nids[note.id], ""))
        fields = [_note_field(f, opt.with_html) for f in note.fields]
        row += fields + [""] * (width - len(fields))
        if opt.with_tags:
            row.append(" ".join(note.tags))
        rows.append(row)
    _write(Path(out), header, rows)
    return len(rows)


def export_cards_text(col: Collection, out: str | Path, with_html: bool = True,
                      deck: str | int | None = None,
                      card_ids: list[int] | None = None) -> int:
    """Write each card's rendered question and answer (of a deck, of the given cards, or
    all); returns how many cards."""
    rows = []
    for cid in _card_ids(col, deck, card_ids):
        try:
            # Anki writes LaTeX as typed, not as the images the reviewer shows.
            rendered = render_stored_card(col, col.get_card(cid), latex=False)
        except NotFoundError:
            continue
        question = _with_av_tags(rendered, rendered.question)
        answer, marks = _ANSWER_MARK.subn("", _with_av_tags(rendered, rendered.answer),
                                          count=1)
        if marks:  # as Anki: without the template's line breaks after the mark
            answer = answer.lstrip("\n")
        rows.append([_note_field(question, with_html), _note_field(answer, with_html)])
    header = ["#separator:tab", f"#html:{'true' if with_html else 'false'}"]
    _write(Path(out), header, rows)
    return len(rows)
