"""The `register_*` hooks through the facade, and the checks their value types make."""

from pathlib import Path

import pytest

from repetend.hooks import hookimpl
from repetend.hooks.browser import BrowserAction, BrowserColumn, SearchTerm
from repetend.hooks.exporting import Exporter
from repetend.hooks.importing import Importer, ImportSummary
from repetend.hooks.main_window import MenuAction
from repetend.hooks.printing import PrintLayout
from repetend.hooks.tts import TTSEngine, TTSVoice
from repetend.host.plugins import PluginHost


def noop(*args):
    return None


def collected(hook_name, *values):
    """Register an add-on that gives `values` through `hook_name`; return what the host got."""

    class Giver:
        pass

    @hookimpl(specname=hook_name)
    def give(register):
        for value in values:
            register(value)

    Giver.give = staticmethod(give)
    host = PluginHost()
    assert host.register_plugin(Giver(), "addon.giver")
    # Built-ins may contribute too (the importers, the exporters); only the add-on's count.
    got = [c for c in getattr(host, hook_name)() if not c.plugin_name.startswith("builtin.")]
    assert host.errors == []
    assert all(c.plugin_name == "addon.giver" and c.hook_name == hook_name for c in got)
    return [c.value for c in got]


def test_hook_register_browser_columns():
    words = BrowserColumn("words", "Words", lambda col, card: "3")
    assert collected("register_browser_columns", words) == [words]


def test_hook_register_search_terms():
    term = SearchTerm("words", lambda col, card, value: True, help="words:>N")
    assert collected("register_search_terms", term) == [term]


def test_hook_register_browser_actions():
    action = BrowserAction("reverse", "Reverse fields", noop)
    assert collected("register_browser_actions", action) == [action]


def test_hook_register_importers():
    importer = Importer("Vocabulary list", [".vocab", ".txt"], lambda col, path: ImportSummary())
    [got] = collected("register_importers", importer)
    assert got.extensions == (".vocab", ".txt")  # a list is kept as a tuple


def test_hook_register_exporters():
    exporter = Exporter("Plain text", ".txt", noop)
    assert collected("register_exporters", exporter) == [exporter]


def test_hook_register_tts_engines():
    engine = TTSEngine("Quiet", lambda: [TTSVoice("Hush", "en_US")], noop)
    [got] = collected("register_tts_engines", engine)
    assert got.voices() == [TTSVoice("Hush", "en_US")]


def test_hook_register_print_layouts():
    layout = PrintLayout("List", lambda col, cids: "<html></html>")
    assert collected("register_print_layouts", layout) == [layout]


def test_hook_register_main_menu_actions():
    action = MenuAction("addon.hello", "Say hello", noop, menu="help", shortcut="Ctrl+H")
    assert collected("register_main_menu_actions", action) == [action]


@pytest.mark.parametrize(("make", "message"), [
    (lambda: BrowserColumn("", "Words", noop), "BrowserColumn.name must be a non-empty"),
    (lambda: BrowserColumn(" words", "Words", noop), "without surrounding spaces"),
    (lambda: BrowserColumn("words", "Words", "len"), "BrowserColumn.value must be callable"),
    (lambda: SearchTerm("Words", noop), "SearchTerm.name must be lower-case letters"),
    (lambda: SearchTerm("1st", noop), "SearchTerm.name must be lower-case letters"),
    (lambda: SearchTerm("a:b", noop), "SearchTerm.name must be lower-case letters"),
    (lambda: SearchTerm("tag", noop), "'tag' is a built-in search term"),
    (lambda: SearchTerm("words", noop, help=None), "SearchTerm.help must be a string"),
    (lambda: BrowserAction("x", "", noop), "BrowserAction.label must be a non-empty"),
    (lambda: Importer("CSV", ".csv", noop), "Importer.extensions must be a non-empty sequence"),
    (lambda: Importer("CSV", (), noop), "Importer.extensions must be a non-empty sequence"),
    (lambda: Importer("CSV", ("csv",), noop), "like '.csv', not 'csv'"),
    (lambda: Importer("CSV", (".CSV",), noop), "like '.csv', not '.CSV'"),
    (lambda: Exporter("Text", "txt", noop), "Exporter.extension must be lower-case"),
    (lambda: Exporter("Text", ".txt", None), "Exporter.run must be callable"),
    (lambda: TTSVoice("Hush", ""), "TTSVoice.lang must be a non-empty"),
    (lambda: TTSEngine("Quiet", [], noop), "TTSEngine.voices must be callable"),
    (lambda: PrintLayout("List", "<html>"), "PrintLayout.render must be callable"),
    (lambda: MenuAction("x", "X", noop, menu="view"), "MenuAction.menu must be one of"),
])
def test_value_types_refuse_mistakes_when_built(make, message):
    with pytest.raises((TypeError, ValueError)) as info:
        make()
    assert message in str(info.value)


def test_value_types_are_frozen():
    column = BrowserColumn("words", "Words", noop)
    with pytest.raises(AttributeError):
        column.name = "other"


def test_an_importer_runs_on_a_path():
    seen = []
    importer = Importer("Log", (".log",), lambda col, path: seen.append(path) or ImportSummary(1))
    assert importer.run(None, Path("x.log")) == ImportSummary(notes_added=1)
    assert seen == [Path("x.log")]
