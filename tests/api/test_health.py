"""Health, readiness, metrics, the read token, and a database that is down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session

from api.settings import ApiSettings
from monitor.store.engine import make_engine
from monitor.store.receivers import add_receiver, record_heartbeat, revoke_receiver
from monitor.store.settings import DatabaseSettings
from tests.api.conftest import app_on


def test_live_answers(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "alive"}


def test_ready_when_the_database_answers_and_heartbeats_are_fresh(
    client: TestClient, db_session: Session
) -> None:
    receiver, _ = add_receiver(db_session, "pi-1")
    record_heartbeat(db_session, receiver.id, datetime.now(UTC), {})
    db_session.commit()
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "stale_receivers": []}


def test_not_ready_while_an_active_receiver_is_silent(
    client: TestClient, db_session: Session
) -> None:
    old = datetime.now(UTC) - timedelta(hours=1)
    for name in ("pi-1", "pi-2"):
        receiver, _ = add_receiver(db_session, name)
        record_heartbeat(db_session, receiver.id, old, {})
    revoke_receiver(db_session, "pi-2")
    db_session.commit()
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "not_ready", "database": "ok", "stale_receivers": ["pi-1"]}


def test_a_database_that_is_down_gives_503_not_500(tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    missing.mkdir()
    engine = make_engine(DatabaseSettings(url=f"sqlite:///{missing}/jamwatch.db"))
    missing.rmdir()
    app = TestClient(app_on(engine, None), raise_server_exceptions=False)
    ready = app.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json()["database"] == "unavailable"
    read = app.get("/api/v1/receivers")
    assert read.status_code == 503
    assert read.json()["error"]["code"] == "database_unavailable"
    engine.dispose()


def test_metrics_count_requests_by_route(client: TestClient) -> None:
    client.get("/api/v1/receivers")
    client.get("/api/v1/receivers/nobody")
    text = client.get("/metrics").text
    assert 'jamwatch_http_requests_total{method="GET",route="read_receivers",status="200"}' in text
    assert 'route="read_receiver",status="404"' in text
    assert "jamwatch_http_request_duration_seconds_bucket" in text


def test_a_configured_read_token_guards_the_reads(
    migrated_engine: Any, db_session: Session
) -> None:
    settings = ApiSettings(read_token=SecretStr("s3cret"))
    client = TestClient(app_on(migrated_engine, db_session, settings))
    missing = client.get("/api/v1/receivers")
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "missing_credentials"
    wrong = client.get("/api/v1/receivers", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_read_token"
    assert (
        client.get("/api/v1/receivers", headers={"Authorization": "Bearer s3cret"}).status_code
        == 200
    )
    assert client.get("/health/live").status_code == 200
    assert client.get("/openapi.json").status_code == 200
