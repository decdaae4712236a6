"""DRM cyclic-prefix test: tells a DRM broadcast from a flat noise jammer (domain.md 2.3).

DRM is OFDM: the last ``Tg`` of every symbol is repeated in front of it, so the lag product
``y[n] * conj(y[n + Nu])`` has a bump ``Ng`` samples long once per symbol period ``Ns = Nu + Ng``.
Folding the lag product at ``Ns`` over a step and sliding an ``Ng`` window over the fold finds the
bump. A stationary correlation at lag ``Nu`` (a carrier, a periodic tone) adds the same complex
value at every fold position, so the fold's median is removed first. A signal keyed on and off
at a rate whose period divides ``Ns`` (a pulse jammer at 37.5, 50, 60, 75, 150 ... Hz) makes a
bump too: from its envelope (the same fold of the power ``|y[n]|^2``, median over the symbols so
that lightning does not count, measures that part; OFDM's power does not repeat at ``Ns``) and,
for any waveform repeating several times per ``Ns`` (the keying sidebands of such a pulse train
in the next channel), as several equal bumps (a prefix makes one per symbol). The larger of the
power's bump and the next-largest bump at least ``Ng`` away is subtracted. The score is the
bump's share of the signal power: about 1 for clean DRM, ``S / (S + N)`` with noise, and about
``3 / sqrt(symbols * Ng)`` (below 0.1 over one second) for any signal without a cyclic prefix.
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
        bump, elsewhere = _fold_bumps(lag, symbols, period, guard)
        power = np.abs(baseband[:, :span]) ** 2
        keyed, _ = _fold_bumps(power, symbols, period, guard, robust=True)
        best = np.maximum(best, (bump - np.maximum(keyed, elsewhere)) / (symbols * energy))
    return best


def _fold_bumps(
    product: npt.NDArray[np.complexfloating] | npt.NDArray[np.floating],
    symbols: int,
    period: int,
    guard: int,
    robust: bool = False,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The largest ``guard``-long mean of ``product`` folded at ``period`` (its median over the
    fold removed), and the largest one at least ``guard`` away from it.

    Returns
    -------
    (ndarray, ndarray)
        Per row: the two bumps' magnitudes, summed over the ``symbols`` folds (units of
        ``product``). A cyclic prefix makes one bump per symbol; a waveform repeating several
        times per symbol makes several equal ones. With ``robust``, the fold is ``symbols``
        times the median over the symbols instead of their sum: an impulse (lightning) lands in
        one symbol and leaves it alone, a pattern repeating in every symbol stays.
    """
    folds = product.reshape(product.shape[0], symbols, period)
    fold = symbols * np.median(folds, axis=1) if robust else folds.sum(axis=1)
    baseline = np.median(fold.real, axis=1, keepdims=True)
    if np.iscomplexobj(fold):
        baseline = baseline + 1j * np.median(fold.imag, axis=1, keepdims=True)
    fold = fold - baseline
    window = uniform_filter1d(fold.real, guard, axis=1, mode="wrap")
    if np.iscomplexobj(fold):
        window = window + 1j * uniform_filter1d(fold.imag, guard, axis=1, mode="wrap")
    size = np.abs(window)
    peak = size.argmax(axis=1)
    distance = np.abs(np.arange(period)[None, :] - peak[:, None])
    near = np.minimum(distance, period - distance) < guard
    return size.max(axis=1), np.where(near, 0.0, size).max(axis=1)
