"""A broadcaster's own CSV and JSON schedules: good rows, rejected rows, unreadable files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from monitor.schedules import (
    ScheduleError,
    Season,
    parse_own_csv,
    parse_own_json,
    read_schedule,
    read_schedule_bytes,
)
from monitor.schedules.days import Weekly
from monitor.schedules.own import parse_own_csv_bytes, parse_own_json_bytes

CSV = """\
frequency_khz,start_utc,end_utc,days,station,language,target,valid_from,valid_to
7210,1500,1600,Mo-Fr,KBS World Radio,K,NEAs,2026-03-29,2026-10-24
5952.4,2300,0100,,Radio Pío XII,S,BOL,,
9650,0000,2400,daily,"Voice of ""Test"", Inc.",E,,,
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_rows(tmp_path: Path) -> None:
    schedule = parse_own_csv(write(tmp_path, "kbs.csv", CSV))
    assert schedule.rejected == ()
    assert schedule.source.key == "csv:kbs.csv"
    assert schedule.source.season is None
    kbs, pio, test = schedule.broadcasts
    assert (kbs.frequency_hz, kbs.channel_hz, kbs.line) == (7_210_000, 7_210_000, 2)
    assert (kbs.start_minute, kbs.end_minute) == (900, 960)
    assert kbs.days == Weekly("Mo-Fr", frozenset({1, 2, 3, 4, 5}))
    assert (kbs.valid_from, kbs.valid_to) == (date(2026, 3, 29), date(2026, 10, 24))
    assert (kbs.language, kbs.target) == ("K", "NEAs")
    assert (pio.frequency_hz, pio.channel_hz) == (5_952_400, 5_950_000)
    assert (pio.station, pio.duration_minutes, pio.valid_from) == ("Radio Pío XII", 120, None)
    assert (test.station, test.duration_minutes, test.target) == (
        'Voice of "Test", Inc.',
        1440,
        None,
    )
    assert all(b.persistence is None and not b.is_jammer for b in schedule.broadcasts)


def test_csv_columns_in_any_order_and_optional_ones_missing() -> None:
    data = b"\xef\xbb\xbfstation,end_utc,start_utc,frequency_khz\nDW,1800,1700,6075\n"
    (dw,) = parse_own_csv_bytes(data, "dw.csv").broadcasts
    assert (dw.station, dw.start_minute, dw.end_minute, dw.frequency_hz) == (
        "DW",
        1020,
        1080,
        6_075_000,
    )
    assert dw.days.kind == "weekly"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("17870b,1500,1600,,X,,,,", "frequency_khz"),
        ("40000,1500,1600,,X,,,,", "outside 3 kHz - 30 MHz"),
        ("7210,2400,1600,,X,,,,", "start_utc: time '2400'"),
        ("7210,1500,2460,,X,,,,", "end_utc"),
        ("7210,15:00,1600,,X,,,,", "start_utc"),
        ("7210,1500,1500,,X,,,,", "start_utc and end_utc are both 1500"),
        ("7210,1500,1600,Xx,X,,,,", "days: days 'Xx'"),
        ("7210,1500,1600,,,,,,", "station"),
        ("7210,1500,1600,,X,,,2026-13-01,", "valid_from"),
        ("7210,1500,1600,,X,,,2026-06-01,2026-05-01", "after valid_to"),
        ("7210,1500,1600,,X,,,,,extra", "10 cells, expected 9"),
        ("7210,1500,1600", "3 cells, expected 9"),
    ],
)
def test_bad_csv_rows_are_rejected(row: str, reason: str) -> None:
    header = CSV.splitlines()[0]
    data = f"{header}\n7210,1500,1600,,Good,,,,\n{row}\n".encode()
    schedule = parse_own_csv_bytes(data, "x.csv")
    assert [b.station for b in schedule.broadcasts] == ["Good"]
    (rejected,) = schedule.rejected
    assert rejected.line == 3
    assert reason in rejected.reason


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "not a schedule CSV"),
        (b"# my schedule\n", "not a schedule CSV"),
        (b"frequency_khz,start_utc,station\n", "missing column(s) end_utc"),
        (b"frequency_khz,start_utc,end_utc,station,power_kw\n", "unknown column(s) power_kw"),
        (b"frequency_khz,start_utc,end_utc,station,station\n", "repeated column(s) station"),
        (b"frequency_khz,start_utc,end_utc,station\n7210,1500,1600,R\xe1dio\n", "not UTF-8"),
    ],
)
def test_unreadable_csv_files(data: bytes, problem: str) -> None:
    with pytest.raises(ScheduleError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_own_csv_bytes(data, "x.csv")


def test_csv_line_numbers_follow_quoted_newlines_and_blank_lines() -> None:
    data = (
        b'frequency_khz,start_utc,end_utc,station\n7210,1500,1600,"Two\nlines"\n\nbad,1,2,X\n'
        b"6075,1700,1800,DW\n"
    )
    schedule = parse_own_csv_bytes(data, "x.csv")
    assert [(b.station, b.line) for b in schedule.broadcasts] == [("Two\nlines", 2), ("DW", 6)]
    assert [r.line for r in schedule.rejected] == [5]
    assert schedule.rows == 3


ENTRIES = [
    {
        "frequency_khz": 7210,
        "start_utc": "1500",
        "end_utc": "1600",
        "days": "Mo-Fr",
        "station": "KBS World Radio",
        "language": "K",
        "target": "NEAs",
        "valid_from": "2026-03-29",
        "valid_to": "2026-10-24",
    },
    {"frequency_khz": 5952.4, "start_utc": "2300", "end_utc": "0100", "station": "Pío XII"},
]


def test_json_entries(tmp_path: Path) -> None:
    path = write(tmp_path, "kbs.json", json.dumps(ENTRIES, indent=2, ensure_ascii=False))
    schedule = parse_own_json(path)
    assert schedule.rejected == ()
    assert schedule.source.key == "json:kbs.json"
    kbs, pio = schedule.broadcasts
    assert (kbs.frequency_hz, kbs.valid_to, kbs.line) == (7_210_000, date(2026, 10, 24), 2)
    assert (pio.frequency_hz, pio.station, pio.end_minute) == (5_952_400, "Pío XII", 60)
    assert pio.line == 13
    assert read_schedule(path) == schedule


def test_bad_json_entries_are_rejected_with_their_line() -> None:
    items = [
        ENTRIES[1],
        {**ENTRIES[1], "frequency_khz": "x"},
        {**ENTRIES[1], "power_kw": 100},
        {**ENTRIES[1], "start_utc": 2300},
        {key: value for key, value in ENTRIES[1].items() if key != "station"},
        [7210, "1500"],
        {**ENTRIES[1], "days": 135},
    ]
    text = "[\n" + ",\n".join(json.dumps(item) for item in items) + "\n]\n"
    schedule = parse_own_json_bytes(text.encode(), "x.json")
    assert [b.line for b in schedule.broadcasts] == [2]
    reasons = {rejected.line: rejected.reason for rejected in schedule.rejected}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert "frequency_khz" in reasons[3]
    assert "power_kw: Extra inputs are not permitted" in reasons[4]
    assert "start_utc" in reasons[5]
    assert "station: Field required" in reasons[6]
    assert reasons[7] == "not an object"
    assert "days" in reasons[8]
    assert schedule.rejected[0].raw == json.dumps(items[1])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "not a JSON list"),
        ('{"broadcasts": []}', "not a JSON list"),
        ('[{"a": 1}', "line 1: expected , or ]"),
        ('[{"a": 1}, {"a" 2}]', "not JSON: Expecting ':' delimiter: line 1 column 17"),
        ('[{"a": 1} {"b": 2}]', "line 1: expected , or ]"),
        ("[]\n[]", "line 2: text after the list"),
        ("[1,\n]", "line 2: , before ]"),
    ],
)
def test_unreadable_json_files(text: str, problem: str) -> None:
    with pytest.raises(ScheduleError, match=problem):
        parse_own_json_bytes(text.encode(), "x.json")


def test_empty_json_list_has_no_rows() -> None:
    assert parse_own_json_bytes(b" [ ] ", "x.json").rows == 0


def test_format_detection_and_season_rule(tmp_path: Path) -> None:
    csv_path = write(tmp_path, "kbs.csv", CSV)
    assert read_schedule(csv_path).source.format == "csv"
    with pytest.raises(ScheduleError, match=f"{csv_path}: not an EiBi schedule"):
        read_schedule(csv_path, fmt="eibi")
    with pytest.raises(ScheduleError, match="a season applies to EiBi files only"):
        read_schedule_bytes(CSV.encode(), "kbs.csv", fmt="csv", season=Season.parse("A26"))
