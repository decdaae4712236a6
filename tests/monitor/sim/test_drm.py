"""DRM: cyclic-prefix correlation at the mode's useful-symbol lag, pilots, no carrier."""

from __future__ import annotations

import numpy as np
import pytest

from tests.monitor.sim.helpers import make_scene, psd, render

RATE = 24_000
TU_S = {"A": 0.024, "B": 0.064 / 3}
GUARD_RATIO = {"A": 1 / 9, "B": 1 / 4}


def _drm(mode: str) -> np.ndarray:
    scene = make_scene(
        [{"kind": "drm", "frequency_hz": 15_110_000, "level_dbm": -60.0, "mode": mode}],
        center_hz=15_110_000,
        sample_rate_hz=RATE,
        duration_s=2.0,
    )
    return render(scene)


@pytest.mark.parametrize("mode", ["A", "B"])
def test_cyclic_prefix_correlation_peaks_at_tu(mode: str) -> None:
    x = _drm(mode)[RATE // 4 :]
    lags = np.arange(100, 800)
    energy = np.sum(np.abs(x) ** 2)
    corr = np.array([abs(np.vdot(x[:-lag], x[lag:])) for lag in lags]) / energy
    best = lags[int(np.argmax(corr))]
    assert best == pytest.approx(TU_S[mode] * RATE, abs=1)
    # over the whole signal the prefix repeats Tg of every Tu + Tg: peak Tg / (Tu + Tg)
    expected = GUARD_RATIO[mode] / (1 + GUARD_RATIO[mode])
    assert corr.max() == pytest.approx(expected, rel=0.25)
    assert np.median(corr) < 0.2 * expected


@pytest.mark.parametrize("mode", ["A", "B"])
def test_boosted_pilots_flat_top_and_no_carrier(mode: str) -> None:
    """At a quarter of the carrier spacing the continuous pilot tones stand out of the data
    cells (which change every symbol); the DC carrier is empty; the edges are steep."""
    f, p = psd(_drm(mode), RATE, 0.25 / TU_S[mode])
    inband = (np.abs(f) > 200) & (np.abs(f) < 4500)
    median = np.median(p[inband])
    for pilot_hz in (750.0, 2250.0, 3000.0):
        at = int(np.argmin(np.abs(f - pilot_hz)))
        assert 10 * np.log10(p[at] / median) > 5.0
        mirror = int(np.argmin(np.abs(f + pilot_hz)))
        assert 10 * np.log10(p[mirror] / median) < 3.0
    dc = int(np.argmin(np.abs(f)))
    assert p[dc] < 0.5 * median  # the unused DC carrier: a notch, not a carrier
    outside = np.abs(f) > 6500
    assert 10 * np.log10(np.median(p[outside]) / median) < -30  # brick-wall edges
