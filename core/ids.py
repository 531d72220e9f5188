"""Ids and guids the way Anki makes them, so our objects travel between the two apps.

Ids are epoch milliseconds, bumped until free; guids are 64 random bits written in
Anki's base-91 alphabet.
"""

from __future__ import annotations

import random
import sqlite3
import string
import time

GUID_ALPHABET = (string.ascii_lowercase + string.ascii_uppercase + string.digits
                 + "!#$%&()*+,-./:;<=>?@[]^_`{|}~")
assert len(GUID_ALPHABET) == 91

_last_issued: dict[str, int] = {}


def intTime(scale: int = 1) -> int:  # noqa: N802 - the name Anki add-on authors know
    """Current epoch time in seconds (or in 1/scale fractions, e.g. 1000 for ms)."""
    return int(time.time() * scale)


def next_id(db: sqlite3.Connection, table: str) -> int:
    """A fresh id for `table`: now in epoch ms, bumped past any taken or recently issued id."""
    candidate = max(intTime(1000), _last_issued.get(table, 0) + 1)
    while db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (candidate,)).fetchone():
        candidate += 1
    _last_issued[table] = candidate
    return candidate


def base91(value: int) -> str:
    """Encode a non-negative integer in Anki's guid alphabet."""
    digits = []
    while True:
        value, rem = divmod(value, 91)
        digits.append(GUID_ALPHABET[rem])
        if value == 0:
            break
    return "".join(reversed(digits))


def new_guid() -> str:
    """A new note guid: 64 random bits in base 91 (e.g. 'H5D4hwtYBD')."""
    return base91(random.getrandbits(64))
