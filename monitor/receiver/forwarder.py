"""Delivery of the outbox to ``POST /api/v1/ingest`` (and heartbeats), in a background thread.

Each batch is sent with the receiver's API key until the server acknowledges it (201 stored, or
200 already stored: the server is idempotent by ``batch_id``), then removed from the outbox.
Network errors, timeouts, 5xx, 408, 429 and authentication failures are retried with exponential
backoff (with jitter, capped), for as long as it takes; a batch the server refuses as invalid
(other 4xx) is set aside in the outbox with the reason, so it cannot block the queue.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from monitor.receiver.logs import kv
from monitor.receiver.metrics import ReceiverMetrics
from monitor.receiver.outbox import Entry, Outbox

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({401, 403, 408, 425, 429})
"""4xx answers that may succeed later (a key being set up, throttling) and are retried."""


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """The central server and how patiently to talk to it.

    Attributes
    ----------
    url
        Base URL, e.g. ``https://jamwatch.example.org``.
    api_key
        The receiver's API key (sent as ``Authorization: Bearer``).
    timeout_s
        Per-request timeout, in seconds.
    backoff_initial_s, backoff_max_s
        First wait after a failure, doubled after each further failure up to the cap.
    """

    url: str
    api_key: str
    timeout_s: float = 10.0
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 300.0


class _Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        super().__init__(f"HTTP {status}: {detail}")


class Forwarder:
    """Drains an :class:`Outbox` to the server until :meth:`stop`.

    Parameters
    ----------
    outbox
        Where batches wait.
    server
        The server, key and timing.
    receiver
        Receiver name, for heartbeats.
    metrics
        Delivery counters.
    heartbeat_s
        Interval of ``POST /api/v1/heartbeat``.
    """

    def __init__(
        self,
        outbox: Outbox,
        server: ServerSettings,
        receiver: str,
        metrics: ReceiverMetrics,
        heartbeat_s: float,
    ) -> None:
        self._outbox = outbox
        self._server = server
        self._receiver = receiver
        self._metrics = metrics
        self._heartbeat_s = heartbeat_s
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._failures = 0
        self._detail: dict[str, str | float | int | bool | None] = {}
        self._drain_s = 0.0
        self._thread = threading.Thread(target=self._main, name="forwarder", daemon=True)

    def start(self) -> None:
        """Start the delivery thread."""
        self._thread.start()

    def poke(self) -> None:
        """A batch was queued: send it now, unless the server is in backoff."""
        if self._failures == 0:
            self._wake.set()

    def set_detail(self, detail: Mapping[str, str | float | int | bool | None]) -> None:
        """The status sent with the next heartbeats."""
        self._detail = dict(detail)

    def stop(self, drain_timeout_s: float) -> int:
        """Deliver what is queued for up to ``drain_timeout_s``, then stop; return what is left."""
        self._drain_s = drain_timeout_s
        self._stopping.set()
        self._wake.set()
        self._thread.join(drain_timeout_s + self._server.timeout_s + 1.0)
        return self._outbox.depth()

    # ---- delivery thread ----

    def _main(self) -> None:
        next_heartbeat = 0.0
        while not self._stopping.is_set():
            if time.monotonic() >= next_heartbeat:
                self._heartbeat()
                next_heartbeat = time.monotonic() + self._heartbeat_s
            emptied = self._deliver_until(None)
            until_heartbeat = next_heartbeat - time.monotonic()
            self._wake.wait(
                max(0.0, until_heartbeat if emptied else min(self._backoff_s(), until_heartbeat))
            )
            self._wake.clear()
        deadline = time.monotonic() + self._drain_s
        while not self._deliver_until(deadline):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            time.sleep(min(self._backoff_s(), remaining))

    def _deliver_until(self, deadline: float | None) -> bool:
        """Send batches oldest first; True once the outbox is empty, False on a failure or
        when ``deadline`` (monotonic seconds) has passed."""
        while deadline is None or time.monotonic() < deadline:
            if deadline is None and self._stopping.is_set():
                return False
            pending = self._outbox.pending(1)
            if not pending:
                return True
            if not self._deliver(pending[0]):
                return False
        return False

    def _deliver(self, entry: Entry) -> bool:
        try:
            status = self._post("/api/v1/ingest", entry.body)
        except _Refused as exc:
            if exc.status in RETRYABLE_STATUS or exc.status >= 500:
                return self._failed(entry, f"http_{exc.status}", str(exc))
            self._outbox.reject(entry, str(exc))
            self._metrics.forward_failures.labels("rejected").inc()
            logger.error(kv("batch_rejected", batch_id=entry.batch_id, reason=exc))
            return True
        except OSError as exc:
            return self._failed(entry, "network", str(exc))
        self._outbox.done(entry)
        self._metrics.forwarded.inc()
        self._failures = 0
        logger.info(kv("batch_forwarded", batch_id=entry.batch_id, duplicate=status == 200))
        return True

    def _failed(self, entry: Entry, reason: str, detail: str) -> bool:
        self._outbox.attempted(entry)
        self._metrics.forward_failures.labels(reason).inc()
        self._failures += 1
        log = logger.warning if self._failures == 1 or reason.startswith("http_4") else logger.info
        log(
            kv(
                "forward_failed",
                batch_id=entry.batch_id,
                reason=detail,
                failures=self._failures,
                retry_in_s=round(self._backoff_s(), 1),
            )
        )
        return False

    def _heartbeat(self) -> None:
        body = json.dumps({"receiver": self._receiver, "detail": self._detail}).encode()
        try:
            self._post("/api/v1/heartbeat", body)
        except (_Refused, OSError) as exc:
            logger.info(kv("heartbeat_failed", reason=exc))

    def _backoff_s(self) -> float:
        if self._failures == 0:
            return 0.0
        server = self._server
        base = min(server.backoff_max_s, server.backoff_initial_s * 2.0 ** (self._failures - 1))
        return base * random.uniform(0.75, 1.0)

    def _post(self, path: str, body: bytes) -> int:
        request = urllib.request.Request(
            self._server.url.rstrip("/") + path,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self._server.api_key}",
                "User-Agent": "jamwatch-receiver",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self._server.timeout_s) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            raise _Refused(exc.code, detail) from None
