"""SigMFWriter: what it writes is valid SigMF that sigmf-python and our reader agree on."""

from __future__ import annotations

import hashlib
import json
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import sigmf

from monitor.recording import SigMFWriter, open_recording
from monitor.recording.datatypes import complex64_to_cu8, cu8_to_complex64
from tests.monitor.recording.helpers import random_iq

T0 = datetime(2026, 2, 16, 12, 0, tzinfo=UTC)


def _writer(base: Path, datatype: str = "cf32_le", **kwargs: object) -> SigMFWriter:
    return SigMFWriter(
        base,
        datatype=datatype,  # type: ignore[arg-type]
        sample_rate_hz=48_000,
        center_hz=6_000_000,
        start=T0,
        **kwargs,  # type: ignore[arg-type]
    )


def test_cf32_metadata_is_valid_sigmf_with_our_fields(tmp_path: Path) -> None:
    samples = random_iq(5000)
    with _writer(tmp_path / "rec", description="test scene", hw="sim") as w:
        w.write(samples[:3000])
        w.write(samples[3000:])
        w.add_annotation(2000, 500, label="jam_noise", freq_lower_hz=5.995e6, freq_upper_hz=6.005e6)
        w.add_annotation(100, 50, label="am", comment="first", extra={"jamwatch:snr_db": 30.0})
        assert w.samples_written == 5000
    meta = json.loads((tmp_path / "rec.sigmf-meta").read_text())
    glob = meta["global"]
    assert glob["core:datatype"] == "cf32_le"
    assert glob["core:sample_rate"] == 48_000
    assert glob["core:recorder"] == "jamwatch 0.1.0"
    assert glob["core:description"] == "test scene"
    assert glob["core:hw"] == "sim"
    assert {"name": "jamwatch", "version": "0.1.0", "optional": True} in glob["core:extensions"]
    assert meta["captures"] == [
        {
            "core:sample_start": 0,
            "core:frequency": 6_000_000,
            "core:datetime": "2026-02-16T12:00:00.000000Z",
        }
    ]
    assert [a["core:sample_start"] for a in meta["annotations"]] == [100, 2000]
    assert meta["annotations"][0]["jamwatch:snr_db"] == 30.0
    data = (tmp_path / "rec.sigmf-data").read_bytes()
    assert glob["core:sha512"] == hashlib.sha512(data).hexdigest()
    # sigmf-python checks the hash and the schema, and reads the same float samples
    loaded = sigmf.fromfile(str(tmp_path / "rec.sigmf-meta"))
    loaded.validate()
    np.testing.assert_array_equal(loaded.read_samples(), samples)


def test_cu8_stores_the_project_quantisation(tmp_path: Path) -> None:
    samples = random_iq(4096, seed=3, scale=1.3)  # some samples clip, as an 8-bit ADC would
    with _writer(tmp_path / "rec", datatype="cu8") as w:
        w.write(samples)
    raw = (tmp_path / "rec.sigmf-data").read_bytes()
    np.testing.assert_array_equal(np.frombuffer(raw, np.uint8), complex64_to_cu8(samples))
    rec = open_recording(tmp_path / "rec.sigmf-meta")
    got = np.concatenate([b.samples for b in rec.blocks()])
    np.testing.assert_array_equal(got, cu8_to_complex64(complex64_to_cu8(samples)))
    assert rec.datatype == "cu8"


def test_captures_and_annotations_read_back(tmp_path: Path) -> None:
    later = T0 + timedelta(seconds=10)
    with _writer(tmp_path / "hop") as w:
        w.write(random_iq(1000))
        w.add_capture(1000, center_hz=7_000_000, start=later)
        w.write(random_iq(1000, seed=1))
        w.add_annotation(1200, 300, label="drm", freq_lower_hz=6.995e6, freq_upper_hz=7.005e6)
    rec = open_recording(tmp_path / "hop")
    assert [(c.sample_start, c.center_hz, c.start) for c in rec.captures] == [
        (0, 6_000_000, T0),
        (1000, 7_000_000, later),
    ]
    (note,) = rec.annotations
    assert (note.sample_start, note.sample_count, note.label) == (1200, 300, "drm")
    assert (note.freq_lower_hz, note.freq_upper_hz) == (6.995e6, 7.005e6)


def _write_then_fail(base: Path) -> None:
    with _writer(base) as w:
        w.write(random_iq(100))
        raise RuntimeError("boom")


def test_exception_inside_with_removes_the_partial_files(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        _write_then_fail(tmp_path / "rec")
    assert list(tmp_path.iterdir()) == []


def test_metadata_beyond_the_data_fails_close_and_leaves_nothing(tmp_path: Path) -> None:
    w = _writer(tmp_path / "rec")
    w.write(random_iq(100))
    w.add_annotation(50, 100, label="too_long")
    with pytest.raises(ValueError, match="ends at sample 150 but only 100"):
        w.close()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda w: w.add_capture(0, center_hz=1e6, start=T0), "must come after"),
        (lambda w: w.add_capture(48_000, center_hz=1e6, start=T0), "before the previous capture"),
        (lambda w: w.add_capture(10, center_hz=1e6, start=datetime(2026, 1, 1)), "timezone-aware"),
        (lambda w: w.write(np.array([1, np.nan], dtype=np.complex64)), "sample 11 is NaN"),
        (lambda w: w.write(np.ones(4, dtype=np.float32)), "1-D complex"),
        (lambda w: w.add_annotation(0, 10, label="x", freq_lower_hz=1.0), "both"),
        (lambda w: w.add_annotation(0, 10, label="x", freq_lower_hz=2, freq_upper_hz=1), ">"),
    ],
)
def test_bad_calls_are_value_errors(tmp_path: Path, action, message: str) -> None:
    with _writer(tmp_path / "rec") as w:
        w.write(random_iq(10))
        with pytest.raises(ValueError, match=message):
            action(w)


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cu8"):
        _writer(tmp_path / "a", datatype="ci16_le")
    with pytest.raises(ValueError, match="core:datatype"):
        _writer(tmp_path / "b", extra_global={"core:datatype": "cu8"})
    with pytest.raises(ValueError, match="sample_rate_hz"):
        SigMFWriter(tmp_path / "c", datatype="cu8", sample_rate_hz=0, center_hz=1e6, start=T0)


def test_empty_recording_is_not_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no samples"), _writer(tmp_path / "rec"):
        pass
    assert list(tmp_path.iterdir()) == []


def test_memory_does_not_grow_with_the_recording(tmp_path: Path) -> None:
    block = random_iq(1 << 16)
    peaks = []
    for n_blocks in (4, 64):
        tracemalloc.start()
        with _writer(tmp_path / f"rec{n_blocks}", datatype="cu8") as w:
            for _ in range(n_blocks):
                w.write(block)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    # 64 blocks are 16x more data than 4 (8 MB of cu8); the peak stays that of one block
    assert peaks[1] < 1.5 * peaks[0] + 100_000, peaks
    assert peaks[1] < 4 * block.nbytes, peaks
