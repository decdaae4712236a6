"""Open a SigMF recording (``.sigmf-meta`` + ``.sigmf-data``) for streaming.

The metadata is checked against the SigMF schema by the ``sigmf`` package; the samples are
decoded by :class:`SampleFormat` (not by sigmf-python, whose integer autoscale differs from the
project's cu8 convention) in blocks, never as a whole. Non-conforming datasets (``core:dataset``,
``core:header_bytes``, ``core:trailing_bytes``) and multi-channel recordings are refused.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.errors import RecordingError
from monitor.recording.annotation import Annotation
from monitor.recording.captures import StatedCapture, agree, resolve_captures
from monitor.recording.datatypes import SampleFormat
from monitor.recording.file_recording import Extent, FileRecording, samples_in_file
from monitor.recording.sigmf_format import parse_sigmf_datetime, schema_problem, sigmf_paths

_UNSUPPORTED_GLOBAL = {
    "core:dataset": "non-conforming datasets (core:dataset) are not supported",
    "core:trailing_bytes": "non-conforming datasets (core:trailing_bytes) are not supported",
    "core:metadata_only": "the recording is metadata only (core:metadata_only): no samples",
}


def open_sigmf(
    path: Path,
    *,
    center_hz: float | None = None,
    sample_rate_hz: float | None = None,
    start: datetime | None = None,
    datatype: str | None = None,
) -> FileRecording:
    """Open a SigMF recording named by its ``.sigmf-meta``, its ``.sigmf-data`` or its base.

    The keyword values fill what the metadata leaves out (frequency, time, rate) and must agree
    with what it states. Raises ``RecordingError`` naming the file and the problem.
    """
    meta_path, data_path = sigmf_paths(path)
    metadata = _load_metadata(meta_path)
    glob: dict[str, Any] = metadata["global"]
    for key, problem in _UNSUPPORTED_GLOBAL.items():
        if glob.get(key):
            raise RecordingError(meta_path, problem)
    if glob.get("core:num_channels", 1) != 1:
        raise RecordingError(
            meta_path, f"core:num_channels is {glob['core:num_channels']}; only 1 is supported"
        )
    try:
        sample_format = SampleFormat.parse(glob["core:datatype"])
    except ValueError as err:
        raise RecordingError(meta_path, f"core:datatype: {err}") from err
    agree(meta_path, "datatype", sample_format.datatype, datatype)
    stated_rate = _number(glob.get("core:sample_rate"))
    rate = agree(meta_path, "sample rate (S/s)", stated_rate, sample_rate_hz)
    if rate is None:
        raise RecordingError(meta_path, "no core:sample_rate, and no sample rate was given")
    num_samples = samples_in_file(data_path, sample_format)
    captures = resolve_captures(
        meta_path,
        [_stated_capture(meta_path, i, c) for i, c in enumerate(metadata["captures"])],
        num_samples=num_samples,
        sample_rate_hz=rate,
        center_hz=center_hz,
        start=start,
    )
    annotations = tuple(Annotation.from_sigmf(a, num_samples) for a in metadata["annotations"])
    reach = max((a.sample_stop for a in annotations), default=0)
    if reach > num_samples:
        raise RecordingError(
            data_path,
            f"holds {num_samples} samples but the annotations reach sample {reach}: "
            "the data file is truncated",
        )
    return FileRecording(
        path=path,
        data_path=data_path,
        sample_format=sample_format,
        sample_rate_hz=rate,
        captures=captures,
        extents=(Extent(0, num_samples),),
        annotations=annotations,
    )


def _load_metadata(meta_path: Path) -> dict[str, Any]:
    """Read and schema-check a ``.sigmf-meta`` (missing empty arrays are tolerated)."""
    try:
        text = meta_path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise RecordingError(meta_path, "no such file (a SigMF recording needs it)") from err
    except (OSError, UnicodeDecodeError) as err:
        raise RecordingError(meta_path, f"cannot read: {err}") from err
    try:
        metadata = json.loads(text)
    except json.JSONDecodeError as err:
        raise RecordingError(meta_path, f"not valid JSON: {err}") from err
    if not isinstance(metadata, dict) or not isinstance(metadata.get("global"), dict):
        raise RecordingError(meta_path, "not SigMF metadata: no 'global' object")
    metadata.setdefault("captures", [])
    metadata.setdefault("annotations", [])
    problem = schema_problem(metadata)
    if problem is not None:
        raise RecordingError(meta_path, f"invalid SigMF metadata: {problem}")
    return metadata


def _stated_capture(meta_path: Path, index: int, item: dict[str, Any]) -> StatedCapture:
    """What capture ``index`` of a schema-checked ``.sigmf-meta`` states."""
    if item.get("core:header_bytes"):
        raise RecordingError(
            meta_path, "non-conforming datasets (core:header_bytes) are not supported"
        )
    when = item.get("core:datetime")
    try:
        start = None if when is None else parse_sigmf_datetime(when)
    except ValueError as err:
        raise RecordingError(meta_path, f"captures[{index}] core:datetime: {err}") from err
    return StatedCapture(
        sample_start=item["core:sample_start"],
        center_hz=_number(item.get("core:frequency")),
        start=start,
    )


def _number(value: float | None) -> float | None:
    """A schema-checked JSON number as float (None stays None)."""
    return None if value is None else float(value)
