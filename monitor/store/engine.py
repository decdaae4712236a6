"""Engines and sessions: SQLite in WAL mode with working transactions, or PostgreSQL.

Sessions are opened by the caller (a command, a request) and passed to the store functions,
which never commit: the caller owns the transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from monitor.errors import InputError
from monitor.store.settings import DatabaseSettings

WAL_CHECKPOINT_PAGES = 10_000
"""SQLite checkpoints its write-ahead log once it holds this many pages (about 40 MB)."""


def make_engine(settings: DatabaseSettings) -> Engine:
    """Create the engine for ``settings.url``.

    SQLite gets WAL journaling (checkpointed every :data:`WAL_CHECKPOINT_PAGES` pages), foreign
    keys, a busy timeout, and SQLAlchemy's recipe that lets SQLAlchemy (not the ``sqlite3``
    module) emit ``BEGIN``, so transactions, savepoints and transactional DDL behave as on
    PostgreSQL.

    Raises
    ------
    InputError
        When the SQLite file's folder does not exist.
    """
    url = make_url(settings.url)
    if url.get_backend_name() != "sqlite":
        return create_engine(
            url, echo=settings.echo, pool_size=settings.pool_size, pool_pre_ping=True
        )
    if url.database and url.database != ":memory:":
        folder = Path(url.database).expanduser().resolve().parent
        if not folder.is_dir():
            raise InputError(f"database.url: folder {folder} of the SQLite file does not exist")
    engine = create_engine(
        url, echo=settings.echo, connect_args={"timeout": settings.busy_timeout_s}
    )
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # An ingest batch of a few thousand segments dirties more pages than SQLite's default
        # threshold (1,000): every commit then checkpointed the WAL into the file, with an
        # fsync, rewriting the same hot index pages batch after batch.
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine`` that keep loaded values after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on any exception."""
    with session_factory(engine).begin() as session:
        yield session
