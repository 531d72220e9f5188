"""The sample deck a new profile starts with: every stock note type, and Arabic vocabulary.

The Arabic notes use their own note type whose "Arabic" field is marked right-to-left,
so a newcomer sees RTL text rendered properly from the first card.
"""

from __future__ import annotations

from repetend.core.collection import Collection
from repetend.core.notetypes import Field, NoteType, Template
from repetend.core.stock import CSS

SAMPLE_DECK = "Sample Deck"
ARABIC_DECK = "Sample Deck::Arabic Vocabulary"
ARABIC_NOTETYPE = "Arabic Vocabulary"

BASIC = [
    ("What is the capital of Morocco?", "Rabat"),
    ("Which planet is closest to the Sun?", "Mercury"),
    ("What does <i>spaced repetition</i> space out?", "Reviews of the same material"),
    ("Chemical symbol for gold", "Au"),
    ("How many bones are in the adult human body?", "206"),
]
REVERSED = [
    ("bonjour", "hello (French)"),
    ("merci", "thank you (French)"),
    ("gato", "cat (Spanish)"),
]
OPTIONAL_REVERSED = [
    ("H<sub>2</sub>O", "water", "y"),
    ("1 mile", "1.609 km", ""),
]
TYPING = [
    ("Capital of Japan", "Tokyo"),
    ("Largest ocean on Earth", "Pacific"),
    ("Author of <i>Don Quixote</i>", "Cervantes"),
]
CLOZES = [
    ("The {{c1::mitochondria}} is the powerhouse of the {{c2::cell}}.", ""),
    ("{{c1::Canberra::city}} is the capital of {{c2::Australia}}.", "Not Sydney!"),
    ("Water boils at {{c1::100 °C}} at sea level.", ""),
    ("The Arabic alphabet has {{c1::28}} letters and is written {{c2::right to left}}.", ""),
]
ARABIC = [
    ("كتاب", "book"),
    ("بيت", "house"),
    ("ماء", "water"),
    ("شمس", "sun"),
    ("شكرا", "thank you"),
]


def arabic_notetype() -> NoteType:
    css = CSS + ".arabic { font-size: 32px; }\n"
    return NoteType(
        name=ARABIC_NOTETYPE, css=css,
        fields=[Field("Arabic", rtl=True, font="Noto Naskh Arabic", size=28), Field("English")],
        templates=[
            Template("Arabic → English", '<div class="arabic" dir="rtl">{{Arabic}}</div>',
                     "{{FrontSide}}\n\n<hr id=answer>\n\n{{English}}"),
            Template("English → Arabic", "{{English}}",
                     '{{FrontSide}}\n\n<hr id=answer>\n\n<div class="arabic" dir="rtl">'
                     "{{Arabic}}</div>"),
        ],
    )


def add_sample_deck(col: Collection) -> None:
    """Add the sample notes (23 of them) as one undoable step."""
    with col.op("Add Sample Deck"):
        deck = col.decks.id(SAMPLE_DECK)
        arabic_deck = col.decks.id(ARABIC_DECK)
        arabic = col.notetypes.add(arabic_notetype())
        groups = [
            ("Basic", BASIC, deck), ("Basic (and reversed card)", REVERSED, deck),
            ("Basic (optional reversed card)", OPTIONAL_REVERSED, deck),
            ("Basic (type in the answer)", TYPING, deck), ("Cloze", CLOZES, deck),
            (arabic.name, ARABIC, arabic_deck),
        ]
        for notetype, entries, did in groups:
            for values in entries:
                note = col.new_note(notetype)
                note.fields = list(values)
                note.tags = ["sample", notetype.split()[0].lower()]
                col.add_note(note, did)
        col.set_config("curDeck", deck)
