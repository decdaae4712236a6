"""Helpers of the receiver tests: running a receiver in-process, reading what it stored."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, select

from monitor.receiver.config import ReceiverConfig
from monitor.receiver.notify import Notifier
from monitor.receiver.service import run_receiver
from monitor.recording.datatypes import complex64_to_cu8
from monitor.sim.render import Renderer
from monitor.sim.scene import builtin_scene
from monitor.store.engine import transaction
from monitor.store.models import IngestBatch
from monitor.store.models import Segment as SegmentRow

SMALL_CENTER_HZ = 7_302_500
"""Centre of the built-in ``small`` scene (250 kS/s, jammers on 2-8 s of every 10 s)."""


def write_small_air(path: Path) -> Path:
    """The built-in ``small`` scene rendered as raw cu8: the fake dongle's air."""
    samples = np.concatenate([b.samples for b in Renderer(builtin_scene("small"), 7).blocks()])
    path.write_bytes(complex64_to_cu8(samples).tobytes())
    return path


def run_for(
    config: ReceiverConfig, engine: Engine | None, seconds: float, notifier: Notifier | None = None
) -> int:
    """Run a receiver in this process and stop it (like SIGTERM) after ``seconds``."""
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    timer.start()
    try:
        return run_receiver(config, engine, stop, notifier=notifier or Notifier(""))
    finally:
        timer.cancel()


@dataclass(frozen=True)
class Row:
    """A stored segment."""

    frequency_hz: int
    start: datetime
    end: datetime
    state: str


def stored(engine: Engine) -> list[Row]:
    """Every stored segment, by channel and time."""
    with transaction(engine) as session:
        rows = session.scalars(
            select(SegmentRow).order_by(SegmentRow.frequency_hz, SegmentRow.start_at)
        ).all()
        return [Row(r.frequency_hz, r.start_at, r.end_at, r.state) for r in rows]


def batch_ids(engine: Engine) -> set[str]:
    """Ids of the stored batches."""
    with transaction(engine) as session:
        return set(session.scalars(select(IngestBatch.batch_id)).all())


def by_channel(rows: list[Row]) -> dict[int, list[Row]]:
    """Rows grouped by channel, in time order."""
    out: dict[int, list[Row]] = {}
    for row in rows:
        out.setdefault(row.frequency_hz, []).append(row)
    return out


def assert_disjoint(rows: list[Row]) -> None:
    """No two segments of a channel overlap."""
    for channel, items in by_channel(rows).items():
        for before, after in zip(items, items[1:], strict=False):
            assert before.end <= after.start, f"{channel} Hz: {before} overlaps {after}"


def judged_holes_s(items: list[Row]) -> list[tuple[datetime, datetime]]:
    """Stretches of one channel's time, between its first and last segment, that are not judged
    ``empty``/``signal``/``jammed`` (unobserved or ``unknown``)."""
    judged = [r for r in items if r.state != "unknown"]
    holes = []
    for before, after in zip(judged, judged[1:], strict=False):
        if after.start > before.end:
            holes.append((before.end, after.start))
    return holes
