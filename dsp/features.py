"""Per-channel features of one step, vectorised over channels (domain.md section 4).

Every feature is an array with one value per channel of the plan. Powers are compared with the
FCME noise floor of the same bins, so "dB" below means dB over the floor unless said otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import scipy.fft as sp_fft
from scipy import special

from dsp.plan import CARRIER_GUARD_BINS, ChannelPlan
from dsp.spectrum import StepSpectra

Array = npt.NDArray[np.float64]
Float = TypeVar("Float", np.float32, np.float64)

ZOOM_PAD = 4
"""Zero-padding factor of the fine carrier spectrum (interpolates its ~1/step Hz resolution)."""

CARRIER_MIN_DB = 10.0
"""A carrier stands this far over both the floor and the channel's sideband median."""

MULTIPLICITY_RANGE_DB = 20.0
"""Co-channel carriers count when within this of the strongest (domain.md 4.5 uses 25 dB)."""

CARRIER_PEAK_DB = 6.0
"""A carrier stands this far over the bins 3-4 either side (a 400 Hz tone's sidebands at 50 %
modulation sit 12 dB down there; a neighbour's skirt rises towards the neighbour instead)."""

SHOULDER_BINS = (3, 4)
"""Bins either side of the raster that a carrier must stand above: a true line is a local peak,
while the sidelobe skirt of a strong signal a few bins away rises towards that signal."""

FINE_LINES_KEPT = 4
"""Carrier lines remembered per channel for the persistence test (CNR1 uses up to 3)."""

MIRROR_BELOW_DB = 3.0
"""Mirrored lines are keying sidebands only when both sit this far under the strongest line
(the first pair of a 50 %-duty pulse train sits 3.9 dB under; co-channel carriers mirrored
about the strongest within 6 dB are rare)."""

MIRROR_TOLERANCE_DB = 6.0
"""A fine line matched within this by its mirror about the strongest line is a sideband of that
carrier's amplitude or phase keying (a time signal, a pulse train), not another carrier."""

LINE_MIN_DB = 10.0
"""A discrete sideband line stands this far over the sideband median and the floor."""

LINE_MAX_SK = 0.6
"""A line is steady (a tone or a pulse-train harmonic) when its bin's SK is below this."""

RIDGE_JUMP_CORR_MIN = 0.5
"""``sweep_jump_hz`` is measured only where the ridge fits a line this well (|corr|; a sweep's is
0.8 and more), and 0 elsewhere: most channels have no ridge worth checking, and it saves time."""

RIDGE_MIN_DB = 10.0
"""A frame's strongest bin takes part in ridge tracking when this far over the floor."""

PERIODICITY_MIN_HZ = 20.0
"""Lowest frequency of the frame-power spectrum searched for a keying line: fading (at most
30 Hz Doppler spread, F.1487 HD) puts its power fluctuation mostly below this, spread out."""

INNER_HZ = (300.0, 1500.0)
OUTER_HZ = (3000.0, 4500.0)
"""Audio-frequency ranges compared by the sideband tilt (speech and music fall with frequency)."""


def flatness_null(frames: int) -> float:
    """Expected spectral flatness of white Gaussian noise after averaging ``frames`` frames.

    ``exp(psi(K)) / K`` (domain.md 4.6): 0.561 for one frame, not 1.

    >>> round(flatness_null(1), 3), round(flatness_null(8), 3)
    (0.561, 0.938)
    """
    return float(np.exp(special.digamma(frames)) / frames)


@dataclass(frozen=True, slots=True)
class ChannelFeatures:
    """Features of every channel in one step (each attribute has shape ``(C,)``).

    Attributes
    ----------
    snr_db
        Mean channel power (+-4.5 kHz) over the mean floor of its bins.
    sideband_db
        Median of the sideband bins (carrier +-2 bins excluded) over the floor.
    carrier_db
        Strongest of the three bins at the raster over the floor.
    carrier_excess_db
        The same bin over the sideband median: a line, not a plateau.
    carrier_peak_db
        The same bin over the strongest of the bins 3-4 either side: a line standing as a local
        peak, not the sidelobe skirt of a strong signal a few bins away.
    carrier_offset_hz
        Frequency of the strongest fine-spectrum line minus the raster frequency.
    carriers
        Lines in the fine (about 1 Hz) spectrum around the raster within 20 dB of the strongest:
        1 for an AM carrier, 2-3 for co-channel programme jamming; 0 without a carrier.
    flatness
        Spectral flatness of the sideband bins divided by its white-noise null (1 = flat noise).
    sk
        Mean spectral kurtosis of the sideband bins (1 for Gaussian noise and noise jammers).
    occupied_bw_hz
        99 % power bandwidth of the floor-subtracted channel spectrum (ITU-R SM.443 beta method).
    symmetry
        ``(lower - upper) / (lower + upper)`` of sideband power over the floor: 0 for DSB,
        +-1 for one-sided energy.
    tilt_db
        Sideband excess power at 0.3-1.5 kHz over that at 3-4.5 kHz from the carrier.
    lines
        Steady discrete lines in the sidebands (local maxima with SK below 0.6).
    jitter_db
        Median frame-to-frame change of channel power: pulses change it, fading does not, and
        rare impulses do not move a median.
    periodicity
        Share of the frame-power fluctuation (mean removed) in the strongest three-bin line of
        its spectrum from 20 Hz to half the frame rate: a pulse train keyed at a fixed rate
        (seen directly or aliased) puts most of it in one line, fading and programme spread it
        (about 0.1 for a random sequence of 125 frames).
    sweep_rate_hz_s
        Slope of the least-squares line through the per-frame peak frequencies (of the whole
        step or of the half of it where the line fits best: a triangle sweep turns, a sawtooth
        starts over).
    sweep_corr
        Correlation of peak frequency with time over the frames with a prominent peak (same
        frames).
    sweep_span_hz
        Range covered by the per-frame peak frequency (same frames).
    sweep_jump_hz
        Largest change of the peak frequency between consecutive prominent frames: a sweep moves
        in small steps, a peak that jumps between two emissions (a data burst ending beside a
        jammer) in one step as large as the span. Measured where ``|sweep_corr| >= 0.5``, else 0
        (same frames).
    cp_score
        DRM cyclic-prefix score (see :mod:`dsp.drm`); NaN where it was not tested.
    plateau_low_db, plateau_high_db
        Median of the lower and of the upper sideband bins over the floor (a plateau reaching
        into a channel from one side, e.g. a wide jammer next door, fills only one half).
    flatness_low, flatness_high
        Flatness of each half, over its white-noise null.
    sideband_peak_db
        Strongest sideband bin over the floor.
    line_share
        Share of the sideband excess power in its six strongest bins: near 1 for a tone, low for
        programme audio and noise.
    skirt_db
        The weaker of the two skirts just outside the channel (4.6-5.4 kHz below and above the
        raster, the neighbours' raster bins left out): median over the floor. A broadcast's
        audio stops at 4.5 kHz; a noise jammer 10-14 kHz wide under it fills both skirts. NaN
        where a skirt leaves the usable span, or where a carrier stands at a neighbour's raster
        (10 dB over the floor and 6 dB over that skirt): its lowest audio fills the skirt.
    persistent_carriers
        Carriers of this step found again within 0.75 Hz in each of the two previous steps (set
        by the detector; others than the strongest only when >= 4 Hz from it): co-channel
        transmitters stay on their frequencies, while the maxima of a Doppler-spread carrier
        wander (and the strongest of several fading carriers changes).
    persistent_lines
        Steady sideband lines (as :attr:`lines` counts them) found again within a bin in each of
        the two previous steps (set by the detector): a tone jammer's pair of lines at +-f_tone
        stands for minutes, a held note of music for a second or two.
    sweep_age_s
        Seconds since a sweep ridge was last seen on the channel (set by the detector; 0 in the
        step where it is seen, infinite if never).
    sweep_hold_s
        How long a sweep is assumed to stay on a channel between ridge crossings: 1.3 times the
        interval between the last two crossings (set by the detector).
    stationarity
        Correlation of the sideband spectrum (dB over floor) with the previous step's (set by
        the detector; NaN for a first step): a tone or a noise plateau repeats itself, speech
        and music do not.
    carrier_lines_hz
        Offsets from the raster of up to four carriers, strongest first, shape ``(C, 4)``, NaN
        where fewer (what :attr:`persistent_carriers` compares; not a feature).
    profile_db
        The sideband spectrum itself, ``10 log10(excess + floor / 10)`` per sideband bin, shape
        ``(C, S)``: what :attr:`stationarity` compares (not a feature).
    ridge_extent_hz
        Lowest and highest prominent per-frame peak of the step, as offsets from the raster in
        Hz, shape ``(C, 2)``, NaN where none: where a sweep's ridge reaches (not a feature).
    line_bins
        Where the steady lines stand, per sideband bin, shape ``(C, S)`` (what
        :attr:`persistent_lines` compares; not a feature).
    """

    snr_db: Array
    sideband_db: Array
    carrier_db: Array
    carrier_excess_db: Array
    carrier_peak_db: Array
    carrier_offset_hz: Array
    carriers: Array
    flatness: Array
    sk: Array
    occupied_bw_hz: Array
    symmetry: Array
    tilt_db: Array
    lines: Array
    jitter_db: Array
    periodicity: Array
    sweep_rate_hz_s: Array
    sweep_corr: Array
    sweep_span_hz: Array
    sweep_jump_hz: Array
    cp_score: Array
    plateau_low_db: Array
    plateau_high_db: Array
    flatness_low: Array
    flatness_high: Array
    sideband_peak_db: Array
    line_share: Array
    skirt_db: Array
    persistent_carriers: Array
    persistent_lines: Array
    sweep_age_s: Array
    sweep_hold_s: Array
    stationarity: Array
    carrier_lines_hz: npt.NDArray[np.float64] = field(repr=False)
    profile_db: npt.NDArray[np.float64] = field(repr=False)
    ridge_extent_hz: npt.NDArray[np.float64] = field(repr=False)
    line_bins: npt.NDArray[np.bool_] = field(repr=False)

    def row(self, index: int) -> dict[str, float]:
        """All features of one channel, by name."""
        return {name: float(getattr(self, name)[index]) for name in FEATURE_NAMES}

    def matrix(self) -> Array:
        """All features as one array, shape ``(C, len(FEATURE_NAMES))``."""
        return np.stack([getattr(self, name) for name in FEATURE_NAMES], axis=1)


FEATURE_NAMES: tuple[str, ...] = tuple(
    f.name
    for f in fields(ChannelFeatures)
    if f.name not in ("profile_db", "carrier_lines_hz", "ridge_extent_hz", "line_bins")
)
"""Names of the features, in the column order of :meth:`ChannelFeatures.matrix`."""


def _db(ratio: npt.ArrayLike) -> Array:
    return np.asarray(10.0 * np.log10(np.maximum(ratio, 1e-30)), dtype=np.float64)


def compute_features(
    spectra: StepSpectra, plan: ChannelPlan, floor: Array, step_s: float
) -> ChannelFeatures:
    """Measure every channel of ``plan`` in one step.

    Parameters
    ----------
    spectra
        The step's spectra.
    plan
        The channel plan they were computed for.
    floor
        Noise floor per (fft-shifted) bin, in the unit of ``spectra.psd``.
    step_s
        Duration of the step in seconds (for rates).
    """
    bins = plan.channel_bins
    psd = spectra.psd[bins]
    noise = floor[bins]
    side_cols = plan.sideband_cols
    side = psd[:, side_cols]
    side_noise = noise[:, side_cols]
    side_median = _row_medians(side)
    noise_mean = noise.mean(axis=1)

    snr_db = _db(psd.mean(axis=1) / noise_mean)
    sideband_db = _db(side_median / _row_medians(side_noise))
    centre = plan.carrier_col
    carrier_power = psd[:, centre - 1 : centre + 2].max(axis=1)
    shoulder = np.concatenate(
        [
            psd[:, centre - SHOULDER_BINS[1] : centre - SHOULDER_BINS[0] + 1],
            psd[:, centre + SHOULDER_BINS[0] : centre + SHOULDER_BINS[1] + 1],
        ],
        axis=1,
    ).max(axis=1)
    carrier_db = _db(carrier_power / noise[:, centre])
    carrier_excess_db = _db(carrier_power / side_median)
    carrier_peak_db = _db(carrier_power / shoulder)
    has_carrier = (
        (carrier_db >= CARRIER_MIN_DB)
        & (carrier_excess_db >= CARRIER_MIN_DB)
        & (carrier_peak_db >= CARRIER_PEAK_DB)
    )

    coarse_hz = _coarse_peak_hz(psd[:, centre - 2 : centre + 3]) * plan.bin_hz
    offset_hz = np.full(len(plan), np.nan)
    count = np.zeros(len(plan))
    lines_hz = np.full((len(plan), FINE_LINES_KEPT), np.nan)
    lit = np.flatnonzero(has_carrier)  # the fine spectrum is only needed where a carrier is
    offset_hz[lit], count[lit], lines_hz[lit] = _fine_carriers(
        spectra.carrier_series[:, lit], plan.raster_offset_hz[lit], step_s, coarse_hz[lit]
    )
    null = flatness_null(spectra.frames)
    side_log = np.log(np.maximum(side, 1e-30))  # for the flatness of the sidebands and halves
    flatness = _flatness(side, side_log) / null
    half = side.shape[1] // 2
    low, high = side[:, :half], side[:, half:]
    side_sk = spectra.sk[bins][:, side_cols]
    sk = side_sk.mean(axis=1)

    excess = np.maximum(psd - noise, 0.0)
    cols = np.arange(bins.shape[1]) - centre
    offsets = cols * plan.bin_hz
    occupied_bw_hz = _occupied_bandwidth(excess, plan.bin_hz)
    guard = np.abs(cols) > CARRIER_GUARD_BINS
    lower = excess[:, guard & (cols < 0)].sum(axis=1)
    upper = excess[:, guard & (cols > 0)].sum(axis=1)
    symmetry = (lower - upper) / np.maximum(lower + upper, 1e-30)
    inner = (np.abs(offsets) >= INNER_HZ[0]) & (np.abs(offsets) <= INNER_HZ[1])
    outer = (np.abs(offsets) >= OUTER_HZ[0]) & (np.abs(offsets) <= OUTER_HZ[1])
    tilt_db = _db(
        (excess[:, inner].mean(axis=1) + 0.1 * noise_mean)
        / (excess[:, outer].mean(axis=1) + 0.1 * noise_mean)
    )
    line_bins = _steady_lines(side, side_noise, side_sk, side_median)
    side_excess = excess[:, side_cols]
    top = np.partition(side_excess, side_excess.shape[1] - 6, axis=1)[:, -6:].sum(axis=1)
    line_share = top / np.maximum(side_excess.sum(axis=1), 1e-30)

    skirts = plan.skirts
    ratio = spectra.psd[skirts.bins] / floor[skirts.bins]
    skirt = _row_medians(ratio.reshape(-1, ratio.shape[2])).reshape(-1, 2)
    next_door = (spectra.psd[skirts.neighbour_bins] / floor[skirts.neighbour_bins]).max(axis=2)
    neighbour_carrier = (next_door >= 10 ** (CARRIER_MIN_DB / 10)) & (
        next_door >= 10 ** (CARRIER_PEAK_DB / 10) * skirt
    )
    skirt_db = np.where(
        skirts.valid & ~neighbour_carrier.any(axis=1), _db(skirt.min(axis=1)), np.nan
    )

    # float32 as the spectra hold them: ample for dB steps and power shares, and half the time
    power = np.maximum(spectra.channel_power, np.float32(1e-30))
    # channels along rows: each channel's frames contiguous for the diff and the median (power
    # is clipped already: no _db)
    level_db = np.log10(power.T, order="C")
    level_db *= 10.0
    jitter_db = _row_medians(np.abs(np.diff(level_db, axis=1))).astype(np.float64)
    rate, corr, span, jump, ridge_extent = _ridge(spectra, plan, floor, step_s)
    nan = np.full(len(plan), np.nan)
    return ChannelFeatures(
        snr_db=snr_db,
        sideband_db=sideband_db,
        carrier_db=carrier_db,
        carrier_excess_db=carrier_excess_db,
        carrier_peak_db=carrier_peak_db,
        carrier_offset_hz=offset_hz,
        carriers=count,
        flatness=flatness,
        sk=sk,
        occupied_bw_hz=occupied_bw_hz,
        symmetry=symmetry,
        tilt_db=tilt_db,
        lines=line_bins.sum(axis=1).astype(np.float64),
        jitter_db=jitter_db,
        periodicity=_periodicity(power, plan.bin_hz),
        sweep_rate_hz_s=rate,
        sweep_corr=corr,
        sweep_span_hz=span,
        sweep_jump_hz=jump,
        cp_score=nan,
        plateau_low_db=_db(_row_medians(low) / _row_medians(side_noise[:, :half])),
        plateau_high_db=_db(_row_medians(high) / _row_medians(side_noise[:, half:])),
        flatness_low=_flatness(low, side_log[:, :half]) / null,
        flatness_high=_flatness(high, side_log[:, half:]) / null,
        sideband_peak_db=_db((side / side_noise).max(axis=1)),
        line_share=np.where(has_carrier, line_share, 0.0),
        skirt_db=skirt_db,
        persistent_carriers=np.zeros(len(plan)),
        persistent_lines=np.zeros(len(plan)),
        sweep_age_s=np.full(len(plan), np.inf),
        sweep_hold_s=np.zeros(len(plan)),
        stationarity=nan.copy(),
        carrier_lines_hz=lines_hz,
        profile_db=_db(side_excess + 0.1 * side_noise),
        ridge_extent_hz=ridge_extent,
        line_bins=line_bins,
    )


def _row_medians(values: npt.NDArray[Float]) -> npt.NDArray[Float]:
    """Median of each row, as ``np.median(values, axis=1)`` gives it (NaN in a row: NaN).

    One sort of all rows: numpy sorts short float rows with SIMD, several times faster than the
    partition ``np.median`` runs row by row.
    """
    ordered = np.sort(values, axis=1)
    n = ordered.shape[1]
    middle = ordered[:, n // 2] if n % 2 else 0.5 * (ordered[:, n // 2 - 1] + ordered[:, n // 2])
    return np.where(np.isnan(ordered[:, -1]), np.nan, middle)


def _periodicity(power: npt.NDArray[np.float32], frame_rate_hz: float) -> Array:
    """Share of each column's fluctuation in its strongest 3-bin line at >= 20 Hz.

    ``power`` has shape ``(M, C)``: one value per frame (the frame rate is the bin width).
    """
    fluctuation = power - power.mean(axis=0)
    frames = power.shape[0]
    if frames <= DFT_MAX_FRAMES:
        parts = _dft_parts(frames) @ fluctuation  # real parts over imaginary parts
        parts *= parts
        spectrum = parts[: frames // 2 + 1] + parts[frames // 2 + 1 :]
    else:
        coeffs = sp_fft.rfft(fluctuation, axis=0)  # float32 in, complex64 out
        spectrum = coeffs.real**2 + coeffs.imag**2
    total = spectrum[1:].sum(axis=0)
    lines = spectrum[:-2] + spectrum[1:-1] + spectrum[2:]  # centred on bins 1 .. n-2
    freqs_hz = np.fft.rfftfreq(power.shape[0], d=1.0 / frame_rate_hz)[1:-1]
    strongest = lines[freqs_hz >= PERIODICITY_MIN_HZ].max(axis=0, initial=0.0)
    return np.asarray(strongest / np.maximum(total, 1e-30), dtype=np.float64)


DFT_MAX_FRAMES = 256
"""Frame-power series up to this long are transformed by one matrix product: a 1 s step at
2.4 MS/s has 146 frames (2 x 73), a length FFTs handle slowly (0.29 ms for 380 channels here,
the product 0.19 ms); longer steps, where the product's cost grows as frames squared, by FFT."""


@cache
def _dft_parts(frames: int) -> npt.NDArray[np.float32]:
    """The one-sided DFT of ``frames`` points as real matrices, the cosines over the sines,
    shape ``(2 * (frames // 2 + 1), frames)`` (float32: for power shares)."""
    k = np.outer(np.arange(frames // 2 + 1), np.arange(frames)) % frames
    angle = 2 * np.pi * k / frames
    return np.concatenate([np.cos(angle), np.sin(angle)]).astype(np.float32)


def _flatness(values: Array, logs: Array) -> Array:
    """Geometric over arithmetic mean along the last axis, from the values and their natural
    logs (of the values clipped at 1e-30)."""
    return np.asarray(
        np.exp(logs.mean(axis=1)) / values.mean(axis=1),
        dtype=np.float64,
    )


def _coarse_peak_hz(around: Array) -> Array:
    """Peak position, in bins from the middle of 5 bins, by parabolic interpolation in dB.

    Only the middle three bins may hold the peak; its neighbours refine it.
    """
    level = _db(around)
    col = level[:, 1:4].argmax(axis=1) + 1
    rows = np.arange(around.shape[0])
    left, mid, right = level[rows, col - 1], level[rows, col], level[rows, col + 1]
    curvature = left - 2 * mid + right
    delta = np.where(curvature < 0, 0.5 * (left - right) / np.where(curvature < 0, curvature, 1), 0)
    return np.asarray(col - 2 + np.clip(delta, -0.5, 0.5), dtype=np.float64)


def _fine_carriers(
    series: npt.NDArray[np.complex64], raster_offset_hz: Array, step_s: float, coarse_hz: Array
) -> tuple[Array, Array, Array]:
    """Offset of the strongest fine line from the raster and the number of carriers, per
    channel, and the offsets from the raster of up to :data:`FINE_LINES_KEPT` carriers,
    strongest first, shape ``(C, FINE_LINES_KEPT)`` (NaN where there are fewer).

    The raster bin's value, frame after frame, is the signal within about half a bin of the
    bin centre sampled at the frame rate; its spectrum over the step resolves lines about
    ``1 / step_s`` Hz apart (a few Hz), as co-channel carriers need (domain.md 4.5).
    """
    m, chans = series.shape
    if chans == 0:
        return np.zeros(0), np.zeros(0), np.zeros((0, FINE_LINES_KEPT))
    window = np.hanning(m + 2)[1:-1].astype(np.float32)
    size = ZOOM_PAD * (1 << (m - 1).bit_length())
    # channels along rows: each channel's fine spectrum is contiguous for every step below
    zoom = np.fft.fftshift(sp_fft.fft(series.T * window, n=size, axis=1), axes=1)
    power = zoom.real**2 + zoom.imag**2
    frame_rate_hz = m / step_s
    freqs = (np.arange(size) - size // 2) * frame_rate_hz / size
    peak = power.argmax(axis=1)
    strongest = power[np.arange(chans), peak]
    fine_hz = freqs[peak]
    fine_hz = fine_hz + frame_rate_hz * np.rint((coarse_hz - fine_hz) / frame_rate_hz)
    offset_hz = fine_hz - raster_offset_hz
    # loud local maxima, then (only there) the test of their mirror images about the peak
    inner = power[:, 1:-1]
    loud = (inner > power[:, :-2]) & (inner >= power[:, 2:])
    loud &= inner >= (10 ** (-MULTIPLICITY_RANGE_DB / 10) * strongest)[:, None]
    rows, cols = np.nonzero(loud)
    cols += 1
    value = power[rows, cols]
    mirror_cols = np.clip(2 * peak[rows] - cols, 0, size - 1)
    mirror = power[rows, mirror_cols]
    weak = 10 ** (-MIRROR_BELOW_DB / 10) * strongest[rows]
    tolerance = 10 ** (MIRROR_TOLERANCE_DB / 10)
    sideband = (
        (value <= tolerance * mirror)
        & (mirror <= tolerance * value)
        & (mirror_cols != peak[rows])
        & (value <= weak)
        & (mirror <= weak)
    )
    rows, cols, value = rows[~sideband], cols[~sideband], value[~sideband]
    count = np.bincount(rows, minlength=chans).astype(np.float64)
    # strongest first within each channel: rank of each line among its channel's lines
    order = np.lexsort((-value, rows))
    rows, cols = rows[order], cols[order]
    rank = np.arange(rows.size) - np.searchsorted(rows, rows)
    first = rank < FINE_LINES_KEPT
    lines_hz = np.full((chans, FINE_LINES_KEPT), np.nan)
    lines_hz[rows[first], rank[first]] = (
        offset_hz[rows[first]] + freqs[cols[first]] - freqs[peak[rows[first]]]
    )
    return np.asarray(offset_hz, dtype=np.float64), count, lines_hz


def _occupied_bandwidth(excess: Array, bin_hz: float, beta: float = 0.01) -> Array:
    """Width between the ``beta / 2`` and ``1 - beta / 2`` points of the cumulative power."""
    total = excess.sum(axis=1, keepdims=True)
    cumulative = np.cumsum(excess, axis=1) / np.maximum(total, 1e-30)
    low = (cumulative < beta / 2).sum(axis=1)
    high = (cumulative < 1 - beta / 2).sum(axis=1)
    width = (high - low + 1) * bin_hz
    return np.where(total[:, 0] > 0, width, 0.0).astype(np.float64)


def _steady_lines(
    side: Array, side_noise: Array, side_sk: Array, side_median: Array
) -> npt.NDArray[np.bool_]:
    """Local maxima of the sidebands standing clear of the plateau and steady in time, per
    sideband bin (the outermost bins of each row are never lines)."""
    middle = side[:, 1:-1]
    peak = (middle > side[:, :-2]) & (middle >= side[:, 2:])
    level = 10 ** (LINE_MIN_DB / 10)
    tall = (middle >= level * side_median[:, None]) & (middle >= level * side_noise[:, 1:-1])
    steady = side_sk[:, 1:-1] < LINE_MAX_SK
    return np.pad(peak & tall & steady, ((0, 0), (1, 1)))


def _ridge(
    spectra: StepSpectra, plan: ChannelPlan, floor: Array, step_s: float
) -> tuple[Array, Array, Array, Array, Array]:
    """Least-squares line through the per-frame peak bins (ridge tracking, domain.md 4.9).

    Frames count where their peak is prominent and away from the carrier bins, so a steady
    carrier never forms a ridge; a swept tone gives a high correlation and a large slope. The
    line is fitted to the whole step and to each half of it, and the best fit (highest
    ``|corr|``) is kept: a triangle sweep turning inside the channel, or a sawtooth starting
    over, draws a V or a jump across the step but a straight line in one of its halves. Only
    channels with a prominent peak are fitted (most have none), from the weighted moments of
    each half (the whole step's are their sums).

    Returns rate, corr, span and jump of the kept fit, and the lowest and highest prominent
    peak over the whole step as offsets from the raster in Hz, shape ``(C, 2)`` (NaN where none).
    """
    cols = spectra.ridge_col
    m, chans = cols.shape
    peak_floor = 2 * floor[plan.channel_bins[:, 0] + cols]  # frame pairs; a channel's bins run on
    prominent = spectra.ridge_power >= 10 ** (RIDGE_MIN_DB / 10) * peak_floor
    prominent &= np.abs(cols - plan.carrier_col) > CARRIER_GUARD_BINS
    rate, corr, span, jump = (np.zeros(chans) for _ in range(4))
    extent = np.full((chans, 2), np.nan)
    seen = np.flatnonzero(prominent.any(axis=0))
    if not seen.size:
        return rate, corr, span, jump, extent
    on = prominent[:, seen]
    t = np.arange(m, dtype=np.float64)[:, None] * (step_s / m)
    f = (cols[:, seen] - plan.carrier_col).astype(np.float64) * plan.bin_hz  # from the raster
    half = m // 2
    parts = [_Moments.of(t[:half], f[:half], on[:half]), _Moments.of(t[half:], f[half:], on[half:])]
    whole = parts[0] + parts[1]
    fits = [fit.line() for fit in (whole, *parts)]
    best = np.argmax(np.abs(np.stack([fit[1] for fit in fits])), axis=0)
    rate[seen], corr[seen], span[seen] = (
        np.choose(best, [fit[k] for fit in fits]) for k in range(3)
    )
    lined = np.flatnonzero(np.abs(corr[seen]) >= RIDGE_JUMP_CORR_MIN)
    if lined.size:
        frames = [slice(0, m), slice(0, half), slice(half, m)]
        for choice, rows in enumerate(frames):
            which = lined[best[lined] == choice]
            if which.size:
                jump[seen[which]] = _largest_jump(f[rows, which], on[rows, which])
    extent[seen] = np.stack([whole.low, whole.high], axis=1)
    return rate, corr, span, jump, extent


@dataclass(frozen=True, slots=True)
class _Moments:
    """Weighted moments of the prominent ridge points of some frames, per channel."""

    n: Array
    t: Array
    f: Array
    tt: Array
    ff: Array
    tf: Array
    low: Array
    high: Array

    @classmethod
    def of(cls, t: Array, f: Array, on: npt.NDArray[np.bool_]) -> _Moments:
        """Moments of the points ``f`` (frames x channels, Hz) at ``t`` (frames x 1, s) where
        ``on``."""
        w = on.astype(np.float64)
        wt, wf = w * t, w * f
        return cls(
            n=w.sum(axis=0),
            t=wt.sum(axis=0),
            f=wf.sum(axis=0),
            tt=(wt * t).sum(axis=0),
            ff=(wf * f).sum(axis=0),
            tf=(wt * f).sum(axis=0),
            low=np.where(on, f, np.inf).min(axis=0, initial=np.inf),
            high=np.where(on, f, -np.inf).max(axis=0, initial=-np.inf),
        )

    def __add__(self, other: _Moments) -> _Moments:
        return _Moments(
            self.n + other.n,
            self.t + other.t,
            self.f + other.f,
            self.tt + other.tt,
            self.ff + other.ff,
            self.tf + other.tf,
            np.minimum(self.low, other.low),
            np.maximum(self.high, other.high),
        )

    def line(self) -> tuple[Array, Array, Array]:
        """Rate (Hz/s), correlation and span (Hz) of the least-squares line; 0 where fewer
        than 6 points or no spread."""
        safe = np.maximum(self.n, 1.0)
        var_t = self.tt - self.t * self.t / safe
        var_f = self.ff - self.f * self.f / safe
        cov = self.tf - self.t * self.f / safe
        enough = (self.n >= 6) & (var_t > 0) & (var_f > 0)
        rate = np.where(enough, cov / np.where(enough, var_t, 1.0), 0.0)
        corr = np.where(enough, cov / np.sqrt(np.where(enough, var_t * var_f, 1.0)), 0.0)
        span = np.where(self.n > 0, self.high - self.low, 0.0)
        return rate, corr, span


def _largest_jump(f: Array, prominent: npt.NDArray[np.bool_]) -> Array:
    """Largest |change| of ``f`` (frames x channels, Hz) between consecutive prominent frames."""
    frames = np.arange(f.shape[0])[:, None]
    last = np.maximum.accumulate(np.where(prominent, frames, -1), axis=0)
    before = np.r_[np.full((1, f.shape[1]), -1), last[:-1]]
    pairs = prominent & (before >= 0)
    previous = np.take_along_axis(f, np.maximum(before, 0), axis=0)
    return np.asarray(np.where(pairs, np.abs(f - previous), 0.0).max(axis=0), dtype=np.float64)
