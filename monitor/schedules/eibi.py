"""EiBi ``sked-XNN.csv`` schedules (eibispace.de), parsed without a database.

The file is ``;``-separated with CRLF line ends, encoded in Latin-1 (a file re-saved as UTF-8 is
read as UTF-8), with the header
``kHz:75;Time(UTC):93;Days:59;ITU:49;Station:201;Lng:49;Target:62;Remarks:135;P:35;Start:60;Stop:60;``
and exactly 11 fields a row. Rows that cannot be read (wrong field count, frequency, time, days,
P code or Start/Stop date) are rejected with their line number and reason; an unreadable
last-heard date only costs the row its ``last_heard`` and is reported as a note.

Dates: Start and Stop are ``DDMM`` in the season's year(s) (see :meth:`Season.date_of`); a Stop
earlier than its Start is in the following year. Missing dates default to the season's first
and last day. Stop may end with the month the entry was last heard, ``[MMYY]``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import partial
from pathlib import Path

from monitor.schedules.days import parse_days
from monitor.schedules.fields import channel_of, day_month, frequency_hz_of_khz, time_range
from monitor.schedules.model import (
    Broadcast,
    Note,
    Rejected,
    ScheduleError,
    ScheduleImport,
    ScheduleSource,
    parse_file,
)
from monitor.schedules.seasons import Season

EIBI_FIELDS = (
    "kHz",
    "Time(UTC)",
    "Days",
    "ITU",
    "Station",
    "Lng",
    "Target",
    "Remarks",
    "P",
    "Start",
    "Stop",
)
"""The header's field names (each followed by ``:width`` in the file)."""

PERSISTENCE_CODES = frozenset({0, 1, 2, 3, 4, 5, 6, 8})
"""EiBi P values; 0 is common in real files though EiBi's README does not list it."""

INACTIVE_CODE = 8

_STOP = re.compile(r"([^\[]*)(?:\[([^\]]*)\])?")
_MONTH_YEAR = re.compile(r"(0[1-9]|1[0-2])(\d{2})")
_JAMMER = re.compile(r"\bjammer\b", re.IGNORECASE)


def parse_eibi(path: str | Path, *, season: Season | None = None) -> ScheduleImport:
    """Parse an EiBi ``sked-XNN.csv`` file.

    Parameters
    ----------
    path
        The file.
    season
        Its season; by default read from the file name (``sked-a26.csv`` is A26).

    Raises
    ------
    ScheduleError
        When the file cannot be read, its header is not EiBi's, or its season is unknown.
    """
    return parse_file(path, partial(parse_eibi_bytes, season=season))


def parse_eibi_bytes(
    data: bytes, file_name: str, *, season: Season | None = None
) -> ScheduleImport:
    """Parse the content of an EiBi file (e.g. an upload) named ``file_name``.

    See :func:`parse_eibi`.
    """
    lines = decode_text(data).split("\n")
    header = lines[0].removesuffix("\r")
    names = tuple(field.partition(":")[0] for field in header.removesuffix(";").split(";"))
    if names != EIBI_FIELDS:
        raise ScheduleError(
            file_name,
            f"not an EiBi schedule: first line {header[:100]!r} is not the header "
            f"{';'.join(EIBI_FIELDS)}",
        )
    season = season or Season.from_file_name(file_name)
    if season is None:
        raise ScheduleError(
            file_name, "the season is unknown: give it (e.g. A26) or name the file sked-a26.csv"
        )
    source = ScheduleSource(f"eibi:{season.code}", file_name, "eibi", season)
    broadcasts: list[Broadcast] = []
    rejected: list[Rejected] = []
    notes: list[Note] = []
    for number, line in enumerate(lines[1:], start=2):
        row = line.removesuffix("\r")
        if not row.strip():
            continue
        try:
            broadcasts.append(_broadcast(row, number, source, season, notes))
        except ValueError as exc:
            rejected.append(Rejected(number, str(exc), row))
    return ScheduleImport(source, tuple(broadcasts), tuple(rejected), tuple(notes))


def decode_text(data: bytes) -> str:
    """UTF-8 text when ``data`` is valid UTF-8 (a BOM is dropped), else Latin-1."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _broadcast(
    row: str, line: int, source: ScheduleSource, season: Season, notes: list[Note]
) -> Broadcast:
    fields = row.split(";")
    if len(fields) != len(EIBI_FIELDS):
        raise ValueError(f"{len(fields)} fields, expected {len(EIBI_FIELDS)}")
    khz, times, days, itu, station, language, target, remarks, p, start, stop = fields
    frequency_hz = frequency_hz_of_khz(khz)
    start_minute, end_minute = time_range(times)
    persistence = _persistence(p)
    if not station.strip():
        raise ValueError("no station name")
    valid_from, valid_to = _dates(start, stop, season)
    return Broadcast(
        frequency_hz=frequency_hz,
        channel_hz=channel_of(frequency_hz),
        start_minute=start_minute,
        end_minute=end_minute,
        days=parse_days(days),
        station=station.strip(),
        language=language.strip() or None,
        target=target.strip() or None,
        itu=itu.strip() or None,
        remarks=remarks.strip() or None,
        persistence=persistence,
        valid_from=valid_from or season.first_day,
        valid_to=valid_to or season.last_day,
        last_heard=_last_heard(stop, line, notes),
        inactive=persistence == INACTIVE_CODE,
        is_jammer=_JAMMER.search(station) is not None,
        source=source,
        line=line,
    )


def _persistence(text: str) -> int:
    if not text.isdigit() or int(text) not in PERSISTENCE_CODES:
        raise ValueError(f"P {text!r} is not one of 0-6, 8")
    return int(text)


def _dates(start: str, stop: str, season: Season) -> tuple[date | None, date | None]:
    match = _STOP.fullmatch(stop)
    stop_date = match.group(1) if match else stop
    first = _season_date(start, season, "Start")
    last = _season_date(stop_date, season, "Stop")
    if first is not None and last is not None and last < first:
        try:
            last = last.replace(year=last.year + 1)
        except ValueError as exc:
            raise ValueError(f"Stop {stop!r} does not exist in {last.year + 1}") from exc
    return first, last


def _season_date(text: str, season: Season, name: str) -> date | None:
    if not text:
        return None
    try:
        day, month = day_month(text)
        return season.date_of(day, month)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from exc


def _last_heard(stop: str, line: int, notes: list[Note]) -> str | None:
    match = _STOP.fullmatch(stop)
    heard = match.group(2) if match else None
    if heard is None:
        return None
    month_year = _MONTH_YEAR.fullmatch(heard)
    if month_year is None:
        notes.append(Note(line, f"last-heard date [{heard}] in Stop is not [MMYY]; ignored"))
        return None
    return f"20{month_year.group(2)}-{month_year.group(1)}"
