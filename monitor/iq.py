"""The unit of IQ data that flows from every source (live or replayed) into the detector."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt


class BlockFlags(enum.Flag):
    """Conditions of the receiver while a block was captured; any flag makes steps ``unknown``."""

    NONE = 0
    OVERLOAD = enum.auto()
    """Clipping: a noticeable fraction of 8-bit codes at 0 or 255."""
    DROPPED = enum.auto()
    """Samples were lost before this block (USB overrun, queue drop, gap in a recording)."""
    SETTLING = enum.auto()
    """Taken while the tuner settled after a retune."""
    STALLED = enum.auto()
    """The device delivered nothing for a while before this block."""


@dataclass(frozen=True, slots=True)
class IQBlock:
    """A contiguous run of complex baseband samples at one tuning.

    Attributes
    ----------
    samples
        Read-only complex64 samples, full scale about +-1.
    center_hz
        RF frequency at baseband 0 Hz, in Hz.
    sample_rate_hz
        Complex sample rate, in samples per second.
    captured_at
        Timezone-aware UTC time of the first sample.
    seq
        Sequence number of the block within its source, from 0.
    flags
        Receiver conditions during the block.
    """

    samples: npt.NDArray[np.complex64]
    center_hz: float
    sample_rate_hz: float
    captured_at: datetime
    seq: int
    flags: BlockFlags = BlockFlags.NONE

    def __post_init__(self) -> None:
        if self.samples.dtype != np.complex64 or self.samples.ndim != 1:
            raise ValueError("IQBlock.samples must be a 1-D complex64 array")
        if self.captured_at.tzinfo is None or self.captured_at.utcoffset() is None:
            raise ValueError("IQBlock.captured_at must be timezone-aware (UTC)")
        if self.samples.flags.writeable:
            self.samples.setflags(write=False)

    @property
    def duration_s(self) -> float:
        """Length of the block in seconds."""
        return len(self.samples) / self.sample_rate_hz
