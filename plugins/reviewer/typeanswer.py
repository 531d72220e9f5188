"""Type in the answer: the input box on the question and the comparison on the answer.

A template's `{{type:Field}}` renders as `[[type:Field]]` (`[[type:cloze:Text]]`,
`[[type:nc:Field]]`; ANKI-FACTS §4.3). The reviewer replaces the marker, after the
`card_will_show` filters as Anki's own `typeAnsFilter` is the last of them:

- on the question, with an `<input id=typeans>` in the field's font and size (or Anki's
  message for an unknown field; nothing for an empty one);
- on the answer, with the comparison of what was typed against the field's text: the typed
  line and the expected line in `typeGood` / `typeBad` / `typeMissed` spans, an arrow
  between them, inside `<code id=typeans>`, exactly as Anki's `compare_answer` writes it.

The comparison is our own: difflib's matching-blocks algorithm (Anki uses a Rust port of
it, quirk included — see `_opcodes`), written out here so no private difflib internals are
needed; `tests/plugins/test_reviewer_typeanswer.py` checks it against the `anki` package on
generated pairs. Headless: no Qt here.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from repetend.core.template import strip_av_tags
from repetend.core.template.cloze import cloze_text_for_typing
from repetend.core.text import strip_html

if TYPE_CHECKING:
    from repetend.core.cards import Card
    from repetend.core.collection import Collection

__all__ = ["TYPE_MARKER", "TypeAnswer", "answer_side", "compare_answer", "expected_text",
           "question_side", "type_answer_for"]

#: `[[type:Field]]`, as the `type:` filter leaves it in rendered HTML.
TYPE_MARKER = re.compile(r"\[\[type:(.+?)\]\]")

# Line breaks in the expected field become one space before HTML is stripped.
_LINEBREAKS = re.compile(r"(?:\n|<br\s?/?>|</?div>)+", re.IGNORECASE | re.DOTALL)
# Rust's `str::trim` (White_Space), which differs from `str.strip` on U+001C–U+001F.
_WHITE_SPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_MARKS = frozenset({"Mn", "Mc", "Me"})

UNKNOWN_FIELD = "Type answer: unknown field {field}"
EMPTY_CARDS = "Please run Tools>Empty Cards"


@dataclass(frozen=True)
class TypeAnswer:
    """What the card asks to be typed, read from the first marker on its question."""

    #: The field named in the marker (without `cloze:` / `nc:`).
    field: str
    #: The field's text (for a cloze, the active deletions' text); None if the note type has
    #: no such field.
    expected: str | None
    #: `[[type:cloze:…]]`: the card's cloze number is what is typed.
    cloze: bool
    #: False for `[[type:nc:…]]`: combining characters (accents) are ignored in comparing.
    combining: bool = True
    font: str = "Arial"
    size: int = 20


def type_answer_for(col: Collection, card: Card, question_html: str) -> TypeAnswer | None:
    """The type-in request of a card, from its (filtered) question HTML; None if none."""
    match = TYPE_MARKER.search(question_html)
    if match is None:
        return None
    name = match.group(1)
    cloze = combining = False
    if name.startswith("cloze:"):
        cloze = True
        name = name.split(":")[1]
    combining = True
    if name.startswith("nc:"):
        combining = False
        name = name.split(":")[1]
    note = col.get_note(card.nid)
    nt = col.notetypes.get(note.ntid)
    for field in nt.fields:
        if field.name == name:
            expected = note.fields[field.ord]
            if cloze:
                expected = cloze_text_for_typing(expected, card.ord + 1)
            return TypeAnswer(name, expected, cloze, combining, field.font, field.size)
    return TypeAnswer(name, None, cloze, combining)


def question_side(html_text: str, request: TypeAnswer | None) -> str:
    """Replace the markers on the question with the input box (Anki's wording and HTML)."""
    if request is None:
        return html_text
    if request.expected is None:
        warning = EMPTY_CARDS if request.cloze else UNKNOWN_FIELD.format(field=request.field)
        return TYPE_MARKER.sub(lambda _m: warning, html_text)
    if not request.expected:
        return TYPE_MARKER.sub("", html_text)
    box = ("\n<center>\n<input type=text id=typeans onkeypress=\"_typeAnsPress();\"\n"
           f"   style=\"font-family: '{request.font}'; font-size: {request.size}px;\">\n"
           "</center>\n")
    return TYPE_MARKER.sub(lambda _m: box, html_text)


def answer_side(html_text: str, request: TypeAnswer | None, typed: str) -> str:
    """Replace the markers on the answer with the comparison of `typed` and the field."""
    if request is None or not request.expected:
        return TYPE_MARKER.sub("", html_text)
    without_hr = html_text.replace("<hr id=answer>", "")
    had_hr = len(without_hr) != len(html_text)
    if had_hr and not TYPE_MARKER.search(without_hr):
        return html_text
    output = compare_answer(request.expected, typed, request.combining)
    block = (f"\n<div style=\"font-family: '{request.font}'; font-size: {request.size}px\">"
             f"{output}</div>")
    if had_hr:
        # As Anki: keep the question/answer separator before the comparison when the
        # answer template uses {{FrontSide}} (whose marker is replaced too).
        block = f"<hr id=answer>{block}"
    return TYPE_MARKER.sub(lambda _m: block, without_hr)


# --- the comparison ------------------------------------------------------------------------

def expected_text(expected: str) -> str:
    """The field as it is compared: no sounds, line breaks as spaces, no HTML, trimmed."""
    text = _LINEBREAKS.sub(" ", strip_av_tags(expected))
    return strip_html(text).strip(_WHITE_SPACE)


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in _MARKS


def _span(kind: str, text: str) -> str:
    return f"<span class={kind}>{_escape(text)}</span>"


def _typed_span(kind: str, text: str) -> str:
    # A token starting with a combining mark would join the token before it on screen.
    if text and _is_mark(text[0]):
        text = "\xa0" + text
    return _span(kind, text)


def _longest_match(a: str, b: str, b_index: dict[str, list[int]], alo: int, ahi: int,
                   blo: int, bhi: int) -> tuple[int, int, int]:
    """The longest common run of a[alo:ahi] and b[blo:bhi], earliest in `a` on ties, then
    grown over any equal neighbours (what difflib's `find_longest_match` does without junk).
    """
    best_i, best_j, best_size = alo, blo, 0
    lengths: dict[int, int] = {}
    for i in range(alo, ahi):
        new_lengths: dict[int, int] = {}
        for j in b_index.get(a[i], ()):
            if j < blo:
                continue
            if j >= bhi:
                break
            size = lengths.get(j - 1, 0) + 1
            new_lengths[j] = size
            if size > best_size:
                best_i, best_j, best_size = i + 1 - size, j + 1 - size, size
        lengths = new_lengths
    while best_i > alo and best_j > blo and a[best_i - 1] == b[best_j - 1]:
        best_i, best_j, best_size = best_i - 1, best_j - 1, best_size + 1
    while (best_i + best_size < ahi and best_j + best_size < bhi
           and a[best_i + best_size] == b[best_j + best_size]):
        best_size += 1
    return best_i, best_j, best_size


def _opcodes(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes turning `a` into `b` (equal, delete, insert, replace)."""
    b_index: dict[str, list[int]] = {}
    for j, char in enumerate(b):
        b_index.setdefault(char, []).append(j)
    if len(b) >= 200:
        # Anki's diff (the Rust port of difflib) inverts difflib's "popular element"
        # heuristic on long texts: it indexes ONLY the characters that occur more than
        # 1% of the time; matches still grow over the others. Kept so long answers are
        # marked up exactly as Anki marks them.
        limit = len(b) // 100 + 1
        b_index = {c: js for c, js in b_index.items() if len(js) > limit}
    blocks: list[tuple[int, int, int]] = []
    queue = [(0, len(a), 0, len(b))]
    while queue:
        alo, ahi, blo, bhi = queue.pop()
        i, j, size = _longest_match(a, b, b_index, alo, ahi, blo, bhi)
        if size:
            blocks.append((i, j, size))
            if alo < i and blo < j:
                queue.append((alo, i, blo, j))
            if i + size < ahi and j + size < bhi:
                queue.append((i + size, ahi, j + size, bhi))
    blocks.sort()
    merged: list[tuple[int, int, int]] = []
    for i, j, size in blocks:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        else:
            merged.append((i, j, size))
    merged.append((len(a), len(b), 0))
    codes = []
    i = j = 0
    for ai, bj, size in merged:
        if i < ai and j < bj:
            codes.append(("replace", i, ai, j, bj))
        elif i < ai:
            codes.append(("delete", i, ai, j, bj))
        elif j < bj:
            codes.append(("insert", i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            codes.append(("equal", ai, i, bj, j))
    return codes


def _diff(typed: str, expected: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(kind, text) tokens for the typed line and for the expected line.

    Characters typed but not expected are bad; expected characters not typed are missed,
    and shown as dashes on the typed line where nothing was typed in their place.
    """
    typed_tokens: list[tuple[str, str]] = []
    expected_tokens: list[tuple[str, str]] = []
    for tag, t1, t2, e1, e2 in _opcodes(typed, expected):
        if tag == "equal":
            typed_tokens.append(("typeGood", typed[t1:t2]))
            expected_tokens.append(("typeGood", expected[e1:e2]))
        elif tag == "delete":
            typed_tokens.append(("typeBad", typed[t1:t2]))
        elif tag == "insert":
            typed_tokens.append(("typeMissed", "-" * (e2 - e1)))
            expected_tokens.append(("typeMissed", expected[e1:e2]))
        else:  # replace
            typed_tokens.append(("typeBad", typed[t1:t2]))
            expected_tokens.append(("typeMissed", expected[e1:e2]))
    return typed_tokens, expected_tokens


def _code(inner: str) -> str:
    return f"<code id=typeans>{inner}</code>"


def _two_lines(typed_html: str, expected_html: str) -> str:
    return _code(f"{typed_html}<br><span id=typearrow>&darr;</span><br>{expected_html}")


def compare_answer(expected: str, typed: str, combining: bool = True) -> str:
    """Anki's comparison HTML for `typed` against the field text `expected`.

    Nothing typed shows the expected text alone; a correct answer shows it in one
    `typeGood` span; otherwise the typed line, a down arrow, and the expected line.
    With `combining` False (`{{type:nc:…}}`) accents and other combining marks are
    ignored in comparing but still shown on the expected line.
    """
    stripped = expected_text(expected)
    if not typed:
        return _code(_escape(stripped))
    if combining:
        typed_chars = unicodedata.normalize("NFC", typed)
        expected_chars = unicodedata.normalize("NFC", stripped)
        if typed_chars == expected_chars:
            return _code(_span("typeGood", expected_chars))
        typed_tokens, expected_tokens = _diff(typed_chars, expected_chars)
        return _two_lines("".join(_typed_span(k, t) for k, t in typed_tokens),
                          "".join(_typed_span(k, t) for k, t in expected_tokens))
    typed_bare = "".join(c for c in unicodedata.normalize("NFKD", typed) if not _is_mark(c))
    # Each base character of the expected text with the marks that follow it, so the
    # expected line can show the accents the comparison ignored.
    units: list[str] = []
    for char in unicodedata.normalize("NFKD", stripped):
        if _is_mark(char):
            if units:
                units[-1] += char
        else:
            units.append(char)
    expected_bare = "".join(unit[0] for unit in units)
    if typed_bare == expected_bare:
        return _code(_span("typeGood", stripped))
    typed_tokens, expected_tokens = _diff(typed_bare, expected_bare)
    expected_html = []
    index = 0
    for kind, text in expected_tokens:
        expected_html.append(_span(kind, "".join(units[index:index + len(text)])))
        index += len(text)
    return _two_lines("".join(_typed_span(k, t) for k, t in typed_tokens),
                      "".join(expected_html))
