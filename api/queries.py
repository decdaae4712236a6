"""Read queries behind the API: receivers, current channel states, timelines, windows, days.

Each takes the request's session and checked parameters and returns response models.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVarTuple, cast

from sqlalchemy import ColumnElement, Result, Select, select
from sqlalchemy.orm import Session, aliased

from api.deps import DayRange, TimeRange
from api.errors import ApiError
from api.schemas import (
    ChannelState,
    DaySummary,
    Interval,
    Lane,
    ReceiverPublic,
    TimelinePublic,
    TimelineState,
    Window,
)
from api.sql import seconds_between
from dsp.vocabulary import JammerType, State
from monitor.store.models import ChannelDay, Heartbeat, LatestSegment, Receiver, Segment


def list_receivers(session: Session) -> list[ReceiverPublic]:
    """Every receiver with its latest heartbeat, by name."""
    statement = (
        select(Receiver, Heartbeat.seen_at)
        .outerjoin(Heartbeat, Heartbeat.receiver_id == Receiver.id)
        .order_by(Receiver.name)
    )
    return [
        ReceiverPublic(
            name=receiver.name,
            location=receiver.location,
            notes=receiver.notes,
            created_at=receiver.created_at,
            revoked=receiver.revoked,
            last_data_at=receiver.last_data_at,
            last_heartbeat_at=seen_at,
        )
        for receiver, seen_at in session.execute(statement)
    ]


def receiver_id(session: Session, name: str | None) -> int | None:
    """The id of the receiver called ``name`` (None for None); 404 when there is none."""
    if name is None:
        return None
    found = session.scalar(select(Receiver.id).where(Receiver.name == name))
    if found is None:
        raise ApiError(404, "receiver_not_found", f"no receiver called {name!r}")
    return found


_Ts = TypeVarTuple("_Ts")


def _rows(session: Session, statement: Select[*_Ts]) -> Result[*_Ts]:
    """Plain rows of a column query, without the ORM's loading machinery (2-3 ms per 1000)."""
    return session.connection().execute(statement)


def _paged(items: Sequence[Any], limit: int, offset: int) -> tuple[list[Any], int | None]:
    """The first ``limit`` of ``items`` (fetched with one extra) and the next offset."""
    more = len(items) > limit
    return list(items[:limit]), offset + limit if more else None


def channel_states(
    session: Session,
    *,
    span: tuple[int, int] | None,
    receiver: int | None,
    now: datetime,
    max_age_s: float,
    limit: int,
    offset: int,
) -> tuple[list[ChannelState], int | None]:
    """The latest segment of each channel and receiver, ``unobserved`` when too old."""
    statement = (
        select(LatestSegment, Receiver.name)
        .join(Receiver, Receiver.id == LatestSegment.receiver_id)
        .order_by(Receiver.name, LatestSegment.frequency_hz)
        .limit(limit + 1)
        .offset(offset)
    )
    if span is not None:
        statement = statement.where(LatestSegment.frequency_hz.between(*span))
    if receiver is not None:
        statement = statement.where(LatestSegment.receiver_id == receiver)
    stale_before = now - timedelta(seconds=max_age_s)
    rows, next_offset = _paged(session.execute(statement).all(), limit, offset)
    return [
        ChannelState(
            receiver=name,
            frequency_hz=latest.frequency_hz,
            state="unobserved" if latest.end_at < stale_before else cast(State, latest.state),
            last_state=cast(State, latest.state),
            jammer=cast("JammerType | None", latest.jammer),
            confidence=latest.confidence,
            since=latest.start_at,
            last_observed_at=latest.end_at,
        )
        for latest, name in rows
    ], next_offset


def timeline(
    session: Session,
    *,
    frequency_hz: int,
    receiver: int | None,
    receiver_name: str | None,
    window: TimeRange,
    limit: int,
) -> TimelinePublic:
    """The segments of one frequency in ``window``, per receiver, with unobserved gaps.

    At most ``limit`` segments that start inside the window are read (plus the one segment per
    receiver that is under way at its start); when there are more, the page ends where the
    first segment left out starts, and ``next_start`` says where to continue.
    """
    where = [Segment.frequency_hz == frequency_hz]
    if receiver is not None:
        where.append(Segment.receiver_id == receiver)
    # the one segment per receiver under way at the start (served by the unique index)
    lane_receiver, earlier = aliased(Receiver), aliased(Segment)
    latest_before = (
        select(earlier.id)
        .where(
            earlier.receiver_id == lane_receiver.id,
            earlier.frequency_hz == frequency_hz,
            earlier.start_at <= window.start,
        )
        .order_by(earlier.start_at.desc())
        .limit(1)
        .correlate(lane_receiver)
        .scalar_subquery()
    )
    first_ids = select(latest_before).select_from(lane_receiver).correlate(None)
    if receiver is not None:
        first_ids = first_ids.where(lane_receiver.id == receiver)
    # by id alone: SQLite would otherwise walk the channel's whole history on its index
    under_way = _rows(
        session, _with_receiver(Segment.id.in_(first_ids), Segment.end_at > window.start)
    ).all()
    later = _rows(
        session,
        _with_receiver(*where, Segment.start_at > window.start, Segment.start_at < window.end)
        .order_by(Segment.start_at, Segment.receiver_id)
        .limit(limit + 1),
    ).all()
    until = later[limit].start_at if len(later) > limit else window.end
    lanes: dict[str, list[Interval]] = {receiver_name: []} if receiver_name else {}
    cursors: dict[str, datetime] = {}
    for segment in sorted([*under_way, *later[:limit]], key=lambda r: (r.name, r.start_at)):
        name = segment.name
        start, end = max(segment.start_at, window.start), min(segment.end_at, until)
        if start >= end:
            continue
        lane = lanes.setdefault(name, [])
        cursor = cursors.get(name, window.start)
        if start > cursor:
            lane.append(Interval(start=cursor, end=start, state="unobserved"))
        lane.append(
            Interval(
                start=start,
                end=end,
                state=cast(TimelineState, segment.state),
                jammer=cast("JammerType | None", segment.jammer),
                confidence=segment.confidence,
                snr_db=segment.snr_db,
            )
        )
        cursors[name] = end
    for name, lane in lanes.items():
        cursor = cursors.get(name, window.start)
        if cursor < until:
            lane.append(Interval(start=cursor, end=until, state="unobserved"))
    return TimelinePublic(
        frequency_hz=frequency_hz,
        start=window.start,
        until=until,
        end=window.end,
        next_start=until if until < window.end else None,
        lanes=[Lane(receiver=name, intervals=lanes[name]) for name in sorted(lanes)],
    )


def _with_receiver(
    *where: Any,
) -> Select[datetime, datetime, str, str | None, float, float | None, int, str]:
    """The columns of matching segments and their receiver's name (plain rows, no ORM objects)."""
    return (
        select(
            Segment.start_at,
            Segment.end_at,
            Segment.state,
            Segment.jammer,
            Segment.confidence,
            Segment.snr_db,
            Segment.frequency_hz,
            Receiver.name,
        )
        .join(Receiver, Receiver.id == Segment.receiver_id)
        .where(*where)
    )


@dataclass(frozen=True, slots=True)
class WindowFilter:
    """Which jamming windows to list: all given conditions hold."""

    window: TimeRange
    span: tuple[int, int] | None = None
    receiver: int | None = None
    jammer: JammerType | None = None
    min_duration_s: float = 0.0

    def statement(
        self,
    ) -> Select[datetime, datetime, str, str | None, float, float | None, int, str]:
        """Jammed segments overlapping the time range, ordered by start, frequency, receiver."""
        where = [
            Segment.state == "jammed",
            Segment.start_at < self.window.end,
            Segment.end_at > self.window.start,
        ]
        if self.span is not None:
            where.append(Segment.frequency_hz.between(*self.span))
        if self.receiver is not None:
            where.append(Segment.receiver_id == self.receiver)
        if self.jammer is not None:
            where.append(Segment.jammer == self.jammer)
        if self.min_duration_s > 0:
            where.append(seconds_between(Segment.start_at, Segment.end_at) >= self.min_duration_s)
        return _with_receiver(*where).order_by(
            Segment.start_at, Segment.frequency_hz, Receiver.name
        )


def _window(segment: Any) -> Window:
    return Window(
        receiver=segment.name,
        frequency_hz=segment.frequency_hz,
        start=segment.start_at,
        end=segment.end_at,
        duration_s=(segment.end_at - segment.start_at).total_seconds(),
        jammer=cast(JammerType, segment.jammer),
        confidence=segment.confidence,
        snr_db=segment.snr_db,
    )


def windows(
    session: Session, selection: WindowFilter, *, limit: int, offset: int
) -> tuple[list[Window], int | None]:
    """One page of jamming windows."""
    rows = _rows(session, selection.statement().limit(limit + 1).offset(offset)).all()
    page, next_offset = _paged(rows, limit, offset)
    return [_window(segment) for segment in page], next_offset


def all_windows(session: Session, selection: WindowFilter, *, max_rows: int) -> list[Window]:
    """Every matching window, for an export; ``too_many_rows`` beyond ``max_rows``."""
    rows = _rows(session, selection.statement().limit(max_rows + 1)).all()
    if len(rows) > max_rows:
        raise ApiError(400, "too_many_rows", f"more than {max_rows} windows: narrow the query")
    return [_window(segment) for segment in rows]


def daily_summary(
    session: Session,
    *,
    span: tuple[int, int] | None,
    receiver: int | None,
    days: DayRange,
    limit: int,
    offset: int,
) -> tuple[list[DaySummary], int | None]:
    """Hours observed, judged and jammed per UTC day, channel and receiver.

    Read from the ``channel_days`` roll-up. Every day of the range is listed for each channel
    and receiver with data in the range (ordered by receiver name and frequency); days without
    data show zero observed hours and a null duty cycle. Only the channels of the requested page
    are read: the pairs come from ``latest_segments`` (one row per channel and receiver), each
    probed for data in the range.
    """
    where = [ChannelDay.day.between(days.first, days.last), ChannelDay.observed_s > 0]
    # the (receiver, channel) pairs come from the latest-segment table, one row per pair, each
    # checked for data in the range: the page's pairs cost a probe each, not the whole band
    has_data = (
        select(ChannelDay.day)
        .where(
            ChannelDay.receiver_id == LatestSegment.receiver_id,
            ChannelDay.frequency_hz == LatestSegment.frequency_hz,
            *where,
        )
        .exists()
    )
    candidates: list[ColumnElement[bool]] = [has_data]
    if span is not None:
        candidates.append(LatestSegment.frequency_hz.between(*span))
    if receiver is not None:
        candidates.append(LatestSegment.receiver_id == receiver)
    per_pair = len(days.days)
    first_pair, skip = divmod(offset, per_pair)
    wanted = -(-(skip + limit) // per_pair)  # pairs that hold the page
    pairs = _rows(
        session,
        select(Receiver.name, LatestSegment.receiver_id, LatestSegment.frequency_hz)
        .join(Receiver, Receiver.id == LatestSegment.receiver_id)
        .where(*candidates)
        .order_by(Receiver.name, LatestSegment.frequency_hz)
        .limit(wanted + 1)
        .offset(first_pair),
    ).all()
    more_pairs = len(pairs) > wanted
    pairs = pairs[:wanted]
    stored: dict[tuple[int, int], dict[date, tuple[float, float, float]]] = defaultdict(dict)
    if pairs:
        # the receivers' and frequencies' lists, not the pairs' (which SQLite cannot look up
        # on an index): rows of other pairs in that product are not asked for below
        for row in _rows(
            session,
            select(
                ChannelDay.receiver_id,
                ChannelDay.frequency_hz,
                ChannelDay.day,
                ChannelDay.observed_s,
                ChannelDay.judged_s,
                ChannelDay.jammed_s,
            ).where(
                *where,
                ChannelDay.receiver_id.in_({pair.receiver_id for pair in pairs}),
                ChannelDay.frequency_hz.in_({pair.frequency_hz for pair in pairs}),
            ),
        ):
            stored[(row.receiver_id, row.frequency_hz)][row.day] = (
                row.observed_s,
                row.judged_s,
                row.jammed_s,
            )
    rows = [
        _day(
            pair.name,
            pair.frequency_hz,
            day,
            stored[(pair.receiver_id, pair.frequency_hz)].get(day),
        )
        for pair in pairs
        for day in days.days
    ]
    page = rows[skip : skip + limit]
    more = more_pairs or skip + limit < len(rows)
    return page, offset + limit if more else None


def _day(
    name: str, frequency_hz: int, day: date, totals: tuple[float, float, float] | None
) -> DaySummary:
    observed, judged, jammed = totals or (0.0, 0.0, 0.0)
    return DaySummary(
        receiver=name,
        frequency_hz=frequency_hz,
        date=day,
        observed_h=observed / 3600.0,
        judged_h=judged / 3600.0,
        jammed_h=jammed / 3600.0,
        unknown_h=(observed - judged) / 3600.0,
        unobserved_h=max(0.0, 24.0 - observed / 3600.0),
        duty_cycle=jammed / judged if judged > 0 else None,
    )
