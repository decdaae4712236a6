"""Which 5 kHz channels a tuning can judge, and which FFT bins belong to each of them.

A channel (DESIGN.md) is a raster frequency whose +-4.5 kHz lies inside the usable part of the
tuning. The usable part is the flat middle of the receiver's passband: both the KiwiSDR
(12 kS/s, flat over about +-4.5 kHz, 60-80 dB down at +-5 kHz) and the RTL-SDR decimation filters
roll off towards the band edges, so only the flat middle of the two-sided span is kept
(:func:`flat_fraction`: 80 % at RTL-SDR rates, 75 % for narrow receivers). Direct-conversion
8-bit tuners add a spike at 0 Hz baseband that looks like a carrier; with ``dc_guard_hz > 0`` no
channel may reach within that distance of the centre, and the bins there never enter the noise
floor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from dsp.vocabulary import CHANNEL_RASTER_HZ

CHANNEL_HALF_WIDTH_HZ = 4500.0
"""Half of the AM necessary bandwidth (9 kHz, RR Appendix 11): the part of a channel judged."""

TARGET_BIN_HZ = 125.0
"""Aimed-for FFT bin width: about 70 bins across a channel, 4-10 ms frames."""

RTL_MIN_RATE_HZ = 225_001.0
"""Lowest sample rate of an RTL-SDR (librtlsdr accepts 225001-300000 and 900001-3200000 S/s)."""

RTL_USABLE_FRACTION = 0.8
"""Flat share of an RTL-SDR span: the RTL2832U decimation filter is flat to about +-0.4 fs
(domain.md 5); the simulator's built-in RTL-SDR scenes are flat over 85 % (docs/simulator.md)."""

NARROW_USABLE_FRACTION = 0.75
"""Flat share of narrow spans (a 12 kS/s KiwiSDR file: flat over about +-4.5 kHz only)."""


def flat_fraction(sample_rate_hz: float) -> float:
    """Share of the two-sided span ``[-rate/2, rate/2)`` that is flat passband at this rate.

    >>> flat_fraction(2_048_000), flat_fraction(12_000)
    (0.8, 0.75)
    """
    return RTL_USABLE_FRACTION if sample_rate_hz >= RTL_MIN_RATE_HZ else NARROW_USABLE_FRACTION


CARRIER_GUARD_BINS = 2
"""Bins either side of the raster bin that a carrier's Hann main lobe may occupy."""

SKIRT_HZ = (4600.0, 5400.0)
"""Offsets from a raster frequency, just outside its +-4.5 kHz, where a broadcast's audio (cut at
4.5 kHz) leaves only the noise floor, the edge of anything wider than it, and the neighbour's
carrier (whose bin and the bins beside it are left out)."""

FLOOR_BLOCK_HZ = 100_000.0
"""Width of the spans over which one noise floor is estimated (passband ripple is slow)."""


def frame_length(sample_rate_hz: float) -> int:
    """FFT length (a power of two, at least 64) whose bin width is closest to 125 Hz in log.

    >>> frame_length(2_048_000), frame_length(250_000), frame_length(12_000)
    (16384, 2048, 128)
    """
    return max(64, 1 << round(math.log2(sample_rate_hz / TARGET_BIN_HZ)))


class Skirts(NamedTuple):
    """Where each channel's skirts are measured (:attr:`ChannelPlan.skirts`).

    Attributes
    ----------
    bins
        Bins 4.6-5.4 kHz below and above the raster, the neighbour's raster bin and the bins
        beside it left out, shape ``(C, 2, K)`` (below, above).
    neighbour_bins
        Those left-out bins, where a neighbour's carrier would be, shape ``(C, 2, 3)``.
    valid
        Whether all of a channel's lie in the usable span, shape ``(C,)``.
    """

    bins: npt.NDArray[np.intp]
    neighbour_bins: npt.NDArray[np.intp]
    valid: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class ChannelPlan:
    """The channels of one tuning and their FFT bins (fft-shifted, bin 0 at ``-rate/2``).

    Build it with :meth:`for_tuning`.

    Attributes
    ----------
    center_hz, sample_rate_hz
        The tuning.
    nfft
        FFT length of the spectra the bin indices refer to.
    frequencies_hz
        Channel raster frequencies, ascending, shape ``(C,)``.
    channel_bins
        Bin indices of each channel's +-4.5 kHz, shape ``(C, B)``; column ``B // 2`` is the
        bin nearest the raster frequency.
    floor_blocks
        Bin indices used for the noise floor, shape ``(K, L)``: usable bins outside the DC guard,
        cut into ``K`` spans of about :data:`FLOOR_BLOCK_HZ`.
    """

    center_hz: float
    sample_rate_hz: float
    nfft: int
    frequencies_hz: npt.NDArray[np.int64]
    channel_bins: npt.NDArray[np.intp]
    floor_blocks: npt.NDArray[np.intp]
    sideband_cols: npt.NDArray[np.intp] = field(repr=False)

    @classmethod
    def for_tuning(
        cls,
        center_hz: float,
        sample_rate_hz: float,
        *,
        nfft: int | None = None,
        usable_fraction: float | None = None,
        dc_guard_hz: float = 0.0,
    ) -> ChannelPlan:
        """Channels whose +-4.5 kHz fit in the usable span (and clear of the DC guard).

        Parameters
        ----------
        center_hz, sample_rate_hz
            RF frequency at baseband 0 Hz, and the complex sample rate.
        nfft
            FFT length; :func:`frame_length` of the rate when not given.
        usable_fraction
            Fraction of the two-sided span ``[-rate/2, rate/2)`` that is flat passband;
            :func:`flat_fraction` of the rate when not given.
        dc_guard_hz
            Half-width of the region around 0 Hz baseband that no channel may touch (the DC
            spike of direct-conversion tuners); 0 for receivers without one.

        Raises
        ------
        ValueError
            If the rate, fraction or guard are not positive and sensible. A tuning with no whole
            channel gives an empty plan (``len(plan) == 0``), which callers report.

        Examples
        --------
        >>> plan = ChannelPlan.for_tuning(6_000_000, 250_000, dc_guard_hz=500)
        >>> len(plan), int(plan.frequencies_hz[0]), int(plan.frequencies_hz[-1])
        (36, 5905000, 6095000)
        """
        fraction = flat_fraction(sample_rate_hz) if usable_fraction is None else usable_fraction
        if not sample_rate_hz > 0 or not 0 < fraction <= 1 or dc_guard_hz < 0:
            raise ValueError(
                f"bad tuning: sample_rate_hz={sample_rate_hz}, usable_fraction={fraction}"
                f", dc_guard_hz={dc_guard_hz}"
            )
        n = nfft if nfft is not None else frame_length(sample_rate_hz)
        bin_hz = sample_rate_hz / n
        half_usable_hz = fraction * sample_rate_hz / 2
        lo = math.ceil((center_hz - half_usable_hz + CHANNEL_HALF_WIDTH_HZ) / CHANNEL_RASTER_HZ)
        hi = math.floor((center_hz + half_usable_hz - CHANNEL_HALF_WIDTH_HZ) / CHANNEL_RASTER_HZ)
        freqs = np.arange(lo, hi + 1, dtype=np.int64) * CHANNEL_RASTER_HZ
        if dc_guard_hz > 0:
            freqs = freqs[np.abs(freqs - center_hz) > CHANNEL_HALF_WIDTH_HZ + dc_guard_hz]
        half_bins = int((CHANNEL_HALF_WIDTH_HZ - bin_hz / 2) // bin_hz)  # bins wholly inside
        raster_bins = n // 2 + np.rint((freqs - center_hz) / bin_hz).astype(np.intp)
        cols = np.arange(-half_bins, half_bins + 1, dtype=np.intp)
        channel_bins = raster_bins[:, None] + cols[None, :]
        sideband_cols = np.flatnonzero(np.abs(cols) > CARRIER_GUARD_BINS + 1).astype(np.intp)

        offsets_hz = (np.arange(n) - n // 2) * bin_hz
        usable = np.abs(offsets_hz) <= half_usable_hz
        if dc_guard_hz > 0:
            usable &= np.abs(offsets_hz) > dc_guard_hz
        usable_bins = np.flatnonzero(usable).astype(np.intp)
        per_block = max(1, round(FLOOR_BLOCK_HZ / bin_hz))
        blocks = max(1, round(usable_bins.size / per_block))
        length = usable_bins.size // blocks
        floor_blocks = usable_bins[: blocks * length].reshape(blocks, length)
        return cls(
            center_hz=float(center_hz),
            sample_rate_hz=float(sample_rate_hz),
            nfft=n,
            frequencies_hz=freqs,
            channel_bins=channel_bins,
            floor_blocks=floor_blocks,
            sideband_cols=sideband_cols,
        )

    def __len__(self) -> int:
        return int(self.frequencies_hz.size)

    @property
    def bin_hz(self) -> float:
        """FFT bin width in Hz."""
        return self.sample_rate_hz / self.nfft

    @property
    def carrier_col(self) -> int:
        """Column of :attr:`channel_bins` holding the bin nearest each raster frequency."""
        return int(self.channel_bins.shape[1] // 2)

    @property
    def raster_offset_hz(self) -> npt.NDArray[np.float64]:
        """Raster frequency minus the centre of its nearest bin, per channel, in Hz."""
        bin_centres = self.center_hz + (self.channel_bins[:, self.carrier_col] - self.nfft // 2) * (
            self.bin_hz
        )
        return np.asarray(self.frequencies_hz - bin_centres, dtype=np.float64)

    @cached_property
    def skirts(self) -> Skirts:
        """Bins :data:`SKIRT_HZ` below and above each raster frequency, the neighbours' raster
        bins among them, and where all of them lie in the usable span (outside the DC guard)."""
        lo, hi = (math.ceil(SKIRT_HZ[0] / self.bin_hz), math.floor(SKIRT_HZ[1] / self.bin_hz))
        cols = np.arange(lo, hi + 1, dtype=np.intp)
        neighbour = round(CHANNEL_RASTER_HZ / self.bin_hz)
        near = np.abs(cols - neighbour) <= 1
        raster = self.channel_bins[:, self.carrier_col]

        def both_sides(offsets: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
            return np.stack([raster[:, None] - offsets[::-1], raster[:, None] + offsets], axis=1)

        bins, line = both_sides(cols[~near]), both_sides(cols[near])
        usable = np.zeros(self.nfft, dtype=bool)
        usable[self.floor_blocks.ravel()] = True
        every = np.concatenate([bins, line], axis=2)
        inside = (every >= 0) & (every < self.nfft)
        valid = (inside & usable[np.clip(every, 0, self.nfft - 1)]).all(axis=(1, 2))
        valid &= bool(cols[~near].size and cols[near].size)
        return Skirts(np.clip(bins, 0, self.nfft - 1), np.clip(line, 0, self.nfft - 1), valid)
