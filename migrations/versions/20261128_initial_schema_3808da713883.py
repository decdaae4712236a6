"""Initial schema: receivers, segments, ingest batches, heartbeats, broadcasts.

Revision ID: 3808da713883
Revises:
Create Date: 2026-11-28 02:31:04.439644
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from monitor.store.types import UTCDateTime

revision: str = "3808da713883"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIG_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _receiver_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["receiver_id"],
        ["receivers.id"],
        name=op.f(f"fk_{table}_receiver_id_receivers"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Upgrade the schema."""
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("frequency_hz", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("days", sa.String(length=7), nullable=False),
        sa.Column("station", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=64), nullable=True),
        sa.Column("target", sa.String(length=64), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.CheckConstraint("frequency_hz > 0", name=op.f("ck_broadcasts_frequency")),
        sa.CheckConstraint(
            "valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until",
            name=op.f("ck_broadcasts_valid"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    op.create_index(op.f("ix_broadcasts_frequency_hz"), "broadcasts", ["frequency_hz"])

    op.create_table(
        "receivers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("api_key_hash", sa.String(length=64), nullable=True),
        sa.Column("revoked", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_data_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receivers")),
        sa.UniqueConstraint("api_key_hash", name=op.f("uq_receivers_api_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_receivers_name")),
    )
    op.create_table(
        "heartbeats",
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.Column("detail", JSON_DOCUMENT, nullable=False),
        _receiver_fk("heartbeats"),
        sa.PrimaryKeyConstraint("receiver_id", name=op.f("pk_heartbeats")),
    )
    op.create_table(
        "ingest_batches",
        sa.Column("id", BIG_KEY, nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(length=128), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=False),
        sa.Column("channel_count", sa.Integer(), nullable=False),
        sa.Column("segment_count", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("stored_at", UTCDateTime(), nullable=False),
        _receiver_fk("ingest_batches"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_batches")),
        sa.UniqueConstraint(
            "receiver_id", "batch_id", name=op.f("uq_ingest_batches_receiver_id_batch_id")
        ),
    )
    op.create_table(
        "segments",
        sa.Column("id", BIG_KEY, nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("frequency_hz", sa.Integer(), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("jammer", sa.String(length=8), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("snr_db", sa.Float(), nullable=True),
        sa.Column("metrics", JSON_DOCUMENT, nullable=False),
        sa.CheckConstraint(
            "(state = 'jammed' AND jammer IS NOT NULL) OR (state <> 'jammed' AND jammer IS NULL)",
            name=op.f("ck_segments_jammer_iff_jammed"),
        ),
        sa.CheckConstraint(
            "jammer IS NULL OR jammer IN ('noise', 'sweep', 'pulse', 'tone', 'program', 'other')",
            name=op.f("ck_segments_jammer"),
        ),
        sa.CheckConstraint(
            "state IN ('empty', 'signal', 'jammed', 'unknown')", name=op.f("ck_segments_state")
        ),
        sa.CheckConstraint(
            "confidence >= 0 AND confidence <= 1", name=op.f("ck_segments_confidence")
        ),
        sa.CheckConstraint(
            "frequency_hz > 0 AND frequency_hz % 5000 = 0", name=op.f("ck_segments_raster")
        ),
        sa.CheckConstraint("start_at < end_at", name=op.f("ck_segments_ordered")),
        _receiver_fk("segments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
        sa.UniqueConstraint(
            "receiver_id",
            "frequency_hz",
            "start_at",
            name=op.f("uq_segments_receiver_id_frequency_hz_start_at"),
        ),
    )
    op.create_index(
        op.f("ix_segments_frequency_hz_start_at"), "segments", ["frequency_hz", "start_at"]
    )
    op.create_index(
        op.f("ix_segments_receiver_id_frequency_hz_end_at"),
        "segments",
        ["receiver_id", "frequency_hz", "end_at"],
    )


def downgrade() -> None:
    """Downgrade the schema."""
    op.drop_table("segments")
    op.drop_table("ingest_batches")
    op.drop_table("heartbeats")
    op.drop_table("receivers")
    op.drop_table("broadcasts")
