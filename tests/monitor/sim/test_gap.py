"""Dropped-sample gaps: missing from the file, a capture with a time jump, unknown in truth."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np

from monitor.iq import BlockFlags
from monitor.recording.sigmf_reader import open_sigmf
from monitor.sim import read_truth, simulate
from tests.monitor.sim.helpers import make_scene

RATE = 250_000


def test_gap_is_where_the_truth_says(tmp_path: Path) -> None:
    scene = make_scene(
        [{"kind": "am", "frequency_hz": 7_300_000, "level_dbm": -60.0}],
        sample_rate_hz=RATE,
        duration_s=4.0,
        datatype="cu8",
        adc_bits=8,
        full_scale_dbm=-30.0,
        impairments={"gaps": [{"start_s": 2.5, "duration_s": 0.75}]},
    )
    result = simulate(scene, tmp_path / "gap", seed=2)
    assert result.samples == round(3.25 * RATE)
    unknown = {r.second for r in read_truth(result.truth_path) if r.state == "unknown"}
    assert unknown == {2, 3}
    recording = open_sigmf(result.meta_path)
    assert [c.sample_start for c in recording.captures] == [0, round(2.5 * RATE)]
    jump = recording.captures[1].start - recording.captures[0].start
    assert jump == timedelta(seconds=3.25)
    dropped = [b for b in recording.blocks(50_000) if b.flags & BlockFlags.DROPPED]
    assert len(dropped) == 1
    assert dropped[0].captured_at == scene.receiver.start + timedelta(seconds=3.25)
    assert np.all(np.abs(dropped[0].samples) <= 1.5)
