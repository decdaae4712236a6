"""From IQ blocks to segments: the path shared by ``jamwatch analyze`` and the live receiver.

:class:`Analysis` is a streaming object: feed it :class:`~monitor.iq.IQBlock` s in order (from a
recording or a device) and it returns the :class:`~dsp.vocabulary.Segment` s as they close. It
keeps one :class:`~dsp.detector.Detector` and one :class:`~dsp.tracker.Tracker` per tuning and
handles what the receiver reports:

- a change of tuning closes every segment and starts a new channel plan;
- a gap in time (``DROPPED``/``STALLED`` flags, or a block that does not start where the last one
  ended) drops the partial step and closes every segment: the gap is not observed;
- samples taken while ``OVERLOAD`` or ``SETTLING`` make their step ``unknown`` for every channel
  (the detector itself also calls a step ``unknown`` when its samples clip).

:meth:`Analysis.finish` closes everything and forgets the tuning; :meth:`Analysis.checkpoint`
hands out the segments up to the last step boundary and carries on (a receiver that stays on one
tuning from dwell to dwell keeps its detector's memory and its tracker's hysteresis).

:func:`cover` then fills whatever was not observed with ``unknown`` so that every channel is
covered from the first sample to the last.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC as UTC_ZONE
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from dsp.detector import Detector, StepResult
from dsp.plan import flat_fraction
from dsp.tracker import Tracker
from dsp.vocabulary import Segment
from monitor.errors import RecordingError
from monitor.iq import BlockFlags, IQBlock
from monitor.recording.base import Recording

DC_SPIKE_GUARD_HZ = 500.0
"""Half-width kept clear of 0 Hz baseband for 8-bit direct-conversion receivers (RTL-SDR)."""

UNJUDGED = BlockFlags.OVERLOAD | BlockFlags.SETTLING
"""Flags whose samples are read but not judged."""

DISCONTINUOUS = BlockFlags.DROPPED | BlockFlags.STALLED
"""Flags meaning samples are missing before the block."""

TIME_TOLERANCE_S = 1e-5
"""Slack when checking that a block starts where the last ended (datetimes hold microseconds)."""

TRACKER_RESTART_S = 3600.0
"""A checkpoint restarts a tracker that has run this long (seconds of steps) since it started:
the tracker keeps a time stamp per step, so one that is never restarted grows without bound."""

MAX_BLOCK_SAMPLES = 1 << 18
"""Largest block read from a recording (2 MB of complex64)."""


def block_samples_for(step_samples: int) -> int:
    """Samples per block when analysing a recording: a quarter step, within 1024 .. 2**18.

    >>> block_samples_for(2_392_064), block_samples_for(249_856)
    (262144, 62464)
    """
    return max(1024, min(MAX_BLOCK_SAMPLES, step_samples // 4))


def dc_guard_hz(datatype: str) -> float:
    """DC-spike guard for a sample format: only 8-bit unsigned (RTL-SDR) receivers have a spike.

    >>> dc_guard_hz("cu8"), dc_guard_hz("ci16_le")
    (500.0, 0.0)
    """
    return DC_SPIKE_GUARD_HZ if datatype == "cu8" else 0.0


@dataclass
class _Tuning:
    """The detector and tracker of the current tuning, where its next step starts, how many
    steps its tracker has taken, and the boundary of the last checkpoint (segments handed out
    end there, so later ones start there)."""

    detector: Detector
    tracker: Tracker = field(repr=False)
    step_start: datetime | None = None
    tracked_steps: int = 0
    handed_out: datetime | None = None

    def after_checkpoint(self, segments: list[Segment]) -> list[Segment]:
        """The parts of ``segments`` after the last checkpoint's boundary."""
        since = self.handed_out
        if since is None:
            return segments
        return [
            replace(seg, start=since) if seg.start < since else seg
            for seg in segments
            if seg.end > since
        ]


class Analysis:
    """Streaming analysis of consecutive IQ blocks.

    Parameters
    ----------
    step_s
        Requested decision interval in seconds.
    dc_guard_hz
        DC-spike guard passed to every :class:`~dsp.detector.Detector`.
    on_step
        Called with ``(start, end, frequencies_hz, result)`` after every step (for ``--explain``
        or a live display).
    """

    def __init__(
        self,
        step_s: float = 1.0,
        dc_guard_hz: float = 0.0,
        on_step: Callable[[datetime, datetime, npt.NDArray[np.int64], StepResult], None]
        | None = None,
    ) -> None:
        self.step_s = step_s
        self.dc_guard_hz = dc_guard_hz
        self.on_step = on_step
        self.channels: set[int] = set()
        self._tuning: _Tuning | None = None
        self._key: tuple[float, float] | None = None
        self._expected: datetime | None = None

    def detector_for(self, center_hz: float, sample_rate_hz: float) -> Detector:
        """A detector for a tuning, as this analysis would build it."""
        return Detector(center_hz, sample_rate_hz, self.step_s, self.dc_guard_hz)

    def feed(self, block: IQBlock) -> list[Segment]:
        """Analyse one block; return the segments that closed."""
        closed: list[Segment] = []
        key = (block.center_hz, block.sample_rate_hz)
        gap = bool(block.flags & DISCONTINUOUS) or (
            self._expected is not None
            and abs((block.captured_at - self._expected).total_seconds())
            > TIME_TOLERANCE_S + 1.0 / block.sample_rate_hz
        )
        if self._tuning is None or key != self._key:
            closed += self._close()
            detector = self.detector_for(*key)
            self._tuning = _Tuning(detector, Tracker(detector.plan.frequencies_hz))
            self._key = key
            self.channels.update(int(f) for f in detector.plan.frequencies_hz)
        elif gap:
            closed += self._close()
        tuning = self._tuning
        if tuning.step_start is None:
            tuning.step_start = block.captured_at
        flagged = bool(block.flags & UNJUDGED)
        duration = timedelta(seconds=tuning.detector.step_duration_s)
        for result in tuning.detector.push(block.samples, flagged=flagged):
            start = tuning.step_start
            end = start + duration
            tuning.step_start = end
            features = None if result.features is None else result.features.matrix()
            closed += tuning.after_checkpoint(
                tuning.tracker.update(start, end, result.verdicts, features)
            )
            tuning.tracked_steps += 1
            if self.on_step is not None:
                self.on_step(start, end, tuning.detector.plan.frequencies_hz, result)
        self._expected = block.captured_at + timedelta(seconds=block.duration_s)
        return closed

    def finish(self) -> list[Segment]:
        """Close every open segment (the partial last step is left unobserved)."""
        closed = self._close()
        self._tuning = None
        self._key = None
        return closed

    def checkpoint(self) -> list[Segment]:
        """Close the segments up to the last step boundary and carry on from there.

        Unlike :meth:`finish`, the detector keeps its memory and its partial step, and the
        tracker its open runs and hysteresis: the segments open at the boundary continue after
        it, so a checkpoint splits them there and changes nothing else, except that a state
        change confirmed after the boundary but back-dated before it starts at the boundary (the
        time before it was handed out already). Every :data:`TRACKER_RESTART_S` the tracker is
        restarted at a checkpoint (its hysteresis starts afresh there).

        Returns
        -------
        list of Segment
            Every channel's segments from the previous checkpoint (or the tuning's first step)
            up to the end of the last step; empty when no step ended since.
        """
        tuning = self._tuning
        if tuning is None:
            return []
        if tuning.tracked_steps * tuning.detector.step_duration_s >= TRACKER_RESTART_S:
            closed = tuning.after_checkpoint(tuning.tracker.finish())
            tuning.tracked_steps = 0
        else:
            # the tracker's own finish() closes and restarts it: close a copy instead
            closed = tuning.after_checkpoint(copy.deepcopy(tuning.tracker).finish())
        if closed:
            tuning.handed_out = closed[0].end
        return closed

    def _close(self) -> list[Segment]:
        tuning = self._tuning
        if tuning is None:
            return []
        tuning.detector.discard()
        tuning.step_start = None
        closed = tuning.after_checkpoint(tuning.tracker.finish())
        tuning.tracked_steps = 0
        tuning.handed_out = None
        return closed


def cover(
    segments: Iterable[Segment], channels: Iterable[int], start: datetime, end: datetime
) -> list[Segment]:
    """Fill every channel's unobserved time in ``[start, end)`` with ``unknown`` segments.

    Adjacent ``unknown`` segments are merged; the result is sorted by frequency and time.
    """
    by_channel: dict[int, list[Segment]] = {int(f): [] for f in channels}
    for seg in segments:
        by_channel.setdefault(seg.frequency_hz, []).append(seg)
    out: list[Segment] = []
    for freq in sorted(by_channel):
        cursor = start
        filled: list[Segment] = []
        for seg in sorted(by_channel[freq], key=lambda s: s.start):
            if seg.start > cursor:
                filled.append(_unknown(freq, cursor, seg.start))
            filled.append(seg)
            cursor = max(cursor, seg.end)
        if cursor < end:
            filled.append(_unknown(freq, cursor, end))
        out += _merge_unknown(filled)
    return out


def _unknown(frequency_hz: int, start: datetime, end: datetime) -> Segment:
    return Segment(frequency_hz, start, end, "unknown", None, 1.0)


def _merge_unknown(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for seg in segments:
        last = merged[-1] if merged else None
        if last is not None and last.state == seg.state == "unknown" and last.end == seg.start:
            merged[-1] = replace(last, end=seg.end, metrics={}, rule=None)
        else:
            merged.append(seg)
    return merged


@dataclass(frozen=True)
class RecordingAnalysis:
    """The outcome of analysing one recording.

    Attributes
    ----------
    recording
        The recording analysed.
    channels
        Every channel judged in any of its tunings, ascending.
    segments
        Segments covering every channel from the first sample to the last.
    end
        Time just after the last sample.
    """

    recording: Recording
    channels: tuple[int, ...]
    segments: tuple[Segment, ...]
    end: datetime

    def to_json(self, *, explain: bool = False) -> dict[str, object]:
        """The ``jamwatch analyze --json`` document (DESIGN.md contract)."""
        rec = self.recording
        first = rec.captures[0]
        return {
            "recording": {
                "path": str(rec.path),
                "center_hz": _number(first.center_hz),
                "sample_rate_hz": _number(rec.sample_rate_hz),
                "start": iso_utc(first.start),
                "duration_s": round(rec.num_samples / rec.sample_rate_hz, 6),
                "datatype": rec.datatype,
            },
            "channels": list(self.channels),
            "segments": [segment_json(s, explain=explain) for s in self.segments],
        }


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with ``Z``, microseconds only when present.

    >>> from datetime import UTC
    >>> iso_utc(datetime(2026, 2, 16, 12, 0, 8, tzinfo=UTC))
    '2026-02-16T12:00:08Z'
    """
    text = moment.astimezone(UTC_ZONE).replace(tzinfo=None).isoformat()
    return text + "Z"


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def segment_json(segment: Segment, *, explain: bool = False) -> dict[str, object]:
    """One segment in the ``analyze --json`` shape; ``explain`` adds the rule and metrics."""
    out: dict[str, object] = {
        "frequency_hz": segment.frequency_hz,
        "start": iso_utc(segment.start),
        "end": iso_utc(segment.end),
        "state": segment.state,
        "jammer": segment.jammer,
        "confidence": segment.confidence,
        "snr_db": segment.snr_db,
    }
    if explain:
        out["rule"] = segment.rule
        out["metrics"] = dict(segment.metrics)
    return out


def analyze_recording(
    recording: Recording,
    *,
    step_s: float = 1.0,
    progress: Callable[[int], None] | None = None,
    on_step: Callable[[datetime, datetime, npt.NDArray[np.int64], StepResult], None] | None = None,
) -> RecordingAnalysis:
    """Analyse a whole recording, streaming it block by block.

    Parameters
    ----------
    recording
        An opened recording.
    step_s
        Requested decision interval in seconds.
    progress
        Called with the number of samples of each block as it is analysed.
    on_step
        Passed to :class:`Analysis`.

    Raises
    ------
    RecordingError
        If the recording is shorter than one step, or no tuning of it holds a whole channel.
    """
    analysis = Analysis(step_s, dc_guard_hz(recording.datatype), on_step)
    rate = recording.sample_rate_hz
    for capture in recording.captures:
        if not len(analysis.detector_for(capture.center_hz, rate).plan):
            usable_khz = flat_fraction(rate) * rate / 2e3
            raise RecordingError(
                recording.path,
                f"sample rate {rate:g} S/s at {capture.center_hz:g} Hz holds no whole 9 kHz "
                f"channel on the 5 kHz raster (usable +-{usable_khz:g} kHz around the centre"
                + (", DC spike excluded)" if analysis.dc_guard_hz else ")"),
            )
    probe = analysis.detector_for(recording.captures[0].center_hz, rate)
    if recording.num_samples < probe.step_samples:
        raise RecordingError(
            recording.path,
            f"too short for one {probe.step_duration_s:.3g} s step "
            f"({recording.num_samples / rate:.3g} s of samples)",
        )
    segments: list[Segment] = []
    for block in recording.blocks(block_samples_for(probe.step_samples)):
        segments += analysis.feed(block)
        if progress is not None:
            progress(block.samples.size)
    segments += analysis.finish()
    start = recording.captures[0].start
    last = recording.captures[-1]
    end = last.start + timedelta(seconds=(recording.num_samples - last.sample_start) / rate)
    channels = tuple(sorted(analysis.channels))
    return RecordingAnalysis(recording, channels, tuple(cover(segments, channels, start, end)), end)
