"""The index of evidence bundles: one row per bundle folder a receiver wrote (framework-free).

The files stay on the receiver's disk (``path``); the row lets the API find bundles by channel
and time and serve them under a stable id. The receiver adds a row when it writes a bundle and
deletes it when retention deletes the folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from dsp.vocabulary import CHANNEL_RASTER_HZ
from monitor.store.models import Base, Receiver
from monitor.store.receivers import lock_receiver

KEY_LENGTH = 200
"""Longest bundle key (``<receiver>/<date>/<frequency>_<start>``)."""


class EvidenceBundle(Base):
    """An evidence bundle: the folder of a jamming onset's IQ clip, waterfall and facts."""

    __tablename__ = "evidence_bundles"
    __table_args__ = (
        Index(None, "frequency_hz", "start_at"),
        Index(None, "receiver_id", "start_at"),
        CheckConstraint("start_at < end_at", name="ordered"),
        CheckConstraint("clip_start_at < clip_end_at", name="clip_ordered"),
        CheckConstraint(
            f"frequency_hz > 0 AND frequency_hz % {CHANNEL_RASTER_HZ} = 0", name="raster"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("receivers.id", ondelete="CASCADE"))
    frequency_hz: Mapped[int] = mapped_column(Integer)
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    jammer: Mapped[str] = mapped_column(String(8))
    confidence: Mapped[float] = mapped_column(Float)
    snr_db: Mapped[float | None] = mapped_column(Float)
    clip_start_at: Mapped[datetime]
    clip_end_at: Mapped[datetime]
    path: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


@dataclass(frozen=True, slots=True)
class BundleRecord:
    """What the index keeps of a bundle (the row without its ids).

    Attributes
    ----------
    key
        ``<receiver>/<date>/<frequency>_<start>``, unique.
    receiver
        Receiver name.
    frequency_hz
        The channel.
    start, end
        The jammed segment (onset and end as observed in its dwell), UTC.
    jammer, confidence, snr_db
        The segment's verdict.
    clip_start, clip_end
        Time span of the IQ clip, UTC.
    path
        Absolute path of the bundle folder.
    size_bytes
        Total size of its files.
    created_at
        When it was written.
    """

    key: str
    receiver: str
    frequency_hz: int
    start: datetime
    end: datetime
    jammer: str
    confidence: float
    snr_db: float | None
    clip_start: datetime
    clip_end: datetime
    path: str
    size_bytes: int
    created_at: datetime


def add_bundle(session: Session, record: BundleRecord) -> int:
    """Index a bundle (replacing a row of the same key); return its id. The caller commits."""
    session.execute(delete(EvidenceBundle).where(EvidenceBundle.key == record.key))
    receiver = lock_receiver(session, record.receiver, create=True, now=record.created_at)
    row = EvidenceBundle(
        key=record.key,
        receiver_id=receiver.id,
        frequency_hz=record.frequency_hz,
        start_at=record.start,
        end_at=record.end,
        jammer=record.jammer,
        confidence=record.confidence,
        snr_db=record.snr_db,
        clip_start_at=record.clip_start,
        clip_end_at=record.clip_end,
        path=record.path,
        size_bytes=record.size_bytes,
        created_at=record.created_at,
    )
    session.add(row)
    session.flush()
    return row.id


def remove_bundles(session: Session, keys: Iterable[str]) -> int:
    """Forget the bundles of ``keys``; return how many rows went. The caller commits."""
    keys = list(keys)
    if not keys:
        return 0
    result = session.execute(delete(EvidenceBundle).where(EvidenceBundle.key.in_(keys)))
    return int(getattr(result, "rowcount", 0) or 0)


def find_bundle(session: Session, bundle_id: int) -> tuple[EvidenceBundle, str] | None:
    """The bundle of ``bundle_id`` and its receiver's name, or None."""
    row = session.execute(
        select(EvidenceBundle, Receiver.name)
        .join(Receiver, Receiver.id == EvidenceBundle.receiver_id)
        .where(EvidenceBundle.id == bundle_id)
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def bundles_between(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    span_hz: tuple[int, int] | None = None,
    receiver_id: int | None = None,
    limit: int,
    offset: int = 0,
) -> Sequence[tuple[EvidenceBundle, str]]:
    """Bundles whose segment overlaps ``[start, end)``, by onset, with their receiver's name.

    Parameters
    ----------
    span_hz
        Inclusive channel range, or None for every channel.
    receiver_id
        One receiver, or None for all.
    limit, offset
        The page.
    """
    query = (
        select(EvidenceBundle, Receiver.name)
        .join(Receiver, Receiver.id == EvidenceBundle.receiver_id)
        .where(EvidenceBundle.start_at < end, EvidenceBundle.end_at > start)
    )
    if span_hz is not None:
        query = query.where(EvidenceBundle.frequency_hz.between(*span_hz))
    if receiver_id is not None:
        query = query.where(EvidenceBundle.receiver_id == receiver_id)
    query = query.order_by(EvidenceBundle.start_at, EvidenceBundle.id).limit(limit).offset(offset)
    return [(row[0], row[1]) for row in session.execute(query).all()]
