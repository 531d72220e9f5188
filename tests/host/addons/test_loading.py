"""Loading add-ons: each on its own, with a status, a reason and a load time."""

import json
import sys

import pytest

from repetend.hooks import API_VERSION
from repetend.host.addons import load_addons
from repetend.host.addons.loader import MODULE_NAMESPACE
from repetend.host.plugins import PluginHost

GOOD = """
from repetend.hooks import hookimpl

@hookimpl
def card_will_show(html, side):
    return html + "<good>"
"""


def load(addons_dir, **kw):
    reported = []
    plugins = PluginHost(on_error=reported.append)
    addons = load_addons(plugins, addons_dir, on_error=reported.append, **kw)
    return plugins, addons, reported


def statuses(addons):
    return {r.package: r.status for r in addons}


def test_a_good_add_on_is_registered_with_its_hooks_and_load_time(addons_dir, kit):
    kit.write_addon(addons_dir, "good", GOOD, version="2.1")
    plugins, addons, reported = load(addons_dir)
    record = addons.records["good"]
    assert (record.status, record.version, record.hooks) == ("loaded", "2.1", ["card_will_show"])
    assert record.load_ms is not None and 0 <= record.load_ms < 5000
    assert plugins.card_will_show("q", None, "question") == "q<good>"
    assert reported == []
    assert sys.modules[f"{MODULE_NAMESPACE}.good"].__file__.endswith("__init__.py")


BROKEN = {
    "syntax_error": ("def oops(:\n", "SyntaxError"),
    "raises_on_import": ("raise RuntimeError('no thanks')\n", "RuntimeError: no thanks"),
    "exits_on_import": ("import sys\nsys.exit(3)\n", "SystemExit: 3"),
    "wrong_signature": ("from repetend.hooks import hookimpl\n"
                        "@hookimpl\ndef card_will_show(html, colour):\n    return html\n",
                        "colour"),
    "unknown_hook": ("from repetend.hooks import hookimpl\n"
                     "@hookimpl\ndef card_will_shine(html):\n    return html\n",
                     "card_will_shine"),
}


@pytest.mark.parametrize("package", sorted(BROKEN))
def test_a_broken_add_on_fails_alone_reported_once_with_name_and_traceback(
        addons_dir, kit, package):
    code, expected = BROKEN[package]
    kit.write_addon(addons_dir, "aaa_first", GOOD)
    kit.write_addon(addons_dir, package, code)
    kit.write_addon(addons_dir, "zzz_last", GOOD.replace("<good>", "<last>"))
    plugins, addons, reported = load(addons_dir)
    assert statuses(addons) == {"aaa_first": "loaded", package: "failed", "zzz_last": "loaded"}
    record = addons.records[package]
    assert expected in record.reason + (record.traceback or "")
    assert record.traceback  # a registration error was never raised: no frames to show
    assert [e.plugin_name for e in reported] == [package]
    assert expected in str(reported[0]) + reported[0].traceback_text
    # The others run, in the usual order (later-registered first).
    assert plugins.card_will_show("q", None, "question") == "q<last><good>"
    assert not any(k == f"{MODULE_NAMESPACE}.{package}" for k in sys.modules)


def test_an_add_on_raising_in_a_hook_stays_loaded_and_the_error_names_it(addons_dir, kit):
    kit.write_addon(addons_dir, "good", GOOD)
    kit.write_addon(addons_dir, "grumpy", """
        from repetend.hooks import hookimpl

        @hookimpl
        def card_will_show(html):
            raise ValueError("grr")
    """)
    plugins, addons, reported = load(addons_dir)
    assert statuses(addons) == {"good": "loaded", "grumpy": "loaded"}
    assert plugins.card_will_show("q", None, "question") == "q<good>"
    assert [(e.plugin_name, e.hook_name) for e in reported] == [("grumpy", "card_will_show")]


def test_an_incompatible_api_range_is_refused_with_the_reason(addons_dir, kit):
    kit.write_addon(addons_dir, "future", "raise AssertionError('never imported')",
                    api={"min": API_VERSION + 1})
    kit.write_addon(addons_dir, "current", GOOD, api=f">={API_VERSION}")
    _, addons, reported = load(addons_dir)
    assert statuses(addons) == {"future": "incompatible", "current": "loaded"}
    reason = addons.records["future"].reason
    assert f">={API_VERSION + 1}" in reason and f"provides API {API_VERSION}" in reason
    assert reported == []


def test_a_conflicting_pair_loads_neither_and_says_which(addons_dir, kit):
    kit.write_addon(addons_dir, "night", "raise AssertionError", conflicts=["dark"])
    kit.write_addon(addons_dir, "dark", "raise AssertionError")
    kit.write_addon(addons_dir, "other", GOOD)
    _, addons, _ = load(addons_dir)
    assert statuses(addons) == {"dark": "conflicting", "night": "conflicting",
                                "other": "loaded"}
    assert "night" in addons.records["dark"].reason
    assert "dark" in addons.records["night"].reason


def test_a_disabled_partner_ends_the_conflict(addons_dir, kit):
    kit.write_addon(addons_dir, "night", GOOD, conflicts=["dark"])
    kit.write_addon(addons_dir, "dark", "raise AssertionError",
                    files={"meta.json": json.dumps({"disabled": True})})
    _, addons, _ = load(addons_dir)
    assert statuses(addons) == {"dark": "disabled", "night": "loaded"}


def test_requirements_load_first_and_can_be_imported(addons_dir, kit):
    kit.write_addon(addons_dir, "a_user", """
        from repetend_addons.z_library import shout
        from repetend.hooks import hookimpl

        @hookimpl
        def card_will_show(html):
            return shout(html)
    """, requires=["z_library"])
    kit.write_addon(addons_dir, "z_library", "def shout(text):\n    return text.upper()\n")
    plugins, addons, _ = load(addons_dir)
    assert statuses(addons) == {"a_user": "loaded", "z_library": "loaded"}
    assert plugins.card_will_show("hi", None, "question") == "HI"


@pytest.mark.parametrize("setup, reason", [
    ("missing", "it requires lib, which is not installed"),
    ("disabled", "it requires lib, which is disabled"),
    ("failed", "it requires lib, which is failed"),
])
def test_a_missing_requirement_blocks_the_add_on_with_the_reason(addons_dir, kit, setup,
                                                                  reason):
    if setup == "disabled":
        kit.write_addon(addons_dir, "lib", "", files={"meta.json": '{"disabled": true}'})
    elif setup == "failed":
        kit.write_addon(addons_dir, "lib", "1/0")
    kit.write_addon(addons_dir, "app", "raise AssertionError('not imported')", requires=["lib"])
    _, addons, _ = load(addons_dir)
    assert addons.records["app"].status == "blocked"
    assert addons.records["app"].reason == reason


def test_a_requirement_cycle_is_blocked_not_looped(addons_dir, kit):
    kit.write_addon(addons_dir, "ping", "", requires=["pong"])
    kit.write_addon(addons_dir, "pong", "", requires=["ping"])
    _, addons, _ = load(addons_dir)
    assert statuses(addons) == {"ping": "blocked", "pong": "blocked"}
    assert "cycle" in addons.records["pong"].reason


def test_saved_and_per_run_disabling(addons_dir, kit):
    kit.write_addon(addons_dir, "saved_off", "raise AssertionError",
                    files={"meta.json": '{"disabled": true}'})
    kit.write_addon(addons_dir, "run_off", "raise AssertionError")
    kit.write_addon(addons_dir, "on", GOOD)
    _, addons, _ = load(addons_dir, disabled=["run_off", "no_such"])
    assert statuses(addons) == {"on": "loaded", "run_off": "disabled", "saved_off": "disabled"}
    assert "--disable-addon" in addons.records["run_off"].reason
    assert any("no_such" in n for n in addons.notices)
    assert json.loads((addons_dir / "run_off" / "meta.json").read_text()
                      if (addons_dir / "run_off" / "meta.json").exists() else "{}") == {}


def test_invalid_manifests_and_mismatched_folders_fail_without_import(addons_dir, kit):
    bad_json = addons_dir / "bad_json"
    bad_json.mkdir()
    (bad_json / "__init__.py").write_text("raise AssertionError")
    (bad_json / "manifest.json").write_text("{nope")
    no_manifest = addons_dir / "no_manifest"
    no_manifest.mkdir()
    (no_manifest / "__init__.py").write_text("raise AssertionError")
    kit.write_addon(addons_dir, "renamed", "raise AssertionError")
    (addons_dir / "renamed").rename(addons_dir / "other_name")
    (addons_dir / "not_an_addon").mkdir()  # no __init__.py, no manifest: ignored
    _, addons, _ = load(addons_dir)
    assert statuses(addons) == {"bad_json": "failed", "no_manifest": "failed",
                                "other_name": "failed"}
    assert "not valid JSON" in addons.records["bad_json"].reason
    assert "missing" in addons.records["no_manifest"].reason
    assert "'renamed'" in addons.records["other_name"].reason


def test_an_add_on_can_expose_a_plugin_object_and_import_its_own_modules(addons_dir, kit):
    kit.write_addon(addons_dir, "classy", """
        from .helpers import SUFFIX
        from repetend.hooks import hookimpl

        class Classy:
            @hookimpl
            def card_will_show(self, html):
                return html + SUFFIX

        plugin = Classy()
    """, files={"helpers.py": "SUFFIX = '<classy>'\n"})
    plugins, addons, _ = load(addons_dir)
    assert addons.records["classy"].hooks == ["card_will_show"]
    assert plugins.card_will_show("q", None, "question") == "q<classy>"


def test_same_package_in_two_profiles_is_imported_fresh_each_time(tmp_path, kit):
    one, two = tmp_path / "one", tmp_path / "two"
    kit.write_addon(one, "same", GOOD.replace("<good>", "<one>"))
    kit.write_addon(two, "same", GOOD.replace("<good>", "<two>"))
    first, _, _ = load(one)
    second, _, _ = load(two)
    assert first.card_will_show("q", None, "question") == "q<one>"
    assert second.card_will_show("q", None, "question") == "q<two>"


def test_config_is_the_defaults_updated_with_the_users_values(addons_dir, kit):
    kit.write_addon(addons_dir, "configured", "", files={
        "config.json": json.dumps({"colour": "red", "size": 3}),
        "meta.json": json.dumps({"config": {"size": 5}})})
    _, addons, _ = load(addons_dir)
    assert addons.config("configured") == {"colour": "red", "size": 5}
    assert addons.config(f"{MODULE_NAMESPACE}.configured") == {"colour": "red", "size": 5}
    addons.write_config("configured", {"colour": "blue"})
    assert addons.config("configured") == {"colour": "blue", "size": 3}


def test_no_add_ons_no_writes(tmp_path):
    missing = tmp_path / "addons"
    _, addons, _ = load(missing)
    assert list(addons) == [] and not missing.exists()


def test_an_add_on_can_expose_several_plugin_objects(addons_dir, kit):
    kit.write_addon(addons_dir, "multi", """
        from repetend.hooks import hookimpl

        class Tag:
            def __init__(self, tag):
                self.tag = tag

            @hookimpl
            def card_will_show(self, html):
                return html + self.tag

        class Starter:
            @hookimpl
            def app_did_start(self, host):
                pass

        plugins = [Tag("<a>"), Tag("<b>"), Starter()]
    """)
    plugins, addons, _ = load(addons_dir)
    record = addons.records["multi"]
    assert (record.status, record.plugin_names) == ("loaded", ["multi", "multi:2", "multi:3"])
    assert record.hooks == ["app_did_start", "card_will_show"]
    assert plugins.card_will_show("q", None, "question") == "q<b><a>"


def test_several_plugin_objects_register_all_or_none(addons_dir, kit):
    kit.write_addon(addons_dir, "half", """
        from repetend.hooks import hookimpl

        class Good:
            @hookimpl
            def card_will_show(self, html):
                return html + "<half>"

        class Bad:
            @hookimpl
            def card_will_show(self, html, colour):
                return html

        plugins = [Good(), Bad()]
    """)
    plugins, addons, reported = load(addons_dir)
    assert addons.records["half"].status == "failed"
    assert "colour" in addons.records["half"].reason
    assert plugins.card_will_show("q", None, "question") == "q"
    assert [e.plugin_name for e in reported] == ["half:2"]
