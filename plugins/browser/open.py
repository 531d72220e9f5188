"""Opening the Browse window, without loading Qt until it is asked for.

The main window imports `open_browser` from here; the window module (and Qt with it) is
imported inside the call, so headless commands that import the browser plugin stay light.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from repetend.core.collection import Collection


def open_browser(col: Collection, plugins: Any = None, parent: Any = None, *,
                 state: dict[str, Any] | None = None,
                 on_change: Callable[[], None] | None = None,
                 undo: Callable[[], None] | None = None,
                 redo: Callable[[], None] | None = None,
                 search: str | None = None, card_id: int | None = None) -> Any:
    """Show the Browse window and return it.

    `plugins` is the host's plugin facade (add-on columns and actions, editor and card
    hooks); `state` a per-profile dict the window keeps its layout, columns and search
    history in; `on_change` is called after each change the window makes; `undo` is the
    main window's undo (and `redo` its redo), so Ctrl+Z in either window undoes the same step.
    `card_id` (from the reviewer) searches for that card and selects it instead of `search`.
    """
    from repetend.plugins.browser.window import BrowserWindow

    window = BrowserWindow(col, plugins, parent, state=state, on_change=on_change, undo=undo,
                           redo=redo, search=search, card_id=card_id)
    window.show()
    return window
