"""Exporting hooks: file formats add-ons can export to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from repetend.hooks._values import check_callable, check_extension, check_name
from repetend.hooks.markers import hookspec

if TYPE_CHECKING:
    from repetend.core.collection import Collection


@dataclass(frozen=True)
class Exporter:
    """A file format a collection or a deck can be exported to."""

    #: Shown in the export dialog and unique, e.g. "Notes in plain text".
    name: str
    #: The extension of the file it writes, lower-case with the dot, e.g. ".txt".
    extension: str
    #: Write the file: `run(col, path, deck_id)`, `deck_id` None for the whole collection.
    run: Callable[[Collection, Path, int | None], None]

    def __post_init__(self) -> None:
        check_name(self, "name", self.name)
        check_extension(self, "extension", self.extension)
        check_callable(self, "run", self.run)


@hookspec
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Add file formats to export to.

    Call `register(Exporter(name, extension, run))` once per format. A value that is not an
    `Exporter`, or whose name another add-on registered first, is reported against this
    add-on and left out (an add-on's exporter replaces a built-in one of the same name); if
    the implementation raises, none of its exporters are used.

    :param register: the host's callback; call it with each exporter.

    When it is called: when the export dialog or `repetend export` looks for exporters;
    do not keep `register` for later.
    """
