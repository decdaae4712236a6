"""POST /api/v1/ingest and /heartbeat: auth, validation, idempotency, all-or-nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.store.models import Heartbeat, IngestBatch
from monitor.store.models import Segment as SegmentRow
from monitor.store.receivers import revoke_receiver
from tests.api.conftest import F1, F2

NewReceiver = Callable[[str], str]


def batch(batch_id: str = "b-1", receiver: str = "pi-1", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "batch_id": batch_id,
        "receiver": receiver,
        "start": "2026-02-16T12:00:00Z",
        "end": "2026-02-16T12:01:00Z",
        "channels": [F1, F2],
        "segments": [
            {
                "frequency_hz": F1,
                "start": "2026-02-16T12:00:08Z",
                "end": "2026-02-16T12:00:37Z",
                "state": "jammed",
                "jammer": "noise",
                "confidence": 0.97,
                "snr_db": 31.5,
                "metrics": {"flatness": 0.93},
                "extra_field": "ignored",
            },
            {
                "frequency_hz": F2,
                "start": "2026-02-16T12:00:00Z",
                "end": "2026-02-16T12:01:00Z",
                "state": "signal",
                "confidence": 0.8,
            },
        ],
    }
    body.update(changes)
    return body


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def segment_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SegmentRow)) or 0


def test_a_batch_is_stored_once(
    client: TestClient, new_receiver: NewReceiver, db_session: Session
) -> None:
    key = new_receiver("pi-1")
    first = client.post("/api/v1/ingest", json=batch(), headers=auth(key))
    assert first.status_code == 201, first.text
    assert first.json() == {
        "batch_id": "b-1",
        "receiver": "pi-1",
        "duplicate": False,
        "rows_inserted": 4,
        "rows_deleted": 0,
    }
    stored = segment_count(db_session)
    again = client.post("/api/v1/ingest", json=batch(), headers=auth(key))
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert segment_count(db_session) == stored == 4
    assert db_session.scalar(select(func.count()).select_from(IngestBatch)) == 1
    assert db_session.scalar(select(func.count()).select_from(Heartbeat)) == 1


def test_the_deciding_rule_and_the_metrics_are_stored_when_sent(
    client: TestClient, new_receiver: NewReceiver, db_session: Session
) -> None:
    key = new_receiver("pi-1")
    body = batch(segments=[_segment(rule="steady"), batch()["segments"][1]])
    assert client.post("/api/v1/ingest", json=body, headers=auth(key)).status_code == 201
    stored = db_session.execute(
        select(SegmentRow.frequency_hz, SegmentRow.state, SegmentRow.rule, SegmentRow.metrics)
        .where(SegmentRow.state != "unknown")
        .order_by(SegmentRow.frequency_hz)
    ).all()
    assert stored == [(F1, "jammed", "steady", {"flatness": 0.93}), (F2, "signal", None, {})]


def test_a_batch_id_reused_with_other_content_is_409(
    client: TestClient, new_receiver: NewReceiver
) -> None:
    key = new_receiver("pi-1")
    assert client.post("/api/v1/ingest", json=batch(), headers=auth(key)).status_code == 201
    response = client.post(
        "/api/v1/ingest", json=batch(end="2026-02-16T12:02:00Z"), headers=auth(key)
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "batch_conflict"


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "missing_credentials"),
        ({"Authorization": "Basic cGk6cGk="}, 401, "missing_credentials"),
        ({"Authorization": "Bearer jw_not-a-key"}, 401, "invalid_api_key"),
    ],
)
def test_requests_without_a_valid_key_are_refused(
    client: TestClient,
    new_receiver: NewReceiver,
    db_session: Session,
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    new_receiver("pi-1")
    response = client.post("/api/v1/ingest", json=batch(), headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.headers.get("www-authenticate") == "Bearer"
    assert segment_count(db_session) == 0


def test_a_revoked_key_is_refused(
    client: TestClient, new_receiver: NewReceiver, db_session: Session
) -> None:
    key = new_receiver("pi-1")
    revoke_receiver(db_session, "pi-1")
    db_session.commit()
    response = client.post("/api/v1/ingest", json=batch(), headers=auth(key))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "api_key_revoked"
    assert segment_count(db_session) == 0


def test_a_key_cannot_write_another_receiver(
    client: TestClient, new_receiver: NewReceiver, db_session: Session
) -> None:
    key = new_receiver("pi-1")
    new_receiver("pi-2")
    response = client.post("/api/v1/ingest", json=batch(receiver="pi-2"), headers=auth(key))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "receiver_mismatch"
    heartbeat = client.post("/api/v1/heartbeat", json={"receiver": "pi-2"}, headers=auth(key))
    assert heartbeat.status_code == 403
    assert segment_count(db_session) == 0


def _segment(**changes: Any) -> dict[str, Any]:
    return {**batch()["segments"][0], **changes}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"channels": [6_015_001]}, "invalid_parameter"),
        ({"channels": [40_000_000]}, "invalid_parameter"),
        ({"channels": []}, "invalid_parameter"),
        ({"start": "2026-02-16T12:00:00"}, "invalid_parameter"),
        ({"start": "0001-01-01T00:30:00+01:00"}, "invalid_parameter"),
        ({"end": "9999-12-31T23:00:00-02:00"}, "invalid_parameter"),
        ({"segments": [_segment(start="0001-01-01T00:30:00+01:00")]}, "invalid_parameter"),
        ({"start": "2026-02-16T12:02:00Z"}, "invalid_batch"),
        ({"channels": [F1, F1]}, "invalid_batch"),
        ({"batch_id": ""}, "invalid_parameter"),
        ({"batch_id": "x" * 129}, "invalid_parameter"),
        ({"batch_id": "with space"}, "invalid_parameter"),
        ({"segments": [_segment(state="jamming")]}, "invalid_parameter"),
        ({"segments": [_segment(jammer="laser")]}, "invalid_parameter"),
        ({"segments": [_segment(jammer=None)]}, "invalid_parameter"),
        ({"segments": [_segment(state="empty")]}, "invalid_parameter"),
        ({"segments": [_segment(confidence=1.5)]}, "invalid_parameter"),
        ({"segments": [_segment(frequency_hz=6_015_500)]}, "invalid_parameter"),
        ({"segments": [_segment(end="2026-02-16T12:00:08Z")]}, "invalid_parameter"),
        ({"segments": [_segment(end="2026-02-16T12:05:00Z")]}, "invalid_batch"),
        ({"segments": [_segment(frequency_hz=7_200_000)]}, "invalid_batch"),
        (
            {
                "segments": [
                    _segment(),
                    _segment(start="2026-02-16T12:00:30Z", end="2026-02-16T12:00:50Z"),
                ]
            },
            "invalid_batch",
        ),
        ({"segments": [_segment(metrics={"x": "nan"})]}, "invalid_parameter"),
        ({"segments": [_segment(rule="two words")]}, "invalid_parameter"),
        ({"segments": [_segment(rule="r" * 33)]}, "invalid_parameter"),
        ({"segments": "all of them"}, "invalid_parameter"),
    ],
)
def test_every_field_is_validated_and_a_bad_batch_stores_nothing(
    client: TestClient,
    new_receiver: NewReceiver,
    db_session: Session,
    changes: dict[str, Any],
    code: str,
) -> None:
    key = new_receiver("pi-1")
    response = client.post("/api/v1/ingest", json=batch(**changes), headers=auth(key))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    assert segment_count(db_session) == 0
    assert db_session.scalar(select(func.count()).select_from(IngestBatch)) == 0


def test_a_body_that_is_not_json_is_422(client: TestClient, new_receiver: NewReceiver) -> None:
    key = new_receiver("pi-1")
    response = client.post(
        "/api/v1/ingest",
        content=b"{not json",
        headers={**auth(key), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_parameter"


def test_batch_length_and_request_size_are_bounded(
    migrated_engine: Any, db_session: Session, new_receiver: NewReceiver
) -> None:
    from api.settings import ApiSettings
    from tests.api.conftest import app_on

    key = new_receiver("pi-1")
    settings = ApiSettings(ingest_max_segments=1, ingest_max_bytes=4096)
    small = TestClient(app_on(migrated_engine, db_session, settings))
    too_long = small.post("/api/v1/ingest", json=batch(), headers=auth(key))
    assert too_long.status_code == 422
    assert "more than 1 segments" in too_long.json()["error"]["message"]
    big = batch(source="x" * 400, segments=[_segment()] * 40)
    declared = small.post("/api/v1/ingest", json=big, headers=auth(key))
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "request_too_large"

    def chunks() -> Any:
        yield b'{"batch_id": "b-2", "segments": ['
        for _ in range(100):
            yield b'{"frequency_hz": 6015000, "state": "empty"},' * 2
        yield b"]}"

    streamed = small.post(
        "/api/v1/ingest",
        content=chunks(),
        headers={**auth(key), "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    assert streamed.json()["error"]["code"] == "request_too_large"
    assert segment_count(db_session) == 0


def test_a_heartbeat_is_recorded(
    client: TestClient, new_receiver: NewReceiver, db_session: Session
) -> None:
    key = new_receiver("pi-1")
    response = client.post(
        "/api/v1/heartbeat",
        json={"receiver": "pi-1", "detail": {"dongle": "ok"}},
        headers=auth(key),
    )
    assert response.status_code == 204
    detail = db_session.scalar(select(Heartbeat.detail))
    assert detail == {"dongle": "ok"}
    receivers = client.get("/api/v1/receivers").json()["data"]
    assert receivers[0]["last_heartbeat_at"] is not None


def test_a_heartbeat_is_not_data(client: TestClient, new_receiver: NewReceiver) -> None:
    key = new_receiver("pi-1")
    client.post("/api/v1/heartbeat", json={"receiver": "pi-1"}, headers=auth(key))
    (receiver,) = client.get("/api/v1/receivers").json()["data"]
    assert receiver["last_heartbeat_at"] is not None
    assert receiver["last_data_at"] is None
