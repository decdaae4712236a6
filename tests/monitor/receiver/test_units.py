"""The outbox bound, direct-sampling alias marks, and the simulated source's time stamps."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dsp.vocabulary import JammerType, Segment, State
from monitor.iq import BlockFlags
from monitor.receiver.hopplan import ALIAS_ACTIVE_METRIC, ALIAS_HZ_METRIC, AliasWatch
from monitor.receiver.metrics import ReceiverMetrics
from monitor.receiver.outbox import Outbox
from monitor.sim.scene import builtin_scene
from monitor.sources.errors import SourceConfigError
from monitor.sources.settings import BlockSettings
from monitor.sources.simulated import SimulatedSource

T0 = datetime(2026, 2, 16, 12, tzinfo=UTC)


def test_outbox_warns_then_drops_oldest_and_survives_reopening(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    metrics = ReceiverMetrics()
    outbox = Outbox(tmp_path / "o.db", 100_000, 0.5, metrics)
    body = b"x" * 30_000
    assert outbox.put("a", body)
    assert outbox.put("b", body)
    assert not outbox.put("b", body), "a repeated batch id is queued once"
    assert metrics.outbox_full._value.get() == 1.0
    assert any("outbox_near_full" in r.getMessage() for r in caplog.records)
    assert metrics.outbox_dropped._value.get() == 0.0
    outbox.put("c", body)
    outbox.put("d", body)
    assert [e.batch_id for e in outbox.pending(10)] == ["b", "c", "d"]
    assert metrics.outbox_dropped._value.get() == 1.0
    assert any(
        r.levelno == logging.ERROR and "batch_id=a" in r.getMessage() for r in caplog.records
    )
    outbox.done(outbox.pending(1)[0])
    outbox.close()
    again = Outbox(tmp_path / "o.db", 100_000, 0.5, ReceiverMetrics())
    assert [e.batch_id for e in again.pending(10)] == ["c", "d"]
    assert again.pending(1)[0].body == body


def seg(frequency_hz: int, start_s: float, end_s: float, state: State) -> Segment:
    jammer: JammerType | None = "noise" if state == "jammed" else None
    start, end = T0 + timedelta(seconds=start_s), T0 + timedelta(seconds=end_s)
    return Segment(frequency_hz, start, end, state, jammer, 0.9)


def test_alias_marks_a_signal_seen_in_both_channels() -> None:
    watch = AliasWatch(window_s=60.0)
    first = watch.annotate([seg(7_300_000, 0, 30, "signal"), seg(7_305_000, 0, 30, "empty")])
    assert first[0].metrics[ALIAS_HZ_METRIC] == 21_500_000.0
    assert ALIAS_ACTIVE_METRIC not in first[0].metrics
    later = watch.annotate([seg(21_500_000, 60, 90, "jammed"), seg(21_495_000, 60, 90, "signal")])
    assert later[0].metrics[ALIAS_ACTIVE_METRIC] == 1.0
    assert ALIAS_ACTIVE_METRIC not in later[1].metrics, "7305 kHz was empty"
    too_late = watch.annotate([seg(21_500_000, 400, 430, "signal")])
    assert ALIAS_ACTIVE_METRIC not in too_late[0].metrics


def test_simulated_source_stamps_like_a_dongle() -> None:
    opened = datetime(2026, 3, 1, tzinfo=UTC)
    small = builtin_scene("small")
    other = small.model_copy(
        update={"receiver": small.receiver.model_copy(update={"center_hz": 7_502_500})}
    )
    source = SimulatedSource(
        [small, other], seed=3, blocks=BlockSettings(50_000), clock=lambda: opened
    )
    rate = small.receiver.sample_rate_hz
    with source:
        blocks = [source.read_block() for _ in range(40)]
        source.retune(7_502_500)
        after = source.read_block()
    delivered = 0
    gaps = 0
    for block in blocks:
        expected = opened + timedelta(seconds=delivered / rate)
        if BlockFlags.DROPPED in block.flags:
            gaps += 1
            assert (block.captured_at - expected).total_seconds() == pytest.approx(0.05, abs=1e-5)
        else:
            assert abs(block.captured_at - expected) <= timedelta(microseconds=1)
        delivered = round((block.captured_at - opened).total_seconds() * rate) + block.samples.size
    assert gaps == 1, "the scene's 50 ms gap at 6.2 s comes through as DROPPED"
    assert after.center_hz == 7_502_500
    assert after.captured_at == opened + timedelta(seconds=delivered / rate)
    with pytest.raises(SourceConfigError, match="center_hz"):
        source.retune(9_000_000)
