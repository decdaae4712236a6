"""Real off-air recordings (``../shared/iq``) through the whole analysis: never jammed.

Each test measures the share of judged time per state and asserts on it, so a regression shows
up as a number, not a crash.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from dsp.detector import Detector
from dsp.tracker import Tracker
from monitor.analysis import RecordingAnalysis, analyze_recording
from monitor.errors import RecordingError
from monitor.recording import EPOCH, open_recording


def _shares(result: RecordingAnalysis) -> dict[str, float]:
    """Seconds per state over the whole recording, as fractions."""
    total: dict[str, float] = {}
    for seg in result.segments:
        total[seg.state] = total.get(seg.state, 0.0) + (seg.end - seg.start).total_seconds()
    whole = sum(total.values())
    return {state: seconds / whole for state, seconds in total.items()}


def test_kuwait_drm_is_a_signal_by_its_cyclic_prefix(shared_iq: Path) -> None:
    meta = shared_iq / "kuwait-drm-15110khz" / "kuwait_drm_15110khz_12k.sigmf-meta"
    result = analyze_recording(open_recording(meta))
    shares = _shares(result)
    assert result.channels == (15_110_000,)
    assert shares.get("jammed", 0.0) == 0.0
    assert shares["signal"] > 0.95
    drm = [s for s in result.segments if s.state == "signal"]
    assert all(s.rule == "drm" for s in drm)
    assert min(s.metrics["cp_score"] for s in drm) > 0.5


@pytest.mark.parametrize(
    "name",
    [
        "hfdl-13270khz/hfdl_13270khz_12k.sigmf-meta",
        "hfdl-13270khz/HFDL_test_12k_cf13270_df13270.wav",
    ],
)
def test_hfdl_data_bursts_are_a_signal(shared_iq: Path, name: str) -> None:
    shares = _shares(analyze_recording(open_recording(shared_iq / name)))
    assert shares.get("jammed", 0.0) == 0.0
    assert shares["signal"] > 0.9


def test_keyed_time_signal_carrier_is_a_signal(shared_iq: Path) -> None:
    meta = shared_iq / "timecode-lf" / "timecode_lf_12k.sigmf-meta"
    shares = _shares(analyze_recording(open_recording(meta)))
    assert shares.get("jammed", 0.0) == 0.0
    assert shares["signal"] > 0.9


def test_dcf77_holds_no_whole_raster_channel(shared_iq: Path) -> None:
    wav = shared_iq / "dcf77-77500hz-kiwirecorder" / "20171127T104156Z_77500_F1JEK_iq.wav"
    with pytest.raises(RecordingError, match="no whole 9 kHz channel"):
        analyze_recording(open_recording(wav))


def test_dcf77_carrier_put_on_the_raster_is_not_jammed(shared_iq: Path) -> None:
    """Relabel the tuning so the 77.5 kHz carrier sits on the 75 kHz raster channel.

    DCF77 keys its carrier down every second and phase-modulates it: its fine spectrum has
    sidebands a few Hz out (the look-alike of co-channel programme jamming) and its spectrum
    repeats exactly (the look-alike of a tone jammer and of noise under a programme, which
    the flatness of the sidebands rules out). The real recording is not on the raster, so
    ``analyze`` never judges it (test above).
    """
    folder = shared_iq / "dcf77-77500hz-kiwirecorder"
    meta = json.loads((folder / "20171127T104156Z_77500_F1JEK_iq.sigmf-meta").read_text())
    raw = np.fromfile(folder / "20171127T104156Z_77500_F1JEK_iq.sigmf-data", dtype="<i2")
    samples = (raw.astype(np.float32) / 32768).view(np.complex64)
    detector = Detector(75_000, meta["global"]["core:sample_rate"])
    tracker = Tracker(detector.plan.frequencies_hz)
    segments = []
    end = EPOCH
    for result in detector.push(samples):
        start, end = end, end + timedelta(seconds=detector.step_duration_s)
        features = None if result.features is None else result.features.matrix()
        segments += tracker.update(start, end, result.verdicts, features)
        assert result.verdicts.describe(0)[0] != "unknown"
    segments += tracker.finish()
    assert [s.state for s in segments] == ["signal"]
    assert (segments[0].end - segments[0].start).total_seconds() > 25
