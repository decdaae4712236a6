"""Interval arithmetic behind the reports: what each receiver saw during given air time.

A :class:`Span` is a stored segment reduced to what reports need. :func:`slices` cuts air time
at every boundary of every receiver's spans, so each slice has exactly one state per receiver
(or none: not observed). Pure: no database.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from dsp.vocabulary import JammerType, State

Interval = tuple[datetime, datetime]
"""A half-open UTC interval ``[start, end)``."""

JUDGED_STATES: frozenset[str] = frozenset({"empty", "signal", "jammed"})
"""States that are a judgement; ``unknown`` was watched but not judged."""

CLEAR_STATES: frozenset[str] = frozenset({"empty", "signal"})
"""Judged and not jammed."""


@dataclass(frozen=True, slots=True)
class Span:
    """One state of one channel at one receiver over ``[start, end)``."""

    start: datetime
    end: datetime
    state: State
    jammer: JammerType | None = None

    @property
    def judged(self) -> bool:
        """True for ``empty``, ``signal`` and ``jammed``."""
        return self.state in JUDGED_STATES


@dataclass(frozen=True, slots=True)
class Slice:
    """A piece of air time during which no receiver changed state.

    Attributes
    ----------
    start, end
        The UTC bounds.
    states
        Each receiver's span during the slice, or None where it has none (not observed).
    """

    start: datetime
    end: datetime
    states: Mapping[str, Span | None]

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return (self.end - self.start).total_seconds()

    def judging(self) -> list[str]:
        """Receivers that judged the channel during the slice."""
        return [name for name, span in self.states.items() if span is not None and span.judged]

    def jamming(self) -> list[str]:
        """Receivers that saw the channel jammed during the slice."""
        return [
            name
            for name, span in self.states.items()
            if span is not None and span.state == "jammed"
        ]


def slices(air: Sequence[Interval], lanes: Mapping[str, Sequence[Span]]) -> list[Slice]:
    """Cut ``air`` at every span boundary of every receiver.

    Parameters
    ----------
    air
        Sorted, disjoint air-time intervals.
    lanes
        Per receiver, its spans of the channel: sorted by start and disjoint.

    Returns
    -------
    list of Slice
        Tiling ``air`` exactly, in time order.
    """
    starts = {name: [span.start for span in spans] for name, spans in lanes.items()}
    cut: list[Slice] = []
    for on, off in air:
        overlapping = {
            name: _overlapping(spans, starts[name], on, off) for name, spans in lanes.items()
        }
        points = {on, off}
        for spans in overlapping.values():
            for span in spans:
                points.update(moment for moment in (span.start, span.end) if on < moment < off)
        ordered = sorted(points)
        cursors = dict.fromkeys(lanes, 0)
        for start, end in zip(ordered, ordered[1:], strict=False):
            states: dict[str, Span | None] = {}
            for name, spans in overlapping.items():
                index = cursors[name]
                while index < len(spans) and spans[index].end <= start:
                    index += 1
                cursors[name] = index
                covering = index < len(spans) and spans[index].start <= start
                states[name] = spans[index] if covering else None
            cut.append(Slice(start, end, states))
    return cut


def _overlapping(
    spans: Sequence[Span], starts: Sequence[datetime], on: datetime, off: datetime
) -> Sequence[Span]:
    """The spans that overlap ``[on, off)`` (spans sorted and disjoint)."""
    first = max(0, bisect_right(starts, on) - 1)
    last = bisect_right(starts, off)
    return [span for span in spans[first:last] if span.end > on and span.start < off]
