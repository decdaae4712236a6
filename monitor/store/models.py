"""The database schema as SQLAlchemy 2.x typed models (no web framework imported here).

Coverage is explicit in ``segments``: for every channel a receiver watched, its segments tile
the watched time (state ``unknown`` where it could not judge), so a time with no segment for a
channel and receiver was not observed. The store keeps that invariant (see
:func:`monitor.store.segments.store_analysis`); segments of one channel at one receiver never
overlap.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dsp.vocabulary import CHANNEL_RASTER_HZ, JAMMER_TYPES, STATES
from monitor.store.types import BigKey, JSONDocument, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Deterministic constraint names, required for SQLite batch migrations."""

NAME_LENGTH = 64
"""Longest receiver name."""

BATCH_ID_LENGTH = 128
"""Longest client batch id."""

RULE_LENGTH = 32
"""Longest detector rule name (``Segment.rule``)."""


def _quoted(words: tuple[str, ...]) -> str:
    return ", ".join(f"'{word}'" for word in words)


class Base(DeclarativeBase):
    """Declarative base with the naming convention and UTC timestamps for ``datetime``."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class Receiver(Base):
    """A receiving station; remote ones authenticate ingest with an API key (stored hashed)."""

    __tablename__ = "receivers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    location: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    api_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime]
    last_data_at: Mapped[datetime | None]


class Segment(Base):
    """A maximal interval ``[start_at, end_at)`` of one state for one channel at one receiver.

    ``rule`` names the detector rule that decided it (null when unknown: older data, or pieces
    of other rules joined).
    """

    __tablename__ = "segments"
    __table_args__ = (
        UniqueConstraint("receiver_id", "frequency_hz", "start_at"),
        # "segments of channel F (or of a band) between T0 and T1", across receivers
        Index(None, "frequency_hz", "start_at"),
        # the segments a new analysis touches
        Index(None, "receiver_id", "frequency_hz", "end_at"),
        CheckConstraint("start_at < end_at", name="ordered"),
        CheckConstraint(
            f"frequency_hz > 0 AND frequency_hz % {CHANNEL_RASTER_HZ} = 0", name="raster"
        ),
        CheckConstraint(f"state IN ({_quoted(STATES)})", name="state"),
        CheckConstraint(f"jammer IS NULL OR jammer IN ({_quoted(JAMMER_TYPES)})", name="jammer"),
        CheckConstraint(
            "(state = 'jammed' AND jammer IS NOT NULL) OR (state <> 'jammed' AND jammer IS NULL)",
            name="jammer_iff_jammed",
        ),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence"),
    )

    id: Mapped[int] = mapped_column(BigKey, primary_key=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("receivers.id", ondelete="CASCADE"))
    frequency_hz: Mapped[int] = mapped_column(Integer)
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(8))
    jammer: Mapped[str | None] = mapped_column(String(8))
    confidence: Mapped[float] = mapped_column(Float)
    snr_db: Mapped[float | None] = mapped_column(Float)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    rule: Mapped[str | None] = mapped_column(String(RULE_LENGTH))


class LatestSegment(Base):
    """The latest stored segment of each channel at each receiver: a copy kept by the store.

    It holds one row for every (receiver, channel) pair with segments, updated in the same
    transaction as ``segments``, so the current state of every channel and the list of pairs
    are read without grouping the whole segment history.
    """

    __tablename__ = "latest_segments"
    __table_args__ = (
        # the channels of a band, across receivers
        Index(None, "frequency_hz"),
        CheckConstraint("start_at < end_at", name="ordered"),
        CheckConstraint(f"state IN ({_quoted(STATES)})", name="state"),
    )

    receiver_id: Mapped[int] = mapped_column(
        ForeignKey("receivers.id", ondelete="CASCADE"), primary_key=True
    )
    frequency_hz: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(8))
    jammer: Mapped[str | None] = mapped_column(String(8))
    confidence: Mapped[float] = mapped_column(Float)


class ChannelDay(Base):
    """Seconds observed, judged and jammed of one channel at one receiver on one UTC day.

    A roll-up of ``segments`` kept by the store in the same transaction, so daily summaries read
    a row per channel and day instead of every segment. Observed = any state, judged = ``empty``,
    ``signal`` or ``jammed``; the rest of the day was not observed.
    """

    __tablename__ = "channel_days"
    __table_args__ = (Index(None, "frequency_hz", "day"),)

    receiver_id: Mapped[int] = mapped_column(
        ForeignKey("receivers.id", ondelete="CASCADE"), primary_key=True
    )
    frequency_hz: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    observed_s: Mapped[float] = mapped_column(Float)
    judged_s: Mapped[float] = mapped_column(Float)
    jammed_s: Mapped[float] = mapped_column(Float)


class IngestBatch(Base):
    """A stored batch (an ingest request or a stored analysis), so a repeat changes nothing."""

    __tablename__ = "ingest_batches"
    __table_args__ = (UniqueConstraint("receiver_id", "batch_id"),)

    id: Mapped[int] = mapped_column(BigKey, primary_key=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("receivers.id", ondelete="CASCADE"))
    batch_id: Mapped[str] = mapped_column(String(BATCH_ID_LENGTH))
    content_sha256: Mapped[str] = mapped_column(String(64))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    channel_count: Mapped[int] = mapped_column(Integer)
    segment_count: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(500))
    stored_at: Mapped[datetime]


class Heartbeat(Base):
    """The latest sign of life of a receiver (one row per receiver, overwritten)."""

    __tablename__ = "heartbeats"

    receiver_id: Mapped[int] = mapped_column(
        ForeignKey("receivers.id", ondelete="CASCADE"), primary_key=True
    )
    seen_at: Mapped[datetime]
    detail: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)


class Broadcast(Base):
    """A schedule entry (EiBi, HFCC, ...): who is on which frequency when, aimed where.

    ``start_time`` and ``end_time`` are UTC times of day (``end_time < start_time`` wraps past
    midnight); ``days`` lists ISO weekdays as digits, ``"1234567"`` for daily.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (
        Index(None, "frequency_hz"),
        CheckConstraint("frequency_hz > 0", name="frequency"),
        CheckConstraint(
            "valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until", name="valid"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    frequency_hz: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    days: Mapped[str] = mapped_column(String(7), default="1234567")
    station: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(64))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200))
