"""The Days field of a schedule entry: which days a broadcast is on air.

EiBi writes days in about a hundred spellings. :func:`parse_days` maps each to one of five
kinds, keeping the raw text:

``weekly``
    a set of ISO weekdays (1 = Monday): empty (daily), ``daily``, ``Mo``, ``Mo-Fr``,
    ``We-Mo`` (wraps past Sunday), ``Mo,Fr``, ``SaSu``, digits ``1245``; and the mode notes
    ``LSB``, ``USB``, ``harm`` (a harmonic), ``spur`` (a spurious emission), which EiBi puts
    in the Days field of entries that are on air every day.
``monthly-day``
    a day of every month: ``15th``, ``01st``.
``monthly-weekday``
    the n-th weekday of every month: ``1.Sa`` (first Saturday), ``2.Su``; ``Last7`` is the
    last Sunday (7) of the month.
``yearly-date``
    one date of the year: ``24Dec``, ``1Jan``; the entry's validity dates give the year.
``irregular``
    imported but not schedulable, with the reason: ``irr``, ``irrSa``, ``alt``, ``altFr``
    (alternative frequency, not usually in use), ``Ram`` (Ramadan), ``Haj``, ``RSHD``
    (St Helena Day), ``Test``, ``Tests``, ``tent`` (tentative), ``Plans``, Roman-numeral
    months (``IX``: some days of September), and two undocumented forms seen in real files,
    ``Fb1-5`` and ``Sa2``.

Any other spelling is an error (the row is rejected with the spelling in the reason).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import ClassVar, Literal

from monitor.schedules.fields import is_day_of_year

DayKind = Literal["weekly", "monthly-day", "monthly-weekday", "yearly-date", "irregular"]

WEEKDAY_NAMES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
"""EiBi weekday abbreviations, Monday first (ISO weekday = index + 1)."""

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

EVERY_DAY = frozenset(range(1, 8))

MODE_NOTES = {
    "LSB": "lower sideband",
    "USB": "upper sideband",
    "harm": "harmonic of the station's main frequency",
    "spur": "spurious emission",
}
"""Notes that EiBi writes in the Days field of entries on air daily."""

IRREGULAR_WORDS = {
    "irr": "irregular operation",
    "alt": "alternative frequency, not usually in use",
    "Ram": "Ramadan special schedule",
    "Haj": "special broadcast for the Haj",
    "RSHD": "Radio St Helena Day, once a year",
    "Test": "test transmissions",
    "Tests": "test transmissions",
    "tent": "tentative",
    "Plans": "planned, not yet on air",
    "plans": "planned, not yet on air",
    "Fb1-5": "undocumented EiBi days form",
    "Sa2": "undocumented EiBi days form",
}
"""Days words of entries that are imported but not schedulable, with the reason."""

_DAY = "(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_WEEKDAY_PART = re.compile(rf"(?:{_DAY}(?:-{_DAY})?)+")
_WEEKDAY_ITEM = re.compile(rf"({_DAY})(?:-({_DAY}))?")
_DIGITS = re.compile(r"[1-7]+")
_MONTH_DAY = re.compile(r"(0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)")
_NTH_WEEKDAY = re.compile(rf"([1-5])\.({_DAY})")
_LAST_WEEKDAY = re.compile(r"Last([1-7])")
_YEARLY_DATE = re.compile(rf"(\d{{1,2}})({'|'.join(MONTH_NAMES)})")
_IRREGULAR_WITH_DAY = re.compile(rf"(irr|alt)({_DAY})")


@dataclass(frozen=True, slots=True)
class Weekly:
    """On air on a set of ISO weekdays (1 = Monday); all seven for a daily entry."""

    kind: ClassVar[DayKind] = "weekly"
    raw: str
    weekdays: frozenset[int]

    @property
    def daily(self) -> bool:
        """Whether the entry is on air every day."""
        return self.weekdays == EVERY_DAY

    def runs_on(self, day: date) -> bool:
        """Whether a broadcast with these days starts on ``day``."""
        return day.isoweekday() in self.weekdays


@dataclass(frozen=True, slots=True)
class MonthDay:
    """On air on one day of every month (``15th``); months without that day are skipped."""

    kind: ClassVar[DayKind] = "monthly-day"
    raw: str
    day_of_month: int

    def runs_on(self, day: date) -> bool:
        """Whether a broadcast with these days starts on ``day``."""
        return day.day == self.day_of_month


@dataclass(frozen=True, slots=True)
class NthWeekday:
    """On air on the n-th given weekday of every month (``nth = -1``: the last one)."""

    kind: ClassVar[DayKind] = "monthly-weekday"
    raw: str
    nth: int
    weekday: int

    def runs_on(self, day: date) -> bool:
        """Whether a broadcast with these days starts on ``day``."""
        if day.isoweekday() != self.weekday:
            return False
        if self.nth == -1:
            return (day + timedelta(days=7)).month != day.month
        return (day.day - 1) // 7 + 1 == self.nth


@dataclass(frozen=True, slots=True)
class YearlyDate:
    """On air on one date of the year (``24Dec``)."""

    kind: ClassVar[DayKind] = "yearly-date"
    raw: str
    month: int
    day_of_month: int

    def runs_on(self, day: date) -> bool:
        """Whether a broadcast with these days starts on ``day``."""
        return day.month == self.month and day.day == self.day_of_month


@dataclass(frozen=True, slots=True)
class Irregular:
    """Days that do not say when the entry is on air; it is kept but never scheduled."""

    kind: ClassVar[DayKind] = "irregular"
    raw: str
    reason: str

    def runs_on(self, day: date) -> bool:
        """Never: irregular entries have no schedulable days."""
        return False


DaySpec = Weekly | MonthDay | NthWeekday | YearlyDate | Irregular
"""What a Days field means (see the module docstring for the spellings of each kind)."""


@lru_cache(maxsize=1024)
def parse_days(raw: str) -> DaySpec:
    """Parse a Days field (EiBi spelling, also used by the broadcaster formats).

    Parameters
    ----------
    raw
        The field as written; surrounding blanks are ignored, empty means daily.

    Returns
    -------
    DaySpec
        The days, keeping ``raw``.

    Raises
    ------
    ValueError
        For a spelling that is none of the documented forms.

    Examples
    --------
    >>> sorted(parse_days("We-Mo").weekdays)
    [1, 3, 4, 5, 6, 7]
    >>> parse_days("1.Sa")
    NthWeekday(raw='1.Sa', nth=1, weekday=6)
    >>> parse_days("irr").kind
    'irregular'
    """
    text = raw.strip()
    if text in ("", "daily"):
        return Weekly(raw, EVERY_DAY)
    if text in MODE_NOTES:
        return Weekly(raw, EVERY_DAY)
    if text in IRREGULAR_WORDS:
        return Irregular(raw, IRREGULAR_WORDS[text])
    if text in ROMAN_MONTHS:
        month = MONTH_NAMES[ROMAN_MONTHS.index(text)]
        return Irregular(raw, f"some days in {month} (Roman-numeral month)")
    if match := _IRREGULAR_WITH_DAY.fullmatch(text):
        return Irregular(raw, f"{IRREGULAR_WORDS[match.group(1)]} ({match.group(2)})")
    if _DIGITS.fullmatch(text):
        return Weekly(raw, _distinct(raw, [int(digit) for digit in text]))
    if all(_WEEKDAY_PART.fullmatch(part) for part in text.split(",")):
        return Weekly(raw, _weekday_list(raw, text))
    return _monthly_or_yearly(raw, text)


def _monthly_or_yearly(raw: str, text: str) -> DaySpec:
    if match := _MONTH_DAY.fullmatch(text):
        return MonthDay(raw, int(match.group(1)))
    if match := _NTH_WEEKDAY.fullmatch(text):
        return NthWeekday(raw, int(match.group(1)), _weekday(match.group(2)))
    if match := _LAST_WEEKDAY.fullmatch(text):
        return NthWeekday(raw, -1, int(match.group(1)))
    if match := _YEARLY_DATE.fullmatch(text):
        day, month = int(match.group(1)), MONTH_NAMES.index(match.group(2)) + 1
        if not is_day_of_year(day, month):
            raise ValueError(f"days {raw!r} is not a date of the year")
        return YearlyDate(raw, month, day)
    raise ValueError(f"days {raw!r} is not a known EiBi days spelling")


def _weekday(name: str) -> int:
    return WEEKDAY_NAMES.index(name) + 1


def _weekday_list(raw: str, text: str) -> frozenset[int]:
    days: list[int] = []
    for match in _WEEKDAY_ITEM.finditer(text.replace(",", "")):
        first = _weekday(match.group(1))
        if match.group(2) is None:
            days.append(first)
            continue
        last = _weekday(match.group(2))
        if last == first:
            raise ValueError(f"days {raw!r}: range {match.group(0)} starts and ends on one day")
        span = (last - first) % 7
        days.extend((first - 1 + step) % 7 + 1 for step in range(span + 1))
    return _distinct(raw, days)


def _distinct(raw: str, days: list[int]) -> frozenset[int]:
    unique = frozenset(days)
    if len(unique) != len(days):
        raise ValueError(f"days {raw!r} names a day more than once")
    return unique
