"""The receiver's own defects, applied to the wideband stream (domain.md 5.1 and 2.4).

In order: gain steps that overload the ADC, IQ imbalance (an image at the mirror frequency,
``image_rejection_db`` down), a DC offset (the spike at 0 Hz), then the ADC: components beyond
full scale clip and every component is rounded to ``adc_bits`` (for 8 bits exactly the cu8
convention of :mod:`monitor.recording.datatypes`). Dropped-sample gaps are cut out by the
renderer, not here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from monitor.recording.datatypes import complex64_to_cu8, cu8_to_complex64
from monitor.sim.scene import Receiver
from monitor.sim.stream import Complex

OVERLOAD_CLIP_FRACTION = 1e-3
"""A second in which at least this fraction of I/Q components clip is ``unknown`` in the truth."""


def passband_gain(receiver: Receiver, offsets_hz: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Amplitude response of the receiver's decimation filter at offsets from the centre.

    Flat over the central ``passband_flat`` of the span, then falling as the square of the
    distance into the skirt to ``passband_edge_db`` down at +-rate/2 (1 everywhere when
    ``passband_flat`` is not set).
    """
    f = np.abs(np.asarray(offsets_hz, dtype=np.float64))
    if receiver.passband_flat is None:
        return np.ones(f.shape)
    half = receiver.sample_rate_hz / 2
    flat = receiver.passband_flat * half
    x = np.clip((f - flat) / (half - flat), 0.0, 1.0)
    out: npt.NDArray[np.float64] = 10.0 ** (-receiver.passband_edge_db * x * x / 20.0)
    return out


class ReceiverChain:
    """Apply the receiver impairments to successive output blocks.

    Parameters
    ----------
    receiver
        The scene's receiver settings.
    rng
        Random generator for the fixed phases of the image and the DC offset.
    """

    def __init__(self, receiver: Receiver, rng: np.random.Generator) -> None:
        self._r = receiver
        imp = receiver.impairments
        self._image = (
            0.0
            if imp.image_rejection_db is None
            else 10.0 ** (-imp.image_rejection_db / 20.0) * np.exp(1j * rng.uniform(0, 2 * np.pi))
        )
        self._dc = (
            0.0
            if imp.dc_offset_dbfs is None
            else 10.0 ** (imp.dc_offset_dbfs / 20.0) * np.exp(1j * rng.uniform(0, 2 * np.pi))
        )
        if receiver.adc_bits is None:
            self._q = 0.0
            self._clip_level = math.inf
        else:
            self._q = (2**receiver.adc_bits - 1) / 2
            # a component rounds to the extreme code from here on
            self._clip_level = 1.0 - 0.5 / self._q

    def gain(self, first: int, n: int) -> npt.NDArray[np.float32] | None:
        """Amplitude gain of the overload steps for samples ``first..first+n`` (None if 1)."""
        g: npt.NDArray[np.float32] | None = None
        fs = self._r.sample_rate_hz
        for step in self._r.impairments.overload:
            lo = max(round(step.start_s * fs) - first, 0)
            hi = min(round((step.start_s + step.duration_s) * fs) - first, n)
            if hi > lo:
                g = np.ones(n, dtype=np.float32) if g is None else g
                g[lo:hi] *= np.float32(10.0 ** (step.gain_db / 20.0))
        return g

    def apply(self, x: Complex, first: int) -> tuple[Complex, npt.NDArray[np.int8] | None]:
        """Impair and digitise the block starting at output sample ``first``; also return the
        clipped components per sample (0-2), or None when nothing clipped."""
        g = self.gain(first, x.size)
        y: npt.NDArray[np.complexfloating[Any, Any]] = x if g is None else x * g
        if self._image:
            y = y + np.complex64(self._image) * np.conj(y)
        if self._dc:
            y = y + np.complex64(self._dc)
        x = y.astype(np.complex64, copy=False)
        comps = x.view(np.float32).reshape(-1, 2)
        magnitude = np.abs(comps)
        clipped: npt.NDArray[np.int8] | None = None
        if magnitude.max(initial=0.0) >= self._clip_level:
            over = magnitude >= self._clip_level
            clipped = over[:, 0].astype(np.int8) + over[:, 1]
        if self._r.adc_bits == 8:
            x = cu8_to_complex64(complex64_to_cu8(x))
        elif self._q:
            q = np.float32(self._q)
            codes = np.clip(np.rint(comps * q + q), 0, 2 * q)
            x = ((codes - q) / q).astype(np.float32).view(np.complex64).ravel()
        return x, clipped
