"""A broadcaster's own schedule, as CSV or JSON (the formats are in ``docs/schedules.md``).

Both carry the same fields, validated by :class:`OwnEntry`:

==============  ========  ==========================================================
field           required  content
==============  ========  ==========================================================
frequency_khz   yes       kHz, decimals allowed (``7210``, ``5952.4``)
start_utc       yes       ``HHMM`` UTC
end_utc         yes       ``HHMM`` UTC, ``2400`` allowed; earlier than start: past midnight
days            no        EiBi spelling (``Mo-Fr``, ``1245``, ``Sa,Su``); empty or ``daily``
station         yes       station name
language        no        language code(s)
target          no        target area
valid_from      no        first day, ``YYYY-MM-DD`` (empty: open)
valid_to        no        last day, ``YYYY-MM-DD`` (empty: open)
==============  ========  ==========================================================

CSV: UTF-8 (a BOM is allowed), comma-separated, a header row naming the columns in any order;
``frequency_khz``, ``start_utc``, ``end_utc`` and ``station`` are required, unknown columns are
an error. JSON: UTF-8, a list of objects with these keys. Rows (objects) that fail validation
are rejected with their line number and reason; the other rows are imported.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from monitor.schedules.days import parse_days
from monitor.schedules.fields import channel_of, frequency_hz_of_khz, minute_of_day
from monitor.schedules.model import (
    Broadcast,
    Rejected,
    ScheduleError,
    ScheduleFormat,
    ScheduleImport,
    ScheduleSource,
    parse_file,
)

REQUIRED_COLUMNS = ("frequency_khz", "start_utc", "end_utc", "station")
OPTIONAL_COLUMNS = ("days", "language", "target", "valid_from", "valid_to")


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _valid_frequency(value: Decimal) -> Decimal:
    frequency_hz_of_khz(value)
    return value


def _valid_start(value: str) -> str:
    minute_of_day(value, end=False)
    return value


def _valid_end(value: str) -> str:
    minute_of_day(value, end=True)
    return value


def _valid_days(value: str) -> str:
    parse_days(value)
    return value


ShortText = Annotated[str, Field(max_length=64)]
OptionalText = Annotated[ShortText | None, BeforeValidator(_blank_is_none)]
OptionalDate = Annotated[date | None, BeforeValidator(_blank_is_none)]
StartTime = Annotated[str, Field(pattern=r"^\d{4}$"), AfterValidator(_valid_start)]
EndTime = Annotated[str, Field(pattern=r"^\d{4}$"), AfterValidator(_valid_end)]


class OwnEntry(BaseModel):
    """One broadcast of a broadcaster's own schedule (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    frequency_khz: Annotated[
        Decimal, BeforeValidator(_blank_is_none), AfterValidator(_valid_frequency)
    ]
    start_utc: StartTime
    end_utc: EndTime
    days: Annotated[str, AfterValidator(_valid_days)] = ""
    station: Annotated[str, Field(min_length=1, max_length=200)]
    language: OptionalText = None
    target: OptionalText = None
    valid_from: OptionalDate = None
    valid_to: OptionalDate = None

    @model_validator(mode="after")
    def _checked(self) -> OwnEntry:
        if minute_of_day(self.start_utc, end=False) == minute_of_day(self.end_utc, end=True):
            raise ValueError(f"start_utc and end_utc are both {self.start_utc}")
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError(f"valid_from {self.valid_from} is after valid_to {self.valid_to}")
        return self

    def broadcast(self, source: ScheduleSource, line: int) -> Broadcast:
        """This entry as a :class:`Broadcast` from ``source`` at ``line``."""
        frequency_hz = frequency_hz_of_khz(self.frequency_khz)
        return Broadcast(
            frequency_hz=frequency_hz,
            channel_hz=channel_of(frequency_hz),
            start_minute=minute_of_day(self.start_utc, end=False),
            end_minute=minute_of_day(self.end_utc, end=True),
            days=parse_days(self.days),
            station=self.station,
            language=self.language,
            target=self.target,
            itu=None,
            remarks=None,
            persistence=None,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            last_heard=None,
            inactive=False,
            is_jammer=False,
            source=source,
            line=line,
        )


def parse_own_csv(path: str | Path) -> ScheduleImport:
    """Parse a broadcaster's CSV schedule.

    Raises
    ------
    ScheduleError
        When the file cannot be read, is not UTF-8, or its header lacks a required column or
        has an unknown one.
    """
    return parse_file(path, parse_own_csv_bytes)


def parse_own_csv_bytes(data: bytes, file_name: str) -> ScheduleImport:
    """Parse the content of a broadcaster's CSV schedule named ``file_name``."""
    source = _source("csv", file_name)
    reader = csv.reader(io.StringIO(_utf8(data, file_name), newline=""))
    header = [name.strip() for name in next(reader, [])]
    _check_columns(header, file_name)
    broadcasts: list[Broadcast] = []
    rejected: list[Rejected] = []
    last_line = 1
    for cells in reader:
        line, last_line = last_line + 1, reader.line_num
        raw = ",".join(cells)
        if not raw.strip():
            continue
        if len(cells) != len(header):
            rejected.append(Rejected(line, f"{len(cells)} cells, expected {len(header)}", raw))
            continue
        _add(dict(zip(header, cells, strict=True)), source, line, raw, broadcasts, rejected)
    return ScheduleImport(source, tuple(broadcasts), tuple(rejected), ())


def parse_own_json(path: str | Path) -> ScheduleImport:
    """Parse a broadcaster's JSON schedule (a list of objects).

    Raises
    ------
    ScheduleError
        When the file cannot be read, is not UTF-8 JSON, or is not a list.
    """
    return parse_file(path, parse_own_json_bytes)


def parse_own_json_bytes(data: bytes, file_name: str) -> ScheduleImport:
    """Parse the content of a broadcaster's JSON schedule named ``file_name``."""
    source = _source("json", file_name)
    text = _utf8(data, file_name)
    broadcasts: list[Broadcast] = []
    rejected: list[Rejected] = []
    for line, item, raw in _json_items(text, file_name):
        if not isinstance(item, dict):
            rejected.append(Rejected(line, "not an object", raw))
            continue
        _add(item, source, line, raw, broadcasts, rejected)
    return ScheduleImport(source, tuple(broadcasts), tuple(rejected), ())


def _add(
    values: dict[str, Any],
    source: ScheduleSource,
    line: int,
    raw: str,
    broadcasts: list[Broadcast],
    rejected: list[Rejected],
) -> None:
    try:
        broadcasts.append(OwnEntry.model_validate(values).broadcast(source, line))
    except ValidationError as exc:
        rejected.append(Rejected(line, _describe(exc), raw))


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {message}" if where else message)
    return "; ".join(problems)


def _json_items(text: str, file_name: str) -> list[tuple[int, object, str]]:
    """The items of a top-level JSON list with the line each starts on and its text."""
    decoder = json.JSONDecoder()
    items: list[tuple[int, object, str]] = []
    try:
        position = _skip_blank(text, 0)
        if text[position : position + 1] != "[":
            raise ScheduleError(file_name, "not a JSON list of broadcasts")
        position = _skip_blank(text, position + 1)
        while text[position : position + 1] != "]":
            item, end = decoder.raw_decode(text, position)
            items.append((_line(text, position), item, text[position:end]))
            position = _skip_blank(text, end)
            if text[position : position + 1] == ",":
                position = _skip_blank(text, position + 1)
                if text[position : position + 1] == "]":
                    raise ScheduleError(file_name, f"line {_line(text, position)}: , before ]")
            elif text[position : position + 1] != "]":
                raise ScheduleError(file_name, f"line {_line(text, position)}: expected , or ]")
    except json.JSONDecodeError as exc:
        raise ScheduleError(file_name, f"not JSON: {exc}") from exc
    rest = _skip_blank(text, position + 1)
    if rest != len(text):
        raise ScheduleError(file_name, f"line {_line(text, rest)}: text after the list")
    return items


def _skip_blank(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _check_columns(header: list[str], file_name: str) -> None:
    if not set(header) & set(REQUIRED_COLUMNS + OPTIONAL_COLUMNS):
        raise ScheduleError(
            file_name,
            f"not a schedule CSV: its first line names none of the columns "
            f"{', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}",
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    repeated = sorted({name for name in header if header.count(name) > 1})
    problems = [
        f"{label} {', '.join(names)}"
        for label, names in (
            ("missing column(s)", missing),
            ("unknown column(s)", unknown),
            ("repeated column(s)", repeated),
        )
        if names
    ]
    if problems:
        raise ScheduleError(
            file_name,
            "header: " + "; ".join(problems) + f" (columns: {', '.join(REQUIRED_COLUMNS)}, "
            f"optional {', '.join(OPTIONAL_COLUMNS)})",
        )


def _source(fmt: ScheduleFormat, file_name: str) -> ScheduleSource:
    return ScheduleSource(f"{fmt}:{file_name}", file_name, fmt, None)


def _utf8(data: bytes, file_name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScheduleError(file_name, f"not UTF-8 text (byte {exc.start})") from exc
