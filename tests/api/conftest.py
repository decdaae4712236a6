"""API fixtures: the app on the per-test rolled-back session, on both database backends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.deps import get_session
from api.main import create_app
from api.settings import ApiSettings
from dsp.vocabulary import Segment
from monitor.store.receivers import add_receiver
from monitor.store.segments import store_analysis
from tests.monitor.store.database import db_session, migrated_engine

__all__ = ["db_session", "migrated_engine"]

T0 = datetime(2026, 2, 16, 0, tzinfo=UTC)
"""Midnight UTC of the test day."""

F1, F2, F3 = 6_015_000, 6_020_000, 9_490_000


def at(hours: float) -> datetime:
    """``T0`` plus ``hours``."""
    return T0 + timedelta(hours=hours)


def seg(
    frequency_hz: int, start_h: float, end_h: float, state: str, jammer: str | None = None
) -> Segment:
    """A segment from hour ``start_h`` to ``end_h`` of the test day."""
    if state == "jammed" and jammer is None:
        jammer = "noise"
    return Segment(frequency_hz, at(start_h), at(end_h), state, jammer, 0.9, 25.0)  # type: ignore[arg-type]


Store = Callable[..., None]


@pytest.fixture
def store(db_session: Session) -> Store:
    """Store an analysis: ``store(receiver, channels, start_h, end_h, segments)``."""

    def _store(
        receiver: str, channels: list[int], start_h: float, end_h: float, segments: list[Segment]
    ) -> None:
        store_analysis(
            db_session,
            receiver=receiver,
            channels=channels,
            start=at(start_h),
            end=at(end_h),
            segments=segments,
        )
        db_session.commit()

    return _store


@pytest.fixture
def new_receiver(db_session: Session) -> Callable[[str], str]:
    """Create a receiver and return its API key."""

    def _new(name: str) -> str:
        _, key = add_receiver(db_session, name)
        db_session.commit()
        return key

    return _new


def app_on(engine: Engine, session: Session | None, settings: ApiSettings | None = None) -> FastAPI:
    """The app on ``engine``; with ``session``, every request uses that session."""
    app = create_app(engine, settings or ApiSettings())
    if session is not None:

        def shared_session() -> Iterator[Session]:
            # as a request's own session would be closed, undo a failed request's statements
            try:
                yield session
            except Exception:
                session.rollback()
                raise

        app.dependency_overrides[get_session] = shared_session
    return app


@pytest.fixture
def client(migrated_engine: Engine, db_session: Session) -> TestClient:
    """A client of the app whose requests run in the test's transaction."""
    return TestClient(app_on(migrated_engine, db_session), raise_server_exceptions=False)
