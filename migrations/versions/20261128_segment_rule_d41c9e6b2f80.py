"""Segment rule: the detector rule that decided a segment (nullable; older rows have none).

Revision ID: d41c9e6b2f80
Revises: b7d2e4f1a3c6
Create Date: 2026-11-28 05:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d41c9e6b2f80"
down_revision: str | Sequence[str] | None = "b7d2e4f1a3c6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``segments.rule``."""
    with op.batch_alter_table("segments") as batch_op:
        batch_op.add_column(sa.Column("rule", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Drop ``segments.rule``."""
    with op.batch_alter_table("segments") as batch_op:
        batch_op.drop_column("rule")
