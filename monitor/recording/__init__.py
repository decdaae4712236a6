"""IQ recordings: one entry point to open SigMF, WAV and raw files, and a SigMF writer.

>>> from monitor.recording import open_recording        # doctest: +SKIP
>>> rec = open_recording("band.sigmf-meta")              # doctest: +SKIP
>>> for block in rec.blocks(): ...                       # doctest: +SKIP
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Protocol

from monitor.errors import RecordingError
from monitor.recording.annotation import Annotation
from monitor.recording.base import EPOCH, Capture, Recording
from monitor.recording.file_recording import FileRecording
from monitor.recording.raw_reader import RAW_SUFFIX_DATATYPES, open_raw
from monitor.recording.sigmf_format import SIGMF_DATA_SUFFIX, SIGMF_META_SUFFIX, sigmf_paths
from monitor.recording.sigmf_reader import open_sigmf
from monitor.recording.sigmf_writer import SigMFWriter
from monitor.recording.wav_reader import open_wav

__all__ = [
    "EPOCH",
    "Annotation",
    "Capture",
    "FileRecording",
    "Recording",
    "SigMFWriter",
    "open_recording",
]


def open_recording(
    path: str | Path,
    *,
    center_hz: float | None = None,
    sample_rate_hz: float | None = None,
    start: datetime | None = None,
    datatype: str | None = None,
) -> FileRecording:
    """Open an IQ recording for streaming, whatever wrote it.

    Parameters
    ----------
    path
        A SigMF ``.sigmf-meta``, ``.sigmf-data`` or their base name; a ``.wav``; or a raw file
        (``.cu8``, ``.raw``, ``.bin``, ``.cs8``, ``.cs16``, ``.cf32``, ``.cfile``, or any name
        when ``datatype`` is given).
    center_hz
        RF centre frequency in Hz (required for raw files).
    sample_rate_hz
        Complex sample rate in samples per second (required for raw files).
    start
        Timezone-aware time of the first sample; without it and without one in the file,
        :data:`EPOCH`.
    datatype
        SigMF datatype, e.g. ``"cu8"`` (raw files; checked against the others).

    Returns
    -------
    FileRecording
        A :class:`Recording` with metadata validated, also holding ``annotations``.

    Raises
    ------
    RecordingError
        For any problem with the file or the given values: these fill what the file leaves out
        and must agree with what it states. A file without a centre frequency is read at 0 Hz
        (frequencies relative to the tuning).
    """
    path = Path(path)
    if start is not None and start.utcoffset() is None:
        raise RecordingError(path, f"the given start time {start} has no time zone (use UTC)")
    opener = _choose_opener(path, datatype)
    return opener(
        path, center_hz=center_hz, sample_rate_hz=sample_rate_hz, start=start, datatype=datatype
    )


class _Opener(Protocol):
    def __call__(
        self,
        path: Path,
        *,
        center_hz: float | None,
        sample_rate_hz: float | None,
        start: datetime | None,
        datatype: str | None,
    ) -> FileRecording: ...


def _choose_opener(path: Path, datatype: str | None) -> _Opener:
    """The reader for a path, by its name (a SigMF base name by its ``.sigmf-meta``)."""
    name = path.name.lower()
    suffix = path.suffix.lower()
    if name.endswith((SIGMF_META_SUFFIX, SIGMF_DATA_SUFFIX)):
        return open_sigmf
    if suffix == ".wav":
        return open_wav
    if suffix in RAW_SUFFIX_DATATYPES or (datatype is not None and path.is_file()):
        return open_raw
    if sigmf_paths(path)[0].is_file():
        return open_sigmf
    if not path.exists():
        raise RecordingError(path, "no such file (nor a SigMF recording of that base name)")
    raise RecordingError(
        path,
        f"unknown kind of recording {suffix or path.name!r}: expected .sigmf-meta/.sigmf-data, "
        ".wav, or a raw .cu8/.raw/.bin/.cs8/.cs16/.cf32 file (or give the datatype)",
    )
