"""Daily jamming read from the database: the roll-up, jammed extents and transitions.

Three grouped queries whose results are bounded by receivers x channels x days (x 24 hours for
transitions), then :func:`monitor.reports.daily.daily_series` in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from monitor.reports.daily import (
    ChannelDayTotals,
    JammedExtent,
    JammingSeries,
    StandoutRule,
    TransitionCount,
    TransitionKind,
    daily_series,
)
from monitor.reports.reads import DateRange, clear_neighbour, receiver_ids, under_way
from monitor.reports.sql import utc_day, utc_hour
from monitor.store.models import ChannelDay, Receiver, Segment


def daily_jamming(
    session: Session,
    *,
    span: tuple[int, int],
    dates: DateRange,
    scope: Literal["channel", "band"],
    band_name: str | None = None,
    receiver: str | None = None,
    rule: StandoutRule | None = None,
) -> list[JammingSeries]:
    """Per receiver, the daily jamming of each channel in ``span``, or of the band as a whole.

    Parameters
    ----------
    session
        An open session (only read).
    span
        Inclusive ``(low_hz, high_hz)`` of the channels.
    dates
        The days to report.
    scope
        ``"channel"``: a series per channel; ``"band"``: one series adding up every channel
        of ``span`` (named ``band_name``).
    band_name
        The band's name, required for the band scope.
    receiver
        Only this receiver (default: every receiver with data).
    rule
        When a day stands out (default: :class:`StandoutRule` defaults).

    Raises
    ------
    ReportError
        ``receiver_not_found`` for an unknown receiver.
    ValueError
        For the band scope without ``band_name``.
    """
    if scope == "band" and band_name is None:
        raise ValueError("the band scope needs band_name")
    only = None if receiver is None else list(receiver_ids(session, [receiver]).values())
    series_of: Callable[[int], str] = (
        (lambda _frequency_hz: str(band_name)) if scope == "band" else str
    )
    carried = under_way(session, span=span, moment=dates.start, receivers=only, jammed_only=True)
    return daily_series(
        _totals(session, span, dates, only),
        _extents(session, span, dates, only, carried),
        _transitions(session, span, dates, only, carried),
        dates.days,
        series_of=series_of,
        scope=scope,
        rule=rule or StandoutRule(),
    )


def _totals(
    session: Session, span: tuple[int, int], dates: DateRange, only: Sequence[int] | None
) -> list[ChannelDayTotals]:
    statement = (
        select(
            Receiver.name,
            ChannelDay.frequency_hz,
            ChannelDay.day,
            ChannelDay.observed_s,
            ChannelDay.judged_s,
            ChannelDay.jammed_s,
        )
        .join(Receiver, Receiver.id == ChannelDay.receiver_id)
        .where(
            ChannelDay.day.between(dates.first, dates.last),
            ChannelDay.frequency_hz.between(*span),
            ChannelDay.observed_s > 0,
        )
    )
    if only is not None:
        statement = statement.where(ChannelDay.receiver_id.in_(only))
    return [ChannelDayTotals(*row) for row in session.execute(statement)]


def _jammed(span: tuple[int, int], only: Sequence[int] | None) -> list[ColumnElement[bool]]:
    where = [Segment.state == "jammed", Segment.frequency_hz.between(*span)]
    if only is not None:
        where.append(Segment.receiver_id.in_(only))
    return where


def _starts_in(dates: DateRange) -> ColumnElement[bool]:
    return and_(Segment.start_at >= dates.start, Segment.start_at < dates.end)


def _extents(
    session: Session,
    span: tuple[int, int],
    dates: DateRange,
    only: Sequence[int] | None,
    carried: Sequence[tuple[str, Segment]],
) -> list[JammedExtent]:
    """Per receiver, channel and start day, the jammed segments' first start and last end."""
    day = utc_day(Segment.start_at)
    statement = (
        select(
            Receiver.name,
            Segment.frequency_hz,
            day,
            func.min(Segment.start_at),
            func.max(Segment.end_at),
        )
        .join(Receiver, Receiver.id == Segment.receiver_id)
        .where(*_jammed(span, only), _starts_in(dates))
        .group_by(Receiver.name, Segment.frequency_hz, day)
    )
    found = [JammedExtent(*row) for row in session.execute(statement)]
    return found + [
        JammedExtent(name, segment.frequency_hz, dates.first, dates.start, segment.end_at)
        for name, segment in carried
    ]


def _transitions(
    session: Session,
    span: tuple[int, int],
    dates: DateRange,
    only: Sequence[int] | None,
    carried: Sequence[tuple[str, Segment]],
) -> list[TransitionCount]:
    """Observed onsets per hour of their start, observed ends per hour of their end."""
    carried_ids = [segment.id for _, segment in carried]
    queries: tuple[tuple[TransitionKind, Any, list[ColumnElement[bool]]], ...] = (
        ("onset", Segment.start_at, [_starts_in(dates), clear_neighbour(Segment, before=True)]),
        (
            "end",
            Segment.end_at,
            [
                or_(_starts_in(dates), Segment.id.in_(carried_ids)),
                Segment.end_at < dates.end,
                clear_neighbour(Segment, before=False),
            ],
        ),
    )
    counts: list[TransitionCount] = []
    for kind, moment, where in queries:
        day, hour = utc_day(moment), utc_hour(moment)
        statement = (
            select(Receiver.name, Segment.frequency_hz, day, hour, func.count())
            .join(Receiver, Receiver.id == Segment.receiver_id)
            .where(*_jammed(span, only), *where)
            .group_by(Receiver.name, Segment.frequency_hz, day, hour)
        )
        counts += [
            TransitionCount(name, frequency_hz, on, at_hour, kind, count)
            for name, frequency_hz, on, at_hour, count in session.execute(statement)
        ]
    return counts
