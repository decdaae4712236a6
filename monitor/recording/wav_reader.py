"""Open an IQ recording stored as a stereo WAV file (I left, Q right) for streaming.

A small RIFF chunk walker, because Python's ``wave`` module reads neither float nor RF64 files
nor files with many ``data`` chunks. Understood:

- ``fmt ``: 2 channels of 8/16/32-bit PCM or 32/64-bit IEEE float, plain or
  WAVE_FORMAT_EXTENSIBLE;
- every ``data`` chunk, in file order (kiwirecorder writes a 10-byte ``kiwi`` GNSS-time chunk
  before each of many ``data`` chunks; those and all other chunks are skipped);
- ``auxi`` (SpectraVue/SDR#/HDSDR, also the 164-byte SDRuno variant): SYSTEMTIME start, taken
  as UTC, and the centre frequency;
- RF64/BW64 files over 4 GiB, whose sizes live in a ``ds64`` chunk;
- a kiwirecorder file name ``YYYYMMDDTHHMMSSZ_<Hz>_...``: start time and frequency, used where
  no ``auxi`` chunk states them.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from monitor.errors import RecordingError
from monitor.recording.captures import StatedCapture, agree, resolve_captures
from monitor.recording.datatypes import SampleFormat
from monitor.recording.file_recording import Extent, FileRecording

_WAVE_FORMAT_PCM = 0x0001
_WAVE_FORMAT_IEEE_FLOAT = 0x0003
_WAVE_FORMAT_EXTENSIBLE = 0xFFFE
_KSDATAFORMAT_TAIL = bytes.fromhex("000000001000800000aa00389b71")
"""Bytes 2..15 of every KSDATAFORMAT_SUBTYPE GUID; bytes 0..1 hold the format tag."""

_DATATYPES = {
    (_WAVE_FORMAT_PCM, 8): "cu8",
    (_WAVE_FORMAT_PCM, 16): "ci16_le",
    (_WAVE_FORMAT_PCM, 32): "ci32_le",
    (_WAVE_FORMAT_IEEE_FLOAT, 32): "cf32_le",
    (_WAVE_FORMAT_IEEE_FLOAT, 64): "cf64_le",
}
_RF64_SIZE = 0xFFFFFFFF
"""A 32-bit chunk size that means "see the ds64 chunk"."""

_KIWI_NAME = re.compile(r"^(?P<time>\d{8}T\d{6}Z)_(?P<freq_hz>\d+)_")


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A RIFF chunk: its four-character id, where its payload starts, and its size in bytes."""

    chunk_id: bytes
    offset: int
    size: int


def open_wav(
    path: Path,
    *,
    center_hz: float | None = None,
    sample_rate_hz: float | None = None,
    start: datetime | None = None,
    datatype: str | None = None,
) -> FileRecording:
    """Open a WAV IQ recording; keyword values fill gaps and must agree with the file.

    Raises ``RecordingError`` for a file that is not a readable two-channel IQ WAV.
    """
    try:
        with path.open("rb") as fp:
            chunks = list(_walk_chunks(path, fp))
            fmt = _read_payload(fp, chunks, b"fmt ", 40)
            auxi = _read_payload(fp, chunks, b"auxi", 164)
    except FileNotFoundError as err:
        raise RecordingError(path, "no such file") from err
    except OSError as err:
        raise RecordingError(path, f"cannot read: {err.strerror}") from err
    if fmt is None:
        raise RecordingError(path, "no 'fmt ' chunk: not a WAV recording")
    sample_format, file_rate = _parse_fmt(path, fmt)
    agree(path, "datatype", sample_format.datatype, datatype)
    agree(path, "sample rate (S/s)", file_rate, sample_rate_hz)
    extents = tuple(_data_extents(path, chunks, sample_format))
    num_samples = sum(e.num_samples for e in extents)
    if num_samples == 0:
        raise RecordingError(path, "the WAV file holds no samples (empty data)")
    stated = _auxi_capture(auxi) if auxi is not None else StatedCapture(0)
    named = _kiwi_name_capture(path)
    first = StatedCapture(
        0,
        center_hz=stated.center_hz if stated.center_hz is not None else named.center_hz,
        start=stated.start if stated.start is not None else named.start,
    )
    captures = resolve_captures(
        path,
        [first],
        num_samples=num_samples,
        sample_rate_hz=file_rate,
        center_hz=center_hz,
        start=start,
    )
    return FileRecording(
        path=path,
        data_path=path,
        sample_format=sample_format,
        sample_rate_hz=file_rate,
        captures=captures,
        extents=extents,
    )


def _walk_chunks(path: Path, fp: io.BufferedReader) -> Iterator[_Chunk]:
    """The chunks of a RIFF/RF64 WAVE file, reading only their headers."""
    file_size = fp.seek(0, io.SEEK_END)
    fp.seek(0)
    header = fp.read(12)
    if len(header) < 12 or header[:4] not in (b"RIFF", b"RF64", b"BW64") or header[8:] != b"WAVE":
        raise RecordingError(path, "not a WAV file (no RIFF/RF64 WAVE header)")
    long_data_size: int | None = None
    pos = 12
    while pos + 8 <= file_size:
        fp.seek(pos)
        chunk_id, size = struct.unpack("<4sI", fp.read(8))
        if chunk_id == b"ds64" and size >= 16:
            _riff_size, long_data_size = struct.unpack("<QQ", fp.read(16))
        if chunk_id == b"data" and size == _RF64_SIZE and long_data_size is not None:
            size = long_data_size
        if pos + 8 + size > file_size:
            raise RecordingError(
                path,
                f"the {chunk_id.decode('latin-1')!r} chunk at byte {pos} declares {size} bytes "
                f"but only {file_size - pos - 8} follow: the file is truncated",
            )
        yield _Chunk(chunk_id, pos + 8, size)
        pos += 8 + size + (size & 1)


def _read_payload(
    fp: io.BufferedReader, chunks: list[_Chunk], chunk_id: bytes, limit: int
) -> bytes | None:
    """The first ``limit`` bytes of the first chunk with this id, or None if there is none."""
    for chunk in chunks:
        if chunk.chunk_id == chunk_id:
            fp.seek(chunk.offset)
            return fp.read(min(chunk.size, limit))
    return None


def _parse_fmt(path: Path, fmt: bytes) -> tuple[SampleFormat, float]:
    """Sample format and rate from a ``fmt `` payload; only two-channel IQ is accepted."""
    if len(fmt) < 16:
        raise RecordingError(path, f"the 'fmt ' chunk is {len(fmt)} bytes, too short")
    tag, channels, rate, _byte_rate, block_align, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == _WAVE_FORMAT_EXTENSIBLE:
        if len(fmt) < 40 or fmt[26:40] != _KSDATAFORMAT_TAIL:
            raise RecordingError(path, "WAVE_FORMAT_EXTENSIBLE with an unknown sub-format GUID")
        (tag,) = struct.unpack_from("<H", fmt, 24)
    if channels != 2:
        raise RecordingError(
            path, f"has {channels} channel(s); an IQ WAV has 2 (I left, Q right): not IQ"
        )
    datatype = _DATATYPES.get((tag, bits))
    if datatype is None:
        kind = {_WAVE_FORMAT_PCM: "PCM", _WAVE_FORMAT_IEEE_FLOAT: "float"}.get(tag, f"{tag:#06x}")
        raise RecordingError(
            path,
            f"{bits}-bit {kind} samples are not supported (IQ WAVs use 8, 16 or 32-bit PCM, "
            "or 32 or 64-bit float)",
        )
    sample_format = SampleFormat.parse(datatype)
    if block_align != sample_format.bytes_per_sample:
        raise RecordingError(
            path, f"block align {block_align} does not match 2 channels of {bits} bits"
        )
    if rate == 0:
        raise RecordingError(path, "the sample rate in the 'fmt ' chunk is 0")
    return sample_format, float(rate)


def _data_extents(
    path: Path, chunks: list[_Chunk], sample_format: SampleFormat
) -> Iterator[Extent]:
    """One extent per ``data`` chunk, in file order; each must hold whole samples."""
    width = sample_format.bytes_per_sample
    found = False
    for chunk in chunks:
        if chunk.chunk_id != b"data":
            continue
        found = True
        if chunk.size % width:
            raise RecordingError(
                path,
                f"the 'data' chunk at byte {chunk.offset - 8} holds {chunk.size} bytes, not a "
                f"whole number of {width}-byte samples",
            )
        if chunk.size:
            yield Extent(chunk.offset, chunk.size // width)
    if not found:
        raise RecordingError(path, "no 'data' chunk: the WAV file holds no samples")


def _auxi_capture(auxi: bytes) -> StatedCapture:
    """Start time and centre frequency from an ``auxi`` chunk; None for what it lacks.

    The SpectraVue layout is SYSTEMTIME start, SYSTEMTIME stop, then uint32 centre frequency
    (Hz). A payload whose start is not a valid SYSTEMTIME (e.g. SDR Console's XML ``auxi``)
    states nothing.
    """
    if len(auxi) < 36:
        return StatedCapture(0)
    year, month, _weekday, day, hour, minute, second, milli = struct.unpack_from("<8H", auxi)
    try:
        start = datetime(year, month, day, hour, minute, second, milli * 1000, tzinfo=UTC)
    except ValueError:
        return StatedCapture(0)
    (center_hz,) = struct.unpack_from("<I", auxi, 32)
    return StatedCapture(0, center_hz=float(center_hz) if center_hz else None, start=start)


def _kiwi_name_capture(path: Path) -> StatedCapture:
    """Start time and frequency from a kiwirecorder name ``YYYYMMDDTHHMMSSZ_<Hz>_...``."""
    m = _KIWI_NAME.match(path.name)
    if m is None:
        return StatedCapture(0)
    try:
        start = datetime.strptime(m["time"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return StatedCapture(0)
    return StatedCapture(0, center_hz=float(m["freq_hz"]), start=start)
