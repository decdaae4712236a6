"""Writing one evidence bundle: the clip as SigMF, its waterfall PNG and ``bundle.json``.

A bundle is the folder ``<root>/<receiver>/<YYYY-MM-DD>/<frequency_hz>_<onset>/`` (onset as
``YYYYmmddTHHMMSS.fffZ``, UTC) holding:

- ``clip.sigmf-data`` / ``clip.sigmf-meta``: the channel at 0 Hz (``core:frequency`` is the
  channel), ``cf32_le``, with one ``jammed`` annotation over the detected part;
- ``waterfall.png``: the clip's spectrogram with the detection drawn as a box;
- ``bundle.json``: receiver, channel, UTC times, jammer type, confidence, SNR, software version
  and the SHA-256 of every other file.

The folder is written under a temporary name and renamed into place, so a reader never sees a
half-written bundle.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

from dsp.vocabulary import Segment
from monitor.analysis import iso_utc
from monitor.evidence.clip import Clip
from monitor.plot.grid import compute_grid
from monitor.plot.overlays import Box
from monitor.plot.render import Layout, render_png
from monitor.plot.view import recording_view
from monitor.recording import open_recording
from monitor.recording.sigmf_writer import SigMFWriter

FORMAT = "jamwatch-evidence/1"
"""``format`` of ``bundle.json``; changed only by adding fields."""

CLIP_BASE = "clip"
BUNDLE_JSON = "bundle.json"
WATERFALL_PNG = "waterfall.png"
BUNDLE_FILES = (BUNDLE_JSON, WATERFALL_PNG, f"{CLIP_BASE}.sigmf-meta", f"{CLIP_BASE}.sigmf-data")
"""Every file of a bundle (the API serves these names and no others)."""

CHANNEL_HALF_WIDTH_HZ = 4_500.0
"""The detection is annotated over the channel +-4.5 kHz."""

PARTIAL_SUFFIX = ".partial"
"""Suffix of a bundle folder being written."""

BUNDLE_NAME = re.compile(r"^(\d+)_(\d{8}T\d{6}\.\d{3})Z$")
"""A bundle folder's name: frequency and onset."""

WATERFALL_SIZE_PX = (900, 700)

Station = Mapping[str, str | float | int | bool | None]
"""How the receiver describes itself in ``bundle.json`` (source kind, hardware, rate...)."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a bundle documents.

    Attributes
    ----------
    receiver
        Receiver name.
    station
        The receiver's description (source, tuning hardware).
    clip
        The channel's IQ around the onset.
    segment
        The jammed segment whose onset this is.
    continues
        The segment reached the end of its dwell: the window may go on after ``segment.end``.
    """

    receiver: str
    station: Station
    clip: Clip
    segment: Segment
    continues: bool


@dataclass(frozen=True, slots=True)
class WrittenBundle:
    """A bundle on disk.

    Attributes
    ----------
    key
        ``<receiver>/<date>/<name>``, the folder relative to the evidence root.
    path
        The folder (absolute).
    size_bytes
        Total size of its files.
    facts
        The content of ``bundle.json``.
    """

    key: str
    path: Path
    size_bytes: int
    facts: dict[str, object]


def bundle_name(frequency_hz: int, onset: datetime) -> str:
    """The folder name of a bundle.

    >>> bundle_name(7_250_000, datetime(2026, 2, 16, 12, 0, 8, 250_000, tzinfo=UTC))
    '7250000_20260216T120008.250Z'
    """
    moment = onset.astimezone(UTC)
    return f"{frequency_hz}_{moment:%Y%m%dT%H%M%S}.{moment.microsecond // 1000:03d}Z"


def bundle_onset(name: str) -> datetime | None:
    """The onset encoded in a bundle folder's name, or None for another name.

    >>> bundle_onset("7250000_20260216T120008.250Z")
    datetime.datetime(2026, 2, 16, 12, 0, 8, 250000, tzinfo=datetime.timezone.utc)
    >>> bundle_onset("../etc") is None
    True
    """
    match = BUNDLE_NAME.match(name)
    if match is None:
        return None
    return datetime.strptime(match.group(2), "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC)


def bundle_key(receiver: str, frequency_hz: int, onset: datetime) -> str:
    """``<receiver>/<YYYY-MM-DD>/<name>``: where the bundle lives under the evidence root."""
    return f"{receiver}/{onset.astimezone(UTC):%Y-%m-%d}/{bundle_name(frequency_hz, onset)}"


def write_bundle(root: Path, evidence: Evidence, *, now: datetime) -> WrittenBundle:
    """Write the bundle of ``evidence`` under ``root``, replacing one of the same key.

    Raises
    ------
    OSError
        When the folder cannot be written (nothing is left behind but a ``.partial`` folder,
        which retention removes).
    ValueError
        When the clip holds no sample.
    """
    segment = evidence.segment
    key = bundle_key(evidence.receiver, segment.frequency_hz, segment.start)
    final = (root / key).absolute()
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    _write_clip(partial / CLIP_BASE, evidence)
    _write_waterfall(partial, evidence)
    facts = _facts(evidence, partial, now)
    (partial / BUNDLE_JSON).write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    if final.exists():
        shutil.rmtree(final)
    partial.rename(final)
    size = sum(path.stat().st_size for path in final.iterdir())
    return WrittenBundle(key, final, size, facts)


def _annotated_span(evidence: Evidence) -> tuple[int, int]:
    """First sample and count of the clip inside the jammed segment."""
    clip, segment = evidence.clip, evidence.segment
    first = clip.index_at(segment.start)
    return first, clip.index_at(segment.end) - first


def _write_clip(base: Path, evidence: Evidence) -> None:
    clip, segment = evidence.clip, evidence.segment
    if not clip.samples.size:
        raise ValueError(f"{base}: the clip holds no sample")
    writer = SigMFWriter(
        base,
        datatype="cf32_le",
        sample_rate_hz=clip.sample_rate_hz,
        center_hz=clip.frequency_hz,
        start=clip.start,
        description=(
            f"jamwatch evidence: {segment.jammer} jamming on {clip.frequency_hz / 1e3:g} kHz "
            f"from {iso_utc(segment.start)} at {evidence.receiver}"
        ),
        hw=str(evidence.station.get("source", "unknown")),
        extra_global={"jamwatch:receiver": evidence.receiver},
    )
    with writer:
        writer.write(clip.samples)
        first, count = _annotated_span(evidence)
        writer.add_annotation(
            first,
            count,
            label="jammed",
            freq_lower_hz=clip.frequency_hz - CHANNEL_HALF_WIDTH_HZ,
            freq_upper_hz=clip.frequency_hz + CHANNEL_HALF_WIDTH_HZ,
            comment=f"detected {segment.jammer} jammer, confidence {segment.confidence:.2f}",
            extra={
                "jamwatch:jammer": segment.jammer,
                "jamwatch:confidence": segment.confidence,
                "jamwatch:segment_start": iso_utc(segment.start),
                "jamwatch:segment_end": iso_utc(segment.end),
            },
        )


def _write_waterfall(folder: Path, evidence: Evidence) -> None:
    clip, segment = evidence.clip, evidence.segment
    recording = open_recording(folder / f"{CLIP_BASE}.sigmf-meta")
    width_px, height_px = WATERFALL_SIZE_PX
    layout = Layout(width_px, height_px)
    grid = compute_grid(
        recording,
        recording_view(recording),
        columns=layout.axes_width_px,
        max_rows=layout.axes_height_px,
    )
    box = Box(
        fmin_hz=clip.frequency_hz - CHANNEL_HALF_WIDTH_HZ,
        fmax_hz=clip.frequency_hz + CHANNEL_HALF_WIDTH_HZ,
        start=max(segment.start, clip.start),
        end=min(segment.end, clip.end),
        label=f"{segment.jammer} {segment.confidence:.2f}",
        kind="detected",
    )
    render_png(
        grid,
        [box],
        layout,
        folder / WATERFALL_PNG,
        title=(
            f"{evidence.receiver}   {clip.frequency_hz / 1e3:g} kHz   "
            f"{segment.jammer} jamming from {iso_utc(segment.start)}"
        ),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fp:
        for chunk in iter(lambda: fp.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _facts(evidence: Evidence, folder: Path, now: datetime) -> dict[str, object]:
    clip, segment = evidence.clip, evidence.segment
    files = {
        name: {"bytes": (folder / name).stat().st_size, "sha256": _sha256(folder / name)}
        for name in BUNDLE_FILES
        if name != BUNDLE_JSON
    }
    return {
        "format": FORMAT,
        "receiver": {"name": evidence.receiver, **evidence.station},
        "frequency_hz": segment.frequency_hz,
        "state": segment.state,
        "jammer": segment.jammer,
        "confidence": segment.confidence,
        "snr_db": segment.snr_db,
        "start": iso_utc(segment.start),
        "end": iso_utc(segment.end),
        "continues": evidence.continues,
        "rule": segment.rule,
        "metrics": dict(segment.metrics),
        "clip": {
            "start": iso_utc(clip.start),
            "end": iso_utc(clip.end),
            "sample_rate_hz": clip.sample_rate_hz,
            "samples": int(clip.samples.size),
            "before_onset_s": round((segment.start - clip.start) / timedelta(seconds=1), 6),
            "tuning_center_hz": clip.tuning_center_hz,
            "tuning_sample_rate_hz": clip.tuning_rate_hz,
            "datatype": "cf32_le",
        },
        "software": {"name": "jamwatch", "version": version("jamwatch")},
        "created_at": iso_utc(now),
        "files": files,
    }
