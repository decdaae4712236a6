"""A recording's power spectral density averaged onto a fixed grid of rows and columns, streamed.

Each FFT frame (Hann window, no overlap) is reduced to the grid's columns (the mean PSD of the FFT
bins whose centres fall in the column, or the nearest bin when the column is narrower than a bin)
and added to the row its centre time falls in. Memory is the grid plus one block, whatever the
length of the recording; every sample inside the view is used, so short bursts still show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.fft
import scipy.signal
from scipy import sparse

from monitor.errors import InputError
from monitor.plot.view import View, capture_bounds
from monitor.recording.base import DEFAULT_BLOCK_SAMPLES, Recording

MIN_NFFT = 64
"""Smallest FFT length: fewer bins than this make no useful picture."""

MAX_NFFT = 1 << 16
"""Largest FFT length; narrower zooms repeat bins across columns instead of growing the FFT."""

MIN_FRAMES = 8
"""A view must hold at least this many FFT frames of :data:`MIN_NFFT` samples."""

TARGET_FRAMES = 100
"""Short views get a shorter FFT so that they still hold this many frames (rows)."""

FLOOR_PSD = 1e-30
"""PSD put in place of exact zeros before taking logarithms (-300 dB)."""


@dataclass(frozen=True, slots=True)
class SpectrogramGrid:
    """Averaged PSD of a view of a recording.

    Attributes
    ----------
    psd_db
        ``(rows, columns)`` PSD in dB relative to full scale per Hz (a complex tone of amplitude
        1 has power 0 dBFS); row 0 is the start of the view, column 0 its lowest frequency. NaN
        where the recording has no samples (time gaps, or bands a capture did not cover).
    view
        The time and frequency range the grid spans; rows and columns split it evenly.
    nfft
        FFT length used (samples per frame).
    frames
        Number of FFT frames averaged into the grid.
    """

    psd_db: npt.NDArray[np.float32]
    view: View
    nfft: int
    frames: int

    @property
    def rows(self) -> int:
        """Number of time rows."""
        return int(self.psd_db.shape[0])

    @property
    def columns(self) -> int:
        """Number of frequency columns."""
        return int(self.psd_db.shape[1])


def choose_nfft(sample_rate_hz: float, view: View, columns: int) -> int:
    """FFT length whose bins are no wider than a column, within the limits of the view.

    The power of two at or above ``sample_rate_hz * columns / view.span_hz``, clipped to
    :data:`MAX_NFFT`, and shortened (down to :data:`MIN_NFFT`) so that a short view still holds
    :data:`TARGET_FRAMES` frames.

    Raises
    ------
    InputError
        When the view is too short for :data:`MIN_FRAMES` frames of :data:`MIN_NFFT` samples.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> t0, t1 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 0, 0, 10, tzinfo=UTC)
    >>> choose_nfft(12000.0, View(0.0, 12000.0, t0, t1), 1000)
    1024
    >>> choose_nfft(12000.0, View(0.0, 12000.0, t0, t1), 4000)  # 120000 samples: 100 frames
    1024
    """
    view_samples = int(view.duration_s * sample_rate_hz)
    if view_samples < MIN_FRAMES * MIN_NFFT:
        raise InputError(
            f"the time range holds {view_samples} samples; a waterfall needs at least "
            f"{MIN_FRAMES * MIN_NFFT}"
        )
    wanted = 1 << max(0, math.ceil(math.log2(sample_rate_hz * columns / view.span_hz)))
    longest = 1 << int(math.log2(max(1, view_samples // TARGET_FRAMES)))
    return max(MIN_NFFT, min(wanted, MAX_NFFT, longest))


def column_map(
    center_hz: float, sample_rate_hz: float, nfft: int, view: View, columns: int
) -> tuple[sparse.csr_array, npt.NDArray[np.float64]]:
    """Matrix that turns the power of each FFT bin into the mean power of each column.

    Parameters
    ----------
    center_hz
        RF frequency of baseband 0 Hz for the frames.
    sample_rate_hz
        Complex sample rate.
    nfft
        FFT length; bins are in :func:`scipy.fft.fft` order (not shifted).
    view, columns
        The frequency range and how many equal columns split it.

    Returns
    -------
    weights
        ``(columns, nfft)`` sparse matrix; each covered column's row sums to 1.
    covered
        ``(columns,)`` 1.0 where the capture's band reaches the column, else 0.0.
    """
    bin_hz = center_hz + scipy.fft.fftfreq(nfft, d=1.0 / sample_rate_hz)
    edges_hz = np.linspace(view.fmin_hz, view.fmax_hz, columns + 1)
    column_of_bin = np.searchsorted(edges_hz, bin_hz, side="right") - 1
    inside = (column_of_bin >= 0) & (column_of_bin < columns)
    bins = np.flatnonzero(inside)
    cols = column_of_bin[inside]

    per_column = np.bincount(cols, minlength=columns)
    empty = np.flatnonzero(per_column == 0)
    mids_hz = (edges_hz[empty] + edges_hz[empty + 1]) / 2
    order = np.argsort(bin_hz)
    sorted_hz = bin_hz[order]
    pos = np.clip(np.searchsorted(sorted_hz, mids_hz), 1, nfft - 1)
    nearer_left = (mids_hz - sorted_hz[pos - 1]) < (sorted_hz[pos] - mids_hz)
    nearest = np.where(nearer_left, pos - 1, pos)
    reach = np.abs(sorted_hz[nearest] - mids_hz) <= sample_rate_hz / nfft / 2
    bins = np.concatenate([bins, order[nearest[reach]]])
    cols = np.concatenate([cols, empty[reach]])

    counts = np.bincount(cols, minlength=columns).astype(np.float64)
    data = (1.0 / counts[cols]).astype(np.float32)
    weights = sparse.csr_array((data, (cols, bins)), shape=(columns, nfft))
    return weights, (counts > 0).astype(np.float64)


class _Accumulator:
    """Sums of column PSD per row, fed frame by frame."""

    def __init__(self, rate_hz: float, view: View, nfft: int, columns: int, rows: int) -> None:
        self.rate_hz = rate_hz
        self.view = view
        self.nfft = nfft
        self.columns = columns
        self.rows = rows
        self.row_s = view.duration_s / rows
        window = scipy.signal.get_window("hann", nfft, fftbins=True)
        self.window = window.astype(np.float32)
        self.scale = 1.0 / (self.rate_hz * float(np.sum(window**2)))
        self.power = np.zeros((rows, columns))
        self.count = np.zeros((rows, columns))
        self.frames = 0
        self._maps: dict[float, tuple[sparse.csr_array, npt.NDArray[np.float64]]] = {}

    def add(self, samples: npt.NDArray[np.complex64], center_hz: float, offset_s: float) -> None:
        """Add the whole frames of ``samples``; its first sample is ``offset_s`` into the view."""
        k = len(samples) // self.nfft
        mid_s = offset_s + (np.arange(k) * self.nfft + self.nfft / 2) / self.rate_hz
        row = np.floor(mid_s / self.row_s).astype(np.int64)
        keep = (mid_s >= 0.0) & (row < self.rows)
        if not keep.any():
            return
        frames = samples[: k * self.nfft].reshape(k, self.nfft)[keep] * self.window
        spectrum = scipy.fft.fft(frames, axis=1, overwrite_x=True)
        bin_power = spectrum.real**2 + spectrum.imag**2
        if center_hz not in self._maps:
            self._maps[center_hz] = column_map(
                center_hz, self.rate_hz, self.nfft, self.view, self.columns
            )
        weights, covered = self._maps[center_hz]
        column_power = (weights @ bin_power.T).T
        rows = row[keep]
        firsts = np.flatnonzero(np.diff(rows, prepend=-1))
        runs = np.diff(firsts, append=len(rows))
        self.power[rows[firsts]] += np.add.reduceat(column_power, firsts, axis=0)
        self.count[rows[firsts]] += runs[:, np.newaxis] * covered
        self.frames += len(rows)

    def grid(self) -> SpectrogramGrid:
        """The averaged PSD in dB, NaN where nothing was added."""
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = self.power / self.count * self.scale
        psd_db = 10.0 * np.log10(np.maximum(mean, FLOOR_PSD))
        psd_db[self.count == 0] = np.nan
        return SpectrogramGrid(psd_db.astype(np.float32), self.view, self.nfft, self.frames)


def compute_grid(
    recording: Recording,
    view: View,
    *,
    columns: int,
    max_rows: int,
    block_samples: int = DEFAULT_BLOCK_SAMPLES,
) -> SpectrogramGrid:
    """Stream ``recording`` once and average its PSD over ``view`` onto a grid.

    Parameters
    ----------
    recording
        The open recording; its blocks are read in order, one at a time.
    view
        Time and frequency range to cover (see :func:`monitor.plot.view.select_view`).
    columns
        Number of frequency columns (the pixel width of the picture).
    max_rows
        Largest number of time rows (the pixel height); fewer when the view holds fewer frames.
    block_samples
        Samples per block asked of the reader.

    Returns
    -------
    SpectrogramGrid
        The grid; rows split ``view`` into equal time steps.
    """
    rate_hz = recording.sample_rate_hz
    nfft = choose_nfft(rate_hz, view, columns)
    rows = max(1, min(max_rows, int(view.duration_s * rate_hz) // nfft))
    acc = _Accumulator(rate_hz, view, nfft, columns, rows)
    stop_sample = _last_sample_needed(recording, view)
    tolerance_s = max(0.5 / rate_hz, 2e-6)

    carry = np.empty(0, dtype=np.complex64)
    carry_center_hz = math.nan
    carry_end_s = math.nan
    position = 0
    for block in recording.blocks(block_samples):
        if position >= stop_sample:
            break
        position += len(block.samples)
        offset_s = (block.captured_at - view.start).total_seconds()
        if offset_s + block.duration_s <= 0.0 or offset_s >= view.duration_s:
            carry = carry[:0]
            continue
        joins = (
            len(carry) > 0
            and block.center_hz == carry_center_hz
            and abs(offset_s - carry_end_s) < tolerance_s
        )
        if joins:
            offset_s -= len(carry) / rate_hz
            samples = np.concatenate([carry, block.samples])
        else:
            samples = block.samples
        acc.add(samples, block.center_hz, offset_s)
        used = len(samples) - len(samples) % nfft
        carry = samples[used:]
        carry_center_hz = block.center_hz
        carry_end_s = offset_s + len(samples) / rate_hz
    return acc.grid()


def _last_sample_needed(recording: Recording, view: View) -> int:
    """Index after the last sample whose time is inside ``view`` (reading may stop there)."""
    rate_hz = recording.sample_rate_hz
    stop = 0
    for first, end, start in capture_bounds(recording):
        into_s = (view.end - start).total_seconds()
        if into_s > 0:
            stop = max(stop, min(end, first + math.ceil(into_s * rate_hz)))
    return stop
