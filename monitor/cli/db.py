"""``jamwatch db {upgrade,check,current}``: migrate the database and report its revision."""

from __future__ import annotations

import argparse

from sqlalchemy import Engine

from monitor.errors import InputError
from monitor.store.engine import make_engine
from monitor.store.migrate import current_revision, head_revision, upgrade
from monitor.store.settings import database_settings


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--db URL``, which overrides ``JAMWATCH_DATABASE_URL`` and the config file."""
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: JAMWATCH_DATABASE_URL, the config file, "
        "or sqlite:///./jamwatch.db)",
    )


def open_engine(args: argparse.Namespace) -> Engine:
    """The engine for ``--db`` or the configured database."""
    overrides = {"url": args.db} if args.db else {}
    return make_engine(database_settings(**overrides))


def require_current_schema(engine: Engine) -> None:
    """Raise :class:`InputError` unless the database is migrated to the newest revision."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise InputError(
            f"database {engine.url.render_as_string(hide_password=True)} is at revision "
            f"{current or 'none (empty)'}, not {head}: run `jamwatch db upgrade` first"
        )


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``db`` and its sub-commands."""
    parser = commands.add_parser(
        "db", help="migrate the database, check or show its schema revision"
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    for name, text in (
        ("upgrade", "create the schema or migrate it to the newest revision"),
        ("check", "exit 1 unless the database is at the newest revision (a deploy gate)"),
        ("current", "print the database's revision and the newest one"),
    ):
        action = actions.add_parser(name, help=text, description=text)
        add_db_option(action)
        action.set_defaults(handler=run, action=name)


def run(args: argparse.Namespace) -> int:
    """Run one ``db`` action."""
    engine = open_engine(args)
    try:
        if args.action == "upgrade":
            with engine.begin() as connection:
                upgrade(connection)
            print(f"database at revision {current_revision(engine)}")
            return 0
        current, head = current_revision(engine), head_revision()
        if args.action == "current":
            print(f"current: {current or 'empty database'}\nhead:    {head}")
            return 0
        if current != head:
            print(
                f"database is at {current or 'no revision (empty)'}, newest is {head}: "
                "run `jamwatch db upgrade`"
            )
            return 1
        print(f"database is at the newest revision {head}")
        return 0
    finally:
        engine.dispose()
