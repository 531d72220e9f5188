"""Text (CSV/TSV/TXT) import reproduces what Anki 26.9.3 made of each fixture file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from repetend.core.errors import RepetendError
from repetend.core.importing.text_import import TextOptions, import_text, preview

DATA = Path(__file__).resolve().parents[2] / "data" / "anki"


def scenarios() -> list[Any]:
    out = []
    for name in ("text-headers.csv", "text-headers.tsv", "text-plain.csv", "text-update.csv"):
        for scenario in json.loads((DATA / f"{name}.manifest.json").read_text())["imports"]:
            out.append(pytest.param(DATA, scenario, id=name))
    for path in sorted((DATA / "upstream").glob("text-*.txt.import.json")):
        out.append(pytest.param(DATA / "upstream", json.loads(path.read_text()),
                                id=f"upstream-{path.name.split('.')[0]}"))
    return out


def content(manifest: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """Notes and cards keyed by content, so random guids do not matter."""
    key = {n["guid"]: (n["notetype"], json.dumps(n["fields"], ensure_ascii=False),
                       tuple(n["tags"])) for n in manifest["notes"]}
    notes = sorted(key.values())
    cards = sorted((key[c["note"]], c["ord"], c["deck"], c["type"], c["queue"], c["due"])
                   for c in manifest["cards"])
    return notes, cards


@pytest.mark.parametrize(("folder", "scenario"), scenarios())
def test_text_import_matches_anki(fresh, manifest_of, folder, scenario):
    col = fresh()
    for step, file in enumerate(scenario["sequence"]):
        summary = import_text(col, folder / file)
        log = scenario["logs"][step]["log"]
        assert (len(summary.added), len(summary.updated), len(summary.duplicate)) == (
            log["new"], log["updated"], log["duplicate"])
        assert len(summary.skipped) == log["empty_first_field"] + log["missing_notetype"]
    ours, expected = manifest_of(col), scenario["manifest"]
    if not expected.get("guidsMasked"):
        assert [n["guid"] for n in ours["notes"]] == [n["guid"] for n in expected["notes"]]
    assert content(ours) == content(expected)
    assert [d["name"] for d in ours["decks"]] == [d["name"] for d in expected["decks"]]


def test_wrong_number_of_fields_is_reported_with_its_line(fresh):
    col = fresh()
    summary = import_text(col, DATA / "upstream" / "text-2fields.txt")
    assert "text-2fields.txt: line 7: 3 columns, expected 2 (extra columns ignored)" in \
        summary.warnings
    assert "text-2fields.txt: line 8: 1 columns, expected 2 (missing fields left empty)" in \
        summary.warnings
    assert ("line 10", "the first field is empty") in summary.skipped


def test_invalid_utf8_is_refused_with_line_and_nothing_changes(fresh, tmp_path):
    col = fresh()
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("ok,fine\ncafé,coffee\n".encode("latin-1"))
    before = "\n".join(col.db.iterdump())
    with pytest.raises(RepetendError, match=r"latin1.csv: line 2, byte 4: not valid UTF-8"):
        import_text(col, bad)
    assert "\n".join(col.db.iterdump()) == before


def test_unknown_notetype_and_bad_header_are_clear(fresh, tmp_path):
    col = fresh()
    f = tmp_path / "x.csv"
    f.write_text("#notetype:Nope\na,b\n")
    with pytest.raises(RepetendError, match="x.csv: no note type called 'Nope'"):
        import_text(col, f)
    f.write_text("#html:maybe\na,b\n")
    with pytest.raises(RepetendError, match="x.csv: line 1: '#html:' must be true or false"):
        import_text(col, f)


def test_duplicates_keep_or_keep_both_and_dry_run(fresh, tmp_path):
    col = fresh()
    f = tmp_path / "words.txt"
    f.write_text("hola\thello\n")
    import_text(col, f)
    f.write_text("hola\thi\n")
    kept = import_text(col, f, TextOptions(dupe_resolution="preserve"))
    assert len(kept.duplicate) == 1
    before = "\n".join(col.db.iterdump())
    dry = import_text(col, f, TextOptions(dry_run=True))
    assert len(dry.updated) == 1 and "\n".join(col.db.iterdump()) == before
    both = import_text(col, f, TextOptions(dupe_resolution="duplicate"))
    assert len(both.added) == 1
    assert col.db.execute("SELECT count() FROM notes WHERE sfld = 'hola'").fetchone()[0] == 2


def test_preview_shows_detected_settings(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("a;<b>b</b>\nc;d\n")
    shown = preview(f)
    assert shown["metadata"]["separator"] == ";" and shown["metadata"]["html"] is True
    assert shown["rows"] == [["a", "<b>b</b>"], ["c", "d"]]


def test_notes_text_export_round_trips_through_text_import(fresh, manifest_of, tmp_path):
    from repetend.core.importing.apkg_import import import_apkg
    from repetend.core.importing.text_export import export_cards_text, export_notes_text

    col = fresh("source")
    import_apkg(col, DATA / "content-modern.apkg")
    with col.op("Edit"):
        col.db.execute("UPDATE notes SET guid = '#starts-with-hash' "
                       "WHERE guid = 'rpt-basic-004'")
    out = tmp_path / "notes.txt"
    assert export_notes_text(col, out) == 15
    head = out.read_text(encoding="utf-8").splitlines()[:6]
    assert head == ["#separator:tab", "#html:true", "#guid column:1", "#notetype column:2",
                    "#deck column:3", "#tags column:8"]
    target = fresh("target")
    import_apkg(target, DATA / "content-modern.apkg", )
    summary = import_text(target, out)
    # every note is found by guid (the renamed one is new) and is unchanged
    assert len(summary.duplicate) == 14 and summary.added == ["#starts-with-hash"]
    cards = tmp_path / "cards.txt"
    assert export_cards_text(col, cards, with_html=False, deck="Science") == 9
    lines = cards.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["#separator:tab", "#html:false"] and len(lines) == 11


def test_a_guid_repeated_in_one_file_updates_the_note_added_above(fresh, tmp_path):
    col = fresh()
    f = tmp_path / "g.csv"
    f.write_text("#guid column:1\n#separator:comma\ng-1,one,1\ng-1,uno,1\n")
    summary = import_text(col, f)
    assert summary.added == ["g-1"] and summary.updated == ["g-1"]
    assert col.db.execute("SELECT flds FROM notes").fetchall()[0][0] == "uno\x1f1"


@pytest.mark.parametrize("override", ["normal deck", "filtered deck", "none"])
def test_cards_are_those_add_note_makes(fresh, tmp_path, override):
    """Card ordinals (empty fields, cloze numbers), template decks and positions of text
    imports are what adding each note by hand gives."""
    lines = ["one\ttwo\t", "only front\t\tt1", "three\t<br>\t", "four\t four \tt2",
             "{{c1::a}} {{c3::b}}\textra\t", "{{c2::x}}\t\tt1"]
    path = tmp_path / "notes.tsv"
    path.write_text("#separator:Tab\n#html:true\n#notetype column:1\n#deck:Target\n"
                    + "\n".join(f"{'Cloze' if '{{' in line else 'Basic (and reversed card)'}"
                                f"\t{line}" for line in lines) + "\n", encoding="utf-8")

    def prepare(col):
        target = col.decks.id("Target")
        if override != "none":
            if override == "normal deck":
                deck = col.decks.id("Reverse")
            else:
                deck = 4242
                with col.op("Add Filtered"):
                    col.db.execute("INSERT INTO decks (id, name, kind, mtime) VALUES "
                                   "(4242, 'Filtered', 1, 0)")
            nt = col.notetypes.by_name("Basic (and reversed card)")
            nt.templates[1].deck_id = deck
            col.notetypes.update(nt)
        return target

    def cards(col):
        return sorted(
            (n["flds"], c["ord"], col.decks.get(c["did"]).name, c["due"])
            for n in col.db.execute("SELECT id, flds FROM notes").fetchall()
            for c in col.db.execute("SELECT ord, did, due FROM cards WHERE nid = ?",
                                    (n["id"],)).fetchall())

    imported = fresh("imported")
    prepare(imported)
    summary = import_text(imported, path, TextOptions())
    assert len(summary.added) == len(lines)

    by_hand = fresh("by_hand")
    target = prepare(by_hand)
    for line in lines:
        *fields, tags = line.split("\t")
        note = by_hand.new_note("Cloze" if "{{" in line else "Basic (and reversed card)")
        note.fields = fields
        note.tags = tags.split()
        by_hand.add_note(note, target)
    assert cards(imported) == cards(by_hand)
