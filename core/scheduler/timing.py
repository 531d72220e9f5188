"""Scheduler days: which day it is for the collection and when the next one starts (§1.2).

A collection counts days from its creation (`crt`); a day starts at the "next day starts at"
hour (config `rollover`, default 4) in the local time zone. Everything here takes the moment
(`now`, epoch seconds) and the time zone as arguments, so tests can put the clock anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from repetend.core.scheduler.steps import DAY_SECS

__all__ = ["SchedTiming", "local_minutes_west", "sched_timing"]

DEFAULT_ROLLOVER = 4


@dataclass(frozen=True)
class SchedTiming:
    """`today` is the scheduler day number (days since the collection was created)."""

    now: int
    today: int
    next_day_at: int

    @property
    def secs_until_rollover(self) -> int:
        return max(0, self.next_day_at - self.now)


def _aware(stamp: int, tz: tzinfo | None) -> datetime:
    """`stamp` in `tz` (None = the system's local zone)."""
    if tz is None:
        return datetime.fromtimestamp(stamp).astimezone()
    return datetime.fromtimestamp(stamp, tz)


def local_minutes_west(stamp: int, tz: tzinfo | None = None) -> int:
    """The zone's offset at `stamp`, in minutes west of UTC (Anki's sign convention)."""
    offset = _aware(stamp, tz).utcoffset() or timedelta(0)
    return -int(offset.total_seconds() // 60)


def _fixed(minutes_west: int) -> timezone:
    return timezone(timedelta(minutes=-minutes_west))


def _clamp_hour(rollover: int) -> int:
    return min(max(int(rollover), 0), 23)


def sched_timing(crt: int, now: int, rollover: int | None = DEFAULT_ROLLOVER,
                 creation_offset: int | None = None, tz: tzinfo | None = None) -> SchedTiming:
    """Day number and next cutoff at `now` for a collection created at `crt`.

    Modern collections have both `rollover` and `creation_offset` (minutes west of UTC when
    the collection was created): the day number is the number of local calendar days since
    the creation date, less one before today's rollover hour. As in Anki, today's cutoff is
    placed with the zone's offset *at `now`* (so a DST change moves it by that day only).
    Older collections without a creation offset count whole 86,400-second days from `crt`.
    """
    if rollover is None:
        # v1 collections: days from the creation stamp itself.
        days = max(0, (now - crt) // DAY_SECS)
        return SchedTiming(now, days, crt + (days + 1) * DAY_SECS)
    hour = _clamp_hour(rollover)
    if creation_offset is None:
        # Legacy v2: days of 86,400 s counted from the creation day's rollover hour.
        start = _aware(crt, tz).replace(hour=hour, minute=0, second=0, microsecond=0)
        start_stamp = int(start.timestamp())
        days = max(0, (now - start_stamp) // DAY_SECS)
        return SchedTiming(now, days, start_stamp + (days + 1) * DAY_SECS)
    local_now = datetime.fromtimestamp(now, _fixed(local_minutes_west(now, tz)))
    rollover_today = local_now.replace(hour=hour, minute=0, second=0, microsecond=0)
    passed = int(rollover_today.timestamp()) <= now
    next_day = rollover_today + timedelta(days=1) if passed else rollover_today
    created = datetime.fromtimestamp(crt, _fixed(creation_offset)).date()
    days = (local_now.date() - created).days - (0 if passed else 1)
    return SchedTiming(now, max(days, 0), int(next_day.timestamp()))
