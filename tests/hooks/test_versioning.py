"""`api_incompatibility`: the reason an add-on's declared API range is refused, or None."""

import pytest

from repetend.hooks import API_VERSION, api_incompatibility


@pytest.mark.parametrize("spec", [
    None, 1, "1", "==1", ">=1", ">=1,<2", " >= 1 , < 2 ", "!=2", {"min": 1, "max": 1},
    {"min": 1}, {"max": 3}, {}, {"min": None, "max": 1},
])
def test_ranges_that_include_the_level_are_accepted(spec):
    assert api_incompatibility(spec, version=1) is None


@pytest.mark.parametrize(("spec", "reason"), [
    (2, "it needs add-on API 2, but this Repetend provides API 1"),
    (">=2", "it needs add-on API >=2, but this Repetend provides API 1"),
    (">=2,<3", "it needs add-on API >=2,<3, but this Repetend provides API 1"),
    ("<1", "it needs add-on API <1, but this Repetend provides API 1"),
    ({"min": 2, "max": 4}, "it needs add-on API >=2,<=4, but this Repetend provides API 1"),
    ({"max": 0}, "it needs add-on API <=0, but this Repetend provides API 1"),
])
def test_ranges_that_exclude_the_level_say_which_range_and_which_level(spec, reason):
    assert api_incompatibility(spec, version=1) == reason


@pytest.mark.parametrize(("spec", "why"), [
    ("", "'' is not a comparison"),
    ("~=1", "'~=1' is not a comparison"),
    (">=one", "'>=one' is not a comparison"),
    (True, "expected a level"),
    ([1, 2], "expected a level"),
    (1.0, "expected a level"),
    ({"minimum": 1}, "unknown key(s) 'minimum'"),
    ({"min": "1"}, "min must be an integer"),
    ({"min": 2, "max": 1}, "min is greater than max"),
])
def test_ranges_that_cannot_be_read_are_refused_with_what_is_wrong(spec, why):
    reason = api_incompatibility(spec, version=1)
    assert reason is not None
    assert reason.startswith(f"its add-on API range {spec!r} is not understood: ")
    assert why in reason


def test_the_current_level_is_the_default():
    assert api_incompatibility(API_VERSION) is None
    assert api_incompatibility(API_VERSION + 1) is not None
    assert api_incompatibility(f">={API_VERSION},<{API_VERSION + 1}") is None
