"""Hysteresis: flicker absorbed, onsets back-dated, unknown immediate, medians kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from dsp.classify import RULES, Verdicts
from dsp.features import FEATURE_NAMES
from dsp.tracker import MAX_LOOKBACK_STEPS, Tracker
from dsp.vocabulary import JAMMER_TYPES, STATES, Segment

T0 = datetime(2026, 2, 16, 12, tzinfo=UTC)
RULE = {r.name: i for i, r in enumerate(RULES)}
OUTCOME = {
    "e": ("empty", None, "empty"),
    "s": ("signal", None, "broadcast"),
    "j": ("jammed", "noise", "noise"),
    "p": ("jammed", "program", "program"),
    "u": ("unknown", None, "unobserved"),
}


def _run(sequence: str, snr: float = 10.0) -> list[Segment]:
    """Feed one channel the states spelt by ``sequence`` (one letter per 1 s step)."""
    tracker = Tracker(np.array([6_000_000]))
    segments: list[Segment] = []
    for k, letter in enumerate(sequence):
        state, jammer, rule = OUTCOME[letter]
        verdicts = Verdicts(
            state=np.array([STATES.index(state)], dtype=np.int8),
            jammer=np.array([JAMMER_TYPES.index(jammer) if jammer else -1], dtype=np.int8),
            confidence=np.array([0.9]),
            rule=np.array([RULE[rule]], dtype=np.int8),
            lookback=np.array([RULES[RULE[rule]].lookback], dtype=np.int8),
        )
        features = np.full((1, len(FEATURE_NAMES)), snr + k)
        start = T0 + timedelta(seconds=k)
        segments += tracker.update(start, start + timedelta(seconds=1), verdicts, features)
    return segments + tracker.finish()


def _spans(segments: list[Segment]) -> list[tuple[str, int, int]]:
    return [
        (s.state, int((s.start - T0).total_seconds()), int((s.end - T0).total_seconds()))
        for s in segments
    ]


def test_single_step_flicker_is_absorbed() -> None:
    assert _spans(_run("sssjsssesss")) == [("signal", 0, 11)]


def test_onset_and_end_are_back_dated_to_the_first_step() -> None:
    assert _spans(_run("ssssjjjjjjsss")) == [
        ("signal", 0, 4),
        ("jammed", 4, 10),
        ("signal", 10, 13),
    ]


def test_unknown_is_immediate_and_so_is_what_follows() -> None:
    assert _spans(_run("jjjujsss")) == [
        ("jammed", 0, 3),
        ("unknown", 3, 4),
        ("jammed", 4, 5),
        ("signal", 5, 8),
    ]


def test_segment_carries_median_metrics_jammer_and_rule() -> None:
    (seg,) = _run("jjjjj", snr=20.0)
    assert seg.jammer == "noise"
    assert seg.rule == "noise"
    assert seg.snr_db == 22.0  # median of 20..24
    assert seg.metrics["flatness"] == 22.0
    assert seg.confidence == 0.9


def test_long_segments_keep_an_even_median() -> None:
    (seg,) = _run("j" * 1000, snr=0.0)
    assert seg.snr_db is not None
    assert abs(seg.snr_db - 499.5) < 5


def test_a_jamming_window_ends_where_signal_and_empty_steps_begin() -> None:
    """After a jammer stops, its target fades in and out: a run mixing `signal` and `empty`
    ends the window at its first step and takes the state of its latest step."""
    assert _spans(_run("sjjjjjseeee")) == [
        ("signal", 0, 1),
        ("jammed", 1, 6),
        ("empty", 6, 11),
    ]


def test_signal_and_empty_do_not_merge_outside_a_jamming_window() -> None:
    assert _spans(_run("sssseseeee")) == [("signal", 0, 6), ("empty", 6, 10)]


def test_channels_closing_together_keep_their_own_medians() -> None:
    """Medians of several channels at once: each over its own run, NaN steps left out."""
    tracker = Tracker(np.array([6_000_000, 6_005_000, 6_010_000]))
    jammed = STATES.index("jammed")
    states = {0: "jjjjj", 1: "jjjjj", 2: "eejjj"}
    for k in range(5):
        verdicts = Verdicts(
            state=np.array([STATES.index(OUTCOME[states[c][k]][0]) for c in range(3)], np.int8),
            jammer=np.array([JAMMER_TYPES.index("noise")] * 3, dtype=np.int8),
            confidence=np.array([0.9] * 3),
            rule=np.array([RULE["noise"]] * 3, dtype=np.int8),
            lookback=np.zeros(3, dtype=np.int8),
        )
        features = np.full((3, len(FEATURE_NAMES)), 10.0 * k)
        features[1, 0] = np.nan if k % 2 else k  # channel 1: steps 0, 2 and 4 only
        features[2] += 100.0
        start = T0 + timedelta(seconds=k)
        assert not tracker.update(start, start + timedelta(seconds=1), verdicts, features)[1:]
    segments = [s for s in tracker.finish() if s.state == STATES[jammed]]
    first = FEATURE_NAMES[0]
    assert [s.metrics[first] for s in segments] == [20.0, 2.0, 130.0]
    assert [s.metrics[FEATURE_NAMES[1]] for s in segments] == [20.0, 20.0, 130.0]


def test_a_jamming_window_starts_where_its_first_verdicts_evidence_reaches_back() -> None:
    """`program` compares this step's carriers with the two previous steps': the jammer was
    there then too, so the window starts two steps before its first verdict (one, where the
    steps before it are not one unbroken run)."""
    assert RULES[RULE["program"]].lookback == 2
    assert _spans(_run("ssssppppss")) == [("signal", 0, 2), ("jammed", 2, 8), ("signal", 8, 10)]
    assert _spans(_run("sseesppppss")) == [
        ("signal", 0, 2),
        ("empty", 2, 4),
        ("jammed", 4, 9),
        ("signal", 9, 11),
    ]
    assert _spans(_run("ssssjjjjss")) == [("signal", 0, 4), ("jammed", 4, 8), ("signal", 8, 10)]


def test_an_onset_never_moves_into_an_unknown_step_or_empties_a_segment() -> None:
    # the signal segment after the unknown step was confirmed at once: it keeps its step
    assert _spans(_run("ssuspppss")) == [
        ("signal", 0, 2),
        ("unknown", 2, 3),
        ("signal", 3, 4),
        ("jammed", 4, 7),
        ("signal", 7, 9),
    ]
    assert _spans(_run("spppss"))[:2] == [("signal", 0, 1), ("jammed", 1, 4)]  # tuning's first
    assert _spans(_run("upppss"))[:2] == [("unknown", 0, 1), ("jammed", 1, 4)]


def test_rules_claim_at_most_two_steps_back() -> None:
    """The evidence recorder's ring holds the confirmation time plus this many steps."""
    assert MAX_LOOKBACK_STEPS == 2
