"""Cutting a live cu8 byte stream into time-stamped IQ blocks.

USB transfers and socket reads arrive in chunks of any length (even odd ones, splitting an I/Q
pair). :class:`Cu8Framer` accumulates them into blocks of a fixed number of samples, converts
each with the project's one cu8 conversion, and stamps it. A framer covers one *run*: an
uninterrupted stream at one tuning. Its time anchor is the wall-clock time at which the first
chunk arrived, minus that chunk's duration (the chunk was captured before it arrived); every
block's ``captured_at`` is then the anchor plus its sample offset divided by the rate, computed
from the total count rather than accumulated, so block times do not drift within a run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from monitor.iq import IQBlock
from monitor.recording.datatypes import cu8_to_complex64


def utc_now() -> datetime:
    """The current wall-clock time, timezone-aware UTC."""
    return datetime.now(UTC)


class Cu8Framer:
    """Accumulate cu8 bytes of one run into :class:`IQBlock` objects.

    Parameters
    ----------
    block_samples
        Complex samples per block.
    sample_rate_hz
        Complex sample rate of the run, in samples per second.
    center_hz
        RF frequency of the run, in Hz.
    first_seq
        Sequence number of the run's first block.
    clock
        Wall-clock source (UTC); injectable for tests.

    Examples
    --------
    >>> framer = Cu8Framer(block_samples=2, sample_rate_hz=1e3, center_hz=6e6, first_seq=7)
    >>> framer.feed(np.array([0, 255, 128], dtype=np.uint8))
    []
    >>> [(b.seq, len(b.samples)) for b in framer.feed(np.array([127, 0, 0], dtype=np.uint8))]
    [(7, 2)]
    >>> framer.samples_seen
    3
    """

    def __init__(
        self,
        *,
        block_samples: int,
        sample_rate_hz: float,
        center_hz: float,
        first_seq: int,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._block_bytes = 2 * block_samples
        self._rate_hz = sample_rate_hz
        self._center_hz = center_hz
        self._clock = clock
        self._buffer = np.empty(self._block_bytes, dtype=np.uint8)
        self._filled = 0
        self._anchor: datetime | None = None
        self._bytes_seen = 0
        self._next_sample = 0
        self.next_seq = first_seq
        """Sequence number the next block will carry."""

    @property
    def center_hz(self) -> float:
        """RF frequency of the run, in Hz."""
        return self._center_hz

    @property
    def samples_seen(self) -> int:
        """Complete complex samples fed so far (blocks handed out plus the partial block)."""
        return self._bytes_seen // 2

    def feed(self, chunk: npt.NDArray[np.uint8]) -> list[IQBlock]:
        """Take one chunk of interleaved I/Q codes; return the blocks it completes.

        The chunk is copied, so the caller may reuse its buffer afterwards.
        """
        if self._anchor is None:
            lag_s = (chunk.size / 2) / self._rate_hz
            self._anchor = self._clock() - timedelta(seconds=lag_s)
        self._bytes_seen += chunk.size
        blocks: list[IQBlock] = []
        offset = 0
        while offset < chunk.size:
            take = min(self._block_bytes - self._filled, chunk.size - offset)
            self._buffer[self._filled : self._filled + take] = chunk[offset : offset + take]
            self._filled += take
            offset += take
            if self._filled == self._block_bytes:
                blocks.append(self._emit(self._buffer))
                self._filled = 0
        return blocks

    def flush(self) -> IQBlock | None:
        """The partial block at the end of the run (whole samples only), or ``None``."""
        usable = self._filled & ~1
        if usable == 0:
            return None
        block = self._emit(self._buffer[:usable])
        self._filled = 0
        return block

    def _emit(self, codes: npt.NDArray[np.uint8]) -> IQBlock:
        if self._anchor is None:
            raise RuntimeError("Cu8Framer emitted a block before any chunk arrived")
        samples = cu8_to_complex64(codes)
        start = self._anchor + timedelta(seconds=self._next_sample / self._rate_hz)
        block = IQBlock(
            samples=samples,
            center_hz=self._center_hz,
            sample_rate_hz=self._rate_hz,
            captured_at=start,
            seq=self.next_seq,
        )
        self._next_sample += samples.size
        self.next_seq += 1
        return block
