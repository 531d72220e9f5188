"""The Empty Cards tool: cards whose template no longer shows anything for their note."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from repetend.core.cardgen import ords_with_content
from repetend.core.text import strip_html

if TYPE_CHECKING:
    from repetend.core.collection import Collection


@dataclass
class EmptyCardsOfNote:
    note_id: int
    sort_field: str
    empty_card_ids: list[int]
    empty_template_names: list[str]
    total_cards: int

    @property
    def all_empty(self) -> bool:
        return len(self.empty_card_ids) == self.total_cards


@dataclass
class EmptyCardsReport:
    #: note type name -> notes with empty cards
    by_notetype: dict[str, list[EmptyCardsOfNote]] = field(default_factory=dict)

    @property
    def card_ids(self) -> list[int]:
        return [cid for notes in self.by_notetype.values() for n in notes
                for cid in n.empty_card_ids]

    def text(self) -> str:
        """The report as Anki words it ("Empty cards for X:" …)."""
        lines = []
        for name, notes in self.by_notetype.items():
            lines.append(f"Empty cards for \u201c{name}\u201d:")
            for n in notes:
                lines.append(f"{n.sort_field}: {len(n.empty_card_ids)} of {n.total_cards} "
                             f"cards empty ({', '.join(n.empty_template_names)}).")
        return "\n".join(lines) if lines else "No empty cards."


def find_empty_cards(col: Collection) -> EmptyCardsReport:
    report = EmptyCardsReport()
    for nt in col.notetypes.all():
        for (nid,) in col.db.execute("SELECT id FROM notes WHERE ntid = ? ORDER BY id",
                                     (nt.id,)).fetchall():
            note = col.get_note(nid)
            cards = col.cards_of_note(nid)
            live = ords_with_content(nt, note)
            empty = [c for c in cards if c.ord not in live]
            if not empty:
                continue
            names = [f"Cloze {c.ord + 1}" if nt.is_cloze else
                     nt.templates[min(c.ord, len(nt.templates) - 1)].name for c in empty]
            report.by_notetype.setdefault(nt.name, []).append(EmptyCardsOfNote(
                nid, strip_html(note.fields[nt.sort_field]), [c.id for c in empty], names,
                len(cards)))
    return report


def remove_empty_cards(col: Collection, report: EmptyCardsReport,
                       keep_notes: bool = True) -> int:
    """Delete the reported cards in one undoable step; returns how many were deleted.

    With `keep_notes` (Anki's default), a note whose every card is empty keeps its first
    card so the note itself survives.
    """
    doomed: list[int] = []
    for notes in report.by_notetype.values():
        for n in notes:
            ids = n.empty_card_ids
            if keep_notes and n.all_empty:
                ids = ids[1:]
            doomed.extend(ids)
    with col.op("Empty Cards"):
        col.remove_cards(doomed)
    return len(doomed)
