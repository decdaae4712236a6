"""``jamwatch schedule import FILE``: store an EiBi or broadcaster schedule in the database.

Counts go to stdout; every rejected row (and every note about an imported one) goes to stderr
as ``FILE:LINE: ...``. Exit status 0 when the file was imported, even with rejected rows; 2 when
it cannot be read or is not a schedule (or the database is not migrated).
"""

from __future__ import annotations

import argparse
import sys

from monitor.cli.db import add_db_option, open_engine, require_current_schema
from monitor.errors import InputError
from monitor.schedules import FORMATS, ScheduleImport, Season, read_schedule
from monitor.schedules.store import ImportSummary, import_schedule
from monitor.store.engine import transaction


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``schedule`` and its ``import`` action."""
    parser = commands.add_parser("schedule", help="import broadcast schedules (EiBi, CSV, JSON)")
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    text = (
        "Import a schedule file, replacing what was imported before from the same source "
        "(an EiBi season, or a broadcaster file of the same name). Rejected rows are listed "
        "on stderr with their line numbers."
    )
    action = actions.add_parser("import", help="import a schedule file", description=text)
    action.add_argument("file", metavar="FILE", help="the schedule file")
    action.add_argument(
        "--format",
        choices=FORMATS,
        help="eibi (sked-XNN.csv), csv or json (the broadcaster formats); default: detected "
        "(.json is json, a file starting with EiBi's header is eibi, else csv)",
    )
    action.add_argument(
        "--season",
        type=_season,
        help="EiBi season such as A26 when the file name does not give it",
    )
    add_db_option(action)
    action.set_defaults(handler=run)


def _season(code: str) -> Season:
    try:
        return Season.parse(code)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def run(args: argparse.Namespace) -> int:
    """Parse the file, then store it in one transaction."""
    schedule = read_schedule(args.file, fmt=args.format, season=args.season)
    _report_rows(args.file, schedule)
    if not schedule.broadcasts:
        raise InputError(f"{args.file}: no broadcast in the file ({schedule.rows} rows rejected)")
    engine = open_engine(args)
    try:
        require_current_schema(engine)
        with transaction(engine) as session:
            summary = import_schedule(session, schedule)
    finally:
        engine.dispose()
    _report_summary(args.file, schedule, summary)
    return 0


def _report_rows(file: str, schedule: ScheduleImport) -> None:
    for rejected in schedule.rejected:
        print(f"{file}:{rejected.line}: rejected: {rejected.reason}", file=sys.stderr)
    for note in schedule.notes:
        print(f"{file}:{note.line}: note: {note.message}", file=sys.stderr)


def _report_summary(file: str, schedule: ScheduleImport, summary: ImportSummary) -> None:
    season = schedule.source.season
    print(
        f"{file}: {schedule.source.format}"
        + (f" season {season.code}" if season else "")
        + f", source {summary.source}"
    )
    print(
        f"rows: {schedule.rows}, parsed: {len(schedule.broadcasts)}, rejected: {summary.rejected}"
    )
    print(f"stored: {summary.stored} (replacing {summary.removed} rows of {summary.source})")
    if summary.not_stored:
        counts = ", ".join(
            f"{reason} {count}" for reason, count in sorted(summary.not_stored.items())
        )
        print(f"not stored: {counts}")
