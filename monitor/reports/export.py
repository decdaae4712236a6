"""Reports as CSV: one row per broadcast and receiver (plus ``*`` for all), or per series day.

Times are ISO 8601 UTC with ``Z``; durations in seconds or hours as the column names say; an
empty cell is a value that does not exist (a fraction of nothing observed, no jamming seen).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from monitor.reports.daily import JammingSeries
from monitor.reports.outages import OutageReport

ALL_RECEIVERS = "*"
"""The receiver column of the combined row of a broadcast."""

OUTAGE_COLUMNS = (
    "broadcast_id",
    "station",
    "language",
    "target",
    "frequency_hz",
    "channel_hz",
    "receiver",
    "scheduled_s",
    "observed_s",
    "unknown_s",
    "not_observed_s",
    "jammed_s",
    "jammed_all_s",
    "clear_s",
    "jammed_fraction",
    "windows",
    "jammers",
)

DAILY_COLUMNS = (
    "receiver",
    "scope",
    "name",
    "date",
    "observed_h",
    "judged_h",
    "unknown_h",
    "unobserved_h",
    "jammed_h",
    "duty_cycle",
    "first_jammed_at",
    "last_jammed_at",
    "onsets",
    "ends",
    "standout",
)


def iso(moment: datetime | None) -> str:
    """``moment`` as ISO 8601 UTC with ``Z`` (empty for None)."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _number(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _document(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def outages_csv(reports: Sequence[OutageReport]) -> str:
    """The reports as CSV: per broadcast, a row per receiver and the combined row ``*``."""
    rows: list[list[object]] = []
    for report in reports:
        b = report.broadcast
        head = [b.id, b.station, b.language or "", b.target or "", b.frequency_hz, b.channel_hz]
        for r in report.receivers:
            jammers = sorted({w.jammer for w in r.windows})
            rows.append(
                [
                    *head,
                    r.receiver,
                    _number(r.scheduled_s, 1),
                    _number(r.observed_s, 1),
                    _number(r.unknown_s, 1),
                    _number(r.unobserved_s, 1),
                    _number(r.jammed_s, 1),
                    "",
                    _number(r.clear_s, 1),
                    _number(r.jammed_fraction, 4),
                    len(r.windows),
                    " ".join(jammers),
                ]
            )
        c = report.combined
        rows.append(
            [
                *head,
                ALL_RECEIVERS,
                _number(c.scheduled_s, 1),
                _number(c.observed_s, 1),
                "",
                _number(c.not_observed_s, 1),
                _number(c.jammed_any_s, 1),
                _number(c.jammed_all_s, 1),
                _number(c.clear_s, 1),
                _number(c.jammed_any_fraction, 4),
                len(c.windows),
                " ".join(sorted({j for w in c.windows for j in w.jammers})),
            ]
        )
    return _document(OUTAGE_COLUMNS, rows)


def daily_csv(series: Sequence[JammingSeries]) -> str:
    """The series as CSV, a row per day."""
    return _document(
        DAILY_COLUMNS,
        (
            [
                s.receiver,
                s.scope,
                s.name,
                d.day.isoformat(),
                _number(d.observed_h, 4),
                _number(d.judged_h, 4),
                _number(d.unknown_h, 4),
                _number(d.unobserved_h, 4),
                _number(d.jammed_h, 4),
                _number(d.duty_cycle, 4),
                iso(d.first_jammed_at),
                iso(d.last_jammed_at),
                d.onsets,
                d.ends,
                d.standout or "",
            ]
            for s in series
            for d in s.days
        ),
    )
