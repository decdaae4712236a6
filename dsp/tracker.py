"""Hysteresis from per-step verdicts to :class:`~dsp.vocabulary.Segment` s, per channel.

A new state must hold for ``confirm[state]`` consecutive steps before it replaces the current
one; shorter runs (an impulse, a fade, one odd step) are absorbed into the surrounding segment.
After ``jammed``, any run of ``signal`` and ``empty`` steps counts (a jammer that stops often
leaves its target fading in and out), and the run takes the state of its latest step.
When a state is confirmed its segment is back-dated to the first step of the run, so onsets and
ends are placed to within one step while flicker is suppressed; a jamming run whose first
verdict rests on a comparison with earlier steps starts at those steps (:func:`onset_lookback`).
``unknown`` is confirmed at once, and so is whatever follows it: a faulty receiver is a fact,
not an opinion. All per-step work is
vectorised over channels; only channels whose state changes are visited one by one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime

import numpy as np
import numpy.typing as npt

from dsp.classify import RULES, Verdicts
from dsp.features import FEATURE_NAMES
from dsp.vocabulary import JAMMER_TYPES, STATES, Segment, State

DEFAULT_CONFIRM_STEPS: Mapping[State, int] = {"empty": 2, "signal": 2, "jammed": 2, "unknown": 1}
"""Steps a new state must last to be believed (1 s steps: onsets still placed to the step)."""

MAX_LOOKBACK_STEPS = max(rule.lookback for rule in RULES)
"""The most steps a jamming onset can move back by (:func:`onset_lookback`)."""

JAMMED = STATES.index("jammed")
UNKNOWN = STATES.index("unknown")

METRIC_DIGITS = 3
"""Decimals kept of a segment's feature medians."""


def python_round(values: npt.NDArray[np.float64], digits: int) -> npt.NDArray[np.float64]:
    """``round(v, digits)`` of every value, as Python rounds a float, without a call per value.

    ``np.round`` scales, rounds and scales back, which gives Python's (correctly rounded) result
    except where the scaled value lies within its rounding error of a half: those few, and huge
    values, are rounded by Python. Non-finite values are kept. Python's ``round`` of each
    feature median had cost more than the tracker's steps over a 20 s recording.

    >>> python_round(np.array([2.675, 0.0005, 1.0005, -0.25, np.nan]), 2).tolist()
    [2.67, 0.0, 1.0, -0.25, nan]
    """
    scale = 10.0**digits
    scaled = values * scale
    out = np.round(scaled) / scale
    halfway = np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) <= 1e-9 * np.abs(scaled)
    awkward = np.isfinite(values) & (halfway | (np.abs(scaled) >= 2.0**52))
    out[awkward] = [round(v, digits) for v in values[awkward].tolist()]
    return np.where(np.isfinite(values), out, values)


def onset_lookback(
    lookback: npt.NDArray[np.int8], history: Sequence[npt.NDArray[np.int8]]
) -> npt.NDArray[np.int64]:
    """Steps to move the onset of a jamming run back from its first step, per channel.

    The rule behind the run's first ``jammed`` verdict may have compared the step with the
    ``lookback`` steps before it (two steady co-channel carriers found in the previous steps, a
    sideband spectrum repeating the previous one): the jammer was there in those steps too, and
    a jammer switched on at a step boundary is then found from that very step. The onset moves
    back one step if that step was judged and not jammed and the step before it was judged too;
    further back only through an unbroken run of one judged state, the step before it included.
    Either way the segment it cuts into keeps a step of its own, which the evidence recorder's
    onset watch (the other caller, which does not keep the tracker's segments) relies on: a
    segment confirmed at once (after an ``unknown`` step, or a tuning's first) starts at its
    first step, any other needed two steps of its run, and a run of one state holds no
    segment start but its first step.

    Parameters
    ----------
    lookback
        The verdicts' :attr:`~dsp.classify.Verdicts.lookback` of the run's first step.
    history
        Raw states of the steps before it, oldest first (at least :data:`MAX_LOOKBACK_STEPS` + 1
        are looked at; fewer at the start of a tuning).

    Examples
    --------
    >>> signal = np.array([1], dtype=np.int8)
    >>> int(onset_lookback(np.array([1], dtype=np.int8), [signal, signal])[0])
    1
    >>> int(onset_lookback(np.array([1], dtype=np.int8), [signal])[0])  # the tuning's first
    0
    >>> empty = np.array([0], dtype=np.int8)
    >>> int(onset_lookback(np.array([2], dtype=np.int8), [signal, signal, signal])[0])
    2
    >>> int(onset_lookback(np.array([2], dtype=np.int8), [signal, empty, signal])[0])
    1
    """
    back = np.zeros(lookback.shape, dtype=np.int64)
    open_ = np.ones(lookback.shape, dtype=bool)
    for n in range(1, MAX_LOOKBACK_STEPS + 1):
        if len(history) < n + 1:
            break
        step, before = history[-n], history[-n - 1]
        if n == 1:
            open_ &= (step != JAMMED) & (step != UNKNOWN) & (before != UNKNOWN)
        else:
            open_ &= (step == history[-1]) & (before == history[-1])
        back[open_ & (lookback >= n)] = n
    return back


RESERVOIR = 128
"""Steps of features kept per channel for a segment's medians; longer segments keep every
second, fourth, ... step (an even thinning, so the median stays representative)."""


class _Accumulator:
    """Running figures of one open run per channel: confidence, votes, feature reservoir."""

    def __init__(self, channels: int, names: int) -> None:
        self.count = np.zeros(channels, dtype=np.int64)
        self.confidence = np.zeros(channels)
        self.votes = np.zeros((channels, len(JAMMER_TYPES)), dtype=np.int64)
        self.rules = np.zeros((channels, len(RULES)), dtype=np.int64)
        self.values = np.zeros((channels, RESERVOIR, names), dtype=np.float32)
        self.filled = np.zeros(channels, dtype=np.int64)
        self.stride = np.ones(channels, dtype=np.int64)

    def reset(self, mask: npt.NDArray[np.bool_]) -> None:
        self.count[mask] = 0
        self.confidence[mask] = 0.0
        self.votes[mask] = 0
        self.rules[mask] = 0
        self.filled[mask] = 0
        self.stride[mask] = 1

    def add(
        self, mask: npt.NDArray[np.bool_], verdicts: Verdicts, values: npt.NDArray[np.float64]
    ) -> None:
        idx = np.flatnonzero(mask)
        self.confidence[idx] += verdicts.confidence[idx]
        jammed = idx[verdicts.jammer[idx] >= 0]
        self.votes[jammed, verdicts.jammer[jammed]] += 1
        self.rules[idx, verdicts.rule[idx]] += 1
        sample = idx[self.count[idx] % self.stride[idx] == 0]
        self.values[sample, self.filled[sample]] = values[sample]
        self.filled[sample] += 1
        self.count[idx] += 1
        for ch in np.flatnonzero(self.filled == RESERVOIR):
            self.values[ch, : RESERVOIR // 2] = self.values[ch, ::2]
            self.filled[ch] = RESERVOIR // 2
            self.stride[ch] *= 2

    def take(self, other: _Accumulator, mask: npt.NDArray[np.bool_]) -> None:
        """Replace this run's figures by ``other``'s where ``mask``."""
        for name in ("count", "confidence", "votes", "rules", "values", "filled", "stride"):
            getattr(self, name)[mask] = getattr(other, name)[mask]

    def medians(self, channels: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
        """Median of each value over the kept steps of each of ``channels``, ignoring NaN.

        Returns shape ``(len(channels), names)``; NaN where a value was never finite. All the
        channels are sorted in one call, in float32 (the order of their float64 values): steps
        not kept are NaN, which sorts last.
        """
        filled = self.filled[channels]
        if not filled.any():
            return np.full((channels.size, self.values.shape[2]), np.nan)
        kept = self.values[channels, : int(filled.max())]
        kept[np.arange(kept.shape[1]) >= filled[:, None]] = np.nan
        kept.sort(axis=1)
        finite = np.isfinite(kept).sum(axis=1, keepdims=True)
        low = np.take_along_axis(kept, (finite - 1) // 2, axis=1).astype(np.float64)
        high = np.take_along_axis(kept, finite // 2, axis=1).astype(np.float64)
        return np.where(finite > 0, 0.5 * (low + high), np.nan)[:, 0]


class Tracker:
    """Turns a stream of step verdicts for one tuning into segments.

    Parameters
    ----------
    frequencies_hz
        The channels, in the order of the verdict arrays.
    confirm_steps
        Steps each state must last before it is believed.
    """

    def __init__(
        self,
        frequencies_hz: npt.NDArray[np.int64],
        confirm_steps: Mapping[State, int] = DEFAULT_CONFIRM_STEPS,
    ) -> None:
        self.frequencies_hz = frequencies_hz
        self._confirm = np.array([confirm_steps[s] for s in STATES], dtype=np.int64)
        self._reset()

    def _reset(self) -> None:
        """Forget every open run (the next step starts new segments)."""
        channels = self.frequencies_hz.size
        self._times: list[datetime] = []
        self._state = np.full(channels, -1, dtype=np.int8)
        self._start = np.zeros(channels, dtype=np.int64)
        self._pending = np.full(channels, -1, dtype=np.int8)
        self._pending_start = np.zeros(channels, dtype=np.int64)
        self._run = _Accumulator(channels, len(FEATURE_NAMES))
        self._pending_run = _Accumulator(channels, len(FEATURE_NAMES))
        self._end: datetime | None = None
        self._history: list[npt.NDArray[np.int8]] = []

    def update(
        self,
        start: datetime,
        end: datetime,
        verdicts: Verdicts,
        features: npt.NDArray[np.float64] | None,
    ) -> list[Segment]:
        """Add one step ``[start, end)``; return the segments this step closed.

        ``features`` is :meth:`ChannelFeatures.matrix` of the step (None when not judged).

        A step that does not begin where the previous one ended closes every segment at the
        previous end first (the gap is not covered: it was not observed).
        """
        closed: list[Segment] = []
        if self._end is not None and start != self._end:
            closed = self.finish()
        step = len(self._times)
        self._times.append(start)
        self._end = end
        state = verdicts.state
        fresh = self._state < 0
        self._state[fresh] = state[fresh]
        self._start[fresh] = step

        values = (
            features if features is not None else np.full((state.size, len(FEATURE_NAMES)), np.nan)
        )
        same = state == self._state
        self._pending[same] = -1
        self._pending_run.reset(same)
        self._run.add(same, verdicts, values)

        other = ~same
        jammed, unknown = STATES.index("jammed"), STATES.index("unknown")
        clear = (state != jammed) & (state != unknown)
        # leaving a jamming window, signal and empty steps count together: the window ends
        # where the jammer went, whatever the channel shows after it
        leaving = (self._state == jammed) & clear & (self._pending >= 0) & (self._pending != jammed)
        leaving &= self._pending != unknown
        restart = other & (state != self._pending) & ~leaving
        self._pending[other] = state[other]
        self._pending_start[restart] = step
        starts_jamming = restart & (state == jammed)
        if starts_jamming.any():
            back = onset_lookback(verdicts.lookback, self._history)
            self._pending_start[starts_jamming] -= back[starts_jamming]
        self._history = [*self._history[-MAX_LOOKBACK_STEPS:], state.copy()]
        self._pending_run.reset(restart)
        self._pending_run.add(other, verdicts, values)

        after_unknown = self._state == unknown
        confirmed = other & ((self._pending_run.count >= self._confirm[state]) | after_unknown)
        closed += self._segments(
            np.flatnonzero(confirmed), [self._times[i] for i in self._pending_start[confirmed]]
        )
        self._state[confirmed] = self._pending[confirmed]
        self._start[confirmed] = self._pending_start[confirmed]
        self._run.take(self._pending_run, confirmed)
        self._pending[confirmed] = -1
        self._pending_run.reset(confirmed)
        return closed

    def finish(self) -> list[Segment]:
        """Close every open segment at the end of the last step and start afresh."""
        if self._end is None:
            return []
        channels = np.arange(self.frequencies_hz.size)
        closed = self._segments(channels, [self._end] * channels.size)
        self._reset()
        return closed

    def _segments(self, channels: npt.NDArray[np.intp], ends: list[datetime]) -> list[Segment]:
        """The open segments of ``channels``, ended at ``ends`` (one per channel).

        Everything per channel is gathered as Python lists first: indexing numpy arrays one
        scalar at a time cost more than the segments themselves.
        """
        if not channels.size:
            return []
        run = self._run
        medians = python_round(run.medians(channels), METRIC_DIGITS).tolist()
        confidence = (run.confidence[channels] / np.maximum(run.count[channels], 1)).tolist()
        return [
            self._segment(frequency, start, end, STATES[state], jammer, conf, rule, values)
            for frequency, start, end, state, jammer, conf, rule, values in zip(
                self.frequencies_hz[channels].tolist(),
                self._start[channels].tolist(),
                ends,
                self._state[channels].tolist(),
                run.votes[channels].argmax(axis=1).tolist(),
                confidence,
                run.rules[channels].argmax(axis=1).tolist(),
                medians,
                strict=True,
            )
        ]

    def _segment(
        self,
        frequency_hz: int,
        start: int,
        end: datetime,
        state: State,
        jammer: int,
        confidence: float,
        rule: int,
        medians: list[float],
    ) -> Segment:
        """One open segment: its channel, first step, end, state, most voted jammer type, mean
        confidence, most used rule (indices into :data:`JAMMER_TYPES` and :data:`RULES`) and
        feature medians (rounded to :data:`METRIC_DIGITS` decimals)."""
        metrics = {
            name: v for name, v in zip(FEATURE_NAMES, medians, strict=True) if math.isfinite(v)
        }
        snr = metrics.get("snr_db") if state != "unknown" else None
        return Segment(
            frequency_hz=frequency_hz,
            start=self._times[start],
            end=end,
            state=state,
            jammer=JAMMER_TYPES[jammer] if state == "jammed" else None,
            confidence=round(confidence, 3),
            snr_db=None if snr is None else round(snr, 1),
            metrics=metrics,
            rule=RULES[rule].name,
        )
