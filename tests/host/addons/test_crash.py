"""Crash recovery: an add-on that kills the process while starting is quarantined next time.

These run the real CLI in a subprocess, and the add-on really ends the process
(`os._exit`), as a native crash would: no Python cleanup runs.
"""

import json
import os
import subprocess
import sys

from repetend.host.addons import load_addons
from repetend.host.addons.crash import Breadcrumbs, recover
from repetend.host.plugins import PluginHost

DIES_ON_IMPORT = "import os\nos._exit(41)\n"
DIES_ON_START = """
import os
from repetend.hooks import hookimpl

@hookimpl
def app_did_start(host):
    os._exit(42)
"""
MARKS = """
from repetend.hooks import hookimpl

@hookimpl
def card_will_show(html):
    return html + "<ok>"
"""


def status(kit, base, *flags):
    rows = kit.cli_json(base, *flags, "addons", "list")["addons"]
    return {r["package"]: (r["status"], r["error"]) for r in rows}


def test_a_crash_while_importing_quarantines_that_add_on_only(kit, base, profile_addons):
    kit.write_addon(profile_addons, "healthy", MARKS)
    kit.write_addon(profile_addons, "killer", DIES_ON_IMPORT)
    died = kit.run_cli(base, "decks", check=False)
    assert died.returncode == 41
    assert list(profile_addons.glob(".loading-*.json"))  # the breadcrumb survived the crash

    survived = kit.run_cli(base, "decks")
    assert "killer" in survived.stderr and "quarantined" in survived.stderr
    assert "repetend addons enable killer" in survived.stderr
    assert not list(profile_addons.glob(".loading-*.json"))
    states = status(kit, base)
    assert states["healthy"] == ("loaded", None)
    assert states["killer"][0] == "quarantined"
    assert "while loading it" in states["killer"][1]
    meta = json.loads((profile_addons / "killer" / "meta.json").read_text())
    assert "disabled" not in meta  # quarantine is its own state, not the user's choice

    # Re-enabling is one command; the add-on then loads (and here, crashes) again.
    enabled = kit.cli_json(base, "addons", "enable", "killer")
    assert "lifted its quarantine" in enabled["messages"][0]
    assert kit.run_cli(base, "decks", check=False).returncode == 41


def test_a_crash_in_a_start_up_hook_quarantines_the_add_on_running_it(kit, base,
                                                                       profile_addons):
    kit.write_addon(profile_addons, "healthy", MARKS)
    kit.write_addon(profile_addons, "late_killer", DIES_ON_START)
    assert kit.run_cli(base, "decks", check=False).returncode == 42
    states = status(kit, base)
    assert states["late_killer"][0] == "quarantined"
    assert "app_did_start" in states["late_killer"][1]
    assert states["healthy"] == ("loaded", None)


def test_no_quarantine_flag_and_environment_turn_it_off(kit, base, profile_addons):
    kit.write_addon(profile_addons, "killer", DIES_ON_IMPORT)
    assert kit.run_cli(base, "--no-quarantine", "decks", check=False).returncode == 41
    assert not list(profile_addons.glob(".loading-*.json"))
    env = {**os.environ, "REPETEND_NO_QUARANTINE": "1"}
    assert kit.run_cli(base, "decks", check=False, env=env).returncode == 41
    # Still not quarantined: an interactive start crashes (and only then quarantines).
    assert kit.run_cli(base, "decks", check=False).returncode == 41
    assert kit.run_cli(base, "decks").returncode == 0


def test_a_breadcrumb_of_a_running_process_is_not_a_crash(tmp_path, kit):
    addons_dir = tmp_path / "addons"
    kit.write_addon(addons_dir, "slow", "")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        crumb = addons_dir / f".loading-{sleeper.pid}.json"
        crumb.write_text(json.dumps({"pid": sleeper.pid, "package": "slow",
                                     "phase": "loading", "at": 0}))
        addons = load_addons(PluginHost(), addons_dir)
        assert addons.records["slow"].status == "loaded"
        assert crumb.exists()  # another Repetend is still starting: left alone
    finally:
        sleeper.kill()
        sleeper.wait()
    assert [c.package for c in recover(addons_dir)] == ["slow"]


def test_breadcrumbs_are_only_written_while_loading(tmp_path, kit):
    addons_dir = tmp_path / "addons"
    kit.write_addon(addons_dir, "seen", """
        import os, pathlib
        crumb = pathlib.Path(__file__).parent.parent / f".loading-{os.getpid()}.json"
        SEEN = crumb.read_text()
    """)
    addons = load_addons(PluginHost(), addons_dir)
    assert addons.records["seen"].status == "loaded"
    import repetend_addons.seen as seen  # noqa: E402 - loaded by load_addons

    assert json.loads(seen.SEEN)["package"] == "seen"
    assert not list(addons_dir.glob(".loading-*"))
    off = Breadcrumbs(addons_dir, enabled=False)
    off.loading("seen")
    assert not off.path.exists()
