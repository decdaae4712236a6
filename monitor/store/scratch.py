"""Throw-away databases for tests and benchmarks: created empty, migrated, dropped after.

PostgreSQL databases get a unique name on the server of ``admin_url`` (a URL whose user may
create databases); SQLite ones are files in a given folder.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import URL, create_engine, make_url, text

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_reachable(admin_url: str, timeout_s: float = 3.0) -> str | None:
    """None when the server answers, else the reason it does not (for a skip message)."""
    engine = create_engine(admin_url, connect_args={"connect_timeout": max(1, int(timeout_s))})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect is a reason, reported as such
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    finally:
        engine.dispose()
    return None


@contextmanager
def postgres_database(
    admin_url: str = DEFAULT_ADMIN_URL, prefix: str = "jamwatch_test"
) -> Iterator[URL]:
    """Create an empty, uniquely named database; yield its URL; drop it (and its sessions)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(admin_url).set(database=name)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def sqlite_database(folder: Path) -> Iterator[URL]:
    """Yield the URL of a new SQLite file in ``folder``; remove the file and its WAL after."""
    path = folder / f"jamwatch_test_{uuid.uuid4().hex[:12]}.db"
    try:
        yield make_url(f"sqlite:///{path}")
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
