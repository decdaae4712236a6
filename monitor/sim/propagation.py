"""HF sky-wave propagation: Watterson two-path Rayleigh fading and slow log-normal fading.

ITU-R F.1487 (domain.md 3.1): two independent equal-power paths, each a circular complex
Gaussian tap with a Gaussian Doppler *power* spectrum of standard deviation ``spread / 2``
(frequency spread = 2 sigma), differential delay ``tau`` (notches every ``1 / tau`` Hz across the
channel). Slow log-normal fading multiplies the whole emission by ``10**(X / 20)`` with ``X``
a Gaussian process in dB, biased so that the mean power gain is 1. Each emitter gets its own
independent :class:`Path`; total mean power gain is 1 for every model. An optional Doppler
shift of the delayed tap (beyond F.1487) makes the notches slide steadily across the channel.
"""

from __future__ import annotations

import math

import numpy as np

from monitor.sim.scene import Propagation
from monitor.sim.stream import Complex, GaussianProcess


class Path:
    """The propagation of one transmitter to the receiver, applied in streaming blocks.

    Parameters
    ----------
    model
        The scene's propagation settings.
    rate_hz
        Sample rate of the emitter signal it is applied to.
    rng
        Random generator owned by this path.
    """

    def __init__(self, model: Propagation, rate_hz: float, rng: np.random.Generator) -> None:
        delays_s = model.paths
        self._delays = [round(d * rate_hz) for d in delays_s]
        spread_hz = model.doppler_spread_hz
        self._taps = [
            GaussianProcess(rng, spread_hz / 2.0, rate_hz, is_complex=True) for _ in delays_s
        ]
        self._tap_scale = 1.0 / math.sqrt(len(delays_s)) if delays_s else 1.0
        self._shift_step = 2 * math.pi * model.doppler_shift_hz / rate_hz
        self._n = 0
        self._history = np.zeros(max(self._delays, default=0), dtype=np.complex64)
        self._lognormal: GaussianProcess | None = None
        self._sigma_db = model.lognormal_sigma_db
        if self._sigma_db > 0:
            # correlation time T: autocorrelation exp(-2 pi^2 s^2 T^2) = 1/e
            sigma_hz = 1.0 / (math.pi * math.sqrt(2.0) * model.lognormal_time_s)
            self._lognormal = GaussianProcess(rng, sigma_hz, rate_hz, is_complex=False)

    @property
    def is_static(self) -> bool:
        """True when the path changes nothing (model ``none`` without log-normal fading)."""
        return not self._taps and self._lognormal is None

    def apply(self, x: Complex) -> Complex:
        """Propagate the next block of the emitter's signal."""
        if self.is_static:
            return x
        n = x.size
        if self._taps:
            padded = np.concatenate([self._history, x])
            out = np.zeros(n, dtype=np.complex128)
            for i, (delay, tap) in enumerate(zip(self._delays, self._taps, strict=True)):
                start = self._history.size - delay
                gains = tap.read(n)
                if i and self._shift_step:
                    k = self._n + np.arange(n, dtype=np.float64)
                    gains = gains * np.exp(1j * ((self._shift_step * k) % (2 * math.pi)))
                out += gains * padded[start : start + n]
            self._n += n
            out *= self._tap_scale
            if self._history.size:
                self._history = padded[-self._history.size :]
        else:
            out = x.astype(np.complex128)
        if self._lognormal is not None:
            bias_db = -(self._sigma_db**2) * math.log(10.0) / 20.0
            level_db = self._sigma_db * self._lognormal.read(n).real + bias_db
            out *= 10.0 ** (level_db / 20.0)
        return out.astype(np.complex64)
