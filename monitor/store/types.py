"""Column types: UTC timestamps that survive SQLite, and portable JSON and big integer keys."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL stores ``timestamp with time zone``. SQLite has no time zones and drops the
    offset, so values are converted to UTC and stored naive, and UTC is attached again when they
    are read. Naive datetimes are refused on the way in: a timestamp without a zone is a bug in
    the caller, not something to guess about.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given for a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def sqlite_text(value: datetime) -> str:
    """The text a :class:`UTCDateTime` holds on SQLite, for bulk inserts of plain values.

    Raises
    ------
    ValueError
        For a naive datetime, as :class:`UTCDateTime` does.
    """
    if value.tzinfo is not UTC:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given for a UTC column")
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


JSONDocument: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")
"""JSON on SQLite, JSONB on PostgreSQL."""

BigKey: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit primary key that still autoincrements on SQLite (only ``INTEGER`` does there)."""
