"""``/api/v1/windows``: jamming windows with filters, as JSON pages, CSV or iCalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.deps import ReceiverQuery, SessionDep, SettingsDep, TimeRange, frequency_span
from api.exports import windows_csv, windows_ics
from api.queries import WindowFilter, all_windows, receiver_id, windows
from api.schemas import MAX_PAGE_SIZE, WindowsPublic
from dsp.bands import BandName
from dsp.vocabulary import JammerType

router = APIRouter(prefix="/windows", tags=["windows"])


def window_filter(
    session: SessionDep,
    settings: SettingsDep,
    frequency_hz: Annotated[int | None, Query(ge=1, le=1_000_000_000)] = None,
    band: BandName | None = None,
    receiver: ReceiverQuery = None,
    start: datetime | None = None,
    end: datetime | None = None,
    min_duration_s: Annotated[float, Query(ge=0.0, le=366 * 86400.0)] = 0.0,
    jammer: JammerType | None = None,
) -> WindowFilter:
    """The filters of a windows query (default time range: the last 7 days)."""
    return WindowFilter(
        window=TimeRange.of(
            start, end, default_span=timedelta(days=7), max_days=settings.max_range_days
        ),
        span=frequency_span(frequency_hz, band),
        receiver=receiver_id(session, receiver),
        jammer=jammer,
        min_duration_s=min_duration_s,
    )


FilterDep = Annotated[WindowFilter, Depends(window_filter)]


@router.get("", response_model=WindowsPublic)
def read_windows(
    session: SessionDep,
    selection: FilterDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> WindowsPublic:
    """List jamming windows overlapping the time range, by start time."""
    data, next_offset = windows(session, selection, limit=limit, offset=offset)
    return WindowsPublic(data=data, next_offset=next_offset)


@router.get(".csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def export_windows_csv(
    session: SessionDep, settings: SettingsDep, selection: FilterDep
) -> Response:
    """Export the matching jamming windows as CSV."""
    rows = all_windows(session, selection, max_rows=settings.max_export_rows)
    return Response(
        windows_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="jamming-windows.csv"'},
    )


@router.get(".ics", response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
def export_windows_ics(
    session: SessionDep, settings: SettingsDep, selection: FilterDep
) -> Response:
    """Export the matching jamming windows as an iCalendar file, one event per window."""
    rows = all_windows(session, selection, max_rows=settings.max_export_rows)
    return Response(
        windows_ics(rows, now=datetime.now(UTC)),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="jamming-windows.ics"'},
    )
