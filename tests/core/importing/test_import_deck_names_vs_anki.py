"""Importing a package whose deck names differ from the collection's only in case or
Unicode form: Anki files the cards into the existing decks (its deck names compare as
`unicase`), and so must we, instead of making a second "DÉJÀ::VU" beside "Déjà::Vu"."""

from __future__ import annotations

from pathlib import Path

from anki_oracle import AnkiCollection, anki_import, anki_options

from repetend.core.collection import Collection
from repetend.core.importing.apkg_import import import_apkg

PACKAGE_DECKS = ["DÉJÀ::VU", "DÉJÀ::VU::Child", "STRASSE::Neu", "de\u0301ja\u0300::Other"]
EXISTING = ["Déjà::Vu", "Straße"]


def _package(tmp_path: Path) -> Path:
    src = AnkiCollection(str(tmp_path / "src.anki2"))
    try:
        for i, name in enumerate(PACKAGE_DECKS):
            note = src.new_note(src.models.by_name("Basic"))
            note["Front"], note["Back"] = f"front {i}", "back"
            src.add_note(note, src.decks.id(name))
        out = tmp_path / "decks.apkg"
        src.export_anki_package(out_path=str(out), options=anki_options(),
                                limit=None)
        return out
    finally:
        src.close()


def _anki_result(tmp_path: Path, package: Path) -> tuple[list[str], dict[str, str]]:
    col = AnkiCollection(str(tmp_path / "anki.anki2"))
    try:
        for name in EXISTING:
            col.decks.id(name)
        anki_import(col, package)
        names = {d["id"]: d["name"] for d in col.decks.all()}
        cards = {col.get_note(col.get_card(cid).nid)["Front"]: names[col.get_card(cid).did]
                 for cid in col.find_cards("")}
        return sorted(n for n in names.values() if n != "Default"), cards
    finally:
        col.close()


def _our_result(tmp_path: Path, package: Path) -> tuple[list[str], dict[str, str]]:
    col = Collection(tmp_path / "ours.db")
    try:
        for name in EXISTING:
            col.decks.id(name)
        import_apkg(col, package)
        names = {d.id: d.name for d in col.decks.all()}
        cards = {col.get_note(c.nid).fields[0]: names[c.did]
                 for c in (col.get_card(cid) for cid in col.find_cards(""))}
        return sorted(n for n in names.values() if n != "Default"), cards
    finally:
        col.close()


def test_package_decks_in_other_case_or_form_join_the_existing_decks(tmp_path: Path) -> None:
    package = _package(tmp_path)
    theirs = _anki_result(tmp_path, package)
    assert theirs[1]["front 0"] == "Déjà::Vu"  # Anki's own behaviour, as the test assumes
    assert _our_result(tmp_path, package) == theirs
