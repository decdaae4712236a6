"""A seeded month at two receivers: outages and daily jamming agree with a per-minute reference.

Runs on SQLite and PostgreSQL (``migrated_engine`` is parametrised over both).
"""

from __future__ import annotations

import statistics
from datetime import date

import numpy as np
import pytest
from sqlalchemy.orm import Session

from monitor.reports import (
    BroadcastSelection,
    DateRange,
    JammingSeries,
    OutageReport,
    StandoutRule,
    daily_jamming,
    outage_reports,
    total,
)
from tests.monitor.reports.month import (
    CHANNELS,
    FIRST,
    LAST,
    MONTH_START,
    NO_JAMMING_DAYS,
    RECEIVERS,
    UNOBSERVED_DAYS,
    States,
    air_mask,
    month_states,
    reference_days,
    reference_outage,
    seed_month,
)

DATES = DateRange(FIRST, LAST)
AIR = {  # station, frequency: (start, end, weekdays)
    ("KBS", 6_015_000): (1500, 1700, "1234567"),
    ("VOA", 6_100_000): (2300, 100, "1234567"),
    ("RFA", 6_015_000): (2100, 2200, "135"),
    ("KBS", 7_210_000): (1200, 1300, "1234567"),
}


@pytest.fixture(scope="module")
def states() -> States:
    return month_states()


@pytest.fixture
def month(db_session: Session, states: States) -> Session:
    seed_month(db_session, states)
    return db_session


def check_outage(report: OutageReport, states: States) -> None:
    """``report`` equals the per-minute reference of its broadcast."""
    b = report.broadcast
    start, end, weekdays = AIR[(b.station, b.frequency_hz)]
    air = air_mask(start, end, weekdays, FIRST, LAST)
    expected = reference_outage(states, b.channel_hz, air)
    assert report.combined.scheduled_s == pytest.approx(expected.scheduled_s)
    assert sum((off - on).total_seconds() for on, off in report.air) == expected.scheduled_s
    assert {r.receiver for r in report.receivers} == set(expected.receivers)
    for r in report.receivers:
        ref = expected.receivers[r.receiver]
        assert (r.observed_s, r.unknown_s, r.unobserved_s, r.jammed_s) == pytest.approx(
            (ref.observed_s, ref.unknown_s, ref.unobserved_s, ref.jammed_s)
        ), r.receiver
        assert [(w.start, w.end, w.jammer) for w in r.windows] == ref.windows
        # unobserved and unknown time is never clear
        assert r.clear_s == pytest.approx(ref.observed_s - ref.jammed_s)
        assert r.scheduled_s == pytest.approx(r.observed_s + r.unknown_s + r.unobserved_s)
    c = report.combined
    assert (c.observed_s, c.jammed_any_s, c.jammed_all_s) == pytest.approx(
        (expected.observed_s, expected.jammed_any_s, expected.jammed_all_s)
    )
    assert c.not_observed_s == pytest.approx(expected.scheduled_s - expected.observed_s)
    assert c.clear_s == pytest.approx(expected.observed_s - expected.jammed_any_s)
    assert [(w.start, w.end, w.receivers, w.jammers) for w in c.windows] == expected.windows


def test_outages_of_a_language_agree_with_the_reference(month: Session, states: States) -> None:
    reports = outage_reports(month, BroadcastSelection(language="k"), DATES)
    assert [(r.broadcast.station, r.broadcast.frequency_hz) for r in reports] == [
        ("KBS", 6_015_000),
        ("RFA", 6_015_000),
        ("VOA", 6_100_000),
    ]
    for report in reports:
        check_outage(report, states)
    kbs, rfa, voa = reports
    # the seeded month really has all the cases the bar asks for
    assert all(r.unknown_s > 0 and r.unobserved_s > 0 for r in kbs.receivers)
    assert 0 < kbs.combined.jammed_all_s < kbs.combined.jammed_any_s
    assert {j for w in kbs.combined.windows for j in w.jammers} == {"noise", "sweep"}
    assert rfa.combined.scheduled_s == 60 * 60 * 11  # Mo, We, Fr from 3 to 28 March
    assert voa.air[0] == (MONTH_START.replace(day=3), MONTH_START.replace(day=3, hour=1))
    assert total(reports).jammed_any_s == pytest.approx(
        sum(r.combined.jammed_any_s for r in reports)
    )


def test_a_broadcast_nobody_watched_is_all_not_observed(month: Session, states: States) -> None:
    reports = outage_reports(month, BroadcastSelection(station="KBS", language="E"), DATES)
    (report,) = reports
    check_outage(report, states)
    assert report.receivers == ()
    c = report.combined
    assert c.scheduled_s == 26 * 3600
    assert (c.observed_s, c.clear_s, c.jammed_any_s, c.jammed_any_fraction) == (0, 0, 0, None)
    assert c.not_observed_s == c.scheduled_s


def test_named_receivers_are_reported_even_when_they_saw_nothing(
    month: Session, states: States
) -> None:
    (report,) = outage_reports(
        month,
        BroadcastSelection(station="KBS", language="E"),
        DATES,
        receivers=["tokyo", "seoul"],
    )
    assert [(r.receiver, r.unobserved_s, r.jammed_fraction) for r in report.receivers] == [
        ("seoul", 26 * 3600, None),
        ("tokyo", 26 * 3600, None),
    ]
    by_id = outage_reports(month, BroadcastSelection(broadcast_id=report.broadcast.id), DATES)
    assert by_id[0].broadcast == report.broadcast
    single = outage_reports(month, BroadcastSelection(station="VOA"), DATES, receivers=["tokyo"])
    check_outage_of_one = reference_outage(
        {key: value for key, value in states.items() if key[0] == "tokyo"},
        6_100_000,
        air_mask(2300, 100, "1234567", FIRST, LAST),
    )
    assert single[0].combined.jammed_any_s == check_outage_of_one.jammed_any_s


def check_series(series: JammingSeries, states: States, channels: tuple[int, ...]) -> None:
    days, onset_hours, end_hours = reference_days(states, series.receiver, channels, FIRST, LAST)
    assert [d.day for d in series.days] == list(days)
    for d in series.days:
        ref = days[d.day]
        assert (d.observed_h, d.judged_h, d.jammed_h) == pytest.approx(
            (ref.observed_h, ref.judged_h, ref.jammed_h)
        ), d.day
        assert d.unobserved_h == pytest.approx(24 * len(channels) - ref.observed_h)
        assert d.duty_cycle == (
            pytest.approx(ref.jammed_h / ref.judged_h) if ref.judged_h else None
        )
        assert (d.first_jammed_at, d.last_jammed_at) == (ref.first_jammed, ref.last_jammed)
        assert (d.onsets, d.ends) == (ref.onsets, ref.ends), d.day
    assert list(series.onset_hours) == onset_hours
    assert list(series.end_hours) == end_hours
    assert series.modal_onset_hour == int(np.argmax(onset_hours))
    # the standout rule applied to the reference figures
    rule = StandoutRule()
    assessed = {
        day: ref.jammed_h / ref.judged_h
        for day, ref in days.items()
        if ref.judged_h >= rule.min_judged_h
    }
    median = statistics.median(assessed.values())
    assert series.median_duty_cycle == pytest.approx(median)
    expected = {
        day: "no_jamming" if duty == 0 else "far_less"
        for day, duty in assessed.items()
        if duty < rule.far_less_fraction * median
    }
    assert {d.day: d.standout for d in series.standouts} == expected


def test_daily_jamming_per_channel_agrees_with_the_reference(
    month: Session, states: States
) -> None:
    series = daily_jamming(month, span=(CHANNELS[0], CHANNELS[0]), dates=DATES, scope="channel")
    assert [(s.receiver, s.name) for s in series] == [(r, str(CHANNELS[0])) for r in RECEIVERS]
    for one in series:
        check_series(one, states, (CHANNELS[0],))
    seoul = series[0]
    standouts = {d.day: d.standout for d in seoul.standouts}
    assert standouts[date(2026, 3, 10)] == "no_jamming"
    assert standouts[date(2026, 3, 21)] == "far_less"
    unwatched = seoul.days[UNOBSERVED_DAYS["seoul"][0] - 2]
    assert unwatched.day == date(2026, 3, 5)
    assert (unwatched.observed_h, unwatched.duty_cycle, unwatched.standout) == (0, None, None)
    assert any(d.first_jammed_at == MONTH_START.replace(day=d.day.day) for d in seoul.days)


def test_daily_jamming_of_the_band_adds_up_its_channels(month: Session, states: States) -> None:
    series = daily_jamming(
        month,
        span=(5_900_000, 6_200_000),
        dates=DATES,
        scope="band",
        band_name="49m",
        receiver="tokyo",
    )
    (tokyo,) = series
    assert (tokyo.receiver, tokyo.name, tokyo.channels) == ("tokyo", "49m", 2)
    check_series(tokyo, states, CHANNELS)
    assert NO_JAMMING_DAYS["tokyo"][0] + 1 in {d.day.day for d in tokyo.standouts}
