"""``jamwatch analyze``: the JSON contract of DESIGN.md, the table, and the exit statuses."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dsp.vocabulary import JAMMER_TYPES, STATES
from monitor.cli import main
from monitor.recording.datatypes import complex64_to_cu8
from monitor.sim import simulate
from monitor.sim.scene import parse_scene

SCENE: dict[str, Any] = {
    "description": "test: AM and a noise jammer from 2 s to 5 s",
    "receiver": {
        "center_hz": 6_000_000,
        "sample_rate_hz": 250_000,
        "duration_s": 7.0,
        "start": "2026-02-16T12:00:00Z",
        "full_scale_dbm": -30.0,
    },
    "emitters": [
        {"kind": "am", "frequency_hz": 5_950_000, "level_dbm": -60},
        {
            "kind": "jam_noise",
            "frequency_hz": 6_040_000,
            "level_dbm": -65,
            "on": [[2.0, 5.0]],
        },
    ],
}


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("scene") / "band"
    return simulate(parse_scene(SCENE, "test scene"), base, seed=3).meta_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["analyze", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def _time(text: str) -> datetime:
    assert text.endswith("Z")
    return datetime.fromisoformat(text)


def test_json_document_follows_the_contract(
    recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = _run(capsys, str(recording), "--json")
    assert status == 0
    doc = json.loads(out)
    assert set(doc) == {"recording", "channels", "segments"}
    rec = doc["recording"]
    assert rec == {
        "path": str(recording),
        "center_hz": 6_000_000,
        "sample_rate_hz": 250_000,
        "start": "2026-02-16T12:00:00Z",
        "duration_s": 7.0,
        "datatype": "cu8",
    }
    channels = doc["channels"]
    assert channels == sorted(channels)
    assert all(f % 5000 == 0 for f in channels)
    start, end = _time(rec["start"]), _time(rec["start"]).timestamp() + rec["duration_s"]
    for freq in channels:
        segs = [s for s in doc["segments"] if s["frequency_hz"] == freq]
        assert _time(segs[0]["start"]) == start
        assert _time(segs[-1]["end"]).timestamp() == pytest.approx(end)
        for a, b in zip(segs, segs[1:], strict=False):
            assert a["end"] == b["start"]  # no overlap, no gap
    for seg in doc["segments"]:
        assert seg["state"] in STATES
        assert (seg["jammer"] in JAMMER_TYPES) == (seg["state"] == "jammed")
        assert 0 <= seg["confidence"] <= 1
    jammed = [
        s for s in doc["segments"] if s["frequency_hz"] == 6_040_000 and s["state"] == "jammed"
    ]
    assert len(jammed) == 1
    assert jammed[0]["jammer"] == "noise"
    onset = _time(jammed[0]["start"]).timestamp() - start.timestamp()
    ending = _time(jammed[0]["end"]).timestamp() - start.timestamp()
    assert abs(onset - 2.0) <= 1.0
    assert abs(ending - 5.0) <= 1.0
    am = [s for s in doc["segments"] if s["frequency_hz"] == 5_950_000]
    # 7 steps of 0.9994 s: the last 4 ms are not judged, hence unknown
    assert [s["state"] for s in am] == ["signal", "unknown"]
    assert _time(am[1]["end"]).timestamp() - _time(am[1]["start"]).timestamp() < 0.01


def test_several_recordings_give_an_array_and_explain_adds_rules(
    recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = _run(capsys, str(recording), str(recording), "--json", "--explain")
    assert status == 0
    docs = json.loads(out)
    assert isinstance(docs, list)
    assert len(docs) == 2
    seg = next(
        s for s in docs[0]["segments"] if s["frequency_hz"] == 6_040_000 and s["state"] == "jammed"
    )
    assert seg["rule"] == "noise"
    assert seg["metrics"]["flatness"] > 0.8


def test_table_lists_the_jammed_channel(
    recording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = _run(capsys, str(recording), "--explain")
    assert status == 0
    row = next(line for line in out.splitlines() if "6040" in line and "jammed" in line)
    assert "noise" in row


def _raw_cu8(path: Path, seconds: float, rate: float) -> Path:
    rng = np.random.default_rng(0)
    n = int(seconds * rate)
    x = (0.05 * (rng.normal(size=n) + 1j * rng.normal(size=n))).astype(np.complex64)
    path.write_bytes(complex64_to_cu8(x).tobytes())
    return path


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["{tmp}/missing.sigmf-meta"], "missing.sigmf-meta"),
        (["{short}", "--center-hz", "6e6", "--sample-rate", "250000"], "too short for one"),
        (["{narrow}", "--center-hz", "6e6", "--sample-rate", "8000"], "no whole 9 kHz channel"),
        (["{short}", "--step", "0"], "--step 0: must be between"),
        (["{short}", "--start", "yesterday"], "--start 'yesterday': not an ISO 8601 time"),
    ],
)
def test_bad_input_is_one_line_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    short = _raw_cu8(tmp_path / "short.cu8", 0.5, 250_000)
    narrow = _raw_cu8(tmp_path / "narrow.cu8", 2.0, 8_000)
    names = {"tmp": str(tmp_path), "short": str(short), "narrow": str(narrow)}
    status, out, err = _run(capsys, *(a.format(**names) for a in argv))
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("jamwatch: error: ")
    assert message in err
    if "{short}" in argv[0] and "--step" not in argv and "--start" not in argv:
        assert str(short) in err
