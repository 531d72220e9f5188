"""`repetend search`, run as a user runs it: a subprocess on a temporary base."""

from pathlib import Path

import pytest
from clirun import run, run_json


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    base = tmp_path_factory.mktemp("base")
    for deck, front, back, tags in [("French::Verbs", "parler", "to speak", "verbs"),
                                    ("French::Verbs", "manger", "to eat", "verbs irregular"),
                                    ("French::Nouns", "le chien", "the dog", "nouns animals"),
                                    ("Spanish", "el perro", "the dog", "animals")]:
        run(base, "add", "--deck", deck, "--notetype", "Basic", "--tags", tags, front, back)
    return base


def test_search_lists_cards_sorted_by_sort_field(base):
    data = run_json(base, "search", "deck:French")
    assert data["count"] == 3
    assert [c["sort-field"] for c in data["cards"]] == ["le chien", "manger", "parler"]
    assert {c["deck"] for c in data["cards"]} == {"French::Verbs", "French::Nouns"}
    assert all(c["due"].startswith("New #") for c in data["cards"])


def test_search_language_terms_and_boolean_structure(base):
    def fronts(query):
        return sorted(c["sort-field"] for c in run_json(base, "search", query)["cards"])

    assert fronts("tag:animals") == ["el perro", "le chien"]
    assert fronts("dog -deck:Spanish") == ["le chien"]
    assert fronts("tag:verbs or back:*dog*") == ["el perro", "le chien", "manger", "parler"]
    assert fronts('"front:le chien" or (deck:Spanish tag:animals)') == ["el perro", "le chien"]
    assert fronts("deck:French::* -tag:irregular is:new") == ["le chien", "parler"]


def test_notes_mode_columns_sort_and_limit(base):
    data = run_json(base, "search", "dog", "--notes", "--columns", "sort-field,cards,tags",
                    "--sort", "created", "--reverse")
    assert data["count"] == 2
    assert [n["sort-field"] for n in data["notes"]] == ["el perro", "le chien"]
    assert data["notes"][0]["tags"] == "animals"  # cells read as in the browser
    assert data["notes"][0]["cards"] == "1"
    limited = run_json(base, "search", "", "--limit", "1", "--columns", "reviews,ease,cardIvl")
    assert limited["count"] >= 4 and len(limited["cards"]) == 1
    assert limited["cards"][0] == {"id": limited["cards"][0]["id"],
                                   "note_id": limited["cards"][0]["note_id"],
                                   "reviews": "0", "ease": "(new)", "cardIvl": "(new)"}


def test_text_output_is_a_table(base):
    out = run(base, "search", "tag:verbs", "--columns", "sort-field,template,question").stdout
    lines = out.splitlines()
    assert lines[0].split() == ["id", "sort-field", "template", "question"]
    assert "manger" in lines[1] and "Card 1" in lines[1]
    assert lines[-1] == "2 cards found."
    assert run(base, "search", "nothing-matches-this").stdout.strip() == "0 cards found."


@pytest.mark.parametrize("query, message", [
    ("deck:Nope", "there is no deck called `Nope`"),
    ("note:Nope", "there is no note type called `Nope`"),
    ("nofield:x", "no note type has a field called `nofield`"),
    ("re:(", "never closed"),
    ('"re:("', "regular expression `(` is invalid"),
    ("prop:foo>1", "`prop:foo>1` names no card property"),
    ("is:nope", "unknown state `nope`"),
    ("dog or", "does not connect two search terms"),
])
def test_bad_searches_give_one_clear_line(base, query, message):
    proc = run(base, "search", query, check=False)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("repetend: error: Invalid search: ")
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_default_columns_and_sort_are_the_browsers(base):
    data = run_json(base, "search", "deck:French")
    assert set(data["cards"][0]) == {"id", "note_id", "sort-field", "template", "due", "deck"}
    notes = run_json(base, "search", "deck:French", "--notes")
    assert set(notes["notes"][0]) == {"id", "sort-field", "notetype", "cards", "tags"}
    # --sort does not change the browser's remembered sort
    by_created = run_json(base, "search", "deck:French", "--sort", "created", "--reverse")
    assert [c["sort-field"] for c in by_created["cards"]] == ["le chien", "manger", "parler"]
    again = run_json(base, "search", "deck:French")
    assert [c["sort-field"] for c in again["cards"]] == ["le chien", "manger", "parler"]


def test_cells_read_as_in_the_browser(base):
    [card] = run_json(base, "search", "parler", "--columns",
                      "question,answer,ease,interval,notetype,card-modified")["cards"]
    assert card["question"] == "parler" and card["answer"] == "to speak"
    assert card["ease"] == card["interval"] == "(new)"
    assert card["notetype"] == "Basic" and " @ " in card["card-modified"]


def test_addon_columns_show(tmp_path):
    example = Path(__file__).resolve().parents[2] / "examples" / "word_count"
    run(tmp_path, "add", "--deck", "D", "--notetype", "Basic", "one two three", "x")
    run(tmp_path, "addons", "install", str(example))
    [card] = run_json(tmp_path, "search", "deck:D", "--columns",
                      "sort-field,word_count")["cards"]
    assert card["word_count"] == "3"
    proc = run(tmp_path, "search", "", "--sort", "word_count", check=False)
    assert proc.returncode == 1 and "cannot sort by 'word_count'" in proc.stderr


def test_bad_column_or_sort(base):
    proc = run(base, "search", "", "--columns", "sort-field,bogus", check=False)
    assert proc.returncode == 1 and "unknown column 'bogus'" in proc.stderr
    proc = run(base, "search", "", "--sort", "bogus", check=False)
    assert proc.returncode == 1 and "cannot sort by 'bogus'" in proc.stderr
