"""One channel of a wideband IQ stream, shifted to 0 Hz and decimated, block by block.

Implementation notes
--------------------
The decimation runs in at most two polyphase FIR stages (:func:`scipy.signal.upfirdn` computes
only the kept outputs, so a stage costs ``taps / factor`` multiplies per input sample). The
first stage's taps are the low-pass modulated up to the channel's offset (a complex band-pass),
so no complex exponential is evaluated per input sample: the frequency shift is applied after
the first stage, at its lower rate, as ``exp(-j w n)`` with ``n`` the index of the newest input
sample under the filter (``sum h[k] e^{jwk} x[n-k] = e^{jwn} * lowpass(x e^{-jwm})[n]``).

Each stage keeps the inputs its next output still needs, so blocks of any size give the same
samples as one long block. Output ``m`` is the filtered signal at input sample
``m * factor + delay_samples`` (the stages' group delays), which is how clip times are exact.
Kaiser windows give 60 dB of stop-band rejection; everything within ``PASSBAND_FRACTION`` of
the output rate around 0 Hz is free of aliases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.signal import firwin, kaiserord, upfirdn

STOPBAND_DB = 60.0
"""Rejection of the anti-alias filters, in dB."""

PASSBAND_FRACTION = 0.4
"""Half-width of the alias-free band, as a fraction of the output rate (0.4: +-9.6 kHz at
24 kS/s, wider than a 9 kHz broadcast channel)."""

MAX_STAGE_FACTOR = 16
"""Largest decimation factor of one stage."""


def choose_factors(
    sample_rate_hz: float, min_rate_hz: float, max_rate_hz: float
) -> tuple[int, ...]:
    """Stage factors whose product brings ``sample_rate_hz`` into ``[min_rate_hz, max_rate_hz]``.

    The smallest total factor that splits into at most two stages of at most
    :data:`MAX_STAGE_FACTOR` each wins (the highest output rate in range).

    Raises
    ------
    ValueError
        When no such factor exists (rates out of range or a band too narrow for two stages).

    Examples
    --------
    >>> choose_factors(2_400_000, 12_000, 24_000)
    (10, 10)
    >>> choose_factors(250_000, 12_000, 24_000)
    (11,)
    >>> choose_factors(2_048_000, 12_000, 24_000)
    (11, 8)
    """
    if not 0 < min_rate_hz <= max_rate_hz:
        raise ValueError(f"output rates {min_rate_hz:g}..{max_rate_hz:g} S/s are not a range")
    low = max(1, math.ceil(sample_rate_hz / max_rate_hz))
    high = math.floor(sample_rate_hz / min_rate_hz)
    for total in range(low, high + 1):
        if total <= MAX_STAGE_FACTOR:
            return (total,)
        for first in range(MAX_STAGE_FACTOR, 1, -1):
            if total % first == 0 and total // first <= MAX_STAGE_FACTOR:
                return first, total // first
    raise ValueError(
        f"cannot decimate {sample_rate_hz:g} S/s to {min_rate_hz:g}..{max_rate_hz:g} S/s "
        f"in two stages of at most {MAX_STAGE_FACTOR}"
    )


def lowpass_taps(
    sample_rate_hz: float, factor: int, pass_hz: float, stop_hz: float
) -> npt.NDArray[np.float64]:
    """Kaiser-window low-pass taps, their number one more than a multiple of ``factor``.

    Parameters
    ----------
    sample_rate_hz
        Input rate of the stage.
    factor
        Decimation factor of the stage.
    pass_hz, stop_hz
        Pass-band and stop-band edges, in Hz, ``0 < pass_hz < stop_hz <= sample_rate_hz / 2``.
    """
    nyquist_hz = sample_rate_hz / 2
    count, beta = kaiserord(STOPBAND_DB, (stop_hz - pass_hz) / nyquist_hz)
    count = factor * math.ceil((count - 1) / factor) + 1
    taps = firwin(count, (pass_hz + stop_hz) / 2, window=("kaiser", beta), fs=sample_rate_hz)
    return np.asarray(taps, dtype=np.float64)


class _Stage:
    """A streaming polyphase FIR decimator (output ``j``: inputs ``j*D .. j*D+L-1``)."""

    def __init__(self, taps: npt.NDArray[np.complex128] | npt.NDArray[np.float64], factor: int):
        self.taps = taps
        self.factor = factor
        self.produced = 0
        self._held = np.zeros(0, dtype=np.complex128)

    def push(self, samples: npt.NDArray[np.complexfloating]) -> npt.NDArray[np.complex128]:
        """Filter and decimate; return every output whose inputs have all arrived."""
        held = np.concatenate([self._held, samples.astype(np.complex128, copy=False)])
        length = self.taps.size
        if held.size < length:
            self._held = held
            return np.zeros(0, dtype=np.complex128)
        count = (held.size - length) // self.factor + 1
        full = upfirdn(self.taps, held[: (count - 1) * self.factor + length], 1, self.factor)
        first = (length - 1) // self.factor
        out = np.asarray(full[first : first + count], dtype=np.complex128)
        self._held = held[count * self.factor :]
        self.produced += count
        return out


@dataclass(frozen=True, slots=True)
class ExtractorDesign:
    """The filters of a :class:`ChannelExtractor` (shared by every channel at one rate).

    Attributes
    ----------
    sample_rate_hz
        Input rate.
    factors
        Decimation factor per stage.
    taps
        Low-pass taps per stage.
    """

    sample_rate_hz: float
    factors: tuple[int, ...]
    taps: tuple[npt.NDArray[np.float64], ...]

    @classmethod
    def for_rate(
        cls, sample_rate_hz: float, *, min_rate_hz: float = 12_000.0, max_rate_hz: float = 24_000.0
    ) -> ExtractorDesign:
        """Stages and filters taking ``sample_rate_hz`` to an output rate in the given range.

        Raises
        ------
        ValueError
            When the rate cannot be decimated into that range (see :func:`choose_factors`).
        """
        factors = choose_factors(sample_rate_hz, min_rate_hz, max_rate_hz)
        out_hz = sample_rate_hz / math.prod(factors)
        pass_hz = PASSBAND_FRACTION * out_hz
        taps = []
        rate_hz = sample_rate_hz
        for factor in factors:
            stage_out_hz = rate_hz / factor
            stop_hz = min(stage_out_hz - pass_hz, rate_hz / 2)
            taps.append(lowpass_taps(rate_hz, factor, pass_hz, stop_hz))
            rate_hz = stage_out_hz
        return cls(sample_rate_hz, factors, tuple(taps))

    @property
    def output_rate_hz(self) -> float:
        """Rate of the extracted channel, in samples per second."""
        return self.sample_rate_hz / math.prod(self.factors)

    @property
    def delay_samples(self) -> float:
        """Input samples from the first input to the centre of the first output's filters."""
        delay = 0.0
        scale = 1
        for factor, taps in zip(self.factors, self.taps, strict=True):
            delay += scale * (taps.size - 1) / 2
            scale *= factor
        return delay


class ChannelExtractor:
    """Streams wideband blocks in, the channel at ``offset_hz`` comes out at baseband.

    Parameters
    ----------
    design
        Rates and filters (:meth:`ExtractorDesign.for_rate`).
    offset_hz
        Channel centre minus the tuning's centre, in Hz (inside +-half the input rate).

    Examples
    --------
    >>> design = ExtractorDesign.for_rate(250_000)
    >>> n = np.arange(50_000)
    >>> tone = np.exp(2j * np.pi * (-40_000 + 1_000) * n / 250_000).astype(np.complex64)
    >>> out = ChannelExtractor(design, -40_000).push(tone)
    >>> turn = np.angle(np.mean(out[101:] * np.conj(out[100:-1])))  # radians per sample
    >>> round(float(turn * design.output_rate_hz / (2 * np.pi)))
    1000
    """

    def __init__(self, design: ExtractorDesign, offset_hz: float) -> None:
        rate_hz = design.sample_rate_hz
        if not abs(offset_hz) < rate_hz / 2:
            raise ValueError(f"offset_hz={offset_hz:g} outside +-{rate_hz / 2:g} Hz")
        self.design = design
        self.offset_hz = offset_hz
        self._omega = 2 * np.pi * offset_hz / rate_hz
        first = design.taps[0]
        shifted = first * np.exp(1j * self._omega * np.arange(first.size))
        self._stages = [_Stage(shifted, design.factors[0])]
        self._stages += [
            _Stage(taps, factor)
            for taps, factor in zip(design.taps[1:], design.factors[1:], strict=True)
        ]

    def push(self, samples: npt.NDArray[np.complex64]) -> npt.NDArray[np.complex64]:
        """Add consecutive input samples; return the new baseband samples of the channel."""
        first = self._stages[0]
        start = first.produced
        out = first.push(samples)
        newest = (start + np.arange(out.size)) * first.factor + first.taps.size - 1
        out = out * np.exp(-1j * np.mod(self._omega * newest, 2 * np.pi))
        for stage in self._stages[1:]:
            out = stage.push(out)
        return out.astype(np.complex64)
