"""ReplaySource over real readers: order, flags, looping time, pacing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from monitor.iq import BlockFlags
from monitor.recording import open_recording
from monitor.recording.datatypes import cu8_to_complex64
from monitor.sources import BlockSettings, EndOfStream, SourceConfigError
from monitor.sources.replay import ReplaySource
from tests.monitor.sources.conftest import noise_cu8, write_cu8

START = datetime(2026, 2, 16, 12, 0, tzinfo=UTC)
RATE_HZ = 48_000.0


def raw(tmp_path: Path, codes: np.ndarray) -> ReplaySource:
    path = write_cu8(tmp_path / "scene.cu8", codes)
    recording = open_recording(path, center_hz=6e6, sample_rate_hz=RATE_HZ, start=START)
    return ReplaySource(recording, blocks=BlockSettings(block_samples=1000))


def test_plays_every_sample_once_then_ends(tmp_path: Path) -> None:
    codes = noise_cu8(4500)
    with raw(tmp_path, codes) as source:
        blocks = list(source)
        with pytest.raises(EndOfStream):
            source.read_block()
    assert np.array_equal(np.concatenate([b.samples for b in blocks]), cu8_to_complex64(codes))
    assert [b.seq for b in blocks] == [0, 1, 2, 3, 4]
    assert blocks[0].captured_at == START
    assert source.stats.samples == 4500


def test_loop_keeps_time_increasing(tmp_path: Path) -> None:
    with raw(tmp_path, noise_cu8(2000)) as source:
        source_loop = ReplaySource(
            source.recording, blocks=BlockSettings(block_samples=1000), loop=True
        )
    with source_loop:
        blocks = [source_loop.read_block() for _ in range(6)]
    offsets_s = [(b.captured_at - START).total_seconds() for b in blocks]
    assert offsets_s == pytest.approx([k * 1000 / RATE_HZ for k in range(6)], abs=1e-6)
    assert np.array_equal(blocks[0].samples, blocks[2].samples)
    assert [b.seq for b in blocks] == list(range(6))


def test_clipped_recording_is_flagged(tmp_path: Path) -> None:
    with raw(tmp_path, noise_cu8(3000, rms=0.6)) as source:
        flags = [b.flags for b in source]
    assert all(BlockFlags.OVERLOAD in f for f in flags)
    assert source.stats.overload_blocks == 3


def test_realtime_paces_by_block_end(tmp_path: Path) -> None:
    now = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    path = write_cu8(tmp_path / "scene.cu8", noise_cu8(4800))
    recording = open_recording(path, center_hz=6e6, sample_rate_hz=RATE_HZ, start=START)
    source = ReplaySource(
        recording,
        blocks=BlockSettings(block_samples=2400),
        realtime=True,
        live_timestamps=True,
        clock=lambda: datetime(2030, 1, 1, tzinfo=UTC),
        sleep=sleep,
        monotonic=lambda: now[0],
    )
    with source:
        blocks = list(source)
    assert sleeps == pytest.approx([0.05, 0.05])
    assert blocks[0].captured_at == datetime(2030, 1, 1, tzinfo=UTC)


def test_retune_is_refused(tmp_path: Path) -> None:
    with raw(tmp_path, noise_cu8(100)) as source, pytest.raises(SourceConfigError, match="^retune"):
        source.retune(7e6)


def test_real_drm_recording_replays_as_its_reader_reads_it(shared_iq: Path) -> None:
    meta = next((shared_iq / "kuwait-drm-15110khz").glob("*.sigmf-meta"))
    with ReplaySource(open_recording(meta), blocks=BlockSettings(block_samples=12_000)) as source:
        blocks = list(source)
    expected = list(open_recording(meta).blocks(12_000))
    assert len(blocks) == len(expected)
    for got, want in zip(blocks, expected, strict=True):
        assert np.array_equal(got.samples, want.samples)
        assert got.captured_at == want.captured_at
        assert got.center_hz == want.center_hz
