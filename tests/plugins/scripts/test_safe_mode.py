"""Safe mode runs no user script and says so."""

import pytest

from repetend.host.app import Host
from repetend.plugins.scripts import store


@pytest.fixture
def profile(tmp_path):
    with Host(tmp_path) as host:
        col = host.col
        note = col.new_note("Basic")
        note.fields = ["q", "a"]
        [card] = col.add_note(note, deck_id=1)
        today = col.sched.timing().today
        card.type, card.queue, card.ivl, card.due, card.factor = 2, 2, 10, today, 2500
        col.update_card(card)
        store.set_global(col, "states.good.normal.review.scheduledDays = 99;")
    return tmp_path, card.id


def test_scripts_run_normally(profile):
    base, cid = profile
    with Host(base) as host:
        host.col.sched.fuzz = False
        host.col.sched.answer_card(cid, "good")
        assert host.col.get_card(cid).ivl == 99


def test_safe_mode_skips_scripts_and_says_so(profile, capsys):
    base, cid = profile
    with Host(base, safe_mode=True) as host:
        host.col.sched.fuzz = False
        status = {p["name"]: p["status"] for p in host.plugins.plugins()}
        assert status["builtin.scripts"] == "disabled"
        plain = host.col.sched.states_for(host.col.get_card(cid)).good.scheduled_days
        assert host.col.sched.get_next_card(1).states.good.scheduled_days == plain
        host.col.sched.answer_card(cid, "good")
        assert host.col.get_card(cid).ivl == plain != 99
    assert "safe mode: 1 custom scheduling script(s) not run" in capsys.readouterr().err
    # Nothing about the stored scripts changed.
    with Host(base) as host:
        assert store.enabled_count(host.col) == 1
