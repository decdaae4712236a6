"""The streaming :class:`~monitor.analysis.Analysis`: gaps, faults and retunes become unknown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

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
    assert [s for s, *_ in states] == ["signal", "unknown", "signal", "unknown"]
    # 3 whole steps of 1.0027 s fit before the gap; the partial fourth is dropped with it
    assert states[1][1:] == (3.0, 6.0)
    assert states[2][1] == 6.0


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
