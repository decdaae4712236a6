"""Replay of a recording as a source: optionally paced in real time, optionally looping forever.

A looping replay shifts each pass by the recording's duration, so time keeps increasing and
segments of successive passes never overlap. With ``live_timestamps`` the first block is stamped
with the time the source was opened instead of the recording's own start time, which makes a
replay indistinguishable from a live receiver downstream.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from monitor.errors import RecordingError
from monitor.iq import IQBlock
from monitor.recording.base import Recording
from monitor.sources.base import SourceBase
from monitor.sources.errors import EndOfStream, SourceConfigError
from monitor.sources.framing import utc_now
from monitor.sources.settings import BlockSettings


class ReplaySource(SourceBase):
    """IQ blocks from an opened :class:`~monitor.recording.base.Recording`.

    Parameters
    ----------
    recording
        The recording, e.g. from ``monitor.recording.open_recording(path)``.
    blocks
        Block size and overload threshold.
    realtime
        Deliver each block no earlier than its last sample would have been received live.
    loop
        Start again at the end, endlessly.
    live_timestamps
        Stamp blocks from the wall-clock time of :meth:`open` rather than the recording's start.
    clock, sleep, monotonic
        Wall clock, sleep and monotonic clock; injectable for tests.
    """

    def __init__(
        self,
        recording: Recording,
        *,
        blocks: BlockSettings | None = None,
        realtime: bool = False,
        loop: bool = False,
        live_timestamps: bool = False,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(blocks or BlockSettings())
        if recording.num_samples == 0:
            raise RecordingError(recording.path, "holds no samples to replay")
        self._recording = recording
        self._realtime = realtime
        self._loop = loop
        self._live = live_timestamps
        self._clock = clock
        self._sleep = sleep
        self._monotonic = monotonic
        self._center_hz = recording.captures[0].center_hz
        self._blocks_iter: Iterator[IQBlock] | None = None
        self._pass = 0
        self._seq = 0
        self._shift = timedelta(0)
        self._started_mono = 0.0
        self._delivered_s = 0.0

    @property
    def recording(self) -> Recording:
        """The recording being replayed."""
        return self._recording

    @property
    def center_hz(self) -> float:
        """RF frequency of the capture being replayed, in Hz."""
        return self._center_hz

    @property
    def sample_rate_hz(self) -> float:
        """The recording's sample rate, in samples per second."""
        return self._recording.sample_rate_hz

    @property
    def duration_s(self) -> float:
        """Length of one pass through the recording, in seconds."""
        return self._recording.num_samples / self._recording.sample_rate_hz

    def retune(self, center_hz: float) -> None:
        """A recording has fixed tunings: always raises :class:`SourceConfigError`."""
        raise SourceConfigError(
            "retune",
            f"cannot tune a replayed recording ({self._recording.path}) to {center_hz:.0f} Hz; "
            "a hop plan needs a live source",
        )

    def _open(self) -> None:
        self._pass = 0
        self._shift = timedelta(0)
        if self._live:
            self._shift = self._clock() - self._recording.captures[0].start
        self._started_mono = self._monotonic()
        self._delivered_s = 0.0
        self._blocks_iter = self._recording.blocks(self._blocks.block_samples)

    def _close(self) -> None:
        self._blocks_iter = None

    def _next_block(self) -> IQBlock:
        if self._blocks_iter is None:
            raise EndOfStream(f"{self._recording.path}: replay finished")
        block = next(self._blocks_iter, None)
        if block is None:
            if not self._loop:
                self._blocks_iter = None
                raise EndOfStream(f"{self._recording.path}: replay finished")
            self._pass += 1
            self._shift += timedelta(seconds=self.duration_s)
            self._blocks_iter = self._recording.blocks(self._blocks.block_samples)
            block = next(self._blocks_iter)
        self._delivered_s += block.duration_s
        if self._realtime:
            wait_s = self._started_mono + self._delivered_s - self._monotonic()
            if wait_s > 0:
                self._sleep(wait_s)
        self._center_hz = block.center_hz
        block = dataclasses.replace(
            block, captured_at=block.captured_at + self._shift, seq=self._seq
        )
        self._seq += 1
        return block
