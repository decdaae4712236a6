"""Outage reports read from the database: broadcasts, their air time, the channel's segments.

Air time comes from :func:`monitor.schedules.occurrences` on each stored broadcast; segments
are read once per channel, only over the span of the air time on it (an index range on
``(frequency_hz, start_at)`` plus one seek per receiver for the segment under way at its start).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from dsp.vocabulary import JammerType, State
from monitor.reports.errors import ReportError
from monitor.reports.outages import BroadcastInfo, OutageReport, outage
from monitor.reports.reads import DateRange, receiver_ids, under_way
from monitor.reports.spans import Interval, Span
from monitor.schedules import occurrences
from monitor.schedules.fields import channel_of
from monitor.schedules.store import broadcast_of_row
from monitor.store.models import Broadcast, Receiver, Segment

DEFAULT_MAX_BROADCASTS = 200
"""Most broadcasts one report covers unless the caller says otherwise."""


@dataclass(frozen=True, slots=True)
class BroadcastSelection:
    """Which broadcasts a report is about: one by id, or all matching the given texts.

    Station, language and target match case-insensitively and exactly; given together, all
    must match.
    """

    broadcast_id: int | None = None
    station: str | None = None
    language: str | None = None
    target: str | None = None

    def __post_init__(self) -> None:
        texts = (self.station, self.language, self.target)
        if self.broadcast_id is None and all(text is None for text in texts):
            raise ReportError(
                "invalid_selection", "give a broadcast id, or a station, language or target"
            )
        if self.broadcast_id is not None and any(text is not None for text in texts):
            raise ReportError(
                "invalid_selection",
                "a broadcast id selects one broadcast: give no station, language or target",
            )

    def where(self) -> list[ColumnElement[bool]]:
        """The conditions on the ``broadcasts`` table."""
        if self.broadcast_id is not None:
            return [Broadcast.id == self.broadcast_id]
        return [
            func.lower(column) == text.lower()
            for column, text in (
                (Broadcast.station, self.station),
                (Broadcast.language, self.language),
                (Broadcast.target, self.target),
            )
            if text is not None
        ]

    def describe(self) -> str:
        """The selection in words, for messages."""
        if self.broadcast_id is not None:
            return f"broadcast id {self.broadcast_id}"
        return ", ".join(
            f"{name} {text!r}"
            for name, text in (
                ("station", self.station),
                ("language", self.language),
                ("target", self.target),
            )
            if text is not None
        )


def outage_reports(
    session: Session,
    selection: BroadcastSelection,
    dates: DateRange,
    *,
    receivers: Sequence[str] | None = None,
    max_broadcasts: int = DEFAULT_MAX_BROADCASTS,
) -> list[OutageReport]:
    """The outage of every selected broadcast over ``dates``, by frequency, time and id.

    Parameters
    ----------
    session
        An open session (only read).
    selection
        The broadcasts.
    dates
        The days; air time is cut to them.
    receivers
        Only these receivers (e.g. those covering the target area), each reported even when it
        observed nothing; default: every receiver that has a segment during the air time.
    max_broadcasts
        Refuse selections matching more broadcasts.

    Raises
    ------
    ReportError
        ``broadcast_not_found`` when nothing matches, ``too_many_broadcasts`` beyond
        ``max_broadcasts``, ``receiver_not_found`` for an unknown receiver.
    """
    only = None if receivers is None else receiver_ids(session, receivers)
    rows = session.scalars(
        select(Broadcast)
        .where(*selection.where())
        .order_by(Broadcast.frequency_hz, Broadcast.start_time, Broadcast.id)
        .limit(max_broadcasts + 1)
    ).all()
    if not rows:
        raise ReportError("broadcast_not_found", f"no broadcast matches {selection.describe()}")
    if len(rows) > max_broadcasts:
        raise ReportError(
            "too_many_broadcasts",
            f"more than {max_broadcasts} broadcasts match {selection.describe()}: narrow it",
        )
    air = {row.id: occurrences(broadcast_of_row(row), dates.start, dates.end) for row in rows}
    by_channel: dict[int, list[Broadcast]] = defaultdict(list)
    for row in rows:
        by_channel[channel_of(row.frequency_hz)].append(row)
    reports: dict[int, OutageReport] = {}
    for channel_hz, on_channel in by_channel.items():
        intervals = [interval for row in on_channel for interval in air[row.id]]
        lanes = _lanes(session, channel_hz, _hull(intervals), only) if intervals else {}
        for row in on_channel:
            chosen = lanes if only is None else {name: lanes.get(name, []) for name in only}
            relevant = {
                name: spans
                for name, spans in chosen.items()
                if only is not None or _overlaps(spans, air[row.id])
            }
            reports[row.id] = outage(_info(row, channel_hz), air[row.id], relevant)
    return [reports[row.id] for row in rows]


def _hull(intervals: Sequence[Interval]) -> Interval:
    return min(on for on, _ in intervals), max(off for _, off in intervals)


def _overlaps(spans: Sequence[Span], air: Sequence[Interval]) -> bool:
    return any(span.start < off and on < span.end for span in spans for on, off in air)


def _lanes(
    session: Session, channel_hz: int, hull: Interval, only: dict[str, int] | None
) -> dict[str, list[Span]]:
    """Each receiver's spans of the channel over ``hull``, sorted."""
    start, end = hull
    ids = None if only is None else list(only.values())
    statement = (
        select(Receiver.name, Segment)
        .join(Receiver, Receiver.id == Segment.receiver_id)
        .where(
            Segment.frequency_hz == channel_hz,
            Segment.start_at >= start,
            Segment.start_at < end,
        )
        .order_by(Segment.start_at)
    )
    if ids is not None:
        statement = statement.where(Segment.receiver_id.in_(ids))
    carried = under_way(
        session,
        span=(channel_hz, channel_hz),
        moment=start,
        receivers=ids,
        jammed_only=False,
    )
    lanes: dict[str, list[Span]] = defaultdict(list)
    for name, segment in [*carried, *session.execute(statement)]:
        lanes[name].append(_span(segment))
    return {name: sorted(spans, key=lambda s: s.start) for name, spans in lanes.items()}


def _span(segment: Segment) -> Span:
    return Span(
        segment.start_at,
        segment.end_at,
        cast(State, segment.state),
        cast(JammerType | None, segment.jammer),
    )


def _info(row: Broadcast, channel_hz: int) -> BroadcastInfo:
    return BroadcastInfo(
        id=row.id,
        frequency_hz=row.frequency_hz,
        channel_hz=channel_hz,
        station=row.station,
        language=row.language,
        target=row.target,
        start_time=row.start_time,
        end_time=row.end_time,
        days=row.days,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        source=row.source,
    )
