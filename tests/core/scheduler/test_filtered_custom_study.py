"""Custom study (ANKI-FACTS §12.5): today's limits, and the presets that build the "Custom
Study Session" filtered deck with Anki's searches, orders and reschedule settings; undo and
bad input."""

import pytest

from repetend.core.errors import InvalidInput, NotFoundError
from repetend.core.scheduler import customstudy, filtered
from repetend.core.scheduler.customstudy import (
    CUSTOM_STUDY_SESSION,
    increase_new_limit,
    increase_review_limit,
    preview_new,
    review_ahead,
    review_forgotten,
    study_by_state,
)
from repetend.core.scheduler.states import PreviewState, ReschedulingFilterState

DAY_MS = 86_400_000


def session(col):
    return col.decks.by_name(CUSTOM_STUDY_SESSION)


def in_session(col):
    deck = session(col)
    return [r[0] for r in col.db.execute("SELECT id FROM cards WHERE did = ? ORDER BY due",
                                         (deck.id,))]


def snapshot(col):
    return ([tuple(r) for r in col.db.execute("SELECT * FROM cards ORDER BY id")],
            [(d.id, d.name, d.extra) for d in col.decks.all()])


def tag(col, cid, *tags):
    note = col.get_note(col.get_card(cid).nid)
    note.tags = list(tags)
    col.update_note(note)


def answered(col, cid, ease, ms_ago):
    with col.op("Test Setup"):
        col.db.execute("INSERT INTO revlog (id, cid, usn, ease, ivl, last_ivl, factor, time, "
                       "type) VALUES (?, ?, -1, ?, 1, 1, 2500, 0, 1)",
                       (col.sched.now() * 1000 - ms_ago, cid, ease))


@pytest.fixture
def home(study):
    return study.deck("Home", new_per_day=2, reviews_per_day=3)


# --- today's limits -------------------------------------------------------------------------

def test_increasing_todays_new_limit(study, home):
    col = study.col
    for i in range(6):
        study.new(home, position=i)
    assert study.counts(home) == (2, 0, 0)
    result = increase_new_limit(col, home, 3)
    assert (result.new_delta, result.review_delta, result.filtered_deck_id) == (3, 0, 0)
    assert col.undo_name() == "Custom Study"
    extra = col.decks.get(home).extra
    assert extra["newToday"] == [study.today, -3] and extra["extendNew"] == 3
    # new cards studied count against the review limit, so a negative count raises it too
    assert study.counts(home) == (5, 0, 0)
    increase_review_limit(col, home, 10)
    assert col.decks.get(home).extra["revToday"] == [study.today, -10]
    assert col.decks.get(home).extra["extendRev"] == 10
    assert col.undo() == "Custom Study"
    assert col.undo() == "Custom Study"
    assert study.counts(home) == (2, 0, 0)
    assert "newToday" not in col.decks.get(home).extra


def test_increasing_the_review_limit_shows_more_reviews(study, home):
    col = study.col
    for _ in range(5):
        study.review(home)
    assert study.counts(home) == (0, 0, 3)
    increase_review_limit(col, home, 1)
    assert study.counts(home) == (0, 0, 4)


def test_a_negative_change_lowers_todays_limit_and_is_not_remembered(study, home):
    col = study.col
    for i in range(3):
        study.new(home, position=i)
    increase_new_limit(col, home, -1)
    assert study.counts(home) == (1, 0, 0)
    assert "extendNew" not in col.decks.get(home).extra


def test_studied_today_counts_carry_on_from_the_increase(study, home):
    col = study.col
    cards = [study.new(home, position=i) for i in range(5)]
    col.sched.answer_card(cards[0], "easy")
    assert col.decks.get(home).extra["newToday"] == [study.today, 1]
    increase_new_limit(col, home, 2)
    assert col.decks.get(home).extra["newToday"] == [study.today, -1]
    assert study.counts(home)[0] == 3  # 2 - (-1) new, within 3 - (-1) reviews


def test_parents_change_only_when_limits_start_from_the_top(study):
    col = study.col
    parent = study.deck("Parent")
    child = study.deck("Parent::Child")
    increase_new_limit(col, child, 4)
    assert "newToday" not in col.decks.get(parent).extra
    col.set_config("applyAllParentLimits", True)
    increase_new_limit(col, child, 4)
    assert col.decks.get(parent).extra["newToday"] == [study.today, -4]
    assert "extendNew" not in col.decks.get(parent).extra
    assert col.decks.get(child).extra["newToday"] == [study.today, -8]


# --- the Custom Study Session ---------------------------------------------------------------

def test_review_forgotten_cards(study, home):
    col = study.col
    forgot = study.review(home)
    old = study.review(home)
    good = study.review(home)
    answered(col, forgot, 1, 3_600_000)
    answered(col, old, 1, 3 * DAY_MS)
    answered(col, good, 3, 3_500_000)
    result = review_forgotten(col, home, 1)
    assert result.search == "rated:1:1 deck:Home"
    assert (result.cards, result.reschedule) == (1, False)
    assert in_session(col) == [forgot]
    deck = session(col)
    assert deck.extra["terms"] == [["rated:1:1 deck:Home", 99999, filtered.RANDOM]]
    assert (deck.extra["resched"], deck.extra["previewDelay"]) == (False, 10)
    assert (deck.extra["previewAgainSecs"], deck.extra["previewHardSecs"],
            deck.extra["previewGoodSecs"]) == (60, 600, 0)
    assert col.get_config("curDeck") == deck.id
    assert col.undo_name() == "Custom Study"
    assert col.sched.states_for(study.card(forgot)).current == PreviewState(60, False)
    review_forgotten(col, home, 7)
    assert sorted(in_session(col)) == sorted([forgot, old])


def test_review_ahead_reschedules_in_order_due(study, home):
    col = study.col
    later = study.review(home, due_in=3)
    sooner = study.review(home, due_in=1)
    too_far = study.review(home, due_in=9)
    result = review_ahead(col, home, 4)
    assert result.search == "prop:due<=4 deck:Home" and result.reschedule
    assert in_session(col) == [sooner, later]
    assert session(col).extra["terms"][0][1:] == [99999, filtered.DUE]
    assert isinstance(col.sched.states_for(study.card(sooner)).current,
                      ReschedulingFilterState)
    col.sched.answer_card(sooner, "good", check_due=False)
    assert study.card(sooner).did == home
    assert study.card(too_far).did == home


def test_preview_new_cards_added_recently(study, home):
    col = study.col
    recent = study.new(home, position=1)
    older = study.new(home, position=2)
    with col.op("Test Setup"):  # card ids are creation times (the clock stands at NOW)
        col.db.execute("UPDATE cards SET id = ? WHERE id = ?", (study.now * 1000 - 3600, recent))
        col.db.execute("UPDATE cards SET id = ? WHERE id = ?",
                       (study.now * 1000 - 5 * DAY_MS, older))
    recent = study.now * 1000 - 3600
    result = preview_new(col, home, 2)
    assert result.search == "is:new added:2 deck:Home"
    assert in_session(col) == [recent]
    assert session(col).extra["terms"][0][2] == filtered.ADDED
    assert session(col).extra["resched"] is False


@pytest.mark.parametrize("state, search, order, reschedule", [
    ("new", "is:new deck:Home", filtered.ADDED, True),
    ("due", "is:due deck:Home", filtered.DUE, True),
    ("review", "-is:new deck:Home", filtered.RANDOM, True),
    ("all", "deck:Home", filtered.RANDOM, False),
])
def test_study_by_card_state(study, home, state, search, order, reschedule):
    col = study.col
    new = study.new(home, position=1)
    due = study.review(home, due_in=0)
    not_due = study.review(home, due_in=5)
    result = study_by_state(col, home, state, limit=10)
    assert (result.search, result.reschedule) == (search, reschedule)
    assert session(col).extra["terms"] == [[search, 10, order]]
    expected = {"new": {new}, "due": {due}, "review": {due, not_due},
                "all": {new, due, not_due}}[state]
    assert set(in_session(col)) == expected


def test_study_by_tag_includes_any_and_excludes_all(study, home):
    col = study.col
    a, b, ab_c, plain = (study.new(home, position=i + 1) for i in range(4))
    tag(col, a, "a")
    tag(col, b, "b")
    tag(col, ab_c, "a", "b", "c")
    result = study_by_state(col, home, "all", 50, include_tags=["a", "b"],
                            exclude_tags=["c", "d"])
    assert result.search == "deck:Home (tag:a OR tag:b) (-tag:c -tag:d)"
    assert set(in_session(col)) == {a, b}
    assert col.get_config(f"_deck_{home}_customStudyIncludeTags") == ["a", "b"]
    assert col.get_config(f"_deck_{home}_customStudyExcludeTags") == ["c", "d"]
    result = study_by_state(col, home, "new", 50, exclude_tags=["a"])
    assert result.search == "is:new deck:Home -tag:a"
    assert set(in_session(col)) == {b, plain}
    assert study_by_state(col, home, "new", 1, include_tags=["b"]).search == \
        "is:new deck:Home tag:b"


def test_the_card_limit(study, home):
    cards = [study.new(home, position=i + 1) for i in range(8)]
    study_by_state(study.col, home, "new", limit=3)
    assert in_session(study.col) == cards[:3]


def test_the_session_deck_is_reused_and_its_cards_go_home_first(study, home):
    col = study.col
    new = study.new(home, position=1)
    due = study.review(home)
    first = study_by_state(col, home, "new")
    second = study_by_state(col, home, "due")
    assert first.filtered_deck_id == second.filtered_deck_id
    assert in_session(col) == [due]
    assert (study.card(new).did, study.card(new).due) == (home, 1)
    assert [d.name for d in col.decks.all()].count(CUSTOM_STUDY_SESSION) == 1


def test_searches_name_decks_as_anki_writes_them(study):
    col = study.col
    for name, written in (("My Deck", '"deck:My Deck"'), ("a_b*c", "deck:a\\_b\\*c"),
                          ("Par::Kid (x)", '"deck:Par::Kid (x)"'), ('q"t', 'deck:q\\"t')):
        did = study.deck(name)
        study.new(did)
        assert study_by_state(col, did, "all").search == written
        filtered.empty_filtered_deck(col, CUSTOM_STUDY_SESSION)
    assert customstudy.tag_search(["x_y*"], ["(z)"]) == 'tag:x\\_y\\* -"tag:(z)"'


def test_undo_restores_the_previous_session(study, home):
    col = study.col
    new = study.new(home, position=1)
    due = study.review(home)
    study_by_state(col, home, "new")
    before = snapshot(col)
    study_by_state(col, home, "due")
    assert col.undo() == "Custom Study"
    assert snapshot(col) == before
    assert in_session(col) == [new]
    assert study.card(due).did == home


# --- bad input ------------------------------------------------------------------------------

def unchanged(study, attempt, match, error=InvalidInput):
    col = study.col
    before = snapshot(col)
    config = col.get_config(f"_deck_{study.col.decks.id('Home')}_customStudyIncludeTags")
    step = col.undo_name()
    with pytest.raises(error, match=match):
        attempt()
    assert snapshot(col) == before
    assert col.get_config(f"_deck_{study.col.decks.id('Home')}_customStudyIncludeTags") == \
        config
    assert col.undo_name() == step


def test_no_matching_cards_keeps_the_previous_session(study, home):
    col = study.col
    new = study.new(home, position=1)
    study_by_state(col, home, "new")
    for attempt in (lambda: review_forgotten(col, home, 1),
                    lambda: review_ahead(col, home, 2),
                    lambda: study_by_state(col, home, "due", include_tags=["x"])):
        unchanged(study, attempt, "No cards matched the criteria you provided.")
    assert in_session(col) == [new]


def test_bad_presets_change_nothing(study, home):
    col = study.col
    study.new(home)
    fid = filtered.add_or_update_filtered_deck(col, "Cram", filtered.FilteredConfig(
        terms=(filtered.SearchTerm("deck:Home"),))).deck_id
    filtered.empty_filtered_deck(col, fid)
    cases = [
        (lambda: increase_new_limit(col, home, 0), "must not be 0"),
        (lambda: increase_review_limit(col, home, 10_000), "from -9999 to 9999"),
        (lambda: increase_new_limit(col, home, "3"), "whole number"),
        (lambda: review_forgotten(col, home, 0), "number of days must be a whole number"),
        (lambda: review_ahead(col, home, -2), "number of days"),
        (lambda: preview_new(col, home, 10_000), "number of days"),
        (lambda: study_by_state(col, home, "old"), "card state must be one of"),
        (lambda: study_by_state(col, home, "all", limit=0), "number of cards"),
        (lambda: study_by_state(col, home, "all", include_tags=["a b"]), "not a tag"),
        (lambda: increase_new_limit(col, fid, 5), "'Cram' is a filtered deck"),
        (lambda: study_by_state(col, "Cram", "all"), "'Cram' is a filtered deck"),
    ]
    for attempt, match in cases:
        unchanged(study, attempt, match)
    unchanged(study, lambda: review_ahead(col, "Missing", 1), "no deck", NotFoundError)


def test_a_normal_deck_called_custom_study_session_is_refused(study, home):
    study.new(home)
    study.deck(CUSTOM_STUDY_SESSION)
    unchanged(study, lambda: study_by_state(study.col, home, "all"),
              "rename it before using custom study")
