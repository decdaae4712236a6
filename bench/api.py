"""API benchmarks on a generated year: timeline and band-summary latency, ingest rate.

``python -m bench.api`` (PostgreSQL, 10 receivers x 400 channels x 365 days by default) or
``python -m bench.api --sqlite --receivers 1`` (the embedded backend, one receiver).

1. A scratch database is created and migrated; segments and their ``channel_days`` roll-up are
   bulk loaded (PostgreSQL ``COPY``, secondary indexes built after the load; SQLite
   ``executemany``). Each channel's days are tiled by segments of exponential length (mean
   ``--mean-segment-min``) in random states, with unobserved gaps, so a year is tens of millions
   of rows.
2. Through the real ASGI app (in process, so HTTP parsing and JSON are included, the network is
   not): ``--requests`` timelines of a random channel over the whole year (first page, all
   receivers and one receiver), 30-day daily summaries of a random band, and the current state
   of a random band's channels (``/channels``), as p50/p95.
3. Ingest: batches of analysed segments for a new receiver posted one after another (the JSON
   bodies are encoded before the clock starts, as a receiver's outbox holds them).

The scratch database is dropped at the end. Results print as Markdown.

To iterate without reloading, ``--db URL`` names a database to keep (PostgreSQL: create it
first, e.g. ``createdb -h 127.0.0.1 -U postgres jamwatch_bench``; SQLite: a file path URL). The
first run migrates and loads it; later runs with the same generation options migrate it to head
and measure the data already there. It is never dropped, and each run's ingest adds a receiver.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Index, func, insert, make_url, select, text
from sqlalchemy.engine import URL

from api.main import create_app
from api.settings import ApiSettings
from dsp.bands import BANDS
from monitor.store.engine import make_engine, transaction
from monitor.store.migrate import upgrade
from monitor.store.models import ChannelDay, LatestSegment, Receiver, Segment
from monitor.store.receivers import add_receiver
from monitor.store.scratch import DEFAULT_ADMIN_URL, postgres_database, sqlite_database
from monitor.store.settings import DatabaseSettings

YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
STATES = np.array(["empty", "signal", "jammed", "unknown"])
STATE_WEIGHTS = np.array([0.3, 0.3, 0.3, 0.1])
GAP_PROBABILITY = 0.1
"""Chance that a generated interval is an unobserved gap rather than a segment."""


def channel_plan(channels: int) -> list[int]:
    """``channels`` raster frequencies spread over the broadcast bands, band by band."""
    raster = [f for low, high in BANDS.values() for f in range(low, high + 1, 5000)]
    step = max(1, len(raster) // channels)
    return raster[::step][:channels]


def day_tiling(
    rng: np.random.Generator, mean_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and end seconds (within one day) and state index of one day's intervals.

    State index -1 marks an unobserved gap.
    """
    lengths = rng.exponential(mean_s, size=int(4 * 86400 / mean_s) + 16)
    ends = np.minimum(np.cumsum(np.maximum(lengths, 1.0)).round(), 86400.0)
    ends = np.unique(ends[: np.searchsorted(ends, 86400.0) + 1])
    starts = np.concatenate(([0.0], ends[:-1]))
    states = rng.choice(len(STATES), size=len(ends), p=STATE_WEIGHTS)
    states[rng.random(len(ends)) < GAP_PROBABILITY] = -1
    return starts, ends, states


def generate(
    receiver_ids: list[int], channels: list[int], days: int, mean_s: float, seed: int = 7
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Per receiver and channel: segment rows and channel-day rows (tuples in column order).

    The last segment row is the channel's latest segment.
    """
    rng = np.random.default_rng(seed)
    for receiver_id in receiver_ids:
        for frequency_hz in channels:
            segments: list[tuple[Any, ...]] = []
            channel_days: list[tuple[Any, ...]] = []
            for day_index in range(days):
                midnight = YEAR_START + timedelta(days=day_index)
                starts, ends, states = day_tiling(rng, mean_s)
                totals = [0.0, 0.0, 0.0]
                previous = -2
                for start_s, end_s, state in zip(
                    starts.tolist(), ends.tolist(), states.tolist(), strict=True
                ):
                    if state < 0:
                        previous = -2
                        continue
                    name = str(STATES[state])
                    if state == previous:  # touching segments of one state are stored merged
                        last = segments[-1]
                        segments[-1] = (*last[:3], midnight + timedelta(seconds=end_s), *last[4:])
                    else:
                        segments.append(
                            (
                                receiver_id,
                                frequency_hz,
                                midnight + timedelta(seconds=start_s),
                                midnight + timedelta(seconds=end_s),
                                name,
                                "noise" if name == "jammed" else None,
                                0.9,
                                20.0,
                                "{}",
                            )
                        )
                    previous = state
                    seconds = end_s - start_s
                    totals[0] += seconds
                    totals[1] += seconds if name != "unknown" else 0.0
                    totals[2] += seconds if name == "jammed" else 0.0
                if totals[0] > 0:
                    channel_days.append((receiver_id, frequency_hz, midnight.date(), *totals))
            yield segments, channel_days


SEGMENT_COLUMNS = (
    "receiver_id",
    "frequency_hz",
    "start_at",
    "end_at",
    "state",
    "jammer",
    "confidence",
    "snr_db",
    "metrics",
)
LATEST_COLUMNS = SEGMENT_COLUMNS[:7]
DAY_COLUMNS = ("receiver_id", "frequency_hz", "day", "observed_s", "judged_s", "jammed_s")


def _copy_text(rows: list[tuple[Any, ...]]) -> bytes:
    out = io.StringIO()
    for row in rows:
        out.write(
            "\t".join(
                "\\N" if v is None else v.isoformat() if isinstance(v, datetime | date) else str(v)
                for v in row
            )
        )
        out.write("\n")
    return out.getvalue().encode()


def secondary_indexes() -> list[Index]:
    """Indexes of the bulk-loaded tables, dropped before and built after a PostgreSQL load."""
    return [*Segment.__table__.indexes, *ChannelDay.__table__.indexes]  # type: ignore[attr-defined]


def load(engine: Engine, receivers: int, channels: list[int], days: int, mean_s: float) -> int:
    """Create receivers and bulk load the generated year; return the number of segments."""
    with transaction(engine) as session:
        rows = [
            Receiver(name=f"rx-{number:02d}", revoked=False, created_at=YEAR_START)
            for number in range(1, receivers + 1)
        ]
        session.add_all(rows)
        session.flush()
        receiver_ids = [row.id for row in rows]
    postgres = engine.dialect.name == "postgresql"
    count = 0
    latest = []
    with engine.begin() as connection:
        if postgres:
            for index in secondary_indexes():
                index.drop(connection)
        for segments, channel_days in generate(receiver_ids, channels, days, mean_s):
            count += len(segments)
            latest.append(dict(zip(LATEST_COLUMNS, segments[-1], strict=False)))
            if postgres:
                cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
                with cursor.copy(
                    f"COPY segments ({', '.join(SEGMENT_COLUMNS)}) FROM STDIN"
                ) as copy:
                    copy.write(_copy_text(segments))
                with cursor.copy(
                    f"COPY channel_days ({', '.join(DAY_COLUMNS)}) FROM STDIN"
                ) as copy:
                    copy.write(_copy_text(channel_days))
            else:
                connection.execute(
                    insert(Segment),
                    [
                        dict(zip(SEGMENT_COLUMNS, row, strict=True)) | {"metrics": {}}
                        for row in segments
                    ],
                )
                connection.execute(
                    insert(ChannelDay),
                    [dict(zip(DAY_COLUMNS, row, strict=True)) for row in channel_days],
                )
        connection.execute(insert(LatestSegment), latest)
        if postgres:
            for index in secondary_indexes():
                index.create(connection)
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return count


def stored_segments(engine: Engine) -> int:
    """How many segments the database holds (0 for a database to load)."""
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(Segment)) or 0)


def percentiles(samples_s: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples_s)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def timed(client: TestClient, path: str, requests: list[dict[str, Any]]) -> tuple[float, float]:
    """p50 and p95 of GET ``path`` with each of ``requests``' query parameters, in ms."""
    samples = []
    for params in requests:
        started = time.perf_counter()
        response = client.get(path, params=params)
        samples.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{path} {params}: {response.status_code} {response.text[:200]}")
    return percentiles(samples)


RULE_OF = {"empty": "empty", "signal": "broadcast", "jammed": "steady"}
"""The detector rule sent with each generated ingest segment, by state."""


def ingest_rate(
    engine: Engine, client: TestClient, channels: list[int], batches: int
) -> tuple[float, int]:
    """Segments per second posted through ``/api/v1/ingest`` for a new receiver."""
    name = f"ingest-{uuid.uuid4().hex[:6]}"
    with transaction(engine) as session:
        _, key = add_receiver(session, name)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    start = datetime(2026, 6, 1, tzinfo=UTC)
    rng = np.random.default_rng(3)
    total, elapsed = 0, 0.0
    for batch in range(batches):
        begin = start + timedelta(minutes=10 * batch)
        segments = []
        for frequency_hz in channels:
            cuts = np.sort(rng.choice(np.arange(1, 600), size=11, replace=False))
            bounds = [0, *cuts.tolist(), 600]
            for index, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
                state = ("empty", "signal", "jammed")[index % 3]
                segments.append(
                    {
                        "frequency_hz": frequency_hz,
                        "start": (begin + timedelta(seconds=a)).isoformat(),
                        "end": (begin + timedelta(seconds=b)).isoformat(),
                        "state": state,
                        "jammer": "noise" if state == "jammed" else None,
                        "confidence": 0.9,
                        "snr_db": 12.5,
                        "rule": RULE_OF[state],
                    }
                )
        body = {
            "batch_id": f"b-{batch}",
            "receiver": name,
            "start": begin.isoformat(),
            "end": (begin + timedelta(minutes=10)).isoformat(),
            "channels": channels,
            "segments": segments,
        }
        content = json.dumps(body).encode()  # the client's work, as a receiver's outbox holds it
        started = time.perf_counter()
        response = client.post("/api/v1/ingest", content=content, headers=headers)
        elapsed += time.perf_counter() - started
        if response.status_code != 201:
            raise RuntimeError(f"ingest: {response.status_code} {response.text[:200]}")
        total += len(segments)
    return total / elapsed, total // batches


@contextmanager
def scratch(use_sqlite: bool, admin_url: str, kept: str | None) -> Iterator[URL]:
    """The database of ``--db`` (kept), else a throw-away database of the chosen backend."""
    if kept is not None:
        yield make_url(kept)
    elif use_sqlite:
        with tempfile.TemporaryDirectory() as folder, sqlite_database(Path(folder)) as url:
            yield url
    else:
        with postgres_database(admin_url, prefix="jamwatch_bench") as url:
            yield url


BARS = (
    "timeline of a channel over the year, all receivers (first page)",
    "timeline of a channel over the year, one receiver (first page)",
    "daily summary of a band over 30 days, all receivers",
)
"""The figures issue 4 sets a bar for (p95 under 50 ms)."""


def requests_of(
    args: argparse.Namespace, channels: list[int]
) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """The random requests of each latency figure: label -> (path, query parameters)."""
    rng = np.random.default_rng(11)
    year_end = YEAR_START + timedelta(days=args.days)
    timeline = [
        {
            "frequency_hz": int(rng.choice(channels)),
            "start": YEAR_START.isoformat(),
            "end": year_end.isoformat(),
        }
        for _ in range(args.requests)
    ]
    one = [
        {**params, "receiver": f"rx-{int(rng.integers(1, args.receivers + 1)):02d}"}
        for params in timeline
    ]
    bands = [name for name, (low, high) in BANDS.items() if any(low <= f <= high for f in channels)]
    summaries = []
    for _ in range(args.requests):
        first = YEAR_START.date() + timedelta(days=int(rng.integers(0, max(1, args.days - 30))))
        summaries.append(
            {
                "band": str(rng.choice(bands)),
                "start_date": first.isoformat(),
                "end_date": (first + timedelta(days=29)).isoformat(),
                "limit": 1000,
            }
        )
    current = [{"band": str(rng.choice(bands)), "limit": 1000} for _ in range(args.requests)]
    return {
        "timeline of a channel over the year, all receivers (first page)": (
            "/api/v1/timeline",
            timeline,
        ),
        "timeline of a channel over the year, one receiver (first page)": (
            "/api/v1/timeline",
            one,
        ),
        "daily summary of a band over 30 days, all receivers": ("/api/v1/summary/daily", summaries),
        "current state of a band's channels, all receivers": ("/api/v1/channels", current),
    }


def run(args: argparse.Namespace, report: Callable[[str], None]) -> None:
    """Generate, load, measure and report."""
    channels = channel_plan(args.channels)
    with scratch(args.sqlite, args.admin_url, args.db) as url:
        engine = make_engine(
            DatabaseSettings(url=url.render_as_string(hide_password=False), pool_size=4)
        )
        try:
            with engine.begin() as connection:
                upgrade(connection)
            loaded = "reused"
            rows = stored_segments(engine)
            if not rows:
                started = time.perf_counter()
                rows = load(engine, args.receivers, channels, args.days, args.mean_segment_min * 60)
                load_s = time.perf_counter() - started
                loaded = f"in {load_s:.0f} s ({rows / load_s:,.0f} rows/s)"
            load_before = os.getloadavg()[0]
            # as a served worker does: the app's lifespan runs before the first request
            with TestClient(create_app(engine, ApiSettings())) as client:
                requests = requests_of(args, channels)
                for path, params in requests.values():
                    timed(client, path, params[:5])  # warm up
                figures = {label: timed(client, *request) for label, request in requests.items()}
                rate, per_batch = ingest_rate(engine, client, channels, args.ingest_batches)
            load_after = os.getloadavg()[0]
        finally:
            engine.dispose()
    backend = "SQLite" if args.sqlite else "PostgreSQL"
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    report(
        f"### {backend}: {args.receivers} receivers x {len(channels)} channels x {args.days} days\n"
    )
    report(f"- machine: {machine}, {platform.platform()}; {datetime.now(UTC).date()}")
    report(f"- command: `{' '.join(['python -m bench.api', *args.argv])}`")
    report(f"- segments loaded: {rows:,} {loaded}")
    report(f"- load average (1 min), before and after: {load_before:.2f}, {load_after:.2f}")
    report("\n| measurement | p50 ms | p95 ms | target |\n|---|---|---|---|")
    for label, (p50, p95) in figures.items():
        target = "p95 < 50" if label in BARS else "-"
        report(f"| {label} | {p50:.1f} | {p95:.1f} | {target} |")
    report(
        f"\n- ingest through `POST /api/v1/ingest`: {rate:,.0f} segments/s "
        f"({args.ingest_batches} batches of {per_batch:,} segments; target >= 20,000/s)\n"
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.api",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sqlite", action="store_true", help="benchmark SQLite instead of PostgreSQL"
    )
    parser.add_argument(
        "--admin-url", default=os.environ.get("JAMWATCH_TEST_POSTGRES_URL", DEFAULT_ADMIN_URL)
    )
    parser.add_argument(
        "--db", help="database URL to load once and keep (see above) instead of a scratch one"
    )
    parser.add_argument("--receivers", type=int, default=10)
    parser.add_argument("--channels", type=int, default=400)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--mean-segment-min", type=float, default=100.0)
    parser.add_argument("--requests", type=int, default=200, help="requests per latency figure")
    parser.add_argument("--ingest-batches", type=int, default=10)
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv
    run(args, print)


if __name__ == "__main__":
    main()
