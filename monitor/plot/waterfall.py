"""``jamwatch waterfall``'s job: a recording (plus truth and detections) to a PNG waterfall."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from monitor.plot.grid import SpectrogramGrid, compute_grid
from monitor.plot.overlays import Box, detection_boxes, truth_boxes
from monitor.plot.render import Layout, Placement, render_png
from monitor.plot.view import select_view
from monitor.recording.base import Recording


@dataclass(frozen=True, slots=True)
class WaterfallOptions:
    """What to draw and how big.

    Attributes
    ----------
    width_px, height_px
        Size of the PNG in pixels.
    fmin_hz, fmax_hz
        RF frequency range (None: the recorded band).
    tmin_s, tmax_s
        Time range in seconds from the start of the recording (None: all of it).
    detections
        An ``analyze --json`` document whose jammed segments are drawn, or None.
    truth
        Draw the recording's ground-truth annotations when it has some.
    db_min, db_max
        Colour scale limits in dB (None: from the data).
    """

    width_px: int = 1200
    height_px: int = 900
    fmin_hz: float | None = None
    fmax_hz: float | None = None
    tmin_s: float | None = None
    tmax_s: float | None = None
    detections: Path | None = None
    truth: bool = True
    db_min: float | None = None
    db_max: float | None = None


@dataclass(frozen=True, slots=True)
class Waterfall:
    """A drawn waterfall: the grid behind it and where things are in the PNG."""

    grid: SpectrogramGrid
    boxes: tuple[Box, ...]
    placement: Placement


def draw_waterfall(recording: Recording, output: Path, options: WaterfallOptions) -> Waterfall:
    """Stream ``recording`` once and write its waterfall to ``output`` (PNG).

    Raises
    ------
    InputError
        For a bad range, size, detections file or output path (the message says which).
    RecordingError
        For sample data the reader rejects while streaming.
    """
    layout = Layout(options.width_px, options.height_px)
    view = select_view(
        recording,
        fmin_hz=options.fmin_hz,
        fmax_hz=options.fmax_hz,
        tmin_s=options.tmin_s,
        tmax_s=options.tmax_s,
    )
    boxes = truth_boxes(recording) if options.truth else []
    if options.detections is not None:
        boxes += detection_boxes(options.detections)
    grid = compute_grid(
        recording, view, columns=layout.axes_width_px, max_rows=layout.axes_height_px
    )
    placement = render_png(
        grid,
        boxes,
        layout,
        output,
        title=_title(recording, grid),
        db_range=(options.db_min, options.db_max),
    )
    return Waterfall(grid, tuple(boxes), placement)


def _title(recording: Recording, grid: SpectrogramGrid) -> str:
    """File name, sample rate, datatype and resolution, for the top of the picture."""
    rate_hz = recording.sample_rate_hz
    bin_hz = rate_hz / grid.nfft
    row_s = grid.view.duration_s / grid.rows
    return (
        f"{recording.path.name}   {rate_hz / 1e3:g} kS/s {recording.datatype}   "
        f"FFT {grid.nfft} ({bin_hz:.3g} Hz), {row_s:.3g} s per row"
    )
