"""``jamwatch report {outages,daily}``: outage reports and daily jamming from the database.

A readable table by default, or CSV with ``--csv`` (the same columns as the API's CSV exports).
Exit status 2 with a one-line error for a bad selection, range, receiver or database.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from typing import Literal

from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from dsp.bands import BANDS
from dsp.vocabulary import CHANNEL_RASTER_HZ
from monitor.cli.db import add_db_option, open_engine, require_current_schema
from monitor.errors import InputError
from monitor.reports import (
    BroadcastSelection,
    DateRange,
    JammingSeries,
    OutageReport,
    daily_jamming,
    outage_reports,
    total,
)
from monitor.reports.export import daily_csv, iso, outages_csv
from monitor.store.engine import transaction

MAX_DAYS = 366
"""Longest range of a report on the command line, in days."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``report`` and its ``outages`` and ``daily`` actions."""
    parser = commands.add_parser("report", help="outage reports and daily jamming")
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    text = (
        "The outage of broadcasts over a range of days: scheduled, observed, jammed and "
        "not-observed time per receiver and over all receivers. Unobserved time is never "
        "counted as clear."
    )
    outages = actions.add_parser("outages", help="outage of broadcasts", description=text)
    outages.add_argument("--broadcast", type=int, metavar="ID", help="one broadcast by its id")
    outages.add_argument("--station", metavar="NAME", help="every broadcast of a station")
    outages.add_argument("--language", metavar="CODE", help="every broadcast in a language")
    outages.add_argument("--target", metavar="AREA", help="every broadcast to a target area")
    outages.add_argument(
        "--receiver",
        action="append",
        metavar="NAME",
        help="report these receivers only (repeat; default: every receiver with data)",
    )
    _add_common(outages)
    outages.set_defaults(handler=run, action="outages")
    text = (
        "Per day: hours observed and jammed, duty cycle, first and last jamming, observed "
        "onsets and ends, and the days that stand out (see docs/reports.md)."
    )
    daily = actions.add_parser("daily", help="daily jamming of a channel or band", description=text)
    where = daily.add_mutually_exclusive_group(required=True)
    where.add_argument("--band", choices=sorted(BANDS, key=lambda b: BANDS[b]), help="a band")
    where.add_argument("--frequency-hz", type=int, metavar="F", help="one channel, in Hz")
    daily.add_argument(
        "--per",
        choices=("channel", "band"),
        help="a series per channel, or one for the band (default: what was asked)",
    )
    daily.add_argument("--receiver", metavar="NAME", help="one receiver only")
    _add_common(daily)
    daily.set_defaults(handler=run, action="daily")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="first", type=_date, required=True, metavar="DATE", help="first UTC day"
    )
    parser.add_argument(
        "--to", dest="last", type=_date, required=True, metavar="DATE", help="last UTC day"
    )
    parser.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    add_db_option(parser)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-02-16") from None


def run(args: argparse.Namespace) -> int:
    """Read the report in one transaction and print it."""
    dates = DateRange.checked(args.first, args.last, max_days=MAX_DAYS)
    engine = open_engine(args)
    try:
        require_current_schema(engine)
        with transaction(engine) as session:
            if args.action == "outages":
                selection = BroadcastSelection(
                    args.broadcast, args.station, args.language, args.target
                )
                reports = outage_reports(session, selection, dates, receivers=args.receiver)
                out = outages_csv(reports) if args.csv else None
            else:
                series = _daily_series(session, args, dates)
                out = daily_csv(series) if args.csv else None
    finally:
        engine.dispose()
    if out is not None:
        sys.stdout.write(out)
        return 0
    console = Console()
    if args.action == "outages":
        console.print(_outage_table(reports, dates))
    else:
        for one in series:
            console.print(_daily_table(one))
        if not series:
            console.print("no data in the range")
    return 0


def _daily_series(
    session: Session, args: argparse.Namespace, dates: DateRange
) -> list[JammingSeries]:
    scope: Literal["channel", "band"] = args.per or ("band" if args.band else "channel")
    if args.band is None and scope == "band":
        raise InputError("--per band needs --band")
    if args.band is None and (args.frequency_hz <= 0 or args.frequency_hz % CHANNEL_RASTER_HZ):
        raise InputError(
            f"--frequency-hz {args.frequency_hz}: not on the {CHANNEL_RASTER_HZ} Hz channel raster"
        )
    span = BANDS[args.band] if args.band else (args.frequency_hz, args.frequency_hz)
    return daily_jamming(
        session, span=span, dates=dates, scope=scope, band_name=args.band, receiver=args.receiver
    )


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.2f}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _outage_table(reports: list[OutageReport], dates: DateRange) -> Table:
    table = Table(
        title=f"Outages {dates.first} to {dates.last} (hours; * = all receivers)",
        caption="observed = judged (empty, signal, jammed); not observed is never clear",
    )
    for name in (
        "broadcast",
        "kHz",
        "UTC",
        "receiver",
        "scheduled",
        "observed",
        "not obs.",
        "jammed",
        "jammed all",
        "jammed %",
        "jammers",
    ):
        table.add_column(name, overflow="fold")
    for report in reports:
        b = report.broadcast
        head = [
            f"{b.id} {b.station} {b.language or ''} {b.target or ''}".strip(),
            f"{b.frequency_hz / 1000:g}",
            f"{b.start_time:%H%M}-{b.end_time:%H%M} {b.days}",
        ]
        for r in report.receivers:
            table.add_row(
                *head,
                r.receiver,
                _hours(r.scheduled_s),
                _hours(r.observed_s),
                _hours(r.unknown_s + r.unobserved_s),
                _hours(r.jammed_s),
                "",
                _percent(r.jammed_fraction),
                " ".join(sorted({w.jammer for w in r.windows})),
            )
            head = ["", "", ""]
        c = report.combined
        table.add_row(
            *head,
            "*",
            _hours(c.scheduled_s),
            _hours(c.observed_s),
            _hours(c.not_observed_s),
            _hours(c.jammed_any_s),
            _hours(c.jammed_all_s),
            _percent(c.jammed_any_fraction),
            " ".join(sorted({j for w in c.windows for j in w.jammers})),
            end_section=True,
        )
    if len(reports) > 1:
        t = total(reports)
        table.add_row(
            "total",
            "",
            "",
            "*",
            _hours(t.scheduled_s),
            _hours(t.observed_s),
            _hours(t.not_observed_s),
            _hours(t.jammed_any_s),
            _hours(t.jammed_all_s),
            _percent(t.jammed_any_fraction),
            "",
        )
    return table


def _clock(moment: datetime | None, day: date) -> str:
    """``HH:MM`` of a moment of ``day``; its end (next midnight) is ``24:00``."""
    if moment is None:
        return ""
    return "24:00" if moment.date() > day else iso(moment)[11:16]


def _daily_table(series: JammingSeries) -> Table:
    name = f"{int(series.name) / 1000:g} kHz" if series.scope == "channel" else series.name
    onset = series.modal_onset_hour
    end = series.modal_end_hour
    table = Table(
        title=f"{name} at {series.receiver}"
        + (f" ({series.channels} channels, channel-hours)" if series.scope == "band" else ""),
        caption=(
            f"median duty cycle {_percent(series.median_duty_cycle)}; most onsets at "
            f"{'-' if onset is None else f'{onset:02d}h'} UTC, most ends at "
            f"{'-' if end is None else f'{end:02d}h'} UTC"
        ),
    )
    for column in (
        "date",
        "observed h",
        "judged h",
        "jammed h",
        "duty",
        "first jammed",
        "last jammed",
        "onsets",
        "ends",
        "stands out",
    ):
        table.add_column(column, overflow="fold")
    for d in series.days:
        table.add_row(
            d.day.isoformat(),
            f"{d.observed_h:.2f}",
            f"{d.judged_h:.2f}",
            f"{d.jammed_h:.2f}",
            _percent(d.duty_cycle),
            _clock(d.first_jammed_at, d.day),
            _clock(d.last_jammed_at, d.day),
            str(d.onsets),
            str(d.ends),
            (d.standout or "").replace("_", " "),
        )
    return table
