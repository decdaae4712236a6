"""``jamwatch analyze``: detect jamming in recordings, per 5 kHz channel and step.

With ``--json`` one recording gives one JSON document (the DESIGN.md contract); several give a
JSON array of those documents, in the order given, so a single recording's output never changes
shape. Without ``--json`` a table of the non-empty segments is printed, with a progress bar on a
terminal. With ``--db URL --receiver NAME`` the segments are also stored (storing the same
recording twice changes nothing); the database must be migrated (``jamwatch db upgrade``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

from dsp.classify import RULES
from monitor.analysis import RecordingAnalysis, analyze_recording, iso_utc
from monitor.errors import InputError
from monitor.recording import open_recording

EXPLAIN_FEATURES = (
    "snr_db",
    "sideband_db",
    "carrier_db",
    "carriers",
    "flatness",
    "sk",
    "tilt_db",
    "symmetry",
    "jitter_db",
    "sweep_rate_hz_s",
    "cp_score",
    "periodicity",
)
"""Features shown per segment by ``--explain`` in the table (the JSON carries them all)."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``analyze`` command."""
    parser = commands.add_parser(
        "analyze",
        help="detect jamming in IQ recordings",
        description=(
            "Judge every 5 kHz channel of each recording once per step (empty, signal, jammed, "
            "unknown) and print the resulting segments. With --json: one JSON document for one "
            "recording, a JSON array of documents for several."
        ),
    )
    parser.add_argument("recordings", nargs="+", type=Path, metavar="RECORDING")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--step", type=float, default=1.0, metavar="S", help="decision interval in s (default 1)"
    )
    parser.add_argument(
        "--explain", action="store_true", help="show the deciding rule and features per segment"
    )
    raw = parser.add_argument_group("recording metadata (raw files; checked against others)")
    raw.add_argument("--center-hz", type=float, help="RF centre frequency in Hz")
    raw.add_argument("--sample-rate", type=float, help="complex sample rate in S/s")
    raw.add_argument("--start", help="UTC time of the first sample, ISO 8601 (UTC if no zone)")
    raw.add_argument("--datatype", help="SigMF datatype of raw files, e.g. cu8")
    store = parser.add_argument_group("storing the verdicts")
    store.add_argument(
        "--db", metavar="URL", help="store the segments in this database (SQLite or PostgreSQL)"
    )
    store.add_argument("--receiver", metavar="NAME", help="receiver the recordings came from")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Analyse each recording and print the result."""
    if not 0.1 <= args.step <= 60:
        raise InputError(f"--step {args.step:g}: must be between 0.1 and 60 seconds")
    if (args.db is None) != (args.receiver is None):
        raise InputError("--db and --receiver go together: give both to store the segments")
    start = None if args.start is None else parse_start(args.start)
    console = Console(stderr=True)
    results: list[RecordingAnalysis] = []
    for path in args.recordings:
        recording = open_recording(
            path,
            center_hz=args.center_hz,
            sample_rate_hz=args.sample_rate,
            start=start,
            datatype=args.datatype,
        )
        with Progress(  # one bar per recording, shown on a terminal only
            TextColumn("{task.description}"),
            BarColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=args.json or not console.is_terminal,
            transient=True,
        ) as bar:
            task = bar.add_task(path.name, total=recording.num_samples)

            def advance(samples: int, bar: Progress = bar, task: TaskID = task) -> None:
                bar.advance(task, samples)

            results.append(analyze_recording(recording, step_s=args.step, progress=advance))
    if args.db is not None:
        store_results(results, database_url=args.db, receiver=args.receiver)
    if args.json:
        documents = [r.to_json(explain=args.explain) for r in results]
        json.dump(documents[0] if len(documents) == 1 else documents, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        out = Console()
        for result in results:
            out.print(_table(result, explain=args.explain))
        if args.explain:
            for rule in RULES:
                out.print(f"[bold]{rule.name}[/bold]: {rule.text}", highlight=False)
    return 0


def store_results(results: list[RecordingAnalysis], *, database_url: str, receiver: str) -> None:
    """Store every analysis for ``receiver``, each recording in its own transaction."""
    from monitor.cli.db import require_current_schema
    from monitor.store.engine import make_engine, transaction
    from monitor.store.receivers import check_name
    from monitor.store.segments import store_analysis
    from monitor.store.settings import database_settings

    check_name(receiver)
    engine = make_engine(database_settings(url=database_url))
    try:
        require_current_schema(engine)
        for result in results:
            with transaction(engine) as session:
                store_analysis(
                    session,
                    receiver=receiver,
                    channels=result.channels,
                    start=result.recording.captures[0].start,
                    end=result.end,
                    segments=result.segments,
                    source=str(result.recording.path),
                )
    finally:
        engine.dispose()


def parse_start(text: str) -> datetime:
    """An ISO 8601 time; UTC when it names no zone.

    >>> parse_start("2026-02-16T12:00:00Z").isoformat()
    '2026-02-16T12:00:00+00:00'
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"--start {text!r}: not an ISO 8601 time (e.g. 2026-02-16T12:00:00Z)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _table(result: RecordingAnalysis, *, explain: bool) -> Table:
    """The non-empty segments of one recording as a rich table."""
    rec = result.recording
    step = timedelta(seconds=1)
    segments = [
        s
        for s in result.segments
        if s.state != "empty" and not (s.state == "unknown" and s.end - s.start < step)
    ]
    jammed = sorted({s.frequency_hz for s in segments if s.state == "jammed"})
    duration_s = rec.num_samples / rec.sample_rate_hz
    table = Table(
        title=(
            f"{rec.path}: {len(result.channels)} channels, {duration_s:.1f} s from "
            f"{iso_utc(rec.captures[0].start)}; {len(jammed)} jammed "
            "(not shown: empty segments, unknown ones under 1 s)"
        )
    )
    for name in ("kHz", "start", "end", "state", "jammer", "conf", "SNR dB"):
        table.add_column(name, justify="right" if name in ("kHz", "conf", "SNR dB") else "left")
    if explain:
        table.add_column("rule")
        table.add_column("features", min_width=40)
    for s in segments:
        row = [
            f"{s.frequency_hz / 1000:.0f}",
            iso_utc(s.start),
            iso_utc(s.end),
            s.state,
            s.jammer or "",
            f"{s.confidence:.2f}",
            "" if s.snr_db is None else f"{s.snr_db:.1f}",
        ]
        if explain:
            row.append(s.rule or "")
            row.append(
                " ".join(f"{k}={s.metrics[k]:g}" for k in EXPLAIN_FEATURES if k in s.metrics)
            )
        table.add_row(*row)
    return table
