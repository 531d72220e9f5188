"""Printing hooks: page layouts for printing cards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from repetend.hooks._values import check_callable, check_name
from repetend.hooks.markers import hookspec

if TYPE_CHECKING:
    from repetend.core.collection import Collection


@dataclass(frozen=True)
class PrintLayout:
    """A way to lay out cards on printed pages."""

    #: Unique, shown in the print dialog, e.g. "Index cards".
    name: str
    #: The printable document: `render(col, card_ids) -> str`, a complete HTML page with its
    #: own print CSS, cards in the order given.
    render: Callable[[Collection, Sequence[int]], str]

    def __post_init__(self) -> None:
        check_name(self, "name", self.name)
        check_callable(self, "render", self.render)


@hookspec
def register_print_layouts(register: Callable[[PrintLayout], None]) -> None:
    """Add print layouts.

    Call `register(PrintLayout(name, render))` once per layout. A value that is not a
    `PrintLayout`, or whose name another add-on registered first, is reported against this
    add-on and left out (an add-on's layout replaces a built-in one of the same name); if
    the implementation raises, none of its layouts are used.

    :param register: the host's callback; call it with each layout.

    When it is called: when the print dialog or `repetend print` lists layouts; do not keep
    `register` for later.
    """
