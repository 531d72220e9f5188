"""Card operation commands, run as a user runs them: a subprocess on a temporary base."""

import sqlite3

import pytest
from clirun import run, run_json

FIELDS = "type, queue, due, ivl, factor, reps, lapses, flags, did, odid, odue"


def stored(base, cid):
    with sqlite3.connect(base / "User 1" / "collection.db") as db:
        db.row_factory = sqlite3.Row
        return dict(db.execute(f"SELECT {FIELDS} FROM cards WHERE id = ?", (cid,)).fetchone())


def revlog(base, cid):
    with sqlite3.connect(base / "User 1" / "collection.db") as db:
        return [tuple(r) for r in db.execute(
            "SELECT ease, ivl, last_ivl, factor, time, type FROM revlog WHERE cid = ? "
            "ORDER BY id", (cid,))]


def write(base, cid, **fields):
    sets = ", ".join(f"{k} = ?" for k in fields)
    with sqlite3.connect(base / "User 1" / "collection.db") as db:
        db.execute(f"UPDATE cards SET {sets} WHERE id = ?", (*fields.values(), cid))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return tmp_path_factory.mktemp("base")


@pytest.fixture
def card_ids(base):
    """card_ids(notetype="Basic") -> the ids of a freshly added note's cards."""

    def _add(notetype="Basic"):
        values = ["front", "back"]
        return run_json(base, "add", "--deck", "Ops", "--notetype", notetype,
                        *values)["card_ids"]

    return _add


def test_suspend_and_unsuspend_with_undo(base, card_ids):
    (cid,) = card_ids()
    out = run_json(base, "suspend", str(cid))
    assert out["operation"] == "Suspend"
    assert out["changed"] == 1
    assert out["cards"][0]["id"] == cid and out["cards"][0]["queue"] == -1
    assert stored(base, cid)["queue"] == -1
    assert run(base, "suspend", str(cid)).stdout.strip() == (
        "Nothing changed: none of the 1 card(s) needed it.")
    assert run(base, "undo").stdout.strip() == "Undid: Suspend"
    assert stored(base, cid)["queue"] == 0

    run(base, "suspend", str(cid))
    assert run(base, "unsuspend", str(cid)).stdout.strip() == "Unsuspended 1 card(s)."
    assert stored(base, cid)["queue"] == 0
    assert run(base, "undo").stdout.strip() == "Undid: Unbury/Unsuspend"
    assert stored(base, cid)["queue"] == -1


def test_bury_and_unbury_keep_manual_and_sibling_apart(base, card_ids):
    manual, sibling = card_ids("Basic (and reversed card)")
    assert run(base, "bury", str(manual)).stdout.strip() == "Buried 1 card(s)."
    write(base, sibling, queue=-2)
    assert run_json(base, "unbury", "--sibling", str(manual), str(sibling))["changed"] == 1
    assert (stored(base, manual)["queue"], stored(base, sibling)["queue"]) == (-3, 0)
    run(base, "undo")
    assert run_json(base, "unbury", "--manual", str(manual), str(sibling))["changed"] == 1
    assert (stored(base, manual)["queue"], stored(base, sibling)["queue"]) == (0, -2)
    run(base, "undo")
    assert run_json(base, "unbury", str(manual), str(sibling))["changed"] == 2
    assert (stored(base, manual)["queue"], stored(base, sibling)["queue"]) == (0, 0)
    assert run(base, "undo").stdout.strip() == "Undid: Unbury/Unsuspend"
    assert run(base, "undo").stdout.strip() == "Undid: Bury"
    assert stored(base, manual)["queue"] == 0


def test_flag_sets_the_low_bits_and_refuses_flag_nine(base, card_ids):
    (cid,) = card_ids()
    write(base, cid, flags=0b1000)
    assert run(base, "flag", "4", str(cid)).stdout.strip() == "Set flag 4 on 1 card(s)."
    assert stored(base, cid)["flags"] == 0b1100
    assert run_json(base, "flag", "0", str(cid))["cards"][0]["flag"] == 0
    assert stored(base, cid)["flags"] == 0b1000
    assert run(base, "undo").stdout.strip() == "Undid: Set Flag"

    proc = run(base, "flag", "9", str(cid), check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "repetend: error: flag must be 0 (no flag) to 7, not 9"
    assert stored(base, cid)["flags"] == 0b1100


def test_forget_with_options_writes_a_manual_revlog_row(base, card_ids):
    (cid,) = card_ids()
    position = stored(base, cid)["due"]
    run(base, "set-due", "4!", str(cid))
    write(base, cid, reps=5, lapses=1)
    out = run_json(base, "forget", "--restore-position", "--reset-counts", str(cid))
    assert (out["operation"], out["changed"]) == ("Reset Card", 1)
    card = stored(base, cid)
    assert (card["type"], card["queue"], card["due"], card["ivl"], card["factor"],
            card["reps"], card["lapses"]) == (0, 0, position, 0, 0, 0, 0)
    assert revlog(base, cid)[-1] == (0, 0, 4, 0, 0, 4)
    assert run(base, "undo").stdout.strip() == "Undid: Reset Card"
    assert stored(base, cid)["type"] == 2
    assert len(revlog(base, cid)) == 1


def test_forget_without_restore_takes_the_next_position(base, card_ids):
    (cid,) = card_ids()
    position = stored(base, cid)["due"]
    run(base, "set-due", "1", str(cid))
    run(base, "forget", str(cid))
    assert stored(base, cid)["due"] > position


def test_set_due_turns_a_new_card_into_a_review_card(base, card_ids):
    (cid,) = card_ids()
    out = run(base, "set-due", "0", str(cid))
    assert out.stdout.strip() == "Set the due date (0) of 1 card(s)."
    card = stored(base, cid)
    assert (card["type"], card["queue"], card["ivl"], card["factor"]) == (2, 2, 1, 2500)
    today = card["due"]
    assert revlog(base, cid) == [(0, 1, 0, 2500, 0, 4)]
    got = run_json(base, "set-due", "3-5", str(cid))["cards"][0]
    assert today + 3 <= got["due"] <= today + 5 and got["ivl"] == 1  # interval kept
    assert run(base, "undo").stdout.strip() == "Undid: Set Due Date"
    assert stored(base, cid)["due"] == today


def test_set_due_refuses_a_malformed_entry(base, card_ids):
    (cid,) = card_ids()
    proc = run(base, "set-due", "tomorrow", str(cid), check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith("repetend: error: due date 'tomorrow' is not valid: use a "
                                  "number of days (0 = today)")
    assert stored(base, cid)["type"] == 0


def test_reposition_new_cards(base, card_ids):
    first = card_ids("Basic (and reversed card)")
    (second,) = card_ids()
    out = run_json(base, "reposition", "--start", "100", "--step", "10", str(second),
                   *map(str, first))
    assert (out["operation"], out["changed"]) == ("Reposition", 3)
    assert [stored(base, c)["due"] for c in [second, *first]] == [100, 110, 110]
    run(base, "reposition", "--start", "100", "--shift", "--randomize", str(second))
    assert [stored(base, c)["due"] for c in [second, *first]] == [100, 111, 111]
    assert run(base, "undo").stdout.strip() == "Undid: Reposition"
    assert [stored(base, c)["due"] for c in [second, *first]] == [100, 110, 110]


@pytest.mark.parametrize(("args", "message"), [
    (["reposition", "--start", "-1"], "start position must be a whole number of at least 0, "
                                      "not -1"),
    (["reposition", "--step", "0"], "step must be a whole number of at least 1, not 0"),
])
def test_reposition_refuses_bad_numbers(base, card_ids, args, message):
    (cid,) = card_ids()
    proc = run(base, *args, str(cid), check=False)
    assert (proc.returncode, proc.stderr.strip()) == (1, f"repetend: error: {message}")


def test_reposition_refuses_a_review_card(base, card_ids):
    new, review = card_ids("Basic (and reversed card)")
    run(base, "set-due", "2", str(review))
    before = stored(base, new)
    proc = run(base, "reposition", "--start", "50", str(new), str(review), check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"repetend: error: only new cards can be repositioned; not new: {review}")
    assert stored(base, new) == before


@pytest.mark.parametrize("command", [
    ["suspend"], ["unsuspend"], ["bury"], ["unbury"], ["flag", "1"], ["forget"],
    ["set-due", "1"], ["reposition"]])
def test_unknown_card_ids_are_named(base, command):
    proc = run(base, *command, "12345", check=False)
    assert (proc.returncode, proc.stderr.strip()) == (1, "repetend: error: no card with id "
                                                         "12345")


@pytest.mark.parametrize("command", [
    ["suspend"], ["unbury", "--manual"], ["flag", "1"], ["forget", "--reset-counts"],
    ["set-due", "1!"], ["reposition", "--shift"]])
def test_an_empty_selection_says_nothing_changed(base, command):
    assert run(base, *command).stdout.strip() == "No cards given; nothing changed."
    data = run_json(base, *command)
    assert (data["changed"], data["cards"]) == (0, [])


def test_operations_take_the_cards_a_search_finds(base, card_ids):
    first = card_ids("Basic (and reversed card)")
    out = run_json(base, "flag", "3", "--search", f"cid:{first[0]},{first[1]}")
    assert out["changed"] == 2 and sorted(c["id"] for c in out["cards"]) == sorted(first)
    assert [stored(base, cid)["flags"] & 7 for cid in first] == [3, 3]
    out = run_json(base, "suspend", "--search", "flag:3")
    assert out["changed"] == 2 and all(stored(base, c)["queue"] == -1 for c in first)
    assert run(base, "undo").stdout.strip() == "Undid: Suspend"
    assert run(base, "forget", "--search", "tag:no-such-tag").stdout.strip() == (
        "No cards match the search; nothing changed.")
    proc = run(base, "bury", "--search", "deck:\"no such deck\"", check=False)
    assert proc.returncode == 1 and "no such deck" in proc.stderr.lower()
