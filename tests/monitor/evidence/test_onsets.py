"""The onset watch finds every start of a jammed segment the tracker makes, in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from dsp.classify import Verdicts
from dsp.tracker import MAX_LOOKBACK_STEPS, Tracker
from dsp.vocabulary import STATES
from monitor.evidence.onsets import OnsetWatch

T0 = datetime(2026, 2, 16, 12, tzinfo=UTC)
CHANNELS = np.arange(7_200_000, 7_400_000, 5_000, dtype=np.int64)


def verdicts(states: np.ndarray, lookback: np.ndarray) -> Verdicts:
    jammed = states == STATES.index("jammed")
    return Verdicts(
        state=states.astype(np.int8),
        jammer=np.where(jammed, 0, -1).astype(np.int8),
        confidence=np.full(states.size, 0.9),
        rule=np.zeros(states.size, dtype=np.int8),
        lookback=lookback.astype(np.int8),
    )


@pytest.mark.parametrize("seed", range(5))
def test_every_jammed_segment_start_is_reported_by_the_time_it_is_confirmed(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # sticky random states: runs of a few steps, some flicker, some unknown
    steps = 300
    states = np.zeros((steps, CHANNELS.size), dtype=np.int8)
    states[0] = rng.integers(0, 4, CHANNELS.size)
    for k in range(1, steps):
        change = rng.random(CHANNELS.size) < 0.3
        states[k] = np.where(change, rng.integers(0, 4, CHANNELS.size), states[k - 1])
    # and verdicts whose evidence reaches back a step or not (as programme and tone rules do)
    lookback = rng.integers(0, MAX_LOOKBACK_STEPS + 1, (steps, CHANNELS.size))
    tracker = Tracker(CHANNELS)
    watch = OnsetWatch()
    reported: dict[tuple[int, datetime], int] = {}
    starts: list[tuple[int, datetime]] = []
    for k in range(steps):
        start = T0 + timedelta(seconds=k)
        end = start + timedelta(seconds=1)
        closed = tracker.update(start, end, verdicts(states[k], lookback[k]), None)
        for found in watch.step(start, end, CHANNELS, states[k], lookback[k].astype(np.int8)):
            assert found not in reported, "an onset reported twice"
            reported[found] = k
        assert all(s.end > s.start for s in closed), "a segment moved back to nothing"
        starts += [(s.frequency_hz, s.start) for s in closed if s.state == "jammed"]
    starts += [(s.frequency_hz, s.start) for s in tracker.finish() if s.state == "jammed"]
    assert starts, "the sequence had no jamming"
    missing = [start for start in starts if start not in reported]
    assert not missing
    # reported no later than the tracker could have confirmed the run
    for onset in starts:
        delay_steps = reported[onset] - round((onset[1] - T0).total_seconds())
        assert 0 <= delay_steps < watch.confirm_steps + MAX_LOOKBACK_STEPS
    assert any(
        reported[onset] - round((onset[1] - T0).total_seconds()) == watch.confirm_steps
        for onset in starts
    ), "no onset moved back: the lookback was not exercised"


def test_a_gap_or_retune_starts_afresh() -> None:
    watch = OnsetWatch()
    jammed = np.full(CHANNELS.size, STATES.index("jammed"), dtype=np.int8)
    back = np.ones(CHANNELS.size, dtype=np.int8)
    first = watch.step(T0, T0 + timedelta(seconds=1), CHANNELS, jammed, back)
    assert len(first) == CHANNELS.size  # the first step of a tuning is confirmed at once
    second = watch.step(
        T0 + timedelta(seconds=1), T0 + timedelta(seconds=2), CHANNELS, jammed, back
    )
    assert second == []
    later = T0 + timedelta(seconds=5)
    again = watch.step(later, later + timedelta(seconds=1), CHANNELS, jammed, back)
    assert {t for _, t in again} == {later}
