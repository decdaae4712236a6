"""Channel days: per-day roll-up of segments for fast daily summaries, filled from segments.

Revision ID: 943732e1c598
Revises: 3808da713883
Create Date: 2026-11-28 03:01:21.257971
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "943732e1c598"
down_revision: str | Sequence[str] | None = "3808da713883"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JUDGED = ("empty", "signal", "jammed")
_INSERT_CHUNK = 5000


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _backfill(connection: sa.Connection, table: sa.Table) -> None:
    """Add up the stored segments per receiver, channel and UTC day (self-contained on purpose:
    a migration must not change when the application's code does)."""
    segments = sa.table(
        "segments",
        sa.column("receiver_id", sa.Integer()),
        sa.column("frequency_hz", sa.Integer()),
        sa.column("start_at", sa.DateTime()),
        sa.column("end_at", sa.DateTime()),
        sa.column("state", sa.String()),
    )
    totals: dict[tuple[int, int, date], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    rows = connection.execute(sa.select(segments), execution_options={"stream_results": True})
    for receiver_id, frequency_hz, start_at, end_at, state in rows:
        cursor, stop = _utc(start_at), _utc(end_at)
        while cursor < stop:
            midnight = datetime.combine(cursor.date() + timedelta(days=1), time(), UTC)
            seconds = (min(stop, midnight) - cursor).total_seconds()
            entry = totals[(receiver_id, frequency_hz, cursor.date())]
            entry[0] += seconds
            entry[1] += seconds if state in _JUDGED else 0.0
            entry[2] += seconds if state == "jammed" else 0.0
            cursor = min(stop, midnight)
    values = [
        {
            "receiver_id": key[0],
            "frequency_hz": key[1],
            "day": key[2],
            "observed_s": observed,
            "judged_s": judged,
            "jammed_s": jammed,
        }
        for key, (observed, judged, jammed) in totals.items()
    ]
    for first in range(0, len(values), _INSERT_CHUNK):
        connection.execute(table.insert(), values[first : first + _INSERT_CHUNK])


def upgrade() -> None:
    """Create ``channel_days`` and fill it from the segments already stored."""
    table = op.create_table(
        "channel_days",
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("frequency_hz", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("observed_s", sa.Float(), nullable=False),
        sa.Column("judged_s", sa.Float(), nullable=False),
        sa.Column("jammed_s", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["receivers.id"],
            name=op.f("fk_channel_days_receiver_id_receivers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("receiver_id", "frequency_hz", "day", name=op.f("pk_channel_days")),
    )
    op.create_index(
        op.f("ix_channel_days_frequency_hz_day"), "channel_days", ["frequency_hz", "day"]
    )
    if table is not None and not op.get_context().as_sql:  # with --sql there is nothing to read
        _backfill(op.get_bind(), table)


def downgrade() -> None:
    """Drop ``channel_days`` (the segments keep everything it summed)."""
    op.drop_table("channel_days")
