"""Importing hooks: file formats add-ons can import, and the notification after an import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from repetend.hooks._values import check_callable, check_extension, check_name
from repetend.hooks.markers import hookspec

if TYPE_CHECKING:
    from repetend.core.collection import Collection


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, for the message shown afterwards."""

    notes_added: int = 0
    notes_updated: int = 0
    notes_skipped: int = 0
    #: Lines to show the user, e.g. why a row was skipped.
    messages: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Importer:
    """A file format that can be imported into a collection."""

    #: Shown in the import dialog and unique, e.g. "Vocabulary list".
    name: str
    #: The file name extensions it reads, lower-case with the dot, e.g. `(".csv", ".tsv")`.
    extensions: tuple[str, ...]
    #: Import a file: `run(col, path) -> ImportSummary`. Make changes inside
    #: `col.op("Import")` so a failure leaves the collection as it was and undo removes it.
    run: Callable[[Collection, Path], ImportSummary]

    def __post_init__(self) -> None:
        check_name(self, "name", self.name)
        if isinstance(self.extensions, str) or not self.extensions:
            raise ValueError("Importer.extensions must be a non-empty sequence like ('.csv',)")
        object.__setattr__(self, "extensions", tuple(self.extensions))
        for extension in self.extensions:
            check_extension(self, "extensions", extension)
        check_callable(self, "run", self.run)


@hookspec
def register_importers(register: Callable[[Importer], None]) -> None:
    """Add file formats that can be imported.

    Call `register(Importer(name, extensions, run))` once per format. When two importers
    read the same extension the user chooses; the first registered (add-ons before
    built-ins) is offered first. A value that is not an `Importer`, or whose name another
    add-on registered first, is reported against this add-on and left out; if the
    implementation raises, none of its importers are used.

    :param register: the host's callback; call it with each importer.

    When it is called: when the import dialog or `repetend import` looks for importers;
    do not keep `register` for later.
    """


@hookspec
def importing_did_import(col: Collection, path: Path, summary: ImportSummary) -> None:
    """A file has been imported into a collection.

    A notification, e.g. to tag or sort what arrived; changes go in an operation of your
    own, which becomes its own undo step.

    :param col: the collection imported into.
    :param path: the imported file.
    :param summary: what the importer reported doing.

    When it is called: after each successful import, built-in or add-on; not when the
    importer raised.
    """
