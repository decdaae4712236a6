"""Streaming SigMF writer: samples go to ``.sigmf-data`` as they come, metadata on close.

The data file is appended block by block (memory does not grow with the recording) and hashed
on the way (``core:sha512``). Captures and annotations are collected in a ``sigmf.SigMFFile``,
validated against the SigMF schema and written as ``.sigmf-meta`` by :meth:`SigMFWriter.close`.
Used as a context manager, a writer that exits on an exception deletes both files rather than
leave a recording that looks whole but is not.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import numpy as np
import sigmf
from numpy.typing import NDArray

from monitor.recording.base import Capture
from monitor.recording.captures import clock_tolerance, continuation
from monitor.recording.datatypes import complex64_to_cu8
from monitor.recording.sigmf_format import format_sigmf_datetime, schema_problem, sigmf_paths

_WRITER_GLOBAL_KEYS = frozenset(
    {
        "core:datatype",
        "core:sample_rate",
        "core:version",
        "core:recorder",
        "core:sha512",
        "core:num_channels",
        "core:offset",
        "core:description",
        "core:hw",
    }
)
"""Global keys the writer sets itself; ``extra_global`` may not set them."""

_KNOWN_EXTENSION_VERSIONS = {"signal": "1.0.0", "spatial": "1.0.0", "capture_details": "1.0.0"}
"""Versions of public SigMF extensions; other namespaces are declared with jamwatch's version."""


class SigMFWriter:
    """Write a SigMF recording (``base.sigmf-data`` + ``base.sigmf-meta``) incrementally.

    Parameters
    ----------
    base
        Path without extension (a trailing ``.sigmf-data``/``.sigmf-meta`` is dropped).
        Existing files of that name are replaced.
    datatype
        ``"cu8"`` (RTL-SDR bytes, via :func:`complex64_to_cu8`) or ``"cf32_le"``.
    sample_rate_hz
        Complex sample rate in samples per second.
    center_hz
        RF centre frequency of the first capture, in Hz.
    start
        Timezone-aware time of the first sample.
    description, hw
        ``core:description`` and ``core:hw`` when given.
    extra_global
        More global fields (e.g. ``core:author``, ``core:license``, ``core:geolocation`` or
        extension keys); namespaces other than ``core`` are declared in ``core:extensions``.

    Examples
    --------
    >>> import tempfile
    >>> from datetime import UTC
    >>> base = Path(tempfile.mkdtemp()) / "tone"
    >>> t0 = datetime(2026, 2, 16, 12, tzinfo=UTC)
    >>> with SigMFWriter(base, datatype="cu8", sample_rate_hz=48_000, center_hz=6.0e6,
    ...                  start=t0) as w:
    ...     w.write(np.ones(480, dtype=np.complex64))
    ...     w.add_annotation(0, 480, label="carrier")
    >>> base.with_name("tone.sigmf-data").stat().st_size
    960
    """

    def __init__(
        self,
        base: Path,
        *,
        datatype: Literal["cu8", "cf32_le"],
        sample_rate_hz: float,
        center_hz: float,
        start: datetime,
        description: str | None = None,
        hw: str | None = None,
        extra_global: Mapping[str, Any] | None = None,
    ) -> None:
        if datatype not in ("cu8", "cf32_le"):
            raise ValueError(f"datatype must be 'cu8' or 'cf32_le', not {datatype!r}")
        if not (math.isfinite(sample_rate_hz) and sample_rate_hz > 0):
            raise ValueError(f"sample_rate_hz must be a positive number, not {sample_rate_hz!r}")
        clash = _WRITER_GLOBAL_KEYS.intersection(extra_global or {})
        if clash:
            raise ValueError(f"extra_global may not set {sorted(clash)}: the writer sets them")
        self.meta_path, self.data_path = sigmf_paths(Path(base))
        """Paths of the ``.sigmf-meta`` (written by :meth:`close`) and ``.sigmf-data`` files."""
        self._datatype = datatype
        self._sample_rate_hz = sample_rate_hz
        self._meta = sigmf.SigMFFile(
            global_info={
                "core:datatype": datatype,
                "core:sample_rate": sample_rate_hz,
                "core:recorder": f"jamwatch {version('jamwatch')}",
                **({"core:description": description} if description is not None else {}),
                **({"core:hw": hw} if hw is not None else {}),
                **(extra_global or {}),
            }
        )
        self._last_capture: Capture | None = None
        self._samples_written = 0
        self._hash = hashlib.sha512()
        self._closed = False
        self.add_capture(0, center_hz=center_hz, start=start)
        self.meta_path.unlink(missing_ok=True)
        self._data = self.data_path.open("wb")

    def __enter__(self) -> SigMFWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.discard()
        elif not self._closed:
            self.close()

    @property
    def samples_written(self) -> int:
        """Number of complex samples appended so far."""
        return self._samples_written

    def write(self, samples: NDArray[np.complex64]) -> None:
        """Append samples (1-D complex, full scale +-1; cu8 clips outside it).

        Raises ``ValueError`` for NaN or Inf, which no reader would accept.
        """
        self._check_open()
        block = np.asarray(samples)
        if block.ndim != 1 or not np.iscomplexobj(block):
            raise ValueError(f"samples must be 1-D complex, not {block.dtype} {block.shape}")
        if not np.isfinite(block).all():
            bad = int(np.flatnonzero(~np.isfinite(block))[0])
            raise ValueError(f"sample {self._samples_written + bad} is NaN or Inf")
        if self._datatype == "cu8":
            payload = complex64_to_cu8(block).tobytes()
        else:
            payload = block.astype("<c8", copy=False).tobytes()
        self._data.write(payload)
        self._hash.update(payload)
        self._samples_written += block.size

    def add_capture(self, sample_start: int, *, center_hz: float, start: datetime) -> None:
        """Start a new capture (a retune, or a time jump such as dropped samples) at a sample.

        ``sample_start`` must be after the previous capture's; it may lie ahead of the samples
        written so far, but the recording must reach it by :meth:`close`.
        """
        self._check_open()
        if not math.isfinite(center_hz):
            raise ValueError(f"center_hz must be a finite number, not {center_hz!r}")
        stamp = format_sigmf_datetime(start)
        previous = self._last_capture
        if previous is not None:
            if sample_start <= previous.sample_start:
                raise ValueError(
                    f"capture at sample {sample_start} must come after the capture at sample "
                    f"{previous.sample_start}"
                )
            expected = continuation(previous, sample_start, self._sample_rate_hz)
            if start < expected - clock_tolerance(self._sample_rate_hz):
                raise ValueError(
                    f"capture at sample {sample_start} starts at {start.isoformat()}, before "
                    f"the previous capture ends ({expected.isoformat()})"
                )
        self._meta.add_capture(
            sample_start, metadata={"core:frequency": center_hz, "core:datetime": stamp}
        )
        self._last_capture = Capture(sample_start, center_hz, start)

    def add_annotation(
        self,
        sample_start: int,
        sample_count: int,
        *,
        label: str,
        freq_lower_hz: float | None = None,
        freq_upper_hz: float | None = None,
        comment: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """Annotate ``sample_count`` samples from ``sample_start`` (any order; sorted on close).

        ``freq_lower_hz`` and ``freq_upper_hz`` are RF frequencies and come together or not at
        all; ``extra`` adds more fields (e.g. ``{"jamwatch:jammer": "noise"}``).
        """
        self._check_open()
        if sample_start < 0 or sample_count < 0:
            raise ValueError(f"annotation at {sample_start} of {sample_count} samples: negative")
        if (freq_lower_hz is None) != (freq_upper_hz is None):
            raise ValueError("give both freq_lower_hz and freq_upper_hz, or neither")
        item: dict[str, Any] = dict(extra or {})
        item["core:label"] = label
        if freq_lower_hz is not None and freq_upper_hz is not None:
            if freq_lower_hz > freq_upper_hz:
                raise ValueError(f"freq_lower_hz {freq_lower_hz} > freq_upper_hz {freq_upper_hz}")
            item["core:freq_lower_edge"] = freq_lower_hz
            item["core:freq_upper_edge"] = freq_upper_hz
        if comment is not None:
            item["core:comment"] = comment
        self._meta.add_annotation(sample_start, sample_count, metadata=item)

    def close(self) -> Path:
        """Finish the data file, write and validate the ``.sigmf-meta``; return its path.

        If the metadata is inconsistent (a capture or annotation beyond the data, a schema
        violation), both files are deleted and ``ValueError`` is raised.
        """
        self._check_open()
        self._data.close()
        self._closed = True
        try:
            self._finish_metadata()
        except BaseException:
            self.discard()
            raise
        return self.meta_path

    def discard(self) -> None:
        """Close without a recording: delete the data file and any metadata (idempotent)."""
        self._data.close()
        self._closed = True
        self.data_path.unlink(missing_ok=True)
        self.meta_path.unlink(missing_ok=True)

    def _finish_metadata(self) -> None:
        n = self._samples_written
        if n == 0:
            raise ValueError(f"{self.data_path}: no samples were written")
        last_start = 0 if self._last_capture is None else self._last_capture.sample_start
        if last_start >= n:
            raise ValueError(
                f"{self.data_path}: capture at sample {last_start} but only {n} samples were "
                "written"
            )
        for item in self._meta.get_annotations():
            stop = item["core:sample_start"] + item["core:sample_count"]
            if stop > n:
                raise ValueError(
                    f"{self.data_path}: annotation {item.get('core:label')!r} ends at sample "
                    f"{stop} but only {n} samples were written"
                )
        self._meta.set_global_field("core:sha512", self._hash.hexdigest())
        self._declare_extensions()
        problem = schema_problem(self._meta.ordered_metadata())
        if problem is not None:
            raise ValueError(f"{self.meta_path}: invalid SigMF metadata: {problem}")
        with self.meta_path.open("w", encoding="utf-8") as fp:
            self._meta.dump(fp, pretty=True)
            fp.write("\n")

    def _declare_extensions(self) -> None:
        """List every non-``core`` namespace used in ``core:extensions`` (SigMF requires it)."""
        meta = self._meta
        used = {
            key.split(":", 1)[0]
            for section in (
                [meta.get_global_info()],
                meta.get_captures(),
                meta.get_annotations(),
            )
            for item in section
            for key in item
            if ":" in key
        } - {"core"}
        declared = list(meta.get_global_field("core:extensions", []))
        missing = used - {ext["name"] for ext in declared}
        jamwatch_version = version("jamwatch")
        declared += [
            {
                "name": name,
                "version": _KNOWN_EXTENSION_VERSIONS.get(name, jamwatch_version),
                "optional": True,
            }
            for name in sorted(missing)
        ]
        if declared:
            meta.set_global_field("core:extensions", declared)

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError(f"{self.data_path}: the writer is closed")
