"""Study queues (ANKI-FACTS §3): daily limits, limits in a deck tree, sibling burying, display
order, learn-ahead, counts per deck. Every collection here runs on a stopped clock."""

from repetend.core.cards import (
    QUEUE_DAY_LEARN,
    QUEUE_LEARN,
    QUEUE_NEW,
    QUEUE_REVIEW,
    QUEUE_SCHED_BURIED,
    QUEUE_USER_BURIED,
)
from repetend.core.decks import DECK_FILTERED
from repetend.core.scheduler import cardops
from repetend.core.scheduler.queues import mix_evenly

# --- limits of one deck (§3.1) -------------------------------------------------------------


def test_new_cards_are_capped_by_the_review_limit(study):
    did = study.deck("Deck", new_per_day=5, reviews_per_day=10)
    for _ in range(8):
        study.review(did)
    for i in range(20):
        study.new(did, position=i)
    # 10 reviews allowed, 8 due: only 2 new cards fit (the manual's 200/20/190 example).
    assert study.counts(did) == (2, 0, 8)


def test_new_cards_can_ignore_the_review_limit(study):
    did = study.deck("Deck", new_per_day=5, reviews_per_day=10)
    for _ in range(8):
        study.review(did)
    for i in range(20):
        study.new(did, position=i)
    study.col.set_config("newCardsIgnoreReviewLimit", True)
    assert study.counts(did) == (5, 0, 8)


def test_cards_studied_today_use_up_both_limits(study):
    did = study.deck("Deck", new_per_day=5, reviews_per_day=10)
    for _ in range(8):
        study.review(did)
    for i in range(20):
        study.new(did, position=i)
    study.limit(did, newToday=[study.today, 3], revToday=[study.today, 4])
    # reviews: 10 - 4 - 3 new = 3 left; new: min(5 - 3, what reviews leave) = 0
    assert study.counts(did) == (0, 0, 3)
    study.col.set_config("newCardsIgnoreReviewLimit", True)
    assert study.counts(did) == (2, 0, 6)
    # Counters of another day do not count.
    study.limit(did, newToday=[study.today - 1, 3], revToday=[study.today - 1, 4])
    assert study.counts(did) == (5, 0, 8)


def test_answering_counts_new_and_review_cards_on_the_deck_and_its_parents(study):
    parent = study.deck("Parent")
    child = study.deck("Parent::Child")
    new = study.new(child)
    review = study.review(child)
    sched = study.col.sched
    sched.answer_card(new, "good", time_taken_ms=4000)
    sched.answer_card(review, "good", time_taken_ms=6000)
    for did in (parent, child):
        extra = study.col.decks.get(did).extra
        assert extra["newToday"] == [study.today, 1]
        assert extra["revToday"] == [study.today, 1]
        assert extra["timeToday"] == [study.today, 10000]
    # An intraday learning answer counts as neither (only its time is added), as in Anki.
    sched.answer_card(new, "good", time_taken_ms=1000)
    extra = study.col.decks.get(child).extra
    assert (extra["newToday"], extra["revToday"]) == ([study.today, 1], [study.today, 1])
    assert extra["timeToday"] == [study.today, 11000]
    assert "lrnToday" not in extra


def test_today_only_beats_this_deck_beats_the_preset(study):
    did = study.deck("Deck", reviews_per_day=50)
    for _ in range(12):
        study.review(did)
    assert study.counts(did) == (0, 0, 12)
    study.limit(did, reviewLimit=7)
    assert study.counts(did) == (0, 0, 7)
    study.limit(did, reviewLimitToday={"limit": 3, "today": study.today})
    assert study.counts(did) == (0, 0, 3)
    study.limit(did, reviewLimitToday={"limit": 3, "today": study.today - 1})
    assert study.counts(did) == (0, 0, 7)


def test_new_limit_overrides(study):
    did = study.deck("Deck", new_per_day=10)
    for i in range(15):
        study.new(did, position=i)
    study.limit(did, newLimit=4)
    assert study.counts(did) == (4, 0, 0)
    study.limit(did, newLimitToday={"limit": 12, "today": study.today})
    assert study.counts(did) == (12, 0, 0)


def test_interday_learning_uses_up_the_review_limit(study):
    did = study.deck("Deck", reviews_per_day=5)
    for _ in range(3):
        study.interday(did)
    for _ in range(5):
        study.review(did)
    study.learning(did, due_in_secs=-60)  # intraday learning is never limited
    assert study.counts(did) == (0, 4, 2)


def test_not_yet_due_and_suspended_cards_are_left_out(study):
    did = study.deck("Deck")
    study.review(did, due_in=1)
    study.interday(did, due_in=2)
    suspended = study.review(did)
    cardops.suspend(study.col, [suspended])
    assert study.counts(did) == (0, 0, 0)
    assert study.col.sched.get_next_card(did) is None


# --- limits in a deck tree (§3.2) ----------------------------------------------------------


def tree(study):
    """The manual's example: Parent 100, Child 30, Grandchild1 50, Grandchild2 5,
    Grandchild3 200 (review limits), plus Parent::Other 200; 60 reviews due in each
    grandchild, 100 in Other."""
    limits = {"P": 100, "P::C": 30, "P::C::G1": 50, "P::C::G2": 5, "P::C::G3": 200,
              "P::Other": 200}
    dids = {name: study.deck(name, reviews_per_day=limit) for name, limit in limits.items()}
    for name in ("P::C::G1", "P::C::G2", "P::C::G3", "P::Other"):
        for _ in range(100 if name == "P::Other" else 60):
            study.review(dids[name])
    return dids


def reviews_by_deck(study, deck) -> dict[int, int]:
    out: dict[int, int] = {}
    for cid in study.queue(deck):
        did = study.card(cid).did
        out[did] = out.get(did, 0) + 1
    return out


def test_limits_come_from_the_deck_you_study(study):
    d = tree(study)
    assert study.counts(d["P::C::G3"])[2] == 60
    assert study.counts(d["P::C::G2"])[2] == 5
    assert study.counts(d["P::C::G1"])[2] == 50


def test_child_limits_cap_their_subtree(study):
    d = tree(study)
    assert study.counts(d["P::C"])[2] == 30
    assert reviews_by_deck(study, d["P::C"]).get(d["P::C::G2"], 0) <= 5
    assert study.counts(d["P"])[2] == 100
    by_deck = reviews_by_deck(study, d["P"])
    from_child = sum(n for did, n in by_deck.items() if did != d["P::Other"])
    assert from_child == 30
    assert by_deck[d["P::Other"]] == 70


def test_limits_can_start_from_the_top(study):
    d = tree(study)
    study.col.set_config("applyAllParentLimits", True)
    assert study.counts(d["P::C::G3"])[2] == 30
    assert study.counts(d["P::C::G2"])[2] == 5
    study.limit(d["P"], revToday=[study.today, 90])
    assert study.counts(d["P::C::G3"])[2] == 10


def test_new_limits_in_a_tree(study):
    parent = study.deck("P", new_per_day=6)
    a = study.deck("P::A", new_per_day=2)
    b = study.deck("P::B", new_per_day=10)
    for i in range(5):
        study.new(a, position=i)
        study.new(b, position=10 + i)
    assert study.counts(parent)[0] == 6
    queue = study.queue(parent)
    assert [study.card(c).did for c in queue] == [a, a, b, b, b, b]


def test_due_tree_counts_each_deck_as_if_studied(study):
    d = tree(study)
    rows = {r.name: r for r in study.col.sched.due_tree(d["P"])}
    assert list(rows) == ["P", "P::C", "P::C::G1", "P::C::G2", "P::C::G3", "P::Other"]
    assert [rows[n].review for n in rows] == [100, 30, 50, 5, 60, 100]
    assert rows["P::C::G1"].depth == 2
    everything = study.col.sched.due_tree()
    assert [r.name for r in everything][0] == "Default"


# --- learning and learn-ahead ----------------------------------------------------------------


def test_learning_due_now_comes_first_then_reviews_then_learn_ahead(study):
    did = study.deck("Deck")
    soon = study.learning(did, due_in_secs=600)   # inside the 20-minute learn-ahead limit
    later = study.learning(did, due_in_secs=1800)  # outside it
    due = study.learning(did, due_in_secs=-5)
    review = study.review(did)
    assert study.queue(did) == [due, review, soon]
    assert study.counts(did) == (0, 2, 1)
    assert later not in study.queue(did)
    sched = study.col.sched
    assert sched.get_next_card(did).card.id == due
    sched.answer_card(due, "good")  # graduates
    assert sched.get_next_card(did).card.id == review
    sched.answer_card(review, "good")
    shown = sched.get_next_card(did)
    assert shown.card.id == soon and shown.kind == "intraday"
    sched.answer_card(soon, "easy")
    assert sched.get_next_card(did) is None
    assert study.counts(did) == (0, 0, 0)
    study.advance(700)  # `later` is now 1100 s away: inside the window
    assert study.counts(did) == (0, 1, 0)
    assert sched.get_next_card(did).card.id == later


def test_learn_ahead_limit_comes_from_the_collection(study):
    did = study.deck("Deck")
    soon = study.learning(did, due_in_secs=600)
    study.col.set_config("collapseTime", 0)
    assert study.col.sched.get_next_card(did) is None
    study.col.set_config("collapseTime", 3600)
    assert study.col.sched.get_next_card(did).card.id == soon


def test_answered_learning_card_returns_to_the_session(study):
    did = study.deck("Deck")
    first, second = study.new(did, position=1), study.new(did, position=2)
    sched = study.col.sched
    assert sched.get_next_card(did).card.id == first
    result = sched.answer_card(first, "again")
    assert result.card.queue == QUEUE_LEARN and result.interval == "1m"
    assert study.counts(did) == (1, 1, 0)
    assert sched.get_next_card(did).card.id == second
    sched.answer_card(second, "again")
    # Nothing else left: the learning cards come early, the one answered last not twice
    # in a row.
    assert sched.get_next_card(did).card.id == first


def test_learning_steps_past_the_cutoff_become_interday(study):
    did = study.deck("Deck", learn_steps=[1.0, 1200.0])  # 20 h: past tonight's 04:00
    cid = study.new(did)
    result = study.col.sched.answer_card(cid, "good")
    assert result.card.queue == QUEUE_DAY_LEARN
    assert result.card.due == study.today + 1
    assert study.counts(did) == (0, 0, 0)
    study.advance(86400)
    assert study.counts(did) == (0, 1, 0)


# --- sibling burying (§3.3) --------------------------------------------------------------


def reversed_note(study, did, **fields) -> tuple[int, int]:
    forward, backward = study.note(did, notetype="Basic (and reversed card)")
    for cid in (forward, backward):
        if fields:
            study.set(cid, **fields)
    return forward, backward


def test_new_siblings_are_skipped_when_burying_new_cards(study):
    did = study.deck("Deck", bury_new=False)
    reversed_note(study, did)
    assert study.counts(did) == (2, 0, 0)
    study.preset(did, bury_new=True)
    assert study.counts(did) == (1, 0, 0)


def test_a_review_sibling_hides_its_new_sibling(study):
    did = study.deck("Deck", bury_new=True)
    forward, backward = reversed_note(study, did)
    study.set(forward, type=2, queue=2, due=study.today, ivl=5, factor=2500)
    assert study.queue(did) == [forward]
    # Burying reviews only does not touch a new sibling: its preset decides per kind.
    study.preset(did, bury_new=False, bury_reviews=True)
    assert sorted(study.queue(did)) == sorted([forward, backward])


def test_a_learning_sibling_hides_later_kinds(study):
    did = study.deck("Deck", bury_new=True, bury_reviews=True, bury_interday_learning=True)
    learning, new = reversed_note(study, did)
    study.set(learning, type=1, queue=1, due=study.now - 10, left=1)
    assert study.queue(did) == [learning]
    interday = study.note(did, notetype="Basic (and reversed card)")
    study.set(interday[0], type=1, queue=3, due=study.today, left=1)
    study.set(interday[1], type=2, queue=2, due=study.today, ivl=3, factor=2500)
    # interday learning is gathered before reviews, so the review sibling is skipped
    queue = study.queue(did)
    assert interday[0] in queue and interday[1] not in queue


def test_answering_buries_siblings_of_later_kinds_only(study):
    did = study.deck("Deck", bury_new=True, bury_reviews=True)
    review, new = reversed_note(study, did)
    study.set(review, type=2, queue=2, due=study.today, ivl=5, factor=2500)
    result = study.col.sched.answer_card(review, "good")
    assert result.buried_siblings == (new,)
    assert study.card(new).queue == QUEUE_SCHED_BURIED
    # Answering a new card never buries a review sibling (reviews are gathered earlier).
    other_new, other_review = reversed_note(study, did)
    study.set(other_review, type=2, queue=2, due=study.today + 3, ivl=5, factor=2500)
    result = study.col.sched.answer_card(other_new, "good")
    assert result.buried_siblings == ()
    assert study.card(other_review).queue == QUEUE_REVIEW


def test_suspended_siblings_are_not_buried(study):
    did = study.deck("Deck", bury_new=True)
    first, second = reversed_note(study, did)
    cardops.suspend(study.col, [second])
    assert study.col.sched.answer_card(first, "good").buried_siblings == ()
    assert study.card(second).queue == -1


def test_buried_cards_come_back_the_next_day(study):
    did = study.deck("Deck", bury_new=True)
    first, second = reversed_note(study, did)
    third = study.new(did)
    study.col.sched.answer_card(first, "easy")
    cardops.bury(study.col, [third])
    assert study.card(second).queue == QUEUE_SCHED_BURIED
    assert study.card(third).queue == QUEUE_USER_BURIED
    # Later the same day they stay buried, even after the queue is built again.
    study.advance(3600)
    study.col.set_config("collapseTime", 1200)
    assert study.counts(did) == (0, 0, 0)
    study.advance(86400)
    assert study.counts(did) == (2, 0, 0)
    assert study.card(second).queue == QUEUE_NEW
    assert study.card(third).queue == QUEUE_NEW
    assert study.col.get_config("lastUnburied") == study.today + 1


# --- display order (§3.4) ----------------------------------------------------------------


def order_decks(study, **options):
    parent = study.deck("P", **options)
    b = study.deck("P::B")
    a = study.deck("P::A")
    cards = {}
    for i in (1, 2, 3):
        cards[f"b{i}"] = study.new(b, position=i, front=f"b{i}")
    for i in (4, 5, 6):
        cards[f"a{i}"] = study.new(a, position=i, front=f"a{i}")
    names = {v: k for k, v in cards.items()}
    return parent, names


def test_new_gather_priority_deck_goes_deck_by_deck(study):
    parent, names = order_decks(study, new_card_gather_priority=0)
    assert [names[c] for c in study.queue(parent)] == ["a4", "a5", "a6", "b1", "b2", "b3"]


def test_new_gather_priority_by_position(study):
    parent, names = order_decks(study, new_card_gather_priority=1)
    assert [names[c] for c in study.queue(parent)] == ["b1", "b2", "b3", "a4", "a5", "a6"]
    study.preset(parent, new_card_gather_priority=2)
    assert [names[c] for c in study.queue(parent)] == ["a6", "a5", "a4", "b3", "b2", "b1"]


def test_random_gather_and_sort_orders_are_stable_within_a_day(study):
    parent, names = order_decks(study, new_card_gather_priority=4, new_card_sort_order=1)
    first = study.queue(parent)
    assert sorted(names[c] for c in first) == ["a4", "a5", "a6", "b1", "b2", "b3"]
    study.col.set_config("collapseTime", 1201)  # any change rebuilds the queue
    assert study.queue(parent) == first
    for gather, sort in ((3, 1), (5, 1), (0, 4), (0, 2), (0, 3)):
        study.preset(parent, new_card_gather_priority=gather, new_card_sort_order=sort)
        assert sorted(study.queue(parent)) == sorted(first)


def test_new_sort_order_card_type_then_gathered(study):
    did = study.deck("Deck", new_card_sort_order=0)
    n1 = study.note(did, notetype="Basic (and reversed card)")
    n2 = study.note(did, notetype="Basic (and reversed card)")
    study.set(n2[0], due=2)
    study.set(n2[1], due=2)
    assert study.queue(did) == [n1[0], n2[0], n1[1], n2[1]]
    study.preset(did, new_card_sort_order=1)
    assert study.queue(did) == [n1[0], n1[1], n2[0], n2[1]]


def test_review_orders(study):
    did = study.deck("Deck")
    cards = {
        "early-due": study.review(did, due_in=-3, ivl=20, factor=2300),
        "mid-due": study.review(did, due_in=-2, ivl=5, factor=2700),
        "late-due": study.review(did, due_in=0, ivl=2, factor=1300),
    }
    names = {v: k for k, v in cards.items()}

    def order(review_order):
        study.preset(did, review_order=review_order)
        return [names[c] for c in study.queue(did)]

    assert order(0) == ["early-due", "mid-due", "late-due"]
    assert order(3) == ["late-due", "mid-due", "early-due"]
    assert order(4) == ["early-due", "mid-due", "late-due"]
    assert order(5) == ["late-due", "early-due", "mid-due"]
    assert order(6) == ["mid-due", "early-due", "late-due"]
    # relative overdueness: 2/5 late beats 3/20 late and 0/2
    assert order(12) == ["mid-due", "early-due", "late-due"]
    assert order(9) == ["early-due", "mid-due", "late-due"]
    assert order(10) == ["late-due", "mid-due", "early-due"]
    assert sorted(order(8)) == sorted(cards)


def test_review_order_deck_then_due(study):
    parent = study.deck("P", review_order=2)
    b, a = study.deck("P::B"), study.deck("P::A")
    b1 = study.review(b, due_in=-5)
    a1 = study.review(a, due_in=0)
    a2 = study.review(a, due_in=-1)
    assert study.queue(parent) == [a2, a1, b1]
    study.preset(parent, review_order=1)  # due date, then deck
    assert study.queue(parent) == [b1, a2, a1]


def test_new_review_mix(study):
    did = study.deck("Deck", new_mix=0)
    reviews = [study.review(did, due_in=-i, front=f"r{i}") for i in (4, 3, 2, 1)]
    new = [study.new(did, position=i) for i in (1, 2)]
    assert study.queue(did) == [reviews[0], new[0], reviews[1], reviews[2], new[1], reviews[3]]
    study.preset(did, new_mix=1)
    assert study.queue(did) == reviews + new
    study.preset(did, new_mix=2)
    assert study.queue(did) == new + reviews


def test_interday_learning_mix(study):
    did = study.deck("Deck", interday_learning_mix=2, new_mix=1)
    review = study.review(did)
    interday = study.interday(did)
    new = study.new(did)
    assert study.queue(did) == [interday, review, new]
    study.preset(did, interday_learning_mix=1, new_mix=2)
    assert study.queue(did) == [new, review, interday]


def test_mix_evenly_spreads_the_second_list():
    assert mix_evenly([1, 2, 3, 4], ["a", "b"]) == [1, "a", 2, 3, "b", 4]
    assert mix_evenly([], ["a"]) == ["a"]
    assert mix_evenly([1], []) == [1]
    assert mix_evenly([1, 2], ["a", "b", "c", "d"]) == ["a", 1, "b", "c", 2, "d"]


# --- filtered decks ----------------------------------------------------------------------


def filtered_deck(study, home, *cids, reschedule=True):
    col = study.col
    with col.op("Build Filtered Deck"):
        fid = col.decks._create("Cram", kind=DECK_FILTERED)
        deck = col.decks.get(fid)
        deck.extra = {"resched": reschedule, "previewAgainSecs": 60, "previewHardSecs": 600,
                      "previewGoodSecs": 0}
        col.decks.save(deck)
        for i, cid in enumerate(cids):
            card = col.get_card(cid)
            col.db.execute("UPDATE cards SET did = ?, odid = ?, odue = ?, due = ? WHERE id = ?",
                           (fid, home, card.due, -100000 + i, cid))
    return fid


def test_filtered_decks_have_no_limits_and_keep_their_order(study):
    home = study.deck("Home", reviews_per_day=1, new_per_day=1)
    ahead = [study.review(home, due_in=5 + i) for i in range(3)]
    new = study.new(home)
    fid = filtered_deck(study, home, *ahead, new)
    queue = study.queue(fid)
    assert sorted(queue) == sorted([*ahead, new])
    assert [c for c in queue if c != new] == ahead
    assert study.counts(fid) == (1, 0, 3)
