"""Pure interval arithmetic for one channel: splice a new analysis into stored segments.

A :class:`Piece` is a half-open interval ``[start, end)`` with a state and its figures. These
functions know nothing about the database, so the merge rules are tested on their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from dsp.vocabulary import JammerType, Segment, State


@dataclass(frozen=True, slots=True)
class Piece:
    """One state of one channel over ``[start, end)``."""

    start: datetime
    end: datetime
    state: State
    jammer: JammerType | None
    confidence: float
    snr_db: float | None
    metrics: Mapping[str, float]
    rule: str | None = None

    @classmethod
    def of(cls, segment: Segment) -> Piece:
        """The piece of an analysed segment."""
        return cls(
            segment.start,
            segment.end,
            segment.state,
            segment.jammer,
            segment.confidence,
            segment.snr_db,
            segment.metrics,
            segment.rule,
        )

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return (self.end - self.start).total_seconds()

    def same_kind(self, other: Piece) -> bool:
        """True when the two pieces have the same state and jammer type."""
        return self.state == other.state and self.jammer == other.jammer


def unknown(start: datetime, end: datetime) -> Piece:
    """Observed but not judged: what fills the parts of an analysis without a segment."""
    return Piece(start, end, "unknown", None, 0.0, None, {})


def fill_gaps(pieces: Sequence[Piece], start: datetime, end: datetime) -> list[Piece]:
    """Tile ``[start, end)``: the sorted, disjoint ``pieces`` plus ``unknown`` in between."""
    tiled: list[Piece] = []
    cursor = start
    for piece in pieces:
        if piece.start > cursor:
            tiled.append(unknown(cursor, piece.start))
        tiled.append(piece)
        cursor = piece.end
    if cursor < end:
        tiled.append(unknown(cursor, end))
    return tiled


def outside(piece: Piece, start: datetime, end: datetime) -> list[Piece]:
    """The parts of ``piece`` before ``start`` and after ``end`` (none, one or two)."""
    parts = []
    if piece.start < start:
        parts.append(replace(piece, end=min(piece.end, start)))
    if piece.end > end:
        parts.append(replace(piece, start=max(piece.start, end)))
    return parts


def _weighted(a: float | None, wa: float, b: float | None, wb: float) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return (a * wa + b * wb) / (wa + wb)


def join(first: Piece, second: Piece) -> Piece:
    """One piece for two touching pieces of the same kind.

    Figures are duration-weighted; the rule is the longer piece's (it decided more of it).
    """
    wa, wb = first.duration_s, second.duration_s
    metrics = {
        name: value
        for name in first.metrics.keys() | second.metrics.keys()
        if (value := _weighted(first.metrics.get(name), wa, second.metrics.get(name), wb))
        is not None
    }
    confidence = _weighted(first.confidence, wa, second.confidence, wb)
    return replace(
        first,
        end=second.end,
        confidence=first.confidence if confidence is None else confidence,
        snr_db=_weighted(first.snr_db, wa, second.snr_db, wb),
        metrics=metrics,
        rule=first.rule if wa >= wb else second.rule,
    )


def merge_touching(pieces: Iterable[Piece]) -> list[Piece]:
    """Join sorted, disjoint pieces that touch and have the same state and jammer."""
    merged: list[Piece] = []
    for piece in pieces:
        if merged and merged[-1].end == piece.start and merged[-1].same_kind(piece):
            merged[-1] = join(merged[-1], piece)
        else:
            merged.append(piece)
    return merged


def splice(
    stored: Iterable[Piece], new: Sequence[Piece], start: datetime, end: datetime
) -> list[Piece]:
    """Replace ``[start, end)`` of a channel's stored pieces by the new analysis.

    Parameters
    ----------
    stored
        The stored pieces that overlap or touch ``[start, end]``, disjoint.
    new
        The analysis' pieces, sorted, disjoint and inside ``[start, end)``; gaps between them
        become ``unknown`` because the whole range was observed.
    start, end
        The time the analysis covered.

    Returns
    -------
    list of Piece
        Sorted, disjoint, with touching pieces of the same kind joined.
    """
    kept = [part for piece in stored for part in outside(piece, start, end)]
    return merge_touching(sorted([*kept, *fill_gaps(new, start, end)], key=lambda p: p.start))


JUDGED_STATES = frozenset({"empty", "signal", "jammed"})
"""States that are a judgement; ``unknown`` is observed but not judged."""


@dataclass(frozen=True, slots=True)
class DayTotals:
    """Seconds of one channel on one UTC day: observed (any state), judged, jammed."""

    observed_s: float = 0.0
    judged_s: float = 0.0
    jammed_s: float = 0.0

    def __add__(self, other: DayTotals) -> DayTotals:
        return DayTotals(
            self.observed_s + other.observed_s,
            self.judged_s + other.judged_s,
            self.jammed_s + other.jammed_s,
        )

    def __neg__(self) -> DayTotals:
        return DayTotals(-self.observed_s, -self.judged_s, -self.jammed_s)


def day_totals(pieces: Iterable[Piece], start: datetime, end: datetime) -> dict[date, DayTotals]:
    """Per UTC day, the seconds of ``pieces`` inside ``[start, end)``."""
    totals: dict[date, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for piece in pieces:
        judged, jammed = piece.state in JUDGED_STATES, piece.state == "jammed"
        cursor, stop = max(piece.start, start), min(piece.end, end)
        while cursor < stop:
            day = cursor.astimezone(UTC).date()
            cut = min(stop, _midnight_after(day))
            seconds = (cut - cursor).total_seconds()
            entry = totals[day]
            entry[0] += seconds
            entry[1] += seconds if judged else 0.0
            entry[2] += seconds if jammed else 0.0
            cursor = cut
    return {day: DayTotals(*entry) for day, entry in totals.items()}


@lru_cache(maxsize=4096)
def _midnight_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), UTC)
