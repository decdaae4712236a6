"""Prometheus metrics: request counts and latencies per route, ingest counters.

With several worker processes set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder before they
start (``jamwatch serve --workers N`` does it); ``/metrics`` then adds up all workers.
"""

from __future__ import annotations

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter(
    "jamwatch_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "jamwatch_http_request_duration_seconds", "Time to answer an HTTP request", ["route"]
)
INGESTED_SEGMENTS = Counter(
    "jamwatch_ingested_segments_total", "Segments received in stored ingest batches"
)
INGEST_BATCHES = Counter("jamwatch_ingest_batches_total", "Ingest batches by outcome", ["outcome"])


class MetricsMiddleware:
    """Pure ASGI middleware counting requests and their latency by route name."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            # the matched route's name (bounded; raw paths would carry receiver names)
            route = str(getattr(scope.get("route"), "name", None) or "unmatched")
            REQUESTS.labels(scope["method"], route, str(status)).inc()
            LATENCY.labels(route).observe(time.perf_counter() - started)


def metrics_response() -> Response:
    """The exposition of this process, or of all workers in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
