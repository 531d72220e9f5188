"""pytest fixtures for testing Repetend add-ons: a real collection, a real plugin host.

Installed with Repetend as the pytest plugin `repetend` (entry point group `pytest11`), so
an add-on's tests get these fixtures after `pip install repetend`, with no conftest::

    from repetend.hooks import hookimpl

    class Shout:
        @hookimpl
        def card_will_show(self, html, side):
            return html.upper() if side == "question" else html

    def test_questions_are_shouted(collection, host, register_plugin):
        register_plugin(Shout())
        note = collection.new_note("Basic")
        note.fields = ["hello", "world"]
        [card] = collection.add_note(note, deck_id=1)
        html = collection.render_card(card).question
        assert host.card_will_show(html, card, "question") == html.upper()

The host is the one the app uses, with the built-in plugins registered and the same
containment: an add-on's exception does not fail the test by itself, it lands in
`host.errors` (assert `host.errors == []` to be strict). The collection is wired to the
host as the app wires it, so note hooks run when notes are added; lifecycle hooks such as
`collection_did_open` are for the test to call.

Two helpers check that an operation is one exact undo step: `collection_rows(col)`
(every undoable row and the indexes, comparable) and `assert_undo_redo_exact(col, change)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from repetend.core.collection import UNDOABLE_TABLES, Collection
from repetend.host.plugins import PluginHost

_P = TypeVar("_P")


@pytest.fixture
def host() -> PluginHost:
    """A fresh `PluginHost` with the built-in plugins, as the app makes it."""
    return PluginHost()


@pytest.fixture
def collection(tmp_path_factory: pytest.TempPathFactory, host: PluginHost) -> Iterator[Collection]:
    """A new, empty collection file (the stock note types, the Default deck) in a temporary
    folder of its own, wired to `host`; closed after the test."""
    folder: Path = tmp_path_factory.mktemp("repetend-collection")
    col = Collection(folder / "collection.db")
    host.attach(col)
    yield col
    col.close()


@pytest.fixture
def register_plugin(host: PluginHost) -> Iterator[Callable[..., object]]:
    """`register_plugin(plugin, name=None) -> plugin`: register an add-on (a module or an
    object with hook implementations) on `host`, and unregister it after the test.

    The name defaults to the module's or the class's name. If the host refuses the plugin
    (an unknown hook, a wrong argument name …), the test fails with the host's reason; to
    test a refusal itself, call `host.register_plugin` directly.
    """
    names: list[str] = []

    def register(plugin: _P, name: str | None = None) -> _P:
        if name is None:
            name = getattr(plugin, "__name__", None) or type(plugin).__name__
        errors_before = len(host.errors)
        if not host.register_plugin(plugin, name):
            reasons = "\n".join(f"{e}\n{e.traceback_text}" for e in host.errors[errors_before:])
            pytest.fail(f"the plugin host refused {name!r}:\n{reasons}", pytrace=False)
        names.append(name)
        return plugin

    yield register
    for name in reversed(names):
        host.unregister_plugin(name)


def collection_rows(col: Collection) -> dict[str, list[str]]:
    """Every undoable table row by row, values as SQL literals (so types count too), and
    the index definitions: two equal results mean the same collection. For asserting that
    an operation undoes and redoes exactly (`assert_undo_redo_exact`)."""
    out = {}
    for table in UNDOABLE_TABLES:
        cols = [r[1] for r in col.db.execute(f"PRAGMA table_info({table})")]
        values = "||','||".join(f"quote({c})" for c in ["rowid", *cols])
        out[table] = [r[0] for r in col.db.execute(
            f"SELECT {values} FROM {table} ORDER BY rowid")]
    out["indexes"] = sorted(r[0] for r in col.db.execute(
        "SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND sql NOT NULL"))
    return out


def assert_undo_redo_exact(col: Collection, change: Callable[[], object]) -> None:
    """Run `change()` (one undoable step) and check, twice over, that undo gives back the
    rows from before it and redo the rows after it."""
    before = collection_rows(col)
    change()
    after = collection_rows(col)
    assert after != before, "the change changed nothing"
    for _ in range(2):
        col.undo()
        assert collection_rows(col) == before, "undo did not restore the collection"
        col.redo()
        assert collection_rows(col) == after, "redo did not repeat the change"
