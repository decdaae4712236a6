"""Reading streams: peak memory does not grow with the length of the recording."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from monitor.recording import open_recording

BLOCK = 1 << 18


def _peak_bytes_reading(path: Path) -> tuple[int, int]:
    rec = open_recording(path, center_hz=6e6, sample_rate_hz=2.4e6)
    tracemalloc.start()
    total = 0
    for block in rec.blocks(BLOCK):
        total += len(block.samples)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, total


def test_peak_memory_is_independent_of_length(tmp_path: Path) -> None:
    short, long = tmp_path / "short.cu8", tmp_path / "long.cu8"
    with short.open("wb") as fp:  # sparse files: no disk or time spent writing zeros
        fp.truncate(16 << 20)
    with long.open("wb") as fp:
        fp.truncate(256 << 20)
    short_peak, short_n = _peak_bytes_reading(short)
    long_peak, long_n = _peak_bytes_reading(long)
    assert (short_n, long_n) == (8 << 20, 128 << 20)
    # one block is 2 MB of complex64 + 0.5 MB of bytes; 256 MB of data must not show up
    assert long_peak < 1.2 * short_peak + 200_000, (short_peak, long_peak)
    assert long_peak < 4 * BLOCK * 8, long_peak
