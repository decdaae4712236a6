"""Opt-in tests with a real RTL-SDR dongle (``pytest tests/monitor/sources --hardware``).

They run in a subprocess so that pyrtlsdr loads the system's librtlsdr, not the fake one that
other tests in this process load.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
from monitor.sources import BlockSettings, RtlSdrSource, TunerSettings
import numpy as np
source = RtlSdrSource(TunerSettings(9_650_000, hf="direct_q"), blocks=BlockSettings(1 << 16))
with source:
    blocks = [source.read_block() for _ in range(20)]
rms = float(np.sqrt(np.mean(np.abs(np.concatenate([b.samples for b in blocks])) ** 2)))
seqs = [b.seq for b in blocks]
print(source.tuner_type, source.sample_rate_hz, rms, seqs == list(range(20)))
"""


@pytest.mark.hardware
def test_a_real_dongle_streams_hf_in_direct_sampling() -> None:
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    tuner, rate, rms, in_order = done.stdout.split()
    assert tuner in {"R820T", "R828D"}
    assert float(rate) == 2_400_000.0
    assert 0.0 < float(rms) < 1.0
    assert in_order == "True"
