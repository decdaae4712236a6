"""SigMF reader: datatypes, captures, block arithmetic, annotations and every bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from monitor.errors import RecordingError
from monitor.iq import BlockFlags
from monitor.recording import EPOCH, open_recording
from tests.monitor.recording.helpers import encode, quantum, random_iq, write_sigmf

T0 = datetime(2026, 2, 16, 12, 0, tzinfo=UTC)
T0_TEXT = "2026-02-16T12:00:00Z"


def _read_all(rec) -> np.ndarray:
    return np.concatenate([b.samples for b in rec.blocks(777)])


@pytest.mark.parametrize(
    "datatype", ["cu8", "ci8", "ci16_le", "ci16_be", "ci32_le", "cf32_le", "cf32_be", "cf64_le"]
)
def test_every_datatype_round_trips(tmp_path: Path, datatype: str) -> None:
    samples = random_iq(3000, seed=7)
    capture = {"core:sample_start": 0, "core:frequency": 9_650_000, "core:datetime": T0_TEXT}
    meta = write_sigmf(
        tmp_path / "rec",
        encode(samples, datatype),
        datatype=datatype,
        sample_rate=250_000,
        captures=[capture],
    )
    rec = open_recording(meta)
    assert (rec.datatype, rec.sample_rate_hz, rec.num_samples) == (datatype, 250_000, 3000)
    assert (rec.center_hz, rec.start) == (9_650_000, T0)
    got = _read_all(rec)
    assert got.dtype == np.complex64
    err = np.abs(got.view(np.float32) - samples.view(np.float32)).max()
    assert err <= quantum(datatype), err


def test_blocks_follow_captures_and_their_clocks(tmp_path: Path) -> None:
    rate = 12_001
    captures: list[dict[str, Any]] = [
        {"core:sample_start": 0, "core:frequency": 6e6, "core:datetime": T0_TEXT},
        {"core:sample_start": 30_000, "core:frequency": 7e6},  # retune, clock runs on
        {"core:sample_start": 50_000, "core:datetime": "2026-02-16T12:01:00.5Z"},  # time jump
    ]
    samples = random_iq(60_000)
    meta = write_sigmf(
        tmp_path / "rec",
        encode(samples, "cf32_le"),
        datatype="cf32_le",
        sample_rate=rate,
        captures=captures,
    )
    rec = open_recording(meta)
    blocks = list(rec.blocks(8192))
    # a block never spans a capture: 30000 = 3*8192 + 5424, 20000 = 2*8192 + 3616, 10000 ...
    assert [len(b.samples) for b in blocks] == [8192] * 3 + [5424] + [8192] * 2 + [3616] + [
        8192,
        1808,
    ]
    assert [b.seq for b in blocks] == list(range(9))
    assert [b.center_hz for b in blocks] == [6e6] * 4 + [7e6] * 3 + [7e6] * 2
    assert blocks[1].captured_at == T0 + timedelta(seconds=8192 / rate)
    retune = T0 + timedelta(seconds=30_000 / rate)  # continues capture 0's clock
    assert rec.captures[1].start == retune
    assert blocks[4].captured_at == retune
    assert blocks[6].captured_at == retune + timedelta(seconds=16384 / rate)
    jump = datetime(2026, 2, 16, 12, 1, 0, 500_000, tzinfo=UTC)
    assert blocks[7].captured_at == jump
    assert blocks[8].captured_at == jump + timedelta(seconds=8192 / rate)
    # samples lost between captures at one frequency: only the first block after the gap
    assert [b.flags for b in blocks] == [BlockFlags.NONE] * 7 + [BlockFlags.DROPPED] + [
        BlockFlags.NONE
    ]
    np.testing.assert_array_equal(np.concatenate([b.samples for b in blocks]), samples)
    assert all(not b.samples.flags.writeable for b in blocks)


def test_annotations_are_exposed(tmp_path: Path) -> None:
    notes = [
        {
            "core:sample_start": 10,
            "core:sample_count": 20,
            "core:label": "jam_noise",
            "core:freq_lower_edge": 5.99e6,
            "core:freq_upper_edge": 6.0e6,
            "jamwatch:jammer": "noise",
        },
        {"core:sample_start": 40, "core:comment": "to the end"},
    ]
    meta = write_sigmf(tmp_path / "rec", bytes(200), datatype="cu8", annotations=notes)
    first, second = open_recording(meta).annotations
    assert (first.sample_start, first.sample_count, first.label) == (10, 20, "jam_noise")
    assert (first.freq_lower_hz, first.freq_upper_hz) == (5.99e6, 6.0e6)
    assert first.raw["jamwatch:jammer"] == "noise"
    assert (second.sample_start, second.sample_count, second.label) == (40, 60, None)
    assert second.comment == "to the end"


def test_defaults_without_time_or_frequency(tmp_path: Path) -> None:
    meta = write_sigmf(tmp_path / "rec", bytes(200), datatype="cu8", captures=[])
    rec = open_recording(meta)
    assert (rec.center_hz, rec.start, len(rec.captures)) == (0.0, EPOCH, 1)


def test_given_values_fill_gaps_and_must_agree(tmp_path: Path) -> None:
    meta = write_sigmf(
        tmp_path / "rec",
        bytes(200),
        datatype="cu8",
        sample_rate=None,
        captures=[{"core:sample_start": 0, "core:frequency": 6e6}],
    )
    rec = open_recording(meta, sample_rate_hz=2.4e6, start=T0, center_hz=6e6, datatype="cu8")
    assert (rec.sample_rate_hz, rec.start, rec.center_hz) == (2.4e6, T0, 6e6)
    with pytest.raises(RecordingError, match="centre frequency .* 7000000.0 contradicts"):
        open_recording(meta, sample_rate_hz=2.4e6, center_hz=7e6)
    with pytest.raises(RecordingError, match="datatype ci16_le contradicts"):
        open_recording(meta, sample_rate_hz=2.4e6, datatype="ci16_le")


def test_path_forms_name_the_same_recording(tmp_path: Path) -> None:
    write_sigmf(tmp_path / "band", bytes(20), datatype="cu8")
    for name in ("band", "band.sigmf-meta", "band.sigmf-data"):
        assert open_recording(tmp_path / name).num_samples == 10


# ---- bad input: each a RecordingError naming the file and the problem -----------------------


def _open_and_read(path: Path, **kwargs: object) -> None:
    rec = open_recording(path, **kwargs)  # type: ignore[arg-type]
    for _ in rec.blocks():
        pass


def _error(path: Path, **kwargs: object) -> RecordingError:
    with pytest.raises(RecordingError) as info:
        _open_and_read(path, **kwargs)
    return info.value


def test_missing_meta_file(tmp_path: Path) -> None:
    (tmp_path / "x.sigmf-data").write_bytes(bytes(8))
    err = _error(tmp_path / "x.sigmf-data")
    assert err.path == tmp_path / "x.sigmf-meta"
    assert "no such file" in err.problem


def test_missing_data_file(tmp_path: Path) -> None:
    meta = write_sigmf(tmp_path / "x", b"", datatype="cu8")
    (tmp_path / "x.sigmf-data").unlink()
    err = _error(meta)
    assert (err.path, err.problem) == (tmp_path / "x.sigmf-data", "no such file")


def test_empty_data(tmp_path: Path) -> None:
    err = _error(write_sigmf(tmp_path / "x", b"", datatype="cu8"))
    assert err.path.name == "x.sigmf-data"
    assert "empty" in err.problem


def test_size_not_a_whole_number_of_samples(tmp_path: Path) -> None:
    err = _error(write_sigmf(tmp_path / "x", bytes(10), datatype="ci16_le"))
    assert "10 bytes is not a whole number of 4-byte ci16_le samples" in err.problem


def test_truncated_data_shorter_than_its_annotations(tmp_path: Path) -> None:
    notes = [{"core:sample_start": 0, "core:sample_count": 100}]
    err = _error(write_sigmf(tmp_path / "x", bytes(100), datatype="cu8", annotations=notes))
    assert "holds 50 samples but the annotations reach sample 100" in err.problem
    assert "truncated" in err.problem


@pytest.mark.parametrize("datatype", ["cu16_le", "rf32_le", "ci16", "cx8"])
def test_unknown_datatype(tmp_path: Path, datatype: str) -> None:
    err = _error(write_sigmf(tmp_path / "x", bytes(16), datatype=datatype))
    assert err.path.name == "x.sigmf-meta"
    assert datatype in err.problem


def test_no_sample_rate(tmp_path: Path) -> None:
    err = _error(write_sigmf(tmp_path / "x", bytes(16), datatype="cu8", sample_rate=None))
    assert "no core:sample_rate" in err.problem


def test_contradictory_sample_rate(tmp_path: Path) -> None:
    meta = write_sigmf(tmp_path / "x", bytes(16), datatype="cu8", sample_rate=48_000)
    err = _error(meta, sample_rate_hz=2.4e6)
    assert "sample rate (S/s) 2400000.0 contradicts the file's 48000.0" in err.problem


def test_captures_out_of_order(tmp_path: Path) -> None:
    caps = [{"core:sample_start": 0}, {"core:sample_start": 8}, {"core:sample_start": 4}]
    err = _error(write_sigmf(tmp_path / "x", bytes(32), datatype="cu8", captures=caps))
    assert "ordering" in err.problem


def test_duplicate_capture_start(tmp_path: Path) -> None:
    caps = [{"core:sample_start": 0}, {"core:sample_start": 0}]
    err = _error(write_sigmf(tmp_path / "x", bytes(32), datatype="cu8", captures=caps))
    assert "captures out of order" in err.problem


def test_capture_beyond_the_data(tmp_path: Path) -> None:
    caps = [{"core:sample_start": 0}, {"core:sample_start": 16}]
    err = _error(write_sigmf(tmp_path / "x", bytes(32), datatype="cu8", captures=caps))
    assert "capture 1 starts at sample 16, beyond the end of the data (16 samples)" in err.problem


def test_first_capture_not_at_zero(tmp_path: Path) -> None:
    caps = [{"core:sample_start": 4}]
    err = _error(write_sigmf(tmp_path / "x", bytes(32), datatype="cu8", captures=caps))
    assert "first capture starts at sample 4" in err.problem


def test_capture_time_going_backwards(tmp_path: Path) -> None:
    caps = [
        {"core:sample_start": 0, "core:datetime": T0_TEXT},
        {"core:sample_start": 8, "core:datetime": "2026-02-16T11:59:00Z"},
    ]
    err = _error(write_sigmf(tmp_path / "x", bytes(32), datatype="cu8", captures=caps))
    assert "times must not go backwards" in err.problem


@pytest.mark.parametrize(
    "stamp", ["2026-02-16T12:00:00+02:00", "2026-02-16T12:00:00", "2026-02-16 12:00:00Z"]
)
def test_non_utc_datetime(tmp_path: Path, stamp: str) -> None:
    caps = [{"core:sample_start": 0, "core:datetime": stamp}]
    err = _error(write_sigmf(tmp_path / "x", bytes(32), datatype="cu8", captures=caps))
    assert err.path.name == "x.sigmf-meta"
    assert "core:datetime" in err.problem


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_float_data_names_the_sample(tmp_path: Path, bad: float) -> None:
    samples = random_iq(5000)
    samples[4321] = complex(0.1, bad)
    meta = write_sigmf(tmp_path / "x", encode(samples, "cf32_le"), datatype="cf32_le")
    rec = open_recording(meta)  # opening is fine: the data is checked while streaming
    seen: list[int] = []
    with pytest.raises(RecordingError) as info:
        seen.extend(len(b.samples) for b in rec.blocks(1024))
    assert info.value.path.name == "x.sigmf-data"
    assert "sample 4321 is NaN or infinite" in info.value.problem
    assert sum(seen) == 4096  # the blocks before the bad one were delivered


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "no 'global' object"),
        (json.dumps({"global": {"core:version": "1.2.0"}}), "'core:datatype' is a required"),
        (
            json.dumps(
                {
                    "global": {
                        "core:datatype": "cu8",
                        "core:version": "1.2.0",
                        "core:sample_rate": -5,
                    }
                }
            ),
            "core:sample_rate",
        ),
    ],
)
def test_broken_metadata(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "x.sigmf-data").write_bytes(bytes(8))
    (tmp_path / "x.sigmf-meta").write_text(text)
    err = _error(tmp_path / "x.sigmf-meta")
    assert problem in err.problem


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"core:num_channels": 2}, "num_channels"),
        ({"core:dataset": "x.wav"}, "non-conforming"),
        ({"core:metadata_only": True}, "metadata only"),
    ],
)
def test_unsupported_layouts(tmp_path: Path, extra: dict[str, object], problem: str) -> None:
    err = _error(write_sigmf(tmp_path / "x", bytes(32), datatype="cu8", extra_global=extra))
    assert problem in err.problem
