"""The hop plan: tunings visited in turn with their dwell times, and direct-sampling aliases.

A V3 dongle in direct sampling digitises 0-28.8 MHz with a 28.8 MHz ADC, so a signal at ``f``
also appears at ``28.8 MHz - f`` (41 m/13 m, 31 m/15 m and 22 m/19 m collide; ``domain.md``
5.2). :class:`AliasWatch` remembers where signals were seen and marks a segment whose alias
channel carried a signal or jamming at about the same time, so that an analyst can tell a real
emission from an image.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from dsp.vocabulary import Segment
from monitor.sources.settings import RTL_XTAL_HZ

ACTIVE_STATES = frozenset({"signal", "jammed"})
"""States that mean an emission is present in a channel."""

ALIAS_HZ_METRIC = "alias_hz"
"""Segment metric: the channel's direct-sampling alias frequency, in Hz."""

ALIAS_ACTIVE_METRIC = "alias_active"
"""Segment metric: 1.0 when the alias channel carried an emission too (possible image)."""


def alias_hz(frequency_hz: int) -> int:
    """The frequency that aliases onto ``frequency_hz`` in direct sampling (28.8 MHz - f).

    >>> alias_hz(7_300_000)
    21500000
    """
    return RTL_XTAL_HZ - frequency_hz


@dataclass(frozen=True, slots=True)
class Tuning:
    """One stop of the hop plan.

    Attributes
    ----------
    center_hz
        RF centre frequency, in Hz.
    dwell_s
        Time spent at this tuning per visit (settle time included), in seconds.
    """

    center_hz: float
    dwell_s: float


@dataclass(frozen=True, slots=True)
class HopPlan:
    """Tunings visited in order, endlessly.

    Attributes
    ----------
    tunings
        The stops, at least one.
    settle_s
        Time after each retune (and each reopening of the device) whose samples are not judged
        (flagged ``SETTLING``, so those steps are ``unknown``), in seconds.
    """

    tunings: tuple[Tuning, ...]
    settle_s: float = 0.25

    def __post_init__(self) -> None:
        if not self.tunings:
            raise ValueError("a hop plan needs at least one tuning")

    @property
    def cycle_s(self) -> float:
        """Duration of one pass over every tuning, in seconds."""
        return sum(t.dwell_s for t in self.tunings)

    @property
    def hops(self) -> bool:
        """Whether the plan visits more than one frequency (and so retunes)."""
        return len({t.center_hz for t in self.tunings}) > 1

    def visits(self) -> Iterator[Tuning]:
        """The tunings in order, forever."""
        while True:
            yield from self.tunings


class AliasWatch:
    """Marks segments whose direct-sampling alias channel carried an emission at the same time.

    Parameters
    ----------
    window_s
        How far apart in time the two emissions may be seen and still count as simultaneous
        (a hop plan sees a channel and its alias in different dwells: use one hop cycle).
    """

    def __init__(self, window_s: float) -> None:
        self._window = timedelta(seconds=window_s)
        self._active: dict[int, list[tuple[datetime, datetime]]] = {}

    def annotate(self, segments: Sequence[Segment]) -> list[Segment]:
        """Record ``segments`` and return them with alias metrics added where they apply.

        Every segment gets :data:`ALIAS_HZ_METRIC`; an emission (``signal`` or ``jammed``) whose
        alias channel had an emission within the window also gets :data:`ALIAS_ACTIVE_METRIC`.
        A segment seen earlier is not revisited: the later of the pair carries the mark.
        """
        for segment in segments:
            if segment.state in ACTIVE_STATES:
                spans = self._active.setdefault(segment.frequency_hz, [])
                spans.append((segment.start, segment.end))
        latest = max((s.end for s in segments), default=None)
        if latest is not None:
            self._forget_before(latest - 2 * self._window)
        return [self._marked(s) for s in segments]

    def _marked(self, segment: Segment) -> Segment:
        image = alias_hz(segment.frequency_hz)
        metrics = dict(segment.metrics)
        metrics[ALIAS_HZ_METRIC] = float(image)
        if segment.state in ACTIVE_STATES and self._seen(image, segment.start, segment.end):
            metrics[ALIAS_ACTIVE_METRIC] = 1.0
        return dataclasses.replace(segment, metrics=metrics)

    def _seen(self, frequency_hz: int, start: datetime, end: datetime) -> bool:
        lo, hi = start - self._window, end + self._window
        return any(a < hi and b > lo for a, b in self._active.get(frequency_hz, ()))

    def _forget_before(self, moment: datetime) -> None:
        for frequency_hz in list(self._active):
            kept = [(a, b) for a, b in self._active[frequency_hz] if b >= moment]
            if kept:
                self._active[frequency_hz] = kept
            else:
                del self._active[frequency_hz]
