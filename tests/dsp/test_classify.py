"""The classifier on a synthetic band holding one example of each class."""

from __future__ import annotations

import numpy as np
import pytest

from dsp.classify import RULES, Verdicts
from dsp.detector import Detector, StepResult
from tests.dsp.signals import (
    am,
    as_c64,
    noise_jammer,
    ofdm_drm,
    pulses,
    speech_audio,
    sweep,
    white,
)

RATE = 192_000.0
CENTER = 6_000_000.0
SECONDS = 6


@pytest.fixture(scope="module")
def steps() -> tuple[Detector, list[StepResult]]:
    """Five whole one-second steps of a band with a broadcast, DRM and four jammers."""
    rng = np.random.default_rng(11)
    n = int(SECONDS * RATE)
    silent = np.zeros(n)
    x = (
        am(n, RATE, -40_000, 1e-2, speech_audio(n, RATE, rng))  # 5960 kHz: clean AM
        + ofdm_drm(n, RATE, -30_000, 2e-5, rng)  # 5970 kHz: DRM
        + noise_jammer(n, RATE, -15_000, 3e-3, rng)  # 5985 kHz: noise jammer
        + sum(am(n, RATE, d, a, silent) for d, a in ((2.0, 1e-2), (9.0, 6e-3)))  # 6000: programme
        + sweep(n, RATE, 8_000.0, 14_000.0, 2.0, 3e-3)  # 6010-6020 kHz: sweep
        + pulses(n, RATE, 35_000.0, 1e-2, prf_hz=40.0, duty=0.3)  # 6035 kHz: pulses
        + white(n, rng, 1e-6)
    )
    det = Detector(CENTER, RATE)
    return det, det.push(as_c64(x))


def _verdict(steps: tuple[Detector, list[StepResult]], freq: int, step: int) -> tuple[str, ...]:
    det, results = steps
    ch = int(np.flatnonzero(det.plan.frequencies_hz == freq)[0])
    state, jammer, _ = results[step].verdicts.describe(ch)
    rule = RULES[int(results[step].verdicts.rule[ch])].name
    return state, jammer or "", rule


@pytest.mark.parametrize(
    ("freq", "expected"),
    [
        (5_960_000, ("signal", "", "broadcast")),
        (5_970_000, ("signal", "", "drm")),
        (5_985_000, ("jammed", "noise", "noise")),
        (6_000_000, ("jammed", "program", "program")),
        (6_015_000, ("jammed", "sweep", "sweep")),
        (6_035_000, ("jammed", "pulse", "pulse")),
        (6_050_000, ("empty", "", "empty")),
    ],
)
def test_each_class_is_recognised(
    steps: tuple[Detector, list[StepResult]], freq: int, expected: tuple[str, ...]
) -> None:
    for step in (2, 3, 4):
        assert _verdict(steps, freq, step) == expected


def test_confidence_lies_in_half_to_one(steps: tuple[Detector, list[StepResult]]) -> None:
    for result in steps[1]:
        assert np.all((result.verdicts.confidence >= 0.5) & (result.verdicts.confidence <= 1.0))


def test_unknown_verdicts_cover_every_channel() -> None:
    verdicts = Verdicts.unknown(4)
    assert [verdicts.describe(i)[0] for i in range(4)] == ["unknown"] * 4


def test_flagged_samples_make_the_step_unknown() -> None:
    det = Detector(CENTER, RATE)
    x = as_c64(white(det.step_samples * 2, np.random.default_rng(1), 1e-6))
    first = det.push(x[:100], flagged=True) + det.push(x[100:])
    assert [r.features is None for r in first] == [True, False]


def test_clipping_makes_the_step_unknown() -> None:
    det = Detector(CENTER, RATE)
    x = as_c64(white(det.step_samples, np.random.default_rng(1), 1e-2))
    x[:1000] = 1 + 1j  # 0.1 % of components at full scale
    (result,) = det.push(x)
    assert result.features is None
    assert set(result.verdicts.state.tolist()) == {3}
