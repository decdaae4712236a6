"""Receivers ingesting the same hours at once, through the app, with real commits."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, aliased

from monitor.store.engine import transaction
from monitor.store.models import IngestBatch, Receiver, Segment
from monitor.store.receivers import add_receiver
from tests.api.conftest import F1, F2, app_on

T0 = datetime(2026, 3, 1, tzinfo=UTC)
BATCHES = 8
RECEIVERS = ("race-a", "race-b")


def iso(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def body(receiver: str, lane: int, index: int) -> dict[str, object]:
    """Batch ``index`` of one of two writers per receiver; the writers overlap by half."""
    start = index * 60 + lane * 30
    state = ("jammed", "signal")[(index + lane) % 2]
    return {
        "batch_id": f"{receiver}-{lane}-{index}",
        "receiver": receiver,
        "start": iso(start),
        "end": iso(start + 60),
        "channels": [F1, F2],
        "segments": [
            {
                "frequency_hz": F1,
                "start": iso(start),
                "end": iso(start + 40),
                "state": state,
                "jammer": "noise" if state == "jammed" else None,
                "confidence": 0.9,
            }
        ],
    }


@pytest.fixture
def keys(migrated_engine: Engine) -> Iterator[dict[str, str]]:
    """Committed receivers with keys, deleted (with everything they stored) afterwards."""
    with transaction(migrated_engine) as session:
        created = {name: add_receiver(session, name)[1] for name in RECEIVERS}
    try:
        yield created
    finally:
        with transaction(migrated_engine) as session:
            session.execute(delete(Receiver).where(Receiver.name.in_(RECEIVERS)))


def overlaps(session: Session) -> int:
    a, b = aliased(Segment), aliased(Segment)
    statement = (
        select(func.count())
        .select_from(a)
        .join(
            b,
            (a.receiver_id == b.receiver_id)
            & (a.frequency_hz == b.frequency_hz)
            & (a.id < b.id)
            & (a.start_at < b.end_at)
            & (b.start_at < a.end_at),
        )
    )
    return session.scalar(statement) or 0


@pytest.mark.slow
def test_two_receivers_ingesting_the_same_hours_at_once(
    migrated_engine: Engine, keys: dict[str, str]
) -> None:
    app = app_on(migrated_engine, None)

    def writer(receiver: str, lane: int) -> list[int]:
        client = TestClient(app)
        headers = {"Authorization": f"Bearer {keys[receiver]}"}
        return [
            client.post(
                "/api/v1/ingest", json=body(receiver, lane, index), headers=headers
            ).status_code
            for index in range(BATCHES)
        ]

    jobs = [(receiver, lane) for receiver in RECEIVERS for lane in (0, 1)]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        statuses = list(pool.map(lambda job: writer(*job), jobs))
    assert statuses == [[201] * BATCHES] * len(jobs)

    covered_s = (BATCHES - 1) * 60 + 30 + 60
    with Session(migrated_engine) as session:
        assert overlaps(session) == 0
        for name in RECEIVERS:
            receiver_id = session.scalar(select(Receiver.id).where(Receiver.name == name))
            batches = session.scalar(
                select(func.count()).where(IngestBatch.receiver_id == receiver_id)
            )
            assert batches == 2 * BATCHES
            for channel in (F1, F2):
                rows = session.execute(
                    select(Segment.start_at, Segment.end_at)
                    .where(Segment.receiver_id == receiver_id, Segment.frequency_hz == channel)
                    .order_by(Segment.start_at)
                ).all()
                assert rows[0].start_at == T0
                assert rows[-1].end_at == T0 + timedelta(seconds=covered_s)
                assert all(a.end_at == b.start_at for a, b in zip(rows, rows[1:], strict=False))
