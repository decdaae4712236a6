"""Occupied bandwidth (99 %, after subtracting the noise) of every jammer type."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.monitor.sim.helpers import make_scene, occupied_bandwidth, psd, render

RATE = 64_000
CHANNEL_HZ = 7_300_000
OFFSET_HZ = CHANNEL_HZ - 7_302_500


def _obw(emitter: dict[str, Any], duration_s: float = 6.0) -> float:
    spec = {"frequency_hz": CHANNEL_HZ, "level_dbm": -50.0, **emitter}
    x = render(make_scene([spec], sample_rate_hz=RATE, duration_s=duration_s))
    f, p = psd(x, RATE, 31.25)
    inside = np.abs(f - OFFSET_HZ) < 29_000
    edge = np.abs(f) > 29_500
    noise = float(np.median(p[edge]))
    return occupied_bandwidth(f[inside], p[inside], noise)


def _pulse_obw(prf_hz: float, duty: float, rise_s: float) -> float:
    """99 % bandwidth of the keyed carrier as documented: raised-cosine edges of ``rise_s``,
    ``duty / prf_hz`` wide at half height, built here independently at a high rate."""
    fs = 4_096_000.0
    period = round(fs / prf_hz)
    t = np.arange(period) / fs
    width = duty / prf_hz
    rise = 0.5 - 0.5 * np.cos(np.pi * np.clip(t / rise_s, 0.0, 1.0))
    fall = 0.5 - 0.5 * np.cos(np.pi * np.clip((width + rise_s - t) / rise_s, 0.0, 1.0))
    env = rise * fall
    power = np.abs(np.fft.fft(env)) ** 2
    freqs = np.fft.fftfreq(period, 1 / fs)
    order = np.argsort(freqs)
    return occupied_bandwidth(freqs[order], power[order], 0.0)


@pytest.mark.parametrize("bandwidth_hz", [6000.0, 16000.0])
def test_noise_without_carrier_fills_its_band(bandwidth_hz: float) -> None:
    obw = _obw({"kind": "jam_noise", "carrier": False, "bandwidth_hz": bandwidth_hz})
    assert obw == pytest.approx(0.99 * bandwidth_hz, rel=0.05)


def test_noise_with_carrier_keeps_99_percent_inside_its_band() -> None:
    """Carrier plus DSB noise of m_rms 0.5: the carrier holds 1/(1+m^2) of the power, so 1 % of
    the total is 5 % of the sidebands and the 99 % width is 0.95 of the band."""
    m = 0.5
    obw = _obw({"kind": "jam_noise", "bandwidth_hz": 12000.0, "m_rms": m})
    expected = 12000.0 * (1 - 0.01 * (1 + m * m) / (m * m))
    assert obw == pytest.approx(expected, rel=0.05)


def test_sweep_covers_its_span() -> None:
    obw = _obw({"kind": "jam_sweep", "span_hz": 20000.0, "period_s": 1.0}, duration_s=5.0)
    assert obw == pytest.approx(0.99 * 20000.0, rel=0.03)


@pytest.mark.parametrize(("tone_hz", "warble_hz"), [(1000.0, 0.0), (700.0, 200.0)])
def test_tone_sidebands_at_the_tone(tone_hz: float, warble_hz: float) -> None:
    obw = _obw({"kind": "jam_tone", "tone_hz": tone_hz, "warble_hz": warble_hz, "depth": 0.8})
    assert obw == pytest.approx(2 * (tone_hz + warble_hz), abs=100.0)


def test_pulse_bandwidth_follows_keying() -> None:
    spec = {"prf_hz": 200.0, "duty": 0.2, "rise_s": 2e-4}
    obw = _obw({"kind": "jam_pulse", **spec})
    assert obw == pytest.approx(_pulse_obw(**spec), rel=0.1)


def test_program_jammer_stays_within_its_audio_band() -> None:
    obw = _obw(
        {
            "kind": "jam_program",
            "programme": "music",
            "audio_bandwidth_hz": 4500.0,
            "carriers": [{"offset_hz": 0.0}, {"offset_hz": 4.0, "delay_s": 0.2}],
        }
    )
    assert 2000.0 < obw <= 2 * 4500.0 + 100.0
