"""Add-ons' search terms (`register_search_terms`) in the search language: installed on the
collection when the host is attached, contained per search, absent in safe mode; through
the API (the testing kit's fixtures) and through the CLI with a real add-on folder."""

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from clirun import run

from repetend.core.search import UnknownNameError
from repetend.hooks import hookimpl
from repetend.hooks.browser import SearchTerm

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def front(col, card):
    return col.get_note(card.nid).fields[0]


class Fragile:
    """`fragile:` raises for the cards whose front is "boom"; `long:` wants 3+ letters."""

    @hookimpl
    def register_search_terms(self, register):
        def fragile(col, card, value):
            if front(col, card) == "boom":
                raise RuntimeError("cannot read this card")
            return True

        register(SearchTerm("fragile", fragile))
        register(SearchTerm("long", lambda col, card, value: len(front(col, card)) >= 3))


@pytest.fixture
def fronts(collection):
    for text in ("ok", "boom", "fine", "boom", "boom"):
        note = collection.new_note("Basic")
        note.fields = [text, "back"]
        collection.add_note(note, deck_id=1)

    def found(query, notes=False):
        if notes:
            return sorted(collection.get_note(n).fields[0] for n in collection.find_notes(query))
        return sorted(front(collection, collection.get_card(c))
                      for c in collection.find_cards(query))

    return found


def test_a_registered_term_is_part_of_the_search_language(collection, host, register_plugin,
                                                          fronts):
    register_plugin(Fragile(), "fragile_addon")
    assert fronts("long:") == ["boom", "boom", "boom", "fine"]
    assert fronts("-long: or fine", notes=True) == ["fine", "ok"]
    assert host.errors == []


def test_a_raising_match_is_no_match_and_reported_once_per_search(collection, host,
                                                                  register_plugin, fronts):
    register_plugin(Fragile(), "fragile_addon")
    assert fronts("fragile:x") == ["fine", "ok"]       # the search completes
    [error] = host.errors                              # three cards failed, one report
    assert error.plugin_name == "fragile_addon"
    assert error.hook_name == "register_search_terms"
    assert error.detail == "SearchTerm 'fragile'.match"
    assert isinstance(error.exception, RuntimeError)
    # The cards it could not judge match neither the term nor its negation.
    assert fronts("-fragile:x") == []
    assert fronts("long: -fragile:x or ok", notes=True) == ["ok"]
    assert len(host.errors) == 3                       # one more per search


def test_terms_follow_the_plugins_registered(collection, host, register_plugin, fronts):
    with pytest.raises(UnknownNameError, match="no note type has a field called `long`"):
        collection.find_cards("long:")
    register_plugin(Fragile(), "fragile_addon")        # after the collection was attached
    assert fronts("long:") == ["boom", "boom", "boom", "fine"]
    host.unregister_plugin("fragile_addon")
    with pytest.raises(UnknownNameError):
        collection.find_cards("long:")


def test_a_builtin_search_word_stays_anki_s(collection, host, register_plugin, fronts):
    class Greedy:
        @hookimpl
        def register_search_terms(self, register):
            register(SearchTerm("deck", lambda col, card, value: False))

    register_plugin(Greedy(), "greedy")
    assert len(fronts("deck:Default")) == 5
    assert "deck" not in collection.search_terms       # the term was refused …
    [error] = host.errors                              # … and reported against the add-on
    assert error.plugin_name == "greedy" and "built-in search term" in str(error.exception)


# --- the command line, with add-ons installed in the profile ---------------------------------


def search(base, query):
    # The new profile's sample deck is left out.
    data = json.loads(run(base, "search", f"deck:Words ({query})", "--json").stdout)
    return sorted(c["sort-field"] for c in data["cards"])


BROKEN = """
from repetend.hooks import hookimpl
from repetend.hooks.browser import SearchTerm


def _match(col, card, value):
    raise ValueError("broken on purpose")


@hookimpl
def register_search_terms(register):
    register(SearchTerm("broken", _match))
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    base = tmp_path_factory.mktemp("base")
    for text in ("one", "two words", "three whole words", "four words in all"):
        run(base, "add", "--deck", "Words", "--notetype", "Basic", text, "back")
    addons = base / "User 1" / "addons"
    shutil.copytree(EXAMPLES / "word_count", addons / "word_count")
    (addons / "broken_terms").mkdir()
    (addons / "broken_terms" / "manifest.json").write_text(json.dumps(
        {"package": "broken_terms", "name": "Broken terms", "version": "1.0"}))
    (addons / "broken_terms" / "__init__.py").write_text(textwrap.dedent(BROKEN))
    return base


def test_cli_search_uses_an_installed_add_on_s_term(base):
    assert search(base, "words:>3") == ["four words in all"]
    assert search(base, '"words:>=2" -words:>3') == ["three whole words", "two words"]
    assert search(base, "words:1 or words:3") == ["one", "three whole words"]


def test_cli_filtered_deck_built_from_an_add_on_term(base):
    run(base, "filtered", "create", "Long", "--search", "deck:Words words:>2")
    data = json.loads(run(base, "search", "deck:Long", "--json").stdout)
    assert sorted(c["sort-field"] for c in data["cards"]) == ["four words in all",
                                                            "three whole words"]
    run(base, "undo")


def test_cli_a_raising_term_is_reported_against_its_add_on(base):
    proc = run(base, "search", "deck:Words broken:x", "--json")
    assert json.loads(proc.stdout)["count"] == 0
    reports = [line for line in proc.stderr.splitlines() if "broken on purpose" in line]
    assert len(reports) == 1 and "broken_terms" in reports[0]
    assert "SearchTerm 'broken'.match" in reports[0]


def test_cli_safe_mode_has_no_add_on_terms(base):
    proc = run(base, "--safe-mode", "search", "words:>3", check=False)
    assert proc.returncode == 1
    assert "no note type has a field called `words`" in proc.stderr
