"""Alembic environment: the URL comes from the jamwatch settings, or a caller's connection.

A caller (the tests, ``jamwatch db``) may put an open ``Connection`` in
``config.attributes["connection"]``; migrations then run on it, inside its transaction.
Otherwise the URL is ``config.attributes["url"]`` when set, else ``JAMWATCH_DATABASE_URL``
(or the configuration file, or the SQLite default).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

import monitor.store
import monitor.store.evidence
from monitor.store.engine import make_engine
from monitor.store.models import Base
from monitor.store.settings import database_settings
from monitor.store.types import UTCDateTime

# every module of monitor.store is imported, so tables defined beside models.py (on the same
# Base) are part of the metadata that autogenerate and `alembic check` compare against
for module in pkgutil.iter_modules(monitor.store.__path__, "monitor.store."):
    importlib.import_module(module.name)

config = context.config
target_metadata = Base.metadata


def _render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render the UTC type by its short name, with its import, in new revisions."""
    if kind == "type" and isinstance(item, UTCDateTime):
        autogen_context.imports.add("from monitor.store.types import UTCDateTime")
        return "UTCDateTime()"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = config.attributes.get("url")
    return url if isinstance(url, str) else database_settings().url


def run_migrations_offline() -> None:
    """Emit the SQL for the migrations instead of running it."""
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the caller's connection or on a new one."""
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        _configure(connection)
        return
    engine = make_engine(database_settings(url=_url()))
    try:
        with engine.connect() as new_connection:
            _configure(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
