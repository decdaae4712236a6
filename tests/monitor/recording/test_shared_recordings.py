"""The real off-air recordings in ../shared/iq read correctly (read in place, never copied)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from monitor.recording import EPOCH, open_recording

DCF77 = "dcf77-77500hz-kiwirecorder/20171127T104156Z_77500_F1JEK_iq"
HFDL_WAV = "hfdl-13270khz/HFDL_test_12k_cf13270_df13270.wav"
HFDL_SIGMF = "hfdl-13270khz/hfdl_13270khz_12k.sigmf-meta"


def _samples(rec, block_samples: int = 10_000) -> np.ndarray:
    return np.concatenate([b.samples for b in rec.blocks(block_samples)])


def test_kiwirecorder_wav_equals_its_sigmf_copy(shared_iq: Path) -> None:
    wav = open_recording(shared_iq / f"{DCF77}.wav")
    copy = open_recording(shared_iq / f"{DCF77}.sigmf-meta")
    assert len(wav.extents) == 680  # one per 'data' chunk between the 'kiwi' chunks
    assert wav.num_samples == copy.num_samples == 348_160
    assert wav.sample_rate_hz == copy.sample_rate_hz == 12_001
    assert wav.center_hz == 77_500  # from the file name
    assert wav.start == datetime(2017, 11, 27, 10, 41, 56, tzinfo=UTC)
    np.testing.assert_array_equal(_samples(wav), _samples(copy, 4096))


def test_hfdl_wav_equals_its_sigmf_copy(shared_iq: Path) -> None:
    wav = open_recording(shared_iq / HFDL_WAV)
    copy = open_recording(shared_iq / HFDL_SIGMF)
    assert (wav.datatype, copy.datatype) == ("ci16_le", "ci16_le")
    assert wav.sample_rate_hz == copy.sample_rate_hz == 12_000
    assert copy.center_hz == 13_270_000
    np.testing.assert_array_equal(_samples(wav), _samples(copy))


@pytest.mark.parametrize(
    "name",
    [
        "kuwait-drm-15110khz/kuwait_drm_15110khz_12k.sigmf-meta",
        "timecode-lf/timecode_lf_12k.sigmf-meta",
    ],
)
def test_big_endian_recordings_read_as_their_metadata_states(shared_iq: Path, name: str) -> None:
    path = shared_iq / name
    meta = json.loads(path.read_text())
    rec = open_recording(path)
    assert rec.datatype == meta["global"]["core:datatype"] == "ci16_be"
    assert rec.sample_rate_hz == meta["global"]["core:sample_rate"]
    assert rec.num_samples == meta["annotations"][0]["core:sample_count"]
    stated_hz = meta["captures"][0].get("core:frequency")
    assert rec.center_hz == (0.0 if stated_hz is None else stated_hz)
    assert rec.start == EPOCH  # neither file records a time
    assert [a.label for a in rec.annotations] == [a.get("core:label") for a in meta["annotations"]]
    # decoded as big-endian: reading the bytes little-endian would give full-scale noise
    raw = np.frombuffer(path.with_name(path.name.replace("meta", "data")).read_bytes(), ">i2")
    got = _samples(rec)
    np.testing.assert_array_equal(got.view(np.float32), raw.astype(np.float32) / 32768)
    assert 0.01 < np.sqrt(np.mean(np.abs(got) ** 2)) < 0.5
