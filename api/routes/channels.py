"""``/api/v1/channels``: every channel with its current state, per receiver."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ReceiverQuery, SessionDep, SettingsDep, frequency_span
from api.queries import channel_states, receiver_id
from api.schemas import MAX_PAGE_SIZE, ChannelsPublic
from dsp.bands import BandName

router = APIRouter(prefix="/channels", tags=["channels"])


@router.get("", response_model=ChannelsPublic)
def read_channels(
    session: SessionDep,
    settings: SettingsDep,
    receiver: ReceiverQuery = None,
    frequency_hz: Annotated[int | None, Query(ge=1, le=1_000_000_000)] = None,
    band: BandName | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> ChannelsPublic:
    """List channels with their current state (``unobserved`` when not watched lately)."""
    now = datetime.now(UTC)
    data, next_offset = channel_states(
        session,
        span=frequency_span(frequency_hz, band),
        receiver=receiver_id(session, receiver),
        now=now,
        max_age_s=settings.current_max_age_s,
        limit=limit,
        offset=offset,
    )
    return ChannelsPublic(data=data, next_offset=next_offset, as_of=now)
