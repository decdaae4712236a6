"""``/health/live``, ``/health/ready`` and ``/metrics`` (outside ``/api/v1``, never gated)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Response
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import SessionDep, SettingsDep
from api.metrics import metrics_response
from api.schemas import Readiness
from monitor.store.models import Heartbeat, Receiver

router = APIRouter(tags=["health"])


@router.get("/health/live")
def live() -> dict[str, str]:
    """Answer while the process runs."""
    return {"status": "alive"}


@router.get("/health/ready", response_model=Readiness, responses={503: {"model": Readiness}})
def ready(session: SessionDep, settings: SettingsDep, response: Response) -> Readiness:
    """Check the database answers and every active receiver's heartbeat is fresh."""
    try:
        session.execute(text("SELECT 1"))
        stale_before = datetime.now(UTC) - timedelta(seconds=settings.heartbeat_max_age_s)
        stale = session.scalars(
            select(Receiver.name)
            .join(Heartbeat, Heartbeat.receiver_id == Receiver.id)
            .where(Receiver.revoked.is_(False), Heartbeat.seen_at < stale_before)
            .order_by(Receiver.name)
        ).all()
    except SQLAlchemyError:
        response.status_code = 503
        return Readiness(status="not_ready", database="unavailable", stale_receivers=[])
    if stale:
        response.status_code = 503
    return Readiness(
        status="not_ready" if stale else "ready", database="ok", stale_receivers=list(stale)
    )


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics() -> Response:
    """Expose Prometheus metrics."""
    return metrics_response()
