"""open_recording: dispatch on the file, and errors for what it cannot open."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from monitor.errors import RecordingError
from monitor.recording import Recording, open_recording
from tests.monitor.recording.helpers import fmt_chunk, write_sigmf, write_wav


def test_dispatch_by_name(tmp_path: Path) -> None:
    write_sigmf(tmp_path / "s", bytes(8), datatype="ci16_le")
    write_wav(tmp_path / "w.WAV", [(b"fmt ", fmt_chunk()), (b"data", bytes(12))])
    (tmp_path / "r.raw").write_bytes(bytes(16))
    assert open_recording(tmp_path / "s").datatype == "ci16_le"
    assert open_recording(tmp_path / "w.WAV").num_samples == 3
    assert open_recording(tmp_path / "r.raw", center_hz=1e6, sample_rate_hz=1e6).num_samples == 8


def test_missing_file(tmp_path: Path) -> None:
    for name in ("nothing", "nothing.wav", "nothing.cu8", "nothing.sigmf-meta"):
        with pytest.raises(RecordingError, match="no such file") as info:
            open_recording(tmp_path / name, center_hz=1e6, sample_rate_hz=1e6)
        assert info.value.path.name.startswith("nothing")


def test_unknown_kind(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(RecordingError, match="unknown kind of recording '.txt'"):
        open_recording(tmp_path / "notes.txt")


def test_naive_start_is_refused(tmp_path: Path) -> None:
    (tmp_path / "r.cu8").write_bytes(bytes(16))
    with pytest.raises(RecordingError, match="has no time zone"):
        open_recording(
            tmp_path / "r.cu8", center_hz=1e6, sample_rate_hz=1e6, start=datetime(2026, 1, 1)
        )


def test_every_problem_is_an_input_error(tmp_path: Path) -> None:
    """A directory where a file is expected still gives RecordingError, never OSError."""
    (tmp_path / "d.cu8").mkdir()
    (tmp_path / "e.wav").mkdir()
    for name in ("d.cu8", "e.wav"):
        with pytest.raises(RecordingError):
            open_recording(tmp_path / name, center_hz=1e6, sample_rate_hz=1e6)


def test_result_is_a_recording(tmp_path: Path) -> None:
    """mypy checks the assignment: FileRecording satisfies the Recording protocol."""
    (tmp_path / "r.cu8").write_bytes(bytes(16))
    rec: Recording = open_recording(tmp_path / "r.cu8", center_hz=1e6, sample_rate_hz=1e6)
    assert [c.sample_start for c in rec.captures] == [0]
