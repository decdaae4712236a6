"""``jamwatch waterfall``: draw a recording as a PNG waterfall, with truth and detections."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime
from pathlib import Path

from monitor.errors import InputError
from monitor.plot.waterfall import WaterfallOptions, draw_waterfall
from monitor.recording import open_recording

_SIZE = re.compile(r"^(?P<width>\d+)x(?P<height>\d+)$")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``waterfall`` command."""
    parser = commands.add_parser(
        "waterfall",
        help="draw a recording as a waterfall PNG",
        description=(
            "Draw a recording as a waterfall: time down (UTC), RF frequency across (kHz), power "
            "spectral density as colour. The recording is streamed once in bounded memory and "
            "averaged onto one row and column per pixel. Ground-truth annotations of SigMF "
            "recordings and jammed segments of an `analyze --json` document are drawn over it."
        ),
    )
    parser.add_argument("recording", type=Path, help="SigMF (.sigmf-meta/-data), WAV IQ or raw")
    parser.add_argument(
        "-o", "--output", type=Path, required=True, metavar="PNG", help="PNG file to write"
    )
    raw = parser.add_argument_group("recording metadata (raw files; checked against others)")
    raw.add_argument("--center-hz", type=float, metavar="HZ", help="RF centre frequency in Hz")
    raw.add_argument("--sample-rate", type=float, metavar="S/s", help="complex sample rate in S/s")
    raw.add_argument(
        "--start", metavar="TIME", help="UTC time of the first sample, ISO 8601 (UTC if no zone)"
    )
    raw.add_argument(
        "--datatype",
        metavar="TYPE",
        help="SigMF datatype of raw files, e.g. cu8 (default for .cu8)",
    )
    view = parser.add_argument_group("what to draw")
    view.add_argument(
        "--fmin-hz", type=float, metavar="HZ", help="lowest RF frequency (default: band edge)"
    )
    view.add_argument(
        "--fmax-hz", type=float, metavar="HZ", help="highest RF frequency (default: band edge)"
    )
    view.add_argument(
        "--tmin-s", type=float, metavar="S", help="start, seconds from the recording's start"
    )
    view.add_argument(
        "--tmax-s", type=float, metavar="S", help="end, seconds from the recording's start"
    )
    view.add_argument(
        "--detections",
        type=Path,
        metavar="JSON",
        help="`analyze --json` output: draw its jammed segments",
    )
    view.add_argument(
        "--no-truth", action="store_true", help="do not draw the recording's SigMF annotations"
    )
    view.add_argument(
        "--size", default="1200x900", metavar="WxH", help="picture size in pixels, WIDTHxHEIGHT"
    )
    view.add_argument("--db-min", type=float, metavar="DB", help="bottom of the colour scale in dB")
    view.add_argument("--db-max", type=float, metavar="DB", help="top of the colour scale in dB")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Draw the waterfall and say what was drawn."""
    width_px, height_px = _parse_size(args.size)
    recording = open_recording(
        args.recording,
        center_hz=args.center_hz,
        sample_rate_hz=args.sample_rate,
        start=None if args.start is None else _parse_start(args.start),
        datatype=args.datatype,
    )
    options = WaterfallOptions(
        width_px=width_px,
        height_px=height_px,
        fmin_hz=args.fmin_hz,
        fmax_hz=args.fmax_hz,
        tmin_s=args.tmin_s,
        tmax_s=args.tmax_s,
        detections=args.detections,
        truth=not args.no_truth,
        db_min=args.db_min,
        db_max=args.db_max,
    )
    drawn = draw_waterfall(recording, args.output, options)
    grid = drawn.grid
    print(
        f"wrote {args.output} ({width_px}x{height_px}): {grid.rows} rows x {grid.columns} "
        f"columns, FFT {grid.nfft}, {grid.frames} frames, {len(drawn.boxes)} boxes"
    )
    return 0


def _parse_size(text: str) -> tuple[int, int]:
    """``"1200x900"`` as ``(1200, 900)``."""
    match = _SIZE.match(text)
    if match is None:
        raise InputError(f"--size {text!r}: expected WIDTHxHEIGHT in pixels, e.g. 1200x900")
    return int(match["width"]), int(match["height"])


def _parse_start(text: str) -> datetime:
    """An ISO 8601 time; one without a zone is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"--start {text!r}: not an ISO 8601 time") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
