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
