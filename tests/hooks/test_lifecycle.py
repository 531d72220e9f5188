"""Profile, note-editing, importing and main-window notifications through the facade."""

from pathlib import Path
from types import SimpleNamespace

from repetend.hooks import hookimpl
from repetend.hooks.importing import ImportSummary
from repetend.host.plugins import PluginHost


class Recorder:
    """Implements every hook below by recording (hook, arguments)."""

    def __init__(self):
        self.events = []

    @hookimpl
    def profile_did_open(self, profile):
        self.events.append(("profile_did_open", profile.name))

    @hookimpl
    def profile_will_close(self, profile):
        self.events.append(("profile_will_close", profile.name))

    @hookimpl
    def main_window_did_init(self, window):
        self.events.append(("main_window_did_init", window))

    @hookimpl
    def importing_did_import(self, col, path, summary):
        self.events.append(("importing_did_import", col, path, summary.notes_added))


class Boom:
    """Raises in every hook, to show the others still run."""

    @hookimpl
    def profile_did_open(self):
        raise RuntimeError("boom")

    @hookimpl
    def profile_will_close(self):
        raise RuntimeError("boom")

    @hookimpl
    def main_window_did_init(self):
        raise RuntimeError("boom")

    @hookimpl
    def importing_did_import(self):
        raise RuntimeError("boom")


def hosts():
    host, recorder = PluginHost(), Recorder()
    host.register_plugin(recorder, "addon.recorder")
    host.register_plugin(Boom(), "addon.boom")
    return host, recorder


PROFILE = SimpleNamespace(name="User 1", folder=Path("/tmp/User 1"))


def test_hook_profile_did_open():
    host, recorder = hosts()
    host.profile_did_open(PROFILE)
    assert recorder.events == [("profile_did_open", "User 1")]
    assert [(e.plugin_name, e.hook_name) for e in host.errors] == [
        ("addon.boom", "profile_did_open")]


def test_hook_profile_will_close():
    host, recorder = hosts()
    host.profile_will_close(PROFILE)
    assert recorder.events == [("profile_will_close", "User 1")]
    assert len(host.errors) == 1


def test_hook_main_window_did_init():
    host, recorder = hosts()
    host.main_window_did_init(window="the window")
    assert recorder.events == [("main_window_did_init", "the window")]
    assert len(host.errors) == 1


def test_hook_importing_did_import():
    host, recorder = hosts()
    host.importing_did_import("col", Path("words.txt"), ImportSummary(notes_added=2))
    assert recorder.events == [("importing_did_import", "col", Path("words.txt"), 2)]
    assert len(host.errors) == 1


class Defaults:
    """Fills an empty Back field, and tags saved notes; both change the note in place."""

    @hookimpl
    def editor_will_load_note(self, note):
        if not note.fields[1]:
            note.fields[1] = "(to do)"

    @hookimpl
    def note_will_be_saved(self, col, note):
        note.tags.append("edited")


class HalfDone:
    @hookimpl
    def note_will_be_saved(self, note):
        note.tags.append("half")
        raise RuntimeError("boom")


def test_hook_editor_will_load_note():
    host = PluginHost()
    host.register_plugin(Defaults(), "addon.defaults")
    note = SimpleNamespace(fields=["front", ""], tags=[])
    host.editor_will_load_note(note, col=None)
    assert note.fields == ["front", "(to do)"]


def test_hook_note_will_be_saved():
    host = PluginHost()
    host.register_plugin(Defaults(), "addon.defaults")
    host.register_plugin(HalfDone(), "addon.half")
    note = SimpleNamespace(fields=["front", "back"], tags=[])
    host.note_will_be_saved(col=None, note=note)
    # Changes made before a failure are kept (the note is not copied), and the rest still run.
    assert note.tags == ["half", "edited"]
    assert [e.plugin_name for e in host.errors] == ["addon.half"]
