"""Answer-button labels (§12.7)."""

import pytest

from repetend.core.scheduler import (
    LearnState,
    NewState,
    PreviewState,
    ReviewState,
    SchedulingConfig,
    StateContext,
    next_states,
)
from repetend.core.scheduler.floats import f32
from repetend.core.scheduler.labels import (
    answer_button_label,
    describe_next_states,
    format_interval,
)


@pytest.mark.parametrize(("secs", "label"), [
    (45, "45s"), (60, "1m"), (600, "10m"), (5400, "1.5h"), (7200, "2h"), (86_400, "1d"),
    (30 * 86_400, "30d"), (36 * 86_400, "1.2mo"), (365 * 86_400, "1y"),
    (548 * 86_400, "1.5y"),
])
def test_format_interval(secs, label):
    assert format_interval(secs) == label


def test_default_new_card_labels():
    states = next_states(NewState(0), StateContext(SchedulingConfig(), secs_until_rollover=50_000))
    assert describe_next_states(states, 50_000) == ["<1m", "<6m", "<10m", "4d"]


def test_learn_ahead_prefix_and_day_conversion():
    assert answer_button_label(LearnState(1, 1800, 0), 50_000) == "30m"
    # A delay reaching the next day cutoff is shown as days.
    assert answer_button_label(LearnState(1, 21_600, 0), 18_000) == "1d"
    assert answer_button_label(LearnState(1, 600, 0), 50_000, learn_ahead_secs=0) == "10m"


def test_finished_preview_is_end_and_reviews_use_days():
    assert answer_button_label(PreviewState(0, True), 50_000) == "(end)"
    assert answer_button_label(ReviewState(45, 0, f32(2.5), 0), 50_000) == "1.5mo"
