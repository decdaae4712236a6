"""Seasons A/B: changeover Sundays at 0100 UTC, codes, and DDMM dates inside a season."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.schedules.seasons import Season, last_sunday


def test_a26_and_b26_bounds() -> None:
    a26, b26 = Season.parse("A26"), Season.parse("b26")
    assert a26 == Season(2026, "A")
    assert a26.starts_at == datetime(2026, 3, 29, 1, tzinfo=UTC)
    assert a26.ends_at == datetime(2026, 10, 25, 1, tzinfo=UTC)
    assert b26.starts_at == a26.ends_at
    assert b26.ends_at == datetime(2027, 3, 28, 1, tzinfo=UTC)
    assert (a26.first_day, a26.last_day) == (date(2026, 3, 29), date(2026, 10, 25))
    assert b26.code == "B26"
    assert a26 < b26 < Season.parse("A27")


@pytest.mark.parametrize("code", ["C26", "A2026", "A", "26", ""])
def test_bad_codes(code: str) -> None:
    with pytest.raises(ValueError, match="season"):
        Season.parse(code)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("sked-a26.csv", "A26"),
        ("sked-B25.csv", "B25"),
        ("eibi-a22-with-bad-row.csv", "A22"),
        ("schedule.csv", None),
        ("data2026.csv", None),
    ],
)
def test_season_from_file_name(name: str, code: str | None) -> None:
    season = Season.from_file_name(name)
    assert (season.code if season else None) == code


def test_dates_of_a_winter_season_span_two_years() -> None:
    b26 = Season.parse("B26")
    assert b26.date_of(1, 11) == date(2026, 11, 1)
    assert b26.date_of(28, 2) == date(2027, 2, 28)
    assert Season.parse("A26").date_of(1, 11) == date(2026, 11, 1)
    with pytest.raises(ValueError, match="day"):
        b26.date_of(29, 2)  # 2027 is a common year


@given(st.integers(2000, 2099), st.integers(1, 12))
def test_last_sunday_is_a_sunday_in_the_last_week(year: int, month: int) -> None:
    sunday = last_sunday(year, month)
    assert sunday.isoweekday() == 7
    assert sunday.month == month
    assert (sunday + timedelta(days=7)).month != month


@given(st.integers(2000, 2098))
def test_seasons_tile_the_years(year: int) -> None:
    a, b, next_a = Season(year, "A"), Season(year, "B"), Season(year + 1, "A")
    assert a.ends_at == b.starts_at
    assert b.ends_at == next_a.starts_at
    assert timedelta(days=210) <= a.ends_at - a.starts_at <= timedelta(days=217)
