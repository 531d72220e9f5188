"""`repetend filtered create|rebuild|empty` and `repetend custom-study`, run as a user runs
them: a subprocess on a temporary base."""

import sqlite3

import pytest
from clirun import run, run_json

FIELDS = "did, type, queue, due, ivl, odue, odid"


def db(base):
    return sqlite3.connect(base / "User 1" / "collection.db")


def cards(base):
    with db(base) as conn:
        return {r[0]: tuple(r[1:]) for r in conn.execute(f"SELECT id, {FIELDS} FROM cards")}


def deck_id(base, name):
    with db(base) as conn:
        row = conn.execute("SELECT id FROM decks WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def fails(base, *args):
    proc = run(base, *args, check=False)
    assert proc.returncode == 1, proc.stdout
    assert proc.stderr.startswith("repetend: error: ")
    return proc.stderr


@pytest.fixture
def base(tmp_path):
    """A profile with three new cards in "My Deck" and one in "Other"."""
    for front in ("one", "two", "three"):
        run(tmp_path, "add", "--deck", "My Deck", "--notetype", "Basic", front, "back")
    run(tmp_path, "add", "--deck", "Other", "--notetype", "Basic", "four", "back")
    return tmp_path


def test_create_rebuild_empty_and_undo(base):
    before = cards(base)
    out = run_json(base, "filtered", "create", "Cram", "--search", '"deck:My Deck"',
                   "--limit", "2", "--order", "order-added")
    assert out["operation"] == "Build Deck" and out["cards"] == 2 and out["created"]
    assert out["terms"] == [{"search": '"deck:My Deck"', "limit": 2, "order": 5,
                             "order_name": "order-added"}]
    assert (out["reschedule"], out["preview_again_secs"]) == (True, 60)
    fid = deck_id(base, "Cram")
    assert out["deck_id"] == fid
    now = cards(base)
    moved = sorted(cid for cid, row in now.items() if row[0] == fid)
    home = deck_id(base, "My Deck")
    assert moved == sorted(c for c, row in before.items() if row[0] == home)[:2]
    assert [now[c][3] for c in moved] == [-100000, -99999]

    text = run(base, "filtered", "rebuild", "Cram").stdout
    assert text.strip() == "Rebuilt filtered deck 'Cram': 2 card(s)."
    out = run_json(base, "filtered", "empty", "Cram")
    assert out == {"operation": "Empty", "deck_id": fid, "name": "Cram", "returned": 2}
    assert cards(base) == before
    assert "Undid: Empty" in run(base, "undo").stdout
    assert cards(base) == now


def test_second_filter_and_preview_options(base):
    out = run_json(base, "filtered", "create", "Preview", "--search", "deck:Other",
                   "--search2", '"deck:My Deck"', "--limit2", "1", "--order2", "random",
                   "--no-reschedule", "--preview-again", "30", "--preview-hard", "90",
                   "--preview-good", "0")
    assert out["cards"] == 2 and out["reschedule"] is False
    assert [t["limit"] for t in out["terms"]] == [100, 1]
    assert (out["preview_again_secs"], out["preview_hard_secs"], out["preview_good_secs"]) \
        == (30, 90, 0)
    fid = deck_id(base, "Preview")
    assert {row[2] for row in cards(base).values() if row[0] == fid} == {2}  # review queue
    # the card answered in the preview deck uses its delays
    cid = next(c for c, row in cards(base).items() if row[0] == fid)
    out = run_json(base, "answer", str(cid), "hard", "--deck", "Preview")
    assert cards(base)[cid][2] == 4
    # the same command on an existing filtered deck updates it
    text = run(base, "filtered", "create", "Preview", "--search", "deck:Other").stdout
    assert text.startswith("Updated filtered deck 'Preview' with 1 card(s) (rescheduling)")


def test_custom_study_presets(base):
    out = run_json(base, "custom-study", "My Deck", "--new-limit", "5")
    assert out == {"operation": "Custom Study", "preset": "new-limit",
                   "deck_id": deck_id(base, "My Deck"), "new_delta": 5, "review_delta": 0}
    text = run(base, "custom-study", "My Deck", "--review-limit", "-2").stdout
    assert text.strip() == "Today's review limit of 'My Deck' decreased by 2."
    out = run_json(base, "custom-study", "My Deck", "--preview-new", "1")
    assert out["search"] == 'is:new added:1 "deck:My Deck"' and out["cards"] == 3
    assert out["reschedule"] is False
    session = deck_id(base, "Custom Study Session")
    assert out["filtered_deck_id"] == session
    out = run_json(base, "custom-study", "Other", "--state", "all", "--limit", "5")
    assert out["search"] == "deck:Other" and out["cards"] == 1
    assert deck_id(base, "Custom Study Session") == session
    # the earlier session's cards went home
    assert sum(1 for row in cards(base).values() if row[0] == session) == 1
    run(base, "add", "--deck", "My Deck", "--notetype", "Basic", "--tags", "b", "five", "x")
    text = run(base, "custom-study", "My Deck", "--state", "new", "--tags", "a", "b",
               "--exclude-tags", "c").stdout
    assert text.strip() == ("Built 'Custom Study Session' with 1 card(s) from "
                            "'is:new \"deck:My Deck\" (tag:a OR tag:b) -tag:c'.")
    assert fails(base, "custom-study", "My Deck", "--state", "new", "--tags", "zz") == \
        "repetend: error: No cards matched the criteria you provided.\n"
    for args in (["--forgotten", "1"], ["--ahead", "3"]):
        assert "No cards matched" in fails(base, "custom-study", "My Deck", *args)


def test_bad_input_changes_nothing(base):
    run(base, "filtered", "create", "Cram", "--search", "deck:Other")
    before = cards(base)
    cases = {
        ("filtered", "create", "X", "--search", ""): "the search is empty",
        ("filtered", "create", "X", "--search", "deck:Other", "--limit", "0"):
            "the limit must be a whole number of cards from 1 to 99999",
        ("filtered", "create", "X", "--search", "deck:Other", "--order", "sideways"):
            "unknown order",
        ("filtered", "create", "X", "--search", '"deck:My Deck" is:review'):
            "No cards matched the provided search",
        ("filtered", "create", "X", "--search", "deck:(("): "Invalid search",
        ("filtered", "create", "Cram::Sub", "--search", "deck:*"):
            "Filtered decks can not have child decks",
        ("filtered", "create", "My Deck", "--search", "deck:*"):
            "a normal deck called 'My Deck' already exists",
        ("filtered", "create", "X", "--search", "deck:*", "--preview-good", "5"):
            "only with --no-reschedule",
        ("filtered", "create", "X", "--search", "deck:*", "--no-reschedule",
         "--preview-again", "-1"): "preview delay for Again",
        ("filtered", "create", "X", "--search", "deck:*", "--limit2", "3"): "need --search2",
        ("filtered", "rebuild", "My Deck"): "'My Deck' is not a filtered deck",
        ("filtered", "empty", "Nope"): "no filtered deck called 'Nope'",
        ("custom-study", "Cram", "--new-limit", "3"): "'Cram' is a filtered deck",
        ("custom-study", "My Deck", "--new-limit", "0"): "must not be 0",
        ("custom-study", "My Deck", "--ahead", "0"): "number of days",
        ("custom-study", "My Deck", "--forgotten", "2", "--tags", "a"): "go with --state",
        ("custom-study", "My Deck", "--state", "all", "--limit", "0"): "number of cards",
        ("custom-study", "Nope", "--ahead", "2"): "no deck called 'Nope'",
        ("add", "--deck", "Cram", "--notetype", "Basic", "f", "b"):
            "deck 'Cram' is a filtered deck: new cards need a normal deck",
    }
    for args, message in cases.items():
        assert message in fails(base, *args), args
    assert cards(base) == before
    assert deck_id(base, "X") is None and deck_id(base, "Custom Study Session") is None
    # argparse refuses two presets at once
    proc = run(base, "custom-study", "My Deck", "--ahead", "1", "--forgotten", "1",
               check=False)
    assert proc.returncode == 2 and "not allowed with" in proc.stderr
