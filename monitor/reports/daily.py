"""Daily jamming of a channel or a band: hours, duty cycle, when it starts and stops, odd days.

Pure computation over three bounded query results (see :mod:`monitor.reports.daily_query`):
the ``channel_days`` roll-up (seconds observed, judged and jammed per receiver, channel and
day), the extent of jammed time per receiver, channel and start day, and counts of observed
jamming onsets and ends per hour.

Definitions, per receiver and per series (one channel, or all channels of a band added up in
channel-hours):

* *observed* is time with a segment (any state), *judged* the part in ``empty``, ``signal`` or
  ``jammed``, *unknown* the rest of observed; *unobserved* is what no segment covers;
* *duty cycle* is ``jammed / judged``, null when nothing was judged: unobserved or unknown time
  is never counted as not jammed;
* *first* and *last jammed* are the first and last moments of the day seen jammed;
* an *onset* is a jammed segment that starts where an ``empty`` or ``signal`` segment ends (the
  start was seen), an *end* one that ends where such a segment starts; a jammed segment after
  a gap in coverage or an ``unknown`` one is neither, since its real start was not seen;
* a day *stands out* (:class:`StandoutRule`) when it was judged long enough and its duty cycle
  is zero (``no_jamming``) or below a fraction of the median duty cycle of the series' judged
  days (``far_less``), given enough judged days and a median above zero.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

Standout = Literal["no_jamming", "far_less"]
"""Why a day stands out."""

TransitionKind = Literal["onset", "end"]

HOURS_PER_DAY = 24


@dataclass(frozen=True, slots=True)
class ChannelDayTotals:
    """Seconds of one channel at one receiver on one UTC day (a ``channel_days`` row)."""

    receiver: str
    frequency_hz: int
    day: date
    observed_s: float
    judged_s: float
    jammed_s: float


@dataclass(frozen=True, slots=True)
class JammedExtent:
    """Jammed segments of one channel at one receiver that start on ``day``.

    Attributes
    ----------
    first_start
        The earliest start.
    last_end
        The latest end (may be on a later day).
    """

    receiver: str
    frequency_hz: int
    day: date
    first_start: datetime
    last_end: datetime


@dataclass(frozen=True, slots=True)
class TransitionCount:
    """How many observed jamming onsets (or ends) one channel had in one hour of one day."""

    receiver: str
    frequency_hz: int
    day: date
    hour: int
    kind: TransitionKind
    count: int


@dataclass(frozen=True, slots=True)
class StandoutRule:
    """When a day stands out from the other days of its series.

    Attributes
    ----------
    min_judged_h
        A day with less judged time (channel-hours for a band) is not assessed at all.
    far_less_fraction
        A day whose duty cycle is below this fraction of the median stands out as ``far_less``.
    min_days
        No day stands out unless at least this many days were assessed.
    """

    min_judged_h: float = 1.0
    far_less_fraction: float = 0.25
    min_days: int = 5

    def __post_init__(self) -> None:
        if self.min_judged_h < 0:
            raise ValueError(f"min_judged_h={self.min_judged_h} must not be negative")
        if not 0 < self.far_less_fraction < 1:
            raise ValueError(f"far_less_fraction={self.far_less_fraction} must lie in (0, 1)")
        if self.min_days < 1:
            raise ValueError(f"min_days={self.min_days} must be at least 1")


@dataclass(frozen=True, slots=True)
class DayJamming:
    """One UTC day of a series, in hours (channel-hours for a band)."""

    day: date
    observed_h: float
    judged_h: float
    unknown_h: float
    unobserved_h: float
    jammed_h: float
    duty_cycle: float | None
    first_jammed_at: datetime | None
    last_jammed_at: datetime | None
    onsets: int
    ends: int
    standout: Standout | None = None


@dataclass(frozen=True, slots=True)
class JammingSeries:
    """The days of one channel (or band) at one receiver, and its daily rhythm.

    Attributes
    ----------
    scope
        ``"channel"`` or ``"band"``.
    name
        The channel frequency in Hz as text, or the band name.
    channels
        Channels with data in the range that the figures add up.
    median_duty_cycle
        Median duty cycle of the assessed days (None: fewer than the rule's ``min_days``).
    onset_hours, end_hours
        Observed onsets and ends per hour of the day (24 counts).
    """

    receiver: str
    scope: Literal["channel", "band"]
    name: str
    channels: int
    days: tuple[DayJamming, ...]
    median_duty_cycle: float | None
    onset_hours: tuple[int, ...] = field(default=(0,) * HOURS_PER_DAY)
    end_hours: tuple[int, ...] = field(default=(0,) * HOURS_PER_DAY)

    @property
    def modal_onset_hour(self) -> int | None:
        """The hour of the day with the most observed onsets (earliest on a tie)."""
        return _mode(self.onset_hours)

    @property
    def modal_end_hour(self) -> int | None:
        """The hour of the day with the most observed ends (earliest on a tie)."""
        return _mode(self.end_hours)

    @property
    def standouts(self) -> list[DayJamming]:
        """The days that stand out, in order."""
        return [day for day in self.days if day.standout is not None]


def _mode(counts: Sequence[int]) -> int | None:
    best = max(counts)
    return counts.index(best) if best > 0 else None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def day_extents(
    extents: Iterable[JammedExtent], days: Sequence[date]
) -> dict[tuple[str, int, date], tuple[datetime, datetime]]:
    """First and last jammed moment of each receiver, channel and day in ``days``.

    Parameters
    ----------
    extents
        Per start day; a jammed segment under way when ``days`` begins is given with the first
        day as its ``day`` (its start before that day is then ignored).
    days
        Consecutive dates in order.
    """
    by_pair: dict[tuple[str, int], dict[date, JammedExtent]] = defaultdict(dict)
    for extent in extents:
        known = by_pair[(extent.receiver, extent.frequency_hz)].get(extent.day)
        if known is not None:
            extent = JammedExtent(
                extent.receiver,
                extent.frequency_hz,
                extent.day,
                min(known.first_start, extent.first_start),
                max(known.last_end, extent.last_end),
            )
        by_pair[(extent.receiver, extent.frequency_hz)][extent.day] = extent
    found: dict[tuple[str, int, date], tuple[datetime, datetime]] = {}
    for (receiver, frequency_hz), per_day in by_pair.items():
        running_end: datetime | None = None  # latest end of jammed time starting earlier
        for day in days:
            begin, stop = _midnight(day), _midnight(day + timedelta(days=1))
            today = per_day.get(day)
            carried = running_end is not None and running_end > begin
            if today is None and not carried:
                continue
            first = begin if carried or today is None else max(begin, today.first_start)
            ends = [end for end in (running_end, today.last_end if today else None) if end]
            found[(receiver, frequency_hz, day)] = (first, min(stop, max(ends)))
            running_end = max(ends)
    return found


def daily_series(
    totals: Iterable[ChannelDayTotals],
    extents: Iterable[JammedExtent],
    transitions: Iterable[TransitionCount],
    days: Sequence[date],
    *,
    series_of: Callable[[int], str],
    scope: Literal["channel", "band"],
    rule: StandoutRule,
) -> list[JammingSeries]:
    """Group per-channel figures into series and find their rhythm and standout days.

    Parameters
    ----------
    totals, extents, transitions
        The query results (see the module docstring).
    days
        Every date of the range, in order; each series lists them all (a day without data has
        zero observed hours and a null duty cycle).
    series_of
        The series name of a channel frequency (the frequency as text, or its band's name).
    scope
        What a series is.
    rule
        When a day stands out.

    Returns
    -------
    list of JammingSeries
        One per receiver and series with data in the range, by receiver and name.
    """
    figures: dict[tuple[str, str], dict[date, list[float]]] = defaultdict(
        lambda: defaultdict(lambda: [0.0, 0.0, 0.0])
    )
    channels: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in totals:
        key = (row.receiver, series_of(row.frequency_hz))
        channels[key].add(row.frequency_hz)
        entry = figures[key][row.day]
        entry[0] += row.observed_s
        entry[1] += row.judged_s
        entry[2] += row.jammed_s
    extent_of: dict[tuple[str, str, date], tuple[datetime, datetime]] = {}
    for (receiver, frequency_hz, day), (first, last) in day_extents(extents, days).items():
        key3 = (receiver, series_of(frequency_hz), day)
        known = extent_of.get(key3)
        extent_of[key3] = (
            (first, last) if known is None else (min(known[0], first), max(known[1], last))
        )
    counts: dict[tuple[str, str], dict[tuple[TransitionKind, date | int], int]] = defaultdict(
        lambda: defaultdict(int)
    )
    for t in transitions:
        per = counts[(t.receiver, series_of(t.frequency_hz))]
        per[(t.kind, t.day)] += t.count
        per[(t.kind, t.hour)] += t.count
    series = []
    for key in sorted(figures):
        receiver, name = key
        count = counts.get(key, {})
        rows = [
            _day(
                day,
                figures[key].get(day),
                len(channels[key]),
                extent_of.get((receiver, name, day)),
                count,
            )
            for day in days
        ]
        marked, median = _mark_standouts(rows, rule)
        series.append(
            JammingSeries(
                receiver=receiver,
                scope=scope,
                name=name,
                channels=len(channels[key]),
                days=tuple(marked),
                median_duty_cycle=median,
                onset_hours=tuple(count.get(("onset", h), 0) for h in range(HOURS_PER_DAY)),
                end_hours=tuple(count.get(("end", h), 0) for h in range(HOURS_PER_DAY)),
            )
        )
    return series


def _day(
    day: date,
    seconds: list[float] | None,
    channels: int,
    extent: tuple[datetime, datetime] | None,
    counts: dict[tuple[TransitionKind, date | int], int],
) -> DayJamming:
    observed, judged, jammed = seconds or (0.0, 0.0, 0.0)
    return DayJamming(
        day=day,
        observed_h=observed / 3600.0,
        judged_h=judged / 3600.0,
        unknown_h=(observed - judged) / 3600.0,
        unobserved_h=max(0.0, channels * HOURS_PER_DAY - observed / 3600.0),
        jammed_h=jammed / 3600.0,
        duty_cycle=jammed / judged if judged > 0 else None,
        first_jammed_at=extent[0] if extent else None,
        last_jammed_at=extent[1] if extent else None,
        onsets=counts.get(("onset", day), 0),
        ends=counts.get(("end", day), 0),
    )


def _mark_standouts(
    rows: list[DayJamming], rule: StandoutRule
) -> tuple[list[DayJamming], float | None]:
    assessed = [
        row for row in rows if row.duty_cycle is not None and row.judged_h >= rule.min_judged_h
    ]
    if len(assessed) < rule.min_days:
        return rows, None
    median = statistics.median(row.duty_cycle for row in assessed if row.duty_cycle is not None)
    if median <= 0:
        return rows, median
    marked = {
        row.day: _standout(row.duty_cycle, median, rule)
        for row in assessed
        if row.duty_cycle is not None
    }
    return [replace(row, standout=marked.get(row.day)) for row in rows], median


def _standout(duty_cycle: float, median: float, rule: StandoutRule) -> Standout | None:
    if duty_cycle == 0:
        return "no_jamming"
    if duty_cycle < rule.far_less_fraction * median:
        return "far_less"
    return None
