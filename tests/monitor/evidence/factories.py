"""Evidence made by hand: a short noise clip and a jammed segment."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from dsp.vocabulary import Segment
from monitor.evidence.bundle import Evidence
from monitor.evidence.clip import Clip

RECEIVER = "rx-keep"


def evidence_at(onset: datetime, seed: int, receiver: str = RECEIVER) -> Evidence:
    """Two seconds of noise around ``onset`` on 7250 kHz, jammed for 5 s from the onset."""
    rate_hz = 22_727.0
    rng = np.random.default_rng(seed)
    samples = (0.01 * (rng.normal(size=45_454) + 1j * rng.normal(size=45_454))).astype(np.complex64)
    start = onset - timedelta(seconds=1)
    clip = Clip(7_250_000, 7_302_500.0, 250_000.0, rate_hz, start, samples, onset)
    segment = Segment(7_250_000, onset, onset + timedelta(seconds=5), "jammed", "noise", 0.9, 20.0)
    return Evidence(receiver, {"source": "test"}, clip, segment, continues=False)
