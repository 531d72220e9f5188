"""Word count: a browser column and a search term for the length of a note's sort field.

Hook family: the browser (`register_browser_columns`, `register_search_terms`). The column
"Words" shows how many words the note's sort field has (HTML removed); the search term
`words:` finds cards by it: `words:3`, `words:>10`, `words:<=2`.
"""

import operator

from repetend.core.text import strip_html
from repetend.hooks import hookimpl
from repetend.hooks.browser import BrowserColumn, SearchTerm

_COMPARISONS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt,
                "=": operator.eq}


def word_count(col, card):
    note = col.get_note(card.nid)
    notetype = col.notetypes.get(note.ntid)
    return len(strip_html(note.fields[notetype.sort_field]).split())


def matches(col, card, value):
    """`value` is the text after `words:`: a number, optionally after >, <, >=, <= or =."""
    for symbol, compare in _COMPARISONS.items():  # two-character symbols are tried first
        if value.startswith(symbol):
            return compare(word_count(col, card), int(value[len(symbol):]))
    return word_count(col, card) == int(value)


@hookimpl
def register_browser_columns(register):
    register(BrowserColumn("word_count", "Words", lambda col, card: str(word_count(col, card))))


@hookimpl
def register_search_terms(register):
    register(SearchTerm("words", matches,
                        help="words:N, words:>N …  cards whose sort field has N words"))
