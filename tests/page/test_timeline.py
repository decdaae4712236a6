"""The timeline in a real Chromium: what it draws, and how filters and zoom change it."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.page.conftest import Web
from tests.page.expected import iso, pieces
from tests.page.seed import BAND_31M, BAND_49M, CHANNELS, LAST_DAY, at

DAY_VIEW = f"?band=49m&start={iso(at(LAST_DAY, 0))}&end={iso(at(LAST_DAY, 24))}"


def lanes(web: Web) -> set[tuple[int, str]]:
    """The (frequency, receiver) lanes drawn."""
    found = web.page.eval_on_selector_all(
        "#timeline-svg g.lane", "gs => gs.map(g => [g.dataset.frequencyHz, g.dataset.receiver])"
    )
    return {(int(f), r) for f, r in found}


def rects(web: Web, frequency_hz: int, receiver: str, state: str) -> list[dict[str, str]]:
    """The drawn intervals of one lane in ``state``, with their data and fill."""
    selector = (
        f'#timeline-svg g.lane[data-frequency-hz="{frequency_hz}"][data-receiver="{receiver}"]'
        f' rect.iv[data-state="{state}"]'
    )
    result: list[dict[str, str]] = web.page.eval_on_selector_all(
        selector,
        "rs => rs.map(r => ({start: r.dataset.start, end: r.dataset.end, jammer: r.dataset.jammer,"
        " fill: r.getAttribute('fill'), x: r.getBBox().x, width: r.getBBox().width}))",
    )
    return result


def shown_range(web: Web) -> tuple[str, str, str]:
    """The drawn range and mode from the timeline's attributes."""
    svg = web.page.locator("#timeline-svg")
    return (
        svg.get_attribute("data-start"),
        svg.get_attribute("data-end"),
        svg.get_attribute("data-mode"),
    )  # type: ignore[return-value]


def legend_fill(web: Web, key: str) -> str:
    """The fill of the legend swatch ``key``."""
    fill = web.page.get_attribute(f'#legend li[data-key="{key}"] rect', "fill")
    assert fill is not None
    return fill


def test_the_day_view_draws_every_seeded_jamming_window_where_it_happened(web: Web) -> None:
    web.open(DAY_VIEW)
    expected_lanes = {
        (c.frequency_hz, r) for c in CHANNELS if c.frequency_hz in BAND_49M for r in c.receivers
    }
    assert lanes(web) == expected_lanes
    assert shown_range(web) == (iso(at(LAST_DAY, 0)), iso(at(LAST_DAY, 24)), "detail")
    frame = web.page.eval_on_selector(
        '#timeline-svg g.lane[data-receiver="seoul"] rect.lane-frame',
        "r => [r.getBBox().x, r.getBBox().width]",
    )
    for frequency_hz, receiver in sorted(expected_lanes):
        want = pieces(frequency_hz, receiver, LAST_DAY, "jammed")
        drawn = rects(web, frequency_hz, receiver, "jammed")
        assert [(d["start"], d["end"], d["jammer"]) for d in drawn] == [
            (iso(a), iso(b), jammer) for a, b, _, jammer in want
        ], (frequency_hz, receiver)
        for d, (a, b, _, jammer) in zip(drawn, want, strict=True):
            assert d["fill"] == legend_fill(web, f"jammed:{jammer}")
            # placed on the time axis: 24 h across the frame's width (within a pixel)
            assert d["x"] == pytest.approx(
                frame[0] + frame[1] * (a - at(LAST_DAY, 0)) / timedelta(days=1), abs=1
            )
            assert d["width"] == pytest.approx(frame[1] * ((b - a) / timedelta(days=1)), abs=1)
    # jamming seen in Seoul only, and different jammer types have different colours
    assert rects(web, 6_015_000, "taipei", "jammed") == []
    assert len(rects(web, 6_015_000, "seoul", "jammed")) == 2
    assert (
        len(
            {
                legend_fill(web, f"jammed:{j}")
                for j in ("noise", "sweep", "pulse", "tone", "program")
            }
        )
        == 5
    )
    # Seoul's daily outage 10:00-11:30 is drawn as not observed, Taipei has none
    gap = rects(web, 5_975_000, "seoul", "unobserved")
    assert [(g["start"], g["end"]) for g in gap] == [
        (iso(at(LAST_DAY, 10)), iso(at(LAST_DAY, 11.5)))
    ]
    assert gap[0]["fill"] == legend_fill(web, "unobserved") == "url(#unobserved-hatch)"
    assert rects(web, 5_975_000, "taipei", "unobserved") == []
    web.assert_clean()


def test_filters_change_the_drawing_and_the_shareable_url(web: Web) -> None:
    web.open(DAY_VIEW)
    web.page.select_option("#f-band", "31m")
    web.wait_loaded()
    assert lanes(web) == {(f, "seoul") for f in BAND_31M}
    assert parse_qs(urlsplit(web.page.url).query)["band"] == ["31m"]
    want = pieces(9_490_000, "seoul", LAST_DAY, "jammed")
    assert [(r["start"], r["end"]) for r in rects(web, 9_490_000, "seoul", "jammed")] == [
        (iso(a), iso(b)) for a, b, _, _ in want
    ]

    web.page.select_option("#f-receiver", "taipei")
    web.wait_loaded()
    assert lanes(web) == set()
    assert "No channel has data" in web.page.inner_text("#timeline")

    web.page.fill("#f-frequency", "6015")
    web.page.press("#f-frequency", "Enter")
    web.wait_loaded()
    assert lanes(web) == {(6_015_000, "taipei")}
    query = parse_qs(urlsplit(web.page.url).query)
    assert query["frequency_hz"] == ["6015000"]
    assert query["receiver"] == ["taipei"]
    assert "band" not in query

    # the URL alone restores the view in a new tab
    shared = web.page.url
    web.open(shared[len(web.base_url) + 1 :])
    assert lanes(web) == {(6_015_000, "taipei")}
    assert web.page.input_value("#f-receiver") == "taipei"
    web.assert_clean()


def test_zoom_by_keyboard_wheel_and_drag_changes_the_visible_range(web: Web) -> None:
    web.open(DAY_VIEW)
    web.page.focus("#timeline")
    web.page.keyboard.press("+")
    web.wait_loaded()
    assert shown_range(web) == (iso(at(LAST_DAY, 6)), iso(at(LAST_DAY, 18)), "detail")
    assert parse_qs(urlsplit(web.page.url).query)["start"] == [iso(at(LAST_DAY, 6))]

    web.page.keyboard.press("ArrowRight")
    web.wait_loaded()
    assert shown_range(web)[:2] == (iso(at(LAST_DAY, 9)), iso(at(LAST_DAY, 21)))

    for _ in range(3):  # 12 h -> 4 days: daily cells
        web.page.click("#zoom-out")
        web.wait_loaded()
    start, end, mode = shown_range(web)
    assert (start, end, mode) == (iso(at(LAST_DAY, 15 - 48)), iso(at(LAST_DAY, 15 + 48)), "daily")
    cells = web.page.eval_on_selector_all(
        '#timeline-svg g.lane[data-frequency-hz="6015000"][data-receiver="seoul"] rect.iv',
        "rs => rs.map(r => [r.dataset.date, r.dataset.state])",
    )
    assert [date for date, _ in cells] == [
        "2026-02-14",
        "2026-02-15",
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
    ]
    assert dict(cells)["2026-02-17"] == "unobserved"

    box = web.page.locator("#timeline-svg rect.lane-frame").first.bounding_box()
    assert box is not None
    web.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 4)
    web.page.mouse.wheel(0, -120)
    web.wait_loaded()
    start, end, _ = shown_range(web)
    assert parse_span_h(start, end) == pytest.approx(96 / 1.5, abs=1 / 60)

    before = shown_range(web)
    x0, x1 = box["x"] + box["width"] * 0.25, box["x"] + box["width"] * 0.5
    web.page.mouse.move(x0, box["y"] + 4)
    web.page.mouse.down()
    web.page.mouse.move(x1, box["y"] + 4, steps=5)
    web.page.mouse.up()
    web.wait_loaded()
    start, end, _ = shown_range(web)
    span_h = parse_span_h(*before[:2])
    assert parse_span_h(start, end) == pytest.approx(span_h / 4, rel=0.02)
    web.assert_clean()


def parse_span_h(start: str, end: str) -> float:
    """Hours between two ISO times with ``Z``."""
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)) / timedelta(hours=1)
