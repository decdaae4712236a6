"""``INSERT ... ON CONFLICT`` for the dialect of a session (PostgreSQL and SQLite both have it)."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An insert into ``table`` on which ``on_conflict_do_update`` can be called."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
