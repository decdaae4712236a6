"""Cu8Framer: arbitrary chunking, exact samples, drift-free time stamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from monitor.recording.datatypes import cu8_to_complex64
from monitor.sources.base import clip_fraction
from monitor.sources.framing import Cu8Framer
from tests.monitor.sources.conftest import noise_cu8

T0 = datetime(2026, 2, 16, 12, 0, tzinfo=UTC)


def test_odd_chunks_give_the_stream_converted_once() -> None:
    codes = noise_cu8(10_000)
    framer = Cu8Framer(
        block_samples=1024, sample_rate_hz=2.4e6, center_hz=6e6, first_seq=5, clock=lambda: T0
    )
    rng = np.random.default_rng(3)
    cuts = np.sort(rng.choice(np.arange(1, codes.size), size=40, replace=False))
    blocks = [b for chunk in np.split(codes, cuts) for b in framer.feed(chunk)]
    last = framer.flush()
    assert last is not None
    blocks.append(last)
    assert [len(b.samples) for b in blocks] == [1024] * 9 + [10_000 - 9 * 1024]
    assert np.array_equal(np.concatenate([b.samples for b in blocks]), cu8_to_complex64(codes))
    assert [b.seq for b in blocks] == list(range(5, 15))
    assert framer.next_seq == 15
    assert all(b.center_hz == 6e6 and b.sample_rate_hz == 2.4e6 for b in blocks)


def test_time_stamps_follow_sample_counts_from_the_first_chunk() -> None:
    rate_hz = 2_400_000.0
    framer = Cu8Framer(
        block_samples=2400, sample_rate_hz=rate_hz, center_hz=6e6, first_seq=0, clock=lambda: T0
    )
    first_chunk = noise_cu8(24_000)  # 10 ms arrive at T0: captured from T0 - 10 ms
    blocks = framer.feed(first_chunk)
    for _ in range(1000):  # 10 s more in 10 ms chunks; the clock no longer matters
        blocks += framer.feed(first_chunk)
    anchor = T0 - timedelta(milliseconds=10)
    assert blocks[0].captured_at == anchor
    for k in (1, 17, len(blocks) - 1):
        assert blocks[k].captured_at == anchor + timedelta(milliseconds=k)


def test_flush_of_an_empty_or_half_sample_run_is_none() -> None:
    framer = Cu8Framer(block_samples=4, sample_rate_hz=1e6, center_hz=6e6, first_seq=0)
    assert framer.flush() is None
    assert framer.feed(np.array([1], dtype=np.uint8)) == []
    assert framer.flush() is None


def test_clip_fraction_counts_codes_0_and_255() -> None:
    codes = np.full(1000, 128, dtype=np.uint8)
    codes[:7] = 0
    codes[-3:] = 255
    codes[500] = 1
    assert clip_fraction(cu8_to_complex64(codes)) == 10 / 1000
