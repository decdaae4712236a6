"""Latest segments: the latest segment of each channel at each receiver, filled from segments.

Revision ID: b7d2e4f1a3c6
Revises: 5e1d0c7a9b24
Create Date: 2026-11-28 05:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from monitor.store.types import UTCDateTime

revision: str = "b7d2e4f1a3c6"
down_revision: str | Sequence[str] | None = "5e1d0c7a9b24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# segments of one channel never overlap, so the one that ends last is unique
_BACKFILL = """
INSERT INTO latest_segments
    (receiver_id, frequency_hz, start_at, end_at, state, jammer, confidence)
SELECT s.receiver_id, s.frequency_hz, s.start_at, s.end_at, s.state, s.jammer, s.confidence
FROM segments AS s
JOIN (
    SELECT receiver_id, frequency_hz, MAX(end_at) AS end_at
    FROM segments
    GROUP BY receiver_id, frequency_hz
) AS last
ON s.receiver_id = last.receiver_id
AND s.frequency_hz = last.frequency_hz
AND s.end_at = last.end_at
"""


def upgrade() -> None:
    """Create ``latest_segments`` and fill it from the segments already stored."""
    op.create_table(
        "latest_segments",
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("frequency_hz", sa.Integer(), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("jammer", sa.String(length=8), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.CheckConstraint("start_at < end_at", name=op.f("ck_latest_segments_ordered")),
        sa.CheckConstraint(
            "state IN ('empty', 'signal', 'jammed', 'unknown')",
            name=op.f("ck_latest_segments_state"),
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["receivers.id"],
            name=op.f("fk_latest_segments_receiver_id_receivers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("receiver_id", "frequency_hz", name=op.f("pk_latest_segments")),
    )
    op.create_index(op.f("ix_latest_segments_frequency_hz"), "latest_segments", ["frequency_hz"])
    op.execute(_BACKFILL)


def downgrade() -> None:
    """Drop ``latest_segments`` (the segments keep everything it copied)."""
    op.drop_index(op.f("ix_latest_segments_frequency_hz"), table_name="latest_segments")
    op.drop_table("latest_segments")
