"""The `repetend` pytest plugin: installed with Repetend, its fixtures need no conftest."""

import subprocess
import sys
from importlib.metadata import entry_points

from repetend.hooks import hookimpl

ADDON_TEST = '''
from repetend.hooks import hookimpl


class Tagger:
    @hookimpl
    def note_will_be_added(self, note):
        note.tags.append("tagged")


def test_fixtures_work_without_a_conftest(collection, host, register_plugin):
    register_plugin(Tagger())
    note = collection.new_note("Basic")
    note.fields = ["front", "back"]
    collection.add_note(note, deck_id=1)
    assert collection.get_note(note.id).tags == ["tagged"]
    assert host.errors == []
'''


def test_the_plugin_is_registered_as_a_pytest11_entry_point():
    [plugin] = [ep for ep in entry_points(group="pytest11") if ep.name == "repetend"]
    assert plugin.value == "repetend.host.testing"


def run_pytest(folder, source):
    """Run pytest in a fresh process on one test file, as an add-on's own project would."""
    (folder / "test_addon.py").write_text(source)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(folder)], cwd=folder, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def test_an_add_on_project_gets_the_fixtures(tmp_path):
    code, out = run_pytest(tmp_path, ADDON_TEST)
    assert code == 0, out
    assert "1 passed" in out


def test_collection_is_fresh_and_wired_to_the_host(collection, host):
    assert collection.note_ids() == []
    assert collection.callbacks.note_will_be_added == host.note_will_be_added


def test_register_plugin_names_the_plugin_after_its_class(host, register_plugin):
    class Quiet:
        @hookimpl
        def app_did_start(self):
            pass

    plugin = Quiet()
    assert register_plugin(plugin) is plugin
    assert host.plugins()[-1]["name"] == "Quiet"
    assert register_plugin(Quiet(), "quiet.2")
    assert host.plugins()[-1]["name"] == "quiet.2"


def test_register_plugin_unregisters_after_the_test(tmp_path):
    code, out = run_pytest(tmp_path, '''
import pytest


class Nothing:
    pass


@pytest.fixture
def check_after(host):
    yield
    assert [p["name"] for p in host.plugins() if not p["builtin"]] == []


def test_register(check_after, register_plugin):
    register_plugin(Nothing(), "gone.after")
''')
    assert code == 0, out


def test_register_plugin_fails_the_test_with_the_hosts_reason(tmp_path):
    code, out = run_pytest(tmp_path, '''
from repetend.hooks import hookimpl

class Typo:
    @hookimpl
    def card_will_shwo(self, html):
        return html

def test_typo(register_plugin):
    register_plugin(Typo())
''')
    assert code == 1
    assert "the plugin host refused 'Typo'" in out
    assert "unknown hook 'card_will_shwo'" in out
