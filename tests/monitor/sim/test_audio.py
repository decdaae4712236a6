"""Programme audio: 150 Hz-4.5 kHz, m_rms as asked, peaks within +-1, syllables ~4 Hz."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from monitor.sim.audio import Programme

RATE = 16_000.0


def _modulation(kind: str, m_rms: float, seconds: float = 30.0) -> np.ndarray:
    programme = Programme(
        np.random.default_rng(9), RATE, kind=kind, m_rms=m_rms, audio_bandwidth_hz=4500.0
    )
    return programme.read(int(seconds * RATE)).real


@pytest.mark.parametrize(("kind", "m_rms"), [("speech", 0.3), ("music", 0.4), ("speech", 0.2)])
def test_modulation_depth_and_audio_band(kind: str, m_rms: float) -> None:
    m = _modulation(kind, m_rms)
    assert np.max(np.abs(m)) <= 1.0
    assert np.sqrt(np.mean(m**2)) == pytest.approx(m_rms, rel=0.15)
    f, p = signal.welch(m, fs=RATE, nperseg=4096)
    voice = np.mean(p[(f > 300) & (f < 3000)])
    # 47 CFR 73.756: rolling off below 150 Hz (at least 6 dB/octave: 12 dB two octaves down)
    assert 10 * np.log10(np.mean(p[(f > 20) & (f < 75)]) / voice) < -12.0
    assert np.sum(p[f > 4700]) / np.sum(p) < 0.005


def test_speech_has_syllables_near_4_hz_and_pauses() -> None:
    m = _modulation("speech", 0.3, seconds=60.0)
    envelope = signal.decimate(np.abs(m), 80, ftype="fir")  # 200 Hz
    f, p = signal.welch(envelope - envelope.mean(), fs=200.0, nperseg=2048)
    band = (f > 1.0) & (f < 20)  # above the phrase rate
    peak_hz = f[band][np.argmax(p[band])]
    assert 2.0 <= peak_hz <= 7.0
    frames = np.sqrt(np.mean(m[: m.size // 1600 * 1600].reshape(-1, 1600) ** 2, axis=1))
    quiet = np.mean(frames < 0.1 * np.median(frames))
    assert 0.05 < quiet < 0.5  # phrase pauses, but mostly talking


def test_music_and_speech_differ_in_tonality() -> None:
    """Music has strong stable spectral lines (notes); speech does not."""

    def peakiness(m: np.ndarray) -> float:
        _, p = signal.welch(m, fs=RATE, nperseg=8192)
        return float(np.max(p) / np.median(p))

    assert peakiness(_modulation("music", 0.3)) > 5 * peakiness(_modulation("speech", 0.3))
