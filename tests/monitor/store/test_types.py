"""UTC timestamps on SQLite: the text bulk inserts write is the text SQLAlchemy writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select, text

from monitor.store.types import UTCDateTime, sqlite_text

MOMENTS = [
    datetime(2026, 2, 16, 12, 0, 8, tzinfo=UTC),
    datetime(2026, 2, 16, 12, 0, 8, 250_000, tzinfo=UTC),
    datetime(2026, 2, 17, 2, 30, tzinfo=timezone(timedelta(hours=9))),  # Seoul: the 16th, UTC
    datetime(999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
]


@pytest.mark.parametrize("moment", MOMENTS)
def test_sqlite_text_is_what_the_column_type_stores(moment: datetime) -> None:
    engine = create_engine("sqlite://")
    table = Table(
        "t", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime())
    )
    with engine.begin() as connection:
        table.create(connection)
        connection.execute(insert(table).values(id=1, at=moment))
        stored = connection.execute(text("SELECT at FROM t")).scalar_one()
        connection.execute(
            text("INSERT INTO t (id, at) VALUES (2, :at)"), {"at": sqlite_text(moment)}
        )
        read_back = connection.execute(select(table.c.at).where(table.c.id == 2)).scalar_one()
    assert sqlite_text(moment) == stored
    assert read_back == moment


def test_sqlite_text_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="naive"):
        sqlite_text(datetime(2026, 2, 16, 12))
