"""Streaming building blocks: sources that produce in pieces, and slow Gaussian processes.

Every generator in the simulator is pulled in blocks of any length (``read(n)``) and keeps its
state between calls, so a scene of any duration is rendered in bounded memory and the output
does not depend on the block size.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

import numpy as np
import numpy.typing as npt

Complex = npt.NDArray[np.complex64]
Real = npt.NDArray[np.float32]


class PieceSource(ABC):
    """A signal produced in natural pieces (a syllable, a bar, a burst) and read in any length."""

    def __init__(self) -> None:
        self._pending: list[Complex] = []
        self._available = 0

    @abstractmethod
    def _produce(self) -> Complex:
        """The next piece of the signal (at least one sample)."""

    def read(self, n: int) -> Complex:
        """The next ``n`` samples."""
        while self._available < n:
            piece = self._produce().astype(np.complex64, copy=False)
            self._pending.append(piece)
            self._available += piece.size
        joined = np.concatenate(self._pending) if len(self._pending) > 1 else self._pending[0]
        out, rest = joined[:n], joined[n:]
        self._pending = [rest] if rest.size else []
        self._available = rest.size
        return out


def gaussian_kernel(sigma_samples: float) -> npt.NDArray[np.float64]:
    """A unit-energy Gaussian FIR of standard deviation ``sigma_samples``, +-4 sigma long."""
    half = max(1, math.ceil(4 * sigma_samples))
    t = np.arange(-half, half + 1, dtype=np.float64)
    h = np.exp(-0.5 * (t / sigma_samples) ** 2)
    out: npt.NDArray[np.float64] = h / np.sqrt(np.sum(h**2))
    return out


class GaussianProcess:
    """A stationary Gaussian process with a Gaussian power spectrum, streamed at ``rate_hz``.

    The power spectrum is ``exp(-f**2 / (2 sigma_hz**2))`` (so a Watterson tap of frequency
    spread ``2 sigma_hz``), unit variance. White noise is filtered at a low rate of
    ``40 sigma_hz`` (at least 1 Hz) by an amplitude response ``exp(-f**2 / (4 sigma_hz**2))``
    and linearly interpolated to ``rate_hz``.

    Parameters
    ----------
    rng
        Random generator owned by this process.
    sigma_hz
        Standard deviation of the power spectrum, Hz.
    rate_hz
        Output sample rate, Hz.
    is_complex
        Circular complex process (Rayleigh envelope) or real.
    """

    def __init__(
        self, rng: np.random.Generator, sigma_hz: float, rate_hz: float, *, is_complex: bool
    ) -> None:
        self._rng = rng
        self._complex = is_complex
        self._low_rate_hz = max(40.0 * sigma_hz, 1.0)
        self._step = self._low_rate_hz / rate_hz
        sigma_t_s = 1.0 / (2.0 * math.pi * math.sqrt(2.0) * sigma_hz)
        self._kernel = gaussian_kernel(sigma_t_s * self._low_rate_hz)
        self._history = self._white(self._kernel.size - 1)
        self._low = self._filtered(2)
        self._low_start = 0
        self._position = 0

    def _white(self, n: int) -> npt.NDArray[np.complex128]:
        z = np.zeros(n, dtype=np.complex128)
        z.real = self._rng.standard_normal(n)
        if self._complex:
            z.imag = self._rng.standard_normal(n)
            z /= math.sqrt(2.0)
        return z

    def _filtered(self, n: int) -> npt.NDArray[np.complex128]:
        x = np.concatenate([self._history, self._white(n)])
        self._history = x[-(self._kernel.size - 1) :]
        return np.convolve(x, self._kernel, mode="valid")

    def read(self, n: int) -> npt.NDArray[np.complex128]:
        """The next ``n`` samples (complex128; the imaginary part is 0 for a real process)."""
        u = (self._position + np.arange(n, dtype=np.float64)) * self._step
        last = int(u[-1]) + 2 if n else self._low_start
        have = self._low_start + self._low.size
        if last > have:
            self._low = np.concatenate([self._low, self._filtered(last - have)])
        grid = np.arange(self._low.size, dtype=np.float64)
        out = np.empty(n, dtype=np.complex128)
        out.real = np.interp(u - self._low_start, grid, self._low.real)
        if self._complex:
            out.imag = np.interp(u - self._low_start, grid, self._low.imag)
        else:
            out.imag = 0.0
        self._position += n
        keep_from = int(self._position * self._step) - self._low_start
        self._low = self._low[keep_from:]
        self._low_start += keep_from
        return out


def gate(times_s: npt.NDArray[np.float64], on: list[tuple[float, float]], ramp_s: float) -> Real:
    """Transmitter on/off envelope: 1 inside the intervals, linear ramps of ``ramp_s`` centred
    on each edge (so the energy equals that of the exact interval)."""
    g = np.zeros(times_s.size, dtype=np.float32)
    if not times_s.size:
        return g
    lo, hi = float(times_s[0]), float(times_s[-1])
    for start, end in on:
        if end + ramp_s < lo or start - ramp_s > hi:
            continue
        rise = np.clip((times_s - start) / ramp_s + 0.5, 0.0, 1.0)
        fall = np.clip((end - times_s) / ramp_s + 0.5, 0.0, 1.0)
        g += (rise * fall).astype(np.float32)
    return g
