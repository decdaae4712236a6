"""Parsed schedules: broadcasts, rejected rows, and where they came from.

Pure data, no database: the parsers build these, :func:`~monitor.schedules.occurrences` turns a
broadcast into air-time intervals and :mod:`monitor.schedules.store` writes them to the
``broadcasts`` table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from monitor.errors import InputError
from monitor.schedules.days import DaySpec
from monitor.schedules.fields import MINUTES_PER_DAY
from monitor.schedules.seasons import Season

ScheduleFormat = Literal["eibi", "csv", "json"]
"""``eibi``: an EiBi ``sked-XNN.csv``; ``csv`` and ``json``: the broadcaster formats."""

Unschedulable = Literal["inactive", "irregular days", "other season", "zero duration", "no days"]
"""Why an imported broadcast has no air time (see :attr:`Broadcast.unschedulable`)."""


class ScheduleError(InputError):
    """A schedule file that cannot be read at all (rows with problems are rejected instead).

    Parameters
    ----------
    path
        The file (or upload name) at fault.
    problem
        What is wrong with it.
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def parse_file(path: str | Path, parse: Callable[[bytes, str], ScheduleImport]) -> ScheduleImport:
    """Read a schedule file and parse its bytes with ``parse(data, file_name)``.

    Raises
    ------
    ScheduleError
        When the file cannot be read (missing, a folder, no permission) or ``parse`` finds it
        is not a schedule; the message names the path as given.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScheduleError(path, f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        return parse(data, path.name)
    except ScheduleError as exc:
        raise ScheduleError(path, exc.problem) from exc


@dataclass(frozen=True, slots=True)
class ScheduleSource:
    """Where broadcasts come from.

    Attributes
    ----------
    key
        What identifies the schedule in the database: ``eibi:A26`` for an EiBi season,
        ``csv:NAME`` or ``json:NAME`` for a broadcaster file. Importing a schedule replaces
        the stored broadcasts of the same key.
    file_name
        The file's name (without folders).
    format
        The file format.
    season
        The EiBi season, or None for the broadcaster formats (whose rows carry their dates).
    """

    key: str
    file_name: str
    format: ScheduleFormat
    season: Season | None


@dataclass(frozen=True, slots=True)
class Broadcast:
    """One schedule entry: a frequency on air between two UTC times on some days.

    Attributes
    ----------
    frequency_hz
        Exact frequency in Hz (EiBi's decimal kHz kept exactly, e.g. 5952400).
    channel_hz
        The nearest 5 kHz raster channel, as the detector's channels are named.
    start_minute, end_minute
        Start (0-1439) and end (0-1440) in minutes of the UTC day. An end before the start
        crosses midnight (2300-0100); an end equal to the start is an empty entry, except
        0000-2400 which is the whole day.
    days
        The days the broadcast starts on (see :mod:`monitor.schedules.days`).
    station, language, target, itu, remarks
        Station name; language code(s) (``E``, ``D,E``); target-area code; ITU country code of
        the station; EiBi remarks (transmitter site, or ``/`` and an ITU country code for a relay
        there, e.g. ``/ARM``).
    persistence
        EiBi P code: 0 (undocumented, treated as 1), 1 permanent, 2/3 with a DST shift (N/S
        hemisphere), 4 winter only, 5 summer only, 6 dated, 8 inactive. None for other formats.
    valid_from, valid_to
        First and last day the broadcast may start on (inclusive); for EiBi the Start/Stop
        dates or else the season's first/last day; None means open.
    last_heard
        EiBi's bracketed last-logged month as ``YYYY-MM``, or None.
    inactive
        EiBi P = 8: kept in the file but not on air.
    is_jammer
        An EiBi jammer entry (the station name says "Jammer").
    source
        The schedule it came from.
    line
        Its line number in the file (header is line 1), or for JSON the line its object
        starts on; 0 when rebuilt from the database.
    """

    frequency_hz: int
    channel_hz: int
    start_minute: int
    end_minute: int
    days: DaySpec
    station: str
    language: str | None
    target: str | None
    itu: str | None
    remarks: str | None
    persistence: int | None
    valid_from: date | None
    valid_to: date | None
    last_heard: str | None
    inactive: bool
    is_jammer: bool
    source: ScheduleSource
    line: int

    @property
    def duration_minutes(self) -> int:
        """Air time of one occurrence, in minutes (0-1440)."""
        if self.end_minute == self.start_minute:
            return 0
        return (self.end_minute - self.start_minute) % MINUTES_PER_DAY or MINUTES_PER_DAY

    @property
    def first_day(self) -> date | None:
        """First day it may start on: its ``valid_from`` within its season (None: open)."""
        season = self.source.season
        if season is None or self.valid_from is None:
            return self.valid_from if season is None else season.first_day
        return max(self.valid_from, season.first_day)

    @property
    def last_day(self) -> date | None:
        """Last day it may start on: its ``valid_to`` within its season (None: open)."""
        season = self.source.season
        if season is None or self.valid_to is None:
            return self.valid_to if season is None else season.last_day
        return min(self.valid_to, season.last_day)

    @property
    def unschedulable(self) -> Unschedulable | None:
        """Why the broadcast never has air time, or None when it is schedulable.

        ``inactive``: EiBi P = 8. ``irregular days``: days such as ``irr`` or ``Ram``.
        ``other season``: P = 4 (winter only) in an A season or P = 5 (summer only) in a B
        season. ``zero duration``: start equals end. ``no days``: its validity dates do not
        meet its season.
        """
        season = self.source.season
        first, last = self.first_day, self.last_day
        if self.inactive:
            return "inactive"
        if self.days.kind == "irregular":
            return "irregular days"
        if season is not None and (season.half, self.persistence) in (("A", 4), ("B", 5)):
            return "other season"
        if self.duration_minutes == 0:
            return "zero duration"
        if first is not None and last is not None and first > last:
            return "no days"
        return None


@dataclass(frozen=True, slots=True)
class Rejected:
    """A row that was not imported: its line number, why, and its text."""

    line: int
    reason: str
    raw: str


@dataclass(frozen=True, slots=True)
class Note:
    """A defect in an imported row that did not stop its import (e.g. a bad last-heard date)."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class ScheduleImport:
    """The outcome of parsing one schedule file.

    Every data row of the file is either in ``broadcasts`` or in ``rejected``; blank lines are
    not rows.
    """

    source: ScheduleSource
    broadcasts: tuple[Broadcast, ...]
    rejected: tuple[Rejected, ...]
    notes: tuple[Note, ...]

    @property
    def rows(self) -> int:
        """Number of data rows in the file."""
        return len(self.broadcasts) + len(self.rejected)
