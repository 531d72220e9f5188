"""Browser hooks: the columns, search terms and actions add-ons add to the card browser.

Each `register_*` hook receives a `register` callback; call it once per thing you add. The
host checks each value, remembers which add-on gave it and leaves out a value whose name an
earlier add-on already took (add-ons run before built-ins, so an add-on's value replaces a
built-in one of the same name).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from repetend.hooks._values import check_callable, check_name, check_text
from repetend.hooks.markers import hookspec

if TYPE_CHECKING:
    from repetend.core.cards import Card
    from repetend.core.collection import Collection

#: What a search term's name may look like: the word before the colon in `name:value`.
SEARCH_TERM_NAME = "lower-case letters, digits, '-' and '_', starting with a letter"

#: Anki's own `key:` search words (ANKI-FACTS §9.2); an add-on's term cannot take them.
RESERVED_SEARCH_TERMS = frozenset({
    "added", "card", "cid", "deck", "did", "dupe", "edited", "flag", "has-cd", "introduced",
    "is", "mid", "nc", "nid", "note", "preset", "prop", "rated", "re", "resched", "sc", "tag",
    "w",
})


@dataclass(frozen=True)
class BrowserColumn:
    """A column the browser can show, one cell per card."""

    #: Unique and stable: the browser saves the user's chosen columns by name.
    name: str
    #: The column header.
    label: str
    #: The cell's text for one card: `value(col, card) -> str`.
    value: Callable[[Collection, Card], str]

    def __post_init__(self) -> None:
        check_name(self, "name", self.name)
        check_name(self, "label", self.label)
        check_callable(self, "value", self.value)


@dataclass(frozen=True)
class SearchTerm:
    """A `name:value` search term, e.g. `words:>10`."""

    #: The word before the colon; see `SEARCH_TERM_NAME`.
    name: str
    #: Whether a card matches: `match(col, card, value) -> bool`, `value` being the text
    #: after the colon (unquoted).
    match: Callable[[Collection, Card, str], bool]
    #: One line for the search help, e.g. "words:>N  cards whose first field has over N words".
    help: str = ""

    def __post_init__(self) -> None:
        check_name(self, "name", self.name)
        if not (self.name[0].isascii() and self.name[0].isalpha() and self.name.islower()
                and all(c.isascii() and (c.isalnum() or c in "-_") for c in self.name)):
            raise ValueError(f"SearchTerm.name must be {SEARCH_TERM_NAME}, not {self.name!r}")
        if self.name in RESERVED_SEARCH_TERMS:
            raise ValueError(f"SearchTerm.name {self.name!r} is a built-in search term")
        check_callable(self, "match", self.match)
        check_text(self, "help", self.help)


@dataclass(frozen=True)
class BrowserAction:
    """A command on the browser's selection (menu and context menu)."""

    #: Unique and stable, e.g. for a keyboard shortcut setting.
    name: str
    #: The menu text.
    label: str
    #: What it does: `run(col, card_ids)` with the selected cards' ids, in browser order.
    #: Make changes inside `col.op("...")` so they are one undo step.
    run: Callable[[Collection, Sequence[int]], None]

    def __post_init__(self) -> None:
        check_name(self, "name", self.name)
        check_name(self, "label", self.label)
        check_callable(self, "run", self.run)


@hookspec
def register_browser_columns(register: Callable[[BrowserColumn], None]) -> None:
    """Add columns the browser can show.

    Call `register(BrowserColumn(name, label, value))` once per column. A value that is not
    a `BrowserColumn`, or whose name another add-on registered first, is reported against
    this add-on and left out; if the implementation raises, none of its columns are used.
    A `value` function that raises shows an empty cell and is reported against this add-on.

    :param register: the host's callback; call it with each column.

    When it is called: when the browser opens; do not keep `register` for later.
    """


@hookspec
def register_search_terms(register: Callable[[SearchTerm], None]) -> None:
    """Add `name:value` terms to the search language of the browser and of filtered decks.

    Call `register(SearchTerm(name, match, help))` once per term. Anki's own search words
    (`deck`, `tag`, `is`, `prop`, …; `RESERVED_SEARCH_TERMS`) cannot be taken, and a term
    hides searches of a field with the same name, as Anki's words do. A value that is not a
    `SearchTerm`, or whose name another add-on registered first, is reported against this
    add-on and left out; if the implementation raises, none of its terms are used.

    :param register: the host's callback; call it with each term.

    When it is called: the first time a search needs the terms after start-up, and again
    after plugins are added or removed; do not keep `register`.
    """


@hookspec
def register_browser_actions(register: Callable[[BrowserAction], None]) -> None:
    """Add commands that act on the cards selected in the browser.

    Call `register(BrowserAction(name, label, run))` once per command. A value that is not
    a `BrowserAction`, or whose name another add-on registered first, is reported against
    this add-on and left out; if the implementation raises, none of its actions are used.

    :param register: the host's callback; call it with each action.

    When it is called: when the browser builds its menus; do not keep `register`.
    """
