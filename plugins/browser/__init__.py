"""The card and note browser: searching, listing and bulk-editing cards and notes.

The table model is `repetend.core.browser_table.BrowserTable`; this plugin adds what the
add-ons give through `repetend.hooks.browser` to it, with the host's containment:

- `browser_table(col, plugins)`: the table with every add-on column
  (`register_browser_columns`); a column whose value raises shows an empty cell and the
  error is recorded against its add-on, the other cells and columns carry on;
- `browser_actions(plugins)` / `run_browser_action(...)`: the add-ons' commands on the
  selection (`register_browser_actions`), run so that a raising one is reported against
  its add-on and leaves the collection as it was (its `col.op` rolls back).

`plugins` is the host's facade (`PluginHost`), or None for no add-ons (scripts, tests). The
window (`window.py`) and the `repetend search` command build their tables here, so they
show the same columns. It implements no hooks itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from repetend.core.browser_table import BrowserTable
from repetend.core.errors import RepetendError

if TYPE_CHECKING:
    from repetend.core.cards import Card
    from repetend.core.collection import Collection
    from repetend.hooks.browser import BrowserAction, BrowserColumn


class _Contribution(Protocol):
    plugin_name: str
    hook_name: str
    value: Any


class Plugins(Protocol):
    """What the browser needs of the host's plugin facade (`PluginHost`)."""

    def register_browser_columns(self) -> Sequence[_Contribution]: ...

    def register_browser_actions(self) -> Sequence[_Contribution]: ...

    def call_contribution(self, contribution: Any, function: str, *args: object,
                          default: Any) -> Any: ...


def browser_table(col: Collection, plugins: Plugins | None, *, notes_mode: bool = False,
                  columns: Sequence[str] | None = None) -> BrowserTable:
    """The browser's table over `col` with the add-ons' columns.

    `columns` (keys, as `BrowserTable` takes them) is checked after the add-on columns
    are in, so an add-on's column can be named. An add-on column named like a built-in one
    is left out (the built-in keeps its place)."""
    table = BrowserTable(col, notes_mode=notes_mode)
    for contribution in (plugins.register_browser_columns() if plugins is not None else ()):
        column: BrowserColumn = contribution.value
        try:
            table.add_column(column.name, column.label, _contained(plugins, contribution))
        except RepetendError:
            continue
    if columns is not None:
        table.set_columns(columns)
    return table


def _contained(plugins: Plugins | None, contribution: _Contribution):  # type: ignore[no-untyped-def]
    def value(col: Collection, card: Card) -> str:
        result = plugins.call_contribution(contribution, "value", col, card, default="") \
            if plugins is not None else ""
        return "" if result is None else str(result)

    return value


@dataclass(frozen=True)
class ActionEntry:
    """One add-on command for the browser's menus, with the add-on that gave it."""

    name: str
    label: str
    plugin_name: str
    contribution: Any

    @property
    def action(self) -> BrowserAction:
        return self.contribution.value


def browser_actions(plugins: Plugins | None) -> list[ActionEntry]:
    """Every browser action the add-ons registered, in call order (add-ons first)."""
    if plugins is None:
        return []
    return [ActionEntry(c.value.name, c.value.label, c.plugin_name, c)
            for c in plugins.register_browser_actions()]


def run_browser_action(plugins: Plugins, entry: ActionEntry, col: Collection,
                       card_ids: Sequence[int]) -> bool:
    """Run an add-on's action on the selected cards; False if it raised (the host then
    holds the error, naming the add-on)."""
    failed = object()
    result = plugins.call_contribution(entry.contribution, "run", col, list(card_ids),
                                       default=failed)
    return result is not failed
