"""Writing parsed schedules to the ``broadcasts`` table, replacing earlier imports of a source.

A row of the table holds a frequency, UTC start and end times (equal times mean the whole day,
0000-2400), ISO weekdays as digits, station, language, target, validity dates and the source
key. What it cannot hold is counted, not stored:

* ``unschedulable`` entries (inactive, irregular days, other season, zero length, no days);
* ``jammer`` entries (the table has no column to tell them from broadcasts);
* ``monthly days`` (``15th``, ``1.Sa``): not expressible as weekdays;
* ``open yearly date``: a date of the year (``24Dec``) without validity dates to give the
  year; with them, each such date inside the validity is one row, valid on that day only
  (``yearly date outside validity`` when there is none);
* ``too long``: text longer than its column.

The frequency stored is the exact one (``channel_hz`` is derivable). The functions take the
caller's session and never commit. :func:`broadcast_of_row` turns a stored row back into a
:class:`~monitor.schedules.model.Broadcast` for :func:`~monitor.schedules.occurrences`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any, cast

from sqlalchemy import CursorResult, String, delete, insert, select
from sqlalchemy.orm import Session

from monitor.schedules.days import Weekly, YearlyDate, parse_days
from monitor.schedules.fields import MINUTES_PER_DAY, channel_of
from monitor.schedules.model import (
    Broadcast,
    ScheduleError,
    ScheduleImport,
    ScheduleSource,
)
from monitor.schedules.read import FORMATS
from monitor.store.models import Broadcast as BroadcastRow

_COLUMNS = BroadcastRow.__table__.columns
_TEXT_LIMITS = {
    name: column.type.length
    for name, column in _COLUMNS.items()
    if isinstance(column.type, String) and column.type.length is not None
}
_ROW_KEYS = (
    "frequency_hz",
    "start_time",
    "end_time",
    "days",
    "station",
    "language",
    "target",
    "valid_from",
    "valid_until",
    "source",
)
_INSERT_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What :func:`import_schedule` did.

    Attributes
    ----------
    source
        The source key the rows are stored under (e.g. ``eibi:A26``).
    stored
        Rows written now.
    removed
        Rows of the same source deleted first (a re-import replaces them).
    kept
        Rows already stored and identical, left alone (only when not replacing).
    not_stored
        Parsed broadcasts the table cannot hold, counted by reason (see the module docstring).
    rejected
        Rows of the file that did not parse (see ``ScheduleImport.rejected``).
    """

    source: str
    stored: int
    removed: int
    kept: int
    not_stored: Mapping[str, int]
    rejected: int


def import_schedule(
    session: Session, schedule_import: ScheduleImport, *, replace_source: bool = True
) -> ImportSummary:
    """Store the broadcasts of a parsed schedule.

    Parameters
    ----------
    session
        An open session; the caller commits.
    schedule_import
        The parsed file.
    replace_source
        Delete the stored broadcasts of the same source key first, so a re-import leaves
        exactly this file's rows. When False, add only rows not already stored for the source
        (a merge; repeating it changes nothing either).

    Raises
    ------
    ScheduleError
        When the source key does not fit its column (a file name of about 200 characters).
    """
    key = schedule_import.source.key
    if len(key) > _TEXT_LIMITS["source"]:
        raise ScheduleError(
            schedule_import.source.file_name,
            f"source key {key!r} is longer than {_TEXT_LIMITS['source']} characters: rename it",
        )
    reasons: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    for broadcast in schedule_import.broadcasts:
        stored_rows, reason = _rows_of(broadcast)
        rows.extend(stored_rows)
        if reason is not None:
            reasons[reason] += 1
    removed = kept = 0
    if replace_source:
        deleted = session.execute(delete(BroadcastRow).where(BroadcastRow.source == key))
        removed = cast("CursorResult[Any]", deleted).rowcount
    else:
        stored = {tuple(row) for row in session.execute(_stored_rows(key))}
        fresh = [row for row in rows if tuple(row[name] for name in _ROW_KEYS) not in stored]
        kept, rows = len(rows) - len(fresh), fresh
    for chunk in _chunks(rows):
        session.execute(insert(BroadcastRow), chunk)
    return ImportSummary(
        source=key,
        stored=len(rows),
        removed=removed,
        kept=kept,
        not_stored=dict(reasons),
        rejected=len(schedule_import.rejected),
    )


def broadcast_of_row(row: BroadcastRow) -> Broadcast:
    """A stored row as a :class:`Broadcast`, so :func:`occurrences` gives its air time.

    The row's validity dates bound its start days; its season is not stored, so the first hour
    of a changeover day (0000-0100 UTC) counts for both seasons' rows.

    Raises
    ------
    ValueError
        For a row that no import writes: equal start and end times other than 00:00, days
        that are not ISO weekday digits, or a source key without a known format prefix.
    """
    start = row.start_time.hour * 60 + row.start_time.minute
    end = row.end_time.hour * 60 + row.end_time.minute
    if start == end:
        if start != 0:
            raise ValueError(f"broadcast {row.id}: start and end time are both {row.start_time}")
        end = MINUTES_PER_DAY
    fmt, _, file_name = row.source.partition(":")
    if fmt not in FORMATS:
        raise ValueError(f"broadcast {row.id}: source {row.source!r} has no format prefix")
    weekdays = parse_days(row.days)
    if not isinstance(weekdays, Weekly) or not row.days.isdigit():
        raise ValueError(f"broadcast {row.id}: days {row.days!r} are not ISO weekday digits")
    return Broadcast(
        frequency_hz=row.frequency_hz,
        channel_hz=channel_of(row.frequency_hz),
        start_minute=start,
        end_minute=end,
        days=weekdays,
        station=row.station,
        language=row.language,
        target=row.target,
        itu=None,
        remarks=None,
        persistence=None,
        valid_from=row.valid_from,
        valid_to=row.valid_until,
        last_heard=None,
        inactive=False,
        is_jammer=False,
        source=ScheduleSource(row.source, file_name, fmt, None),
        line=0,
    )


def _rows_of(broadcast: Broadcast) -> tuple[list[dict[str, Any]], str | None]:
    """The rows that store ``broadcast``, or none and the reason."""
    reason = _not_storable(broadcast)
    if reason is not None:
        return [], reason
    row = _row(broadcast)
    reason = _too_long(row)
    if reason is not None:
        return [], reason
    days = broadcast.days
    if not isinstance(days, YearlyDate):
        return [row], None
    dated = [row | {"valid_from": day, "valid_until": day} for day in _dates_of(days, row)]
    return dated, None if dated else "yearly date outside validity"


def _not_storable(broadcast: Broadcast) -> str | None:
    if broadcast.unschedulable is not None:
        return "unschedulable"
    if broadcast.is_jammer:
        return "jammer"
    if isinstance(broadcast.days, YearlyDate):
        if broadcast.first_day is None or broadcast.last_day is None:
            return "open yearly date"
        return None
    if not isinstance(broadcast.days, Weekly):
        return "monthly days"
    return None


def _row(broadcast: Broadcast) -> dict[str, Any]:
    days = broadcast.days
    weekdays = days.weekdays if isinstance(days, Weekly) else range(1, 8)
    return {
        "frequency_hz": broadcast.frequency_hz,
        "start_time": _time_of(broadcast.start_minute),
        "end_time": _time_of(broadcast.end_minute % MINUTES_PER_DAY),
        "days": "".join(str(day) for day in sorted(weekdays)),
        "station": broadcast.station,
        "language": broadcast.language,
        "target": broadcast.target,
        "valid_from": broadcast.first_day,
        "valid_until": broadcast.last_day,
        "source": broadcast.source.key,
    }


def _dates_of(days: YearlyDate, row: Mapping[str, Any]) -> list[date]:
    """The days of ``days`` (a date of the year) inside the row's validity."""
    first: date = row["valid_from"]
    last: date = row["valid_until"]
    dates = []
    for year in range(first.year, last.year + 1):
        try:
            day = date(year, days.month, days.day_of_month)
        except ValueError:  # 29 February of a common year
            continue
        if first <= day <= last:
            dates.append(day)
    return dates


def _too_long(row: Mapping[str, Any]) -> str | None:
    for name, limit in _TEXT_LIMITS.items():
        value = row.get(name)
        if isinstance(value, str) and len(value) > limit:
            return "too long"
    return None


def _time_of(minute: int) -> time:
    return time(minute // 60, minute % 60)


def _stored_rows(key: str) -> Any:
    return select(*(_COLUMNS[name] for name in _ROW_KEYS)).where(BroadcastRow.source == key)


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for first in range(0, len(rows), _INSERT_CHUNK):
        yield rows[first : first + _INSERT_CHUNK]
