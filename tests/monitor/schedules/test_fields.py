"""Frequencies (exact Hz and raster channel), UTC times of day and DDMM dates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.schedules.fields import (
    channel_of,
    day_month,
    frequency_hz_of_khz,
    minute_of_day,
    time_range,
)


@pytest.mark.parametrize(
    ("khz", "hz"),
    [
        ("7210", 7_210_000),
        ("5952.4", 5_952_400),
        ("16.3", 16_300),
        ("99.99", 99_990),
        ("27185", 27_185_000),
        (Decimal("6000.001"), 6_000_001),
    ],
)
def test_frequencies_are_exact(khz: str | Decimal, hz: int) -> None:
    assert frequency_hz_of_khz(khz) == hz


@pytest.mark.parametrize(
    ("khz", "problem"),
    [
        ("17870b", "not a number"),
        ("1e3", "not a number"),
        ("-7210", "not a number"),
        ("", "not a number"),
        ("7210.0001", "finer than 1 Hz"),
        ("30000.001", "outside"),
        ("2", "outside"),
        (Decimal("NaN"), "not a number"),
    ],
)
def test_bad_frequencies(khz: str | Decimal, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        frequency_hz_of_khz(khz)


@given(st.integers(3_000, 30_000_000))
def test_channel_is_the_nearest_raster_point(frequency_hz: int) -> None:
    channel = channel_of(frequency_hz)
    assert channel % 5000 == 0
    assert abs(channel - frequency_hz) <= 2500
    if abs(channel - frequency_hz) == 2500:
        assert channel > frequency_hz  # half-way rounds up


def test_times() -> None:
    assert minute_of_day("0000", end=False) == 0
    assert minute_of_day("2359", end=False) == 1439
    assert minute_of_day("2400", end=True) == 1440
    assert time_range("2300-0100") == (1380, 60)
    assert time_range("1228-1228") == (748, 748)


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("2400", False),
        ("2401", True),
        ("2360", True),
        ("930", True),
        ("09:30", True),
        ("2500", True),
    ],
)
def test_bad_times(text: str, end: bool) -> None:
    with pytest.raises(ValueError, match="time"):
        minute_of_day(text, end=end)


@pytest.mark.parametrize("text", ["2300", "2300-", "-0100", "2300-0100-0200", "23000100"])
def test_bad_time_ranges(text: str) -> None:
    with pytest.raises(ValueError, match="time"):
        time_range(text)


def test_dates() -> None:
    assert day_month("0401") == (4, 1)
    assert day_month("2902") == (29, 2)
    for text in ("3102", "0013", "0001", "3107f", "28021", "1/12"):
        with pytest.raises(ValueError, match="DDMM"):
            day_month(text)
