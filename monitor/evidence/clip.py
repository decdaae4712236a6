"""Recent wideband blocks, and the decimated clip of one channel cut out of them.

:class:`BlockRing` holds the last few seconds of blocks of the current tuning (references to
the read-only blocks, no copies), so a clip can start before the onset that triggered it.
:class:`ClipCapture` turns the blocks of a time window into one channel's decimated samples as
they arrive (:class:`~monitor.evidence.channelizer.ChannelExtractor`), knowing the exact time of
every output sample.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from dsp.vocabulary import Segment
from monitor.analysis import DISCONTINUOUS, TIME_TOLERANCE_S
from monitor.evidence.channelizer import ChannelExtractor, ExtractorDesign
from monitor.iq import IQBlock


def block_end(block: IQBlock) -> datetime:
    """Time just after the block's last sample."""
    return block.captured_at + timedelta(seconds=block.duration_s)


class BlockRing:
    """The blocks of the last ``horizon_s`` seconds of one continuous stretch of one tuning."""

    def __init__(self) -> None:
        self._blocks: deque[IQBlock] = deque()

    def add(self, block: IQBlock, horizon_s: float) -> bool:
        """Append a block, dropping blocks older than ``horizon_s``; False if it broke continuity.

        A block at another tuning or rate, flagged as following lost samples, or not starting
        where the last one ended, empties the ring first (a clip cannot span a gap).
        """
        continues = bool(self._blocks) and self._follows(self._blocks[-1], block)
        if not continues:
            self._blocks.clear()
        self._blocks.append(block)
        oldest = block_end(block) - timedelta(seconds=horizon_s)
        while len(self._blocks) > 1 and block_end(self._blocks[0]) <= oldest:
            self._blocks.popleft()
        return continues

    @staticmethod
    def _follows(last: IQBlock, block: IQBlock) -> bool:
        if (block.center_hz, block.sample_rate_hz) != (last.center_hz, last.sample_rate_hz):
            return False
        if block.flags & DISCONTINUOUS:
            return False
        slack_s = TIME_TOLERANCE_S + 1.0 / block.sample_rate_hz
        return abs((block.captured_at - block_end(last)).total_seconds()) <= slack_s

    def since(self, moment: datetime) -> list[IQBlock]:
        """The held blocks that end after ``moment``, oldest first."""
        return [b for b in self._blocks if block_end(b) > moment]

    def clear(self) -> None:
        """Forget every block."""
        self._blocks.clear()


@dataclass(frozen=True, slots=True)
class Clip:
    """One channel's decimated samples around an onset.

    Attributes
    ----------
    frequency_hz
        The channel (RF, Hz); the samples are centred on it.
    tuning_center_hz, tuning_rate_hz
        The receiver's tuning the clip was cut from.
    sample_rate_hz
        Rate of :attr:`samples`.
    start
        UTC time of the first sample.
    samples
        Complex baseband samples, full scale about +-1 as received.
    onset
        Onset of jamming that triggered the clip (UTC).
    """

    frequency_hz: int
    tuning_center_hz: float
    tuning_rate_hz: float
    sample_rate_hz: float
    start: datetime
    samples: npt.NDArray[np.complex64]
    onset: datetime

    @property
    def end(self) -> datetime:
        """Time just after the last sample."""
        return self.start + timedelta(seconds=self.samples.size / self.sample_rate_hz)

    def index_at(self, moment: datetime) -> int:
        """Index of the first sample at or after ``moment``, within ``0..len(samples)``."""
        offset = (moment - self.start).total_seconds() * self.sample_rate_hz
        return min(max(0, math.ceil(offset - 1e-6)), self.samples.size)


class ClipCapture:
    """Collects the clip of one channel over ``[start, stop)`` from consecutive blocks.

    Parameters
    ----------
    design
        Decimation filters for the tuning's sample rate.
    frequency_hz, center_hz
        The channel and the tuning, in Hz.
    onset
        The candidate onset.
    start, stop
        The wanted time window (UTC); the clip starts at the first block received after
        ``start`` and ends at ``stop`` or when :meth:`finish` is called.
    """

    def __init__(
        self,
        design: ExtractorDesign,
        frequency_hz: int,
        center_hz: float,
        onset: datetime,
        start: datetime,
        stop: datetime,
    ) -> None:
        self.frequency_hz = frequency_hz
        self.center_hz = center_hz
        self.onset = onset
        self.stop = stop
        self.segment: Segment | None = None
        """The jammed segment this capture turned out to show (set once the dwell closed)."""
        self.continues = False
        """The segment ran to the end of its dwell (the window may go on)."""
        self.done = False
        self._start = start
        self._design = design
        self._extractor = ChannelExtractor(design, frequency_hz - center_hz)
        self._first_input: datetime | None = None
        self._pieces: list[npt.NDArray[np.complex64]] = []

    def feed(self, blocks: Iterable[IQBlock]) -> None:
        """Take the part of consecutive blocks inside the window; done once ``stop`` is reached."""
        rate_hz = self._design.sample_rate_hz
        for block in blocks:
            if self.done:
                return
            samples = block.samples
            first = block.captured_at
            if self._first_input is None:
                skip = max(0, math.ceil((self._start - first).total_seconds() * rate_hz - 1e-6))
                samples = samples[skip:]
                first = first + timedelta(seconds=skip / rate_hz)
                self._first_input = first
            left = math.ceil((self.stop - first).total_seconds() * rate_hz - 1e-6)
            if left <= samples.size:
                samples = samples[: max(0, left)]
                self.done = True
            if samples.size:
                self._pieces.append(self._extractor.push(samples))

    def finish(self) -> None:
        """Stop collecting (the stream broke, the tuning changed or the receiver stops)."""
        self.done = True

    def clip(self) -> Clip | None:
        """The collected clip, or None when no decimated sample came out yet."""
        samples = np.concatenate(self._pieces) if self._pieces else np.zeros(0, np.complex64)
        if self._first_input is None or not samples.size:
            return None
        delay_s = self._design.delay_samples / self._design.sample_rate_hz
        return Clip(
            frequency_hz=self.frequency_hz,
            tuning_center_hz=self.center_hz,
            tuning_rate_hz=self._design.sample_rate_hz,
            sample_rate_hz=self._design.output_rate_hz,
            start=self._first_input + timedelta(seconds=delay_s),
            samples=samples,
            onset=self.onset,
        )
