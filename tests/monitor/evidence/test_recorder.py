"""The recorder on hand-made blocks, steps and dwells: continuation, clip bounds, limits."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from dsp.classify import Verdicts
from dsp.detector import StepResult
from dsp.vocabulary import STATES, Segment, State
from monitor.evidence.recorder import EvidenceRecorder
from monitor.evidence.settings import EvidenceConfig
from monitor.evidence.writer import BundleWriter
from monitor.iq import IQBlock
from monitor.receiver.config import ConfigError, load_config
from monitor.receiver.sinks import DwellBatch
from monitor.store.segments import Batch

T0 = datetime(2026, 2, 16, 12, tzinfo=UTC)
RATE_HZ = 250_000.0
CENTER_HZ = 7_302_500.0
BLOCK = 62_500
"""Four blocks per 1 s step."""


class Air:
    """Noise, plus a strong carrier on each channel from its onset second on."""

    def __init__(self, onsets_s: dict[int, float]) -> None:
        self.onsets_s = onsets_s
        self.rng = np.random.default_rng(1)

    def block(self, seq: int) -> IQBlock:
        n = np.arange(seq * BLOCK, (seq + 1) * BLOCK)
        samples = 0.01 * (self.rng.normal(size=BLOCK) + 1j * self.rng.normal(size=BLOCK))
        for frequency_hz, onset_s in self.onsets_s.items():
            on = n / RATE_HZ >= onset_s
            samples += on * 0.3 * np.exp(2j * np.pi * (frequency_hz - CENTER_HZ) * n / RATE_HZ)
        start = T0 + timedelta(seconds=seq * BLOCK / RATE_HZ)
        return IQBlock(samples.astype(np.complex64), CENTER_HZ, RATE_HZ, start, seq)


def result(states: list[State]) -> StepResult:
    index = np.array([STATES.index(s) for s in states], dtype=np.int8)
    verdicts = Verdicts(
        state=index,
        jammer=np.where(index == STATES.index("jammed"), 0, -1).astype(np.int8),
        confidence=np.full(index.size, 0.9),
        rule=np.zeros(index.size, dtype=np.int8),
        lookback=np.zeros(index.size, dtype=np.int8),
    )
    return StepResult(0, verdicts, None, -100.0)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def run(
    recorder: EvidenceRecorder,
    air: Air,
    channels: list[int],
    dwells: list[tuple[int, int, list[Segment]]],
    raw: dict[int, list[State]] | None = None,
    *,
    close: bool = True,
) -> None:
    """Feed whole seconds of air; raw states from ``raw`` or else the segments; a dwell batch at
    each dwell end."""
    for first_s, last_s, segments in dwells:
        for second in range(first_s, last_s):
            for quarter in range(4):
                recorder.block(air.block(4 * second + quarter))
            states: list[State] = (raw or {}).get(second) or [
                next(
                    (
                        s.state
                        for s in segments
                        if s.frequency_hz == f and s.start <= at(second) < s.end
                    ),
                    "empty",
                )
                for f in channels
            ]
            recorder.step(at(second), at(second + 1), np.array(channels), result(states))
        batch = Batch.checked(channels, at(first_s), at(last_s), segments)
        recorder.dwell(DwellBatch("rx-unit", CENTER_HZ, batch))
    if close:
        recorder.close()


def jammed(frequency_hz: int, start_s: float, end_s: float) -> Segment:
    return Segment(frequency_hz, at(start_s), at(end_s), "jammed", "tone", 0.9, 30.0)


def empty(frequency_hz: int, start_s: float, end_s: float) -> Segment:
    return Segment(frequency_hz, at(start_s), at(end_s), "empty", None, 0.9)


def make(tmp_path: Path, **settings: float) -> tuple[EvidenceRecorder, BundleWriter]:
    config = EvidenceConfig(enabled=True, dir=tmp_path, **settings)
    writer = BundleWriter(tmp_path, "rx-unit", retention_days=3650.0, max_bytes=1 << 40)
    return EvidenceRecorder(config, "rx-unit", {"source": "unit"}, writer, step_s=1.0), writer


def test_a_window_across_dwells_gets_one_clip_spanning_the_boundary(tmp_path: Path) -> None:
    recorder, writer = make(tmp_path, pre_s=2.0, post_s=4.0)
    f = 7_250_000
    run(
        recorder,
        Air({f: 5.0}),
        [f],
        [(0, 7, [empty(f, 0, 5), jammed(f, 5, 7)]), (7, 12, [jammed(f, 7, 12)])],
    )
    assert len(writer.written) == 1
    facts = writer.written[0].facts
    assert facts["start"] == "2026-02-16T12:00:05Z"
    assert facts["end"] == "2026-02-16T12:00:07Z"
    assert facts["continues"] is True
    clip = facts["clip"]
    assert isinstance(clip, dict)
    # 2 s before the onset to 4 s after, across the dwell boundary at 7 s (filter delay aside)
    assert clip["before_onset_s"] == pytest.approx(2.0, abs=1e-3)
    duration_s = datetime.fromisoformat(clip["end"]) - datetime.fromisoformat(clip["start"])
    assert duration_s.total_seconds() == pytest.approx(6.0, abs=0.01)


def test_runs_that_open_no_segment_give_no_bundle(tmp_path: Path) -> None:
    recorder, writer = make(tmp_path)
    f = 7_250_000
    # raw jammed runs at 1-2 s (inside a window already jammed, after a one-step flicker) and at
    # 4-5 s (which the tracker did not keep): candidates whose clips are dropped at dwell end
    raw: dict[int, list[State]] = {0: ["jammed"], 1: ["signal"], 2: ["jammed"], 3: ["jammed"]}
    raw |= {4: ["empty"], 5: ["jammed"], 6: ["jammed"], 7: ["empty"]}
    run(recorder, Air({f: 0.0}), [f], [(0, 4, [jammed(f, 0, 4)])], raw, close=False)
    assert len(writer.written) == 0
    assert recorder.collecting == 1  # the clip of the real onset at 0 s, still collecting
    run(recorder, Air({f: 0.0}), [f], [(4, 8, [empty(f, 4, 8)])], raw)
    assert [b.facts["start"] for b in writer.written] == ["2026-02-16T12:00:00Z"]
    assert recorder.collecting == 0


def test_beyond_max_captures_onsets_are_logged_not_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    recorder, writer = make(tmp_path, max_captures=1, post_s=2.0)
    channels = [7_250_000, 7_260_000]
    with caplog.at_level(logging.WARNING):
        run(
            recorder,
            Air(dict.fromkeys(channels, 2.0)),
            channels,
            [(0, 5, [s for f in channels for s in (empty(f, 0, 2), jammed(f, 2, 5))])],
        )
    assert [b.facts["frequency_hz"] for b in writer.written] == [7_250_000]
    assert "event=evidence_skipped frequency_hz=7260000" in caplog.text
    assert "event=evidence_missed frequency_hz=7260000" in caplog.text


def test_a_gap_ends_the_clip(tmp_path: Path) -> None:
    recorder, writer = make(tmp_path, pre_s=1.0, post_s=10.0)
    f = 7_250_000
    air = Air({f: 2.0})
    for seq in range(16):
        recorder.block(air.block(seq))
        if seq % 4 == 3:
            second = seq // 4
            state: State = "jammed" if second >= 2 else "empty"
            recorder.step(at(second), at(second + 1), np.array([f]), result([state]))
    batch = Batch.checked([f], at(0), at(4), [empty(f, 0, 2), jammed(f, 2, 4)])
    recorder.dwell(DwellBatch("rx-unit", CENTER_HZ, batch))
    recorder.block(air.block(40))  # 6 s later: samples were lost
    recorder.close()
    clip = writer.written[0].facts["clip"]
    assert isinstance(clip, dict)
    assert clip["end"] <= "2026-02-16T12:00:04Z"


def test_evidence_settings_are_checked_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "receiver.toml"
    path.write_text('name = "rx"\n[evidence]\nenabled = true\npre_s = -1\n')
    with pytest.raises(ConfigError, match=r"setting evidence\.pre_s \(JAMWATCH_EVIDENCE_PRE_S\)"):
        load_config(path)
    path.write_text('name = "rx"\n[evidence]\nretention = 3\n')
    with pytest.raises(ConfigError, match=r"evidence\.retention .*unknown setting"):
        load_config(path)
    path.write_text('name = "rx"\n[source]\nkind = "simulated"\n')
    assert load_config(path).evidence.enabled is False
