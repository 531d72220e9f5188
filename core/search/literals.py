"""What a regular expression says about plain substrings, so SQLite can do most of the work.

- `required_ascii_run`: an ASCII literal every match contains, for a LIKE prefilter that
  lets SQLite skip rows before the Python regex runs.
- `finite_alternatives`: when a pattern (searched, not anchored) matches exactly the texts
  containing one of a few literals (`colou?r`, `(cat|dog)s`), those literals; the search then
  becomes LIKE tests alone.

Both work on Python patterns as `regex.translate` produces them and never change a result:
when in doubt they give up (None).
"""

from __future__ import annotations

import re
from typing import Any

try:
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python's internal modules moved
    _parser = None
    _c = None

MAX_ALTERNATIVES = 16
MAX_REPEAT = 3


def _parse(pattern: str) -> Any:
    if _parser is None:
        return None
    try:
        return _parser.parse(pattern)
    except Exception:
        return None


def required_ascii_run(pattern: str, minimum: int = 2) -> str | None:
    """The longest ASCII literal every match of `pattern` contains (None if none long enough)."""
    parsed = _parse(pattern)
    if parsed is None:
        return None
    runs: list[str] = []

    def walk(items: Any) -> None:
        current: list[str] = []
        for op, arg in items:
            if op is _c.LITERAL:
                current.append(chr(arg))
                continue
            if current:
                runs.append("".join(current))
                current = []
            if op is _c.SUBPATTERN:
                walk(arg[-1])
        if current:
            runs.append("".join(current))

    walk(parsed)
    best = ""
    for run in runs:
        for piece in re.findall(r"[\x01-\x7f]+", run):
            if len(piece) > len(best):
                best = piece
    return best if len(best) >= minimum else None


class _GiveUp(Exception):
    pass


def finite_alternatives(pattern: str) -> list[str] | None:
    """Literals L such that `re.search(pattern, t)` iff some l in L is a substring of t,
    with letters compared ignoring ASCII case (as SQL LIKE does); None if no such short list.

    Case matters: a cased letter is only allowed where the pattern ignores case, or where
    both its cases are alternatives; non-ASCII letters are refused (LIKE would compare them
    case-sensitively).
    """
    parsed = _parse(pattern)
    if parsed is None:
        return None
    ignore_case = bool(parsed.state.flags & re.IGNORECASE)
    try:
        found = _sequence(list(parsed), ignore_case)
    except _GiveUp:
        return None
    folded = sorted({s.lower() for s in found})
    return folded


def _sequence(items: list[Any], icase: bool) -> set[str]:
    result = {""}
    for op, arg in items:
        options = _item(op, arg, icase)
        result = {a + b for a in result for b in options}
        if len(result) > MAX_ALTERNATIVES:
            raise _GiveUp
    return result


def _check_char(ch: str, icase: bool) -> None:
    if ch.lower() == ch.upper():
        if not ch.isascii() and not ch.isprintable():
            raise _GiveUp
        return
    if not ch.isascii() or not icase:
        raise _GiveUp


def _item(op: Any, arg: Any, icase: bool) -> set[str]:
    if op is _c.LITERAL:
        ch = chr(arg)
        _check_char(ch, icase)
        return {ch}
    if op is _c.IN:
        chars: set[str] = set()
        for kind, value in arg:
            if kind is _c.LITERAL:
                chars.add(chr(value))
            elif kind is _c.RANGE and value[1] - value[0] < 8:
                chars.update(chr(v) for v in range(value[0], value[1] + 1))
            else:
                raise _GiveUp
        for ch in chars:
            if ch.lower() != ch.upper() and not icase:
                # Case-sensitive here: fine only if both ASCII cases are listed.
                if not ch.isascii() or {ch.lower(), ch.upper()} - chars:
                    raise _GiveUp
            else:
                _check_char(ch, icase)
        return chars
    if op is _c.SUBPATTERN:
        _group, add, remove, items = arg
        inner = icase
        if add & re.IGNORECASE:
            inner = True
        if remove & re.IGNORECASE:
            inner = False
        return _sequence(list(items), inner)
    if op is _c.BRANCH:
        out: set[str] = set()
        for alternative in arg[1]:
            out |= _sequence(list(alternative), icase)
            if len(out) > MAX_ALTERNATIVES:
                raise _GiveUp
        return out
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, high, items = arg
        if high > MAX_REPEAT:
            raise _GiveUp
        one = _sequence(list(items), icase)
        out = set()
        for count in range(low, high + 1):
            combos = {""}
            for _ in range(count):
                combos = {a + b for a in combos for b in one}
                if len(combos) > MAX_ALTERNATIVES:
                    raise _GiveUp
            out |= combos
        return out
    raise _GiveUp
