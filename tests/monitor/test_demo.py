"""``jamwatch demo`` end to end: a simulated receiver feeds SQLite and the API serves windows."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from monitor.cli import main


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get_json(url: str) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            document: dict[str, object] = json.load(response)
            return document
    except OSError:
        return None


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_demo_serves_jamming_windows_while_it_runs_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    demo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "monitor",
            "demo",
            "--out",
            str(tmp_path),
            "--port",
            str(port),
            "--dwell",
            "5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    windows: list[dict[str, object]] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and demo.poll() is None:
            document = _get_json(f"http://127.0.0.1:{port}/api/v1/windows")
            if document is not None:
                data = document["data"]
                assert isinstance(data, list)
                windows = data
                if windows:
                    break
            time.sleep(1)
    finally:
        demo.send_signal(signal.SIGINT)
        output, _ = demo.communicate(timeout=60)
    log = output.decode(errors="replace")
    assert windows, f"no jamming window appeared; demo output:\n{log}"
    assert {window["receiver"] for window in windows} == {"demo-receiver"}
    assert demo.returncode == 0, log
    assert (tmp_path / "jamwatch.db").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--port", "0"], "--port 0: not a TCP port"), (["--dwell", "0"], "--dwell 0")],
)
def test_demo_rejects_bad_options_in_one_line(
    tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path), *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
