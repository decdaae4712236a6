"""Complex baseband of every emitter kind, at the emitter's own low rate.

Each source yields unit-level baseband around 0 Hz: carrier power 1 for the kinds with a
carrier (``am``, ``jam_noise`` with ``carrier``, ``jam_tone``, ``jam_pulse`` while keyed on,
``jam_program`` per carrier), total mean power 1 for the others (``drm``, ``data`` during a
burst, carrier-less ``jam_noise``, ``jam_sweep``). Parameters follow domain.md 1.8 (jammer
sheet), 2.2 (AM) and 2.3 (DRM).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import signal

from monitor.sim import drm
from monitor.sim.audio import Programme
from monitor.sim.scene import (
    AmEmitter,
    DataEmitter,
    DrmEmitter,
    Emitter,
    NoiseJammer,
    ProgramJammer,
    PulseJammer,
    SweepJammer,
    ToneJammer,
)
from monitor.sim.stream import Complex, GaussianProcess, PieceSource

_RATES_HZ = (8000, 12000, 16000, 24000, 32000, 48000, 64000, 96000, 128000)
"""Emitter sample rates to choose from (multiples of the synthesis bin, even bin counts)."""
_RRC_ALPHA = 0.35
"""Roll-off of the data signal's root-raised-cosine pulses."""


def half_width_hz(emitter: Emitter) -> float:
    """Half the occupied band of an emitter around its frequency, Hz (annotation edges)."""
    match emitter:
        case AmEmitter():
            return emitter.audio_bandwidth_hz
        case ProgramJammer():
            return emitter.audio_bandwidth_hz + max(abs(c.offset_hz) for c in emitter.carriers)
        case DrmEmitter():
            return drm.HALF_WIDTH_HZ
        case DataEmitter():
            return (1 + _RRC_ALPHA) * emitter.symbol_rate_hz / 2
        case NoiseJammer():
            return emitter.bandwidth_hz / 2
        case SweepJammer():
            return emitter.span_hz / 2 + (emitter.tone_hz or 0.0) + 250.0
        case PulseJammer():
            return 1.5 / emitter.rise_s
        case ToneJammer():
            return emitter.tone_hz + emitter.warble_hz
    raise TypeError(f"unknown emitter {emitter!r}")


def rate_for(emitter: Emitter) -> int:
    """The lowest emitter sample rate that holds the emission with guard bands."""
    if isinstance(emitter, DrmEmitter):
        return 24000
    need = 2.0 * half_width_hz(emitter) * 1.25 + 2000.0
    return next((r for r in _RATES_HZ if r >= need), _RATES_HZ[-1])


class _Clock:
    """Sample counter that turns block requests into times (float64, no drift)."""

    def __init__(self, rate_hz: float) -> None:
        self.rate_hz = rate_hz
        self._n = 0

    def times(self, n: int) -> npt.NDArray[np.float64]:
        t = (self._n + np.arange(n, dtype=np.float64)) / self.rate_hz
        self._n += n
        return t


class _Filtered:
    """A streaming IIR filter (second-order sections) for real or complex signals."""

    def __init__(self, sos: npt.NDArray[np.float64], *, is_complex: bool) -> None:
        self._sos = sos
        self._state = np.zeros((sos.shape[0], 2), dtype=np.complex128 if is_complex else float)
        impulse = signal.sosfilt(sos, np.r_[1.0, np.zeros(1 << 14)])
        self.noise_gain = float(np.sum(impulse**2))
        """Output variance for unit-variance white input."""

    def __call__(self, x: npt.NDArray[Any]) -> npt.NDArray[Any]:
        y, self._state = signal.sosfilt(self._sos, x, zi=self._state)
        out: npt.NDArray[Any] = y
        return out


class AmSource:
    """DSB AM with a carrier: ``1 + m(t)`` of a processed programme."""

    def __init__(self, emitter: AmEmitter, rng: np.random.Generator, rate_hz: float) -> None:
        self._programme = Programme(
            rng,
            rate_hz,
            kind=emitter.programme,
            m_rms=emitter.m_rms,
            audio_bandwidth_hz=emitter.audio_bandwidth_hz,
        )

    def read(self, n: int) -> Complex:
        return (1.0 + self._programme.read(n).real).astype(np.complex64)


class DataSource(PieceSource):
    """Bursty M-PSK with root-raised-cosine pulses (HFDL-like: 1800 Bd, 8-PSK, bursts)."""

    def __init__(self, emitter: DataEmitter, rng: np.random.Generator, rate_hz: float) -> None:
        super().__init__()
        self._e = emitter
        self._rng = rng
        self._rate = rate_hz

    def _produce(self) -> Complex:
        e, rng, fs = self._e, self._rng, self._rate
        burst_s = rng.uniform(*e.burst_s)
        mean_gap_s = float(np.mean(e.burst_s)) * (1.0 - e.duty) / e.duty
        gap = np.zeros(int(rng.exponential(mean_gap_s) * fs), dtype=np.complex64)
        symbol_s = 1.0 / e.symbol_rate_hz
        n_sym = max(1, int(burst_s / symbol_s))
        symbols = np.exp(2j * np.pi * rng.integers(e.psk_order, size=n_sym) / e.psk_order)
        span = 4  # pulse tails, symbols each side
        n = int((n_sym + 2 * span) * symbol_s * fs)
        t = np.arange(n) / fs - span * symbol_s
        k0 = np.floor(t / symbol_s).astype(np.int64)
        burst = np.zeros(n, dtype=np.complex128)
        for d in range(-span, span + 1):
            k = k0 + d
            valid = (k >= 0) & (k < n_sym)
            burst[valid] += symbols[k[valid]] * _rrc((t[valid] - k[valid] * symbol_s) / symbol_s)
        return np.concatenate([burst.astype(np.complex64), gap])


def _rrc(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Root-raised-cosine pulse of unit energy per symbol, time in symbols."""
    a = _RRC_ALPHA
    x = np.where(np.abs(x) < 1e-9, 1e-9, x)
    x = np.where(np.abs(np.abs(4 * a * x) - 1) < 1e-9, x + 1e-7, x)
    num = np.sin(np.pi * x * (1 - a)) + 4 * a * x * np.cos(np.pi * x * (1 + a))
    out: npt.NDArray[np.float64] = num / (np.pi * x * (1 - (4 * a * x) ** 2))
    return out


class NoiseSource:
    """Band-limited noise jammer: AM by noise (with carrier) or a flat noise block (without).

    ``jet`` tilts the modulating noise towards low audio frequencies (a roar), ``bubble``
    multiplies it by a slow random envelope at ``bubble_rate_hz``.
    """

    def __init__(self, emitter: NoiseJammer, rng: np.random.Generator, rate_hz: float) -> None:
        self._e = emitter
        self._rng = rng
        half = emitter.bandwidth_hz / 2
        sos = signal.ellip(9, 0.1, 70.0, half, fs=rate_hz, output="sos")
        if emitter.texture == "jet":  # -6 dB/octave above a quarter of the band: a roar
            tilt = signal.butter(1, half / 4, fs=rate_hz, output="sos")
            self._band = _Filtered(np.vstack([tilt, sos]), is_complex=not emitter.carrier)
        else:
            self._band = _Filtered(sos, is_complex=not emitter.carrier)
        self._band_again = _Filtered(sos, is_complex=False)
        self._bubble = (
            GaussianProcess(rng, emitter.bubble_rate_hz / 2, rate_hz, is_complex=False)
            if emitter.texture == "bubble"
            else None
        )

    def read(self, n: int) -> Complex:
        e, rng = self._e, self._rng
        if e.carrier:
            white: npt.NDArray[Any] = rng.standard_normal(n)
        else:
            white = (rng.standard_normal(n) + 1j * rng.standard_normal(n)) / math.sqrt(2.0)
        noise = self._band(white) / math.sqrt(self._band.noise_gain)
        if self._bubble is not None:
            envelope = np.clip(1.0 + 0.8 * self._bubble.read(n).real, 0.05, None) / math.sqrt(1.64)
            noise = noise * envelope
        if not e.carrier:
            out: Complex = noise.astype(np.complex64)
            return out
        m = np.clip(e.m_rms * noise.real, -1.0, 1.0)
        am: Complex = (1.0 + self._band_again(m).real).astype(np.complex64)
        return am


class SweepSource:
    """A narrow carrier swept linearly over ``span_hz`` every ``period_s`` ("pip"/wobbler)."""

    def __init__(self, emitter: SweepJammer, rate_hz: float) -> None:
        self._e = emitter
        self._clock = _Clock(rate_hz)
        self._phase = 0.0

    def read(self, n: int) -> Complex:
        e = self._e
        t = self._clock.times(n)
        frac = (t / e.period_s) % 1.0
        if e.waveform == "triangle":
            frac = 1.0 - np.abs(2.0 * frac - 1.0)
        freq = (frac - 0.5) * e.span_hz
        phase = self._phase + 2 * np.pi * np.cumsum(freq) / self._clock.rate_hz
        self._phase = float(phase[-1] % (2 * np.pi)) if n else self._phase
        x: Complex = np.exp(1j * phase).astype(np.complex64)
        if e.tone_hz is not None:
            x *= ((1.0 + 0.7 * np.cos(2 * np.pi * e.tone_hz * t)) / math.sqrt(1.245)).astype(
                np.float32
            )
        return x


def pulse_envelope(
    t_s: npt.NDArray[np.float64], prf_hz: float, duty: float, rise_s: float
) -> npt.NDArray[np.float64]:
    """Keying envelope: pulses of ``duty / prf_hz`` (at half height) with raised-cosine edges."""
    period = 1.0 / prf_hz
    width = duty * period
    v = t_s % period
    rise = 0.5 - 0.5 * np.cos(np.pi * np.clip(v / rise_s, 0.0, 1.0))
    fall = 0.5 - 0.5 * np.cos(np.pi * np.clip((width + rise_s - v) / rise_s, 0.0, 1.0))
    out: npt.NDArray[np.float64] = rise * fall
    return out


class PulseSource:
    """An on/off keyed carrier ("buzzing bee"): PRF 25-400 Hz, duty 10-50 %, through a
    transmitter filter at :func:`half_width_hz` (so the keying spectrum ends there)."""

    def __init__(self, emitter: PulseJammer, rate_hz: float) -> None:
        self._e = emitter
        self._clock = _Clock(rate_hz)
        cutoff = min(half_width_hz(emitter), 0.4 * rate_hz)
        self._filter = _Filtered(
            signal.ellip(7, 0.1, 70.0, cutoff, fs=rate_hz, output="sos"), is_complex=False
        )

    def read(self, n: int) -> Complex:
        e = self._e
        env = pulse_envelope(self._clock.times(n), e.prf_hz, e.duty, e.rise_s)
        return self._filter(env).astype(np.complex64)


class ToneSource:
    """AM by one audio tone, optionally warbled (tone FM at ``warble_rate_hz``)."""

    def __init__(self, emitter: ToneJammer, rate_hz: float) -> None:
        self._e = emitter
        self._clock = _Clock(rate_hz)
        self._phase = 0.0

    def read(self, n: int) -> Complex:
        e = self._e
        t = self._clock.times(n)
        freq = e.tone_hz + e.warble_hz * np.sin(2 * np.pi * e.warble_rate_hz * t)
        phase = self._phase + 2 * np.pi * np.cumsum(freq) / self._clock.rate_hz
        self._phase = float(phase[-1] % (2 * np.pi)) if n else self._phase
        return (1.0 + e.depth * np.cos(phase)).astype(np.complex64)


def make_source(
    emitter: Emitter, rng: np.random.Generator, rate_hz: float
) -> AmSource | DataSource | NoiseSource | SweepSource | PulseSource | ToneSource | drm.Drm:
    """The baseband source of a single-carrier emitter kind (not ``jam_program``)."""
    match emitter:
        case AmEmitter():
            return AmSource(emitter, rng, rate_hz)
        case DrmEmitter():
            return drm.Drm(rng, rate_hz, emitter.mode)
        case DataEmitter():
            return DataSource(emitter, rng, rate_hz)
        case NoiseJammer():
            return NoiseSource(emitter, rng, rate_hz)
        case SweepJammer():
            return SweepSource(emitter, rate_hz)
        case PulseJammer():
            return PulseSource(emitter, rate_hz)
        case ToneJammer():
            return ToneSource(emitter, rate_hz)
    raise TypeError(f"no single-carrier source for {type(emitter).__name__}")
