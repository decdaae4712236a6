"""The pure arithmetic: slices, outage figures and daily extents, on hand-made cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from monitor.reports.daily import (
    ChannelDayTotals,
    JammedExtent,
    StandoutRule,
    TransitionCount,
    daily_series,
    day_extents,
)
from monitor.reports.outages import BroadcastInfo, outage
from monitor.reports.spans import Span, slices

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


INFO = BroadcastInfo(
    1, 6_015_000, 6_015_000, "KBS", "K", "NK", time(15), time(17), "1234567", None, None, "csv:x"
)


def test_slices_tile_the_air_time_with_one_state_per_receiver() -> None:
    lanes = {
        "a": [Span(h(0), h(1), "signal"), Span(h(1), h(3), "jammed", "noise")],
        "b": [Span(h(2), h(2.5), "unknown")],
    }
    cut = slices([(h(0.5), h(2.75))], lanes)
    assert [(s.start, s.end) for s in cut] == [
        (h(0.5), h(1)),
        (h(1), h(2)),
        (h(2), h(2.5)),
        (h(2.5), h(2.75)),
    ]
    assert [(s.states["a"] and s.states["a"].state, s.states["b"]) for s in cut][0] == (
        "signal",
        None,
    )
    assert cut[2].states["b"] == lanes["b"][0]
    assert cut[2].judging() == ["a"]
    assert cut[2].jamming() == ["a"]


def test_jammed_at_all_counts_only_the_receivers_that_judged() -> None:
    lanes = {
        "a": [Span(h(0), h(2), "jammed", "noise")],
        "b": [Span(h(0), h(1), "empty"), Span(h(1), h(2), "unknown")],
        "c": [Span(h(1.5), h(2), "jammed", "sweep")],
    }
    report = outage(INFO, [(h(0), h(2)), (h(3), h(4))], lanes)
    c = report.combined
    assert c.scheduled_s == 3 * 3600
    assert c.observed_s == 2 * 3600  # 03:00-04:00 nobody watched: not observed, not clear
    assert c.not_observed_s == 3600
    assert c.jammed_any_s == 2 * 3600
    assert c.jammed_all_s == 3600  # b judged it clear from 00:00 to 01:00
    assert c.clear_s == 0
    (window,) = c.windows
    assert (window.receivers, window.jammers, window.jammed_all_s) == (
        ("a", "c"),
        ("noise", "sweep"),
        3600,
    )
    b = next(r for r in report.receivers if r.receiver == "b")
    assert (b.observed_s, b.unknown_s, b.unobserved_s, b.jammed_fraction) == (
        3600,
        3600,
        3600,
        0.0,
    )


def test_a_receiver_window_splits_where_the_jammer_changes() -> None:
    lanes = {"a": [Span(h(0), h(1), "jammed", "noise"), Span(h(1), h(2), "jammed", "sweep")]}
    (receiver,) = outage(INFO, [(h(0.5), h(1.5))], lanes).receivers
    assert [(w.start, w.end, w.jammer) for w in receiver.windows] == [
        (h(0.5), h(1), "noise"),
        (h(1), h(1.5), "sweep"),
    ]


def test_a_multi_day_jammed_segment_fills_every_day_it_covers() -> None:
    days = [date(2026, 3, d) for d in range(2, 7)]
    extents = [
        JammedExtent("a", 6_015_000, date(2026, 3, 2), h(20), h(24 * 2 + 6)),
        JammedExtent("a", 6_015_000, date(2026, 3, 3), h(24 + 8), h(24 + 9)),
        JammedExtent("a", 6_015_000, date(2026, 3, 6), h(24 * 4 + 5), h(24 * 4 + 7)),
    ]
    found = day_extents(extents, days)
    assert found == {
        ("a", 6_015_000, date(2026, 3, 2)): (h(20), h(24)),
        ("a", 6_015_000, date(2026, 3, 3)): (h(24), h(48)),
        ("a", 6_015_000, date(2026, 3, 4)): (h(48), h(54)),
        ("a", 6_015_000, date(2026, 3, 6)): (h(96 + 5), h(96 + 7)),
    }


def test_standouts_need_enough_judged_days_and_a_median_above_zero() -> None:
    days = [date(2026, 3, d) for d in range(2, 9)]

    def totals(jammed_h: list[float], judged_h: float = 10.0) -> list[ChannelDayTotals]:
        return [
            ChannelDayTotals("a", 6_015_000, day, judged_h * 3600, judged_h * 3600, j * 3600)
            for day, j in zip(days, jammed_h, strict=True)
        ]

    def marks(rows: list[ChannelDayTotals], rule: StandoutRule) -> list[str | None]:
        (series,) = daily_series(rows, [], [], days, series_of=str, scope="channel", rule=rule)
        return [d.standout for d in series.days]

    usual = [6.0, 5.0, 0.0, 6.0, 1.0, 5.5, 6.0]
    assert marks(totals(usual), StandoutRule()) == [
        None,
        None,
        "no_jamming",
        None,
        "far_less",
        None,
        None,
    ]
    assert marks(totals(usual), StandoutRule(min_days=8)) == [None] * 7
    assert marks(totals([0.0] * 7), StandoutRule()) == [None] * 7
    assert marks(totals(usual, judged_h=0.5), StandoutRule()) == [None] * 7


def test_the_modal_hours_come_from_the_transition_counts() -> None:
    day = date(2026, 3, 2)
    rows = [ChannelDayTotals("a", 6_015_000, day, 3600.0, 3600.0, 1800.0)]
    transitions = [
        TransitionCount("a", 6_015_000, day, 7, "onset", 2),
        TransitionCount("a", 6_015_000, day, 6, "onset", 1),
        TransitionCount("a", 6_015_000, day, 23, "end", 3),
    ]
    (series,) = daily_series(
        rows, [], transitions, [day], series_of=str, scope="channel", rule=StandoutRule()
    )
    assert (series.modal_onset_hour, series.modal_end_hour) == (7, 23)
    assert (series.days[0].onsets, series.days[0].ends) == (3, 3)
    empty = daily_series(rows, [], [], [day], series_of=str, scope="channel", rule=StandoutRule())
    assert (empty[0].modal_onset_hour, empty[0].modal_end_hour) == (None, None)


@pytest.mark.parametrize(
    "arguments",
    [
        {"min_judged_h": -1.0},
        {"far_less_fraction": 0.0},
        {"far_less_fraction": 1.0},
        {"min_days": 0},
    ],
)
def test_an_invalid_standout_rule_is_refused(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(arguments))):
        StandoutRule(**arguments)  # type: ignore[arg-type]
