"""Reads shared by the reports: date ranges, receivers, and segments under way at a moment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Exists, and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from monitor.reports.errors import ReportError
from monitor.reports.spans import CLEAR_STATES
from monitor.store.models import ChannelDay, Receiver, Segment


@dataclass(frozen=True, slots=True)
class DateRange:
    """UTC dates ``first`` to ``last``, both included; the time range ``[start, end)``."""

    first: date
    last: date

    @classmethod
    def checked(cls, first: date, last: date, *, max_days: int) -> DateRange:
        """The range, after checking its order and length.

        Raises
        ------
        ReportError
            ``invalid_range`` when ``first`` is after ``last``, ``range_too_long`` when it spans
            more than ``max_days`` days.
        """
        if first > last:
            raise ReportError("invalid_range", f"the first day {first} is after the last {last}")
        if (last - first).days + 1 > max_days:
            raise ReportError(
                "range_too_long", f"{first} to {last} is more than {max_days} days: narrow it"
            )
        return cls(first, last)

    @property
    def start(self) -> datetime:
        """Midnight UTC starting the first day."""
        return datetime.combine(self.first, time(), UTC)

    @property
    def end(self) -> datetime:
        """Midnight UTC ending the last day."""
        return datetime.combine(self.last + timedelta(days=1), time(), UTC)

    @property
    def days(self) -> list[date]:
        """Every date of the range in order."""
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def receiver_ids(session: Session, names: Sequence[str]) -> dict[str, int]:
    """The ids of the receivers called ``names``.

    Raises
    ------
    ReportError
        ``receiver_not_found`` naming the first unknown receiver.
    """
    statement = select(Receiver.name, Receiver.id).where(Receiver.name.in_(names))
    found = dict(session.execute(statement).all())
    for name in names:
        if name not in found:
            raise ReportError("receiver_not_found", f"receiver: no receiver called {name!r}")
    return found


def clear_neighbour(segment: type[Segment] | Any, *, before: bool) -> Exists:
    """True where ``segment`` touches an ``empty`` or ``signal`` segment before (or after) it.

    Served by the indexes on ``(receiver_id, frequency_hz, end_at)`` and on
    ``(receiver_id, frequency_hz, start_at)``.
    """
    other = aliased(Segment)
    touching = other.end_at == segment.start_at if before else other.start_at == segment.end_at
    return exists().where(
        other.receiver_id == segment.receiver_id,
        other.frequency_hz == segment.frequency_hz,
        touching,
        other.state.in_(CLEAR_STATES),
    )


def under_way(
    session: Session,
    *,
    span: tuple[int, int],
    moment: datetime,
    receivers: Sequence[int] | None,
    jammed_only: bool,
) -> list[tuple[str, Segment]]:
    """The segments that started before ``moment`` and end after it, with their receiver.

    At most one per receiver and channel in ``span`` (segments of a channel never overlap).
    Only the channels the ``channel_days`` roll-up shows observed (or jammed) on the day of
    ``moment`` are looked at, each with one index seek, so history before ``moment`` is not
    scanned.
    """
    earlier = aliased(Segment)
    latest_start = (
        select(func.max(earlier.start_at))
        .where(
            earlier.receiver_id == ChannelDay.receiver_id,
            earlier.frequency_hz == ChannelDay.frequency_hz,
            earlier.start_at < moment,
        )
        .scalar_subquery()
    )
    where: list[ColumnElement[bool]] = [
        ChannelDay.day == moment.astimezone(UTC).date(),
        ChannelDay.frequency_hz.between(*span),
        (ChannelDay.jammed_s if jammed_only else ChannelDay.observed_s) > 0,
    ]
    if receivers is not None:
        where.append(ChannelDay.receiver_id.in_(receivers))
    pairs = (
        select(ChannelDay.receiver_id, ChannelDay.frequency_hz, latest_start.label("start_at"))
        .where(*where)
        .subquery()
    )
    statement = (
        select(Receiver.name, Segment)
        .join(Receiver, Receiver.id == Segment.receiver_id)
        .join(
            pairs,
            and_(
                Segment.receiver_id == pairs.c.receiver_id,
                Segment.frequency_hz == pairs.c.frequency_hz,
                Segment.start_at == pairs.c.start_at,
            ),
        )
        .where(Segment.end_at > moment)
    )
    if jammed_only:
        statement = statement.where(Segment.state == "jammed")
    return [(name, segment) for name, segment in session.execute(statement)]
