"""store_analysis on both backends: merging, replacing, idempotency, no overlap, bad input."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsp.vocabulary import STATES, JammerType, Segment
from monitor.store.intervals import Piece, day_totals
from monitor.store.models import ChannelDay, IngestBatch, LatestSegment, Receiver
from monitor.store.models import Segment as SegmentRow
from monitor.store.segments import (
    Batch,
    BatchConflict,
    BatchError,
    StoreResult,
    store_analysis,
    store_batch,
)

T0 = datetime(2026, 2, 16, 12, tzinfo=UTC)
F1, F2 = 6_015_000, 6_020_000


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def seg(
    frequency_hz: int, start_s: float, end_s: float, state: str, confidence: float = 0.9
) -> Segment:
    jammer = "noise" if state == "jammed" else None
    return Segment(frequency_hz, at(start_s), at(end_s), state, jammer, confidence, 20.0)  # type: ignore[arg-type]


def rows(
    session: Session, frequency_hz: int, receiver: str = "seoul"
) -> list[tuple[datetime, datetime, str]]:
    statement = (
        select(SegmentRow.start_at, SegmentRow.end_at, SegmentRow.state)
        .join(Receiver)
        .where(Receiver.name == receiver, SegmentRow.frequency_hz == frequency_hz)
        .order_by(SegmentRow.start_at)
    )
    return [tuple(row) for row in session.execute(statement)]  # type: ignore[misc]


def store(
    session: Session,
    start_s: float,
    end_s: float,
    segments: list[Segment],
    channels: tuple[int, ...] = (F1,),
) -> StoreResult:
    return store_analysis(
        session,
        receiver="seoul",
        channels=channels,
        start=at(start_s),
        end=at(end_s),
        segments=segments,
    )


def test_an_analysis_is_stored_with_unjudged_time_as_unknown(db_session: Session) -> None:
    result = store(db_session, 0, 60, [seg(F1, 10, 40, "jammed")], channels=(F1, F2))
    assert rows(db_session, F1) == [
        (at(0), at(10), "unknown"),
        (at(10), at(40), "jammed"),
        (at(40), at(60), "unknown"),
    ]
    assert rows(db_session, F2) == [(at(0), at(60), "unknown")]
    assert result.rows_inserted == 4
    assert not result.duplicate
    receiver = db_session.scalars(select(Receiver).where(Receiver.name == "seoul")).one()
    assert receiver.api_key_hash is None
    assert receiver.last_data_at is not None
    assert receiver.last_data_at.tzinfo is not None


def test_storing_the_same_recording_twice_changes_nothing(db_session: Session) -> None:
    segments = [seg(F1, 0, 30, "signal"), seg(F1, 30, 60, "jammed")]
    first = store(db_session, 0, 60, segments)
    before = db_session.execute(
        select(SegmentRow.id, SegmentRow.start_at, SegmentRow.confidence)
    ).all()
    second = store(db_session, 0, 60, list(reversed(segments)))
    assert second.duplicate
    assert second.batch_id == first.batch_id
    assert (second.rows_inserted, second.rows_deleted) == (0, 0)
    assert (
        db_session.execute(select(SegmentRow.id, SegmentRow.start_at, SegmentRow.confidence)).all()
        == before
    )
    assert db_session.scalar(select(func.count()).select_from(IngestBatch)) == 1


def test_adjacent_analyses_merge_same_state_segments(db_session: Session) -> None:
    store(db_session, 0, 60, [seg(F1, 0, 60, "jammed", 0.8)])
    store(db_session, 60, 90, [seg(F1, 60, 90, "jammed", 1.0)])
    assert rows(db_session, F1) == [(at(0), at(90), "jammed")]
    confidence = db_session.scalar(select(SegmentRow.confidence))
    assert confidence == pytest.approx((0.8 * 60 + 1.0 * 30) / 90)


def test_a_gap_between_analyses_stays_unobserved(db_session: Session) -> None:
    store(db_session, 0, 60, [seg(F1, 0, 60, "jammed")])
    store(db_session, 120, 180, [seg(F1, 120, 180, "jammed")])
    assert rows(db_session, F1) == [(at(0), at(60), "jammed"), (at(120), at(180), "jammed")]


def test_a_new_analysis_of_stored_time_replaces_it_without_overlap(db_session: Session) -> None:
    store(db_session, 0, 100, [seg(F1, 0, 100, "signal")])
    result = store(db_session, 30, 50, [seg(F1, 30, 50, "jammed")])
    assert rows(db_session, F1) == [
        (at(0), at(30), "signal"),
        (at(30), at(50), "jammed"),
        (at(50), at(100), "signal"),
    ]
    assert (result.rows_deleted, result.rows_inserted) == (1, 3)


def test_receivers_are_kept_apart(db_session: Session) -> None:
    store(db_session, 0, 60, [seg(F1, 0, 60, "jammed")])
    store_analysis(
        db_session,
        receiver="tokyo",
        channels=[F1],
        start=at(0),
        end=at(60),
        segments=[seg(F1, 0, 60, "signal")],
    )
    assert rows(db_session, F1, "seoul") == [(at(0), at(60), "jammed")]
    assert rows(db_session, F1, "tokyo") == [(at(0), at(60), "signal")]


def test_timestamps_come_back_in_utc_whatever_zone_went_in(db_session: Session) -> None:
    seoul_time = datetime(2026, 2, 16, 21, tzinfo=UTC).astimezone(ZoneInfo("Asia/Seoul"))
    store_analysis(
        db_session,
        receiver="seoul",
        channels=[F1],
        start=seoul_time,
        end=seoul_time + timedelta(seconds=5),
        segments=[],
    )
    start = db_session.scalar(select(SegmentRow.start_at))
    assert start == datetime(2026, 2, 16, 21, tzinfo=UTC)
    assert start is not None
    assert start.tzinfo is UTC


@pytest.mark.parametrize(
    ("channels", "start_s", "end_s", "segments", "problem"),
    [
        ((F1,), 60, 0, [], "not before end"),
        ((F1, F1), 0, 60, [], "more than once"),
        ((6_017_000,), 0, 60, [], "raster"),
        ((F1,), 0, 60, [seg(F2, 0, 10, "empty")], "not in the batch's channels"),
        ((F1,), 0, 60, [seg(F1, 50, 70, "empty")], "outside the covered time"),
        ((F1,), 0, 60, [seg(F1, 0, 30, "empty"), seg(F1, 20, 40, "signal")], "overlaps"),
    ],
)
def test_inconsistent_analyses_are_refused(
    db_session: Session,
    channels: tuple[int, ...],
    start_s: float,
    end_s: float,
    segments: list[Segment],
    problem: str,
) -> None:
    with pytest.raises(BatchError, match=problem):
        store(db_session, start_s, end_s, segments, channels)
    assert rows(db_session, F1) == []


def test_naive_bounds_are_refused(db_session: Session) -> None:
    with pytest.raises(BatchError, match="no time zone"):
        store_analysis(
            db_session,
            receiver="seoul",
            channels=[F1],
            start=datetime(2026, 1, 1),
            end=at(0),
            segments=[],
        )


def test_a_batch_id_reused_for_other_content_is_a_conflict(db_session: Session) -> None:
    store(db_session, 0, 10, [])
    receiver = db_session.scalars(select(Receiver).where(Receiver.name == "seoul")).one()
    store_batch(db_session, receiver, "b-1", Batch.checked([F1], at(0), at(10), []))
    with pytest.raises(BatchConflict, match="other content"):
        store_batch(db_session, receiver, "b-1", Batch.checked([F1], at(0), at(20), []))


ANALYSES = st.lists(
    st.tuples(
        st.integers(0, 40),  # start, in hours after T0
        st.integers(1, 30),  # length, hours
        st.lists(
            st.tuples(st.integers(0, 29), st.integers(1, 10), st.sampled_from(STATES)), max_size=4
        ),
    ),
    min_size=1,
    max_size=5,
)


def store_random(session: Session, analyses: list[Any], channels: tuple[int, ...]) -> int:
    """Store ``ANALYSES`` (segments on F1) for a new receiver, one after another; its id."""
    receiver = f"rx-{uuid.uuid4().hex[:8]}"
    for start_h, length_h, pieces in analyses:
        start, end = T0 + timedelta(hours=start_h), T0 + timedelta(hours=start_h + length_h)
        segments, cursor = [], start
        for offset_h, piece_h, state in sorted(pieces):
            piece_start = max(cursor, start + timedelta(hours=offset_h))
            piece_end = min(end, piece_start + timedelta(hours=piece_h))
            if piece_start < piece_end:
                jammer: JammerType | None = "noise" if state == "jammed" else None
                segments.append(Segment(F1, piece_start, piece_end, state, jammer, 0.5))
                cursor = piece_end
        store_analysis(
            session, receiver=receiver, channels=channels, start=start, end=end, segments=segments
        )
    return session.scalars(select(Receiver.id).where(Receiver.name == receiver)).one()


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(analyses=ANALYSES)
def test_the_day_rollup_always_equals_the_segments(
    db_session: Session, analyses: list[Any]
) -> None:
    receiver_id = store_random(db_session, analyses, (F1,))
    stored = db_session.scalars(
        select(SegmentRow).where(SegmentRow.receiver_id == receiver_id)
    ).all()
    expected = day_totals(
        [Piece(s.start_at, s.end_at, s.state, s.jammer, s.confidence, None, {}) for s in stored],  # type: ignore[arg-type]
        T0,
        T0 + timedelta(days=5),
    )
    rollup = {
        row.day: (row.observed_s, row.judged_s, row.jammed_s)
        for row in db_session.scalars(
            select(ChannelDay).where(ChannelDay.receiver_id == receiver_id)
        )
        if row.observed_s > 1e-6
    }
    assert rollup.keys() == {day for day, totals in expected.items() if totals.observed_s > 0}
    for day, (observed, judged, jammed) in rollup.items():
        assert (observed, judged, jammed) == pytest.approx(
            (expected[day].observed_s, expected[day].judged_s, expected[day].jammed_s), abs=1e-6
        )


def latest(session: Session) -> dict[int, tuple[datetime, datetime, str]]:
    """The latest-segment table of receiver seoul, by channel."""
    statement = (
        select(LatestSegment)
        .join(Receiver)
        .where(Receiver.name == "seoul")
        .order_by(LatestSegment.frequency_hz)
    )
    return {
        row.frequency_hz: (row.start_at, row.end_at, row.state)
        for row in session.scalars(statement)
    }


def test_the_latest_segment_follows_the_newest_time_not_the_newest_analysis(
    db_session: Session,
) -> None:
    store(db_session, 60, 120, [seg(F1, 60, 120, "jammed")], channels=(F1, F2))
    assert latest(db_session) == {
        F1: (at(60), at(120), "jammed"),
        F2: (at(60), at(120), "unknown"),
    }
    store(db_session, 0, 30, [seg(F1, 0, 30, "signal")])  # older time: the latest stays
    assert latest(db_session)[F1] == (at(60), at(120), "jammed")
    store(db_session, 90, 100, [seg(F1, 90, 100, "empty")])  # inside: the tail is still latest
    assert latest(db_session)[F1] == (at(100), at(120), "jammed")
    store(db_session, 110, 130, [seg(F1, 110, 130, "jammed")])  # merges with the tail
    assert latest(db_session)[F1] == (at(100), at(130), "jammed")
    assert latest(db_session)[F2] == (at(60), at(120), "unknown")


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(analyses=ANALYSES)
def test_the_latest_segment_table_always_holds_the_last_stored_segment(
    db_session: Session, analyses: list[Any]
) -> None:
    receiver_id = store_random(db_session, analyses, (F1, F2))
    columns = (SegmentRow.start_at, SegmentRow.end_at, SegmentRow.state, SegmentRow.confidence)
    last = {
        channel: tuple(
            db_session.execute(
                select(*columns)
                .where(SegmentRow.receiver_id == receiver_id, SegmentRow.frequency_hz == channel)
                .order_by(SegmentRow.end_at.desc())
                .limit(1)
            ).one()
        )
        for channel in (F1, F2)
    }
    kept = {
        row.frequency_hz: (row.start_at, row.end_at, row.state, row.confidence)
        for row in db_session.scalars(
            select(LatestSegment).where(LatestSegment.receiver_id == receiver_id)
        )
    }
    assert kept == last


def two_channel_batch(rule: str | None = None) -> Batch:
    return Batch.checked(
        [F1, F2],
        at(0),
        at(60),
        [
            Segment(F1, at(8), at(37), "jammed", "noise", 0.97, 31.5, {"flatness": 0.93}, rule),
            Segment(F2, at(0), at(60), "signal", None, 0.8),
        ],
    )


def test_a_batch_without_rules_keeps_the_digest_it_had_before_rules_were_stored() -> None:
    # the digest of this batch before segments had a rule column: repeats still match
    before = "6f9930362ca449cab478a1a193aa212a13eb4989817062e1905c2ca2afc06fcc"
    assert two_channel_batch().digest() == before
    assert two_channel_batch("steady").digest() != before


def test_the_deciding_rule_is_stored_and_a_joined_segment_keeps_the_longer_ones(
    db_session: Session,
) -> None:
    jammed = [Segment(F1, at(0), at(40), "jammed", "noise", 0.9, rule="steady")]
    store(db_session, 0, 40, jammed)
    store(db_session, 40, 60, [Segment(F1, at(40), at(60), "jammed", "noise", 0.9, rule="noise")])
    assert db_session.execute(
        select(SegmentRow.start_at, SegmentRow.end_at, SegmentRow.rule)
    ).all() == [(at(0), at(60), "steady")]
