"""WAV IQ reader: PCM/float/extensible, auxi, kiwirecorder chunks and names, RF64, bad WAVs."""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from monitor.errors import RecordingError
from monitor.recording import EPOCH, open_recording
from tests.monitor.recording.helpers import (
    auxi_chunk,
    encode,
    fmt_chunk,
    quantum,
    random_iq,
    write_wav,
)

T0 = datetime(2024, 1, 1, 12, 0, 5, 250_000, tzinfo=UTC)


def _samples(rec) -> np.ndarray:
    return np.concatenate([b.samples for b in rec.blocks(1000)])


@pytest.mark.parametrize(
    ("tag", "bits", "datatype", "extensible"),
    [
        (1, 16, "ci16_le", False),
        (3, 32, "cf32_le", False),
        (1, 16, "ci16_le", True),
        (3, 32, "cf32_le", True),
        (1, 8, "cu8", False),
        (1, 32, "ci32_le", False),
        (3, 64, "cf64_le", False),
    ],
)
def test_formats_round_trip(
    tmp_path: Path, tag: int, bits: int, datatype: str, extensible: bool
) -> None:
    samples = random_iq(2500, seed=tag + bits)
    fmt = fmt_chunk(tag=tag, bits=bits, rate=48_000, extensible=extensible)
    path = write_wav(tmp_path / "iq.wav", [(b"fmt ", fmt), (b"data", encode(samples, datatype))])
    rec = open_recording(path)
    assert (rec.datatype, rec.sample_rate_hz, rec.num_samples) == (datatype, 48_000, 2500)
    assert (rec.center_hz, rec.start) == (0.0, EPOCH)  # the file states neither
    err = np.abs(_samples(rec).view(np.float32) - samples.view(np.float32)).max()
    assert err <= quantum(datatype)


@pytest.mark.parametrize("size", [68, 164])
def test_auxi_chunk_gives_start_and_frequency(tmp_path: Path, size: int) -> None:
    samples = random_iq(100)
    chunks = [
        (b"fmt ", fmt_chunk()),
        (b"auxi", auxi_chunk(T0, 9_650_000, size)),
        (b"data", encode(samples, "ci16_le")),
    ]
    rec = open_recording(write_wav(tmp_path / "HDSDR_20240101_120005Z_9650kHz_RF.wav", chunks))
    assert (rec.start, rec.center_hz) == (T0, 9_650_000)


def test_auxi_that_is_not_systemtime_states_nothing(tmp_path: Path) -> None:
    xml = '<SDR RadioCenterFreq="9650000"/>'.encode("utf-16-le").ljust(80, b"\0")
    chunks = [(b"fmt ", fmt_chunk()), (b"auxi", xml), (b"data", bytes(400))]
    rec = open_recording(write_wav(tmp_path / "console.wav", chunks))
    assert (rec.start, rec.center_hz) == (EPOCH, 0.0)


def test_kiwirecorder_chunks_and_file_name(tmp_path: Path) -> None:
    samples = random_iq(4096)
    chunks = [(b"fmt ", fmt_chunk(rate=12_001))]
    for part in np.split(samples, [512, 1024, 3000, 3001]):
        chunks += [
            (b"kiwi", struct.pack("<BBII", 2, 0, 123, 456)),
            (b"data", encode(part, "ci16_le")),
        ]
    chunks.append((b"LIST", b"INFOodd"))  # odd-sized trailing chunk, padded
    path = write_wav(tmp_path / "20171127T104156Z_77500_F1JEK_iq.wav", chunks)
    rec = open_recording(path)
    assert len(rec.extents) == 5
    assert rec.start == datetime(2017, 11, 27, 10, 41, 56, tzinfo=UTC)
    assert rec.center_hz == 77_500
    got = _samples(rec)  # 1000-sample blocks straddle the data chunks
    np.testing.assert_allclose(got, samples, atol=quantum("ci16_le") * 1.5)


def test_rf64_takes_sizes_from_ds64(tmp_path: Path) -> None:
    samples = random_iq(300)
    data = encode(samples, "cf32_le")
    ds64 = struct.pack("<QQQI", 0, len(data), len(samples), 0)
    body = b"ds64" + struct.pack("<I", len(ds64)) + ds64
    body += b"fmt " + struct.pack("<I", 16) + fmt_chunk(tag=3, bits=32)
    body += b"data" + struct.pack("<I", 0xFFFFFFFF) + data
    path = tmp_path / "big.wav"
    path.write_bytes(b"RF64" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + body)
    rec = open_recording(path)
    assert rec.num_samples == 300
    np.testing.assert_array_equal(_samples(rec), samples)


def test_given_values_fill_and_must_agree(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "iq.wav", [(b"fmt ", fmt_chunk()), (b"data", bytes(400))])
    rec = open_recording(path, center_hz=13_270_000, start=T0, sample_rate_hz=12_000)
    assert (rec.center_hz, rec.start) == (13_270_000, T0)
    with pytest.raises(RecordingError, match="sample rate .* 2400000.0 contradicts"):
        open_recording(path, sample_rate_hz=2.4e6)


# ---- bad input --------------------------------------------------------------------------------


def _problem(path: Path) -> str:
    with pytest.raises(RecordingError) as info:
        open_recording(path)
    assert info.value.path == path
    return info.value.problem


def test_mono_is_not_iq(tmp_path: Path) -> None:
    chunks = [(b"fmt ", fmt_chunk(channels=1)), (b"data", bytes(400))]
    assert "1 channel(s); an IQ WAV has 2" in _problem(write_wav(tmp_path / "m.wav", chunks))


def test_24_bit_is_refused(tmp_path: Path) -> None:
    chunks = [(b"fmt ", fmt_chunk(bits=24)), (b"data", bytes(600))]
    assert "24-bit PCM samples are not supported" in _problem(write_wav(tmp_path / "a.wav", chunks))


def test_not_riff(tmp_path: Path) -> None:
    path = tmp_path / "fake.wav"
    path.write_bytes(b"ID3\x03" + bytes(100))
    assert "not a WAV file" in _problem(path)


def test_truncated_data_chunk(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "t.wav", [(b"fmt ", fmt_chunk()), (b"data", bytes(400))])
    path.write_bytes(path.read_bytes()[:-100])
    assert "declares 400 bytes but only 300 follow: the file is truncated" in _problem(path)


def test_data_not_whole_samples(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "o.wav", [(b"fmt ", fmt_chunk()), (b"data", bytes(402))])
    assert "402 bytes, not a whole number of 4-byte samples" in _problem(path)


def test_no_data_and_empty_data(tmp_path: Path) -> None:
    assert "no 'data' chunk" in _problem(write_wav(tmp_path / "n.wav", [(b"fmt ", fmt_chunk())]))
    empty = write_wav(tmp_path / "e.wav", [(b"fmt ", fmt_chunk()), (b"data", b"")])
    assert "holds no samples" in _problem(empty)


def test_no_fmt(tmp_path: Path) -> None:
    assert "no 'fmt ' chunk" in _problem(write_wav(tmp_path / "f.wav", [(b"data", bytes(40))]))


def test_non_finite_float_wav(tmp_path: Path) -> None:
    samples = random_iq(100)
    samples[77] = complex(np.inf, 0)
    chunks = [(b"fmt ", fmt_chunk(tag=3, bits=32)), (b"data", encode(samples, "cf32_le"))]
    rec = open_recording(write_wav(tmp_path / "f.wav", chunks))
    with pytest.raises(RecordingError, match="sample 77 is NaN or infinite"):
        list(rec.blocks())
