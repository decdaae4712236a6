"""A recording on disk: where its samples lie in the file, and streaming them as ``IQBlock``.

Every reader (SigMF, WAV, raw) parses its header into one :class:`FileRecording`: the sample
format, the rate, the captures, and the extents (byte ranges of the file that hold samples, in
order: one for SigMF and raw files, one per ``data`` chunk for a kiwirecorder WAV). Iterating
:meth:`FileRecording.blocks` reads one block's bytes at a time, so memory stays bounded whatever
the length of the file.
"""

from __future__ import annotations

import bisect
import io
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt

from monitor.errors import RecordingError
from monitor.iq import BlockFlags, IQBlock
from monitor.recording.annotation import Annotation
from monitor.recording.base import DEFAULT_BLOCK_SAMPLES, Capture
from monitor.recording.captures import clock_tolerance, continuation
from monitor.recording.datatypes import SampleFormat


@dataclass(frozen=True, slots=True)
class Extent:
    """A byte range of the data file holding ``num_samples`` consecutive samples."""

    offset_bytes: int
    num_samples: int


@dataclass(frozen=True, slots=True)
class FileRecording:
    """An IQ recording opened for reading; satisfies :class:`monitor.recording.base.Recording`.

    Attributes
    ----------
    path
        The file the user named.
    data_path
        The file that holds the samples (the ``.sigmf-data`` of a SigMF recording).
    sample_format
        How the samples are stored.
    sample_rate_hz
        Complex sample rate in samples per second.
    captures
        Tuning stretches, sorted, the first at sample 0.
    extents
        Where the samples lie in ``data_path``, in order.
    annotations
        Annotations of the recording (SigMF), sorted by ``sample_start``; empty for others.
    """

    path: Path
    data_path: Path
    sample_format: SampleFormat
    sample_rate_hz: float
    captures: tuple[Capture, ...]
    extents: tuple[Extent, ...]
    annotations: tuple[Annotation, ...] = ()

    @property
    def datatype(self) -> str:
        """SigMF datatype of the stored samples, e.g. ``"cu8"``."""
        return self.sample_format.datatype

    @property
    def num_samples(self) -> int:
        """Total number of complex samples."""
        return sum(extent.num_samples for extent in self.extents)

    @property
    def duration_s(self) -> float:
        """Length of the recording in seconds (sample count over rate)."""
        return self.num_samples / self.sample_rate_hz

    @property
    def start(self) -> datetime:
        """UTC time of the first sample."""
        return self.captures[0].start

    @property
    def center_hz(self) -> float:
        """Centre frequency of the first capture, in Hz."""
        return self.captures[0].center_hz

    def blocks(self, block_samples: int = DEFAULT_BLOCK_SAMPLES) -> Iterator[IQBlock]:
        """Yield the samples in order as blocks of at most ``block_samples``.

        A block never spans two captures; ``captured_at`` is its capture's start plus the sample
        offset over the rate. The first block of a capture that keeps the previous frequency
        but starts later than the previous one's clock (samples were lost) is flagged
        ``DROPPED``. Raises ``RecordingError`` for NaN/Inf in float data, naming the sample.
        """
        if block_samples < 1:
            raise ValueError(f"block_samples must be at least 1, not {block_samples}")
        stops = [c.sample_start for c in self.captures[1:]] + [self.num_samples]
        seq = 0
        with _open_data(self.data_path) as data:
            reader = _ExtentReader(self, data)
            for index, (capture, stop) in enumerate(zip(self.captures, stops, strict=True)):
                flags = self._gap_flags(index)
                for first in range(capture.sample_start, stop, block_samples):
                    count = min(block_samples, stop - first)
                    offset_s = (first - capture.sample_start) / self.sample_rate_hz
                    yield IQBlock(
                        samples=reader.read(first, count),
                        center_hz=capture.center_hz,
                        sample_rate_hz=self.sample_rate_hz,
                        captured_at=capture.start + timedelta(seconds=offset_s),
                        seq=seq,
                        flags=flags,
                    )
                    flags = BlockFlags.NONE
                    seq += 1

    def _gap_flags(self, index: int) -> BlockFlags:
        """``DROPPED`` if capture ``index`` continues the previous tuning after a time gap."""
        if index == 0:
            return BlockFlags.NONE
        previous, capture = self.captures[index - 1], self.captures[index]
        expected = continuation(previous, capture.sample_start, self.sample_rate_hz)
        gap = capture.start - expected > clock_tolerance(self.sample_rate_hz)
        if gap and capture.center_hz == previous.center_hz:
            return BlockFlags.DROPPED
        return BlockFlags.NONE


class _ExtentReader:
    """Reads sample ranges of a :class:`FileRecording` across its extents, decoding them."""

    def __init__(self, recording: FileRecording, data: io.BufferedReader) -> None:
        self._recording = recording
        self._file = data
        self._starts: list[int] = []
        total = 0
        for extent in recording.extents:
            self._starts.append(total)
            total += extent.num_samples

    def read(self, first: int, count: int) -> npt.NDArray[np.complex64]:
        """Decode samples ``first .. first + count - 1``."""
        rec = self._recording
        size = rec.sample_format.bytes_per_sample
        buffer = bytearray(count * size)
        view = memoryview(buffer)
        done = 0
        index = bisect.bisect_right(self._starts, first) - 1
        while done < count:
            extent = rec.extents[index]
            skip = first + done - self._starts[index]
            take = min(count - done, extent.num_samples - skip)
            self._file.seek(extent.offset_bytes + skip * size)
            got = self._file.readinto(view[done * size : (done + take) * size])
            if got != take * size:
                raise RecordingError(
                    rec.data_path,
                    f"the file ended at sample {first + done + got // size} although "
                    f"{rec.num_samples} samples were expected (was it truncated while reading?)",
                )
            done += take
            index += 1
        samples = rec.sample_format.decode(np.frombuffer(buffer, dtype=np.uint8))
        if rec.sample_format.component.kind == "f":
            finite = np.isfinite(samples)
            if not finite.all():
                bad = first + int(np.argmin(finite))
                raise RecordingError(
                    rec.data_path, f"sample {bad} is NaN or infinite: the float data is corrupt"
                )
        return samples


def samples_in_file(data_path: Path, sample_format: SampleFormat) -> int:
    """Samples in a headerless data file, which must hold a non-empty whole number of them."""
    try:
        info = data_path.stat()
    except FileNotFoundError as err:
        raise RecordingError(data_path, "no such file") from err
    except OSError as err:
        raise RecordingError(data_path, f"cannot read: {err.strerror}") from err
    if not stat.S_ISREG(info.st_mode):
        raise RecordingError(data_path, "not a regular file")
    size = info.st_size
    width = sample_format.bytes_per_sample
    if size == 0:
        raise RecordingError(data_path, "the data file is empty")
    if size % width:
        raise RecordingError(
            data_path,
            f"{size} bytes is not a whole number of {width}-byte {sample_format.datatype} "
            f"samples ({size % width} bytes left over): the file is truncated or the datatype "
            "is wrong",
        )
    return size // width


def _open_data(path: Path) -> io.BufferedReader:
    """Open a data file for reading, as a ``RecordingError`` if that fails."""
    try:
        return path.open("rb")
    except OSError as err:
        raise RecordingError(path, f"cannot open: {err.strerror}") from err
