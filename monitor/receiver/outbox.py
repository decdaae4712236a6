"""The durable outbox: ingest requests waiting for the central server, in a SQLite file.

A batch is written (and ``fsync``-ed by SQLite's commit) before anything tries to send it, and
removed only after the server acknowledged it, so a crash at any moment loses nothing and at
worst sends a batch again; the server stores a repeated ``batch_id`` once. The file is bounded:
above ``warn_fraction`` of ``max_bytes`` a warning is logged and a gauge raised; a batch that
would not fit pushes out the oldest batches, each dropped one logged as an error and counted.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from monitor.errors import InputError
from monitor.receiver.logs import kv
from monitor.receiver.metrics import ReceiverMetrics

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id TEXT NOT NULL UNIQUE,
    body BLOB NOT NULL,
    queued_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    rejected TEXT
)
"""


@dataclass(frozen=True, slots=True)
class Entry:
    """A batch waiting in the outbox.

    Attributes
    ----------
    seq
        Queue position (oldest first).
    batch_id
        The client batch id sent to the server.
    body
        The JSON request body, exactly as it is sent on every attempt.
    attempts
        Delivery attempts so far.
    """

    seq: int
    batch_id: str
    body: bytes
    attempts: int


class Outbox:
    """A bounded, durable FIFO of ingest request bodies.

    Parameters
    ----------
    path
        The SQLite file (created if missing; its folder must exist).
    max_bytes
        Most bytes of bodies kept; beyond it the oldest batches are dropped.
    warn_fraction
        Fraction of ``max_bytes`` above which a warning is logged and the gauge raised.
    metrics
        Where depth, size and drops are reported.

    Raises
    ------
    InputError
        If the file cannot be opened as an outbox.
    """

    def __init__(
        self, path: Path, max_bytes: int, warn_fraction: float, metrics: ReceiverMetrics
    ) -> None:
        self.path = path
        self._max_bytes = max_bytes
        self._warn_bytes = int(max_bytes * warn_fraction)
        self._metrics = metrics
        self._lock = threading.Lock()
        self._warned = False
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA auto_vacuum=FULL")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(_SCHEMA)
        except sqlite3.Error as exc:
            raise InputError(f"forward.outbox_path: {path}: cannot open the outbox: {exc}") from exc
        self._report()

    def put(self, batch_id: str, body: bytes) -> bool:
        """Queue a batch (durably); False if this batch id is already queued.

        Drops the oldest batches first when ``body`` would not fit in ``max_bytes``.
        """
        with self._lock:
            size = self._size()
            over = size + len(body) - self._max_bytes
            while over > 0:
                oldest = self._db.execute(
                    "SELECT seq, batch_id, length(body) FROM outbox ORDER BY seq LIMIT 1"
                ).fetchone()
                if oldest is None:
                    break
                self._db.execute("DELETE FROM outbox WHERE seq = ?", (oldest[0],))
                over -= oldest[2]
                self._metrics.outbox_dropped.inc()
                logger.error(
                    kv("outbox_full_dropped", batch_id=oldest[1], max_bytes=self._max_bytes)
                )
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO outbox (batch_id, body, queued_at) VALUES (?, ?, ?)",
                (batch_id, body, time.time()),
            )
            self._report()
            return cursor.rowcount == 1

    def pending(self, limit: int = 1) -> list[Entry]:
        """The oldest batches not rejected by the server, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, batch_id, body, attempts FROM outbox WHERE rejected IS NULL "
                "ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        return [Entry(int(s), str(b), bytes(body), int(a)) for s, b, body, a in rows]

    def done(self, entry: Entry) -> None:
        """Remove a batch the server acknowledged."""
        with self._lock:
            self._db.execute("DELETE FROM outbox WHERE seq = ?", (entry.seq,))
            self._report()

    def attempted(self, entry: Entry) -> None:
        """Count a failed attempt."""
        with self._lock:
            self._db.execute(
                "UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?", (entry.seq,)
            )

    def reject(self, entry: Entry, reason: str) -> None:
        """Keep a batch the server refused for good, out of the queue (for an operator)."""
        with self._lock:
            self._db.execute("UPDATE outbox SET rejected = ? WHERE seq = ?", (reason, entry.seq))
            self._report()

    def depth(self) -> int:
        """Batches waiting (not rejected)."""
        with self._lock:
            return int(
                self._db.execute("SELECT count(*) FROM outbox WHERE rejected IS NULL").fetchone()[0]
            )

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    def _size(self) -> int:
        return int(
            self._db.execute("SELECT coalesce(sum(length(body)), 0) FROM outbox").fetchone()[0]
        )

    def _report(self) -> None:
        size = self._size()
        depth = self._db.execute("SELECT count(*) FROM outbox WHERE rejected IS NULL").fetchone()[0]
        self._metrics.outbox_bytes.set(size)
        self._metrics.outbox_depth.set(depth)
        near_full = size >= self._warn_bytes
        self._metrics.outbox_full.set(int(near_full))
        if near_full and not self._warned:
            logger.warning(
                kv(
                    "outbox_near_full",
                    path=self.path,
                    bytes=size,
                    max_bytes=self._max_bytes,
                    note="the oldest batches are dropped when it is full; is the server reachable?",
                )
            )
        self._warned = near_full
