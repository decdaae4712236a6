"""A seeded month of segments at two receivers, a small schedule, and a per-minute reference.

Everything happens on whole minutes, so an array of one state code per minute and receiver
and channel is an exact, independent picture of what was stored: the reference figures are
computed from these arrays with numpy, never with the code under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from dsp.vocabulary import Segment
from monitor.schedules.own import parse_own_csv_bytes
from monitor.schedules.store import import_schedule
from monitor.store.segments import store_analysis

MONTH_START = datetime(2026, 3, 1, tzinfo=UTC)
DAYS = 30
MINUTES = DAYS * 1440
RECEIVERS = ("seoul", "tokyo")
CHANNELS = (6_015_000, 6_100_000)

UNOBSERVED, EMPTY, SIGNAL, NOISE, SWEEP, UNKNOWN = -1, 0, 1, 2, 3, 4
JUDGED = (EMPTY, SIGNAL, NOISE, SWEEP)
JAMMED = (NOISE, SWEEP)
CLEAR = (EMPTY, SIGNAL)
_STATE = {
    EMPTY: ("empty", None),
    SIGNAL: ("signal", None),
    NOISE: ("jammed", "noise"),
    SWEEP: ("jammed", "sweep"),
}

FIRST, LAST = date(2026, 3, 3), date(2026, 3, 28)
"""The report range used by the tests: inside the month, so carried-in segments matter."""

NO_JAMMING_DAYS = {"seoul": (9, 16), "tokyo": (16,)}
FAR_LESS_DAYS = {"seoul": (20,), "tokyo": ()}
UNOBSERVED_DAYS = {"seoul": (4,), "tokyo": (12,)}
"""Day indices (0 = 1 March) with no jamming, one hour of it, or no coverage at all."""

SCHEDULE = b"""frequency_khz,start_utc,end_utc,days,station,language,target
6015,1500,1700,,KBS,K,NK
6100,2300,0100,,VOA,K,NK
6015,2100,2200,135,RFA,K,NK
7210,1200,1300,,KBS,E,As
"""
"""KBS on 6015 and 7210 (no data there), VOA crossing midnight, RFA on three weekdays."""

States = dict[tuple[str, int], npt.NDArray[np.int8]]


def minute(moment: datetime) -> int:
    """Minutes since the month's start."""
    return int((moment - MONTH_START).total_seconds() // 60)


def at(index: int) -> datetime:
    """The moment of a minute index."""
    return MONTH_START + timedelta(minutes=int(index))


def _truth(rng: np.random.Generator, receiver: str, channel: int) -> npt.NDArray[np.int8]:
    """What the channel carried, minute by minute, before coverage is applied."""
    day_minute = np.arange(MINUTES) % 1440
    truth = np.where(
        ((day_minute >= 720) & (day_minute < 1080)) | (day_minute >= 1260) | (day_minute < 120),
        SIGNAL,
        EMPTY,
    ).astype(np.int8)
    for day in range(DAYS):
        base = day * 1440
        if day in NO_JAMMING_DAYS[receiver]:
            continue
        if day in FAR_LESS_DAYS[receiver]:
            truth[base + 780 : base + 840] = NOISE
            continue
        on = base + 390 + int(rng.integers(0, 90))
        off = min(MINUTES, base + 1320 + int(rng.integers(0, 150)))  # may pass midnight
        truth[on:off] = NOISE
        sweep = base + 600 + int(rng.integers(0, 300))
        truth[sweep : sweep + 60] = SWEEP
        if rng.random() < 0.5:  # a break: jamming stops and starts again
            pause = base + 960 + int(rng.integers(0, 120))
            truth[pause : pause + int(rng.integers(10, 40))] = SIGNAL
    if channel == CHANNELS[1]:
        truth = np.roll(truth, 17)  # the second channel's jammer keeps another rhythm
    return truth


def _coverage(rng: np.random.Generator, receiver: str) -> npt.NDArray[np.bool_]:
    """When the receiver watched the band: seoul nearly always, tokyo in blocks."""
    covered = np.zeros(MINUTES, dtype=bool)
    for day in range(DAYS):
        base = day * 1440
        if receiver == "seoul":
            covered[base : base + 1440] = True
            gap = base + int(rng.integers(0, 1300))
            covered[gap : gap + int(rng.integers(30, 120))] = False
        else:
            cursor = base + int(rng.integers(0, 60))
            while cursor < base + 1440:
                length = int(rng.integers(150, 330))
                covered[cursor : min(cursor + length, MINUTES)] = True
                cursor += length + int(rng.integers(20, 90))
        if day in UNOBSERVED_DAYS[receiver]:
            covered[base : base + 1440] = False
    return covered


def month_states(seed: int = 20260301) -> States:
    """The seeded month: a state code per minute for each receiver and channel."""
    rng = np.random.default_rng(seed)
    states: States = {}
    for receiver in RECEIVERS:
        covered = _coverage(rng, receiver)
        for channel in CHANNELS:
            codes = np.full(MINUTES, UNOBSERVED, dtype=np.int8)
            codes[covered] = _truth(rng, receiver, channel)[covered]
            for _ in range(2 * DAYS):  # overload and dropped samples: unknown, per channel
                start = int(rng.integers(0, MINUTES - 60))
                stretch = slice(start, start + int(rng.integers(10, 60)))
                codes[stretch] = np.where(codes[stretch] == UNOBSERVED, UNOBSERVED, UNKNOWN)
            states[(receiver, channel)] = codes
    return states


def runs(mask: npt.NDArray[np.bool_]) -> Iterator[tuple[int, int]]:
    """``[start, end)`` minute indices of the runs of True."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    yield from zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True)


def _segments(codes: npt.NDArray[np.int8], channel: int, start: int, end: int) -> list[Segment]:
    part = codes[start:end]
    changes = np.flatnonzero(np.diff(part)) + 1
    bounds = [0, *changes.tolist(), len(part)]
    found = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        code = int(part[lo])
        if code == UNKNOWN:
            continue  # left without a segment inside the analysis: stored as unknown
        state, jammer = _STATE[code]
        found.append(
            Segment(channel, at(start + lo), at(start + hi), state, jammer, 0.9, 20.0)  # type: ignore[arg-type]
        )
    return found


def seed_month(session: Session, states: States) -> None:
    """Store the month (one analysis per coverage run of each receiver) and the schedule."""
    for receiver in RECEIVERS:
        covered = states[(receiver, CHANNELS[0])] != UNOBSERVED
        for start, end in runs(covered):
            segments = [
                s
                for channel in CHANNELS
                for s in _segments(states[(receiver, channel)], channel, start, end)
            ]
            store_analysis(
                session,
                receiver=receiver,
                channels=list(CHANNELS),
                start=at(start),
                end=at(end),
                segments=segments,
            )
    import_schedule(session, parse_own_csv_bytes(SCHEDULE, "month.csv"))
    session.commit()


@dataclass(frozen=True)
class ReferenceReceiver:
    """What the reference says one receiver saw of a broadcast, in seconds."""

    observed_s: float
    unknown_s: float
    unobserved_s: float
    jammed_s: float
    windows: list[tuple[datetime, datetime, str]]


@dataclass(frozen=True)
class ReferenceOutage:
    """The reference outage of one broadcast, in seconds."""

    scheduled_s: float
    receivers: dict[str, ReferenceReceiver]
    observed_s: float
    jammed_any_s: float
    jammed_all_s: float
    windows: list[tuple[datetime, datetime, tuple[str, ...], tuple[str, ...]]]


def air_mask(
    start_hhmm: int, end_hhmm: int, weekdays: str, first: date, last: date
) -> npt.NDArray[np.bool_]:
    """Minutes on air inside ``[first, last]``: each listed ISO weekday starts an occurrence."""
    mask = np.zeros(MINUTES + 1440, dtype=bool)
    on = start_hhmm // 100 * 60 + start_hhmm % 100
    off = end_hhmm // 100 * 60 + end_hhmm % 100
    off += 1440 if off <= on else 0
    for day in range(DAYS):
        if str((MONTH_START + timedelta(days=day)).isoweekday()) in weekdays:
            mask[day * 1440 + on : day * 1440 + off] = True
    lo = minute(datetime.combine(first, datetime.min.time(), UTC))
    hi = minute(datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC))
    window = np.zeros(MINUTES, dtype=bool)
    window[lo:hi] = True
    return mask[:MINUTES] & window


def _code_runs(
    codes: npt.NDArray[np.int8], mask: npt.NDArray[np.bool_]
) -> list[tuple[int, int, int]]:
    """Runs of consecutive minutes in ``mask`` with the same code: (start, end, code)."""
    found: list[tuple[int, int, int]] = []
    for index in np.flatnonzero(mask).tolist():
        code = int(codes[index])
        if found and found[-1][1] == index and found[-1][2] == code:
            found[-1] = (found[-1][0], index + 1, code)
        else:
            found.append((index, index + 1, code))
    return found


def reference_outage(states: States, channel: int, air: npt.NDArray[np.bool_]) -> ReferenceOutage:
    """The outage of air time ``air`` on ``channel``, minute by minute."""
    receivers: dict[str, ReferenceReceiver] = {}
    judging = np.zeros(MINUTES, dtype=np.int8)
    jamming = np.zeros(MINUTES, dtype=np.int8)
    jam_sets: list[set[str]] = [set() for _ in range(MINUTES)]
    for receiver in RECEIVERS:
        codes = states.get((receiver, channel))
        if codes is None or not np.any(air & (codes != UNOBSERVED)):
            continue
        judged = np.isin(codes, JUDGED) & air
        jammed = np.isin(codes, JAMMED) & air
        judging += judged
        jamming += jammed
        for index in np.flatnonzero(jammed).tolist():
            jam_sets[index].add(receiver)
        receivers[receiver] = ReferenceReceiver(
            observed_s=60.0 * judged.sum(),
            unknown_s=60.0 * (air & (codes == UNKNOWN)).sum(),
            unobserved_s=60.0 * (air & (codes == UNOBSERVED)).sum(),
            jammed_s=60.0 * jammed.sum(),
            windows=[
                (at(lo), at(hi), _STATE[code][1] or "")
                for lo, hi, code in _code_runs(codes, jammed)
            ],
        )
    any_jammed = jamming > 0
    windows = []
    for lo, hi in runs(any_jammed):
        names = set().union(*jam_sets[lo:hi])
        jammers = {
            str(_STATE[int(states[(r, channel)][i])][1]) for i in range(lo, hi) for r in jam_sets[i]
        }
        windows.append((at(lo), at(hi), tuple(sorted(names)), tuple(sorted(jammers))))
    return ReferenceOutage(
        scheduled_s=60.0 * air.sum(),
        receivers=receivers,
        observed_s=60.0 * (judging > 0).sum(),
        jammed_any_s=60.0 * any_jammed.sum(),
        jammed_all_s=60.0 * (any_jammed & (jamming == judging)).sum(),
        windows=windows,
    )


@dataclass(frozen=True)
class ReferenceDay:
    """The reference figures of one day of a series (hours; minute indices for extents)."""

    observed_h: float
    judged_h: float
    jammed_h: float
    first_jammed: datetime | None
    last_jammed: datetime | None
    onsets: int
    ends: int


def reference_days(
    states: States, receiver: str, channels: tuple[int, ...], first: date, last: date
) -> tuple[dict[date, ReferenceDay], list[int], list[int]]:
    """Per day of ``[first, last]``, the series of ``channels`` added up; and hourly counts."""
    lo = minute(datetime.combine(first, datetime.min.time(), UTC))
    hi = minute(datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC))
    days: dict[date, ReferenceDay] = {}
    onset_hours, end_hours = [0] * 24, [0] * 24
    onset_day: dict[int, int] = {}
    end_day: dict[int, int] = {}
    for channel in channels:
        codes = states[(receiver, channel)]
        jammed = np.isin(codes, JAMMED)
        clear = np.isin(codes, CLEAR)
        onsets = np.flatnonzero(jammed[1:] & clear[:-1]) + 1  # minute the jamming starts
        ends = np.flatnonzero(jammed[:-1] & clear[1:]) + 1  # minute it has stopped
        for index in onsets.tolist():
            if lo <= index < hi:
                onset_hours[index % 1440 // 60] += 1
                onset_day[index // 1440] = onset_day.get(index // 1440, 0) + 1
        for index in ends.tolist():
            if lo < index < hi:  # a jammed segment ending as the range starts lies before it
                end_hours[index % 1440 // 60] += 1
                end_day[index // 1440] = end_day.get(index // 1440, 0) + 1
    for day_index in range(lo // 1440, hi // 1440):
        window = slice(day_index * 1440, (day_index + 1) * 1440)
        observed = judged = jammed_minutes = 0
        jam_minutes: list[int] = []
        for channel in channels:
            codes = states[(receiver, channel)][window]
            observed += int((codes != UNOBSERVED).sum())
            judged += int(np.isin(codes, JUDGED).sum())
            jammed_here = np.flatnonzero(np.isin(codes, JAMMED))
            jammed_minutes += len(jammed_here)
            jam_minutes += (jammed_here + day_index * 1440).tolist()
        days[(MONTH_START + timedelta(days=day_index)).date()] = ReferenceDay(
            observed_h=observed / 60,
            judged_h=judged / 60,
            jammed_h=jammed_minutes / 60,
            first_jammed=at(min(jam_minutes)) if jam_minutes else None,
            last_jammed=at(max(jam_minutes) + 1) if jam_minutes else None,
            onsets=onset_day.get(day_index, 0),
            ends=end_day.get(day_index, 0),
        )
    return days, onset_hours, end_hours
