"""Database fixtures for both backends, imported by the conftests of the database tests.

``migrated_engine`` is parametrised over SQLite and PostgreSQL: each backend's database is
created and migrated once per session and dropped at the end; ``db_session`` runs each test in
a transaction that is rolled back (the code under test may commit: it releases a savepoint).

PostgreSQL is the server of ``JAMWATCH_TEST_POSTGRES_URL`` (default: 127.0.0.1:5432, user
postgres). When it is unreachable the PostgreSQL half is skipped with the reason, unless ``CI``
is set: then it fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from sqlalchemy import URL, Engine
from sqlalchemy.orm import Session

from monitor.store.engine import make_engine
from monitor.store.migrate import upgrade
from monitor.store.scratch import (
    DEFAULT_ADMIN_URL,
    postgres_database,
    postgres_reachable,
    sqlite_database,
)
from monitor.store.settings import DatabaseSettings

BACKENDS = ("sqlite", "postgresql")


def admin_url() -> str:
    """The PostgreSQL server the tests create their databases on."""
    return os.environ.get("JAMWATCH_TEST_POSTGRES_URL", DEFAULT_ADMIN_URL)


def require_postgres() -> None:
    """Skip (or, under CI, fail) when the PostgreSQL server does not answer."""
    reason = postgres_reachable(admin_url())
    if reason is None:
        return
    message = f"PostgreSQL at {admin_url()} unreachable ({reason})"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {message}")
    pytest.skip(message)


def empty_database(backend: str, folder: Path) -> AbstractContextManager[URL]:
    """A new empty database of ``backend`` (SQLite files go in ``folder``)."""
    if backend == "postgresql":
        require_postgres()
        return postgres_database(admin_url())
    return sqlite_database(folder)


def engine_for(url: URL) -> Engine:
    """An engine configured as the application configures it."""
    return make_engine(DatabaseSettings(url=url.render_as_string(hide_password=False)))


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """An engine on a database migrated to head, one per backend and session."""
    with empty_database(request.param, tmp_path_factory.mktemp("db")) as url:
        engine = engine_for(url)
        try:
            with engine.begin() as connection:
                upgrade(connection)
            yield engine
        finally:
            engine.dispose()


@pytest.fixture
def db_session(migrated_engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    with migrated_engine.connect() as connection:
        outer = connection.begin()
        session = Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield session
        finally:
            session.close()
            outer.rollback()
