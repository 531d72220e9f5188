"""Day numbers and the day cutoff (ANKI-FACTS §1.2), at controlled moments and time zones."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from repetend.core.scheduler.timing import local_minutes_west, sched_timing

CRT = int(datetime(2024, 1, 1, 4, tzinfo=UTC).timestamp())


def at(*args, tz=UTC) -> int:
    return int(datetime(*args, tzinfo=tz).timestamp())


def test_day_starts_at_the_rollover_hour():
    before = sched_timing(CRT, at(2024, 1, 11, 3, 59, 59), rollover=4, creation_offset=0, tz=UTC)
    after = sched_timing(CRT, at(2024, 1, 11, 4, 0, 0), rollover=4, creation_offset=0, tz=UTC)
    assert before.today == 9
    assert after.today == 10
    assert before.next_day_at == at(2024, 1, 11, 4)
    assert before.secs_until_rollover == 1
    assert after.next_day_at == at(2024, 1, 12, 4)
    assert after.secs_until_rollover == 86400


def test_creation_day_is_day_zero_and_never_negative():
    assert sched_timing(CRT, CRT, 4, 0, UTC).today == 0
    # Before the collection's first rollover (clock set back) the day stays 0.
    assert sched_timing(CRT, CRT - 3 * 86400, 4, 0, UTC).today == 0


def test_rollover_hour_zero_and_late_hours():
    assert sched_timing(CRT, at(2024, 1, 2, 0, 0), 0, 0, UTC).today == 1
    assert sched_timing(CRT, at(2024, 1, 2, 22, 59), 23, 0, UTC).today == 0
    timing = sched_timing(CRT, at(2024, 1, 2, 23, 0), 23, 0, UTC)
    assert (timing.today, timing.next_day_at) == (1, at(2024, 1, 3, 23))


def test_local_time_zone_decides_the_cutoff():
    tokyo = timezone(timedelta(hours=9))
    now = at(2024, 1, 11, 3, 30, tz=tokyo)  # 18:30 UTC the day before
    timing = sched_timing(CRT, now, 4, creation_offset=-540, tz=tokyo)
    assert timing.next_day_at == at(2024, 1, 11, 4, tz=tokyo)
    assert timing.secs_until_rollover == 30 * 60
    assert local_minutes_west(now, tokyo) == -540
    assert local_minutes_west(now, timezone(timedelta(hours=-5))) == 300


def test_creation_offset_places_the_creation_date():
    # Created 2024-01-01 04:00 UTC = 2023-12-31 23:00 in New York (offset 300 west).
    ny = timezone(timedelta(hours=-5))
    now = at(2024, 1, 1, 12, tz=ny)
    assert sched_timing(CRT, now, 4, creation_offset=300, tz=ny).today == 1
    assert sched_timing(CRT, now, 4, creation_offset=0, tz=ny).today == 0


def test_daylight_saving_day_uses_the_offset_of_now():
    berlin = ZoneInfo("Europe/Berlin")
    crt = at(2024, 3, 1, 4, tz=berlin)
    # 31 March 2024: clocks go from 02:00 to 03:00; 04:00 local is still the cutoff.
    before = sched_timing(crt, at(2024, 3, 31, 3, 59, tz=berlin), 4, -60, berlin)
    after = sched_timing(crt, at(2024, 3, 31, 4, 0, tz=berlin), 4, -60, berlin)
    assert after.today == before.today + 1
    assert before.secs_until_rollover == 60


def test_legacy_collections_count_whole_days():
    timing = sched_timing(CRT, CRT + 3 * 86400 + 5, rollover=4, creation_offset=None, tz=UTC)
    assert timing.today == 3
    assert timing.next_day_at == CRT + 4 * 86400
    v1 = sched_timing(CRT + 3600, CRT + 3600 + 86400 * 2 + 1, rollover=None)
    assert (v1.today, v1.next_day_at) == (2, CRT + 3600 + 3 * 86400)


@pytest.mark.parametrize("hour", [0, 4, 12, 23])
def test_secs_until_rollover_is_never_zero_or_more_than_a_day(hour):
    for minute in (0, 1, 59):
        now = at(2024, 2, 1, hour, minute)
        timing = sched_timing(CRT, now, 4, 0, UTC)
        assert 0 < timing.secs_until_rollover <= 86400


def test_scheduler_uses_the_collection_settings(col):
    col.db.execute("UPDATE col SET crt = ?", (CRT,))
    col.set_config("rollover", 6)
    col.set_config("creationOffset", 0)
    col.sched.tz = UTC
    col.sched.set_now(at(2024, 1, 3, 5, 59))
    assert col.sched.timing().today == 1
    col.sched.set_now(at(2024, 1, 3, 6, 0))
    assert col.sched.timing().today == 2
    col.set_config("rollover", 4)
    assert col.sched.timing().next_day_at == at(2024, 1, 4, 4)
