"""``/api/v1/summary/daily``: hours observed and jammed, and duty cycle, per day."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import DayRange, ReceiverQuery, SessionDep, SettingsDep, frequency_span
from api.queries import daily_summary, receiver_id
from api.schemas import MAX_PAGE_SIZE, SummaryPublic
from dsp.bands import BandName

router = APIRouter(prefix="/summary", tags=["summary"])


@router.get("/daily", response_model=SummaryPublic)
def read_daily_summary(
    session: SessionDep,
    settings: SettingsDep,
    frequency_hz: Annotated[int | None, Query(ge=1, le=1_000_000_000)] = None,
    band: BandName | None = None,
    receiver: ReceiverQuery = None,
    start_date: date | None = None,
    end_date: date | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> SummaryPublic:
    """Summarise each UTC day (default: the last 7) per channel and receiver."""
    data, next_offset = daily_summary(
        session,
        span=frequency_span(frequency_hz, band),
        receiver=receiver_id(session, receiver),
        days=DayRange.of(start_date, end_date, max_days=settings.max_summary_days),
        limit=limit,
        offset=offset,
    )
    return SummaryPublic(data=data, next_offset=next_offset)
