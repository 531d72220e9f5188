"""Importing AnkiApp exports (tests/data/ankiapp/README.md): the XML zip AnkiApp writes and
the fields.csv layout, as zip or folder; media, note types, duplicates and bad input."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from repetend.core.errors import InvalidInput
from repetend.core.importing.ankiapp import AnkiAppOptions, detect, import_ankiapp
from repetend.core.notetypes import Field, NoteType, Template

DATA = Path(__file__).resolve().parents[2] / "data" / "ankiapp"
XML_ZIP = DATA / "geography-xml.zip"
CSV_DIR = DATA / "vocab-csv"


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def notes(col) -> list[tuple[str, list[str]]]:
    return [(col.notetypes.get(n.ntid).name, n.fields)
            for n in (col.get_note(nid) for nid in col.note_ids())]


def media_files(col) -> dict[str, str]:
    folder = col.media_folder
    return {p.name: sha1(p.read_bytes()) for p in folder.iterdir()} if folder.exists() else {}


def snapshot(col) -> tuple[str, dict[str, str], list[str]]:
    """Database, media folder and what lies beside it (no staging folder left behind)."""
    return ("\n".join(col.db.iterdump()), media_files(col),
            sorted(p.name for p in col.media_folder.parent.iterdir() if p.name != "in"))


def zipped(folder: Path, out: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(out, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(folder).as_posix())
    return out


def test_xml_export_imports_decks_notes_and_blobs(col):
    summary = import_ankiapp(col, XML_ZIP)
    with zipfile.ZipFile(XML_ZIP) as zf:
        blob = {n.split("/")[1]: sha1(zf.read(n)) for n in zf.namelist() if "/" in n}
    ua, fr, audio = ("1d8359fe48c04bebbbc52e2b0f7ed4d1", "46872580a15d4fdda1931bd54f2d08af",
                     "708c2c0cac1641df881ed6ba8a2f1e0c")
    assert notes(col) == [
        ("Geography Trivia (AnkiApp)",
         ["What is the capital of <b>Ukraine</b>?", "Kyiv", f'<img src="{ua}.png">']),
        ("Geography Trivia (AnkiApp)",
         ["What is the capital of France?", "Paris<br>(since 987)", f'<img src="{fr}.png">']),
        # the fourth blob has the same bytes as the first: stored once, referred to by name
        ("Geography Trivia (AnkiApp)",
         ["How is Kyiv pronounced?", f"[sound:{audio}.mp3]", f'<img src="{ua}.png">']),
    ]
    assert media_files(col) == {f"{ua}.png": blob[ua], f"{fr}.png": blob[fr],
                                f"{audio}.mp3": blob[audio]}
    nt = col.notetypes.by_name("Geography Trivia (AnkiApp)")
    assert nt.field_names() == ["Front", "Back", "Flag"]
    assert nt.templates[0].front == "{{Front}}"
    assert nt.templates[0].back.endswith("<hr id=answer>\n\n{{Back}}<br>{{Flag}}")
    assert summary.decks_added == ["Geography Trivia"]
    assert summary.cards_added == 3 and len(summary.added) == 3
    card = col.get_card(col.card_ids(col.decks.id("Geography Trivia", create=False))[0])
    rendered = col.render_card(card)
    assert "capital of <b>Ukraine</b>" in rendered.question
    assert f'<img src="{ua}.png">' in rendered.answer


@pytest.mark.parametrize("form", ["folder", "zip", "zip with a top folder"])
def test_csv_export_as_folder_or_zip(col, tmp_path, form):
    path = CSV_DIR
    if form == "zip":
        path = zipped(CSV_DIR, tmp_path / "vocab-csv.zip")
    elif form == "zip with a top folder":
        path = zipped(CSV_DIR, tmp_path / "vocab-csv.zip", prefix="vocab-csv/")
    assert detect(path)
    summary = import_ankiapp(col, path)
    assert notes(col) == [
        ("vocab-csv (AnkiApp)", ["ebb", "جزر", '<img src="tide.png">', "[sound:ebb.mp3]"]),
        ("vocab-csv (AnkiApp)", ["flow", "مد", '<img src="flow.png">', ""]),
        ("vocab-csv (AnkiApp)", ["tide", "مد وجزر, both", "", "[sound:tide.mp3]"]),
        ("vocab-csv (AnkiApp)", ["multi\nline", "سطر", "", ""]),
    ]
    assert media_files(col) == {
        name: sha1(p.read_bytes()) for name, p in (
            ("tide.png", CSV_DIR / "media" / "tide.png"),
            ("flow.png", CSV_DIR / "media" / "flow.png"),
            ("ebb.mp3", CSV_DIR / "ebb.mp3"), ("tide.mp3", CSV_DIR / "tide.mp3"))}
    assert summary.decks_added == ["vocab-csv"]
    assert sorted(summary.media_added) == ["ebb.mp3", "flow.png", "tide.mp3", "tide.png"]


def test_importing_twice_adds_nothing_and_reuses_the_note_type(col):
    import_ankiapp(col, CSV_DIR)
    before = snapshot(col)[1]
    again = import_ankiapp(col, CSV_DIR)
    assert (len(again.added), len(again.duplicate)) == (0, 4)
    assert again.notetypes_added == [] and again.media_added == []
    assert again.media_unchanged == 4 and media_files(col) == before


def test_an_existing_note_type_with_the_same_fields_is_used(col):
    nt = col.notetypes.add(NoteType(
        name="My vocabulary", fields=[Field(n) for n in ("word", "translation", "picture",
                                                         "audio")],
        templates=[Template("Recognition", "{{word}}", "{{translation}}")]))
    summary = import_ankiapp(col, CSV_DIR, AnkiAppOptions(deck="Arabic::Tides"))
    assert summary.notetypes_added == []
    assert {name for name, _ in notes(col)} == {"My vocabulary"}
    assert len(col.card_ids(col.decks.id("Arabic::Tides", create=False))) == 4
    assert nt.id == col.get_note(col.note_ids()[0]).ntid


def test_a_different_file_with_a_taken_name_is_renamed(col):
    col.media_folder.mkdir(parents=True, exist_ok=True)
    (col.media_folder / "tide.png").write_bytes(b"someone else's picture")
    summary = import_ankiapp(col, CSV_DIR)
    new_name = f"tide-{sha1((CSV_DIR / 'media' / 'tide.png').read_bytes())}.png"
    assert summary.media_renamed == {"tide.png": new_name}
    assert (col.media_folder / "tide.png").read_bytes() == b"someone else's picture"
    assert notes(col)[0][1][2] == f'<img src="{new_name}">'


def tables(col) -> dict[str, list[tuple[object, ...]]]:
    return {t: [tuple(r) for r in col.db.execute(f"SELECT * FROM {t} ORDER BY 1")]
            for t in ("notes", "cards", "decks", "notetypes", "fields", "templates")}


def test_dry_run_and_undo_leave_the_collection_as_before(col):
    before = snapshot(col)
    tables_before = tables(col)
    dry = import_ankiapp(col, XML_ZIP, AnkiAppOptions(dry_run=True))
    assert len(dry.added) == 3 and len(dry.media_added) == 3
    assert snapshot(col) == before
    import_ankiapp(col, XML_ZIP)
    assert col.undo_name() == "Import"
    col.undo()

    assert tables(col) == tables_before


def _csv_export(tmp_path: Path, csv: bytes, files: dict[str, bytes] | None = None) -> Path:
    folder = tmp_path / "in" / "export"  # (not beside the collection: that is compared)
    folder.mkdir(parents=True)
    (folder / "fields.csv").write_bytes(csv)
    for name, data in (files or {}).items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize(("csv", "files", "message"), [
    (b"Front,Back\nhello,world\nlonely\n", {}, "fields.csv: line 3: 1 columns, but the header "
     "names 2 fields"),
    (b"Front,Back\nhola,mundo\nna\xefve,x\n", {}, "fields.csv: line 3, byte 3: not valid UTF-8"),
    (b"Front,Back\nok,<img src='here.png'>\ndog,<img src=\"gone.png\">\n",
     {"here.png": b"\x89PNG here"}, "line 3: refers to the media file 'gone.png', which is "
     "not in the export"),
    (b"", {}, "fields.csv is empty"),
    (b"Front,front\na,b\n", {}, "the header names the field 'front' twice"),
])
def test_bad_csv_exports_change_nothing(col, tmp_path, csv, files, message):
    before = snapshot(col)
    with pytest.raises(InvalidInput) as info:
        import_ankiapp(col, _csv_export(tmp_path, csv, files))
    assert message in str(info.value)
    assert snapshot(col) == before


def test_bad_archives_are_refused_with_the_reason(col, tmp_path):
    before = snapshot(col)
    tmp_path = tmp_path / "in"
    tmp_path.mkdir()
    cases = {
        "pictures.zip": ({"a.png": b"\x89PNG"}, "has no fields.csv (nor a deck .xml file)"),
        "evil.zip": ({"fields.csv": b"F\nx\n", "../escape.png": b"x"},
                     "entry '../escape.png' points outside the export"),
        "broken-xml.zip": ({"deck.xml": b"<deck name='x'><fields>"}, "not well-formed XML"),
        "blob-missing.zip": ({"d.xml": b"<deck name='D'><fields><rich-text name='Front' "
                              b"sides='10'/></fields><cards><card><rich-text name='Front'>"
                              b"{{blob abc123}}</rich-text></card></cards></deck>"},
                             "deck 'D': card 1: refers to the media file 'abc123'"),
    }
    for name, (entries, message) in cases.items():
        with zipfile.ZipFile(tmp_path / name, "w") as zf:
            for entry, data in entries.items():
                zf.writestr(entry, data)
        with pytest.raises(InvalidInput) as info:
            import_ankiapp(col, tmp_path / name)
        assert message in str(info.value), name
    (tmp_path / "not-a-zip.zip").write_bytes(b"PK but not really")
    with pytest.raises(InvalidInput, match="not-a-zip.zip is not a zip file"):
        import_ankiapp(col, tmp_path / "not-a-zip.zip")
    assert not detect(tmp_path / "pictures.zip") and not detect(tmp_path / "not-a-zip.zip")
    assert snapshot(col) == before


def test_a_failure_after_media_were_staged_moves_none_in(col, tmp_path):
    folder = tmp_path / "in" / "copy"
    shutil.copytree(CSV_DIR, folder)
    with (folder / "fields.csv").open("a", encoding="utf-8") as handle:
        handle.write('last,row,"<img src=""nowhere.png"">",\r\n')
    before = snapshot(col)
    with pytest.raises(InvalidInput, match="line 7: refers to the media file 'nowhere.png'"):
        import_ankiapp(col, folder)
    assert snapshot(col) == before
