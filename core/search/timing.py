"""Today's scheduler day and the next day cutoff, for the date-relative search terms.

Uses `repetend.core.scheduler.timing` (ANKI-FACTS §1.2) when it is available. The fallback
below is a private copy of the same rule so that search works on its own: the day number is
the count of local calendar days since the creation date (in the creation offset), one less
before today's rollover hour; the cutoff is the next rollover.
"""

from __future__ import annotations

import json
import weakref
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from repetend.core.collection import Collection

DAY_SECS = 86_400
DEFAULT_ROLLOVER = 4
DEFAULT_LEARN_AHEAD_SECS = 1200


class Today(NamedTuple):
    now: int
    today: int
    next_day_at: int
    learn_ahead_secs: int


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# Per open collection: (now, changes made through its connection, changes made by others)
# and the answer, so repeated searches within a second skip reading the config again.
_cache: weakref.WeakKeyDictionary[Collection, tuple[tuple[int, int, int], Today]] = \
    weakref.WeakKeyDictionary()


def today(col: Collection, now: int) -> Today:
    key = (now, col.db.total_changes, col.db.execute("PRAGMA data_version").fetchone()[0])
    cached = _cache.get(col)
    if cached is not None and cached[0] == key:
        return cached[1]
    result = _today(col, now)
    _cache[col] = (key, result)
    return result


def _today(col: Collection, now: int) -> Today:
    config = {}
    for key, value in col.db.execute(
            "SELECT key, value FROM config WHERE key IN "
            "('rollover', 'creationOffset', 'collapseTime')"):
        try:
            config[key] = json.loads(value)
        except ValueError:
            pass
    rollover = _int(config.get("rollover", DEFAULT_ROLLOVER))
    rollover = DEFAULT_ROLLOVER if rollover is None else rollover
    offset = _int(config.get("creationOffset"))
    learn_ahead = _int(config.get("collapseTime", DEFAULT_LEARN_AHEAD_SECS))
    learn_ahead = learn_ahead if learn_ahead is not None and learn_ahead >= 0 \
        else DEFAULT_LEARN_AHEAD_SECS
    try:
        from repetend.core.scheduler.timing import sched_timing
    except ImportError:  # pragma: no cover - the scheduler's module is optional here
        day, cutoff = _fallback(col.crt, now, rollover, offset)
    else:
        timing = sched_timing(col.crt, now, rollover, offset)
        day, cutoff = timing.today, timing.next_day_at
    return Today(now, day, cutoff, learn_ahead)


def _fallback(crt: int, now: int, rollover: int, creation_offset: int | None) -> tuple[int, int]:
    hour = min(max(rollover, 0), 23)
    if creation_offset is None:
        start = datetime.fromtimestamp(crt).astimezone().replace(
            hour=hour, minute=0, second=0, microsecond=0)
        start_stamp = int(start.timestamp())
        days = max(0, (now - start_stamp) // DAY_SECS)
        return days, start_stamp + (days + 1) * DAY_SECS
    local_now = datetime.fromtimestamp(now).astimezone()
    rollover_today = local_now.replace(hour=hour, minute=0, second=0, microsecond=0)
    passed = int(rollover_today.timestamp()) <= now
    next_day = rollover_today + timedelta(days=1) if passed else rollover_today
    created = datetime.fromtimestamp(crt, timezone(timedelta(minutes=-creation_offset))).date()
    days = (local_now.date() - created).days - (0 if passed else 1)
    return max(days, 0), int(next_day.timestamp())
