"""``POST /api/v1/ingest`` and ``POST /api/v1/heartbeat``: writes from remote receivers.

Both need ``Authorization: Bearer <API key>`` of the receiver named in the body.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from api.deps import AuthorizationHeader, SessionDep, SettingsDep, bearer_token
from api.errors import ApiError
from api.metrics import INGEST_BATCHES, INGESTED_SEGMENTS
from api.schemas import (
    HeartbeatRequest,
    IngestRequest,
    IngestResult,
    IngestSegment,
    ingest_segment,
)
from dsp.vocabulary import Segment
from monitor.store.models import Receiver
from monitor.store.receivers import lock_receiver, receiver_for_key, record_heartbeat
from monitor.store.segments import Batch, store_batch

router = APIRouter(tags=["ingest"])


def key_receiver(session: SessionDep, authorization: AuthorizationHeader = None) -> Receiver:
    """The receiver whose (unrevoked) API key the request presents."""
    key = bearer_token(authorization)
    challenge = {"WWW-Authenticate": "Bearer"}
    if key is None:
        raise ApiError(
            401, "missing_credentials", "send Authorization: Bearer <API key>", challenge
        )
    receiver = receiver_for_key(session, key)
    if receiver is None:
        raise ApiError(401, "invalid_api_key", "unknown API key", challenge)
    if receiver.revoked:
        raise ApiError(403, "api_key_revoked", f"the API key of {receiver.name!r} was revoked")
    return receiver


KeyReceiver = Annotated[Receiver, Depends(key_receiver)]


def _segments(items: list[IngestSegment]) -> list[Segment]:
    """The shared segments of a request's; 422 ``invalid_parameter`` for an inconsistent one."""
    segments = []
    for index, item in enumerate(items):
        try:
            segments.append(ingest_segment(item))
        except ValueError as exc:
            raise ApiError(422, "invalid_parameter", f"body.segments.{index}: {exc}") from None
    return segments


def _own(session: Session, receiver: Receiver, named: str) -> str:
    """Check the body names the key's receiver; end the read transaction of authentication.

    The write transaction that follows then starts with the receiver lock, so on SQLite it
    waits for other writers instead of failing on a stale read snapshot.
    """
    name = receiver.name
    if named != name:
        raise ApiError(
            403, "receiver_mismatch", f"this API key writes only receiver {name!r}, not {named!r}"
        )
    session.rollback()
    return name


@router.post(
    "/ingest",
    response_model=IngestResult,
    status_code=201,
    responses={
        200: {"model": IngestResult, "description": "Batch already stored, nothing changed"}
    },
)
def ingest(
    body: IngestRequest,
    session: SessionDep,
    settings: SettingsDep,
    receiver: KeyReceiver,
    response: Response,
) -> IngestResult:
    """Store a batch of segments (all or nothing; idempotent by ``batch_id``)."""
    name = _own(session, receiver, body.receiver)
    if len(body.segments) > settings.ingest_max_segments:
        raise ApiError(422, "invalid_batch", f"more than {settings.ingest_max_segments} segments")
    if len(body.channels) > settings.ingest_max_channels:
        raise ApiError(422, "invalid_batch", f"more than {settings.ingest_max_channels} channels")
    batch = Batch.checked(body.channels, body.start, body.end, _segments(body.segments))
    now = datetime.now(UTC)
    locked = lock_receiver(session, name, create=False, now=now)
    result = store_batch(session, locked, body.batch_id, batch, source=body.source)
    record_heartbeat(session, locked.id, now, {"via": "ingest"})
    session.commit()
    INGEST_BATCHES.labels("duplicate" if result.duplicate else "stored").inc()
    if result.duplicate:
        response.status_code = 200
    else:
        INGESTED_SEGMENTS.inc(len(body.segments))
    return IngestResult(
        batch_id=result.batch_id,
        receiver=result.receiver,
        duplicate=result.duplicate,
        rows_inserted=result.rows_inserted,
        rows_deleted=result.rows_deleted,
    )


@router.post("/heartbeat", status_code=204, response_class=Response)
def heartbeat(body: HeartbeatRequest, session: SessionDep, receiver: KeyReceiver) -> Response:
    """Record that the receiver is alive."""
    receiver_id = receiver.id
    _own(session, receiver, body.receiver)
    record_heartbeat(session, receiver_id, datetime.now(UTC), body.detail)
    session.commit()
    return Response(status_code=204)
