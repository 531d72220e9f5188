"""`repetend deck …` run as a user runs it: a subprocess on a temporary base."""

import pytest
from clirun import run, run_json


def decks(base):
    """{deck name: card count} of the user's decks (the sample deck left out)."""
    return {d["name"]: d["card_count"] for d in run_json(base, "decks")
            if not d["name"].startswith("Sample Deck")}


def fail(base, *args):
    proc = run(base, *args, check=False)
    assert proc.returncode == 1, proc.stdout
    return proc.stderr.strip()


@pytest.fixture
def base(tmp_path):
    for deck, front in (("A", "a1"), ("A", "a2"), ("A::x", "ax"), ("B::X", "bx")):
        run(tmp_path, "add", "--deck", deck, "--notetype", "Basic", front, "back")
    return tmp_path


def test_merge_moves_cards_and_subdecks_and_undoes(base):
    before = decks(base)
    out = run(base, "deck", "merge", "A", "b").stdout
    assert out.splitlines() == ["Merged 'A' into 'B': moved 3 cards.", "  A::x -> B::X"]
    assert decks(base) == {"B": 2, "B::X": 2, "Default": 0}
    assert run(base, "undo").stdout.strip() == "Undid: Merge Decks"
    assert decks(base) == before


def test_rename_and_rename_onto_a_taken_name(base):
    assert run_json(base, "deck", "rename", "A::x", "A::renamed")["new"] == "A::renamed"
    out = run(base, "deck", "rename", "A", "b").stdout
    assert out.strip() == ("A deck called 'B' already exists, so 'A' became 'b+' (as in "
                           "Anki). To combine the two decks: repetend deck merge b+ B")
    assert decks(base) == {"B": 0, "B::X": 1, "b+": 2, "b+::renamed": 1, "Default": 0}
    assert run(base, "undo").stdout.strip() == "Undid: Rename Deck"
    assert "A" in decks(base)


def test_move_under_a_parent_and_to_the_top(base):
    assert run(base, "deck", "move", "A::x", "B").stdout.strip() == "Moved 'A::x' to 'B::x+'."
    assert run_json(base, "deck", "move", "B::x+", "--top")["new"] == "x+"
    assert decks(base)["x+"] == 1
    assert run(base, "undo").stdout.strip() == "Undid: Move Deck"
    assert decks(base)["B::x+"] == 1
    assert fail(base, "deck", "move", "B", "B::X") == \
        "repetend: error: cannot move deck 'B' under itself"
    assert fail(base, "deck", "move", "Default", "A") == \
        "repetend: error: the Default deck cannot be moved under another deck"


def test_delete_asks_for_yes_when_cards_would_go(base):
    before = decks(base)
    assert fail(base, "deck", "delete", "A") == (
        "repetend: error: deleting 'A' and its 1 subdeck(s) deletes 3 cards; add --yes to "
        "delete them (repetend undo brings them back)")
    assert decks(base) == before
    out = run_json(base, "deck", "delete", "A", "--yes")
    assert out == {"operation": "Delete Deck", "deck": "A", "subdecks": 1, "cards": 3}
    assert "A" not in decks(base)
    assert run(base, "undo").stdout.strip() == "Undid: Delete Deck"
    assert decks(base) == before
    run(base, "deck", "create", "Empty")
    assert run(base, "deck", "delete", "Empty").stdout.strip() == "Deleted 'Empty': 0 cards gone."


def test_create_and_undo(base):
    out = run_json(base, "deck", "create", "New:: Sub")
    assert out["name"] == "New::Sub" and out["operation"] == "Add Deck"
    assert {"New", "New::Sub"} <= set(decks(base))
    assert fail(base, "deck", "create", "new") == \
        "repetend: error: a deck called 'New' already exists"
    assert run(base, "undo").stdout.strip() == "Undid: Add Deck"
    assert "New" not in decks(base)


@pytest.mark.parametrize(("args", "message"), [
    (("rename", "Nope", "X"), "no deck called 'Nope'"),
    (("merge", "A", "Nope"), "no deck called 'Nope'"),
    (("merge", "Default", "A"), "the Default deck cannot be merged into another deck"),
    (("merge", "A", "A::x"), "cannot merge deck 'A' into its own subdeck 'A::x'"),
    (("delete", "Default", "--yes"), "the Default deck cannot be deleted"),
    (("move", "Nope", "--top"), "no deck called 'Nope'"),
])
def test_bad_input_is_named_and_changes_nothing(base, args, message):
    before = decks(base)
    assert message in fail(base, "deck", *args)
    assert decks(base) == before
    assert run(base, "undo").stdout.strip() == "Undid: Add Note"
