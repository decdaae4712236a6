"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal, NotRequired

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, with_config
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from api.deps import EARLIEST, LATEST
from dsp.vocabulary import CHANNEL_RASTER_HZ, JammerType, Segment, State
from monitor.store.receivers import NAME_PATTERN

MIN_FREQUENCY_HZ = 1_500_000
MAX_FREQUENCY_HZ = 30_000_000
"""Channels accepted by ingest: HF, on the 5 kHz raster."""

MAX_PAGE_SIZE = 1000
"""Most items in one page of any list."""

TimelineState = Literal["empty", "signal", "jammed", "unknown", "unobserved"]
"""A state in a timeline or channel list: the vocabulary plus ``unobserved`` (no data)."""


class Page(BaseModel):
    """Paging of a list: pass ``next_offset`` as ``offset`` for the next page (null: no more)."""

    next_offset: int | None = None


class ReceiverPublic(BaseModel):
    """A receiver as the API shows it (never its key)."""

    name: str
    location: str | None
    notes: str | None
    created_at: datetime
    revoked: bool
    last_data_at: datetime | None
    last_heartbeat_at: datetime | None


class ReceiversPublic(BaseModel):
    """All receivers."""

    data: list[ReceiverPublic]
    count: int


class ChannelState(BaseModel):
    """The current state of one channel at one receiver.

    ``state`` is ``unobserved`` when the latest segment ended longer ago than the server's
    ``current_max_age_s``; ``last_state`` is the state of that segment either way.
    """

    receiver: str
    frequency_hz: int
    state: TimelineState
    last_state: State
    jammer: JammerType | None
    confidence: float
    since: datetime
    last_observed_at: datetime


class ChannelsPublic(Page):
    """Channels with their current state, ordered by receiver and frequency."""

    data: list[ChannelState]
    as_of: datetime


class Interval(BaseModel):
    """A part of a timeline: a stored segment (clipped to the view) or an unobserved gap."""

    start: datetime
    end: datetime
    state: TimelineState
    jammer: JammerType | None = None
    confidence: float | None = None
    snr_db: float | None = None


class Lane(BaseModel):
    """One receiver's intervals, tiling the page's time range."""

    receiver: str
    intervals: list[Interval]


class TimelinePublic(BaseModel):
    """Timeline of one frequency over ``[start, until)``; ``next_start`` continues it."""

    frequency_hz: int
    start: datetime
    until: datetime
    end: datetime
    next_start: datetime | None
    lanes: list[Lane]


class Window(BaseModel):
    """A jamming window: a stored ``jammed`` segment (not clipped to the query range)."""

    receiver: str
    frequency_hz: int
    start: datetime
    end: datetime
    duration_s: float
    jammer: JammerType
    confidence: float
    snr_db: float | None


class WindowsPublic(Page):
    """Jamming windows ordered by start, frequency and receiver."""

    data: list[Window]


class DaySummary(BaseModel):
    """One UTC day of one channel at one receiver, in hours.

    ``observed_h`` is time with data (any state), ``judged_h`` the part in ``empty``, ``signal``
    or ``jammed``; ``duty_cycle`` is ``jammed_h / judged_h`` and null when nothing was judged:
    time not observed is never counted as not jammed.
    """

    receiver: str
    frequency_hz: int
    date: date
    observed_h: float
    judged_h: float
    jammed_h: float
    unknown_h: float
    unobserved_h: float
    duty_cycle: float | None


class SummaryPublic(Page):
    """Daily summaries ordered by receiver, frequency and date."""

    data: list[DaySummary]


RULE_PATTERN = r"^[A-Za-z0-9_.-]{1,32}$"
"""Detector rule names (``dsp.classify.RULES``; newer receivers may know new ones)."""

Moment = Annotated[AwareDatetime, Field(ge=EARLIEST, le=LATEST)]
"""A time of ingested data: with a zone, between 1970 and 2200 (as times in queries)."""

HfChannel = Annotated[
    int, Field(ge=MIN_FREQUENCY_HZ, le=MAX_FREQUENCY_HZ, multiple_of=CHANNEL_RASTER_HZ)
]
Metrics = Annotated[
    dict[Annotated[str, Field(max_length=64)], Annotated[float, Field(allow_inf_nan=False)]],
    Field(max_length=64),
]


@with_config(ConfigDict(extra="ignore"))
class IngestSegment(TypedDict):
    """A segment in the shape of ``jamwatch analyze --json`` (extra fields are ignored).

    ``start`` must be before ``end``, and ``jammer`` is given exactly when ``state`` is
    ``jammed``; ``rule`` names the detector rule that decided the segment. A typed dict, not a
    model: a batch holds thousands, validated in one pass without an object per segment.
    """

    frequency_hz: HfChannel
    start: Moment
    end: Moment
    state: State
    jammer: NotRequired[JammerType | None]
    confidence: Annotated[float, Field(ge=0.0, le=1.0)]
    snr_db: NotRequired[Annotated[float, Field(ge=-100.0, le=200.0)] | None]
    metrics: NotRequired[Metrics]
    rule: NotRequired[Annotated[str, Field(pattern=RULE_PATTERN)] | None]


def ingest_segment(item: IngestSegment) -> Segment:
    """As the shared segment type.

    Raises
    ------
    ValueError
        If ``start`` is not before ``end`` or ``jammer`` does not go with ``state``.
    """
    # in UTC from here on: the store formats UTC times for digests and rows much faster than
    # times in pydantic's own fixed-offset zone
    return Segment(
        item["frequency_hz"],
        item["start"].astimezone(UTC),
        item["end"].astimezone(UTC),
        item["state"],
        item.get("jammer"),
        item["confidence"],
        item.get("snr_db"),
        item.get("metrics", {}),
        item.get("rule"),
    )


class IngestRequest(BaseModel):
    """A batch from a receiver: channels watched over ``[start, end)`` and their segments.

    Sending the same ``batch_id`` again with the same content changes nothing (answer 200,
    ``duplicate`` true); with other content it is refused (409).
    """

    batch_id: str = Field(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")
    receiver: str = Field(pattern=f"^{NAME_PATTERN.pattern}$")
    start: Moment
    end: Moment
    channels: list[HfChannel] = Field(min_length=1)
    segments: list[IngestSegment]
    source: str | None = Field(default=None, max_length=500)


class IngestResult(BaseModel):
    """What an ingest request did."""

    batch_id: str
    receiver: str
    duplicate: bool
    rows_inserted: int
    rows_deleted: int


class HeartbeatRequest(BaseModel):
    """A receiver's sign of life, with free-form status figures."""

    receiver: str = Field(pattern=f"^{NAME_PATTERN.pattern}$")
    detail: dict[str, str | float | int | bool | None] = Field(default_factory=dict, max_length=64)


class Readiness(BaseModel):
    """Readiness: the database answers and no active receiver's heartbeat is stale."""

    status: Literal["ready", "not_ready"]
    database: Literal["ok", "unavailable"]
    stale_receivers: list[str]
