"""The Days field: every spelling in the real EiBi files is parsed or deliberately irregular."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.schedules.days import (
    IRREGULAR_WORDS,
    MODE_NOTES,
    WEEKDAY_NAMES,
    Irregular,
    MonthDay,
    NthWeekday,
    Weekly,
    YearlyDate,
    parse_days,
)
from tests.monitor.schedules.conftest import EIBI_FILES

IRREGULAR_IN_REAL_FILES = {
    "irr",
    "irrSa",
    "alt",
    "altFr",
    "altSa",
    "Ram",
    "Test",
    "Tests",
    "tent",
    "Plans",
    "plans",
    "Fb1-5",
    "Sa2",
}
"""The policy: these spellings of the real files are imported but never scheduled."""

MODE_NOTES_IN_REAL_FILES = {"LSB", "USB", "harm", "spur"}
"""The policy: these notes in the Days field mean an entry on air daily."""


def real_days_spellings(folder: Path) -> set[str]:
    """The distinct Days fields of the real EiBi files (the third of 11 fields)."""
    spellings = set()
    for name in EIBI_FILES:
        lines = (folder / name).read_bytes().decode("latin-1").split("\r\n")[1:]
        spellings |= {line.split(";")[2] for line in lines if line}
    return spellings


def test_every_real_spelling_follows_the_policy(shared_schedules: Path) -> None:
    spellings = real_days_spellings(shared_schedules)
    assert len(spellings) > 100  # the README measured about a hundred
    parsed = {raw: parse_days(raw) for raw in spellings}
    irregular = {raw for raw, days in parsed.items() if isinstance(days, Irregular)}
    assert irregular == IRREGULAR_IN_REAL_FILES
    assert spellings >= MODE_NOTES_IN_REAL_FILES
    for raw in MODE_NOTES_IN_REAL_FILES:
        days = parsed[raw]
        assert isinstance(days, Weekly)
        assert days.daily
    kinds = {days.kind for days in parsed.values()}
    assert kinds == {"weekly", "monthly-day", "monthly-weekday", "yearly-date", "irregular"}
    assert all(days.raw == raw for raw, days in parsed.items())


def test_the_policy_words_are_the_documented_ones() -> None:
    assert IRREGULAR_IN_REAL_FILES - {"irrSa", "altFr", "altSa"} <= set(IRREGULAR_WORDS)
    assert set(MODE_NOTES) == MODE_NOTES_IN_REAL_FILES
    for raw in ("Haj", "RSHD", "IX", "XII", "I"):
        assert parse_days(raw).kind == "irregular"


@pytest.mark.parametrize(
    ("raw", "weekdays"),
    [
        ("", {1, 2, 3, 4, 5, 6, 7}),
        ("daily", {1, 2, 3, 4, 5, 6, 7}),
        ("Mo", {1}),
        ("Mo-Fr", {1, 2, 3, 4, 5}),
        ("We-Mo", {3, 4, 5, 6, 7, 1}),
        ("Sa-Th", {6, 7, 1, 2, 3, 4}),
        ("Fr-Mo", {5, 6, 7, 1}),
        ("Mo,Fr", {1, 5}),
        ("Tu,Th", {2, 4}),
        ("SaSu", {6, 7}),
        ("Sa,Su", {6, 7}),
        ("1245", {1, 2, 4, 5}),
        ("4", {4}),
        ("135", {1, 3, 5}),
        ("Mo-We,Sa", {1, 2, 3, 6}),
    ],
)
def test_weekly_spellings(raw: str, weekdays: set[int]) -> None:
    days = parse_days(raw)
    assert isinstance(days, Weekly)
    assert days.weekdays == weekdays


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15th", MonthDay("15th", 15)),
        ("01st", MonthDay("01st", 1)),
        ("22nd", MonthDay("22nd", 22)),
        ("1.Sa", NthWeekday("1.Sa", 1, 6)),
        ("2.Su", NthWeekday("2.Su", 2, 7)),
        ("Last7", NthWeekday("Last7", -1, 7)),
        ("24Dec", YearlyDate("24Dec", 12, 24)),
        ("1Jan", YearlyDate("1Jan", 1, 1)),
        ("29Feb", YearlyDate("29Feb", 2, 29)),
    ],
)
def test_dated_spellings(raw: str, expected: object) -> None:
    assert parse_days(raw) == expected


@pytest.mark.parametrize(
    "raw", ["Xy", "8", "1135", "Mo,Mo", "Mo-Mo", "Mo,,Fr", "Mo-", "31Apr", "32nd", "6.Sa", "mo"]
)
def test_unknown_spellings_are_errors(raw: str) -> None:
    with pytest.raises(ValueError, match="days"):
        parse_days(raw)


def test_runs_on_for_each_kind() -> None:
    june = [date(2026, 6, 1) + timedelta(days=n) for n in range(30)]  # 1 June 2026: a Monday
    assert [d.day for d in june if parse_days("Mo,Fr").runs_on(d)] == [
        1,
        5,
        8,
        12,
        15,
        19,
        22,
        26,
        29,
    ]
    assert [d.day for d in june if parse_days("1.Sa").runs_on(d)] == [6]
    assert [d.day for d in june if parse_days("2.Su").runs_on(d)] == [14]
    assert [d.day for d in june if parse_days("Last7").runs_on(d)] == [28]
    assert [d.day for d in june if parse_days("15th").runs_on(d)] == [15]
    assert [d.day for d in june if parse_days("irr").runs_on(d)] == []
    assert parse_days("24Dec").runs_on(date(2031, 12, 24))
    assert not parse_days("24Dec").runs_on(date(2031, 12, 25))


weekday_sets = st.frozensets(st.integers(1, 7), min_size=1)


@given(weekday_sets)
def test_digits_and_names_round_trip(weekdays: frozenset[int]) -> None:
    digits = "".join(str(day) for day in sorted(weekdays))
    names = ",".join(WEEKDAY_NAMES[day - 1] for day in sorted(weekdays))
    assert parse_days(digits) == Weekly(digits, weekdays)
    assert parse_days(names) == Weekly(names, weekdays)


@given(st.integers(1, 7), st.integers(1, 6))
def test_ranges_wrap_past_sunday(first: int, span: int) -> None:
    last = (first - 1 + span) % 7 + 1
    raw = f"{WEEKDAY_NAMES[first - 1]}-{WEEKDAY_NAMES[last - 1]}"
    days = parse_days(raw)
    assert isinstance(days, Weekly)
    assert len(days.weekdays) == span + 1
    assert first in days.weekdays
    assert last in days.weekdays


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_last_weekday_is_the_last_of_its_month(day: date) -> None:
    spec = parse_days(f"Last{day.isoweekday()}")
    is_last = (day + timedelta(days=7)).month != day.month
    assert spec.runs_on(day) == is_last
    nth = (day.day - 1) // 7 + 1
    assert parse_days(f"{nth}.{WEEKDAY_NAMES[day.weekday()]}").runs_on(day)
