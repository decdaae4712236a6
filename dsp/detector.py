"""The detector of one tuning: samples in, one verdict per channel per step out (streaming).

Pipeline per step: :class:`~dsp.spectrum.StepSpectrometer` -> FCME noise floor per 100 kHz block
(:mod:`dsp.floor`) -> :func:`~dsp.features.compute_features` -> cyclic-prefix test of the
carrier-less occupied channels (:mod:`dsp.drm`) -> :func:`~dsp.classify.classify`.
A step is a whole number of FFT frames, as close to the requested step as possible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from dsp.classify import (
    CARRIER_STEPS,
    Verdicts,
    classify,
    drm_candidates,
    ridge_moving,
    ridge_seen,
)
from dsp.drm import cp_scores, extract_baseband
from dsp.features import FINE_LINES_KEPT, ChannelFeatures, compute_features
from dsp.floor import fcme_floor, floor_per_bin
from dsp.plan import CHANNEL_HALF_WIDTH_HZ, ChannelPlan
from dsp.spectrum import StepSpectra, StepSpectrometer
from dsp.vocabulary import CHANNEL_RASTER_HZ


@dataclass(frozen=True, slots=True)
class StepResult:
    """The outcome of one step.

    Attributes
    ----------
    index
        Step number since the detector was created or last :meth:`Detector.discard` ed.
    verdicts
        Decisions per channel.
    features
        The measurements behind them; ``None`` for a step not judged (flagged samples).
    floor_db
        Median noise floor over the usable bins, in dB of full-scale power per bin (NaN if not
        judged).
    """

    index: int
    verdicts: Verdicts
    features: ChannelFeatures | None
    floor_db: float


CARRIER_REPEAT_HZ = 0.75
"""A carrier counts as the same as one of an earlier step when this close: three bins of the
zero-padded fine spectrum of a 1 s step. A transmitter's carrier stays within a bin, but two
co-channel carriers about 1 Hz apart (a jammer tuned next to its target) or slow multipath (F.1487
MM/MQ) move the fine maximum by up to 0.7 Hz (round-2 tune scenes); the speckle maxima of a
Doppler-spread carrier land this close again only by chance (0.5 Hz missed most programme
jamming of the round-2 scenes, 1 Hz doubled the false alarms on fast-fading AM)."""

CARRIER_APART_HZ = 4.0
"""Other carriers count only this far from the strongest: closer maxima are the skirt of a
Doppler-spread or keyed carrier at the ~1 Hz resolution of a step."""

CLIPPED_FRACTION = 1e-3
"""Share of I/Q components at full scale from which a step counts as overloaded (an 8-bit
ADC clips at codes 0 and 255; a lightning crash clipping a few milliseconds does not count)."""

DEFAULT_SWEEP_PERIOD_S = 5.0
"""Assumed sweep period until two ridge crossings of a channel have been seen."""

SWEEP_PERIOD_RANGE_S = (1.0, 30.0)
"""Sweep periods believed (the 1-60 s of domain.md 1.8, capped to bound the hold)."""

SWEEP_NEIGHBOURS = 4
SWEEP_ACTIVE_STEPS = 0
"""A sweep is still on while a ridge was seen within this many steps (0: in this very step) on
a channel up to ``SWEEP_NEIGHBOURS`` channels (20 kHz) away: a sweeper crosses a channel or two
in every step, so a step without a ridge nearby means it stopped (one step of grace held every
swept channel a step too long after the sweeper stopped)."""

SWEEP_HOLD_FACTOR = 1.3
"""A swept channel stays jammed this many periods after its last crossing."""


class Detector:
    """Streaming jamming detector for one tuning.

    Parameters
    ----------
    center_hz, sample_rate_hz
        The tuning.
    step_s
        Requested decision interval in seconds (the real one is :attr:`step_duration_s`).
    dc_guard_hz
        Half-width of the DC spike region to keep channels away from (0 for no spike).

    Examples
    --------
    >>> det = Detector(6_000_000, 250_000, step_s=1.0)
    >>> len(det.plan), det.step_samples, round(det.step_duration_s, 4)
    (39, 249856, 0.9994)
    """

    def __init__(
        self, center_hz: float, sample_rate_hz: float, step_s: float = 1.0, dc_guard_hz: float = 0.0
    ) -> None:
        if not step_s > 0:
            raise ValueError(f"step_s must be positive, got {step_s}")
        self.plan = ChannelPlan.for_tuning(center_hz, sample_rate_hz, dc_guard_hz=dc_guard_hz)
        frames = max(2, round(step_s * sample_rate_hz / self.plan.nfft))
        self._spectrometer = StepSpectrometer(self.plan, frames)
        self._pieces: list[npt.NDArray[np.complex64]] = []
        self._filled = 0
        self._tainted = False
        self._clipped = 0
        self._steps = 0
        self._floor_observable = self.plan.floor_blocks.size >= 2 * self.plan.channel_bins.shape[1]
        channels = len(self.plan)
        self._lines = [np.full((channels, FINE_LINES_KEPT), np.nan)] * (CARRIER_STEPS - 1)
        sideband_bins = self.plan.sideband_cols.size
        self._line_bins = [np.zeros((channels, sideband_bins), dtype=bool)] * (CARRIER_STEPS - 1)
        self._ridge = np.zeros(channels, dtype=bool)
        self._ridge_last = np.full(channels, -np.inf)
        self._ridge_run_start = np.full(channels, -np.inf)
        self._sweep_period_s = np.full(channels, DEFAULT_SWEEP_PERIOD_S)
        self._profile: npt.NDArray[np.float64] | None = None

    @property
    def step_samples(self) -> int:
        """Samples per step."""
        return self._spectrometer.step_samples

    @property
    def step_duration_s(self) -> float:
        """Duration of a step in seconds."""
        return self.step_samples / self.plan.sample_rate_hz

    @property
    def pending_samples(self) -> int:
        """Samples held towards the next step."""
        return self._filled

    def push(
        self, samples: npt.NDArray[np.complex64], *, flagged: bool = False
    ) -> list[StepResult]:
        """Add consecutive samples; return the steps they completed.

        ``flagged`` marks samples taken while the receiver was faulty: every step containing
        any of them is ``unknown``, and so is every step in which at least
        :data:`CLIPPED_FRACTION` of the I/Q components sit at full scale (+-1: an overloaded ADC).

        ``samples`` (contiguous) are transformed as they come and not copied: the detector keeps
        a reference to them until their step is judged (for the DRM test), so they must not
        change until then (:class:`~monitor.iq.IQBlock` samples are read-only).
        """
        results: list[StepResult] = []
        step = self.step_samples
        pos = 0
        while pos < samples.size:
            take = min(samples.size - pos, step - self._filled)
            chunk = samples[pos : pos + take]
            parts = chunk.view(np.float32)
            if parts.size and (parts.max() >= 1.0 or parts.min() <= -1.0):
                self._clipped += int(np.count_nonzero(np.abs(parts) >= 1.0))
            self._tainted |= flagged
            if not self._tainted:  # a step already unknown needs no spectra
                self._spectrometer.feed(chunk)
                self._pieces.append(chunk)
            self._filled += take
            pos += take
            if self._filled == step:
                results.append(self._finish_step())
        return results

    def discard(self) -> None:
        """Drop the partial step (before a gap in the samples)."""
        self._filled = 0
        self._tainted = False
        self._clipped = 0
        self._pieces = []
        self._spectrometer.reset()

    def _finish_step(self) -> StepResult:
        index = self._steps
        self._steps += 1
        tainted = self._tainted or self._clipped >= CLIPPED_FRACTION * 2 * self.step_samples
        if tainted:
            self.discard()
            return StepResult(index, Verdicts.unknown(len(self.plan)), None, float("nan"))
        spectra = self._spectrometer.finish()
        pieces = self._pieces
        self.discard()
        return StepResult(index, *self._judge(spectra, pieces))

    def _judge(
        self, spectra: StepSpectra, pieces: list[npt.NDArray[np.complex64]]
    ) -> tuple[Verdicts, ChannelFeatures, float]:
        """Verdicts, features and floor (dB) of a step from its spectra and its samples (in
        ``pieces``, joined only when a channel needs the DRM test)."""
        plan = self.plan
        block_floor = fcme_floor(spectra.psd, plan.floor_blocks, spectra.frames)
        floor = floor_per_bin(block_floor, plan.floor_blocks, plan.nfft)
        features = compute_features(spectra, plan, floor, self.step_duration_s)
        candidates = np.flatnonzero(drm_candidates(features, self._floor_observable))
        if candidates.size:
            offsets = plan.frequencies_hz[candidates] - plan.center_hz
            samples = np.concatenate(pieces)
            base, rate = extract_baseband(samples, plan.sample_rate_hz, offsets.astype(float))
            features.cp_score[candidates] = cp_scores(base, rate)
        self._remember(features)
        floor_db = float(10 * np.log10(np.median(block_floor)))
        return classify(features, plan.frequencies_hz), features, floor_db

    def _swept(
        self, features: ChannelFeatures, held: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.bool_]:
        """Channels a sweep crossed in this step: where a ridge was seen, and the raster
        neighbours that a sweep's ridge reaches into, from a channel where it was seen or where
        a sweep is ``held`` and the ridge moves on (a sweep's span ending 0.5-4.5 kHz inside a
        channel crosses it too briefly, or turns in it, for a line of its own)."""
        ridge = ridge_seen(features)
        source = ridge | (held & ridge_moving(features))
        extent = np.where(source[:, None], features.ridge_extent_hz, np.nan)
        reach_hz = CHANNEL_RASTER_HZ - CHANNEL_HALF_WIDTH_HZ
        next_door = np.diff(self.plan.frequencies_hz) == CHANNEL_RASTER_HZ
        reached = ridge.copy()
        reached[1:] |= next_door & (extent[:-1, 1] >= reach_hz)
        reached[:-1] |= next_door & (extent[1:, 0] <= -reach_hz)
        return reached

    def _remember(self, features: ChannelFeatures) -> None:
        """Fill the features that compare with earlier steps, and update that memory.

        Stationarity: correlation of the sideband spectrum with the previous step's. Carriers:
        co-channel jammers stay on their frequencies for :data:`CARRIER_STEPS` steps and more,
        the maxima of a Doppler-spread carrier wander. Sweep: a ridge crosses a channel once per
        period, and the channel stays jammed in between; the period is measured between the
        starts of successive crossings.
        """
        now = self._steps * self.step_duration_s
        if self._profile is not None:
            a = features.profile_db - features.profile_db.mean(axis=1, keepdims=True)
            b = self._profile - self._profile.mean(axis=1, keepdims=True)
            norm = np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))
            features.stationarity[:] = (a * b).sum(axis=1) / np.maximum(norm, 1e-30)
        self._profile = features.profile_db
        lines = features.carrier_lines_hz
        apart = np.abs(lines - lines[:, :1]) >= CARRIER_APART_HZ  # not the strongest's skirt
        apart[:, 0] = True
        for before in self._lines:
            apart &= (np.abs(lines[:, :, None] - before[:, None, :]) <= CARRIER_REPEAT_HZ).any(2)
        features.persistent_carriers[:] = apart.sum(axis=1)
        self._lines = [*self._lines[1:], lines.copy()]
        steady = features.line_bins
        for near in self._line_bins:  # earlier steps' lines, widened by a bin either side
            steady = steady & near
        features.persistent_lines[:] = steady.sum(axis=1)
        widened = features.line_bins.copy()
        widened[:, 1:] |= features.line_bins[:, :-1]
        widened[:, :-1] |= features.line_bins[:, 1:]
        self._line_bins = [*self._line_bins[1:], widened]
        held = now - self._ridge_last <= SWEEP_HOLD_FACTOR * self._sweep_period_s
        ridge = self._swept(features, held)
        starts = ridge & ~self._ridge
        seen_before = starts & np.isfinite(self._ridge_run_start)
        self._sweep_period_s[seen_before] = np.clip(
            now - self._ridge_run_start[seen_before], *SWEEP_PERIOD_RANGE_S
        )
        self._ridge_run_start[starts] = now
        self._ridge_last[ridge] = now
        self._ridge = ridge
        age = now - self._ridge_last
        # the hold lasts while the sweep is still seen somewhere near: a stopped sweeper
        # releases its channels within a few steps instead of a whole period
        padded = np.pad(age, SWEEP_NEIGHBOURS, constant_values=np.inf)
        nearby = sliding_window_view(padded, 2 * SWEEP_NEIGHBOURS + 1).min(axis=1)
        active = nearby <= SWEEP_ACTIVE_STEPS * self.step_duration_s
        features.sweep_age_s[:] = np.where(active | ridge, age, np.inf)
        features.sweep_hold_s[:] = SWEEP_HOLD_FACTOR * self._sweep_period_s
