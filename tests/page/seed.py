"""Known data for the page tests: two receivers, 15 days of segments, and a schedule.

The plan below is the ground truth the tests compare the drawing with: what every channel did
each day (``events``, later ones painted over earlier ones, ``empty`` elsewhere), the hours each
receiver watched (``COVERAGE``), a day without any data and a day the jammers were silent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import cast

from sqlalchemy.orm import Session

from dsp.vocabulary import JammerType, Segment, State
from monitor.schedules.own import parse_own_csv_bytes
from monitor.schedules.store import import_schedule
from monitor.store.evidence import BundleRecord, add_bundle
from monitor.store.receivers import add_receiver
from monitor.store.segments import store_analysis

FIRST_DAY = date(2026, 2, 2)
LAST_DAY = date(2026, 2, 16)
NO_DATA_DAY = date(2026, 2, 9)
"""Both receivers were down: nothing stored."""
SILENT_DAY = date(2026, 2, 12)
"""Observed as usual, but no jammer was on the air."""

RECEIVERS = {"seoul": "Seoul, KR", "taipei": "Taipei, TW"}

COVERAGE: dict[str, list[tuple[float, float]]] = {
    "seoul": [(0.0, 10.0), (11.5, 24.0)],
    "taipei": [(0.0, 24.0)],
}
"""Hours of each day (UTC) each receiver watched; seoul loses 10:00-11:30 every day."""

Event = tuple[float, float, str, str | None, frozenset[str] | None]
"""``(start_h, end_h, state, jammer, receivers)``; receivers None: at every receiver."""

SEOUL = frozenset({"seoul"})


@dataclass(frozen=True)
class Channel:
    """A channel, the receivers that watch it and what it does each day."""

    frequency_hz: int
    receivers: tuple[str, ...]
    events: tuple[Event, ...]


CHANNELS = (
    Channel(
        5_920_000,
        ("seoul", "taipei"),
        ((6, 9, "signal", None, None), (9, 10.5, "jammed", "program", None)),
    ),
    Channel(5_950_000, ("seoul", "taipei"), ((6, 10, "signal", None, None),)),
    Channel(5_975_000, ("seoul", "taipei"), ((4, 22, "signal", None, None),)),
    Channel(
        6_015_000,
        ("seoul", "taipei"),
        (
            (12, 14, "signal", None, None),
            (20, 22, "signal", None, None),
            (12, 14, "jammed", "noise", SEOUL),
            (20, 21, "jammed", "noise", SEOUL),
        ),
    ),
    Channel(
        6_045_000,
        ("seoul", "taipei"),
        ((17, 19, "signal", None, None), (18, 19, "jammed", "pulse", SEOUL)),
    ),
    Channel(6_060_000, ("seoul", "taipei"), ((3, 4, "unknown", None, None),)),
    Channel(6_100_000, ("seoul", "taipei"), ((6, 6.5, "jammed", "tone", None),)),
    Channel(6_135_000, ("seoul", "taipei"), ((15, 16.5, "jammed", "sweep", None),)),
    Channel(9_490_000, ("seoul",), ((13, 15, "jammed", "noise", None),)),
    Channel(9_540_000, ("seoul",), ((8, 12, "signal", None, None),)),
    Channel(9_880_000, ("seoul",), ()),
)

BAND_49M = [c.frequency_hz for c in CHANNELS if 5_900_000 <= c.frequency_hz <= 6_200_000]
BAND_31M = [c.frequency_hz for c in CHANNELS if 9_400_000 <= c.frequency_hz <= 9_900_000]

SCHEDULE_CSV = b"""frequency_khz,start_utc,end_utc,days,station,language,target
6015,1200,1400,daily,Voice of Freedom,ko,KOR
6015,2000,2200,daily,Voice of Freedom,ko,KOR
9490,1300,1500,daily,Radio Free Test,zh,CHN
"""

EVIDENCE_AT = (6_015_000, "seoul", 12.0)
"""The one jamming window with an evidence bundle: channel, receiver, onset hour of LAST_DAY."""


def days() -> Iterator[date]:
    """Every day of the seeded range."""
    day = FIRST_DAY
    while day <= LAST_DAY:
        yield day
        day += timedelta(days=1)


def at(day: date, hours: float) -> datetime:
    """``hours`` after midnight UTC of ``day``."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hours)


def jam_extra_h(day: date) -> float:
    """How much longer than planned the jammers stay on, varying by day (0 to 1 h)."""
    return ((day - FIRST_DAY).days * 7 % 5) * 0.25


Piece = tuple[datetime, datetime, str, str | None]
"""``(start, end, state, jammer)``."""


def painted(channel: Channel, receiver: str, day: date) -> list[Piece]:
    """What ``channel`` did at ``receiver`` over the whole of ``day`` (before coverage)."""
    events = []
    for start_h, end_h, state, jammer, where in channel.events:
        if where is not None and receiver not in where:
            continue
        if state == "jammed":
            if day == SILENT_DAY:
                continue
            end_h = min(24.0, end_h + jam_extra_h(day))
        events.append((start_h, end_h, state, jammer))
    edges = sorted({0.0, 24.0, *(e[0] for e in events), *(e[1] for e in events)})
    pieces: list[Piece] = []
    for a, b in zip(edges, edges[1:], strict=False):
        state, jammer = "empty", None
        for start_h, end_h, s, j in events:
            if start_h <= a and b <= end_h:
                state, jammer = s, j
        if pieces and pieces[-1][2:] == (state, jammer):
            pieces[-1] = (pieces[-1][0], at(day, b), state, jammer)
        else:
            pieces.append((at(day, a), at(day, b), state, jammer))
    return pieces


def observed(channel: Channel, receiver: str, day: date) -> list[Piece]:
    """What the receiver stored for ``channel`` on ``day``: the painting cut to its coverage."""
    if day == NO_DATA_DAY or receiver not in channel.receivers:
        return []
    stored: list[Piece] = []
    for start_h, end_h in COVERAGE[receiver]:
        lo, hi = at(day, start_h), at(day, end_h)
        for start, end, state, jammer in painted(channel, receiver, day):
            if start < hi and end > lo:
                stored.append((max(start, lo), min(end, hi), state, jammer))
    return stored


def seed(session: Session) -> None:
    """Store the receivers, every day's analyses and the schedule; the caller commits."""
    for name, location in RECEIVERS.items():
        add_receiver(session, name, location=location, now=at(FIRST_DAY, 0))
    for day in days():
        for receiver in RECEIVERS:
            watched = [c for c in CHANNELS if receiver in c.receivers]
            for start_h, end_h in COVERAGE[receiver] if day != NO_DATA_DAY else []:
                lo, hi = at(day, start_h), at(day, end_h)
                segments = [
                    Segment(
                        c.frequency_hz,
                        start,
                        end,
                        cast(State, state),
                        cast(JammerType | None, jammer),
                        0.9,
                        None if state == "empty" else 20.0,
                    )
                    for c in watched
                    for start, end, state, jammer in observed(c, receiver, day)
                    if lo <= start and end <= hi
                ]
                store_analysis(
                    session,
                    receiver=receiver,
                    channels=[c.frequency_hz for c in watched],
                    start=lo,
                    end=hi,
                    segments=segments,
                    source="tests/page/seed.py",
                )
    import_schedule(session, parse_own_csv_bytes(SCHEDULE_CSV, "page-tests.csv"))
    frequency_hz, receiver, onset_h = EVIDENCE_AT
    add_bundle(
        session,
        BundleRecord(
            key=f"{receiver}/{LAST_DAY}/{frequency_hz}_{onset_h}",
            receiver=receiver,
            frequency_hz=frequency_hz,
            start=at(LAST_DAY, onset_h),
            end=at(LAST_DAY, onset_h + 0.5),
            jammer="noise",
            confidence=0.9,
            snr_db=20.0,
            clip_start=at(LAST_DAY, onset_h),
            clip_end=at(LAST_DAY, onset_h) + timedelta(seconds=10),
            path="/nonexistent/page-test-bundle",
            size_bytes=0,
            created_at=at(LAST_DAY, onset_h + 0.5),
        ),
    )
