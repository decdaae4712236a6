"""``INSERT ... ON CONFLICT`` for the dialect of a session (PostgreSQL and SQLite both have it)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

Insert = postgresql.Insert | sqlite.Insert


def upsert(session: Session, table: Table) -> Insert:
    """An insert into ``table`` on which ``on_conflict_do_update`` can be called."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def upsert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    on_conflict: Callable[[Insert], Insert],
) -> None:
    """Insert ``rows`` (all with the same keys) through ``on_conflict(insert)``.

    On PostgreSQL one statement reads the rows from arrays of their values (``unnest``): a
    statement per row cost 30-50 us a row there. SQLite runs the statement once per row in
    process (``executemany``).
    """
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(on_conflict(sqlite.insert(table)), list(rows))
        return
    names = list(rows[0])
    values = [
        func.unnest(
            bindparam(
                f"{name}_values",
                [row[name] for row in rows],
                type_=postgresql.ARRAY(table.c[name].type),
            )
        )
        for name in names
    ]  # set-returning functions side by side in a select list run in step
    session.execute(on_conflict(postgresql.insert(table).from_select(names, select(*values))))
