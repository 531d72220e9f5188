"""Deck options: JSON in and out, Anki's defaults, validation that names the option."""

import pytest

from repetend.core.errors import InvalidInput
from repetend.core.scheduler import FilteredDeckSettings, LeechAction, SchedulingConfig
from repetend.core.scheduler.floats import f32


def test_defaults_are_ankis():
    config = SchedulingConfig()
    assert config.learn_steps == (1.0, 10.0)
    assert config.relearn_steps == (10.0,)
    assert (config.graduating_interval_good, config.graduating_interval_easy) == (1, 4)
    assert config.initial_ease == f32(2.5)
    assert config.maximum_review_interval == 36500
    assert (config.leech_threshold, config.leech_action) == (8, LeechAction.TAG_ONLY)
    assert config.validate() is config


def test_json_round_trip_keeps_float32_values():
    obj = SchedulingConfig(learn_steps=(0.25, 7.5), initial_ease=1.31,
                           leech_action=LeechAction.SUSPEND).to_json()
    assert obj["learnSteps"] == [0.25, 7.5]
    assert obj["initialEase"] == 1.31
    assert obj["leechAction"] == "LEECH_ACTION_SUSPEND"
    assert SchedulingConfig.from_json(obj).to_json() == obj


def test_missing_keys_take_defaults():
    assert SchedulingConfig.from_json({}) == SchedulingConfig()


@pytest.mark.parametrize(("changes", "message"), [
    ({"learn_steps": (1.0, -5.0)}, "Learning steps"),
    ({"relearn_steps": (float("nan"),)}, "Relearning steps"),
    ({"initial_ease": 1.2}, "Starting ease"),
    ({"maximum_review_interval": 0}, "Maximum interval"),
    ({"graduating_interval_good": 0}, "Graduating interval"),
    ({"graduating_interval_easy": 40000}, "Easy interval"),
    ({"easy_multiplier": 0.9}, "Easy bonus"),
    ({"hard_multiplier": 1.5}, "Hard interval"),
    ({"interval_multiplier": 0.1}, "Interval modifier"),
    ({"lapse_multiplier": 1.5}, "New interval"),
    ({"minimum_lapse_interval": 0}, "Minimum interval"),
    ({"leech_threshold": 0}, "Leech threshold"),
])
def test_validate_names_the_bad_option(changes, message):
    with pytest.raises(InvalidInput, match=message):
        SchedulingConfig(**changes).validate()


def test_unknown_leech_action_is_refused():
    with pytest.raises(InvalidInput, match="Leech action"):
        SchedulingConfig.from_json({"leechAction": "LEECH_ACTION_EXPLODE"})


def test_malformed_numbers_are_refused():
    with pytest.raises(InvalidInput):
        SchedulingConfig.from_json({"maximumReviewInterval": "lots"})


def test_filtered_deck_settings():
    settings = FilteredDeckSettings.from_json({"reschedule": False, "previewAgainSecs": 30})
    assert settings == FilteredDeckSettings(False, 30, 600, 0)
    assert FilteredDeckSettings.from_json(settings.to_json()) == settings
    with pytest.raises(InvalidInput, match="Hard delay"):
        FilteredDeckSettings(preview_hard_secs=-1).validate()
