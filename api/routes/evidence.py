"""``/api/v1/evidence``: the evidence bundles receivers keep when a jamming window opens.

``/api/v1/evidence/{id}`` is a bundle's stable URL (the page and outage reports link to it);
its files are ``/api/v1/evidence/{id}/{file}`` for the four names of
:data:`~monitor.evidence.bundle.BUNDLE_FILES` and nothing else. Files are read from the folder
the receiver indexed, so the API must run where the bundles are (the receiver's host or a
shared volume). Error codes: ``evidence_not_found`` (no such id), ``evidence_file_not_found``
(a name that is not a bundle file), ``evidence_gone`` (indexed, but the file is no longer on
disk), plus the common ``invalid_parameter``, ``invalid_range``, ``range_too_long`` and
``receiver_not_found``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel

from api.deps import ReceiverQuery, SessionDep, SettingsDep, TimeRange, frequency_span
from api.errors import ApiError
from api.queries import receiver_id
from api.schemas import MAX_PAGE_SIZE, Page
from dsp.bands import BandName
from monitor.evidence.bundle import BUNDLE_FILES, BUNDLE_JSON, CLIP_BASE, WATERFALL_PNG
from monitor.store.evidence import EvidenceBundle, bundles_between, find_bundle

router = APIRouter(prefix="/evidence", tags=["evidence"])

MEDIA_TYPES = {
    BUNDLE_JSON: "application/json",
    WATERFALL_PNG: "image/png",
    f"{CLIP_BASE}.sigmf-meta": "application/sigmf-meta+json",
    f"{CLIP_BASE}.sigmf-data": "application/octet-stream",
}
"""Content type of each bundle file."""

BundleId = Annotated[int, Path(ge=1, le=2**63 - 1, description="bundle id")]


class EvidencePublic(BaseModel):
    """An evidence bundle: the jammed segment it documents and the URLs of its files."""

    id: int
    url: str
    receiver: str
    frequency_hz: int
    start: datetime
    end: datetime
    jammer: str
    confidence: float
    snr_db: float | None
    clip_start: datetime
    clip_end: datetime
    size_bytes: int
    created_at: datetime
    files: dict[str, str]


class EvidenceListPublic(Page):
    """A page of bundles, by onset."""

    data: list[EvidencePublic]


def _public(row: EvidenceBundle, receiver: str) -> EvidencePublic:
    url = f"/api/v1/evidence/{row.id}"
    return EvidencePublic(
        id=row.id,
        url=url,
        receiver=receiver,
        frequency_hz=row.frequency_hz,
        start=row.start_at,
        end=row.end_at,
        jammer=row.jammer,
        confidence=row.confidence,
        snr_db=row.snr_db,
        clip_start=row.clip_start_at,
        clip_end=row.clip_end_at,
        size_bytes=row.size_bytes,
        created_at=row.created_at,
        files={name: f"{url}/{name}" for name in BUNDLE_FILES},
    )


def _bundle(session: SessionDep, bundle_id: int) -> tuple[EvidenceBundle, str]:
    found = find_bundle(session, bundle_id)
    if found is None:
        raise ApiError(404, "evidence_not_found", f"no evidence bundle {bundle_id}")
    return found


@router.get("", response_model=EvidenceListPublic)
def read_evidence_list(
    session: SessionDep,
    settings: SettingsDep,
    frequency_hz: Annotated[int | None, Query(ge=1, le=1_000_000_000)] = None,
    band: BandName | None = None,
    receiver: ReceiverQuery = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> EvidenceListPublic:
    """List evidence bundles whose jamming overlaps the time range (default: last 7 days)."""
    window = TimeRange.of(
        start, end, default_span=timedelta(days=7), max_days=settings.max_range_days
    )
    rows = bundles_between(
        session,
        window.start,
        window.end,
        span_hz=frequency_span(frequency_hz, band),
        receiver_id=receiver_id(session, receiver),
        limit=limit + 1,
        offset=offset,
    )
    more = len(rows) > limit
    return EvidenceListPublic(
        data=[_public(row, name) for row, name in rows[:limit]],
        next_offset=offset + limit if more else None,
    )


@router.get("/{bundle_id}", response_model=EvidencePublic)
def read_evidence(session: SessionDep, bundle_id: BundleId) -> EvidencePublic:
    """Get one bundle: its segment and the URLs of its files."""
    return _public(*_bundle(session, bundle_id))


@router.get(
    "/{bundle_id}/{name}",
    response_class=FileResponse,
    responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}}},
)
def read_evidence_file(
    session: SessionDep,
    bundle_id: BundleId,
    name: Annotated[str, Path(max_length=64, description="one of the bundle's file names")],
) -> FileResponse:
    """Download one file of a bundle (``bundle.json``, ``waterfall.png`` or the SigMF clip)."""
    if name not in MEDIA_TYPES:
        raise ApiError(
            404,
            "evidence_file_not_found",
            f"a bundle has no file {name!r}: ask for one of {', '.join(BUNDLE_FILES)}",
        )
    row, _ = _bundle(session, bundle_id)
    folder = FilePath(row.path)
    path = folder / name
    if not (path.is_file() and path.resolve().parent == folder.resolve()):
        raise ApiError(
            404, "evidence_gone", f"{name} of evidence bundle {bundle_id} is no longer on disk"
        )
    return FileResponse(path, media_type=MEDIA_TYPES[name], filename=name)
