"""Programme audio: 150 Hz-4.5 kHz, m_rms as asked, peaks within +-1, syllables ~4 Hz."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage, signal

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
    """Music has stable spectral lines (notes on a scale, recurring) standing far above the
    local spectrum around them, drums included; speech's gliding pitch smears its harmonics."""

    def line_contrast(m: np.ndarray) -> float:
        f, p = signal.welch(m, fs=RATE, nperseg=16384)  # 1 Hz bins
        contrast = p / ndimage.median_filter(p, size=101)  # over the local +-50 Hz floor
        return float(np.percentile(contrast[(f > 150) & (f < 2000)], 99.5))

    assert line_contrast(_modulation("music", 0.3)) > 20 * line_contrast(_modulation("speech", 0.3))


def _band_db(p: np.ndarray, f: np.ndarray, centre_hz: float) -> float:
    """Mean PSD over about a third of an octave around ``centre_hz``, dB."""
    return float(10 * np.log10(np.mean(p[(f > centre_hz / 1.2) & (f < centre_hz * 1.2)])))


def test_music_spectrum_falls_with_audio_frequency() -> None:
    """Programme music's long-term spectrum falls above ~500 Hz (domain.md 4.6: -6 dB/octave
    or more), octave after octave, unlike flat noise modulation."""
    m = _modulation("music", 0.3, seconds=30.0)
    f, p = signal.welch(m, fs=RATE, nperseg=4096)
    levels = [_band_db(p, f, hz) for hz in (500.0, 1000.0, 2000.0, 4000.0)]
    assert all(b < a for a, b in zip(levels, levels[1:], strict=False))
    slope_db_per_octave = (levels[-1] - levels[0]) / 3
    assert -14.0 < slope_db_per_octave < -5.0


def test_music_has_percussive_broadband_transients_and_dynamics() -> None:
    """Drums: the band above 2.5 kHz is heavy-tailed (kurtosis well above Gaussian 3) with
    sudden rises of >= 10 dB within 10 ms at least once a second; loudness varies (dynamics)."""
    programme = Programme(
        np.random.default_rng(3), RATE, kind="music", m_rms=0.3, audio_bandwidth_hz=4500.0
    )
    m = programme.read(int(30 * RATE)).real
    high = signal.sosfilt(signal.butter(4, 2500.0, "highpass", fs=RATE, output="sos"), m)
    kurtosis = np.mean(high**4) / np.mean(high**2) ** 2
    assert kurtosis > 6.0
    frame = int(0.005 * RATE)
    power = np.mean(high[: high.size // frame * frame].reshape(-1, frame) ** 2, axis=1)
    level_db = 10 * np.log10(power + 1e-20)
    rising = (level_db[2:] - level_db[:-2]) > 10.0
    onsets_per_s = np.sum(rising[1:] & ~rising[:-1]) / 30.0
    assert onsets_per_s >= 1.0
    loud = np.sqrt(np.mean(m[: m.size // 1600 * 1600].reshape(-1, 1600) ** 2, axis=1))
    spread_db = 20 * np.log10(np.percentile(loud, 90) / np.percentile(loud, 10))
    assert spread_db > 6.0
