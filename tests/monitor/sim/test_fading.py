"""Propagation: Rayleigh statistics, Doppler spread = 2 sigma, notches every 1/tau, log-normal."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import signal, stats

from monitor.sim.propagation import Path
from monitor.sim.scene import F1487_MODELS, Propagation


def _faded_carrier(model: Propagation, rate_hz: float, seconds: float, seed: int = 7):
    path = Path(model, rate_hz, np.random.default_rng(seed))
    n = round(rate_hz * seconds)
    blocks = [path.apply(np.ones(4096, dtype=np.complex64)) for _ in range(n // 4096)]
    return np.concatenate(blocks)


@pytest.mark.parametrize("model", ["flat", "MM", "HM"])
def test_envelope_is_rayleigh(model: str) -> None:
    prop = Propagation(model=model, spread_hz=1.0 if model == "flat" else None)
    rate = 40.0 * prop.doppler_spread_hz
    y = _faded_carrier(prop, rate, 4000.0 / prop.doppler_spread_hz)
    envelope = np.abs(y)
    # Rayleigh: std/mean = sqrt(4/pi - 1) = 0.5227, mean power 1
    assert envelope.std() / envelope.mean() == pytest.approx(math.sqrt(4 / math.pi - 1), abs=0.03)
    assert np.mean(envelope**2) == pytest.approx(1.0, rel=0.1)
    # KS on samples one coherence time apart (nearly independent)
    thinned = envelope[:: int(rate / prop.doppler_spread_hz)]
    assert stats.kstest(thinned, stats.rayleigh(scale=math.sqrt(0.5)).cdf).pvalue > 1e-3


@pytest.mark.parametrize("name", ["MQ", "MD", "LM", "HD"])
def test_doppler_spread_is_two_sigma(name: str) -> None:
    spread = F1487_MODELS[name][1]
    rate = 20.0 * spread
    y = _faded_carrier(Propagation(model=name), rate, 3000.0 / spread)
    f, p = signal.welch(y, fs=rate, nperseg=4096, return_onesided=False, detrend=False)
    sigma = math.sqrt(np.sum(f**2 * p) / np.sum(p))
    assert 2 * sigma == pytest.approx(spread, rel=0.08)


@pytest.mark.parametrize("name", ["MDV", "LD", "HM"])
def test_selective_fading_notches_every_one_over_tau(name: str) -> None:
    """Two paths tau apart: |H(f)|^2 is periodic in f with period 1/tau (notch spacing)."""
    delay_s = F1487_MODELS[name][0] / 1000.0
    rate = 24_000.0
    rng = np.random.default_rng(3)
    path = Path(Propagation(model=name), rate, rng)
    n = 4096
    x = (rng.standard_normal(8 * n) + 1j * rng.standard_normal(8 * n)).astype(np.complex64)
    y = path.apply(x)
    # channel over one short frame (fading is slow against 0.17 s)
    xf, yf = np.fft.fft(x[-n:]), np.fft.fft(y[-n:])
    h2 = np.abs(yf / xf) ** 2
    lag = np.abs(np.fft.ifft(h2 - h2.mean()))[1 : n // 2]
    assert (int(np.argmax(lag)) + 1) / rate == pytest.approx(delay_s, abs=1.5 / rate)


def test_lognormal_fading_keeps_mean_power_and_sigma() -> None:
    prop = Propagation(model="none", lognormal_sigma_db=6.0, lognormal_time_s=1.0)
    y = _faded_carrier(prop, 50.0, 4000.0)
    level_db = 20 * np.log10(np.abs(y))
    assert level_db.std() == pytest.approx(6.0, rel=0.1)
    assert np.mean(np.abs(y) ** 2) == pytest.approx(1.0, rel=0.15)


def _taps(prop: Propagation, rate_hz: float, seconds: float) -> tuple[np.ndarray, np.ndarray]:
    """The two tap gains of a two-path model, recovered from its output: a constant input gives
    h1 + h2, a tone at 1/(2 tau) (which the delay turns over) gives h1 - h2 (same taps: same
    seed)."""
    tau_s = prop.paths[1]
    n = round(rate_hz * seconds) // 4096 * 4096
    tone = np.exp(1j * np.pi * np.arange(n) / (rate_hz * tau_s)).astype(np.complex64)
    outputs = []
    for x in (np.ones(n, dtype=np.complex64), tone):
        path = Path(prop, rate_hz, np.random.default_rng(5))
        outputs.append(np.concatenate([path.apply(b) for b in np.split(x, n // 4096)]))
    plus, minus = outputs[0], outputs[1] / tone
    skip = round(rate_hz * tau_s) + 1  # the delay line's start-up
    return (plus + minus)[skip:] / 2, (plus - minus)[skip:] / 2


def test_taps_fade_independently_so_notches_move() -> None:
    """The two taps are independent (F.1487), so the notch lattice drifts: the notch offset
    within its 1/tau period (set by the taps' phase difference) wanders over the whole period
    and moves by a large fraction of it within a few coherence times."""
    rate = 4000.0
    h1, h2 = _taps(Propagation(model="MM"), rate, 120.0)  # 1 ms, 0.5 Hz
    correlation = abs(np.mean(h1 * np.conj(h2))) / np.sqrt(
        np.mean(abs(h1) ** 2) * np.mean(abs(h2) ** 2)
    )
    assert correlation < 0.15
    # notch offset as a fraction of the 1/tau period, sampled every 0.1 s
    notch = ((np.angle(h1 * np.conj(h2))[:: int(rate / 10)] / (2 * np.pi)) + 0.5) % 1.0
    counts, _ = np.histogram(notch, bins=10, range=(0.0, 1.0))
    assert counts.min() > 0.03 * notch.size  # every part of the period is visited
    step = np.abs((notch[40:] - notch[:-40] + 0.5) % 1.0 - 0.5)  # moves over 4 s
    assert np.median(step) > 0.1


def test_doppler_shift_slides_the_notches_steadily() -> None:
    """``doppler_shift_hz`` (beyond F.1487) turns the taps' phase difference at that rate on
    average: notches slide across the channel at doppler_shift / tau Hz per second."""
    rate, seconds, shift_hz = 2000.0, 200.0, 0.25
    prop = Propagation(model="two_path", delay_ms=0.5, spread_hz=0.1, doppler_shift_hz=shift_hz)
    h1, h2 = _taps(prop, rate, seconds)
    turns = np.unwrap(np.angle(h2 * np.conj(h1))) / (2 * np.pi)
    rate_hz = (turns[-1] - turns[0]) / (turns.size / rate)
    assert rate_hz == pytest.approx(shift_hz, abs=0.05)
    assert np.mean(np.abs(h2) ** 2) == pytest.approx(np.mean(np.abs(h1) ** 2), rel=0.35)
