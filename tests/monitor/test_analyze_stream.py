"""The streaming :class:`~monitor.analysis.Analysis`: gaps, faults and retunes become unknown."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from scipy import signal

import monitor.analysis
from dsp.detector import StepResult
from dsp.vocabulary import Segment
from monitor.analysis import Analysis, cover
from monitor.iq import BlockFlags, IQBlock

T0 = datetime(2026, 2, 16, 12, tzinfo=UTC)
RATE = 96_000.0


def _block(
    seconds: float,
    start_s: float,
    seq: int,
    center_hz: float = 6e6,
    flags: BlockFlags = BlockFlags.NONE,
) -> IQBlock:
    rng = np.random.default_rng(seq)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    x = 1e-3 * (rng.normal(size=n) + 1j * rng.normal(size=n)) + 0.05 * np.exp(2j * np.pi * 20e3 * t)
    return IQBlock(
        x.astype(np.complex64), center_hz, RATE, T0 + timedelta(seconds=start_s), seq, flags
    )


def _run(blocks: list[IQBlock], end_s: float) -> tuple[Analysis, list[Segment]]:
    analysis = Analysis()
    segments: list[Segment] = []
    for block in blocks:
        segments += analysis.feed(block)
    segments += analysis.finish()
    covered = cover(segments, analysis.channels, T0, T0 + timedelta(seconds=end_s))
    return analysis, covered


def _states(segments: list[Segment], freq: int) -> list[tuple[str, float, float]]:
    return [
        (s.state, round((s.start - T0).total_seconds(), 1), round((s.end - T0).total_seconds(), 1))
        for s in segments
        if s.frequency_hz == freq
    ]


def test_a_dropped_gap_is_unknown_and_the_rest_is_judged() -> None:
    blocks = [_block(0.5, 0.5 * k, k) for k in range(8)]
    blocks += [
        _block(0.5, 6.0 + 0.5 * k, 8 + k, flags=BlockFlags.DROPPED if k == 0 else BlockFlags.NONE)
        for k in range(6)
    ]
    _, segments = _run(blocks, 9.0)
    states = _states(segments, 6_020_000)
    judged = [k for k, _ in itertools.groupby(s != "unknown" for s, *_ in states)]
    assert judged == [True, False, True, False]
    # 3 whole steps of 1.0027 s fit before the gap; the partial fourth is dropped with it
    unknown = [times for s, *times in states if s == "unknown"]
    assert unknown[0] == [3.0, 6.0]
    assert min(start for s, start, _ in states if s != "unknown" and start >= 3.0) == 6.0


def test_overload_makes_its_step_unknown_for_every_channel() -> None:
    blocks = [
        _block(0.25, 0.25 * k, k, flags=BlockFlags.OVERLOAD if k == 9 else BlockFlags.NONE)
        for k in range(24)
    ]
    analysis, segments = _run(blocks, 6.0)
    for freq in analysis.channels:
        unknown = [s for s in _states(segments, freq) if s[0] == "unknown"]
        assert unknown[0][1:] == (2.0, 3.0)


def test_a_retune_covers_both_channel_sets_with_unknown_elsewhere() -> None:
    blocks = [_block(1.0, k, k) for k in range(3)] + [
        _block(1.0, 3 + k, 3 + k, center_hz=7e6) for k in range(3)
    ]
    analysis, segments = _run(blocks, 6.0)
    assert {6_020_000, 7_020_000} <= analysis.channels
    assert [s for s, *_ in _states(segments, 6_020_000)][-1] == "unknown"
    assert _states(segments, 7_020_000)[0] == ("unknown", 0.0, 3.0)


def _jammed_scene(seconds: float, block_s: float = 0.25) -> list[IQBlock]:
    """A steady carrier at +20 kHz all along and a noise jammer at -15 kHz from 3.3 s to 9.6 s."""
    rng = np.random.default_rng(11)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    x = 1e-3 * (rng.normal(size=n) + 1j * rng.normal(size=n))
    x += 0.05 * np.exp(2j * np.pi * 20e3 * t)
    sos = signal.butter(6, 4000, fs=RATE, output="sos")
    noise = signal.sosfilt(sos, rng.normal(size=n) + 1j * rng.normal(size=n))
    x += 0.2 * noise * np.exp(-2j * np.pi * 15e3 * t) * ((t >= 3.3) & (t < 9.6))
    samples = x.astype(np.complex64)
    size = int(block_s * RATE)
    return [
        IQBlock(samples[i : i + size], 6e6, RATE, T0 + timedelta(seconds=i / RATE), k)
        for k, i in enumerate(range(0, n, size))
    ]


Piece = tuple[int, datetime, datetime, str, str | None]


def _pieces(segments: list[Segment]) -> list[Piece]:
    return sorted((s.frequency_hz, s.start, s.end, s.state, s.jammer) for s in segments)


def _split(segments: list[Segment], boundaries: list[datetime]) -> list[Piece]:
    """Each segment cut at the boundaries inside it."""
    out: list[Piece] = []
    for seg in segments:
        edges = [seg.start, *(b for b in boundaries if seg.start < b < seg.end), seg.end]
        out += [
            (seg.frequency_hz, a, b, seg.state, seg.jammer) for a, b in itertools.pairwise(edges)
        ]
    return sorted(out)


def _checkpointed(
    blocks: list[IQBlock], after_blocks: set[int]
) -> tuple[list[Segment], list[datetime], list[int]]:
    """Feed the blocks, checkpointing after the given ones; the segments, the checkpoint
    boundaries and the detector's step indices."""
    indices: list[int] = []

    def on_step(_start: datetime, _end: datetime, _freqs: object, result: StepResult) -> None:
        indices.append(result.index)

    analysis = Analysis(on_step=on_step)
    segments: list[Segment] = []
    boundaries: list[datetime] = []
    for k, block in enumerate(blocks):
        segments += analysis.feed(block)
        if k in after_blocks:
            closed = analysis.checkpoint()
            assert closed, f"checkpoint after block {k} closed nothing"
            assert len({s.end for s in closed}) == 1
            assert {s.frequency_hz for s in closed} == analysis.channels
            assert analysis.checkpoint() == []  # nothing new since
            boundaries.append(closed[0].end)
            segments += closed
    segments += analysis.finish()
    return segments, boundaries, indices


def test_checkpoint_splits_the_segments_of_an_uninterrupted_run_at_its_boundary() -> None:
    blocks = _jammed_scene(14.0)
    _, whole = _run(blocks, 14.0)
    judged = [s for s in whole if s.state != "unknown"]
    assert {s.state for s in judged} == {"empty", "signal", "jammed"}
    # boundaries at the ends of steps 2, 5, 8 and 11 (no state change is pending there)
    segments, boundaries, indices = _checkpointed(blocks, {12, 24, 36, 48})
    assert [round((b - T0).total_seconds(), 2) for b in boundaries] == [3.01, 6.02, 9.02, 12.03]
    assert _pieces(segments) == _split(judged, boundaries)
    # the tracker ran on: the last piece of each segment carries the whole segment's figures
    last_pieces = {(s.frequency_hz, s.end): s for s in segments}
    for seg in judged:
        piece = last_pieces[seg.frequency_hz, seg.end]
        assert replace(piece, start=seg.start) == seg
    # one detector all along: its step indices run on, and no partial step was dropped
    assert indices == list(range(13))


def test_a_change_pending_at_a_checkpoint_starts_at_the_boundary() -> None:
    blocks = _jammed_scene(14.0)
    _, whole = _run(blocks, 14.0)
    onset = min(s.start for s in whole if s.state == "jammed" and s.jammer == "noise")
    # the jammer starts in the step from 3.01 s, which is confirmed by the step after it: a
    # checkpoint at 4.01 s hands the channel out as empty up to there
    segments, boundaries, _ = _checkpointed(blocks, {16})
    assert round((onset - T0).total_seconds(), 2) == 3.01
    assert round((boundaries[0] - T0).total_seconds(), 2) == 4.01
    noise = [s for s in segments if s.jammer == "noise"]
    assert noise
    assert {s.start for s in noise} == {boundaries[0]}
    for freq in {s.frequency_hz for s in noise}:
        mine = sorted((s for s in segments if s.frequency_hz == freq), key=lambda s: s.start)
        assert all(a.end == b.start for a, b in itertools.pairwise(mine))
        assert [s.state for s in mine] == ["empty", "jammed", "empty"]


def test_checkpoints_restart_a_long_running_tracker_without_gaps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(monitor.analysis, "TRACKER_RESTART_S", 3.0)
    blocks = _jammed_scene(14.0)
    segments, boundaries, indices = _checkpointed(blocks, set(range(4, 56, 4)))
    assert indices == list(range(13))
    for freq in {s.frequency_hz for s in segments}:
        mine = sorted((s for s in segments if s.frequency_hz == freq), key=lambda s: s.start)
        assert mine[0].start == T0
        assert all(a.end == b.start for a, b in itertools.pairwise(mine))
