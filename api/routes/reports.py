"""``/api/v1/outages`` and ``/api/v1/jamming``: outage reports and daily jamming, JSON and CSV.

Thin routes over :mod:`monitor.reports`: they check the parameters, run the report in the
request's session and shape the answer. Report errors keep their codes (``broadcast_not_found``
404, ``too_many_broadcasts`` 400, ``invalid_selection`` 422, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.deps import DayRange, ReceiverQuery, SessionDep, SettingsDep, frequency_span
from api.errors import ApiError
from api.schemas import MAX_PAGE_SIZE, Page
from dsp.bands import BandName
from dsp.vocabulary import JammerType
from monitor.reports import (
    BroadcastSelection,
    CombinedOutage,
    DateRange,
    JammingSeries,
    OutageReport,
    ReportError,
    StandoutRule,
    daily_jamming,
    outage_reports,
    total,
)
from monitor.reports.daily import Standout
from monitor.reports.export import daily_csv, outages_csv
from monitor.reports.outage_query import DEFAULT_MAX_BROADCASTS
from monitor.store.evidence import bundles_between

MAX_RECEIVERS = 50
"""Most receivers one outage query names."""

MAX_EVIDENCE_PER_REPORT = 1000
"""Most evidence bundles linked from one broadcast's report (the earliest ones are kept)."""

_STATUS = {
    "broadcast_not_found": 404,
    "receiver_not_found": 404,
    "too_many_broadcasts": 400,
    "invalid_range": 400,
    "range_too_long": 400,
    "invalid_selection": 422,
}

_RULE = StandoutRule()
"""The default standout rule."""

T = TypeVar("T")


def _reported(make: Callable[[], T]) -> T:
    """Run a report, answering its errors with their codes."""
    try:
        return make()
    except ReportError as exc:
        raise ApiError(_STATUS[exc.code], exc.code, exc.message) from exc


class BroadcastPublic(BaseModel):
    """The schedule entry of an outage report (times of day in UTC)."""

    id: int
    frequency_hz: int
    channel_hz: int
    station: str
    language: str | None
    target: str | None
    start_time: str
    end_time: str
    days: str
    valid_from: date | None
    valid_until: date | None
    source: str


class ReceiverWindowPublic(BaseModel):
    """A jamming window at one receiver, cut to air time, with its evidence bundles' URLs."""

    start: datetime
    end: datetime
    duration_s: float
    jammer: JammerType
    evidence: list[str]


class ReceiverOutagePublic(BaseModel):
    """One receiver's view of the air time, in seconds.

    ``observed_s`` is judged time (``empty``, ``signal``, ``jammed``); ``unknown_s`` was
    watched but not judged; ``unobserved_s`` had no segment. ``jammed_fraction`` is
    ``jammed_s / observed_s``, null when nothing was observed.
    """

    receiver: str
    scheduled_s: float
    observed_s: float
    unknown_s: float
    unobserved_s: float
    jammed_s: float
    clear_s: float
    jammed_fraction: float | None
    windows: list[ReceiverWindowPublic]


class CombinedWindowPublic(BaseModel):
    """A run of air time jammed at one receiver at least."""

    start: datetime
    end: datetime
    duration_s: float
    receivers: list[str]
    jammers: list[JammerType]
    jammed_all_s: float


class CombinedPublic(BaseModel):
    """All receivers together, in seconds.

    ``observed_s``: judged by at least one receiver; ``not_observed_s``: judged by none
    (never counted as clear); ``jammed_any_s``: jammed at one receiver at least;
    ``jammed_all_s``: jammed at every receiver that judged it.
    """

    scheduled_s: float
    observed_s: float
    not_observed_s: float
    jammed_any_s: float
    jammed_all_s: float
    clear_s: float
    jammed_any_fraction: float | None
    windows: list[CombinedWindowPublic]


class OutagePublic(BaseModel):
    """The outage of one broadcast."""

    broadcast: BroadcastPublic
    air: list[tuple[datetime, datetime]]
    receivers: list[ReceiverOutagePublic]
    combined: CombinedPublic


class OutagesPublic(BaseModel):
    """Outages of the selected broadcasts over ``[start_date, end_date]`` and their totals."""

    start_date: date
    end_date: date
    data: list[OutagePublic]
    totals: CombinedPublic


def _combined(c: CombinedOutage) -> CombinedPublic:
    return CombinedPublic(
        scheduled_s=c.scheduled_s,
        observed_s=c.observed_s,
        not_observed_s=c.not_observed_s,
        jammed_any_s=c.jammed_any_s,
        jammed_all_s=c.jammed_all_s,
        clear_s=c.clear_s,
        jammed_any_fraction=c.jammed_any_fraction,
        windows=[
            CombinedWindowPublic(
                start=w.start,
                end=w.end,
                duration_s=w.duration_s,
                receivers=list(w.receivers),
                jammers=list(w.jammers),
                jammed_all_s=w.jammed_all_s,
            )
            for w in c.windows
        ],
    )


EvidenceIndex = dict[str, list[tuple[datetime, datetime, str]]]
"""Per receiver name: (start, end, URL) of the evidence bundles on a broadcast's channel."""


def _evidence_index(session: Session, report: OutageReport, dates: DateRange) -> EvidenceIndex:
    """The evidence bundles on the report's channel during its date range, by receiver."""
    start = datetime.combine(dates.first, time(), UTC)
    end = datetime.combine(dates.last + timedelta(days=2), time(), UTC)  # air may cross midnight
    channel = report.broadcast.channel_hz
    index: EvidenceIndex = {}
    for bundle, receiver in bundles_between(
        session, start, end, span_hz=(channel, channel), limit=MAX_EVIDENCE_PER_REPORT
    ):
        url = f"/api/v1/evidence/{bundle.id}"
        index.setdefault(receiver, []).append((bundle.start_at, bundle.end_at, url))
    return index


def _evidence(index: EvidenceIndex, receiver: str, start: datetime, end: datetime) -> list[str]:
    """URLs of the receiver's bundles whose segment overlaps ``[start, end)``."""
    return [url for s, e, url in index.get(receiver, ()) if s < end and e > start]


def _outage(report: OutageReport, evidence: EvidenceIndex) -> OutagePublic:
    b = report.broadcast
    return OutagePublic(
        broadcast=BroadcastPublic(
            id=b.id,
            frequency_hz=b.frequency_hz,
            channel_hz=b.channel_hz,
            station=b.station,
            language=b.language,
            target=b.target,
            start_time=b.start_time.strftime("%H:%M"),
            end_time=b.end_time.strftime("%H:%M"),
            days=b.days,
            valid_from=b.valid_from,
            valid_until=b.valid_until,
            source=b.source,
        ),
        air=list(report.air),
        receivers=[
            ReceiverOutagePublic(
                receiver=r.receiver,
                scheduled_s=r.scheduled_s,
                observed_s=r.observed_s,
                unknown_s=r.unknown_s,
                unobserved_s=r.unobserved_s,
                jammed_s=r.jammed_s,
                clear_s=r.clear_s,
                jammed_fraction=r.jammed_fraction,
                windows=[
                    ReceiverWindowPublic(
                        start=w.start,
                        end=w.end,
                        duration_s=w.duration_s,
                        jammer=w.jammer,
                        evidence=_evidence(evidence, r.receiver, w.start, w.end),
                    )
                    for w in r.windows
                ],
            )
            for r in report.receivers
        ],
        combined=_combined(report.combined),
    )


TextQuery = Annotated[str | None, Query(min_length=1, max_length=200)]


def outage_query(
    session: SessionDep,
    settings: SettingsDep,
    broadcast_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    station: TextQuery = None,
    language: TextQuery = None,
    target: TextQuery = None,
    start_date: date | None = None,
    end_date: date | None = None,
    receiver: Annotated[
        list[str] | None, Query(description="receivers to report (repeat for several)")
    ] = None,
) -> tuple[DateRange, list[OutageReport]]:
    """Select the broadcasts and days (default: the last 7) and compute their outages."""
    days = DayRange.of(start_date, end_date, max_days=settings.max_summary_days)
    if receiver is not None and len(receiver) > MAX_RECEIVERS:
        raise ApiError(422, "invalid_parameter", f"receiver: at most {MAX_RECEIVERS} names")
    dates = DateRange(days.first, days.last)

    def make() -> list[OutageReport]:
        selection = BroadcastSelection(broadcast_id, station, language, target)
        return outage_reports(
            session, selection, dates, receivers=receiver, max_broadcasts=DEFAULT_MAX_BROADCASTS
        )

    return dates, _reported(make)


OutageDep = Annotated[tuple[DateRange, list[OutageReport]], Depends(outage_query)]

outages = APIRouter(prefix="/outages", tags=["outages"])


@outages.get("", response_model=OutagesPublic)
def read_outages(query: OutageDep, session: SessionDep) -> OutagesPublic:
    """Report the outage of a broadcast (or a station's, language's or target's) per day range.

    Each receiver's jamming window lists the URLs of the evidence bundles kept for it.
    """
    dates, reports = query
    return OutagesPublic(
        start_date=dates.first,
        end_date=dates.last,
        data=[_outage(report, _evidence_index(session, report, dates)) for report in reports],
        totals=_combined(total(reports)),
    )


@outages.get(".csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def export_outages_csv(query: OutageDep) -> Response:
    """Export the outages as CSV: a row per broadcast and receiver, and a combined row ``*``."""
    return _csv(outages_csv(query[1]), "outages.csv")


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class DayJammingPublic(BaseModel):
    """One UTC day of a series, in hours (channel-hours for a band).

    ``duty_cycle`` is ``jammed_h / judged_h``, null when nothing was judged. ``standout`` is
    ``no_jamming`` or ``far_less`` for a day unlike the series' median (see docs/reports.md).
    """

    date: date
    observed_h: float
    judged_h: float
    unknown_h: float
    unobserved_h: float
    jammed_h: float
    duty_cycle: float | None
    first_jammed_at: datetime | None
    last_jammed_at: datetime | None
    onsets: int
    ends: int
    standout: Standout | None


class SeriesPublic(BaseModel):
    """The days of one channel (or band) at one receiver, and when its jamming starts and stops."""

    receiver: str
    scope: Literal["channel", "band"]
    name: str
    channels: int
    median_duty_cycle: float | None
    modal_onset_hour: int | None
    modal_end_hour: int | None
    onset_hours: list[int]
    end_hours: list[int]
    days: list[DayJammingPublic]


class DailyJammingPublic(Page):
    """Series by receiver and name; pages count series."""

    data: list[SeriesPublic]


class StandoutDayPublic(BaseModel):
    """A day that stands out from its series."""

    receiver: str
    scope: Literal["channel", "band"]
    name: str
    date: date
    standout: Standout
    judged_h: float
    jammed_h: float
    duty_cycle: float | None
    median_duty_cycle: float | None


class StandoutDaysPublic(Page):
    """Standout days by receiver, name and date."""

    data: list[StandoutDayPublic]


def jamming_query(
    session: SessionDep,
    settings: SettingsDep,
    frequency_hz: Annotated[int | None, Query(ge=1, le=1_000_000_000)] = None,
    band: BandName | None = None,
    group: Annotated[
        Literal["channel", "band"] | None,
        Query(description="series per channel, or one per band (default: what was asked)"),
    ] = None,
    receiver: ReceiverQuery = None,
    start_date: date | None = None,
    end_date: date | None = None,
    min_judged_h: Annotated[float, Query(ge=0.0, le=24.0 * 1000)] = _RULE.min_judged_h,
    far_less_fraction: Annotated[float, Query(gt=0.0, lt=1.0)] = _RULE.far_less_fraction,
    min_days: Annotated[int, Query(ge=1, le=366)] = _RULE.min_days,
) -> list[JammingSeries]:
    """The series asked for over the days (default: the last 7)."""
    span = frequency_span(frequency_hz, band)
    if span is None:
        raise ApiError(422, "invalid_parameter", "give frequency_hz or band")
    scope = group or ("band" if band is not None else "channel")
    if scope == "band" and band is None:
        raise ApiError(422, "invalid_parameter", "group=band needs band")
    days = DayRange.of(start_date, end_date, max_days=settings.max_summary_days)
    rule = StandoutRule(min_judged_h, far_less_fraction, min_days)
    return _reported(
        lambda: daily_jamming(
            session,
            span=span,
            dates=DateRange(days.first, days.last),
            scope=scope,
            band_name=band,
            receiver=receiver,
            rule=rule,
        )
    )


JammingDep = Annotated[list[JammingSeries], Depends(jamming_query)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]

jamming = APIRouter(prefix="/jamming", tags=["jamming"])


def _page(items: Sequence[T], limit: int, offset: int) -> tuple[list[T], int | None]:
    more = offset + limit < len(items)
    return list(items[offset : offset + limit]), offset + limit if more else None


def _series(s: JammingSeries) -> SeriesPublic:
    return SeriesPublic(
        receiver=s.receiver,
        scope=s.scope,
        name=s.name,
        channels=s.channels,
        median_duty_cycle=s.median_duty_cycle,
        modal_onset_hour=s.modal_onset_hour,
        modal_end_hour=s.modal_end_hour,
        onset_hours=list(s.onset_hours),
        end_hours=list(s.end_hours),
        days=[
            DayJammingPublic(
                date=d.day,
                observed_h=d.observed_h,
                judged_h=d.judged_h,
                unknown_h=d.unknown_h,
                unobserved_h=d.unobserved_h,
                jammed_h=d.jammed_h,
                duty_cycle=d.duty_cycle,
                first_jammed_at=d.first_jammed_at,
                last_jammed_at=d.last_jammed_at,
                onsets=d.onsets,
                ends=d.ends,
                standout=d.standout,
            )
            for d in s.days
        ],
    )


@jamming.get("/daily", response_model=DailyJammingPublic)
def read_daily_jamming(
    series: JammingDep, limit: Limit = 100, offset: Offset = 0
) -> DailyJammingPublic:
    """Report hours observed and jammed, duty cycle and jamming hours per day."""
    page, next_offset = _page(series, limit, offset)
    return DailyJammingPublic(data=[_series(s) for s in page], next_offset=next_offset)


@jamming.get("/daily.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def export_daily_jamming_csv(series: JammingDep) -> Response:
    """Export the daily jamming as CSV, a row per series and day."""
    return _csv(daily_csv(series), "daily-jamming.csv")


@jamming.get("/standout-days", response_model=StandoutDaysPublic)
def read_standout_days(
    series: JammingDep, limit: Limit = 100, offset: Offset = 0
) -> StandoutDaysPublic:
    """List the days without jamming, or with far less than usual, while observed."""
    days = [
        StandoutDayPublic(
            receiver=s.receiver,
            scope=s.scope,
            name=s.name,
            date=d.day,
            standout=d.standout,
            judged_h=d.judged_h,
            jammed_h=d.jammed_h,
            duty_cycle=d.duty_cycle,
            median_duty_cycle=s.median_duty_cycle,
        )
        for s in series
        for d in s.days
        if d.standout is not None
    ]
    page, next_offset = _page(days, limit, offset)
    return StandoutDaysPublic(data=page, next_offset=next_offset)


router = APIRouter()
router.include_router(outages)
router.include_router(jamming)
