"""Storing schedules in the ``broadcasts`` table (SQLite and PostgreSQL): replace, merge, map."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.schedules import ScheduleError, ScheduleImport, occurrences, parse_eibi_bytes
from monitor.schedules.own import parse_own_csv_bytes
from monitor.schedules.store import broadcast_of_row, import_schedule
from monitor.store.models import Broadcast as BroadcastRow

EIBI_HEADER = (
    "kHz:75;Time(UTC):93;Days:59;ITU:49;Station:201;Lng:49;Target:62;Remarks:135;"
    "P:35;Start:60;Stop:60;"
)
HEADER = "frequency_khz,start_utc,end_utc,days,station,language,target,valid_from,valid_to"


def own(*rows: str, name: str = "kbs.csv") -> ScheduleImport:
    return parse_own_csv_bytes("\n".join([HEADER, *rows]).encode(), name)


def stored(session: Session, source: str) -> list[tuple[object, ...]]:
    query = select(
        BroadcastRow.frequency_hz,
        BroadcastRow.start_time,
        BroadcastRow.end_time,
        BroadcastRow.days,
        BroadcastRow.station,
        BroadcastRow.language,
        BroadcastRow.target,
        BroadcastRow.valid_from,
        BroadcastRow.valid_until,
    ).where(BroadcastRow.source == source)
    return sorted(tuple(row) for row in session.execute(query))


@pytest.fixture
def a26(eibi_imports: dict[str, ScheduleImport]) -> ScheduleImport:
    return eibi_imports["sked-a26.csv"]


def test_real_season_is_stored_and_a_reimport_replaces_it(
    db_session: Session, a26: ScheduleImport
) -> None:
    first = import_schedule(db_session, a26)
    rows = stored(db_session, "eibi:A26")
    assert len(rows) == first.stored > 8000
    assert first.removed == 0
    assert first.rejected == len(a26.rejected) == 2
    unschedulable = sum(1 for b in a26.broadcasts if b.unschedulable is not None)
    jammers = sum(1 for b in a26.broadcasts if b.unschedulable is None and b.is_jammer)
    assert first.not_stored["unschedulable"] == unschedulable
    assert first.not_stored["jammer"] == jammers
    again = import_schedule(db_session, a26)
    assert (again.stored, again.removed) == (first.stored, first.stored)
    assert stored(db_session, "eibi:A26") == rows
    assert db_session.scalar(select(func.count()).select_from(BroadcastRow)) == len(rows)


def test_real_rows_keep_times_days_and_validity(db_session: Session, a26: ScheduleImport) -> None:
    import_schedule(db_session, a26)
    rows = set(stored(db_session, "eibi:A26"))
    storable = [b for b in a26.broadcasts if b.unschedulable is None and not b.is_jammer]
    crossing = next(b for b in storable if b.end_minute < b.start_minute and b.days.raw == "")
    start = time(crossing.start_minute // 60, crossing.start_minute % 60)
    end = time(crossing.end_minute // 60, crossing.end_minute % 60)
    assert (
        crossing.frequency_hz,
        start,
        end,
        "1234567",
        crossing.station,
        crossing.language,
        crossing.target,
        date(2026, 3, 29),
        date(2026, 10, 25),
    ) in rows
    non_ascii = next(b for b in storable if b.station == "Rádio Clube do Pará")
    assert any(row[4] == non_ascii.station for row in rows)


def test_other_sources_are_left_alone(db_session: Session) -> None:
    import_schedule(db_session, own("7210,1500,1600,,KBS,K,NEAs,,"))
    import_schedule(db_session, own("6075,1700,1800,,DW,D,Eu,,", name="dw.csv"))
    replaced = import_schedule(db_session, own("7215,1500,1600,,KBS,K,NEAs,,"))
    assert replaced.removed == 1
    assert [row[0] for row in stored(db_session, "csv:kbs.csv")] == [7_215_000]
    assert [row[4] for row in stored(db_session, "csv:dw.csv")] == ["DW"]


def test_merge_adds_only_new_rows(db_session: Session) -> None:
    rows = ["7210,1500,1600,Mo-Fr,KBS,K,NEAs,,", "9650,2300,0100,Sa,KBS,E,NAm,,"]
    import_schedule(db_session, own(*rows))
    repeat = import_schedule(db_session, own(*rows), replace_source=False)
    assert (repeat.stored, repeat.kept, repeat.removed) == (0, 2, 0)
    grown = import_schedule(
        db_session, own(*rows, "6015,1200,1300,,KBS,K,NEAs,,"), replace_source=False
    )
    assert (grown.stored, grown.kept) == (1, 2)
    assert len(stored(db_session, "csv:kbs.csv")) == 3


def test_mapping_of_days_and_times(db_session: Session) -> None:
    summary = import_schedule(
        db_session,
        own(
            "7210,0000,2400,,Whole day,,,,",
            "7220,2300,0100,We-Mo,Crossing,,,,",
            "7230,1200,1300,25Dec,Christmas,,,2026-01-01,2027-12-31",
            "7240,1200,1300,25Dec,Open Christmas,,,,",
            "7250,1200,1300,25Dec,No Christmas,,,2026-01-01,2026-06-30",
            "7260,1200,1300,1.Sa,Monthly,,,,",
            "7270,1200,1300,irr,Irregular,,,,",
        ),
    )
    rows = {row[4]: row for row in stored(db_session, "csv:kbs.csv")}
    assert rows["Whole day"][1:4] == (time(0), time(0), "1234567")
    assert rows["Crossing"][1:4] == (time(23), time(1), "134567")
    christmas = [row for row in stored(db_session, "csv:kbs.csv") if row[4] == "Christmas"]
    assert [(row[7], row[8]) for row in christmas] == [
        (date(2026, 12, 25), date(2026, 12, 25)),
        (date(2027, 12, 25), date(2027, 12, 25)),
    ]
    assert summary.stored == 4
    assert summary.not_stored == {
        "open yearly date": 1,
        "yearly date outside validity": 1,
        "monthly days": 1,
        "unschedulable": 1,
    }


def test_text_too_long_for_its_column_is_counted(db_session: Session) -> None:
    data = f"{EIBI_HEADER}\r\n6000;1200-1300;;D;{'x' * 201};E;Eu;;1;;\r\n".encode()
    summary = import_schedule(db_session, parse_eibi_bytes(data, "sked-a26.csv"))
    assert (summary.stored, summary.not_stored) == (0, {"too long": 1})


def test_source_key_too_long_is_an_error(db_session: Session) -> None:
    with pytest.raises(ScheduleError, match="longer than 200 characters"):
        import_schedule(db_session, own("7210,1500,1600,,KBS,,,,", name="k" * 200 + ".csv"))


def test_stored_rows_have_the_air_time_of_what_was_parsed(
    db_session: Session, a26: ScheduleImport
) -> None:
    import_schedule(db_session, a26)
    rows = db_session.scalars(select(BroadcastRow).where(BroadcastRow.source == "eibi:A26"))
    week = datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 8, tzinfo=UTC)
    from_rows = sorted(
        (row.frequency_hz, on, off)
        for row in rows
        for on, off in occurrences(broadcast_of_row(row), *week)
    )
    storable = [b for b in a26.broadcasts if b.unschedulable is None and not b.is_jammer]
    from_file = sorted(
        (b.frequency_hz, on, off)
        for b in storable
        if b.days.kind in ("weekly", "yearly-date")
        for on, off in occurrences(b, *week)
    )
    assert len(from_rows) > 10_000
    assert from_rows == from_file


def test_rows_no_import_writes_are_refused(db_session: Session) -> None:
    import_schedule(db_session, own("7210,0000,2400,,KBS,,,,"))
    row = db_session.scalars(select(BroadcastRow)).one()
    assert broadcast_of_row(row).duration_minutes == 1440
    row.start_time = row.end_time = time(15)
    with pytest.raises(ValueError, match="start and end time are both 15:00"):
        broadcast_of_row(row)
    row.start_time, row.days = time(14), "Mo-Fr"
    with pytest.raises(ValueError, match="not ISO weekday digits"):
        broadcast_of_row(row)
    row.days, row.source = "12345", "kbs.csv"
    with pytest.raises(ValueError, match="no format prefix"):
        broadcast_of_row(row)
