"""Bundles are written, indexed and pruned on a thread of their own, never in the capture loop.

Drawing a waterfall takes a noticeable fraction of a second; the capture loop hands finished
evidence to :class:`BundleWriter` through a bounded queue and goes on reading the device. A
full queue drops the evidence (logged as an error) rather than stall the capture.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from monitor.analysis import iso_utc
from monitor.evidence.bundle import Evidence, WrittenBundle, write_bundle
from monitor.evidence.retention import prune
from monitor.receiver.logs import kv
from monitor.store.engine import transaction
from monitor.store.evidence import BundleRecord, add_bundle, remove_bundles

logger = logging.getLogger(__name__)

QUEUE_BUNDLES = 32
"""Evidence waiting to be written; more is dropped."""

KEEP_WRITTEN = 64
"""Latest written bundles remembered in :attr:`BundleWriter.written`."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class BundleWriter:
    """Writes evidence bundles under ``root``, indexes them and applies retention.

    Parameters
    ----------
    root
        The evidence folder.
    receiver
        Receiver name (its bundles live in ``root/receiver``; retention touches only those).
    retention_days, max_bytes
        Retention limits (see :func:`monitor.evidence.retention.prune`).
    engine
        Database whose ``evidence_bundles`` index the bundles, or None.
    clock
        Current UTC time (creation stamps and the age limit).
    """

    def __init__(
        self,
        root: Path,
        receiver: str,
        *,
        retention_days: float,
        max_bytes: int,
        engine: Engine | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.root = root.absolute()
        self.receiver = receiver
        self.retention_days = retention_days
        self.max_bytes = max_bytes
        self._engine = engine
        self._clock = clock
        self._queue: queue.Queue[Evidence | None] = queue.Queue(QUEUE_BUNDLES)
        self._thread: threading.Thread | None = None
        self.written: deque[WrittenBundle] = deque(maxlen=KEEP_WRITTEN)
        """The latest bundles written by this writer, oldest first."""

    def start(self) -> None:
        """Start the writing thread (without it, :meth:`write` is called by the submitter)."""
        self._thread = threading.Thread(target=self._run, name="evidence-writer", daemon=True)
        self._thread.start()

    def submit(self, evidence: Evidence) -> None:
        """Queue ``evidence`` for the thread, or write it now when no thread runs."""
        if self._thread is None:
            self.write(evidence)
            return
        try:
            self._queue.put_nowait(evidence)
        except queue.Full:
            logger.error(
                kv(
                    "evidence_dropped",
                    frequency_hz=evidence.segment.frequency_hz,
                    onset=iso_utc(evidence.segment.start),
                    reason="writer queue full",
                )
            )

    def close(self, timeout_s: float | None = None) -> None:
        """Write what is queued, then stop the thread (waiting up to ``timeout_s``)."""
        if self._thread is None:
            return
        self._queue.put(None)
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            logger.error(kv("evidence_writer_stuck", waited_s=timeout_s))
        self._thread = None

    def _run(self) -> None:
        while (evidence := self._queue.get()) is not None:
            self.write(evidence)

    def write(self, evidence: Evidence) -> WrittenBundle | None:
        """Write, index and prune; log and return None when the bundle cannot be written."""
        now = self._clock()
        try:
            bundle = write_bundle(self.root, evidence, now=now)
        except (OSError, ValueError) as exc:
            logger.error(
                kv(
                    "evidence_failed",
                    frequency_hz=evidence.segment.frequency_hz,
                    onset=iso_utc(evidence.segment.start),
                    error=exc,
                )
            )
            return None
        self.written.append(bundle)
        logger.info(kv("evidence", key=bundle.key, bytes=bundle.size_bytes))
        self._index(evidence, bundle, now)
        self.prune(now)
        return bundle

    def prune(self, now: datetime) -> list[str]:
        """Apply retention to this receiver's bundles and forget the deleted ones' rows."""
        try:
            deleted = prune(
                self.root,
                self.receiver,
                now=now,
                retention_days=self.retention_days,
                max_bytes=self.max_bytes,
            )
        except OSError as exc:
            logger.error(kv("evidence_retention_failed", error=exc))
            return []
        if deleted:
            logger.info(kv("evidence_pruned", bundles=len(deleted), oldest=deleted[0]))
            if self._engine is not None:
                try:
                    with transaction(self._engine) as session:
                        remove_bundles(session, deleted)
                except SQLAlchemyError as exc:
                    logger.error(kv("evidence_unindex_failed", error=exc))
        return deleted

    def _index(self, evidence: Evidence, bundle: WrittenBundle, now: datetime) -> None:
        if self._engine is None:
            return
        segment, clip = evidence.segment, evidence.clip
        record = BundleRecord(
            key=bundle.key,
            receiver=evidence.receiver,
            frequency_hz=segment.frequency_hz,
            start=segment.start,
            end=segment.end,
            jammer=segment.jammer or "other",
            confidence=segment.confidence,
            snr_db=segment.snr_db,
            clip_start=clip.start,
            clip_end=clip.end,
            path=str(bundle.path),
            size_bytes=bundle.size_bytes,
            created_at=now,
        )
        try:
            with transaction(self._engine) as session:
                add_bundle(session, record)
        except SQLAlchemyError as exc:
            logger.error(kv("evidence_index_failed", key=bundle.key, error=exc))
