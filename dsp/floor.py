"""Noise floor of an averaged power spectrum by forward consecutive mean excision (FCME).

Why FCME: a broadcast band at night is more than half occupied, which breaks the median
(unbiased only below 50 % occupancy) and the ITU "80 %" method. FCME needs only the lowest ~10 %
of bins to be noise and stays unbiased to about 80 % occupancy (Vartiainen et al. 2010, via
domain.md 4.2). Each bin of a mean of ``K`` independent periodogram frames of Gaussian noise is
``floor * Gamma(K, 1/K)``, so the excision threshold comes from the Gamma tail and the mean of
the retained (truncated) bins is corrected by the exact truncation factor.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import special

MAX_ITERATIONS = 30
"""FCME converges in a handful of iterations; this bounds pathological inputs."""


def fcme_threshold(frames: int, false_alarm: float = 1e-3) -> float:
    """Excision threshold over the mean for ``Gamma(frames)`` bins at a given false-alarm rate.

    >>> round(fcme_threshold(10), 3)
    2.265
    """
    return float(special.gammaincinv(frames, 1.0 - false_alarm) / frames)


def truncation_bias(frames: int, threshold: float) -> float:
    """Mean of a unit-mean ``Gamma(frames)`` variable truncated below ``threshold``.

    ``P(K+1, K T) / P(K, K T)`` with ``P`` the regularised lower incomplete gamma function.

    >>> round(truncation_bias(10, fcme_threshold(10)), 4)
    0.9986
    """
    x = frames * threshold
    return float(special.gammainc(frames + 1, x) / special.gammainc(frames, x))


def fcme_floor(
    psd: npt.NDArray[np.floating],
    blocks: npt.NDArray[np.intp],
    frames: int,
    false_alarm: float = 1e-3,
) -> npt.NDArray[np.float64]:
    """Noise floor per block of bins, vectorised over blocks.

    Parameters
    ----------
    psd
        Mean power spectrum, one value per bin (any linear power unit).
    blocks
        Bin indices, shape ``(K, L)``: ``K`` spans of ``L`` bins each judged separately.
    frames
        Number of independent frames averaged into ``psd`` (the Gamma shape).
    false_alarm
        Probability that a noise-only bin exceeds the threshold.

    Returns
    -------
    ndarray
        Floor per block, shape ``(K,)``, in the unit of ``psd`` per bin.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> psd = rng.gamma(64, 1 / 64, size=4096) * 2.0
    >>> psd[1000:1500] += 50.0
    >>> round(float(fcme_floor(psd, np.arange(4096).reshape(1, -1), 64)[0]), 2)
    2.0
    """
    values = np.asarray(psd, dtype=np.float64)[blocks]
    threshold = fcme_threshold(frames, false_alarm)
    ordered = np.sort(values, axis=1)
    seed = max(1, ordered.shape[1] // 10)
    mean = ordered[:, :seed].mean(axis=1) / truncation_bias(frames, _seed_quantile(frames))
    clean = values < threshold * mean[:, None]
    for _ in range(MAX_ITERATIONS):
        count = np.maximum(clean.sum(axis=1), 1)
        mean = np.where(clean, values, 0.0).sum(axis=1) / count
        mean /= truncation_bias(frames, threshold)
        updated = values < threshold * mean[:, None]
        if np.array_equal(updated, clean):
            break
        clean = updated
    return np.asarray(mean, dtype=np.float64)


def _seed_quantile(frames: int) -> float:
    """The 10 % quantile of a unit-mean ``Gamma(frames)``: the seed set's truncation point."""
    return float(special.gammaincinv(frames, 0.1) / frames)


def floor_per_bin(
    block_floor: npt.NDArray[np.float64], blocks: npt.NDArray[np.intp], nfft: int
) -> npt.NDArray[np.float64]:
    """Spread block floors over all ``nfft`` bins by linear interpolation between block centres.

    >>> floor_per_bin(np.array([1.0, 3.0]), np.arange(8).reshape(2, 4), 8).tolist()
    [1.0, 1.0, 1.25, 1.75, 2.25, 2.75, 3.0, 3.0]
    """
    centres = blocks.mean(axis=1)
    return np.interp(np.arange(nfft, dtype=np.float64), centres, block_floor)
