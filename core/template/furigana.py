"""The `furigana:`, `kana:` and `kanji:` filters for `漢字[かんじ]` readings.

A reading is `[...]` after a run of characters that are neither a space nor `>`; one space
before the run is swallowed, `&nbsp;` counts as a space, and `[sound:…]` is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_READING = re.compile(r" ?([^ >]+?)\[(.+?)\]")


def _replace(text: str, render: Callable[[str, str], str]) -> str:
    def one(match: re.Match[str]) -> str:
        base, reading = match.group(1), match.group(2)
        if reading.startswith("sound:"):
            return match.group(0)
        return render(base, reading)

    return _READING.sub(one, text.replace("&nbsp;", " "))


def furigana(text: str) -> str:
    """Readings as ruby annotations above their base text."""
    return _replace(text, lambda base, reading: f"<ruby><rb>{base}</rb><rt>{reading}</rt></ruby>")


def kana(text: str) -> str:
    """Only the readings."""
    return _replace(text, lambda base, reading: reading)


def kanji(text: str) -> str:
    """Only the base text."""
    return _replace(text, lambda base, reading: base)
