"""Where scripts live and the order they run in (repetend.plugins.scripts.store)."""

import pytest

from repetend.core.errors import InvalidInput, NotFoundError
from repetend.plugins.scripts import store


def test_defaults_run_anki_s_script_then_the_presets(col):
    config = store.load_config(col)
    assert config.order == ("global", "preset")
    assert (config.limits.time_ms, config.limits.memory_mib) == (200, 64)
    assert store.resolve(col, config, col.deck_config(1)) == []


def test_the_global_script_is_anki_s_config_key(col):
    col.set_config("cardStateCustomizer", "console.log(1)")  # as imported from Anki
    [script] = store.resolve(col, store.load_config(col), None)
    assert (script.name, script.code, script.legacy_page) == ("global", "console.log(1)",
                                                              False)
    store.set_global(col, None, legacy_page=True)
    assert store.resolve(col, store.load_config(col), None)[0].legacy_page is True


def test_preset_scripts_live_in_the_preset(col):
    conf = store.set_preset(col, "default", "x = 1")
    assert conf.extra["customScheduling"] == {"code": "x = 1", "legacyPage": False}
    assert col.deck_config(1).extra["customScheduling"]["code"] == "x = 1"
    [script] = store.resolve(col, store.load_config(col), col.deck_config(1))
    assert script.name == "preset:Default"
    conf = col.deck_config(1)
    conf.extra["customScheduling"] = "y = 2"  # a bare string is read as the code
    assert store.preset_script(conf).code == "y = 2"
    store.set_preset(col, "Default", None)
    assert "customScheduling" not in col.deck_config(1).extra
    with pytest.raises(NotFoundError):
        store.set_preset(col, "No such preset", "x")


def test_named_scripts_enable_disable_and_order(col):
    store.set_named(col, "a", "1")
    store.set_named(col, "b", "2", enable=False)
    assert store.load_config(col).order == ("global", "preset", "a")
    store.enable(col, "b", position=1)
    assert store.load_config(col).order == ("b", "global", "preset", "a")
    store.disable(col, "preset")
    assert store.load_config(col).order == ("b", "global", "a")
    store.set_order(col, ["a", "b"])
    names = [s.name for s in store.resolve(col, store.load_config(col), None)]
    assert names == ["a", "b"]
    with pytest.raises(NotFoundError):
        store.set_order(col, ["a", "nope"])
    with pytest.raises(InvalidInput):
        store.set_order(col, ["a", "a"])
    with pytest.raises(InvalidInput):
        store.set_named(col, "global", "x")
    with pytest.raises(InvalidInput):
        store.set_named(col, "bad name!", "x")
    store.set_named(col, "a", None)
    assert store.load_config(col).order == ("b",)


def test_each_change_is_one_undoable_step(col):
    store.set_named(col, "a", "1")
    col.undo()
    assert store.load_config(col).named() == {}


def test_damaged_config_falls_back_to_defaults(col):
    col.set_config("repetendScripts", {"order": "nope", "scripts": [1], "timeLimitMs": -5})
    config = store.load_config(col)
    assert config.order == () and config.named() == {} and config.limits.time_ms == 200
    col.set_config("repetendScripts", "garbage")
    assert store.load_config(col).order == ("global", "preset")


def test_limits(col):
    store.set_limits(col, time_ms=500, memory_mib=16)
    limits = store.load_config(col).limits
    assert (limits.time_ms, limits.memory_mib) == (500, 16)
    with pytest.raises(InvalidInput):
        store.set_limits(col, time_ms=0)


def test_listing_and_enabled_count(col):
    store.set_global(col, "a\nb")
    store.set_preset(col, "Default", "c", legacy_page=True)
    store.set_named(col, "off", "d", enable=False)
    rows = {r["name"]: r for r in store.listing(col)}
    assert rows["global"]["position"] == 1 and rows["global"]["lines"] == 2
    assert rows["preset:Default"]["legacyPage"] and rows["preset:Default"]["enabled"]
    assert not rows["off"]["enabled"]
    assert store.enabled_count(col) == 2
    assert store.code_of(col, "preset:Default").code == "c"
