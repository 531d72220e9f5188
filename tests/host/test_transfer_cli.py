"""`repetend import` / `repetend export`, run as a user runs them (subprocesses)."""

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from clirun import run, run_json

DATA = Path(__file__).resolve().parents[1] / "data" / "anki"


@pytest.fixture
def base(tmp_path):
    return tmp_path / "base"


def test_import_prints_an_honest_summary(base):
    dry = run_json(base, "import", str(DATA / "update-v1.apkg"), "--dry-run")
    assert dry["dry_run"] and dry["counts"]["added"] == 5
    assert run_json(base, "notes")  # the sample deck only
    first = run_json(base, "import", str(DATA / "update-v1.apkg"))
    assert first["counts"]["added"] == 5 and first["notetypes_renamed"] == {
        "Basic (and reversed card)": "Basic (and reversed card)+"}
    second = run(base, "import", str(DATA / "update-v2.apkg")).stdout
    assert "added: 1   updated: 2   unchanged: 3" in second
    assert run(base, "undo").returncode == 0


def test_update_never_and_deck_option(base):
    run(base, "import", str(DATA / "update-v1.apkg"), "--deck", "Inbox")
    result = run_json(base, "import", str(DATA / "update-v2.apkg"), "--update", "never")
    assert result["counts"]["updated"] == 0 and result["counts"]["unchanged"] == 5
    decks = {d["name"]: d for d in run_json(base, "decks")}
    assert decks["Inbox"]["card_count"] == 10  # v1's cards, all in the chosen deck
    assert decks["Shared Deck::Update Test"]["card_count"] == 2  # v2's new note


def test_export_then_import_elsewhere(base, tmp_path):
    run(base, "import", str(DATA / "content-modern.apkg"))
    out = tmp_path / "science.apkg"
    summary = run_json(base, "export", str(out), "--deck", "Science")
    assert (summary["notes"], summary["cards"]) == (5, 9)
    legacy = tmp_path / "old.apkg"
    run(base, "export", str(legacy), "--legacy", "--no-scheduling", "--no-media")
    with zipfile.ZipFile(legacy) as zf:
        assert "collection.anki21" in zf.namelist() and json.loads(zf.read("media")) == {}
    other = tmp_path / "other"
    again = run_json(other, "import", str(out))
    assert again["counts"]["added"] == 5 and again["revlog_added"] == 6


def test_colpkg_import_needs_confirmation_and_makes_a_backup(base, tmp_path):
    run(base, "import", str(DATA / "content-modern.apkg"))
    out = tmp_path / "all.colpkg"
    run(base, "export", str(out))
    other = tmp_path / "other"
    run(other, "decks")
    refused = run(other, "import", str(out), check=False)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert not (other / "User 1" / "backups").exists()
    run(other, "import", str(out), "--yes")
    assert len(list((other / "User 1" / "backups").iterdir())) == 1
    names = {d["name"] for d in run_json(other, "decks")}
    assert "Science::Chemistry" in names and "Sample Deck" in names


def test_bad_input_is_one_clear_line(base, tmp_path):
    junk = tmp_path / "junk.apkg"
    junk.write_text("hello")
    proc = run(base, "import", str(junk), check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == ("repetend: error: junk.apkg is not an Anki package: it is "
                                   "not a zip file")
    proc = run(base, "import", str(tmp_path / "missing.apkg"), check=False)
    assert proc.returncode == 1 and "no such file" in proc.stderr
    text = tmp_path / "words.xyz"
    text.write_text("a\tb")
    proc = run(base, "import", str(text), check=False)
    assert "no importer handles 'words.xyz'" in proc.stderr
    proc = run(base, "import", str(DATA / "update-v1.apkg"), "--notetype", "Basic",
               check=False)
    assert "--notetype applies to text files" in proc.stderr
    proc = run(base, "export", str(tmp_path / "x.apkg"), "--deck", "Nope", check=False)
    assert proc.returncode == 1 and "no deck called 'Nope'" in proc.stderr
    assert not (tmp_path / "x.apkg").exists()


def test_an_add_on_format_is_used_by_extension(base, tmp_path):
    addon = base / "User 1" / "addons" / "wordlist"
    run(base, "decks")
    addon.mkdir(parents=True)
    (addon / "manifest.json").write_text(json.dumps({"name": "Word list", "package": "wordlist"}))
    (addon / "__init__.py").write_text(textwrap.dedent('''
        from repetend.hooks import hookimpl
        from repetend.hooks.importing import Importer, ImportSummary

        def run(col, path):
            with col.op("Import"):
                for line in path.read_text().splitlines():
                    note = col.new_note("Basic")
                    note.fields = [line, ""]
                    col.add_note(note, 1)
            return ImportSummary(notes_added=len(path.read_text().splitlines()))

        @hookimpl
        def register_importers(register):
            register(Importer("Word list", (".words",), run))
    '''))
    words = tmp_path / "x.words"
    words.write_text("uno\ndos\n")
    result = run_json(base, "import", str(words))
    assert result["plugin"] != "builtin.importers" and result["added"] == 2


def test_text_import_with_notetype_and_deck(base, tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("quizás\tmaybe\nmañana\ttomorrow\n", encoding="utf-8")
    result = run_json(base, "import", str(words), "--notetype", "Basic (and reversed card)",
                      "--deck", "Spanish")
    assert result["counts"]["added"] == 2 and result["cards_added"] == 4
    decks = {d["name"]: d for d in run_json(base, "decks")}
    assert decks["Spanish"]["card_count"] == 4
    again = run_json(base, "import", str(words), "--update", "never", "--notetype",
                     "Basic (and reversed card)")
    assert again["counts"]["unchanged"] == 2
    headers = run(base, "import", str(DATA / "text-headers.csv")).stdout
    assert "added: 5" in headers


def test_notes_text_export(base, tmp_path):
    run(base, "import", str(DATA / "update-v1.apkg"))
    out = tmp_path / "notes.txt"
    summary = run_json(base, "export", str(out), "--deck", "Shared Deck")
    assert summary["notes"] == 5 and summary["kind"] == "notes text"
    assert out.read_text(encoding="utf-8").startswith("#separator:tab\n#html:true\n")


ANKIAPP = DATA.parent / "ankiapp"


def test_ankiapp_exports_are_detected_as_zip_or_folder(base):
    zipped = run_json(base, "import", str(ANKIAPP / "geography-xml.zip"))
    assert zipped["importer"] == "AnkiApp export"
    assert (zipped["counts"]["added"], zipped["counts"]["media_added"]) == (3, 3)
    assert zipped["notetypes_added"] == ["Geography Trivia (AnkiApp)"]
    folder = run(base, "import", str(ANKIAPP / "vocab-csv")).stdout
    assert "vocab-csv: 4 notes found" in folder and "deck added: vocab-csv" in folder
    again = run_json(base, "import", str(ANKIAPP / "vocab-csv"), "--dry-run")
    assert again["counts"]["unchanged"] == 4 and again["counts"]["added"] == 0
    decks = {d["name"]: d["card_count"] for d in run_json(base, "decks")}
    assert decks["Geography Trivia"] == 3 and decks["vocab-csv"] == 4


def test_ankiapp_bad_input_is_one_clear_line(base, tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "fields.csv").write_text("Front,Back\nhello,<img src='cat.jpg'>\n")
    proc = run(base, "import", str(export), check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == ("repetend: error: export: fields.csv: line 2: refers to "
                                   "the media file 'cat.jpg', which is not in the export")
    proc = run(base, "import", str(export), "--notetype", "Basic", check=False)
    assert "--notetype applies to text files" in proc.stderr


def test_export_by_search_as_package_and_text(base, tmp_path):
    out = tmp_path / "capitals.apkg"
    summary = run_json(base, "export", str(out), "--search", "capital")
    found = run_json(base, "search", "capital", "--notes")["count"]
    assert summary["notes"] == found > 0
    assert run_json(tmp_path / "other", "import", str(out))["counts"]["added"] == found
    text = tmp_path / "capitals.tsv"
    assert run_json(base, "export", str(text), "--search", "capital")["notes"] == found
    lines = text.read_text(encoding="utf-8").splitlines()
    assert len([line for line in lines if not line.startswith("#")]) == found
    for args, message in [
        (["--search", "capital", "--deck", "Sample Deck"], "not allowed with argument"),
        (["--search", "zzznothing"], "no cards match 'zzznothing'; nothing was exported"),
    ]:
        proc = run(base, "export", str(tmp_path / "x.apkg"), *args, check=False)
        assert proc.returncode != 0 and message in proc.stderr
    proc = run(base, "export", str(tmp_path / "x.colpkg"), "--search", "capital", check=False)
    assert "a .colpkg holds the whole collection" in proc.stderr
    assert not (tmp_path / "x.apkg").exists() and not (tmp_path / "x.colpkg").exists()


def test_cards_as_text_and_text_options(base, tmp_path):
    cards = tmp_path / "cards.txt"
    summary = run_json(base, "export", str(cards), "--cards", "--no-html", "--search",
                       "note:Basic")
    assert summary["kind"] == "cards text" and summary["cards"] == 5
    lines = cards.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["#separator:tab", "#html:false"]
    assert "What is the capital of Morocco?\tRabat" in lines
    assert not any("<" in line for line in lines)
    tagged = tmp_path / "tagged.csv"
    run(base, "export", str(tagged), "--with-guid", "--with-tags", "--search", "note:Basic")
    head = tagged.read_text(encoding="utf-8").splitlines()
    assert head[:4] == ["#separator:tab", "#html:true", "#guid column:1", "#tags column:4"]
    for args, message in [
        (["x.apkg", "--cards"], "--cards applies to text exports"),
        (["x.apkg", "--with-tags"], "--with-tags applies to text exports"),
        (["x.txt", "--cards", "--with-deck"], "--with-… columns belong to notes"),
    ]:
        proc = run(base, "export", str(tmp_path / args[0]), *args[1:], check=False)
        assert proc.returncode == 1 and message in proc.stderr


def test_notes_text_export_imports_into_anki(base, tmp_path):
    anki_collection = pytest.importorskip("anki.collection")
    out = tmp_path / "basic.txt"
    run(base, "export", str(out), "--search", "note:Basic or note:Cloze")
    (tmp_path / "anki").mkdir()
    col = anki_collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        metadata = col.get_csv_metadata(path=str(out), delimiter=None)
        col.import_csv(anki_collection.ImportCsvRequest(path=str(out), metadata=metadata))
        theirs = {(col.get_note(nid).note_type()["name"], col.get_note(nid).fields[0])
                  for nid in col.find_notes("")}
        decks = {d.name for d in col.decks.all_names_and_ids()}
    finally:
        col.close()
    exported = [n for n in run_json(base, "notes") if n["notetype"] in ("Basic", "Cloze")]
    assert theirs == {(n["notetype"], next(iter(n["fields"].values()))) for n in exported}
    assert "Sample Deck" in decks


def _run_with_terminal_stderr(base, *args):
    """Run the CLI with stderr on a pseudo-terminal (stdout piped); (stdout, terminal)."""
    import os
    import pty

    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "repetend.host", "--base", str(base),
                                 *args], stdout=subprocess.PIPE, stderr=slave, text=True)
        os.close(slave)
        stdout, _ = proc.communicate(timeout=120)
        screen = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child's end is closed
                break
            if not chunk:
                break
            screen += chunk
    finally:
        os.close(master)
    assert proc.returncode == 0, screen
    return stdout, screen.decode("utf-8")


def test_progress_bar_on_a_terminal_only(base):
    stdout, screen = _run_with_terminal_stderr(base, "import",
                                               str(ANKIAPP / "geography-xml.zip"))
    assert "3 notes found" in stdout
    assert "\rnotes  [" in screen and "100%  3/3" in screen and "media  [" in screen
    assert screen.endswith("\r") and not screen.split("\r")[-2].strip()  # cleared at the end
    assert "\n" not in screen
    _, screen = _run_with_terminal_stderr(base, "import", str(ANKIAPP / "vocab-csv"), "--json")
    assert screen == ""  # --json: output for programs, no bar
    piped = run(base, "export", str(base / "all.apkg"))
    assert piped.stderr == ""  # not a terminal: nothing drawn
