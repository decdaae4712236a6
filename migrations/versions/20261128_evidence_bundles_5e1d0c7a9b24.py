"""Evidence bundles: the index of the IQ clip and waterfall folders kept at jamming onsets.

Revision ID: 5e1d0c7a9b24
Revises: 943732e1c598
Create Date: 2026-11-28 05:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from monitor.store.types import UTCDateTime

revision: str = "5e1d0c7a9b24"
down_revision: str | Sequence[str] | None = "943732e1c598"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade the schema."""
    op.create_table(
        "evidence_bundles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("frequency_hz", sa.Integer(), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=False),
        sa.Column("jammer", sa.String(length=8), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("snr_db", sa.Float(), nullable=True),
        sa.Column("clip_start_at", UTCDateTime(), nullable=False),
        sa.Column("clip_end_at", UTCDateTime(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("start_at < end_at", name=op.f("ck_evidence_bundles_ordered")),
        sa.CheckConstraint(
            "clip_start_at < clip_end_at", name=op.f("ck_evidence_bundles_clip_ordered")
        ),
        sa.CheckConstraint(
            "frequency_hz > 0 AND frequency_hz % 5000 = 0",
            name=op.f("ck_evidence_bundles_raster"),
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["receivers.id"],
            name=op.f("fk_evidence_bundles_receiver_id_receivers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_bundles")),
        sa.UniqueConstraint("key", name=op.f("uq_evidence_bundles_key")),
    )
    op.create_index(
        op.f("ix_evidence_bundles_frequency_hz_start_at"),
        "evidence_bundles",
        ["frequency_hz", "start_at"],
    )
    op.create_index(
        op.f("ix_evidence_bundles_receiver_id_start_at"),
        "evidence_bundles",
        ["receiver_id", "start_at"],
    )


def downgrade() -> None:
    """Downgrade the schema."""
    op.drop_index(op.f("ix_evidence_bundles_receiver_id_start_at"), table_name="evidence_bundles")
    op.drop_index(op.f("ix_evidence_bundles_frequency_hz_start_at"), table_name="evidence_bundles")
    op.drop_table("evidence_bundles")
