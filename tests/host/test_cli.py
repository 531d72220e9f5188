"""The `repetend` command line, run as a user runs it: a subprocess on a temporary base."""

import sqlite3
import subprocess
import sys

import pytest
from clirun import run, run_json


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return tmp_path_factory.mktemp("base")


def test_first_run_creates_user_1_with_the_sample_deck(base):
    decks = run_json(base, "decks")
    names = [d["name"] for d in decks]
    assert names == ["Default", "Sample Deck", "Sample Deck::Arabic Vocabulary"]
    sample = next(d for d in decks if d["name"] == "Sample Deck")
    assert sample["card_count"] > 20
    assert (base / "User 1" / "collection.db").exists()
    assert (base / "User 1" / "collection.media").is_dir()


def test_notetypes_include_stock_types_and_rtl_arabic_field(base):
    nts = {n["name"]: n for n in run_json(base, "notetypes")}
    assert {"Basic", "Basic (and reversed card)", "Basic (optional reversed card)",
            "Basic (type in the answer)", "Cloze"} <= set(nts)
    arabic = nts["Arabic Vocabulary"]
    assert [f["rtl"] for f in arabic["fields"]] == [True, False]
    assert arabic["note_count"] == 5
    assert sum(n["note_count"] for n in nts.values()) >= 20


def test_add_list_render_undo_redo(base):
    added = run_json(base, "add", "--deck", "Spanish::Verbs", "--notetype", "Basic",
                     "--tags", "verbs es", "hablar", "to speak")
    assert len(added["card_ids"]) == 1
    notes = run_json(base, "notes", "--deck", "Spanish::Verbs")
    assert [(n["fields"], n["tags"]) for n in notes] == [
        ({"Front": "hablar", "Back": "to speak"}, ["es", "verbs"])]
    cards = run_json(base, "cards", "--note", str(added["note_id"]))
    assert [c["id"] for c in cards] == added["card_ids"]
    shown = run_json(base, "render", str(added["card_ids"][0]))
    assert shown["question"] == "hablar"
    assert shown["answer"] == "hablar\n\n<hr id=answer>\n\nto speak"

    assert run(base, "undo").stdout.strip() == "Undid: Add Note"
    # The deck was created by the same step, so it goes too.
    assert "Spanish::Verbs" not in [d["name"] for d in run_json(base, "decks")]
    assert run_json(base, "redo")["redone"] == "Add Note"
    assert len(run_json(base, "notes", "--deck", "Spanish::Verbs")) == 1


def test_render_cloze_card_as_anki_does(base):
    added = run_json(base, "add", "--deck", "Default", "--notetype", "Cloze",
                     "{{c1::Paris::city}} is in {{c2::France}}", "extra")
    first = run_json(base, "render", str(added["card_ids"][0]))
    assert first["question"] == (
        '<span class="cloze" data-cloze="Paris" data-ordinal="1">[city]</span> is in '
        '<span class="cloze-inactive" data-ordinal="2">France</span>')
    assert first["answer"] == (
        '<span class="cloze" data-ordinal="1">Paris</span> is in '
        '<span class="cloze-inactive" data-ordinal="2">France</span><br>\nextra')
    second = run_json(base, "render", str(added["card_ids"][1]))
    assert '<span class="cloze" data-cloze="France" data-ordinal="2">[...]</span>' in \
        second["question"]


def test_empty_cards_lists_and_deletes(base):
    added = run_json(base, "add", "--deck", "Default", "--notetype",
                     "Basic (optional reversed card)", "f", "b", "y")
    assert len(added["card_ids"]) == 2
    col = sqlite3.connect(base / "User 1" / "collection.db")
    col.execute("UPDATE notes SET flds = 'f' || char(31) || 'b' || char(31) || '' "
                "WHERE id = ?", (added["note_id"],))
    col.commit()
    col.close()
    report = run_json(base, "empty-cards")
    assert report["card_ids"] == [added["card_ids"][1]]
    assert run_json(base, "empty-cards", "--delete")["deleted"] == 1
    assert run_json(base, "empty-cards")["card_ids"] == []


def test_plugins_lists_the_builtins(base):
    data = run_json(base, "plugins")
    names = [p["name"] for p in data["plugins"]]
    for builtin in ("reviewer", "browser", "importers", "exporters", "tts", "printing"):
        assert f"builtin.{builtin}" in names
    assert data["safe_mode"] is False
    assert run_json(base, "--safe-mode", "plugins")["safe_mode"] is True


def run_global(base, *args):
    """Global options must precede the command."""
    return run(base, *args, check=False)


def test_version():
    proc = subprocess.run([sys.executable, "-m", "repetend.host", "--version"],
                          capture_output=True, text=True)
    assert proc.stdout.startswith("repetend 0.")


def snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
            and not p.name.endswith(("-wal", "-shm"))}


@pytest.mark.parametrize("args,message", [
    (["--profile", "Nope", "decks"], "no profile called 'Nope'"),
    (["add", "--deck", "New Deck", "--notetype", "Basic", "only-one"],
     "has 2 fields (Front, Back), but 1 values were given"),
    (["add", "--deck", "New Deck", "--notetype", "Nope", "a", "b"], "no note type called 'Nope'"),
    (["notes", "--deck", "Missing"], "no deck called 'Missing'"),
    (["render", "123"], "no card with id 123"),
])
def test_bad_input_gets_one_line_error_and_changes_nothing(base, args, message):
    run(base, "decks")  # make sure the profile exists first
    before = snapshot(base)
    proc = run_global(base, *args)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert [d["name"] for d in run_json(base, "decks")].count("New Deck") == 0
    assert snapshot(base).keys() == before.keys()


def test_collection_that_is_not_sqlite_is_refused(tmp_path):
    (tmp_path / "Broken").mkdir()
    (tmp_path / "Broken" / "collection.db").write_text("hello")
    proc = run_global(tmp_path, "--profile", "Broken", "decks")
    assert proc.returncode == 1
    assert "not an SQLite database" in proc.stderr
    assert (tmp_path / "Broken" / "collection.db").read_text() == "hello"


def test_collection_from_newer_schema_is_refused(tmp_path):
    run(tmp_path, "decks")
    path = tmp_path / "User 1" / "collection.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 999")
    db.close()
    proc = run_global(tmp_path, "decks")
    assert proc.returncode == 1 and "newer Repetend" in proc.stderr


def test_headless_commands_never_import_qt(tmp_path):
    code = (
        "import sys\n"
        "from repetend.host.cli import main\n"
        f"for args in (['decks'], ['cards', '--json'], ['render', '1'], ['plugins']):\n"
        f"    main(['--base', {str(tmp_path)!r}, *args])\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken')))\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
