"""Open a headerless IQ file (``rtl_sdr`` output and the like) for streaming.

A raw file says nothing about itself: the caller gives the centre frequency and the sample rate;
the datatype comes from the caller or the file suffix (``.cu8``, ``.raw`` and ``.bin`` are
``rtl_sdr``'s cu8); the start time from the caller, else ``EPOCH``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from monitor.errors import RecordingError
from monitor.recording.captures import StatedCapture, resolve_captures
from monitor.recording.datatypes import SampleFormat
from monitor.recording.file_recording import Extent, FileRecording, samples_in_file

RAW_SUFFIX_DATATYPES = {
    ".cu8": "cu8",
    ".raw": "cu8",
    ".bin": "cu8",
    ".cs8": "ci8",
    ".cs16": "ci16_le",
    ".cf32": "cf32_le",
    ".cfile": "cf32_le",
}
"""Raw file suffixes and the datatype each implies when the caller names none."""


def open_raw(
    path: Path,
    *,
    center_hz: float | None,
    sample_rate_hz: float | None,
    start: datetime | None = None,
    datatype: str | None = None,
) -> FileRecording:
    """Open a raw interleaved IQ file; ``center_hz`` and ``sample_rate_hz`` are required.

    Raises ``RecordingError`` naming the file and what is missing or wrong.
    """
    if center_hz is None or sample_rate_hz is None:
        missing = " and ".join(
            name
            for name, value in (("centre frequency", center_hz), ("sample rate", sample_rate_hz))
            if value is None
        )
        raise RecordingError(path, f"a raw IQ file has no metadata: its {missing} must be given")
    if not sample_rate_hz > 0:
        raise RecordingError(path, f"the sample rate must be positive, not {sample_rate_hz}")
    name = datatype or RAW_SUFFIX_DATATYPES.get(path.suffix.lower())
    if name is None:
        raise RecordingError(
            path,
            f"unknown raw file suffix {path.suffix!r}: give the datatype (e.g. cu8, ci16_le)",
        )
    try:
        sample_format = SampleFormat.parse(name)
    except ValueError as err:
        raise RecordingError(path, str(err)) from err
    num_samples = samples_in_file(path, sample_format)
    captures = resolve_captures(
        path,
        [StatedCapture(0)],
        num_samples=num_samples,
        sample_rate_hz=sample_rate_hz,
        center_hz=center_hz,
        start=start,
    )
    return FileRecording(
        path=path,
        data_path=path,
        sample_format=sample_format,
        sample_rate_hz=sample_rate_hz,
        captures=captures,
        extents=(Extent(0, num_samples),),
    )
