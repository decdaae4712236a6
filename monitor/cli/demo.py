"""``jamwatch demo``: a simulated receiver feeding the real pipeline into SQLite, and the API.

What ``make demo`` runs. It needs no dongle: a built-in simulator scene stands in for the air
and goes through exactly the code a deployed receiver runs (``jamwatch run`` with a simulated
source), into an SQLite file, while ``jamwatch serve`` answers on http://127.0.0.1:8000. Both run
as child processes until Ctrl-C (or ``--duration``), then are stopped with SIGTERM so the
receiver stores its open segments.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from monitor.errors import InputError

STARTUP_TIMEOUT_S = 60.0
"""How long the API may take to answer ``/health/live`` before the demo gives up."""

STOP_TIMEOUT_S = 30.0
"""How long each child may take to exit after SIGTERM."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``demo``."""
    parser = commands.add_parser(
        "demo",
        help="run a simulated receiver into SQLite and serve the API (no dongle needed)",
        description="Run a simulated receiver (a built-in scene through the real capture loop "
        "and detector) into an SQLite database in --out, and serve the API on --host:--port "
        "until Ctrl-C. Jamming windows appear after the first dwell (--dwell seconds).",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("demo-out"), help="folder for the database and config"
    )
    parser.add_argument("--scene", default="small", help="built-in scene or scene file")
    parser.add_argument("--dwell", type=float, default=10.0, help="seconds per stored batch")
    parser.add_argument("--host", default="127.0.0.1", help="API address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="API port (default 8000)")
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        help="stop after this many seconds (default: run until Ctrl-C)",
    )
    parser.set_defaults(handler=run)


def _jamwatch(*args: str) -> list[str]:
    """The command line running ``jamwatch ARGS`` with this interpreter."""
    return [sys.executable, "-m", "monitor", *args]


def write_receiver_config(out: Path, *, scene: str, dwell_s: float, database_url: str) -> Path:
    """Write the demo receiver's ``receiver.toml`` into ``out`` and return its path."""
    config = out / "receiver.toml"
    config.write_text(
        "\n".join(
            [
                'name = "demo-receiver"',
                "[source]",
                'kind = "simulated"',
                f"scenes = [{json.dumps(scene)}]",
                "realtime = true",
                "[hop]",
                f"dwell_s = {dwell_s}",
                "[database]",
                f"url = {json.dumps(database_url)}",
                "[metrics]",
                "port = 0",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return config


def _wait_until_live(url: str, server: subprocess.Popen[bytes]) -> None:
    """Poll ``url`` until it answers 200; fail if the server exits or takes too long."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the API exited with status {server.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the API did not answer {url} within {STARTUP_TIMEOUT_S:.0f} s")


def _stop(children: list[subprocess.Popen[bytes]]) -> list[int]:
    """SIGTERM every child still running, wait for all, and return their exit statuses."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    statuses = []
    for child in children:
        try:
            statuses.append(child.wait(timeout=STOP_TIMEOUT_S))
        except subprocess.TimeoutExpired:
            child.kill()
            statuses.append(child.wait())
    return statuses


def run(args: argparse.Namespace) -> int:
    """Migrate the demo database, start the receiver and the API, and wait."""
    if not 0 < args.port < 65536:
        raise InputError(f"--port {args.port}: not a TCP port")
    if args.dwell <= 0:
        raise InputError(f"--dwell {args.dwell}: give a positive number of seconds")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{(out / 'jamwatch.db').resolve()}"
    subprocess.run(_jamwatch("db", "upgrade", "--db", database_url), check=True)
    config = write_receiver_config(
        out, scene=args.scene, dwell_s=args.dwell, database_url=database_url
    )
    base = f"http://{args.host}:{args.port}"
    server = subprocess.Popen(
        _jamwatch("serve", "--db", database_url, "--host", args.host, "--port", str(args.port))
    )
    children = [server]
    try:
        _wait_until_live(f"{base}/health/live", server)
        receiver = subprocess.Popen(_jamwatch("run", "--config", str(config)))
        children.append(receiver)
        print(
            f"\njamwatch demo: a simulated receiver ({args.scene}) is feeding {database_url}\n"
            f"  page:            {base}/?span=600 (the last 10 minutes, live)\n"
            f"  API docs:        {base}/docs\n"
            f"  jamming windows: {base}/api/v1/windows"
            f" (first ones after about {args.dwell:.0f} s)\n"
            f"  channels:        {base}/api/v1/channels\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
        deadline = None if args.duration is None else time.monotonic() + args.duration
        while all(child.poll() is None for child in children):
            if deadline is not None and time.monotonic() >= deadline:
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("jamwatch demo: stopping", file=sys.stderr)
    finally:
        statuses = _stop(children)
    # uvicorn re-raises SIGTERM after its graceful shutdown; the receiver must exit 0.
    clean = ({0, -signal.SIGTERM}, {0})
    failed = [
        f"{name} exited with status {status}"
        for name, status, ok in zip(("the API", "the receiver"), statuses, clean, strict=False)
        if status not in ok
    ]
    if failed:
        print(f"jamwatch demo: {'; '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0
