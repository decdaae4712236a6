"""Where a dwell's verdicts go: the local database and/or the outbox towards a central server.

A :class:`DwellBatch` is what one dwell observed: the tuning's channels over ``[start, end)`` and
their segments (time without a segment in that range is stored as ``unknown``; time outside it
stays unobserved). Its id is the digest of its content, so storing or sending it twice is a
no-op at the store and at the server.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from monitor.analysis import iso_utc, segment_json
from monitor.receiver.forwarder import Forwarder
from monitor.receiver.logs import kv
from monitor.receiver.outbox import Outbox
from monitor.store.engine import transaction
from monitor.store.receivers import find_receiver, lock_receiver, record_heartbeat
from monitor.store.segments import Batch, store_analysis

logger = logging.getLogger(__name__)

Detail = Mapping[str, str | float | int | bool | None]
"""Free-form status figures sent with a heartbeat."""


@dataclass(frozen=True, slots=True)
class DwellBatch:
    """The verdicts of one dwell at one tuning.

    Attributes
    ----------
    receiver
        Receiver name.
    center_hz
        The tuning, in Hz.
    batch
        Channels, covered time and segments, validated by the store's rules.
    """

    receiver: str
    center_hz: float
    batch: Batch

    @property
    def batch_id(self) -> str:
        """``sha256:`` and the digest of the content (the id a local store uses too)."""
        return f"sha256:{self.batch.digest()}"

    @property
    def source(self) -> str:
        """Provenance kept with the batch."""
        return f"jamwatch run {self.receiver} {self.center_hz:.0f} Hz"

    def ingest_body(self) -> bytes:
        """The ``POST /api/v1/ingest`` request body."""
        segments = []
        for segment in self.batch.segments:
            item = segment_json(segment)
            item["metrics"] = dict(segment.metrics)
            item["rule"] = segment.rule
            segments.append(item)
        document = {
            "batch_id": self.batch_id,
            "receiver": self.receiver,
            "start": iso_utc(self.batch.start),
            "end": iso_utc(self.batch.end),
            "channels": list(self.batch.channels),
            "segments": segments,
            "source": self.source,
        }
        return json.dumps(document, separators=(",", ":")).encode()


class Sink(Protocol):
    """A destination of dwell batches."""

    name: str

    def deliver(self, dwell: DwellBatch) -> bool:
        """Persist the batch durably; False (after logging why) if it could not be."""
        ...

    def heartbeat(self, detail: Detail) -> None:
        """Record that the receiver is alive, with its status."""
        ...


class StoreSink:
    """The local database (SQLite or PostgreSQL), through the store's splicing rules.

    Parameters
    ----------
    engine
        An engine on a migrated database.
    receiver
        Receiver name (created on first use).
    """

    name = "database"

    def __init__(self, engine: Engine, receiver: str) -> None:
        self._engine = engine
        self._receiver = receiver

    def deliver(self, dwell: DwellBatch) -> bool:
        """Store the batch and refresh the heartbeat, in one transaction."""
        batch = dwell.batch
        try:
            with transaction(self._engine) as session:
                stored = store_analysis(
                    session,
                    receiver=self._receiver,
                    channels=batch.channels,
                    start=batch.start,
                    end=batch.end,
                    segments=batch.segments,
                    source=dwell.source,
                )
                record_heartbeat(
                    session,
                    lock_receiver(session, self._receiver, create=False, now=datetime.now(UTC)).id,
                    datetime.now(UTC),
                    {"state": "observing", "center_hz": dwell.center_hz},
                )
        except SQLAlchemyError as exc:
            logger.error(kv("store_failed", batch_id=dwell.batch_id, error=exc))
            return False
        logger.debug(
            kv("stored", batch_id=stored.batch_id, rows=stored.rows_inserted, dup=stored.duplicate)
        )
        return True

    def heartbeat(self, detail: Detail) -> None:
        """Overwrite the receiver's heartbeat row (what the API's ``/health/ready`` reads)."""
        now = datetime.now(UTC)
        try:
            with transaction(self._engine) as session:
                receiver = find_receiver(session, self._receiver) or lock_receiver(
                    session, self._receiver, create=True, now=now
                )
                record_heartbeat(session, receiver.id, now, dict(detail))
        except SQLAlchemyError as exc:
            logger.error(kv("heartbeat_failed", error=exc))


class OutboxSink:
    """The durable outbox, drained to the central server by a :class:`Forwarder`."""

    name = "outbox"

    def __init__(self, outbox: Outbox, forwarder: Forwarder) -> None:
        self._outbox = outbox
        self._forwarder = forwarder

    def deliver(self, dwell: DwellBatch) -> bool:
        """Queue the batch and wake the forwarder."""
        try:
            self._outbox.put(dwell.batch_id, dwell.ingest_body())
        except sqlite3.Error as exc:
            logger.error(kv("outbox_failed", batch_id=dwell.batch_id, error=exc))
            return False
        self._forwarder.poke()
        return True

    def heartbeat(self, detail: Detail) -> None:
        """Hand the status to the forwarder, which sends heartbeats on its own schedule."""
        self._forwarder.set_detail(detail)
