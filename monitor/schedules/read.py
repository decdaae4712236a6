"""Read a schedule file of any supported format, naming or detecting the format."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from monitor.schedules.eibi import EIBI_FIELDS, parse_eibi_bytes
from monitor.schedules.model import ScheduleError, ScheduleFormat, ScheduleImport, parse_file
from monitor.schedules.own import parse_own_csv_bytes, parse_own_json_bytes
from monitor.schedules.seasons import Season

FORMATS: tuple[ScheduleFormat, ...] = ("eibi", "csv", "json")


def detect_format(data: bytes, file_name: str) -> ScheduleFormat:
    """``json`` for a ``.json`` name, ``eibi`` when the text starts with EiBi's header, else
    ``csv``.

    >>> detect_format(b"kHz:75;Time(UTC):93;Days:59;", "x.csv"), detect_format(b"", "k.json")
    ('eibi', 'json')
    """
    if file_name.lower().endswith(".json"):
        return "json"
    if data.lstrip(b"\xef\xbb\xbf").startswith(f"{EIBI_FIELDS[0]}:".encode()):
        return "eibi"
    return "csv"


def read_schedule_bytes(
    data: bytes,
    file_name: str,
    *,
    fmt: ScheduleFormat | None = None,
    season: Season | None = None,
) -> ScheduleImport:
    """Parse a schedule's content (an upload, or a file read by :func:`read_schedule`).

    Parameters
    ----------
    data
        The file's bytes.
    file_name
        Its name, used for messages, format detection, the EiBi season and the source key.
    fmt
        Its format; detected by :func:`detect_format` when None.
    season
        The EiBi season when the file name does not give it; not allowed for other formats.

    Raises
    ------
    ScheduleError
        When the file is not a schedule of that format (see the format's parser).
    """
    fmt = fmt or detect_format(data, file_name)
    if fmt == "eibi":
        return parse_eibi_bytes(data, file_name, season=season)
    if season is not None:
        raise ScheduleError(file_name, f"a season applies to EiBi files only, not to {fmt}")
    if fmt == "csv":
        return parse_own_csv_bytes(data, file_name)
    return parse_own_json_bytes(data, file_name)


def read_schedule(
    path: str | Path, *, fmt: ScheduleFormat | None = None, season: Season | None = None
) -> ScheduleImport:
    """Read and parse a schedule file; see :func:`read_schedule_bytes`.

    Raises
    ------
    ScheduleError
        When the file cannot be read or is not a schedule.
    """
    return parse_file(path, partial(read_schedule_bytes, fmt=fmt, season=season))
