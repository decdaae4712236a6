"""The receiver's evidence recorder: the capture loop tells it about blocks, steps and dwells.

- every block goes into a ring of the last ``pre_s`` (plus the confirmation time and the steps
  an onset may move back) seconds, and
  into the clips being collected;
- every step's verdicts go to an :class:`~monitor.evidence.onsets.OnsetWatch`; a candidate
  onset starts a :class:`~monitor.evidence.clip.ClipCapture` of its channel over
  ``[onset - pre_s, onset + post_s)``, fed first from the ring;
- at the end of a dwell its segments say which candidates were real onsets: each ``jammed``
  segment that is not the continuation of one that ended where it starts (the same window seen
  across a dwell boundary) gets the capture with its onset, and the others are dropped. A
  capture still collecting (the tuning stays) is written once it reaches ``post_s``, the
  stream breaks, or the receiver stops.

So there is exactly one bundle per jamming onset the receiver observed, written by a
:class:`~monitor.evidence.writer.BundleWriter` off the capture thread.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from dsp.detector import StepResult
from dsp.tracker import MAX_LOOKBACK_STEPS
from monitor.analysis import iso_utc
from monitor.evidence.bundle import Evidence, Station
from monitor.evidence.channelizer import ExtractorDesign
from monitor.evidence.clip import BlockRing, ClipCapture
from monitor.evidence.onsets import OnsetWatch
from monitor.evidence.settings import EvidenceConfig
from monitor.evidence.writer import BundleWriter
from monitor.iq import IQBlock
from monitor.receiver.logs import kv
from monitor.receiver.sinks import DwellBatch

logger = logging.getLogger(__name__)

ONSET_TOLERANCE_S = 1e-3
"""A capture belongs to a segment whose start is this close to its onset."""


class EvidenceRecorder:
    """Collects channel clips at jamming onsets and hands finished evidence to a writer.

    Parameters
    ----------
    config
        The ``[evidence]`` settings.
    receiver
        Receiver name.
    station
        The receiver's description for ``bundle.json``.
    writer
        Where finished evidence goes.
    step_s
        Decision interval, in seconds (sizes the ring with the confirmation delay).
    """

    def __init__(
        self,
        config: EvidenceConfig,
        receiver: str,
        station: Station,
        writer: BundleWriter,
        *,
        step_s: float,
    ) -> None:
        self._config = config
        self._receiver = receiver
        self._station = dict(station)
        self._writer = writer
        self._watch = OnsetWatch()
        self._ring = BlockRing()
        self._horizon_s = (
            config.pre_s + (self._watch.confirm_steps + 1 + MAX_LOOKBACK_STEPS) * step_s
        )
        self._designs: dict[float, ExtractorDesign] = {}
        self._captures: list[ClipCapture] = []
        self._last_jammed_end: dict[int, datetime] = {}
        self._tuning: tuple[float, float] | None = None

    @property
    def collecting(self) -> int:
        """Clips held (being collected, or waiting for their dwell's segments)."""
        return len(self._captures)

    def block(self, block: IQBlock) -> None:
        """A block was read (called before the analysis sees it)."""
        if not self._ring.add(block, self._horizon_s):
            self._break()
        self._tuning = (block.center_hz, block.sample_rate_hz)
        for capture in self._captures:
            if not capture.done:
                capture.feed([block])
        self._hand_over()

    def step(
        self,
        start: datetime,
        end: datetime,
        frequencies_hz: npt.NDArray[np.int64],
        result: StepResult,
    ) -> None:
        """A step was judged: start capturing the channels whose jamming may have begun."""
        if self._tuning is None:
            return
        for frequency_hz, onset in self._watch.step(
            start, end, frequencies_hz, result.verdicts.state, result.verdicts.lookback
        ):
            self._start_capture(frequency_hz, onset)

    def dwell(self, dwell: DwellBatch) -> None:
        """The dwell's segments are final: keep the captures of real onsets, drop the rest."""
        batch = dwell.batch
        kept = [capture for capture in self._captures if capture.segment is not None]
        for segment in sorted(batch.segments, key=lambda s: s.start):
            if segment.state != "jammed":
                continue
            previous_end = self._last_jammed_end.get(segment.frequency_hz)
            self._last_jammed_end[segment.frequency_hz] = segment.end
            if previous_end == segment.start:
                continue
            capture = self._capture_for(segment.frequency_hz, segment.start)
            if capture is None:
                logger.warning(
                    kv(
                        "evidence_missed",
                        frequency_hz=segment.frequency_hz,
                        onset=iso_utc(segment.start),
                        reason="no clip was collected for this onset",
                    )
                )
                continue
            capture.segment = segment
            capture.continues = segment.end >= batch.end
            kept.append(capture)
        self._captures = kept
        self._watch.reset()
        self._hand_over()

    def close(self, timeout_s: float = 30.0) -> None:
        """The receiver stops: write what was collected for real onsets, then stop the writer
        (waiting up to ``timeout_s`` for the queued bundles)."""
        self._break()
        self._ring.clear()
        self._writer.close(timeout_s)

    def _break(self) -> None:
        """The stream broke (gap, retune, stop): clips end here."""
        for capture in self._captures:
            capture.finish()
        self._hand_over()

    def _capture_for(self, frequency_hz: int, onset: datetime) -> ClipCapture | None:
        for capture in self._captures:
            close_s = abs((capture.onset - onset).total_seconds())
            if capture.frequency_hz == frequency_hz and close_s <= ONSET_TOLERANCE_S:
                return capture
        return None

    def _start_capture(self, frequency_hz: int, onset: datetime) -> None:
        if self._capture_for(frequency_hz, onset) is not None:
            return
        if len(self._captures) >= self._config.max_captures:
            logger.warning(
                kv(
                    "evidence_skipped",
                    frequency_hz=frequency_hz,
                    onset=iso_utc(onset),
                    reason=f"{self._config.max_captures} clips already being collected",
                )
            )
            return
        assert self._tuning is not None
        center_hz, rate_hz = self._tuning
        design = self._designs.get(rate_hz)
        if design is None:
            design = self._designs[rate_hz] = ExtractorDesign.for_rate(rate_hz)
        begin = onset - timedelta(seconds=self._config.pre_s)
        capture = ClipCapture(
            design,
            frequency_hz,
            center_hz,
            onset,
            begin,
            onset + timedelta(seconds=self._config.post_s),
        )
        capture.feed(self._ring.since(begin))
        self._captures.append(capture)

    def _hand_over(self) -> None:
        """Submit the finished captures that belong to a real onset."""
        waiting: list[ClipCapture] = []
        for capture in self._captures:
            if not capture.done or capture.segment is None:
                waiting.append(capture)
                continue
            clip = capture.clip()
            if clip is None:
                continue
            self._writer.submit(
                Evidence(self._receiver, self._station, clip, capture.segment, capture.continues)
            )
        self._captures = waiting
