"""Broadcast schedules: EiBi and broadcaster files parsed, their air time, and their storage.

Parsing and the air-time arithmetic are pure (no database); :mod:`monitor.schedules.store`
writes parsed schedules to the ``broadcasts`` table.
"""

from monitor.schedules.days import DaySpec, parse_days
from monitor.schedules.eibi import parse_eibi, parse_eibi_bytes
from monitor.schedules.model import (
    Broadcast,
    Note,
    Rejected,
    ScheduleError,
    ScheduleFormat,
    ScheduleImport,
    ScheduleSource,
)
from monitor.schedules.occurrences import occurrences
from monitor.schedules.own import parse_own_csv, parse_own_json
from monitor.schedules.read import FORMATS, read_schedule, read_schedule_bytes
from monitor.schedules.seasons import Season

__all__ = [
    "FORMATS",
    "Broadcast",
    "DaySpec",
    "Note",
    "Rejected",
    "ScheduleError",
    "ScheduleFormat",
    "ScheduleImport",
    "ScheduleSource",
    "Season",
    "occurrences",
    "parse_days",
    "parse_eibi",
    "parse_eibi_bytes",
    "parse_own_csv",
    "parse_own_json",
    "read_schedule",
    "read_schedule_bytes",
]
