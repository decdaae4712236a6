"""``/api/v1/evidence``: bundles are listed and served; bad ids, names and paths get 4xx."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from monitor.analysis import iso_utc
from monitor.evidence.bundle import BUNDLE_FILES, write_bundle
from monitor.store.evidence import BundleRecord, add_bundle
from tests.monitor.evidence.factories import RECEIVER, evidence_at

ONSET = datetime(2026, 2, 16, 12, 0, 8, tzinfo=UTC)
RANGE = {"start": "2026-02-16T00:00:00Z", "end": "2026-02-17T00:00:00Z"}


def index_bundle(session: Session, root: Path, onset: datetime, seed: int = 0) -> tuple[int, Path]:
    """Write a real bundle under ``root`` and index it; its id and folder."""
    evidence = evidence_at(onset, seed)
    bundle = write_bundle(root, evidence, now=onset + timedelta(minutes=1))
    record = BundleRecord(
        key=bundle.key,
        receiver=RECEIVER,
        frequency_hz=evidence.segment.frequency_hz,
        start=evidence.segment.start,
        end=evidence.segment.end,
        jammer="noise",
        confidence=evidence.segment.confidence,
        snr_db=evidence.segment.snr_db,
        clip_start=evidence.clip.start,
        clip_end=evidence.clip.end,
        path=str(bundle.path),
        size_bytes=bundle.size_bytes,
        created_at=onset + timedelta(minutes=1),
    )
    bundle_id = add_bundle(session, record)
    session.commit()
    return bundle_id, bundle.path


@pytest.fixture
def bundle(db_session: Session, tmp_path: Path) -> tuple[int, Path]:
    return index_bundle(db_session, tmp_path / "evidence", ONSET)


def test_list_by_frequency_and_time(
    client: TestClient, db_session: Session, bundle: tuple[int, Path], tmp_path: Path
) -> None:
    bundle_id, _ = bundle
    later_id, _ = index_bundle(db_session, tmp_path / "evidence", ONSET + timedelta(hours=2), 1)
    found = client.get("/api/v1/evidence", params={"frequency_hz": 7_250_000, **RANGE})
    assert found.status_code == 200, found.text
    body = found.json()
    assert [item["id"] for item in body["data"]] == [bundle_id, later_id]
    first = body["data"][0]
    assert first["url"] == f"/api/v1/evidence/{bundle_id}"
    assert first["receiver"] == RECEIVER
    assert first["start"].replace("+00:00", "Z") == iso_utc(ONSET)
    assert set(first["files"]) == set(BUNDLE_FILES)
    page = client.get("/api/v1/evidence", params={"band": "41m", "limit": 1, **RANGE}).json()
    assert [item["id"] for item in page["data"]] == [bundle_id]
    assert page["next_offset"] == 1
    narrow = {
        "start": iso_utc(ONSET + timedelta(hours=1)),
        "end": iso_utc(ONSET + timedelta(hours=3)),
    }
    assert [i["id"] for i in client.get("/api/v1/evidence", params=narrow).json()["data"]] == [
        later_id
    ]
    other = client.get("/api/v1/evidence", params={"frequency_hz": 7_255_000, **RANGE})
    assert other.json()["data"] == []


def test_bundle_and_its_files_are_served(client: TestClient, bundle: tuple[int, Path]) -> None:
    bundle_id, folder = bundle
    one = client.get(f"/api/v1/evidence/{bundle_id}")
    assert one.status_code == 200
    assert one.json()["frequency_hz"] == 7_250_000
    for name, url in one.json()["files"].items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.text)
        assert response.content == (folder / name).read_bytes()
    facts = client.get(f"/api/v1/evidence/{bundle_id}/bundle.json")
    assert facts.headers["content-type"].startswith("application/json")
    assert json.loads(facts.content)["start"] == iso_utc(ONSET)
    png = client.get(f"/api/v1/evidence/{bundle_id}/waterfall.png")
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/evidence/999999", 404, "evidence_not_found"),
        ("/api/v1/evidence/0", 422, "invalid_parameter"),
        ("/api/v1/evidence/abc", 422, "invalid_parameter"),
        ("/api/v1/evidence/{id}/passwd", 404, "evidence_file_not_found"),
        ("/api/v1/evidence/{id}/..%2F..%2F..%2Fetc%2Fpasswd", 404, "not_found"),
        ("/api/v1/evidence/{id}/%2E%2E", 404, "evidence_file_not_found"),
        ("/api/v1/evidence/{id}/clip.sigmf-data%00", 404, "evidence_file_not_found"),
        ("/api/v1/evidence/999999/bundle.json", 404, "evidence_not_found"),
    ],
)
def test_bad_ids_and_names_are_refused(
    client: TestClient, bundle: tuple[int, Path], path: str, status: int, code: str
) -> None:
    response = client.get(path.replace("{id}", str(bundle[0])))
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_traversal_by_raw_path_never_reaches_outside(
    client: TestClient, bundle: tuple[int, Path]
) -> None:
    response = client.get(f"/api/v1/evidence/{bundle[0]}/../../../../etc/passwd")
    assert response.status_code == 404
    assert "root:" not in response.text


def test_files_gone_or_swapped_for_links_are_not_served(
    client: TestClient, bundle: tuple[int, Path], tmp_path: Path
) -> None:
    bundle_id, folder = bundle
    (folder / "clip.sigmf-data").unlink()
    secret = tmp_path / "secret.txt"
    secret.write_text("not evidence")
    (folder / "waterfall.png").unlink()
    (folder / "waterfall.png").symlink_to(secret)
    for name in ("clip.sigmf-data", "waterfall.png"):
        response = client.get(f"/api/v1/evidence/{bundle_id}/{name}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "evidence_gone"


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"frequency_hz": 7_252_000}, 422, "invalid_parameter"),
        ({"frequency_hz": 7_250_000, "band": "41m"}, 422, "invalid_parameter"),
        ({"start": "2026-02-17T00:00:00Z", "end": "2026-02-16T00:00:00Z"}, 400, "invalid_range"),
        ({"start": "2020-01-01T00:00:00Z", "end": "2026-02-16T00:00:00Z"}, 400, "range_too_long"),
        ({"receiver": "nobody"}, 404, "receiver_not_found"),
        ({"receiver": "../x"}, 422, "invalid_parameter"),
        ({"limit": 0}, 422, "invalid_parameter"),
        ({"start": "yesterday"}, 422, "invalid_parameter"),
    ],
)
def test_bad_list_parameters_get_4xx(
    client: TestClient, params: dict[str, str | int], status: int, code: str
) -> None:
    response = client.get("/api/v1/evidence", params=params)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
