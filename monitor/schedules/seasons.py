"""Broadcasting seasons (A = summer, B = winter) and EiBi's DDMM dates within them.

Season A of year Y runs from the last Sunday of March to the last Sunday of October of Y;
season B from there to the last Sunday of March of Y+1. Schedules change over at 0100 UTC on
those Sundays, so the changeover day belongs to both seasons (to the old one until 01:00).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Literal

CHANGEOVER_HOUR_UTC = 1
"""Hour (UTC) of the changeover Sunday at which the new season's schedule starts."""

_CODE = re.compile(r"([AB])(\d{2})", re.IGNORECASE)
_IN_FILE_NAME = re.compile(r"(?<![A-Za-z0-9])([AB])(\d{2})(?![0-9])", re.IGNORECASE)


@lru_cache(maxsize=256)
def last_sunday(year: int, month: int) -> date:
    """The last Sunday of ``month`` in ``year``.

    >>> last_sunday(2026, 3), last_sunday(2026, 10)
    (datetime.date(2026, 3, 29), datetime.date(2026, 10, 25))
    """
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last_day = next_month - timedelta(days=1)
    return last_day - timedelta(days=(last_day.weekday() + 1) % 7)


@dataclass(frozen=True, slots=True, order=True)
class Season:
    """One broadcasting season, e.g. ``A26`` (summer 2026) or ``B26`` (winter 2026/27).

    Attributes
    ----------
    year
        The (four-digit) year the season starts in.
    half
        ``"A"`` for summer, ``"B"`` for winter.
    """

    year: int
    half: Literal["A", "B"]

    @classmethod
    def parse(cls, code: str) -> Season:
        """The season of a code such as ``A26`` or ``b25`` (years 2000-2099).

        Raises
        ------
        ValueError
            When ``code`` is not a letter A or B followed by two digits.
        """
        match = _CODE.fullmatch(code.strip())
        if match is None:
            raise ValueError(f"season {code!r} is not A or B followed by two digits, e.g. A26")
        return cls._of(match)

    @classmethod
    def from_file_name(cls, name: str) -> Season | None:
        """The season named inside a file name (``sked-a26.csv`` is A26), if any.

        >>> Season.from_file_name("eibi-a22-with-bad-row.csv")
        Season(year=2022, half='A')
        >>> Season.from_file_name("schedule.csv") is None
        True
        """
        match = _IN_FILE_NAME.search(name)
        return None if match is None else cls._of(match)

    @classmethod
    def _of(cls, match: re.Match[str]) -> Season:
        half: Literal["A", "B"] = "A" if match.group(1).upper() == "A" else "B"
        return cls(year=2000 + int(match.group(2)), half=half)

    @property
    def code(self) -> str:
        """The EiBi code, e.g. ``A26``."""
        return f"{self.half}{self.year % 100:02d}"

    @property
    def starts_at(self) -> datetime:
        """The UTC instant the season's schedule comes into force."""
        month = 3 if self.half == "A" else 10
        return _changeover(last_sunday(self.year, month))

    @property
    def ends_at(self) -> datetime:
        """The UTC instant the next season's schedule takes over (exclusive end)."""
        if self.half == "A":
            return _changeover(last_sunday(self.year, 10))
        return _changeover(last_sunday(self.year + 1, 3))

    @property
    def first_day(self) -> date:
        """The first (UTC) day with air time of this season: the changeover Sunday."""
        return self.starts_at.date()

    @property
    def last_day(self) -> date:
        """The last (UTC) day with air time of this season (the next changeover Sunday)."""
        return self.ends_at.date()

    def date_of(self, day: int, month: int) -> date:
        """The date of ``day``/``month`` within this season's year(s).

        Season A dates are in its year; season B dates from July on are in its first year and
        the others in the next (B26 runs from October 2026 to March 2027).

        Raises
        ------
        ValueError
            When there is no such day in that month (e.g. 31 April, or 29 February of a common
            year).
        """
        year = self.year if self.half == "A" or month >= 7 else self.year + 1
        return date(year, month, day)


def _changeover(sunday: date) -> datetime:
    return datetime(sunday.year, sunday.month, sunday.day, CHANGEOVER_HOUR_UTC, tzinfo=UTC)
