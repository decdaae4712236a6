"""``/api/v1/outages`` and ``/api/v1/jamming``: a seeded month against the per-minute reference."""

from __future__ import annotations

import csv
import io
import statistics
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from monitor.store.evidence import BundleRecord, add_bundle
from tests.monitor.reports.month import (
    CHANNELS,
    FIRST,
    LAST,
    States,
    air_mask,
    month_states,
    reference_days,
    reference_outage,
    seed_month,
)

RANGE = {"start_date": FIRST.isoformat(), "end_date": LAST.isoformat()}


@pytest.fixture(scope="module")
def states() -> States:
    return month_states()


@pytest.fixture
def month(db_session: Session, states: States) -> None:
    seed_month(db_session, states)


def error_code(response: Any) -> str:
    return str(response.json()["error"]["code"])


@pytest.mark.usefixtures("month")
def test_outages_json_and_csv_agree_with_the_reference(client: TestClient, states: States) -> None:
    response = client.get("/api/v1/outages", params={"station": "voa", **RANGE})
    assert response.status_code == 200, response.text
    body = response.json()
    (voa,) = body["data"]
    assert (voa["broadcast"]["start_time"], voa["broadcast"]["end_time"]) == ("23:00", "01:00")
    expected = reference_outage(states, CHANNELS[1], air_mask(2300, 100, "1234567", FIRST, LAST))
    combined = voa["combined"]
    for name in ("scheduled_s", "observed_s", "jammed_any_s", "jammed_all_s"):
        assert combined[name] == pytest.approx(getattr(expected, name)), name
    assert combined["not_observed_s"] == pytest.approx(expected.scheduled_s - expected.observed_s)
    assert len(combined["windows"]) == len(expected.windows)
    assert body["totals"]["jammed_any_s"] == combined["jammed_any_s"]
    for receiver in voa["receivers"]:
        ref = expected.receivers[receiver["receiver"]]
        assert receiver["observed_s"] == pytest.approx(ref.observed_s)
        assert receiver["unobserved_s"] + receiver["unknown_s"] > 0
        assert receiver["clear_s"] == pytest.approx(ref.observed_s - ref.jammed_s)
        assert [w["start"][:16] for w in receiver["windows"]] == [
            w[0].strftime("%Y-%m-%dT%H:%M") for w in ref.windows
        ]
    exported = client.get("/api/v1/outages.csv", params={"station": "VOA", **RANGE})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [row["receiver"] for row in rows] == ["seoul", "tokyo", "*"]
    assert float(rows[-1]["jammed_s"]) == pytest.approx(expected.jammed_any_s)
    assert float(rows[-1]["not_observed_s"]) == pytest.approx(
        expected.scheduled_s - expected.observed_s
    )


@pytest.mark.usefixtures("month")
def test_daily_jamming_and_standout_days_agree_with_the_reference(
    client: TestClient, states: States
) -> None:
    body = client.get(
        "/api/v1/jamming/daily", params={"band": "49m", "receiver": "seoul", **RANGE}
    ).json()
    (series,) = body["data"]
    assert (series["name"], series["scope"], series["channels"]) == ("49m", "band", 2)
    days, onset_hours, _ = reference_days(states, "seoul", CHANNELS, FIRST, LAST)
    assert series["onset_hours"] == onset_hours
    for day in series["days"]:
        ref = days[date.fromisoformat(day["date"])]
        assert (day["observed_h"], day["jammed_h"]) == pytest.approx((ref.observed_h, ref.jammed_h))
        assert day["duty_cycle"] == (
            pytest.approx(ref.jammed_h / ref.judged_h) if ref.judged_h else None
        )
    assert series["median_duty_cycle"] == pytest.approx(
        statistics.median(r.jammed_h / r.judged_h for r in days.values() if r.judged_h >= 1)
    )
    standouts = client.get(
        "/api/v1/jamming/standout-days", params={"band": "49m", "receiver": "seoul", **RANGE}
    ).json()["data"]
    assert [(d["date"], d["standout"]) for d in standouts] == [
        (d["date"], d["standout"]) for d in series["days"] if d["standout"]
    ]
    median = series["median_duty_cycle"]
    assert {d["date"] for d in standouts} == {
        day.isoformat()
        for day, ref in days.items()
        if ref.judged_h >= 1 and ref.jammed_h / ref.judged_h < 0.25 * median
    }
    assert "2026-03-10" in {d["date"] for d in standouts}  # seoul's day without jamming
    assert "2026-03-05" not in [d["date"] for d in standouts]  # not observed: never "clear"


@pytest.mark.usefixtures("month")
def test_daily_jamming_per_channel_pages_and_exports(client: TestClient) -> None:
    params: dict[str, Any] = {"band": "49m", "group": "channel", "limit": 3, **RANGE}
    first = client.get("/api/v1/jamming/daily", params=params).json()
    assert [(s["receiver"], s["name"]) for s in first["data"]] == [
        ("seoul", "6015000"),
        ("seoul", "6100000"),
        ("tokyo", "6015000"),
    ]
    second = client.get(
        "/api/v1/jamming/daily", params={**params, "offset": first["next_offset"]}
    ).json()
    assert [(s["receiver"], s["name"]) for s in second["data"]] == [("tokyo", "6100000")]
    assert second["next_offset"] is None
    exported = client.get("/api/v1/jamming/daily.csv", params=params)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 4 * ((LAST - FIRST).days + 1)
    unwatched = [r for r in rows if r["receiver"] == "seoul" and r["date"] == "2026-03-05"]
    assert {(r["observed_h"], r["duty_cycle"], r["standout"]) for r in unwatched} == {
        ("0.0000", "", "")
    }


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/api/v1/outages", {}, 422, "invalid_selection"),
        ("/api/v1/outages", {"broadcast_id": 1, "station": "KBS"}, 422, "invalid_selection"),
        ("/api/v1/outages", {"broadcast_id": 0}, 422, "invalid_parameter"),
        ("/api/v1/outages", {"broadcast_id": "x"}, 422, "invalid_parameter"),
        ("/api/v1/outages", {"station": ""}, 422, "invalid_parameter"),
        ("/api/v1/outages", {"station": "Nobody"}, 404, "broadcast_not_found"),
        ("/api/v1/outages", {"broadcast_id": 999999}, 404, "broadcast_not_found"),
        ("/api/v1/outages", {"station": "KBS", "receiver": "nowhere"}, 404, "receiver_not_found"),
        (
            "/api/v1/outages",
            {"station": "KBS", "start_date": "2026-03-10", "end_date": "2026-03-01"},
            400,
            "invalid_range",
        ),
        (
            "/api/v1/outages.csv",
            {"station": "KBS", "start_date": "2025-01-01", "end_date": "2026-03-01"},
            400,
            "range_too_long",
        ),
        (
            "/api/v1/outages",
            {"station": "KBS", "start_date": "2026-02-30"},
            422,
            "invalid_parameter",
        ),
        ("/api/v1/outages", {"station": "KBS", "receiver": ["a"] * 51}, 422, "invalid_parameter"),
        ("/api/v1/jamming/daily", {}, 422, "invalid_parameter"),
        (
            "/api/v1/jamming/daily",
            {"band": "49m", "frequency_hz": 6_015_000},
            422,
            "invalid_parameter",
        ),
        ("/api/v1/jamming/daily", {"band": "80m"}, 422, "invalid_parameter"),
        ("/api/v1/jamming/daily", {"frequency_hz": 6_015_001}, 422, "invalid_parameter"),
        (
            "/api/v1/jamming/daily",
            {"frequency_hz": 6_015_000, "group": "band"},
            422,
            "invalid_parameter",
        ),
        ("/api/v1/jamming/daily", {"band": "49m", "group": "week"}, 422, "invalid_parameter"),
        (
            "/api/v1/jamming/daily",
            {"band": "49m", "receiver": "nowhere"},
            404,
            "receiver_not_found",
        ),
        (
            "/api/v1/jamming/daily",
            {"band": "49m", "far_less_fraction": 1},
            422,
            "invalid_parameter",
        ),
        ("/api/v1/jamming/daily", {"band": "49m", "min_days": 0}, 422, "invalid_parameter"),
        ("/api/v1/jamming/daily", {"band": "49m", "limit": 0}, 422, "invalid_parameter"),
        (
            "/api/v1/jamming/standout-days",
            {"band": "49m", "start_date": "2025-01-01", "end_date": "2026-03-01"},
            400,
            "range_too_long",
        ),
    ],
)
def test_bad_parameters_get_a_4xx_with_a_stable_code(
    client: TestClient, path: str, params: dict[str, Any], status: int, code: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert error_code(response) == code
    assert response.json()["error"]["message"]


@pytest.mark.usefixtures("month")
def test_outage_windows_link_the_evidence_kept_for_them(
    client: TestClient, db_session: Session
) -> None:
    first = client.get("/api/v1/outages", params={"station": "voa", **RANGE}).json()
    (voa,) = first["data"]
    seoul = next(r for r in voa["receivers"] if r["receiver"] == "seoul")
    assert all(w["evidence"] == [] for w in seoul["windows"])
    window = seoul["windows"][0]
    start, end = datetime.fromisoformat(window["start"]), datetime.fromisoformat(window["end"])
    bundle_id = add_bundle(
        db_session,
        BundleRecord(
            key="seoul/test/onset",
            receiver="seoul",
            frequency_hz=voa["broadcast"]["channel_hz"],
            start=start,
            end=end,
            jammer=window["jammer"],
            confidence=0.9,
            snr_db=20.0,
            clip_start=start,
            clip_end=start + timedelta(seconds=10),
            path="/nonexistent/bundle",
            size_bytes=1,
            created_at=start,
        ),
    )
    db_session.flush()
    second = client.get("/api/v1/outages", params={"station": "voa", **RANGE}).json()
    receivers = {r["receiver"]: r for r in second["data"][0]["receivers"]}
    linked = [w["evidence"] for w in receivers["seoul"]["windows"]]
    assert linked[0] == [f"/api/v1/evidence/{bundle_id}"]
    assert all(urls == [] for urls in linked[1:])
    assert all(w["evidence"] == [] for w in receivers["tokyo"]["windows"])
