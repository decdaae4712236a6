"""Turning what a file states about its captures into complete, consistent ``Capture`` objects.

Every reader collects what its file says (and may not say) about each capture: where it starts,
its centre frequency and its time. :func:`resolve_captures` fills the gaps (a capture without a
frequency keeps the previous one's; without a time it continues the previous one's clock; the
first capture falls back to the caller's values, then to 0 Hz and ``EPOCH``), applies the
caller's values where the file is silent, and rejects contradictions with ``RecordingError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from monitor.errors import RecordingError
from monitor.recording.base import EPOCH, Capture

T = TypeVar("T")

UNKNOWN_CENTER_HZ = 0.0
"""Centre frequency of a recording that does not state its tuning: frequencies are baseband."""


@dataclass(frozen=True, slots=True)
class StatedCapture:
    """What a file says about one capture; None where it says nothing."""

    sample_start: int
    center_hz: float | None = None
    start: datetime | None = None


def continuation(previous: Capture, sample_start: int, sample_rate_hz: float) -> datetime:
    """Time of sample ``sample_start`` if the clock of ``previous`` ran on without a gap."""
    return previous.start + timedelta(
        seconds=(sample_start - previous.sample_start) / sample_rate_hz
    )


def clock_tolerance(sample_rate_hz: float) -> timedelta:
    """Largest time difference still taken as "no gap": one sample, at least 2 microseconds."""
    return timedelta(seconds=max(1.0 / sample_rate_hz, 2e-6))


def agree(path: Path, what: str, stated: T | None, given: T | None) -> T | None:
    """The value of a metadata item that both the file and the caller may state.

    The caller's value fills a gap; if both are present they must be equal.
    """
    if stated is not None and given is not None and stated != given:
        raise RecordingError(path, f"the given {what} {given} contradicts the file's {stated}")
    return stated if stated is not None else given


def resolve_captures(
    path: Path,
    stated: Sequence[StatedCapture],
    *,
    num_samples: int,
    sample_rate_hz: float,
    center_hz: float | None = None,
    start: datetime | None = None,
) -> tuple[Capture, ...]:
    """Complete and check the captures of a recording of ``num_samples`` samples.

    Parameters
    ----------
    path
        The file that states the captures, named in errors.
    stated
        Captures in file order; empty means one capture at sample 0 that states nothing.
    num_samples
        Samples in the data.
    sample_rate_hz
        Complex sample rate.
    center_hz, start
        The caller's values for the first capture: they fill gaps, and must agree with the file
        where it states them.

    Returns
    -------
    tuple of Capture
        Sorted, the first at sample 0, none at or beyond ``num_samples``, times never going back.
    """
    items = list(stated) or [StatedCapture(0)]
    if items[0].sample_start != 0:
        raise RecordingError(
            path, f"the first capture starts at sample {items[0].sample_start}, not 0"
        )
    first_center = agree(path, "centre frequency (Hz)", items[0].center_hz, center_hz)
    first_start = agree(path, "start time", items[0].start, start)
    captures = [
        Capture(
            0,
            UNKNOWN_CENTER_HZ if first_center is None else first_center,
            EPOCH if first_start is None else first_start,
        )
    ]
    for index, item in enumerate(items[1:], start=1):
        previous = captures[-1]
        if item.sample_start <= previous.sample_start:
            raise RecordingError(
                path,
                f"captures out of order: capture {index} starts at sample {item.sample_start}, "
                f"not after capture {index - 1} at sample {previous.sample_start}",
            )
        if item.sample_start >= num_samples:
            raise RecordingError(
                path,
                f"capture {index} starts at sample {item.sample_start}, beyond the end of the "
                f"data ({num_samples} samples)",
            )
        expected = continuation(previous, item.sample_start, sample_rate_hz)
        when = expected if item.start is None else item.start
        if when < expected - clock_tolerance(sample_rate_hz):
            raise RecordingError(
                path,
                f"capture {index} starts at {when.isoformat()}, before capture {index - 1} ends "
                f"({expected.isoformat()}): times must not go backwards",
            )
        center = previous.center_hz if item.center_hz is None else item.center_hz
        captures.append(Capture(item.sample_start, center, when))
    return tuple(captures)
