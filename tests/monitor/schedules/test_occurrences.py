"""Air-time arithmetic: exact examples and properties (midnight, day sets, validity, seasons)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.schedules import Broadcast, ScheduleSource, Season, occurrences, parse_days

OWN = ScheduleSource("csv:test.csv", "test.csv", "csv", None)
A26 = ScheduleSource("eibi:A26", "sked-a26.csv", "eibi", Season.parse("A26"))


def broadcast(
    times: tuple[int, int] = (900, 960),
    days: str = "",
    source: ScheduleSource = OWN,
    **fields: object,
) -> Broadcast:
    """A 7210 kHz broadcast, 1500-1600 daily unless told otherwise."""
    base = Broadcast(
        frequency_hz=7_210_000,
        channel_hz=7_210_000,
        start_minute=times[0],
        end_minute=times[1],
        days=parse_days(days),
        station="Test",
        language="E",
        target="Eu",
        itu=None,
        remarks=None,
        persistence=None,
        valid_from=None,
        valid_to=None,
        last_heard=None,
        inactive=False,
        is_jammer=False,
        source=source,
        line=2,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def at(day: int, hour: int = 0, minute: int = 0, month: int = 6) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def total(intervals: list[tuple[datetime, datetime]]) -> timedelta:
    return sum((off - on for on, off in intervals), timedelta())


def test_monday_2300_0100_runs_into_tuesday() -> None:
    entry = broadcast((23 * 60, 60), "Mo")
    # 1 June 2026 is a Monday
    assert occurrences(entry, at(1), at(15)) == [(at(1, 23), at(2, 1)), (at(8, 23), at(9, 1))]
    assert occurrences(entry, at(2, 0, 30), at(2, 12)) == [(at(2, 0, 30), at(2, 1))]
    assert occurrences(entry, at(2, 1), at(8, 23)) == []


def test_whole_day_and_range_cuts() -> None:
    entry = broadcast((0, 1440))
    assert occurrences(entry, at(1, 12), at(3, 6)) == [
        (at(1, 12), at(2)),
        (at(2), at(3)),
        (at(3), at(3, 6)),
    ]
    assert occurrences(entry, at(1), at(1)) == []


def test_validity_dates_select_start_days() -> None:
    entry = broadcast((23 * 60, 60), valid_from=date(2026, 6, 2), valid_to=date(2026, 6, 3))
    assert occurrences(entry, at(1), at(10)) == [(at(2, 23), at(3, 1)), (at(3, 23), at(4, 1))]


def test_season_changeover_cuts_air_time() -> None:
    entry = broadcast(
        (0, 120), source=A26, valid_from=date(2026, 3, 29), valid_to=date(2026, 10, 25)
    )
    march = occurrences(entry, at(28, month=3), at(31, month=3))
    assert march == [  # the 28th is in season B25; the changeover is at 0100 on the 29th
        (at(29, 1, month=3), at(29, 2, month=3)),
        (at(30, 0, month=3), at(30, 2, month=3)),
    ]
    october = occurrences(entry, at(24, month=10), at(27, month=10))
    assert october == [
        (at(24, 0, month=10), at(24, 2, month=10)),
        (at(25, 0, month=10), at(25, 1, month=10)),
    ]


def test_monthly_and_yearly_days() -> None:
    first_saturday = broadcast((1200, 1260), "1.Sa")
    assert occurrences(first_saturday, at(1), at(1, month=8)) == [
        (at(6, 20), at(6, 21)),
        (at(4, 20, month=7), at(4, 21, month=7)),
    ]
    christmas = broadcast((0, 60), "25Dec")
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
    assert [on.date() for on, _ in occurrences(christmas, start, end)] == [
        date(2026, 12, 25),
        date(2027, 12, 25),
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"inactive": True},
        {"days": "irr"},
        {"start_minute": 900, "end_minute": 900},
        {"source": A26, "persistence": 4},
        {"source": A26, "valid_from": date(2026, 11, 1), "valid_to": date(2027, 2, 28)},
    ],
)
def test_unschedulable_entries_have_no_air_time(fields: dict[str, Any]) -> None:
    entry = broadcast(**fields)
    assert entry.unschedulable is not None
    assert occurrences(entry, at(1), at(30)) == []


def test_bounds_must_be_aware_and_ordered() -> None:
    entry = broadcast()
    with pytest.raises(ValueError, match="no time zone"):
        occurrences(entry, datetime(2026, 6, 1), at(2))
    with pytest.raises(ValueError, match="before start"):
        occurrences(entry, at(2), at(1))
    korea = timezone(timedelta(hours=9))
    local = datetime(2026, 6, 2, 0, 0, tzinfo=korea)  # 1 June 15:00 UTC
    assert occurrences(entry, local, at(2)) == [(at(1, 15), at(1, 16))]


times_of_day = st.tuples(st.integers(0, 1439), st.integers(0, 1440)).filter(
    lambda t: t[0] != t[1] and (t[0], t[1]) != (0, 0)
)
starts = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)


def duration_of(times: tuple[int, int]) -> timedelta:
    return timedelta(minutes=(times[1] - times[0]) % 1440 or 1440)


@given(
    times_of_day,
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    st.integers(0, 40),
)
def test_daily_air_time_over_whole_days(times: tuple[int, int], first: date, days: int) -> None:
    start = datetime.combine(first, datetime.min.time(), UTC)
    intervals = occurrences(broadcast(times), start, start + timedelta(days=days))
    assert total(intervals) == days * duration_of(times)


@given(
    times_of_day,
    st.frozensets(st.integers(1, 7), min_size=1),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    st.integers(0, 6),
)
def test_weekly_air_time_over_whole_weeks(
    times: tuple[int, int], weekdays: frozenset[int], first: date, weeks: int
) -> None:
    digits = "".join(str(day) for day in sorted(weekdays))
    start = datetime.combine(first, datetime.min.time(), UTC)
    intervals = occurrences(broadcast(times, digits), start, start + timedelta(weeks=weeks))
    assert total(intervals) == weeks * len(weekdays) * duration_of(times)
    offset = timedelta(minutes=times[0])
    for on, _ in intervals:
        if on - on.replace(hour=0, minute=0) == offset:  # not the tail of the day before
            assert on.isoweekday() in weekdays


@given(
    times_of_day,
    st.sampled_from(["", "Mo-Fr", "SaSu", "1.Su", "15th", "Last7"]),
    starts,
    st.integers(0, 20_000),
)
def test_intervals_are_ordered_disjoint_and_inside_the_range(
    times: tuple[int, int], days: str, start: datetime, length_min: int
) -> None:
    end = start + timedelta(minutes=length_min)
    intervals = occurrences(broadcast(times, days), start, end)
    for on, off in intervals:
        assert start <= on < off <= end
        assert on.tzinfo is UTC
    for (_, previous_off), (next_on, _) in zip(intervals, intervals[1:], strict=False):
        assert previous_off <= next_on


@given(
    times_of_day,
    st.sampled_from(["", "We-Mo", "2.Sa"]),
    starts,
    st.integers(0, 10_000),
    st.integers(0, 10_000),
)
def test_splitting_the_range_keeps_the_air_time(
    times: tuple[int, int], days: str, start: datetime, first_min: int, second_min: int
) -> None:
    entry = broadcast(times, days, source=A26)
    middle = start + timedelta(minutes=first_min)
    end = middle + timedelta(minutes=second_min)
    whole = total(occurrences(entry, start, end))
    assert whole == total(occurrences(entry, start, middle)) + total(
        occurrences(entry, middle, end)
    )
    season = A26.season
    assert season is not None
    for on, off in occurrences(entry, start, end):
        assert season.starts_at <= on < off <= season.ends_at
