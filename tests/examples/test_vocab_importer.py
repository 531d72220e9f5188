"""examples/vocab_importer: an importer for `word = meaning` files."""

from pathlib import Path

import pytest

VOCAB = """# Spanish, lesson 1
hola = hello
gato = cat

perro = dog
this line has no meaning
gato = cat (again)
"""


@pytest.fixture
def importer(example, host, register_plugin):
    register_plugin(example("vocab_importer"), "vocab_importer")
    [importer] = [c for c in host.register_importers() if c.plugin_name == "vocab_importer"]
    return importer


def test_it_is_offered_for_vocab_files(importer):
    assert importer.plugin_name == "vocab_importer"
    assert importer.value.name == "Vocabulary list"
    assert importer.value.extensions == (".vocab",)


def test_words_become_notes_in_a_deck_named_after_the_file(importer, collection,
                                                          tmp_path: Path):
    path = tmp_path / "spanish.vocab"
    path.write_text(VOCAB, encoding="utf-8")
    summary = importer.value.run(collection, path)
    assert (summary.notes_added, summary.notes_skipped) == (3, 2)
    assert summary.messages == ("line 6: expected 'word = meaning', got "
                                "'this line has no meaning'",)
    notes = [collection.get_note(nid) for nid in collection.note_ids()]
    assert [(n.fields, n.tags) for n in notes] == [
        (["hola", "hello"], ["vocab"]), (["gato", "cat"], ["vocab"]),
        (["perro", "dog"], ["vocab"])]
    deck = collection.decks.id("spanish", create=False)
    assert {card.did for nid in collection.note_ids() for card in collection.cards_of_note(nid)
            } == {deck}


def test_an_import_is_one_undo_step_and_a_second_import_adds_nothing(importer, collection,
                                                                     tmp_path: Path):
    path = tmp_path / "spanish.vocab"
    path.write_text(VOCAB, encoding="utf-8")
    importer.value.run(collection, path)
    assert collection.undo_name() == "Import"
    again = importer.value.run(collection, path)
    assert (again.notes_added, again.notes_skipped) == (0, 5)
    collection.undo()  # the second import changed nothing, so it left no undo step
    assert collection.note_ids() == []


def test_the_host_announces_the_import(importer, host, register_plugin, collection,
                                       tmp_path: Path):
    from repetend.hooks import hookimpl

    seen = []

    class Listener:
        @hookimpl
        def importing_did_import(self, path, summary):
            seen.append((path.name, summary.notes_added))

    register_plugin(Listener())
    path = tmp_path / "words.vocab"
    path.write_text("uno = one\n", encoding="utf-8")
    host.importing_did_import(collection, path, importer.value.run(collection, path))
    assert seen == [("words.vocab", 1)]
