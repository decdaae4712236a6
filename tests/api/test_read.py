"""The read side: receivers, channels, timeline, windows, summary, exports, on both backends."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import F1, F2, F3, Store, at, seg

DAY = {"start": "2026-02-16T00:00:00Z", "end": "2026-02-17T00:00:00Z"}


def iso(hours: float) -> str:
    return at(hours).isoformat().replace("+00:00", "Z")


def error_code(response: object) -> str:
    return response.json()["error"]["code"]  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def scene(store: Store) -> None:
    """Seoul watches F1 and F2 from 01:00 to 05:00 and 07:00 to 08:00; Tokyo F1 02:00-03:00."""
    store(
        "seoul",
        [F1, F2],
        1,
        5,
        [seg(F1, 1, 2, "signal"), seg(F1, 2, 4, "jammed"), seg(F2, 1, 5, "empty")],
    )
    store("seoul", [F1, F2], 7, 8, [seg(F1, 7, 7.5, "jammed", "sweep"), seg(F2, 7, 8, "signal")])
    store("tokyo", [F1], 2, 3, [seg(F1, 2, 3, "jammed")])


@pytest.mark.usefixtures("scene")
def test_receivers_are_listed_without_their_keys(client: TestClient, new_receiver: object) -> None:
    new_receiver("remote-1")  # type: ignore[operator]
    body = client.get("/api/v1/receivers").json()
    assert [r["name"] for r in body["data"]] == ["remote-1", "seoul", "tokyo"]
    assert body["count"] == 3
    assert all("key" not in field for r in body["data"] for field in r)
    assert client.get("/api/v1/receivers/tokyo").json()["name"] == "tokyo"
    missing = client.get("/api/v1/receivers/nowhere")
    assert missing.status_code == 404
    assert error_code(missing) == "receiver_not_found"


@pytest.mark.usefixtures("scene")
def test_the_timeline_makes_unknown_and_unobserved_time_explicit(client: TestClient) -> None:
    response = client.get(
        "/api/v1/timeline", params={"frequency_hz": F1, "receiver": "seoul", **DAY}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["next_start"] is None
    (lane,) = body["lanes"]
    assert [(i["start"], i["end"], i["state"]) for i in lane["intervals"]] == [
        (iso(0), iso(1), "unobserved"),
        (iso(1), iso(2), "signal"),
        (iso(2), iso(4), "jammed"),
        (iso(4), iso(5), "unknown"),
        (iso(5), iso(7), "unobserved"),
        (iso(7), iso(7.5), "jammed"),
        (iso(7.5), iso(8), "unknown"),
        (iso(8), iso(24), "unobserved"),
    ]


@pytest.mark.usefixtures("scene")
def test_the_timeline_has_a_lane_per_receiver_and_clips_to_the_range(client: TestClient) -> None:
    body = client.get(
        "/api/v1/timeline", params={"frequency_hz": F1, "start": iso(2.5), "end": iso(3.5)}
    ).json()
    lanes = {lane["receiver"]: lane["intervals"] for lane in body["lanes"]}
    assert [(i["start"], i["end"], i["state"]) for i in lanes["seoul"]] == [
        (iso(2.5), iso(3.5), "jammed")
    ]
    assert [(i["start"], i["end"], i["state"]) for i in lanes["tokyo"]] == [
        (iso(2.5), iso(3), "jammed"),
        (iso(3), iso(3.5), "unobserved"),
    ]


@pytest.mark.usefixtures("scene")
def test_timeline_pages_join_up_to_the_whole_timeline(client: TestClient) -> None:
    params: dict[str, Any] = {"frequency_hz": F1, "receiver": "seoul", **DAY}
    whole = client.get("/api/v1/timeline", params=params).json()["lanes"][0]["intervals"]
    pieces, start, pages = [], DAY["start"], 0
    while start is not None:
        page = client.get("/api/v1/timeline", params={**params, "start": start, "limit": 1}).json()
        pieces += page["lanes"][0]["intervals"]
        start, pages = page["next_start"], pages + 1
    assert pages > 2
    merged: list[dict[str, object]] = []
    for interval in pieces:
        if (
            merged
            and merged[-1]["end"] == interval["start"]
            and merged[-1]["state"] == interval["state"]
        ):
            merged[-1] = {**merged[-1], "end": interval["end"]}
        else:
            merged.append(interval)
    assert [(i["start"], i["end"], i["state"]) for i in merged] == [
        (i["start"], i["end"], i["state"]) for i in whole
    ]


def test_channels_show_the_current_state_or_unobserved(client: TestClient, store: Store) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    hours_ago = (now - at(0)).total_seconds() / 3600
    store(
        "seoul",
        [F1, F3],
        hours_ago - 0.5,
        hours_ago,
        [seg(F1, hours_ago - 0.5, hours_ago, "jammed")],
    )
    store("seoul", [F2], 1, 2, [seg(F2, 1, 2, "signal")])
    body = client.get("/api/v1/channels").json()
    states = {
        (c["receiver"], c["frequency_hz"]): (c["state"], c["last_state"]) for c in body["data"]
    }
    assert states == {
        ("seoul", F1): ("jammed", "jammed"),
        ("seoul", F2): ("unobserved", "signal"),
        ("seoul", F3): ("unknown", "unknown"),
    }
    band = client.get("/api/v1/channels", params={"band": "31m"}).json()["data"]
    assert [c["frequency_hz"] for c in band] == [F3]
    first = client.get("/api/v1/channels", params={"limit": 2}).json()
    assert len(first["data"]) == 2
    assert first["next_offset"] == 2
    rest = client.get("/api/v1/channels", params={"limit": 2, "offset": 2}).json()
    assert len(rest["data"]) == 1
    assert rest["next_offset"] is None


@pytest.mark.usefixtures("scene")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [("seoul", F1, 2, "noise"), ("tokyo", F1, 2, "noise"), ("seoul", F1, 7, "sweep")]),
        ({"receiver": "tokyo"}, [("tokyo", F1, 2, "noise")]),
        ({"jammer": "sweep"}, [("seoul", F1, 7, "sweep")]),
        ({"min_duration_s": 3601}, [("seoul", F1, 2, "noise")]),
        ({"frequency_hz": F2}, []),
        ({"band": "49m", "start": iso(6)}, [("seoul", F1, 7, "sweep")]),
    ],
)
def test_jamming_windows_follow_the_filters(
    client: TestClient,
    params: dict[str, Any],
    expected: list[tuple[str, int, float, str]],
) -> None:
    response = client.get("/api/v1/windows", params={**DAY, **params})
    assert response.status_code == 200
    got = [
        (w["receiver"], w["frequency_hz"], w["start"], w["jammer"]) for w in response.json()["data"]
    ]
    assert got == [(name, f, iso(h), jammer) for name, f, h, jammer in expected]


@pytest.mark.usefixtures("scene")
def test_windows_page_through_all_results(client: TestClient) -> None:
    seen, offset = [], 0
    while offset is not None:
        page = client.get("/api/v1/windows", params={**DAY, "limit": 1, "offset": offset}).json()
        seen += [(w["receiver"], w["start"]) for w in page["data"]]
        offset = page["next_offset"]
    assert len(seen) == 3 == len(set(seen))


@pytest.mark.usefixtures("scene")
def test_windows_export_as_csv(client: TestClient) -> None:
    response = client.get("/api/v1/windows.csv", params=DAY)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["receiver"], r["start"], r["end"], r["duration_s"]) for r in rows] == [
        ("seoul", iso(2), iso(4), "7200.000"),
        ("tokyo", iso(2), iso(3), "3600.000"),
        ("seoul", iso(7), iso(7.5), "1800.000"),
    ]


@pytest.mark.usefixtures("scene")
def test_windows_export_as_icalendar(client: TestClient) -> None:
    response = client.get("/api/v1/windows.ics", params={**DAY, "receiver": "seoul"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    lines = response.text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2] == "END:VCALENDAR"
    assert lines[-1] == ""
    assert lines.count("BEGIN:VEVENT") == 2
    assert "DTSTART:20260216T020000Z" in lines
    assert "DTEND:20260216T040000Z" in lines
    assert all(len(line.encode()) <= 75 for line in lines)


@pytest.mark.usefixtures("scene")
def test_an_export_too_large_is_refused(migrated_engine: object, db_session: object) -> None:
    from api.settings import ApiSettings
    from tests.api.conftest import app_on

    small = TestClient(app_on(migrated_engine, db_session, ApiSettings(max_export_rows=2)))  # type: ignore[arg-type]
    response = small.get("/api/v1/windows.csv", params=DAY)
    assert response.status_code == 400
    assert error_code(response) == "too_many_rows"


def test_the_daily_summary_never_counts_unobserved_time_as_not_jammed(
    client: TestClient, store: Store
) -> None:
    # 22:00-26:00 crosses midnight: 2 h jammed on the 16th, 1 h jammed + 1 h unknown on the 17th
    store("seoul", [F1], 22, 26, [seg(F1, 22, 25, "jammed")])
    store("seoul", [F1], 30, 31, [seg(F1, 30, 31, "empty")])
    body = client.get(
        "/api/v1/summary/daily",
        params={"frequency_hz": F1, "start_date": "2026-02-15", "end_date": "2026-02-17"},
    ).json()
    days = {d["date"]: d for d in body["data"]}
    assert days["2026-02-15"]["observed_h"] == 0
    assert days["2026-02-15"]["duty_cycle"] is None
    assert days["2026-02-15"]["unobserved_h"] == 24
    sixteenth, seventeenth = days["2026-02-16"], days["2026-02-17"]
    assert (sixteenth["observed_h"], sixteenth["jammed_h"], sixteenth["duty_cycle"]) == (2, 2, 1)
    assert seventeenth["observed_h"] == pytest.approx(3)
    assert seventeenth["judged_h"] == pytest.approx(2)
    assert seventeenth["unknown_h"] == pytest.approx(1)
    assert seventeenth["jammed_h"] == pytest.approx(1)
    assert seventeenth["duty_cycle"] == pytest.approx(0.5)
    assert seventeenth["unobserved_h"] == pytest.approx(21)


@pytest.mark.usefixtures("scene")
def test_the_summary_pages(client: TestClient) -> None:
    params: dict[str, Any] = {"start_date": "2026-02-16", "end_date": "2026-02-16", "limit": 2}
    first = client.get("/api/v1/summary/daily", params=params).json()
    assert [(d["receiver"], d["frequency_hz"]) for d in first["data"]] == [
        ("seoul", F1),
        ("seoul", F2),
    ]
    second = client.get(
        "/api/v1/summary/daily", params={**params, "offset": first["next_offset"]}
    ).json()
    assert [(d["receiver"], d["frequency_hz"]) for d in second["data"]] == [("tokyo", F1)]
    assert second["next_offset"] is None


LONG_AGO = (datetime(2026, 2, 16, tzinfo=UTC) - timedelta(days=400)).isoformat()


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/api/v1/timeline", {}, 422, "invalid_parameter"),
        ("/api/v1/timeline", {"frequency_hz": 6_015_001}, 422, "invalid_parameter"),
        ("/api/v1/timeline", {"frequency_hz": "abc"}, 422, "invalid_parameter"),
        (
            "/api/v1/timeline",
            {"frequency_hz": F1, "start": DAY["end"], "end": DAY["start"]},
            400,
            "invalid_range",
        ),
        (
            "/api/v1/timeline",
            {"frequency_hz": F1, "start": LONG_AGO, "end": DAY["end"]},
            400,
            "range_too_long",
        ),
        (
            "/api/v1/timeline",
            {"frequency_hz": F1, "start": "0001-01-01T00:00:00"},
            422,
            "invalid_parameter",
        ),
        (
            "/api/v1/windows.ics",
            {"end": "0001-01-01T00:00:00+01:00"},  # beyond what datetime holds in UTC
            422,
            "invalid_parameter",
        ),
        ("/api/v1/timeline", {"frequency_hz": F1, "start": "yesterday"}, 422, "invalid_parameter"),
        (
            "/api/v1/timeline",
            {"frequency_hz": F1, "receiver": "nowhere"},
            404,
            "receiver_not_found",
        ),
        ("/api/v1/timeline", {"frequency_hz": F1, "limit": 0}, 422, "invalid_parameter"),
        ("/api/v1/timeline", {"frequency_hz": F1, "limit": 1001}, 422, "invalid_parameter"),
        ("/api/v1/windows", {"frequency_hz": F1, "band": "49m"}, 422, "invalid_parameter"),
        ("/api/v1/windows", {"band": "80m"}, 422, "invalid_parameter"),
        ("/api/v1/windows", {"jammer": "laser"}, 422, "invalid_parameter"),
        ("/api/v1/windows", {"min_duration_s": -1}, 422, "invalid_parameter"),
        ("/api/v1/windows", {"offset": -1}, 422, "invalid_parameter"),
        ("/api/v1/windows.csv", {"start": DAY["end"], "end": DAY["start"]}, 400, "invalid_range"),
        ("/api/v1/windows.ics", {"receiver": "nowhere"}, 404, "receiver_not_found"),
        (
            "/api/v1/summary/daily",
            {"start_date": "2026-02-17", "end_date": "2026-02-16"},
            400,
            "invalid_range",
        ),
        (
            "/api/v1/summary/daily",
            {"start_date": "2025-01-01", "end_date": "2026-02-16"},
            400,
            "range_too_long",
        ),
        ("/api/v1/summary/daily", {"start_date": "2026-02-30"}, 422, "invalid_parameter"),
        ("/api/v1/channels", {"band": "49m", "frequency_hz": F1}, 422, "invalid_parameter"),
        ("/api/v1/channels", {"limit": 100000}, 422, "invalid_parameter"),
        ("/api/v1/nothing-here", {}, 404, "not_found"),
    ],
)
def test_bad_parameters_get_a_4xx_with_a_stable_code(
    client: TestClient, path: str, params: dict[str, Any], status: int, code: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert error_code(response) == code
    assert response.json()["error"]["message"]


def test_a_wrong_method_is_405_in_the_error_shape(client: TestClient) -> None:
    response = client.delete("/api/v1/receivers")
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"


def test_a_nul_character_in_a_name_is_not_found_rather_than_a_server_error(
    client: TestClient,
) -> None:
    response = client.get("/api/v1/windows", params={"receiver": "pi\x00-1"})
    assert response.status_code in (404, 422), response.text


@pytest.mark.usefixtures("scene")
@pytest.mark.parametrize("limit", [1, 4, 5])
def test_summary_pages_that_split_a_channel_join_up(client: TestClient, limit: int) -> None:
    params: dict[str, Any] = {"start_date": "2026-02-15", "end_date": "2026-02-17"}
    whole = client.get("/api/v1/summary/daily", params=params).json()
    assert whole["next_offset"] is None
    assert len(whole["data"]) == 9  # 3 channels x 3 days
    pages: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        page = client.get(
            "/api/v1/summary/daily", params={**params, "limit": limit, "offset": offset}
        ).json()
        assert len(page["data"]) <= limit
        pages += page["data"]
        offset = page["next_offset"]
    assert pages == whole["data"]
