"""What every recording reader offers: metadata and a bounded-memory stream of IQ blocks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from monitor.iq import IQBlock

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""Start time of a recording that does not say when it was made (and no ``--start``)."""

DEFAULT_BLOCK_SAMPLES = 1 << 18
"""Samples per block when the caller does not choose: 2 MB of complex64, ~0.1 s at 2.4 MS/s."""


@dataclass(frozen=True, slots=True)
class Capture:
    """A stretch of a recording with one tuning, starting at ``sample_start``.

    Attributes
    ----------
    sample_start
        Index of the first sample of the stretch.
    center_hz
        RF centre frequency in Hz.
    start
        UTC time of the first sample of the stretch.
    """

    sample_start: int
    center_hz: float
    start: datetime


class Recording(Protocol):
    """An IQ recording opened for reading.

    Readers validate all metadata when opened (raising ``RecordingError``), so iterating
    :meth:`blocks` fails only on problems found in the sample data (e.g. NaN in float data).
    """

    @property
    def path(self) -> Path:
        """The file the user named."""
        ...

    @property
    def datatype(self) -> str:
        """SigMF datatype of the stored samples, e.g. ``"cu8"``."""
        ...

    @property
    def sample_rate_hz(self) -> float:
        """Complex sample rate in samples per second."""
        ...

    @property
    def num_samples(self) -> int:
        """Total number of complex samples."""
        ...

    @property
    def captures(self) -> tuple[Capture, ...]:
        """Tuning stretches, sorted by ``sample_start``; the first starts at 0."""
        ...

    def blocks(self, block_samples: int = DEFAULT_BLOCK_SAMPLES) -> Iterator[IQBlock]:
        """Yield the samples in order as blocks of at most ``block_samples``.

        A block never spans two captures; ``captured_at`` of each block is its capture's start
        plus the sample offset divided by the rate (no drift).
        """
        ...
