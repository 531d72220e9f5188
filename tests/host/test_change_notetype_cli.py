"""`repetend change-notetype` as a user runs it: template swaps, cloze types, and one
clear line (no traceback) for every mapping core refuses."""

import pytest
from clirun import run, run_json


@pytest.fixture
def base(tmp_path):
    return tmp_path


def by_ord(base, nid):
    return {c["ord"]: c["id"] for c in run_json(base, "cards", "--note", str(nid))}


def test_swapping_two_templates_from_the_command_line(base):
    nid = run_json(base, "add", "--deck", "Browse", "--notetype", "Basic (and reversed card)",
                   "f", "b")["note_id"]
    before = by_ord(base, nid)
    out = run_json(base, "change-notetype", "deck:Browse", "Basic (and reversed card)",
                   "--template", "Card 1=Card 2", "--template", "Card 2=Card 1")
    assert out["changed"] == 1 and out["deleted_templates"] == []
    assert by_ord(base, nid) == {0: before[1], 1: before[0]}


def test_cloze_to_basic_names_the_clozes_it_deletes(base):
    nid = run_json(base, "add", "--deck", "Browse", "--notetype", "Cloze",
                   "{{c1::a}} {{c2::b}}", "")["note_id"]
    before = by_ord(base, nid)
    proc = run(base, "change-notetype", "deck:Browse", "Basic")
    assert "Deleted the cards of: c2 and above." in proc.stdout
    assert by_ord(base, nid) == {0: before[0]}


@pytest.mark.parametrize("args, message", [
    (["Basic", "--template", "Card 1=Cloze"], "'Cloze' is a cloze note type"),
    (["Basic", "--template", "Card 9=Cloze"], "'Cloze' is a cloze note type"),
    (["Cloze", "--template", "Cloze"], "expected NEW=OLD"),
])
def test_a_refused_mapping_prints_one_line_and_changes_nothing(base, args, message):
    run(base, "add", "--deck", "Browse", "--notetype", "Cloze", "{{c1::a}}", "")
    proc = run(base, "change-notetype", "deck:Browse", *args, check=False)
    assert proc.returncode == 1 and message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert run(base, "undo").stdout.strip() == "Undid: Add Note"
