"""CPU share of one core that the receiver needs for a 2.4 MS/s dongle over a hop plan.

``python -m bench.receiver`` runs the real ``jamwatch run`` as a child process, pinned to one CPU
with single-threaded maths libraries, on top of the fake librtlsdr (``tests/fakes``) that the real
pyrtlsdr loads. The fake serves a generated 2.4 MS/s cu8 band (``bench.__main__.write_input``)
paced in real time at the sample rate the receiver sets (``FAKE_RTLSDR_SPEED=1``), so the whole
live path runs: librtlsdr async reads into the capture thread, the shared cu8 conversion, the
bounded queue, the hop plan (V3 direct sampling, retunes, settle time, alias marking), the
detector and tracker, and SQLite storage of every dwell.

The measured window runs from the end of the first dwell (imports, database check and device
opening are behind) to the end of the dwell ``--seconds`` later; both ends are found from the
receiver's ``event=dwell`` log lines. Over that window:

- CPU share: the child's user+system time (all threads, ``/proc/<pid>/stat``) / wall time;
- samples per second and dropped blocks/samples: deltas of the receiver's Prometheus counters
  (updated at each dwell's end, so the window's ends are exact).

The whole run's CPU share (``getrusage(RUSAGE_CHILDREN)``, startup and shutdown included) is
reported beside it. Results go to ``docs/benchmarks-receiver.md`` (``--out``): ``python -m bench``
rewrites the whole of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import re
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bench.__main__ import RATE_HZ, SINGLE_THREAD_ENV, _machine, write_input
from tests.fakes.librtlsdr import build_fake_librtlsdr

TARGET_CPU_SHARE = 0.40
DEFAULT_TUNINGS_HZ = (6_000_000, 7_300_000, 9_700_000)
JAMWATCH = [sys.executable, "-c", "import sys; from monitor.cli import main; sys.exit(main())"]
_COUNTER = re.compile(r"^(jamwatch_receiver_\w+?)(?:_total)? ([0-9.e+-]+)$", re.MULTILINE)


@dataclass(frozen=True)
class Snapshot:
    """The child's state at one dwell end.

    Attributes
    ----------
    wall_s
        Monotonic time of the dwell's log line, in seconds.
    cpu_s
        The child's user+system CPU time so far (all threads), in seconds.
    counters
        The receiver's Prometheus counters and gauges, by name without ``_total``.
    load_1min
        The machine's 1-minute load average.
    """

    wall_s: float
    cpu_s: float
    counters: dict[str, float]
    load_1min: float

    @classmethod
    def take(cls, wall_s: float, pid: int, port: int) -> Snapshot:
        """Snapshot of process ``pid`` whose metrics are on ``port``."""
        return cls(wall_s, process_cpu_s(pid), scrape(port), os.getloadavg()[0])


def process_cpu_s(pid: int) -> float:
    """User+system CPU time of process ``pid`` and all its threads, in seconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    # After the command name: state is field 3 of proc(5), utime 14 and stime 15.
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def scrape(port: int) -> dict[str, float]:
    """The receiver's unlabelled metrics from ``http://127.0.0.1:port/metrics``."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return {name: float(value) for name, value in _COUNTER.findall(text)}


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_config(path: Path, db_url: str, tunings_hz: list[int], dwell_s: float, port: int) -> None:
    """A receiver configuration: fake V3 dongle in direct sampling, hop plan, SQLite, metrics."""
    tunings = ", ".join(f"{{center_hz = {f}}}" for f in tunings_hz)
    path.write_text(
        f"""name = "bench"
[source]
kind = "rtlsdr"
hf = "direct_q"
sample_rate_hz = {RATE_HZ}
gain_db = 20
[hop]
dwell_s = {dwell_s}
tunings = [{tunings}]
[database]
url = "{db_url}"
[metrics]
port = {port}
""",
        encoding="utf-8",
    )


class ChildLog:
    """The child's stderr, read by a thread: kept for error messages and queued with arrival
    times so that dwell ends are timed as they are logged."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        self._proc = proc
        self._stream: IO[str] = proc.stderr
        self._queue: queue.Queue[tuple[float, str]] = queue.Queue()
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._pump)
        self._thread.start()

    def _pump(self) -> None:
        for line in iter(self._stream.readline, ""):
            self.lines.append(line)
            self._queue.put((time.monotonic(), line))

    def next_dwell(self, timeout_s: float = 30.0) -> float:
        """Wait for the next ``event=dwell`` line; its arrival time (monotonic, s)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                when, line = self._queue.get(timeout=0.5)
            except queue.Empty:
                if self._proc.poll() is not None:
                    raise self.failure(f"exited with status {self._proc.returncode}") from None
                continue
            if "event=dwell " in line:
                return when
        raise self.failure(f"logged no dwell for {timeout_s:g} s")

    def failure(self, problem: str) -> RuntimeError:
        """An error naming the problem, with the end of the child's log."""
        tail = "".join(self.lines[-20:])
        return RuntimeError(f"jamwatch run {problem}; last log lines:\n{tail}")

    def join(self) -> None:
        """Wait for the end of the stream (after the child exited)."""
        self._thread.join()


def run_receiver(
    work: Path, *, seconds: float, tunings_hz: list[int], dwell_s: float, cpu: int
) -> tuple[Snapshot, Snapshot, float, int]:
    """Run ``jamwatch run`` on the fake dongle until the window is measured, then SIGTERM it.

    Returns the snapshots at the window's ends, the whole run's CPU share and the number of
    segments stored in the database.

    Raises
    ------
    RuntimeError
        When the receiver exits early, logs no dwell for 30 s, or exits non-zero on SIGTERM.
    """
    air = work / "air.cu8"
    write_input(air, 10.0)
    library = build_fake_librtlsdr(work / "fake-librtlsdr")
    db_path = work / "receiver.db"
    db_url = f"sqlite:///{db_path}"
    subprocess.run([*JAMWATCH, "db", "upgrade", "--db", db_url], check=True, capture_output=True)
    port = free_port()
    config = work / "receiver.toml"
    write_config(config, db_url, tunings_hz, dwell_s, port)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("FAKE_RTLSDR_", "JAMWATCH_"))},
        **SINGLE_THREAD_ENV,
        "LD_LIBRARY_PATH": os.pathsep.join(
            p for p in (str(library.parent), os.environ.get("LD_LIBRARY_PATH", "")) if p
        ),
        "FAKE_RTLSDR_IQ": str(air),
        "FAKE_RTLSDR_SPEED": "1",
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.monotonic()
    proc = subprocess.Popen(
        [*JAMWATCH, "run", "--config", str(config)],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        preexec_fn=lambda: os.sched_setaffinity(0, {cpu}),
    )
    log = ChildLog(proc)
    try:
        start = Snapshot.take(log.next_dwell(), proc.pid, port)
        end_s = log.next_dwell()
        while end_s - start.wall_s < seconds - dwell_s / 2:
            end_s = log.next_dwell()
        end = Snapshot.take(end_s, proc.pid, port)
    finally:
        proc.send_signal(signal.SIGTERM)
        status = proc.wait(timeout=60)
        log.join()
    wall_s = time.monotonic() - began
    if status != 0:
        raise log.failure(f"exited with status {status} after SIGTERM")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    whole_cpu_s = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        (stored,) = db.execute("SELECT count(*) FROM segments").fetchone()
    return start, end, whole_cpu_s / wall_s, int(stored)


def report(
    start: Snapshot,
    end: Snapshot,
    whole_share: float,
    stored: int,
    *,
    tunings_hz: list[int],
    dwell_s: float,
    command: str,
    load: tuple[tuple[float, ...], tuple[float, ...]],
) -> str:
    """The Markdown page of one run."""
    wall_s = end.wall_s - start.wall_s
    share = (end.cpu_s - start.cpu_s) / wall_s

    def delta(name: str) -> float:
        return end.counters.get(name, 0.0) - start.counters.get(name, 0.0)

    prefix = "jamwatch_receiver_"
    rate = delta(f"{prefix}samples") / wall_s
    plan = ", ".join(f"{f / 1e6:g}" for f in tunings_hz)
    loads = [", ".join(f"{x:.1f}" for x in values) for values in load]
    lines = [
        "# Receiver benchmark",
        "",
        "Generated by `python -m bench.receiver`; do not edit by hand.",
        "",
        f"- Command: `{command}`",
        f"- Machine: {_machine()}",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "- Path measured: the real `jamwatch run` with the real pyrtlsdr and `RtlSdrSource` on the "
        "fake librtlsdr of `tests/fakes`, which paces its async reads at the sample rate set "
        f"(real time), {RATE_HZ / 1e6:g} MS/s cu8; V3 direct sampling (Q branch, alias marking), "
        f"hop plan {plan} MHz with {dwell_s:g} s dwells, verdicts stored in SQLite.",
        "- The child is pinned to one CPU (`sched_setaffinity`, single-threaded BLAS/OpenMP). "
        "Window: from the end of the first dwell to the end of a later one; CPU = user+system "
        "time of all its threads (`/proc/<pid>/stat`). Samples per second stay a little below "
        "the dongle's rate because each retune restarts the stream (the air that goes by "
        "meanwhile is not captured, as with a real dongle); a receiver falling behind would "
        "show dropped blocks instead. The machine is shared: other jobs may have competed for "
        "the pinned CPU.",
        f"- Load average (1/5/15 min) before: {loads[0]}; after: {loads[1]}; 1-min at the "
        f"window's start and end: {start.load_1min:.1f}, {end.load_1min:.1f} (on "
        f"{os.cpu_count()} CPUs).",
        "",
        "| measurement | result | target |",
        "|---|---|---|",
        f"| CPU share of one core, {wall_s:.0f} s window | {share:.1%} | < "
        f"{TARGET_CPU_SHARE:.0%} |",
        f"| samples analysed per second of wall time | {rate / 1e6:.3f} MS/s "
        f"({rate / RATE_HZ:.1%} of the dongle's rate) | |",
        f"| dropped blocks / samples in the window | {delta(f'{prefix}dropped_blocks'):.0f} / "
        f"{delta(f'{prefix}dropped_samples'):.0f} | 0 |",
        f"| decision steps in the window | {delta(f'{prefix}steps'):.0f} | |",
        f"| CPU share of the whole run (startup, shutdown included) | {whole_share:.1%} | |",
        "| exit status after SIGTERM | 0 | 0 |",
        f"| segments stored in SQLite (whole run) | {stored} | |",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Command line of the receiver benchmark."""
    parser = argparse.ArgumentParser(prog="python -m bench.receiver", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="measured window, s")
    parser.add_argument("--dwell-s", type=float, default=10.0, help="dwell of every tuning, s")
    parser.add_argument(
        "--tunings-hz", type=int, nargs="+", default=list(DEFAULT_TUNINGS_HZ), metavar="HZ"
    )
    parser.add_argument("--cpu", type=int, default=0, help="CPU the receiver is pinned to")
    parser.add_argument("--out", type=Path, default=Path("docs/benchmarks-receiver.md"))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="jamwatch-bench-receiver-") as tmp:
        start, end, whole_share, stored = run_receiver(
            Path(tmp),
            seconds=args.seconds,
            tunings_hz=args.tunings_hz,
            dwell_s=args.dwell_s,
            cpu=args.cpu,
        )
    command = (
        f"python -m bench.receiver --seconds {args.seconds:g} --dwell-s {args.dwell_s:g} "
        f"--tunings-hz {' '.join(str(f) for f in args.tunings_hz)}"
    )
    text = report(
        start,
        end,
        whole_share,
        stored,
        tunings_hz=args.tunings_hz,
        dwell_s=args.dwell_s,
        command=command,
        load=(load_before, os.getloadavg()),
    )
    print(text)
    if not args.no_write:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
