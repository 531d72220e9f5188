"""The compiler and runner without the oracle: regex dialect, LIKE shortcuts, one SQL
statement per search, unknown names, sorting, notes mode, timing."""

import re
from datetime import UTC, datetime

import pytest

from repetend.core.search import (
    UnknownNameError,
    build_sql,
    find_cards,
    find_notes,
    functions,
)
from repetend.core.search.literals import finite_alternatives, required_ascii_run
from repetend.core.search.order import COLUMNS, require_column
from repetend.core.search.regex import RegexError, translate
from repetend.core.search.timing import _fallback

# --- the regex dialect ---------------------------------------------------------------------


@pytest.mark.parametrize("anki, text, matches", [
    ("(?i)dog", "DOG", True),
    ("(?i)(?-i)DOG", "dog", False),
    ("a(?i)b", "aB", True),
    ("a(?i)b|c", "C", True),          # the flag reaches past the | in Rust
    ("(?i)a(?-i)B|c", "ab", False),
    ("cat$", "cat\n", False),         # $ is the very end unless multi-line
    ("(?m)cat$", "cat\nx", True),
    ("dog\\z", "dog", True),
    ("\\s", "a\x1fb", False),         # the field separator is not white space
    ("\\S+", "\x1f", True),
    ("[[:digit:]]+", "a1", True),
    ("\\pL", "é", True),
    ("\\p{N}", "7", True),
    ("\\x{1F642}", "🙂", True),
    ("\\u00e9", "é", True),
    ("a**", "b", True),               # nested repetition is allowed
    ("(?i)istanbul", "İstanbul", False),  # Rust keeps İ and ı apart from i
    ("(?i)[a-z]stanbul", "İstanbul", False),
    ("(?i)[^a-z]", "ı", True),
    ("(?i)kelvin", "\u212aelvin", True),
    ("(?U)a+", "aaa", True),
    ("(?<n>x)", "x", True),
    ("\\<dog\\>", "a dog.", True),
    ("(?x) d o g  # comment", "dog", True),
])
def test_rust_regex_semantics(anki, text, matches):
    assert bool(re.search(translate(anki), text)) is matches


@pytest.mark.parametrize("anki, reason", [
    ("(", "unclosed group"),
    (")", "unopened group"),
    ("[a", "unclosed character class"),
    ("a{2", "unclosed counted repetition"),
    ("{2}", "repetition operator missing expression"),
    ("*", "repetition operator missing expression"),
    ("(?=x)", "look-around"),
    ("(a)\\1", "backreferences are not supported"),
    ("\\q", "unrecognized escape sequence"),
    ("[[a]]", "nested character classes"),
    ("[a&&b]", "set operations"),
    ("(?)", "empty flag group"),
])
def test_regex_errors_like_rust(anki, reason):
    with pytest.raises(RegexError) as info:
        translate(anki)
    assert reason in str(info.value)


def test_literal_analysis():
    assert finite_alternatives(translate("(?i)colou?r")) == ["color", "colour"]
    assert finite_alternatives(translate("(?i)(cat|dog)s?")) == ["cat", "cats", "dog", "dogs"]
    assert finite_alternatives(translate("(?i)^dog")) is None
    assert finite_alternatives(translate("(?i)d.g")) is None
    assert finite_alternatives(translate("(?-i)Dog")) is None      # LIKE ignores case
    assert finite_alternatives(translate("(?i)élan")) is None      # … but not for é
    assert finite_alternatives(translate("(?i)a?")) == ["", "a"]
    assert required_ascii_run(translate("(?i)^the\\s+house")) == "house"
    assert required_ascii_run(translate("(?i)\\d+")) is None


# --- compiling and running -------------------------------------------------------------------


@pytest.fixture
def filled(col, add):
    add("Basic", "hello dog", "cat", deck="Animals::Dogs", tags=["pets"])
    add("Basic", "it's \"quoted\"; DROP TABLE notes", "x", tags=["sql"])
    add("Basic (and reversed card)", "chien", "dog", deck="French")
    return col


def test_a_search_is_one_select_evaluated_by_sqlite(filled):
    sql, params = build_sql(filled, 'deck:Animals "front:*dog*" -tag:sql re:do.')
    functions.register(filled.db)
    assert sql.count("SELECT c.id") == 1 and "WHERE" in sql
    assert all("DROP" not in str(p) for p in params)
    hits = filled.db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
    assert hits == 1


def test_values_are_bound_not_spliced(filled):
    assert len(find_cards(filled, "\"front:it's \\\"quoted\\\"; DROP TABLE notes\"")) == 1
    assert len(find_cards(filled, "'")) == 1
    assert filled.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 3


@pytest.mark.parametrize("query, message", [
    ("deck:Nope", "there is no deck called `Nope`"),
    ("note:Nope", "there is no note type called `Nope`"),
    ("card:Nope", "no note type has a card type called `Nope`"),
    ("nofield:x", "no note type has a field called `nofield`"),
    ("preset:Nope", "there is no preset called `Nope`"),
])
def test_unknown_exact_names_are_errors(filled, query, message):
    with pytest.raises(UnknownNameError) as info:
        find_cards(filled, query)
    assert message in str(info.value)


def test_unknown_names_with_wildcards_find_nothing(filled):
    for query in ["deck:Nope*", "note:Nope*", "card:Nope*", "nofield*:x"]:
        assert find_cards(filled, query) == []


def test_collection_methods_delegate(filled):
    assert sorted(filled.find_cards("dog")) == sorted(find_cards(filled, "dog"))
    assert len(filled.find_cards("dog")) == 3
    assert len(filled.find_notes("dog")) == 2
    assert filled.find_notes("card:2") == find_notes(filled, "card:2")


def test_sorting_by_columns(filled):
    by_field = find_cards(filled, "", order="noteFld")
    fronts = [filled.get_note(filled.get_card(c).nid).fields[0] for c in by_field]
    assert fronts == sorted(fronts, key=str.casefold)
    assert find_cards(filled, "", order="sort-field", reverse=True) == by_field[::-1]
    assert find_cards(filled, "", order="c.id desc") == sorted(by_field, reverse=True)
    assert find_notes(filled, "", order="created") == sorted(find_notes(filled, ""))
    filled.set_config("sortType", "noteCrt")
    assert find_cards(filled, "", order=True) == sorted(find_cards(filled, ""))
    for key in COLUMNS:
        assert len(find_cards(filled, "", order=key)) == 4
        assert len(find_notes(filled, "", order=key)) == 3
    with pytest.raises(Exception, match="cannot sort by"):
        require_column("bogus")


@pytest.mark.parametrize("hours", [0, 3, 5, 23, 24 * 40 + 2, 24 * 400 + 7])
def test_timing_fallback_agrees_with_the_scheduler(hours):
    timing = pytest.importorskip("repetend.core.scheduler.timing")
    crt = int(datetime(2026, 1, 1, 4, tzinfo=UTC).timestamp())
    now = crt + hours * 3600 + 17
    for offset in (0, -60, 300):
        expected = timing.sched_timing(crt, now, 4, offset)
        assert _fallback(crt, now, 4, offset) == (expected.today, expected.next_day_at)
    legacy = timing.sched_timing(crt, now, 4, None)
    assert _fallback(crt, now, 4, None) == (legacy.today, legacy.next_day_at)
