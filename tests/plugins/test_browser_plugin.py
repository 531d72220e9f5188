"""The browser plugin: add-on columns and actions on the table, each contained."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from repetend.core.errors import InvalidInput
from repetend.hooks import hookimpl
from repetend.hooks.browser import BrowserAction, BrowserColumn
from repetend.plugins.browser import browser_actions, browser_table, run_browser_action

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _example(package: str):  # type: ignore[no-untyped-def]
    name = f"repetend_examples.{package}"
    if name not in sys.modules:
        folder = EXAMPLES / package
        spec = importlib.util.spec_from_file_location(
            name, folder / "__init__.py", submodule_search_locations=[str(folder)])
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


class LengthAddon:
    """Two columns: the sort field's length, and one that fails on long fields."""

    @hookimpl
    def register_browser_columns(self, register):  # type: ignore[no-untyped-def]
        register(BrowserColumn("length", "Length", lambda col, card: str(len(
            col.get_note(card.nid).fields[0]))))
        register(BrowserColumn("fragile", "Fragile", self._fragile))

    @staticmethod
    def _fragile(col, card):  # type: ignore[no-untyped-def]
        if len(col.get_note(card.nid).fields[0]) > 4:
            raise RuntimeError("too long for me")
        return "ok"


class TagAddon:
    """Actions: tag the selection's notes (one undo step), and one that fails halfway."""

    @hookimpl
    def register_browser_actions(self, register):  # type: ignore[no-untyped-def]
        register(BrowserAction("mark", "Mark them", self._mark))
        register(BrowserAction("half", "Half done", self._half))

    @staticmethod
    def _mark(col, card_ids):  # type: ignore[no-untyped-def]
        with col.op("Mark Notes"):
            for cid in card_ids:
                note = col.get_note(col.get_card(cid).nid)
                note.tags = [*note.tags, "marked"]
                col.update_note(note)

    @staticmethod
    def _half(col, card_ids):  # type: ignore[no-untyped-def]
        with col.op("Half"):
            note = col.get_note(col.get_card(card_ids[0]).nid)
            note.tags = ["half"]
            col.update_note(note)
            raise ValueError("changed my mind")


@pytest.fixture
def words(collection):  # type: ignore[no-untyped-def]
    for front in ("cat", "the <b>quick</b> fox", "dogs"):
        note = collection.new_note("Basic")
        note.fields = [front, "back"]
        collection.add_note(note, 1)
    return collection


def test_addon_columns_show_in_the_table(host, register_plugin, words) -> None:  # type: ignore[no-untyped-def]
    register_plugin(LengthAddon(), "length_addon")
    table = browser_table(words, host, columns=["noteFld", "length"])
    assert {c.key: (c.label, c.sortable) for c in table.available_columns()}["length"] == (
        "Length", False)
    table.search("", sort="noteFld")
    assert [table.row(i) for i in range(len(table))] == [
        ["cat", "3"], ["dogs", "4"], ["the quick fox", "20"]]
    assert host.errors == []
    with pytest.raises(InvalidInput, match="cannot be sorted"):
        table.search("", sort="length")


def test_a_raising_column_shows_empty_cells_and_blames_its_addon(host, register_plugin,
                                                                 words) -> None:  # type: ignore[no-untyped-def]
    register_plugin(LengthAddon(), "length_addon")
    table = browser_table(words, host, columns=["noteFld", "fragile", "length"])
    table.search("", sort="noteFld")
    rows = [table.row(i) for i in range(len(table))]
    assert rows == [["cat", "ok", "3"], ["dogs", "ok", "4"], ["the quick fox", "", "20"]]
    [error] = host.errors
    assert error.plugin_name == "length_addon"
    assert "fragile" in error.detail and "too long for me" in str(error)


def test_addon_column_in_notes_mode_uses_the_first_card(host, register_plugin,
                                                        collection) -> None:  # type: ignore[no-untyped-def]
    register_plugin(LengthAddon(), "length_addon")
    note = collection.new_note("Basic (and reversed card)")
    note.fields = ["abc", "defgh"]
    collection.add_note(note, 1)
    table = browser_table(collection, host, notes_mode=True, columns=["length", "template"])
    table.search("")
    assert table.row(0) == ["3", "2"]


def test_word_count_example_column_shows(host, register_plugin, words) -> None:  # type: ignore[no-untyped-def]
    register_plugin(_example("word_count"), "word_count")
    table = browser_table(words, host, columns=["noteFld", "word_count"])
    assert {c.key: c.label for c in table.available_columns()}["word_count"] == "Words"
    table.search("", sort="noteFld")
    assert [table.row(i)[1] for i in range(len(table))] == ["1", "1", "3"]


def test_without_plugins_only_builtin_columns(words) -> None:  # type: ignore[no-untyped-def]
    table = browser_table(words, None)
    assert "length" not in {c.key for c in table.available_columns()}
    assert browser_actions(None) == []


def test_actions_run_contained(host, register_plugin, words) -> None:  # type: ignore[no-untyped-def]
    register_plugin(TagAddon(), "tag_addon")
    entries = browser_actions(host)
    assert [(e.name, e.label, e.plugin_name) for e in entries] == [
        ("mark", "Mark them", "tag_addon"), ("half", "Half done", "tag_addon")]
    table = browser_table(words, host, columns=["noteFld", "noteTags"])
    table.search("", sort="noteFld")
    mark, half = entries
    assert run_browser_action(host, mark, words, table.card_ids([0, 1]))
    table.invalidate()
    assert [table.row(i)[1] for i in range(3)] == ["marked", "marked", ""]
    assert words.undo_name() == "Mark Notes"
    assert not run_browser_action(host, half, words, table.card_ids([2]))
    table.invalidate()
    assert table.row(2)[1] == ""  # rolled back
    [error] = host.errors
    assert error.plugin_name == "tag_addon" and "changed my mind" in str(error)
