"""EiBi files: the three real ones with every row accounted for, and synthetic edge cases."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from monitor.schedules import ScheduleError, ScheduleImport, Season, parse_eibi, parse_eibi_bytes
from monitor.schedules.days import Irregular
from tests.monitor.schedules.conftest import EIBI_FILES

HEADER = (
    "kHz:75;Time(UTC):93;Days:59;ITU:49;Station:201;Lng:49;Target:62;Remarks:135;"
    "P:35;Start:60;Stop:60;"
)


def raw_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, fields) of every data row, split independently of the parser."""
    lines = path.read_bytes().split(b"\r\n")
    return [
        (number, line.decode("latin-1").split(";"))
        for number, line in enumerate(lines[1:], start=2)
        if line.strip()
    ]


@pytest.fixture(scope="module", params=EIBI_FILES)
def real(
    request: pytest.FixtureRequest,
    shared_schedules: Path,
    eibi_imports: dict[str, ScheduleImport],
) -> tuple[Path, ScheduleImport]:
    return shared_schedules / request.param, eibi_imports[request.param]


def test_every_row_is_imported_or_rejected(real: tuple[Path, ScheduleImport]) -> None:
    path, schedule = real
    rows = raw_rows(path)
    imported = [broadcast.line for broadcast in schedule.broadcasts]
    rejected = [row.line for row in schedule.rejected]
    assert len(imported) + len(rejected) == len(rows) == schedule.rows
    assert sorted(imported + rejected) == [number for number, _ in rows]
    assert len(schedule.rejected) <= 2


def test_fields_match_the_raw_rows(real: tuple[Path, ScheduleImport]) -> None:
    path, schedule = real
    fields_of = dict(raw_rows(path))
    for broadcast in schedule.broadcasts:
        khz, times, days, itu, station, language, target, remarks, p, *_ = fields_of[broadcast.line]
        assert broadcast.frequency_hz == Decimal(khz) * 1000
        assert abs(broadcast.channel_hz - broadcast.frequency_hz) <= 2500
        start, end = times.split("-")
        assert broadcast.start_minute == int(start[:2]) * 60 + int(start[2:])
        assert broadcast.end_minute == int(end[:2]) * 60 + int(end[2:])
        assert broadcast.days.raw == days
        assert (broadcast.station, broadcast.itu) == (station, itu or None)
        assert (broadcast.language, broadcast.target) == (language or None, target or None)
        assert broadcast.remarks == (remarks or None)
        assert broadcast.persistence == int(p)
        assert broadcast.inactive == (p == "8")
        assert broadcast.is_jammer == ("jammer" in station.lower())


def test_season_validity_and_sources(real: tuple[Path, ScheduleImport]) -> None:
    path, schedule = real
    season = Season.from_file_name(path.name)
    assert season is not None
    assert schedule.source.season == season
    assert schedule.source.key == f"eibi:{season.code}"
    for broadcast in schedule.broadcasts:
        assert broadcast.source is schedule.source
        assert broadcast.valid_from is not None
        assert broadcast.valid_to is not None
        if broadcast.valid_from > broadcast.valid_to:  # a Start after the season's end
            assert broadcast.unschedulable is not None


def test_real_jammer_entries(real: tuple[Path, ScheduleImport]) -> None:
    _, schedule = real
    jammers = [broadcast for broadcast in schedule.broadcasts if broadcast.is_jammer]
    assert 179 <= len(jammers) <= 310
    by_country = Counter(broadcast.itu for broadcast in jammers)
    assert by_country.most_common(1)[0][0] == "CHN"
    assert any(broadcast.station == "CNR1 Jammer/Firedrake" for broadcast in jammers)


def test_the_a22_bad_row_is_rejected_with_its_line(
    shared_schedules: Path, eibi_imports: dict[str, ScheduleImport]
) -> None:
    path = shared_schedules / "eibi-a22-with-bad-row.csv"
    schedule = eibi_imports[path.name]
    (bad,) = schedule.rejected
    (line,) = [number for number, fields in raw_rows(path) if fields[0] == "17870b"]
    assert bad.line == line == 12636
    assert "17870b" in bad.reason
    assert bad.raw == "17870b;1500-1600;;ETH;Dimtse Woyane;TIG;EAf;/F-i;5;;"


def test_real_rejects_and_notes_in_a25(eibi_imports: dict[str, ScheduleImport]) -> None:
    schedule = eibi_imports["sked-a25.csv"]
    assert {(row.line, row.raw.rsplit(";", 1)[1]) for row in schedule.rejected} == {
        (4202, "28021"),
        (9552, "3107f"),
    }
    assert all(row.reason.startswith("Stop: ") for row in schedule.rejected)
    assert [(note.line, "[02221]" in note.message) for note in schedule.notes][:1] == [(4443, True)]
    noted = {note.line for note in schedule.notes}
    assert all(b.last_heard is None for b in schedule.broadcasts if b.line in noted)


def test_latin1_station_names(
    shared_schedules: Path, eibi_imports: dict[str, ScheduleImport]
) -> None:
    path = shared_schedules / "sked-a26.csv"
    schedule = eibi_imports[path.name]
    stations = {broadcast.station for broadcast in schedule.broadcasts}
    assert "Rádio Clube do Pará" in stations
    non_ascii = [b for b in schedule.broadcasts if not b.station.isascii()]
    expected = [
        number
        for number, line in enumerate(path.read_bytes().split(b"\r\n")[1:], start=2)
        if line and any(byte >= 0x80 for byte in line.split(b";")[4])
    ]
    assert [broadcast.line for broadcast in non_ascii] == expected
    assert len(expected) > 100


def test_a26_persistence_and_days_policy(eibi_imports: dict[str, ScheduleImport]) -> None:
    schedule = eibi_imports["sked-a26.csv"]
    reasons = Counter(broadcast.unschedulable for broadcast in schedule.broadcasts)
    inactive = sum(1 for b in schedule.broadcasts if b.persistence == 8)
    assert reasons["inactive"] == inactive == 72
    winter_only = [b for b in schedule.broadcasts if b.persistence == 4 and not b.inactive]
    assert all(b.unschedulable in ("other season", "irregular days") for b in winter_only)
    irregular = [b for b in schedule.broadcasts if isinstance(b.days, Irregular)]
    assert all(b.unschedulable in ("inactive", "irregular days") for b in irregular)
    assert reasons[None] > 8000


def row(fields: str) -> bytes:
    return f"{HEADER}\r\n{fields}\r\n".encode("latin-1")


def one(fields: str, season: str = "A26") -> ScheduleImport:
    return parse_eibi_bytes(row(fields), "test.csv", season=Season.parse(season))


def test_dates_resolve_in_the_season() -> None:
    (summer,) = one("6000;1200-1300;;D;Test;E;Eu;;6;0105;3107[0926]").broadcasts
    assert (summer.valid_from, summer.valid_to) == (date(2026, 5, 1), date(2026, 7, 31))
    assert summer.last_heard == "2026-09"
    (winter,) = one("6000;1200-1300;;D;Test;E;Eu;;1;0111;2802", "B26").broadcasts
    assert (winter.valid_from, winter.valid_to) == (date(2026, 11, 1), date(2027, 2, 28))
    (in_summer,) = one("6000;1200-1300;;D;Test;E;Eu;;1;0111;2802").broadcasts
    assert (in_summer.valid_from, in_summer.valid_to) == (date(2026, 11, 1), date(2027, 2, 28))
    assert in_summer.unschedulable == "no days"
    (open_dates,) = one("6000;1200-1300;;D;Test;E;Eu;;1;;").broadcasts
    assert (open_dates.valid_from, open_dates.valid_to) == (date(2026, 3, 29), date(2026, 10, 25))


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ("6000;1200-1300;;D;Test;E;Eu;;1;", "10 fields, expected 11"),
        ("6000;1200-1300;;D;Test;E;Eu;;1;;;", "12 fields, expected 11"),
        ("6000x;1200-1300;;D;Test;E;Eu;;1;;", "frequency '6000x'"),
        ("6000;2400-0100;;D;Test;E;Eu;;1;;", "time '2400'"),
        ("6000;1200;;D;Test;E;Eu;;1;;", "time '1200' is not HHMM-HHMM"),
        ("6000;1200-1300;Xx;D;Test;E;Eu;;1;;", "days 'Xx'"),
        ("6000;1200-1300;;D;;E;Eu;;1;;", "no station"),
        ("6000;1200-1300;;D;Test;E;Eu;;7;;", "P '7'"),
        ("6000;1200-1300;;D;Test;E;Eu;;;;", "P ''"),
        ("6000;1200-1300;;D;Test;E;Eu;;6;3102;", "Start: date '3102'"),
        ("6000;1200-1300;;D;Test;E;Eu;;6;;2902", "Stop: day is out of range"),
    ],
)
def test_bad_rows_are_rejected_with_a_reason(fields: str, reason: str) -> None:
    schedule = one(fields, "B26")
    assert schedule.broadcasts == ()
    (rejected,) = schedule.rejected
    assert rejected.line == 2
    assert reason in rejected.reason
    assert rejected.raw == fields


def test_blank_lines_are_not_rows_and_line_numbers_count_them() -> None:
    data = f"{HEADER}\r\n\r\n6000;1200-1300;;D;Test;E;Eu;;1;;\r\n".encode()
    schedule = parse_eibi_bytes(data, "sked-a26.csv")
    assert [b.line for b in schedule.broadcasts] == [3]
    assert schedule.rows == 1


def test_utf8_and_lf_files_are_read() -> None:
    text = f"{HEADER}\n6000;1200-1300;;B;Rádio Pará;P;SAm;;1;;\n"
    (utf8,) = parse_eibi_bytes(text.encode(), "sked-a26.csv").broadcasts
    (latin1,) = parse_eibi_bytes(text.encode("latin-1"), "sked-a26.csv").broadcasts
    assert utf8.station == latin1.station == "Rádio Pará"


def test_files_that_are_not_eibi(tmp_path: Path) -> None:
    with pytest.raises(ScheduleError, match="not an EiBi schedule"):
        parse_eibi_bytes(b"frequency_khz,start_utc\n", "sked-a26.csv")
    with pytest.raises(ScheduleError, match="the season is unknown"):
        parse_eibi_bytes(row("6000;1200-1300;;D;Test;E;Eu;;1;;"), "eibi.csv")
    missing = tmp_path / "sked-a26.csv"
    with pytest.raises(ScheduleError, match=f"{missing}: cannot read the file"):
        parse_eibi(missing)
    with pytest.raises(ScheduleError, match="not an EiBi schedule"):
        parse_eibi_bytes(b"\x00\xff\x10binary", "sked-a26.csv")
