"""Browser operation commands, run as a user runs them: a subprocess on a temporary base."""


import pytest
from clirun import run, run_json


def ids(base, query):
    return [c["id"] for c in run_json(base, "search", query)["cards"]]


def note(base, nid):
    (found,) = [n for n in run_json(base, "notes") if n["id"] == nid]
    return found


@pytest.fixture
def base(tmp_path):
    return tmp_path


@pytest.fixture
def add(base):
    def _add(front, back="b", deck="Browse"):
        return run_json(base, "add", "--deck", deck, "--notetype", "Basic", front, back)

    return _add


def test_set_deck_and_undo(base, add):
    cid = add("one")["card_ids"][0]
    run(base, "add", "--deck", "Target", "--notetype", "Basic", "two", "x")
    out = run_json(base, "set-deck", "deck:Browse", "Target")
    assert out == {"operation": "Change Deck", "selected": 1, "changed": 1}
    assert cid in ids(base, "deck:Target")
    assert run(base, "undo").stdout.strip() == "Undid: Change Deck"
    assert cid not in ids(base, "deck:Target")


def test_set_deck_unknown_deck_changes_nothing(base, add):
    add("one")
    proc = run(base, "set-deck", "deck:Browse", "Nope", check=False)
    assert proc.returncode == 1 and "no deck called 'Nope'" in proc.stderr
    assert run(base, "undo").stdout.strip() == "Undid: Add Note"


def test_find_replace_regex_field_and_undo(base, add):
    nid = add("2024-01-05", "2024")["note_id"]
    out = run_json(base, "find-replace", "deck:Browse", "--find", r"(\d+)-(\d+)-(\d+)",
                   "--replace", "$3.$2.$1", "--regex", "--field", "Front")
    assert out["changed"] == 1
    assert note(base, nid)["fields"] == {"Front": "05.01.2024", "Back": "2024"}
    assert run(base, "undo").stdout.strip() == "Undid: Find and Replace"


def test_find_replace_bad_input(base, add):
    add("abc")
    proc = run(base, "find-replace", "deck:Browse", "--find", "a(", "--replace", "x",
               "--regex", check=False)
    assert proc.returncode == 1 and "invalid regular expression" in proc.stderr
    proc = run(base, "find-replace", "deck:Browse", "--find", "a", "--replace", "x",
               "--field", "Nope", check=False)
    assert proc.returncode == 1 and "no note type has a field called 'Nope'" in proc.stderr
    assert run(base, "undo").stdout.strip() == "Undid: Add Note"


def test_tags_commands(base, add):
    add("one")
    add("two")
    assert run_json(base, "tags", "add", "deck:Browse", "a::b c")["changed"] == 2
    assert len(ids(base, "tag:a::b")) == 2
    assert run_json(base, "tags", "remove", "front:one", "c")["changed"] == 1
    assert run_json(base, "tags", "rename", "a", "z")["changed"] == 2
    assert len(ids(base, "tag:z::b")) == 2
    assert run(base, "undo").stdout.strip() == "Undid: Rename Tag"
    assert len(ids(base, "tag:a::b")) == 2
    run(base, "tags", "remove", "deck:Browse", "c")
    assert run_json(base, "tags", "clear-unused")["changed"] == 1
    assert run(base, "undo").stdout.strip() == "Undid: Clear Unused Tags"
    assert "nothing to do" in run(base, "tags", "rename", "missing", "x").stdout
    assert run_json(base, "tags", "delete", "A")["changed"] == 2
    assert ids(base, "tag:a") == []
    assert run(base, "undo").stdout.strip() == "Undid: Delete Tag"
    assert len(ids(base, "tag:a::b")) == 2


def test_empty_selection_says_nothing_to_do(base, add):
    add("one")
    for args in (["set-deck", "tag:nosuchtag", "Default"],
                 ["find-replace", "tag:nosuchtag", "--find", "a", "--replace", "b"],
                 ["tags", "add", "tag:nosuchtag", "x"],
                 ["delete-notes", "tag:nosuchtag"]):
        assert "nothing to do" in run(base, *args).stdout
    assert run(base, "undo").stdout.strip() == "Undid: Add Note"


def test_delete_notes_and_undo(base, add):
    add("one")
    keep = add("two", deck="Other")["note_id"]
    assert run(base, "delete-notes", "deck:Browse").stdout.strip() == "Deleted 1 note(s)."
    assert ids(base, "deck:Browse") == [] and len(ids(base, "deck:Other")) == 1
    assert keep in [n["id"] for n in run_json(base, "notes")]
    assert run(base, "undo").stdout.strip() == "Undid: Delete Note"
    assert len(ids(base, "deck:Browse")) == 1


def test_card_info_and_dupes(base, add):
    cid = add("<b>Same</b>")["card_ids"][0]
    add("Same")
    add("same")
    info = run_json(base, "card-info", str(cid))
    assert info["card_id"] == cid and info["deck"] == "Browse" and info["history"] == []
    assert "Card 1" in run(base, "card-info", str(cid)).stdout
    out = run_json(base, "dupes", "front", "--search", "deck:Browse")
    assert [(d["value"], len(d["note_ids"])) for d in out["duplicates"]] == [("Same", 2)]
    proc = run(base, "dupes", "Nope", check=False)
    assert proc.returncode == 1 and "no note type has a field called 'Nope'" in proc.stderr
    proc = run(base, "card-info", "42", check=False)
    assert proc.returncode == 1 and "no card with id 42" in proc.stderr


def test_change_notetype_and_undo(base):
    nid = run_json(base, "add", "--deck", "Browse", "--notetype", "Basic (and reversed card)",
                   "f", "b")["note_id"]
    out = run_json(base, "change-notetype", "deck:Browse", "Basic", "--field", "Front=Back",
                   "--field", "Back=Front")
    assert out["changed"] == 1 and out["deleted_templates"] == ["Card 2"]
    assert note(base, nid)["notetype"] == "Basic"
    assert note(base, nid)["fields"] == {"Front": "b", "Back": "f"}
    assert len(ids(base, "deck:Browse")) == 1
    assert run(base, "undo").stdout.strip() == "Undid: Change Notetype"
    assert len(ids(base, "deck:Browse")) == 2
    proc = run(base, "change-notetype", "deck:Browse", "Basic", "--field", "Nope=Front",
               check=False)
    assert proc.returncode == 1 and "no field called 'Nope'" in proc.stderr
    assert "nothing to do" in run(base, "change-notetype", "tag:nosuchtag", "Basic").stdout
