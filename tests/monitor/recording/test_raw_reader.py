"""Raw (headerless) IQ files as rtl_sdr writes them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from monitor.errors import RecordingError
from monitor.recording import EPOCH, open_recording
from monitor.recording.datatypes import complex64_to_cu8, cu8_to_complex64
from tests.monitor.recording.helpers import encode, quantum, random_iq


def test_cu8_round_trip_with_given_metadata(tmp_path: Path) -> None:
    samples = random_iq(10_000, scale=1.0)
    path = tmp_path / "capture.cu8"
    path.write_bytes(complex64_to_cu8(samples).tobytes())
    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    rec = open_recording(path, center_hz=9_650_000, sample_rate_hz=2_048_000, start=start)
    assert (rec.datatype, rec.num_samples, rec.center_hz, rec.start) == (
        "cu8",
        10_000,
        9_650_000,
        start,
    )
    got = np.concatenate([b.samples for b in rec.blocks(4096)])
    np.testing.assert_array_equal(got, cu8_to_complex64(complex64_to_cu8(samples)))


@pytest.mark.parametrize(("suffix", "datatype"), [(".bin", "cu8"), (".cs16", "ci16_le")])
def test_suffix_chooses_datatype_and_start_defaults_to_epoch(
    tmp_path: Path, suffix: str, datatype: str
) -> None:
    samples = random_iq(500)
    path = tmp_path / f"iq{suffix}"
    path.write_bytes(encode(samples, datatype))
    rec = open_recording(path, center_hz=1e6, sample_rate_hz=250_000)
    assert (rec.datatype, rec.start) == (datatype, EPOCH)
    got = np.concatenate([b.samples for b in rec.blocks()])
    assert np.abs(got.view(np.float32) - samples.view(np.float32)).max() <= quantum(datatype)


def test_datatype_given_for_any_name(tmp_path: Path) -> None:
    path = tmp_path / "dump.iq"
    path.write_bytes(encode(random_iq(64), "cf32_le"))
    rec = open_recording(path, center_hz=1e6, sample_rate_hz=1e5, datatype="cf32_le")
    assert rec.num_samples == 64


@pytest.mark.parametrize(
    ("center_hz", "rate", "missing"),
    [
        (None, 2.4e6, "its centre frequency must be given"),
        (6e6, None, "its sample rate must be given"),
        (None, None, "its centre frequency and sample rate must be given"),
    ],
)
def test_raw_without_centre_or_rate(
    tmp_path: Path, center_hz: float | None, rate: float | None, missing: str
) -> None:
    path = tmp_path / "x.cu8"
    path.write_bytes(bytes(100))
    with pytest.raises(RecordingError, match=missing) as info:
        open_recording(path, center_hz=center_hz, sample_rate_hz=rate)
    assert info.value.path == path


@pytest.mark.parametrize(
    ("size", "problem"),
    [(0, "the data file is empty"), (101, "101 bytes is not a whole number of 2-byte cu8")],
)
def test_empty_or_truncated(tmp_path: Path, size: int, problem: str) -> None:
    path = tmp_path / "x.cu8"
    path.write_bytes(bytes(size))
    with pytest.raises(RecordingError, match=problem):
        open_recording(path, center_hz=6e6, sample_rate_hz=2.4e6)


def test_unknown_datatype_for_raw(tmp_path: Path) -> None:
    path = tmp_path / "x.cu8"
    path.write_bytes(bytes(100))
    with pytest.raises(RecordingError, match="unsupported datatype 'cu12'"):
        open_recording(path, center_hz=6e6, sample_rate_hz=2.4e6, datatype="cu12")
