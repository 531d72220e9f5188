"""Main-window hooks: the window is ready, and menu entries add-ons add to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from repetend.hooks._values import check_callable, check_name, check_text
from repetend.hooks.markers import hookspec

#: The menus of the main window an add-on may add to.
Menu = Literal["file", "edit", "tools", "help"]
MENUS: tuple[Menu, ...] = ("file", "edit", "tools", "help")


@dataclass(frozen=True)
class MenuAction:
    """An entry in one of the main window's menus."""

    #: Unique and stable, e.g. "myaddon.sync_now".
    name: str
    #: The menu text.
    label: str
    #: What it does: `run(window)`, with the main window (typed `object` as in the hook).
    run: Callable[[object], None]
    #: Which menu it goes in.
    menu: Menu = "tools"
    #: A Qt key sequence such as "Ctrl+Shift+S", or "" for none.
    shortcut: str = ""

    def __post_init__(self) -> None:
        check_name(self, "name", self.name)
        check_name(self, "label", self.label)
        check_callable(self, "run", self.run)
        if self.menu not in MENUS:
            raise ValueError(f"MenuAction.menu must be one of {MENUS}, not {self.menu!r}")
        check_text(self, "shortcut", self.shortcut)


@hookspec
def main_window_did_init(window: object) -> None:
    """The main window has been built and is about to be shown.

    A notification: add widgets or connect to its signals. Only the desktop app calls it;
    headless commands never do, so an add-on that uses it still works from the command line.

    :param window: the main window (a Qt `QMainWindow`). It is typed as `object` so the
        add-on API does not import Qt; import Qt through `repetend.host.qt` when you need it.

    When it is called: once per desktop session, after the window is built and the
    profile's collection is open.
    """


@hookspec
def register_main_menu_actions(register: Callable[[MenuAction], None]) -> None:
    """Add entries to the main window's menus.

    Call `register(MenuAction(name, label, run, menu="tools"))` once per entry; entries
    appear in the order registered. A value that is not a `MenuAction`, or whose name
    another add-on registered first, is reported against this add-on and left out; if the
    implementation raises, none of its entries are added. An exception from `run` is
    reported against this add-on and does not close the window.

    :param register: the host's callback; call it with each entry.

    When it is called: once per desktop session, while the menus are built; do not keep
    `register` for later.
    """
