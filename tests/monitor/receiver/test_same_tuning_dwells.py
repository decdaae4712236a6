"""A single-tuning plan: dwells follow each other without restarting the detector."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import signal
from sqlalchemy import Engine

from dsp.detector import StepResult
from monitor.iq import IQBlock
from monitor.receiver.hopplan import HopPlan, Tuning
from monitor.receiver.loop import EXIT_OK, CaptureLoop
from monitor.receiver.metrics import ReceiverMetrics
from monitor.receiver.sinks import DwellBatch, StoreSink
from monitor.recording import open_recording
from monitor.recording.datatypes import complex64_to_cu8
from monitor.sources.replay import ReplaySource
from tests.monitor.receiver.helpers import assert_disjoint, by_channel, stored

RATE = 250_000
CENTER_HZ = 7_300_000
JAMMED_HZ = 7_330_000
T0 = datetime(2026, 2, 16, 12, tzinfo=UTC)


def write_jammed_air(path: Path, seconds: float) -> Path:
    """Raw cu8: receiver noise and a noise jammer on 7330 kHz, on all the time."""
    rng = np.random.default_rng(5)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    sos = signal.butter(6, 4000, fs=RATE, output="sos")
    jammer = signal.sosfilt(sos, rng.normal(size=n) + 1j * rng.normal(size=n))
    x = 0.01 * (rng.normal(size=n) + 1j * rng.normal(size=n))
    x += 0.15 * jammer * np.exp(2j * np.pi * (JAMMED_HZ - CENTER_HZ) * t)
    path.write_bytes(complex64_to_cu8(x.astype(np.complex64)).tobytes())
    return path


class Watch:
    """Records the loop's step indices and dwell batches."""

    def __init__(self) -> None:
        self.indices: list[int] = []
        self.dwells: list[DwellBatch] = []

    def block(self, block: IQBlock) -> None:
        """Blocks are not needed here."""

    def step(
        self,
        start: datetime,
        end: datetime,
        frequencies_hz: npt.NDArray[np.int64],
        result: StepResult,
    ) -> None:
        self.indices.append(result.index)

    def dwell(self, dwell: DwellBatch) -> None:
        self.dwells.append(dwell)


def test_a_continuous_jammer_is_one_window_across_same_tuning_dwells(
    tmp_path: Path, engine: Engine
) -> None:
    recording = open_recording(
        write_jammed_air(tmp_path / "air.cu8", 10.5),
        center_hz=CENTER_HZ,
        sample_rate_hz=RATE,
        start=T0,
        datatype="cu8",
    )
    watch = Watch()
    loop = CaptureLoop(
        ReplaySource(recording),
        HopPlan((Tuning(CENTER_HZ, dwell_s=3.0),), settle_s=0.25),
        receiver="rx-test",
        sinks=[StoreSink(engine, "rx-test")],
        metrics=ReceiverMetrics(),
        stop=threading.Event(),
        observer=watch,
    )
    assert loop.run() == EXIT_OK

    # three whole dwells of 3 steps, then the rest of the recording; one detector throughout
    assert len(watch.dwells) == 4
    assert watch.indices == list(range(len(watch.indices)))
    assert len(watch.indices) == 10  # 10.5 s of ~1 s steps: no partial step dropped
    batches = [d.batch for d in watch.dwells]
    for before, after in zip(batches, batches[1:], strict=False):
        assert before.end == after.start, "dwells at one tuning follow each other without gaps"

    rows = stored(engine)
    assert_disjoint(rows)
    jammer = by_channel(rows)[JAMMED_HZ]
    jammed = [r for r in jammer if r.state == "jammed"]
    # unknown while settling, then the jammer is one window up to the last step
    assert [r.state for r in jammer] == ["unknown", "jammed"]
    assert jammed[0].start == jammer[0].end
    assert jammed[0].end == batches[-1].end
    for later in batches[1:]:
        assert jammed[0].start < later.start < jammed[0].end, "the window spans every boundary"
