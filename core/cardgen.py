"""Which cards a note has (ANKI-FACTS §4.6), and creating the missing ones.

A standard note type gets a card for each template whose front renders something
from the note's non-empty fields; a cloze note type gets one per cloze number found
in any field. Editing only ever adds cards: cards that became empty are left for the
Empty Cards tool.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from repetend.core.cards import Card
from repetend.core.deckconfig import INSERT_RANDOM
from repetend.core.decks import DECK_FILTERED, DEFAULT_DECK_ID
from repetend.core.notes import Note
from repetend.core.notetypes import NoteType
from repetend.core.template import cloze_numbers_in_fields, nonempty_fields, template_renders

if TYPE_CHECKING:
    from repetend.core.collection import Collection

#: Cloze numbers above this share the last card, as in Anki (card "c500").
MAX_CLOZE_ORD = 499


def ords_with_content(nt: NoteType, note: Note) -> set[int]:
    """The ordinals whose card would show something for this note's current content."""
    if nt.is_cloze:
        return {min(n - 1, MAX_CLOZE_ORD) for n in cloze_numbers_in_fields(note.fields)}
    nonempty = nonempty_fields(dict(zip(nt.field_names(), note.fields, strict=True)))
    return {t.ord for t in nt.templates
            if template_renders(t.front, nonempty, has_tags=bool(note.tags))}


def generate_cards(col: Collection, note: Note, nt: NoteType, deck_id: int | None,
                   new_note: bool) -> list[Card]:
    """Insert the note's missing cards; a new note always gets at least card 0."""
    existing = col.cards_of_note(note.id)
    have = {c.ord for c in existing}
    wanted = ords_with_content(nt, note)
    if new_note and not wanted:
        wanted = {0}
    missing = sorted(wanted - have)
    if not missing:
        return []
    due = _new_position(col, existing, deck_id)
    home = (_usable_deck(col, deck_id) or DEFAULT_DECK_ID) if deck_id is not None \
        else _home_deck(col, existing)
    cards = []
    for ord_ in missing:
        did = home
        if not nt.is_cloze and ord_ < len(nt.templates) and nt.templates[ord_].deck_id:
            did = _usable_deck(col, nt.templates[ord_].deck_id) or home
        card = Card(nid=note.id, did=did, ord=ord_, due=due)
        cards.append(col.insert_card(card))
    return cards


def _usable_deck(col: Collection, did: int) -> int | None:
    row = col.db.execute("SELECT kind FROM decks WHERE id = ?", (did,)).fetchone()
    if row is None:
        return None
    return DEFAULT_DECK_ID if row[0] == DECK_FILTERED else did


def _home_deck(col: Collection, existing: list[Card]) -> int:
    if existing:
        return existing[0].home_deck_id
    return _usable_deck(col, col.get_config("curDeck", DEFAULT_DECK_ID)) or DEFAULT_DECK_ID


def _new_position(col: Collection, existing: list[Card], deck_id: int | None) -> int:
    """Siblings share a position; a new note takes `nextPos` (random if the preset says so)."""
    for card in existing:
        if card.type == 0:
            # a new card in a filtered deck keeps its position in odue (as Anki reads it)
            return card.odue if card.odid else card.due
    next_pos = int(col.get_config("nextPos", 1))
    col.set_config("nextPos", next_pos + 1)
    did = deck_id if deck_id is not None else _home_deck(col, existing)
    row = col.db.execute("SELECT config_id, kind FROM decks WHERE id = ?", (did,)).fetchone()
    if row is not None and row["kind"] != DECK_FILTERED:
        if col.deck_config(row["config_id"]).new_card_insert_order == INSERT_RANDOM:
            return random.Random(next_pos).randint(1, max(1000, next_pos))
    return next_pos
