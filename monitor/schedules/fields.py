"""Field parsers shared by the schedule formats: frequency, UTC times of day, DDMM dates.

Each raises :class:`ValueError` with a message that quotes the bad text; the format parsers
turn that into the rejection reason of the row.
"""

from __future__ import annotations

import re
from decimal import Decimal

from dsp.vocabulary import CHANNEL_RASTER_HZ

MIN_FREQUENCY_HZ = 3_000
"""Lowest accepted frequency (VLF time signals and navy stations are listed from 16 kHz)."""

MAX_FREQUENCY_HZ = 30_000_000
"""Highest accepted frequency: the top of HF."""

MINUTES_PER_DAY = 24 * 60

_KHZ = re.compile(r"\d+(?:\.\d+)?")
_HHMM = re.compile(r"(\d{2})(\d{2})")
_DDMM = re.compile(r"(\d{2})(\d{2})")


def frequency_hz_of_khz(khz: Decimal | str) -> int:
    """The exact frequency in Hz of a frequency in kHz (decimal point allowed).

    Raises
    ------
    ValueError
        For text that is not a plain decimal number, finer than 1 Hz, or outside
        3 kHz-30 MHz.

    Examples
    --------
    >>> frequency_hz_of_khz("5952.4")
    5952400
    """
    if isinstance(khz, str):
        if not _KHZ.fullmatch(khz):
            raise ValueError(f"frequency {khz!r} is not a number of kHz")
        khz = Decimal(khz)
    if not khz.is_finite():
        raise ValueError(f"frequency {khz} kHz is not a number")
    hz = khz * 1000
    if hz != hz.to_integral_value():
        raise ValueError(f"frequency {khz} kHz is given finer than 1 Hz")
    if not MIN_FREQUENCY_HZ <= hz <= MAX_FREQUENCY_HZ:
        raise ValueError(f"frequency {khz} kHz is outside 3 kHz - 30 MHz")
    return int(hz)


def channel_of(frequency_hz: int) -> int:
    """The nearest 5 kHz raster channel (a frequency half-way between rounds up).

    >>> channel_of(5952400), channel_of(7212500), channel_of(16300)
    (5950000, 7215000, 15000)
    """
    half = CHANNEL_RASTER_HZ // 2
    return (frequency_hz + half) // CHANNEL_RASTER_HZ * CHANNEL_RASTER_HZ


def minute_of_day(hhmm: str, *, end: bool) -> int:
    """The minute of the UTC day of a ``HHMM`` time; ``2400`` only as an end (1440).

    Raises
    ------
    ValueError
        For anything but four digits of a valid time.
    """
    match = _HHMM.fullmatch(hhmm)
    if match is None:
        raise ValueError(f"time {hhmm!r} is not HHMM")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if (hours, minutes) == (24, 0) and end:
        return MINUTES_PER_DAY
    if hours > 23 or minutes > 59:
        raise ValueError(f"time {hhmm!r} is not a time of day" + ("" if end else " (start)"))
    return hours * 60 + minutes


def time_range(text: str) -> tuple[int, int]:
    """Start and end minute of a ``HHMM-HHMM`` range (the end may be earlier: past midnight).

    >>> time_range("2300-0100"), time_range("0000-2400")
    ((1380, 60), (0, 1440))
    """
    start, dash, end = text.partition("-")
    if not dash:
        raise ValueError(f"time {text!r} is not HHMM-HHMM")
    return minute_of_day(start, end=False), minute_of_day(end, end=True)


def day_month(ddmm: str) -> tuple[int, int]:
    """Day and month of a ``DDMM`` date (``0401`` is 4 January); the year comes later.

    Raises
    ------
    ValueError
        When the text is not four digits or names no day of the year (``3102``).
    """
    match = _DDMM.fullmatch(ddmm)
    day, month = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if not is_day_of_year(day, month):
        raise ValueError(f"date {ddmm!r} is not DDMM")
    return day, month


def is_day_of_year(day: int, month: int) -> bool:
    """Whether ``day``/``month`` is a date in some year (29 February counts).

    >>> is_day_of_year(29, 2), is_day_of_year(31, 4)
    (True, False)
    """
    return 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]


_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
