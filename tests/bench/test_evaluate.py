"""The evaluation's onset and end latencies on hand-made truth and predictions."""

from __future__ import annotations

from bench.evaluate import Prediction, Score, _end_latency, _ends, _onsets

FREQ = 6_000_000
TRUTH = [(s, "jammed" if 5 <= s <= 18 else "signal") for s in range(24)]
"""A jammer on from second 5 to second 18 (the suite's scenes switch at 5 s and 19 s)."""


def _predicted(jammed: range) -> dict[tuple[int, int], Prediction]:
    return {
        (FREQ, s): ("jammed", "noise", "noise") if s in jammed else ("signal", None, "broadcast")
        for s in range(24)
    }


def _scored(jammed: range) -> Score:
    score = Score()
    predicted = _predicted(jammed)
    _onsets(FREQ, TRUTH, predicted, score, ("scene", 250_000))
    _ends(FREQ, TRUTH, predicted, score)
    return score


def test_latencies_count_from_the_truths_switching_seconds() -> None:
    score = _scored(range(6, 21))  # found a second late, released two seconds late
    assert score.latencies_s == [1.0]
    assert score.end_latencies_s == [2.0]
    assert score.unreleased_ends == 0


def test_an_end_the_detector_never_reached_is_not_scored() -> None:
    score = _scored(range(6, 15))  # lost the jammer four seconds before it stopped
    assert score.end_latencies_s == []
    assert score.unreleased_ends == 0


def test_a_channel_held_to_the_scenes_end_is_unreleased() -> None:
    score = _scored(range(5, 24))
    assert score.latencies_s == [0.0]
    assert score.end_latencies_s == []
    assert score.unreleased_ends == 1
    assert _end_latency(score).endswith("none released.")


def test_a_late_onset_is_listed_with_its_latency() -> None:
    score = _scored(range(10, 19))
    assert score.latencies_s == [5.0]
    assert score.late_onsets == [("scene", 250_000, FREQ, 5, 5.0)]
    assert score.end_latencies_s == [0.0]
    assert "1 of 1 within 3 s" in _end_latency(score)
