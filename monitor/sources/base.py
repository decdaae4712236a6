"""The ``IQSource`` protocol every source implements, its counters, and their shared plumbing.

A source is a context manager that delivers :class:`~monitor.iq.IQBlock` objects, by
:meth:`IQSource.read_block` or by iteration. It can be closed and opened again after a
:class:`~monitor.sources.errors.DeviceFault`; each such reopening is counted, and the first block
after it carries ``DROPPED`` (and ``STALLED`` if the fault was a stall), because the samples of
the gap are lost. Overload (clipping) is judged here, once, for every kind of source.
"""

from __future__ import annotations

import dataclasses
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from types import TracebackType
from typing import Protocol, Self

import numpy as np
import numpy.typing as npt

from monitor.iq import BlockFlags, IQBlock
from monitor.sources.errors import DeviceStalled, EndOfStream
from monitor.sources.settings import BlockSettings


@dataclasses.dataclass(frozen=True, slots=True)
class SourceStats:
    """Counters of a source since it was created (they survive reopenings).

    Attributes
    ----------
    blocks
        Blocks delivered to the consumer.
    samples
        Complex samples delivered to the consumer.
    dropped_blocks
        Blocks lost because the consumer was too slow (queue full).
    dropped_samples
        Complex samples lost that way.
    overload_blocks
        Delivered blocks flagged ``OVERLOAD``.
    reopenings
        Times the source was opened again after its first opening (device reopened, or an
        ``rtl_tcp`` connection re-established).
    """

    blocks: int = 0
    samples: int = 0
    dropped_blocks: int = 0
    dropped_samples: int = 0
    overload_blocks: int = 0
    reopenings: int = 0


class IQSource(Protocol):
    """A live or replayed stream of IQ blocks."""

    @property
    def center_hz(self) -> float:
        """RF frequency of the current tuning, in Hz."""
        ...

    @property
    def sample_rate_hz(self) -> float:
        """Complex sample rate actually delivered, in samples per second."""
        ...

    @property
    def stats(self) -> SourceStats:
        """A snapshot of the counters."""
        ...

    def open(self) -> None:
        """Open the device, connection or file; again after :meth:`close` to reopen."""
        ...

    def close(self) -> None:
        """Release everything :meth:`open` acquired (threads joined); idempotent."""
        ...

    def read_block(self) -> IQBlock:
        """The next block; raises ``EndOfStream`` at the end of a finite source and a
        ``DeviceFault`` when the device fails (then :meth:`close` and reopen later)."""
        ...

    def retune(self, center_hz: float) -> None:
        """Tune to ``center_hz``; every block read afterwards belongs to the new tuning."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def __iter__(self) -> Iterator[IQBlock]: ...


def clip_fraction(samples: npt.NDArray[np.complex64]) -> float:
    """Fraction of I and Q components at or beyond full scale (+-1).

    For cu8 data this counts exactly the ADC codes 0 and 255, because the one cu8 conversion
    maps them to -1.0 and +1.0 exactly.

    >>> clip_fraction(np.array([1 + 0j, 0.5 - 1j, 0.1 + 0.2j, -1 - 1j], dtype=np.complex64))
    0.5
    """
    if samples.size == 0:
        return 0.0
    components = samples.view(np.float32)
    return float(np.count_nonzero(np.abs(components) >= np.float32(1.0))) / components.size


class SourceBase(ABC):
    """Lifecycle, counters, iteration and overload flags common to all sources.

    Subclasses implement :meth:`_open`, :meth:`_close` and :meth:`_next_block`, call
    :meth:`_count_drop` for blocks they lose and flag the block after such a gap themselves.
    """

    def __init__(self, blocks: BlockSettings) -> None:
        self._blocks = blocks
        self._stats = SourceStats()
        self._stats_lock = threading.Lock()
        self._opened_before = False
        self._is_open = False
        self._gap_flags = BlockFlags.NONE

    @property
    def block_settings(self) -> BlockSettings:
        """Block size and overload threshold."""
        return self._blocks

    @property
    def stats(self) -> SourceStats:
        """A snapshot of the counters."""
        with self._stats_lock:
            return self._stats

    def _bump(self, **increments: int) -> None:
        with self._stats_lock:
            current = self._stats
            self._stats = dataclasses.replace(
                current, **{k: getattr(current, k) + v for k, v in increments.items()}
            )

    def _count_drop(self, samples: int) -> None:
        """Count one block of ``samples`` lost (the subclass flags the block after it)."""
        self._bump(dropped_blocks=1, dropped_samples=samples)

    def _mark_gap(self, flags: BlockFlags) -> None:
        """Flag the next block read with ``flags`` (samples were lost before it)."""
        with self._stats_lock:
            self._gap_flags |= flags

    def open(self) -> None:
        """Open the source; opening it again after :meth:`close` counts a reopening."""
        if self._is_open:
            return
        if self._opened_before:
            self._bump(reopenings=1)
            self._mark_gap(BlockFlags.DROPPED)
        self._open()
        self._opened_before = True
        self._is_open = True

    def close(self) -> None:
        """Close the source; safe to call more than once."""
        if not self._is_open:
            return
        self._is_open = False
        self._close()

    def read_block(self) -> IQBlock:
        """The next block, flagged for overload and for any gap before it."""
        if not self._is_open:
            raise RuntimeError(f"{type(self).__name__} is not open")
        try:
            block = self._next_block()
        except DeviceStalled:
            self._mark_gap(BlockFlags.STALLED)
            raise
        flags = block.flags
        with self._stats_lock:
            flags |= self._gap_flags
            self._gap_flags = BlockFlags.NONE
        if clip_fraction(block.samples) > self._blocks.overload_fraction:
            flags |= BlockFlags.OVERLOAD
        if flags != block.flags:
            block = dataclasses.replace(block, flags=flags)
        self._bump(
            blocks=1,
            samples=len(block.samples),
            overload_blocks=int(BlockFlags.OVERLOAD in flags),
        )
        return block

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __iter__(self) -> Iterator[IQBlock]:
        """Blocks until the end of a finite source (live sources never end)."""
        while True:
            try:
                yield self.read_block()
            except EndOfStream:
                return

    @abstractmethod
    def _open(self) -> None:
        """Acquire the device, connection or file."""

    @abstractmethod
    def _close(self) -> None:
        """Release what :meth:`_open` acquired."""

    @abstractmethod
    def _next_block(self) -> IQBlock:
        """The next block as captured, before overload and gap flags."""
