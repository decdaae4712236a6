"""DRM cyclic-prefix test: tells a DRM broadcast from a flat noise jammer (domain.md 2.3).

DRM is OFDM: the last ``Tg`` of every symbol is repeated in front of it, so the lag product
``y[n] * conj(y[n + Nu])`` has a bump ``Ng`` samples long once per symbol period ``Ns = Nu + Ng``.
Folding the lag product at ``Ns`` over a step and sliding an ``Ng`` window over the fold finds the
bump. A stationary correlation at lag ``Nu`` (a carrier, a periodic tone) adds the same complex
value at every fold position, so the fold's mean is removed first. The score is the bump's share
of the signal power: ``1 - Ng / Ns`` (0.8 in mode B) for clean DRM, ``S / (S + N)`` of that with
noise, and about ``3 / sqrt(symbols * Ng)`` (below 0.1 over one second) for any signal
without a cyclic prefix.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.fft as sp_fft
from scipy.ndimage import uniform_filter1d

BASEBAND_RATE_HZ = 12_000.0
"""Rate of the extracted channel: DRM's 48 kHz clock divided by 4, so symbol lengths are whole."""

PASSBAND_HZ = 5_000.0
"""Half-width kept around the channel: DRM's 10 kHz spectrum occupancy reaches +-4.83 kHz."""


class RobustnessMode(NamedTuple):
    """Useful symbol and guard durations of one DRM robustness mode (ETSI ES 201 980)."""

    name: str
    useful_s: float
    guard_s: float


MODES: tuple[RobustnessMode, ...] = (
    RobustnessMode("A", 24e-3, 24e-3 / 9),
    RobustnessMode("B", 64e-3 / 3, 16e-3 / 3),
    RobustnessMode("C", 44e-3 / 3, 16e-3 / 3),
    RobustnessMode("D", 28e-3 / 3, 22e-3 / 3),
)

CP_DETECT_SCORE = 0.25
"""Scores above this are DRM: the no-prefix null stays below 0.1 over one second."""


def extract_baseband(
    samples: npt.NDArray[np.complex64], sample_rate_hz: float, offsets_hz: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.complex128], float]:
    """Channels centred at ``offsets_hz`` (from 0 Hz baseband) as ~12 kS/s complex baseband.

    One FFT of the whole step serves every channel: each keeps the bins within +-5 kHz of its
    offset, moved to 0 Hz, and an inverse FFT of about ``12 kHz * duration`` points.

    Returns
    -------
    (ndarray, float)
        Baseband, shape ``(len(offsets_hz), L)``, and its exact sample rate ``L * rate / S``.
    """
    total = samples.size
    keep = min(total, round(BASEBAND_RATE_HZ * total / sample_rate_hz))
    spectrum = sp_fft.fft(samples, workers=1)
    bin_hz = sample_rate_hz / total
    rel = np.fft.fftfreq(keep, d=1.0 / keep)
    centre = np.rint(np.asarray(offsets_hz) / bin_hz).astype(np.int64)
    idx = (centre[:, None] + rel[None, :].astype(np.int64)) % total
    picked = spectrum[idx]
    picked[:, np.abs(rel) * bin_hz > PASSBAND_HZ] = 0
    base = sp_fft.ifft(picked, axis=1, workers=1) * (keep / total)
    return np.asarray(base, dtype=np.complex128), keep * sample_rate_hz / total


def cp_scores(baseband: npt.NDArray[np.complexfloating], rate_hz: float) -> npt.NDArray[np.float64]:
    """Best cyclic-prefix score over the four robustness modes, per row of ``baseband``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> noise = rng.normal(size=(1, 12000)) + 1j * rng.normal(size=(1, 12000))
    >>> bool(cp_scores(noise, 12000.0)[0] < CP_DETECT_SCORE)
    True
    """
    energy = np.maximum(np.mean(np.abs(baseband) ** 2, axis=1), 1e-30)
    best = np.zeros(baseband.shape[0])
    for mode in MODES:
        useful = round(mode.useful_s * rate_hz)
        guard = round(mode.guard_s * rate_hz)
        period = useful + guard
        symbols = (baseband.shape[1] - useful) // period
        if symbols < 2:
            continue
        span = symbols * period
        lag = baseband[:, :span] * np.conj(baseband[:, useful : useful + span])
        fold = lag.reshape(baseband.shape[0], symbols, period).sum(axis=1)
        fold -= fold.mean(axis=1, keepdims=True)
        window = uniform_filter1d(fold.real, guard, axis=1, mode="wrap") + 1j * uniform_filter1d(
            fold.imag, guard, axis=1, mode="wrap"
        )
        score = np.abs(window).max(axis=1) / (symbols * energy)
        best = np.maximum(best, score)
    return best
