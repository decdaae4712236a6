"""The OpenAPI schema, and a property-based run of every operation in it: no 5xx, ever."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.main import create_app
from api.settings import ApiSettings
from monitor.store.engine import make_engine
from monitor.store.settings import DatabaseSettings
from tests.api.conftest import F1, Store, app_on, seg

OPERATIONS = {
    ("GET", "/api/v1/receivers"),
    ("GET", "/api/v1/receivers/{name}"),
    ("GET", "/api/v1/channels"),
    ("GET", "/api/v1/timeline"),
    ("GET", "/api/v1/windows"),
    ("GET", "/api/v1/windows.csv"),
    ("GET", "/api/v1/windows.ics"),
    ("GET", "/api/v1/summary/daily"),
    ("POST", "/api/v1/ingest"),
    ("POST", "/api/v1/heartbeat"),
    ("GET", "/health/live"),
    ("GET", "/health/ready"),
    ("GET", "/metrics"),
}


def all_operations() -> list[tuple[str, str]]:
    """Every operation of the app's schema (the app is built once, without a database)."""
    engine = make_engine(DatabaseSettings(url="sqlite://"))
    document = create_app(engine, ApiSettings()).openapi()
    engine.dispose()
    return sorted(
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


def test_the_schema_lists_every_operation_and_the_docs_page_is_served(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    listed = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert listed >= OPERATIONS
    assert client.get("/docs").status_code == 200


@pytest.fixture
def api_schema(
    migrated_engine: Engine, db_session: Session, store: Store, new_receiver: Any
) -> Any:
    """The live schema of an app holding a little data and one receiver with a key."""
    store("seoul", [F1], 1, 3, [seg(F1, 1, 2, "jammed")])
    new_receiver("pi-1")
    return schemathesis.openapi.from_asgi("/openapi.json", app_on(migrated_engine, db_session))


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path"), all_operations())
def test_no_operation_answers_a_server_error(api_schema: Any, method: str, path: str) -> None:
    @given(api_schema[path][method].as_strategy())
    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def answers_without_server_error(case: Any) -> None:
        response = case.call()
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
        )
        if response.status_code >= 400:
            assert set(response.json()["error"]) == {"code", "message"}

    answers_without_server_error()
