"""``/api/v1/timeline``: what one frequency did over time, with unobserved gaps explicit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ReceiverQuery, SessionDep, SettingsDep, TimeRange, check_frequency
from api.queries import receiver_id, timeline
from api.schemas import MAX_PAGE_SIZE, TimelinePublic

router = APIRouter(prefix="/timeline", tags=["timeline"])


@router.get("", response_model=TimelinePublic)
def read_timeline(
    session: SessionDep,
    settings: SettingsDep,
    frequency_hz: Annotated[int, Query(ge=1, le=1_000_000_000)],
    receiver: ReceiverQuery = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = MAX_PAGE_SIZE,
) -> TimelinePublic:
    """Get the timeline of one frequency (default: the last 24 hours), lane per receiver."""
    return timeline(
        session,
        frequency_hz=check_frequency(frequency_hz),
        receiver=receiver_id(session, receiver),
        receiver_name=receiver,
        window=TimeRange.of(
            start, end, default_span=timedelta(days=1), max_days=settings.max_range_days
        ),
        limit=limit,
    )
