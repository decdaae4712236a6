"""The receiver's own defects, applied to the wideband stream (domain.md 5.1 and 2.4).

In order: the IF filter (a KiwiSDR's steep channel filter), gain steps that overload the ADC,
IQ imbalance (an image at the mirror frequency, ``image_rejection_db`` down), a DC offset (the
spike at 0 Hz), then the ADC: components beyond full scale clip and every component is rounded
to ``adc_bits`` (for 8 bits exactly the cu8 convention of :mod:`monitor.recording.datatypes`).
Dropped-sample gaps are cut out by the renderer, not here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import signal

from monitor.recording.datatypes import complex64_to_cu8, cu8_to_complex64
from monitor.sim.scene import IFFilter, Receiver
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


IF_RIPPLE_DB = 0.1
"""Pass-band ripple of the IF filter."""


def if_filter_sos(spec: IFFilter, rate_hz: float) -> npt.NDArray[np.float64]:
    """Second-order sections of the IF filter: the lowest-order elliptic low-pass (applied to the
    complex baseband, so symmetric about the centre) flat within ``IF_RIPPLE_DB`` to ``flat_hz``
    and ``stop_db`` down from ``stop_hz``."""
    order, wn = signal.ellipord(spec.flat_hz, spec.stop_hz, IF_RIPPLE_DB, spec.stop_db, fs=rate_hz)
    sos: npt.NDArray[np.float64] = signal.ellip(
        order, IF_RIPPLE_DB, spec.stop_db, wn, output="sos", fs=rate_hz
    )
    return sos


def if_filter_gain(receiver: Receiver, offsets_hz: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Amplitude response of the IF filter at offsets from the centre (1 without one)."""
    f = np.abs(np.asarray(offsets_hz, dtype=np.float64))
    if receiver.if_filter is None:
        return np.ones(f.shape)
    sos = if_filter_sos(receiver.if_filter, receiver.sample_rate_hz)
    _, h = signal.sosfreqz(sos, worN=f.ravel(), fs=receiver.sample_rate_hz)
    out: npt.NDArray[np.float64] = np.abs(h).reshape(f.shape)
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
        self._if: npt.NDArray[np.float64] | None = None
        if receiver.if_filter is not None:
            self._if = if_filter_sos(receiver.if_filter, receiver.sample_rate_hz)
            # I and Q filtered as two real columns (the filter is real): sections x 2 x columns
            self._if_state = np.zeros((self._if.shape[0], 2, 2))
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
        if self._if is not None:
            iq = x.view(np.float32).reshape(-1, 2)
            filtered, self._if_state = signal.sosfilt(self._if, iq, axis=0, zi=self._if_state)
            x = np.ascontiguousarray(filtered, dtype=np.float32).view(np.complex64).ravel()
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
