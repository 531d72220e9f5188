"""Safe mode: built-in plugins only, nothing the user saved is changed, and it says so."""

import json
import os

import pytest

from repetend.host.addons.safemode import safe_mode_reason

WRITES_ON_IMPORT = """
import pathlib
(pathlib.Path(__file__).parent / "imported.txt").write_text("yes")
"""


def snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_safe_mode_loads_no_add_on_and_changes_nothing(kit, base, profile_addons, how):
    kit.write_addon(profile_addons, "on", WRITES_ON_IMPORT)
    kit.write_addon(profile_addons, "off", WRITES_ON_IMPORT,
                    files={"meta.json": json.dumps({"disabled": True, "config": {"a": 1}})})
    kit.write_addon(profile_addons, "quarantined", WRITES_ON_IMPORT,
                    files={"meta.json": json.dumps({"quarantined": {"reason": "x", "at": 0}})})
    # A crash breadcrumb from an earlier run is kept for the next normal start.
    (profile_addons / ".loading-999999999.json").write_text(
        json.dumps({"pid": 999999999, "package": "on", "phase": "loading", "at": 0}))
    before = snapshot(profile_addons)
    flags, env = (["--safe-mode"], None) if how == "flag" else (
        [], {**os.environ, "REPETEND_SAFE_MODE": "1"})

    listing = kit.cli_json(base, *flags, "addons", "list", env=env)
    assert listing["safe_mode"] is True
    assert {r["package"]: r["status"] for r in listing["addons"]} == {
        "on": "safe-mode", "off": "safe-mode", "quarantined": "safe-mode"}
    plugins = kit.cli_json(base, *flags, "plugins", env=env)
    assert plugins["safe_mode"] is True
    assert all(p["builtin"] for p in plugins["plugins"])
    text = kit.run_cli(base, *flags, "addons", "list", env=env)
    assert text.stdout.startswith("Safe mode")
    assert "Safe mode" in text.stderr
    assert snapshot(profile_addons) == before  # nothing imported, nothing rewritten

    normal = kit.cli_json(base, "addons", "list")
    assert {r["package"]: r["status"] for r in normal["addons"]} == {
        "on": "quarantined", "off": "disabled", "quarantined": "quarantined"}


def test_safe_mode_reason_names_what_turned_it_on():
    assert safe_mode_reason(flag=True, environ={}) == "started with --safe-mode"
    assert "REPETEND_SAFE_MODE" in safe_mode_reason(environ={"REPETEND_SAFE_MODE": "1"})
    assert "Shift" in safe_mode_reason(environ={}, shift=True)
    assert safe_mode_reason(environ={"REPETEND_SAFE_MODE": "0"}) is None


def test_disable_addon_skips_one_add_on_for_one_run_only(kit, base, profile_addons):
    kit.write_addon(profile_addons, "a", "")
    kit.write_addon(profile_addons, "b", "")
    rows = kit.cli_json(base, "--disable-addon", "a", "--disable-addon", "nope",
                        "addons", "list")
    assert {r["package"]: r["status"] for r in rows["addons"]} == {"a": "disabled",
                                                                    "b": "loaded"}
    assert rows["notices"] == ["--disable-addon nope: no add-on of that name is installed"]
    assert not (profile_addons / "a" / "meta.json").exists()
    rows = kit.cli_json(base, "addons", "list")["addons"]
    assert {r["package"]: r["status"] for r in rows} == {"a": "loaded", "b": "loaded"}


def test_shift_is_read_from_qt_for_the_desktop_app(qapp):
    from repetend.host.addons.safemode import shift_held

    assert shift_held() is False  # nobody holds Shift on the test machine's offscreen display
