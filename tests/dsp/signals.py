"""Synthetic test signals with known properties (complex baseband, full scale about +-1)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import signal

Complex = npt.NDArray[np.complex64]


def times(n: int, rate_hz: float) -> npt.NDArray[np.float64]:
    """Sample times in seconds."""
    return np.arange(n) / rate_hz


def white(n: int, rng: np.random.Generator, power: float = 1.0) -> npt.NDArray[np.complex128]:
    """Circular complex white Gaussian noise of the given mean power per sample."""
    scale = np.sqrt(power / 2)
    return np.asarray(scale * (rng.normal(size=n) + 1j * rng.normal(size=n)), dtype=np.complex128)


def lowpass_noise(
    n: int, rate_hz: float, cutoff_hz: float, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    """Real Gaussian noise band-limited to ``cutoff_hz``, unit variance."""
    sos = signal.butter(8, cutoff_hz, fs=rate_hz, output="sos")
    x = signal.sosfilt(sos, rng.normal(size=n))
    return np.asarray(x / x.std(), dtype=np.float64)


def speech_audio(n: int, rate_hz: float, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Speech-like audio: 150-3500 Hz, falling 6 dB/octave above 500 Hz, 4 Hz syllables."""
    sos_band = signal.butter(4, [150, 3500], btype="band", fs=rate_hz, output="sos")
    sos_tilt = signal.butter(1, 500, fs=rate_hz, output="sos")
    x = signal.sosfilt(sos_tilt, signal.sosfilt(sos_band, rng.normal(size=n)))
    t = times(n, rate_hz)
    syllables = np.clip(np.sin(2 * np.pi * 4 * t + rng.uniform(0, 6)), 0, None) ** 2
    x = x * syllables
    return np.asarray(x / x.std(), dtype=np.float64)


def am(
    n: int,
    rate_hz: float,
    offset_hz: float,
    carrier: float,
    audio: npt.NDArray[np.float64],
    m_rms: float = 0.3,
) -> npt.NDArray[np.complex128]:
    """AM with carrier amplitude ``carrier`` at ``offset_hz``, modulated by ``audio``."""
    envelope = carrier * np.clip(1 + m_rms * audio, 0, None)
    return np.asarray(envelope * np.exp(2j * np.pi * offset_hz * times(n, rate_hz)), np.complex128)


def ofdm_drm(
    n: int, rate_hz: float, offset_hz: float, power: float, rng: np.random.Generator
) -> npt.NDArray[np.complex128]:
    """A DRM mode B signal (Tu 21.33 ms, Tg 5.33 ms, carriers -103..103 without 0).

    Built at 12 kS/s (256-point symbols, 64-sample prefix) and interpolated to ``rate_hz`` (a
    multiple of 12 kS/s).
    """
    base_rate = 12_000
    up = round(rate_hz / base_rate)
    symbols = n // (320 * up) + 2
    cells = np.zeros((symbols, 256), dtype=np.complex128)
    carriers = np.r_[-103:0, 1:104]
    qam = (
        rng.choice([-1.0, 1.0], (symbols, carriers.size))
        + 1j * rng.choice([-1.0, 1.0], (symbols, carriers.size))
    ) / np.sqrt(2)
    cells[:, carriers % 256] = qam
    body = np.fft.ifft(cells, axis=1) * 16
    framed = np.concatenate([body[:, -64:], body], axis=1).ravel()
    x = signal.resample_poly(framed, up, 1) if up > 1 else framed
    x = x[:n]
    x = x / np.sqrt(np.mean(np.abs(x) ** 2)) * np.sqrt(power)
    return np.asarray(x * np.exp(2j * np.pi * offset_hz * times(n, rate_hz)), np.complex128)


def noise_jammer(
    n: int,
    rate_hz: float,
    offset_hz: float,
    carrier: float,
    rng: np.random.Generator,
    bandwidth_hz: float = 10_000.0,
    m_rms: float = 0.6,
) -> npt.NDArray[np.complex128]:
    """AM carrier modulated by flat noise of ``+-bandwidth_hz / 2``."""
    noise = lowpass_noise(n, rate_hz, bandwidth_hz / 2, rng)
    return am(n, rate_hz, offset_hz, carrier, noise, m_rms)


def sweep(
    n: int, rate_hz: float, low_hz: float, span_hz: float, period_s: float, amplitude: float
) -> npt.NDArray[np.complex128]:
    """A sawtooth-swept tone from ``low_hz`` over ``span_hz`` every ``period_s``."""
    t = times(n, rate_hz)
    inst = low_hz + span_hz * ((t / period_s) % 1.0)
    return np.asarray(amplitude * np.exp(2j * np.pi * np.cumsum(inst) / rate_hz), np.complex128)


def pulses(
    n: int, rate_hz: float, offset_hz: float, amplitude: float, prf_hz: float, duty: float
) -> npt.NDArray[np.complex128]:
    """An on/off keyed carrier."""
    t = times(n, rate_hz)
    keyed = ((t * prf_hz) % 1.0) < duty
    return np.asarray(amplitude * keyed * np.exp(2j * np.pi * offset_hz * t), np.complex128)


def as_c64(x: npt.NDArray[np.complexfloating]) -> Complex:
    """complex64 copy."""
    return np.asarray(x, dtype=np.complex64)


def triangle_sweep(
    n: int, rate_hz: float, low_hz: float, span_hz: float, period_s: float, amplitude: float
) -> npt.NDArray[np.complex128]:
    """A tone swept up over ``span_hz`` from ``low_hz`` and back down, every ``period_s``."""
    phase = (times(n, rate_hz) / period_s) % 1.0
    inst = low_hz + span_hz * (1.0 - np.abs(2.0 * phase - 1.0))
    return np.asarray(amplitude * np.exp(2j * np.pi * np.cumsum(inst) / rate_hz), np.complex128)
