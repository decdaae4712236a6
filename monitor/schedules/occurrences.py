"""When a broadcast is on air: its UTC air-time intervals inside a time range.

Rules:

* an occurrence belongs to the day it starts on: the days (``Mo``) and the validity dates
  select start days, and a 2300-0100 entry on ``Mo`` runs Monday 23:00 to Tuesday 01:00;
* an EiBi broadcast is on air only inside its season, from the changeover at 0100 UTC to the
  next one; an occurrence that straddles a changeover is cut there;
* an unschedulable broadcast (:attr:`Broadcast.unschedulable`: inactive, irregular days,
  other-season or zero-length entries) has no occurrences.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from monitor.schedules.model import Broadcast

_ONE_DAY = timedelta(days=1)


def occurrences(
    broadcast: Broadcast, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The air time of ``broadcast`` inside ``[start, end)``, in order.

    Parameters
    ----------
    broadcast
        The schedule entry.
    start, end
        Timezone-aware bounds of the range (converted to UTC), ``start <= end``.

    Returns
    -------
    list of (datetime, datetime)
        Non-overlapping UTC intervals ``[on, off)`` cut to the range (and to the season), one
        per start day; a whole-day (0000-2400) entry gives touching intervals.

    Raises
    ------
    ValueError
        For naive datetimes or ``end`` before ``start``.

    Examples
    --------
    >>> from monitor.schedules.own import parse_own_json_bytes
    >>> schedule = parse_own_json_bytes(
    ...     b'[{"frequency_khz": 7210, "start_utc": "2300", "end_utc": "0100",'
    ...     b' "days": "Mo", "station": "KBS"}]', "kbs.json")
    >>> week = datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 8, tzinfo=UTC)
    >>> for on, off in occurrences(schedule.broadcasts[0], *week):
    ...     print(on.isoformat(), off.isoformat())
    2026-06-01T23:00:00+00:00 2026-06-02T01:00:00+00:00
    """
    for name, moment in (("start", start), ("end", end)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{name} {moment.isoformat()} has no time zone (UTC expected)")
    lower, upper = start.astimezone(UTC), end.astimezone(UTC)
    if upper < lower:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    season = broadcast.source.season
    if season is not None:
        lower, upper = max(lower, season.starts_at), min(upper, season.ends_at)
    if broadcast.unschedulable is not None or lower >= upper:
        return []
    offset = timedelta(minutes=broadcast.start_minute)
    duration = timedelta(minutes=broadcast.duration_minutes)
    day = _later((lower - offset - duration).date(), broadcast.first_day)
    last = _earlier((upper - offset).date(), broadcast.last_day)
    intervals: list[tuple[datetime, datetime]] = []
    while day <= last:
        if broadcast.days.runs_on(day):
            on = datetime.combine(day, time(), UTC) + offset
            cut_on, cut_off = max(on, lower), min(on + duration, upper)
            if cut_on < cut_off:
                intervals.append((cut_on, cut_off))
        day += _ONE_DAY
    return intervals


def _later(day: date, bound: date | None) -> date:
    return day if bound is None else max(day, bound)


def _earlier(day: date, bound: date | None) -> date:
    return day if bound is None else min(day, bound)
