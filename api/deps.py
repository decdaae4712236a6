"""Request dependencies: the session, the settings, read access, and checked query values."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, cast

from fastapi import Depends, Header, Query, Request
from sqlalchemy.orm import Session, sessionmaker

from api.errors import ApiError
from api.settings import ApiSettings
from dsp.bands import BANDS
from dsp.vocabulary import CHANNEL_RASTER_HZ
from monitor.store.receivers import NAME_PATTERN

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
"""Times outside these bounds are refused as parameters (no real data lies there)."""


def get_settings(request: Request) -> ApiSettings:
    """The settings the app was created with."""
    return cast(ApiSettings, request.app.state.settings)


def get_session(request: Request) -> Iterator[Session]:
    """A session for this request; routes that write commit it themselves."""
    factory = cast("sessionmaker[Session]", request.app.state.sessions)
    with factory() as session:
        yield session


ReceiverQuery = Annotated[
    str | None, Query(description="receiver name", pattern=f"^{NAME_PATTERN.pattern}$")
]
"""An optional ``receiver`` filter; names outside the receiver-name pattern are refused."""

SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
AuthorizationHeader = Annotated[
    str | None, Header(description="`Bearer <token>`", include_in_schema=False)
]


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def require_read_access(settings: SettingsDep, authorization: AuthorizationHeader = None) -> None:
    """Let the request through unless a read token is configured and not presented."""
    if settings.read_token is None:
        return
    token = bearer_token(authorization)
    if token is None:
        raise ApiError(
            401,
            "missing_credentials",
            "this server needs a read token: send Authorization: Bearer <token>",
            {"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(token.encode(), settings.read_token.get_secret_value().encode()):
        raise ApiError(
            401, "invalid_read_token", "wrong read token", {"WWW-Authenticate": "Bearer"}
        )


def as_utc(moment: datetime, name: str) -> datetime:
    """``moment`` in UTC (a time without a zone is taken as UTC), within the accepted years."""
    problem = f"{name}: must lie between 1970 and 2200"
    try:  # an offset can push year 1 or 9999 outside what datetime holds
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        raise ApiError(422, "invalid_parameter", problem) from None
    if not EARLIEST <= moment <= LATEST:
        raise ApiError(422, "invalid_parameter", problem)
    return moment


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A checked, bounded UTC range ``[start, end)``."""

    start: datetime
    end: datetime

    @classmethod
    def of(
        cls,
        start: datetime | None,
        end: datetime | None,
        *,
        default_span: timedelta,
        max_days: int,
    ) -> TimeRange:
        """Resolve optional bounds: ``end`` defaults to now, ``start`` to ``end - default_span``.

        Raises
        ------
        ApiError
            ``invalid_range`` when start is not before end, ``range_too_long`` beyond
            ``max_days``.
        """
        stop = as_utc(end, "end") if end is not None else datetime.now(UTC)
        begin = as_utc(start, "start") if start is not None else stop - default_span
        if not begin < stop:
            raise ApiError(
                400,
                "invalid_range",
                f"start {begin.isoformat()} is not before end {stop.isoformat()}",
            )
        if stop - begin > timedelta(days=max_days):
            raise ApiError(
                400, "range_too_long", f"the time range is longer than {max_days} days: narrow it"
            )
        return cls(begin, stop)


@dataclass(frozen=True, slots=True)
class DayRange:
    """A checked, bounded range of UTC dates, both included."""

    first: date
    last: date

    @classmethod
    def of(cls, first: date | None, last: date | None, *, max_days: int) -> DayRange:
        """Resolve optional dates: ``last`` defaults to today (UTC), ``first`` to 6 days before.

        Raises
        ------
        ApiError
            ``invalid_range`` when first is after last, ``range_too_long`` beyond ``max_days``.
        """
        for name, day in (("start_date", first), ("end_date", last)):
            if day is not None and not EARLIEST.date() <= day < LATEST.date():
                raise ApiError(422, "invalid_parameter", f"{name}: must lie between 1970 and 2200")
        stop = last or datetime.now(UTC).date()
        begin = first or stop - timedelta(days=6)
        if begin > stop:
            raise ApiError(400, "invalid_range", f"start_date {begin} is after end_date {stop}")
        if (stop - begin).days + 1 > max_days:
            raise ApiError(400, "range_too_long", f"more than {max_days} days: narrow the range")
        return cls(begin, stop)

    @property
    def days(self) -> list[date]:
        """Every date of the range in order."""
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def check_frequency(frequency_hz: int) -> int:
    """``frequency_hz`` if it is on the channel raster, else an ``invalid_parameter`` error."""
    if frequency_hz % CHANNEL_RASTER_HZ:
        raise ApiError(
            422,
            "invalid_parameter",
            f"frequency_hz={frequency_hz} is not on the {CHANNEL_RASTER_HZ} Hz raster",
        )
    return frequency_hz


def frequency_span(frequency_hz: int | None, band: str | None) -> tuple[int, int] | None:
    """Inclusive ``(low_hz, high_hz)`` for one frequency or a band; None for all channels."""
    if frequency_hz is not None and band is not None:
        raise ApiError(422, "invalid_parameter", "give frequency_hz or band, not both")
    if frequency_hz is not None:
        check_frequency(frequency_hz)
        return frequency_hz, frequency_hz
    if band is not None:
        return BANDS[band]
    return None
