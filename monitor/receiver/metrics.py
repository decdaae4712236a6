"""Prometheus metrics of the receiver, on their own registry and HTTP port.

The loop reports source counters and steps; the outbox and forwarder report delivery. A private
:class:`~prometheus_client.CollectorRegistry` keeps several receivers (or tests) in one process
apart and leaves the API's default registry alone.
"""

from __future__ import annotations

import threading
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

from monitor.sources.base import SourceStats

PREFIX = "jamwatch_receiver"


class ReceiverMetrics:
    """Every metric of one receiver process."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.samples = Counter(f"{PREFIX}_samples", "Complex samples analysed", registry=r)
        self.samples_per_second = Gauge(
            f"{PREFIX}_samples_per_second",
            "Samples analysed per second of wall time over the last dwell",
            registry=r,
        )
        self.dropped_samples = Counter(
            f"{PREFIX}_dropped_samples", "Samples lost (slow consumer, USB overrun)", registry=r
        )
        self.dropped_blocks = Counter(f"{PREFIX}_dropped_blocks", "Blocks lost", registry=r)
        self.overload_fraction = Gauge(
            f"{PREFIX}_overload_fraction",
            "Fraction of the last dwell's blocks that clipped (OVERLOAD)",
            registry=r,
        )
        self.overload_blocks = Counter(
            f"{PREFIX}_overload_blocks", "Blocks flagged OVERLOAD", registry=r
        )
        self.steps = Counter(f"{PREFIX}_steps", "Decision steps analysed", registry=r)
        self.segments = Counter(
            f"{PREFIX}_segments", "Segments closed, by state", ["state"], registry=r
        )
        self.batches = Counter(
            f"{PREFIX}_batches", "Dwell batches persisted, by sink", ["sink"], registry=r
        )
        self.reopenings = Counter(
            f"{PREFIX}_device_reopenings", "Times the device was reopened after a fault", registry=r
        )
        self.device_faults = Counter(
            f"{PREFIX}_device_faults", "Device faults, by kind", ["kind"], registry=r
        )
        self.center_hz = Gauge(f"{PREFIX}_center_hz", "Current tuning", registry=r)
        self.outbox_depth = Gauge(
            f"{PREFIX}_outbox_depth", "Batches waiting in the outbox", registry=r
        )
        self.outbox_bytes = Gauge(f"{PREFIX}_outbox_bytes", "Bytes held by the outbox", registry=r)
        self.outbox_full = Gauge(
            f"{PREFIX}_outbox_near_full",
            "1 while the outbox is above its warning fraction (batches will be dropped at 100%)",
            registry=r,
        )
        self.outbox_dropped = Counter(
            f"{PREFIX}_outbox_dropped_batches",
            "Oldest batches dropped because the outbox was full",
            registry=r,
        )
        self.forwarded = Counter(
            f"{PREFIX}_forwarded_batches", "Batches the server acknowledged", registry=r
        )
        self.forward_failures = Counter(
            f"{PREFIX}_forward_failures",
            "Failed delivery attempts, by reason",
            ["reason"],
            registry=r,
        )
        self._last_stats = SourceStats()

    def source_stats(self, stats: SourceStats) -> None:
        """Advance the counters by what the source counted since the last call."""
        last = self._last_stats
        self.samples.inc(max(0, stats.samples - last.samples))
        self.dropped_samples.inc(max(0, stats.dropped_samples - last.dropped_samples))
        self.dropped_blocks.inc(max(0, stats.dropped_blocks - last.dropped_blocks))
        self.overload_blocks.inc(max(0, stats.overload_blocks - last.overload_blocks))
        self.reopenings.inc(max(0, stats.reopenings - last.reopenings))
        self._last_stats = stats


class MetricsServer:
    """The ``/metrics`` HTTP endpoint of a registry, stopped by :meth:`close`.

    Parameters
    ----------
    registry
        What to expose.
    host, port
        Where to listen; port 0 picks a free port (see :attr:`port`).
    """

    def __init__(self, registry: CollectorRegistry, host: str, port: int) -> None:
        server, thread = start_http_server(port, addr=host, registry=registry)
        self._server: WSGIServer = server
        self._thread: threading.Thread = thread

    @property
    def port(self) -> int:
        """The TCP port listened on."""
        return int(self._server.server_port)

    def close(self) -> None:
        """Stop serving and join the server thread."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
