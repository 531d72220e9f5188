"""Vocabulary list importer: `word = meaning` lines into Basic notes.

Hook family: importing (`register_importers`). A `.vocab` file holds one word per line,
`word = meaning`; blank lines and lines starting with `#` are skipped. Notes go to a deck
named after the file (`spanish.vocab` → deck "spanish"), tagged `vocab`. A word already in
the deck is skipped, a line without ` = ` is reported, and the whole import is one undo step
("Import"), so a failure half-way leaves the collection as it was.
"""

from repetend.hooks import hookimpl
from repetend.hooks.importing import Importer, ImportSummary


def import_vocab(col, path):
    added, skipped, messages = 0, 0, []
    lines = path.read_text(encoding="utf-8").splitlines()
    with col.op("Import"):
        deck_id = col.decks.id(path.stem)
        known = {col.get_note(nid).fields[0] for nid in col.note_ids()
                 if any(card.did == deck_id for card in col.cards_of_note(nid))}
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            word, sep, meaning = line.partition(" = ")
            if not sep or not word.strip() or not meaning.strip():
                messages.append(f"line {number}: expected 'word = meaning', got {line!r}")
                skipped += 1
                continue
            if word.strip() in known:
                skipped += 1
                continue
            note = col.new_note("Basic")
            note.fields = [word.strip(), meaning.strip()]
            note.tags = ["vocab"]
            col.add_note(note, deck_id)
            known.add(word.strip())
            added += 1
    return ImportSummary(notes_added=added, notes_skipped=skipped, messages=tuple(messages))


@hookimpl
def register_importers(register):
    register(Importer("Vocabulary list", (".vocab",), import_vocab))
