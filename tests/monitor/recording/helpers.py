"""Builders of recordings in formats the project's writer does not write (for reader tests).

They encode samples with plain numpy, independently of the readers' decoding, so a round trip
through them checks the readers rather than mirroring them.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FULL_SCALE = {"ci8": 128, "ci16_le": 32768, "ci16_be": 32768, "ci32_le": 2**31}
"""Positive full scale of the integer datatypes (the value that decodes to +1.0)."""

COMPONENT = {
    "ci8": "i1",
    "ci16_le": "<i2",
    "ci16_be": ">i2",
    "ci32_le": "<i4",
    "cf32_le": "<f4",
    "cf32_be": ">f4",
    "cf64_le": "<f8",
}


def random_iq(n: int, seed: int = 0, scale: float = 0.7) -> npt.NDArray[np.complex64]:
    """Reproducible complex samples well inside full scale."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(-scale, scale, size=(n, 2)).astype(np.float32)
    return values.view(np.complex64).ravel()


def encode(samples: npt.NDArray[np.complex64], datatype: str) -> bytes:
    """Interleaved I/Q bytes of ``samples`` in ``datatype`` (integers rounded to nearest)."""
    parts = samples.view(np.float32)
    if datatype == "cu8":
        return bytes(np.clip(np.rint(parts * 127.5 + 127.5), 0, 255).astype(np.uint8).tobytes())
    if datatype in FULL_SCALE:
        top = FULL_SCALE[datatype]
        ints = np.clip(np.rint(parts.astype(np.float64) * top), -top, top - 1)
        return ints.astype(COMPONENT[datatype]).tobytes()
    return parts.astype(COMPONENT[datatype]).tobytes()


def quantum(datatype: str) -> float:
    """Largest error of one component after :func:`encode` and a correct decode."""
    if datatype == "cu8":
        return 0.5 / 127.5 + 1e-6
    if datatype in FULL_SCALE:
        return 0.5 / FULL_SCALE[datatype] + 1e-6
    return 1e-7


def write_sigmf(
    base: Path,
    data: bytes,
    *,
    datatype: str,
    sample_rate: float | None = 48_000,
    captures: Sequence[dict[str, Any]] = ({"core:sample_start": 0},),
    annotations: Sequence[dict[str, Any]] = (),
    extra_global: dict[str, Any] | None = None,
) -> Path:
    """Write ``base.sigmf-data`` and ``base.sigmf-meta`` by hand; return the meta path."""
    glob: dict[str, Any] = {"core:datatype": datatype, "core:version": "1.2.0"}
    if sample_rate is not None:
        glob["core:sample_rate"] = sample_rate
    glob.update(extra_global or {})
    meta = {"global": glob, "captures": list(captures), "annotations": list(annotations)}
    base.with_name(base.name + ".sigmf-data").write_bytes(data)
    meta_path = base.with_name(base.name + ".sigmf-meta")
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return meta_path


def fmt_chunk(
    *, tag: int = 1, channels: int = 2, rate: int = 12_000, bits: int = 16, extensible: bool = False
) -> bytes:
    """A ``fmt `` payload (16 bytes, or 40 for WAVE_FORMAT_EXTENSIBLE with ``tag`` inside)."""
    align = channels * bits // 8
    head_tag = 0xFFFE if extensible else tag
    payload = struct.pack("<HHIIHH", head_tag, channels, rate, rate * align, align, bits)
    if extensible:
        guid = struct.pack("<H", tag) + bytes.fromhex("000000001000800000aa00389b71")
        payload += struct.pack("<HHI", 22, bits, 0b11) + guid
    return payload


def auxi_chunk(start: datetime, center_hz: int, size: int = 68) -> bytes:
    """An SDR#/HDSDR ``auxi`` payload (SYSTEMTIME start and stop, centre frequency), padded."""
    systemtime = struct.pack(
        "<8H",
        start.year,
        start.month,
        start.isoweekday() % 7,
        start.day,
        start.hour,
        start.minute,
        start.second,
        start.microsecond // 1000,
    )
    payload = systemtime * 2 + struct.pack("<II", center_hz, 0)
    return payload.ljust(size, b"\0")


def write_wav(path: Path, chunks: Sequence[tuple[bytes, bytes]], *, form: bytes = b"RIFF") -> Path:
    """Write a RIFF WAVE file of the given ``(chunk id, payload)`` chunks (odd ones padded)."""
    body = b"".join(
        cid + struct.pack("<I", len(data)) + data + b"\0" * (len(data) & 1) for cid, data in chunks
    )
    path.write_bytes(form + struct.pack("<I", 4 + len(body)) + b"WAVE" + body)
    return path
