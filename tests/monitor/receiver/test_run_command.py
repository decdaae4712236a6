"""``jamwatch run`` as a command: bad configuration, SIGTERM, a restart into the same database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from monitor.cli import main
from tests.monitor.receiver.conftest import NotifyListener, write_config
from tests.monitor.receiver.helpers import assert_disjoint, batch_ids, by_channel, stored


def sim_config(path: Path, engine: Engine, dwell_s: float) -> Path:
    return write_config(
        path,
        {"name": "sim-rx"},
        {
            "source": {"kind": "simulated", "scenes": ["small"], "realtime": True},
            "hop": {"dwell_s": dwell_s},
            "database": {"url": engine.url.render_as_string()},
            "metrics": {"port": 0},
        },
    )


@pytest.mark.parametrize(
    ("tables", "key"),
    [
        ({"source": {"kind": "rtlsdr"}}, "hop.tunings"),
        ({"source": {"kind": "sdrplay"}}, "source.kind (JAMWATCH_SOURCE_KIND)"),
        ({"hop": {"settle_s": -1}}, "hop.settle_s (JAMWATCH_HOP_SETTLE_S)"),
        ({"forward": {"server_url": "http://x"}}, "forward"),
        ({"metrics": {"prot": 1}}, "metrics.prot (JAMWATCH_METRICS_PROT): unknown setting"),
        (
            {
                "source": {"kind": "rtlsdr", "sample_rate_hz": 1000},
                "hop": {"tunings": [{"center_hz": 6e6}]},
            },
            "source.sample_rate_hz",
        ),
    ],
)
def test_bad_config_exits_2_naming_the_key(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tables: dict[str, dict[str, object]],
    key: str,
) -> None:
    config = write_config(tmp_path / "receiver.toml", {"name": "rx"}, tables)
    assert main(["run", "--config", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("jamwatch: error: ")
    assert key in err, err
    assert "\n" not in err


def test_environment_overrides_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path / "receiver.toml", {"name": "rx"}, {"hop": {"settle_s": 1}})
    monkeypatch.setenv("JAMWATCH_HOP_SETTLE_S", "-3")
    assert main(["run", "--config", str(config)]) == 2
    assert "hop.settle_s (JAMWATCH_HOP_SETTLE_S)" in capsys.readouterr().err


def test_unmigrated_database_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(
        tmp_path / "receiver.toml",
        {"name": "rx"},
        {
            "source": {"kind": "simulated", "scenes": ["small"]},
            "database": {"url": f"sqlite:///{tmp_path}/new.db"},
        },
    )
    assert main(["run", "--config", str(config)]) == 2
    assert "jamwatch db upgrade" in capsys.readouterr().err


def run_until_sigterm(config: Path, notify: NotifyListener, seconds: float) -> tuple[int, str]:
    env = {**os.environ, "NOTIFY_SOCKET": str(notify.path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", "--config", str(config)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    seen: list[str] = []
    while not any(m.startswith("READY=1") for m in seen):
        assert time.monotonic() < deadline, "no READY=1 within 60 s"
        assert process.poll() is None, process.stderr
        time.sleep(0.05)
        seen += notify.messages()
    time.sleep(seconds)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    return process.returncode, err


@pytest.mark.slow
def test_sigterm_stores_open_segments_and_exits_0_and_restart_continues(
    tmp_path: Path, engine: Engine, notify_socket: NotifyListener
) -> None:
    config = sim_config(tmp_path / "receiver.toml", engine, dwell_s=600.0)
    status, err = run_until_sigterm(config, notify_socket, 3.0)
    assert status == 0, err
    assert "event=stopped" in err
    messages = notify_socket.messages()
    assert messages == ["WATCHDOG=1", "STOPPING=1"], messages
    first = stored(engine)
    assert len(batch_ids(engine)) == 1
    # the dwell of 600 s was cut by SIGTERM: its open segments were closed and stored
    span_s = (max(r.end for r in first) - min(r.start for r in first)).total_seconds()
    assert 2.0 <= span_s <= 10.0
    assert {r.state for r in first} - {"unknown"}

    status, err = run_until_sigterm(config, notify_socket, 2.0)
    assert status == 0, err
    rows = stored(engine)
    assert len(batch_ids(engine)) == 2
    assert_disjoint(rows)
    for channel, items in by_channel(rows).items():
        before = [r for r in first if r.frequency_hz == channel]
        assert items[: len(before) - 1] == before[:-1], f"{channel}: earlier segments changed"
