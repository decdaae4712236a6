"""Drawing a spectrogram grid and its boxes into a PNG with matplotlib's Agg backend.

Time runs down (UTC axis), frequency across (RF, kHz), colour is PSD in dBFS/Hz (viridis, which
reads in greyscale and for colour-blind readers). Box colours are from the Okabe-Ito palette;
labelled outlines have a dark halo so they show over any part of the colour map. The PNG is
written with a fixed 256-colour palette, which keeps it small.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
from matplotlib import patheffects, ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import Transform
from PIL import Image

from monitor.errors import InputError
from monitor.plot.grid import SpectrogramGrid
from monitor.plot.overlays import Box, BoxKind

DPI = 100
"""Dots per inch of the figure; sizes are given in pixels."""

COLORMAP = "viridis"

DATA_COLORS = 224
"""Colours of the colour map as drawn; the rest of the PNG's 256-colour palette holds greys
(frame, text) and the box colours."""

MISSING_COLOR = "#bbbbbb"
"""Colour of grid cells the recording did not cover."""

BOX_COLORS: dict[BoxKind, str] = {
    "jammer": "#D55E00",
    "broadcast": "#56B4E9",
    "drm": "#CC79A7",
    "other": "#FFFFFF",
    "detected": "#F0E442",
}
"""Colours per box kind (Okabe-Ito, plus white): truth jammers vermillion, AM broadcasts sky
blue, DRM reddish purple, anything else white; detections yellow, dashed and hatched."""

LEGEND_TEXT: dict[BoxKind, str] = {
    "jammer": "jammer",
    "broadcast": "AM",
    "drm": "DRM",
    "other": "data, other",
    "detected": "detected jamming",
}
"""Legend entries: solid outlines are ground truth, the dashed one is the detector's."""

TIME_FORMATS = ["%Y", "%b", "%d %b", "%H:%M", "%H:%M", "%H:%M:%S.%f"]
"""Tick labels of the time axis for ticks a year, month, day, hour, minute or second apart
(fractions of a second without trailing zeros)."""

LABELLED_BOX_PX = 30
"""Boxes narrower than this (in pixels) are drawn as hairlines without a label."""

MIN_WIDTH_PX = 400
MIN_HEIGHT_PX = 300


@dataclass(frozen=True, slots=True)
class Layout:
    """Pixel geometry of the picture: the data axes inside fixed margins.

    Attributes
    ----------
    width_px, height_px
        Size of the PNG.
    left_px, right_px, top_px, bottom_px
        Margins around the data axes (the right one holds the colour bar).
    """

    width_px: int
    height_px: int
    left_px: int = 112
    right_px: int = 96
    top_px: int = 56
    bottom_px: int = 52

    def __post_init__(self) -> None:
        if self.width_px < MIN_WIDTH_PX or self.height_px < MIN_HEIGHT_PX:
            raise InputError(
                f"picture size {self.width_px}x{self.height_px} is too small "
                f"(at least {MIN_WIDTH_PX}x{MIN_HEIGHT_PX} pixels)"
            )

    @property
    def axes_width_px(self) -> int:
        """Width of the data area: the number of frequency columns to compute."""
        return self.width_px - self.left_px - self.right_px

    @property
    def axes_height_px(self) -> int:
        """Height of the data area: the largest number of time rows worth computing."""
        return self.height_px - self.top_px - self.bottom_px


@dataclass(frozen=True, slots=True)
class Placement:
    """Where data landed in a saved picture (image pixels, origin at the top-left corner).

    Attributes
    ----------
    height_px
        Height of the picture.
    axes_px
        Data area as ``(left, top, right, bottom)`` pixel edges.
    transform
        matplotlib's data-to-display transform of the axes (x: kHz, y: date number).
    """

    height_px: int
    axes_px: tuple[float, float, float, float]
    transform: Transform

    def pixel(self, freq_hz: float, time: datetime) -> tuple[float, float]:
        """Image coordinates ``(x, y)`` of an RF frequency at a UTC time."""
        x, y = self.transform.transform((freq_hz / 1e3, _date_num(time)))
        return float(x), float(self.height_px - y)


def render_png(
    grid: SpectrogramGrid,
    boxes: Sequence[Box],
    layout: Layout,
    output: Path,
    *,
    title: str,
    db_range: tuple[float | None, float | None] = (None, None),
) -> Placement:
    """Draw ``grid`` with ``boxes`` over it and save it as a PNG of exactly the layout's size.

    Parameters
    ----------
    grid
        The averaged spectrogram; ideally ``layout.axes_width_px`` columns wide.
    boxes
        Truth and detection boxes; parts outside the grid's view are clipped.
    layout
        Picture size and margins.
    output
        PNG file to write.
    title
        Text above the picture.
    db_range
        Colour scale limits in dB; ``None`` picks the 2nd percentile (bottom) or the maximum
        (top) of the grid, with at least 10 dB between them.

    Returns
    -------
    Placement
        How to find a frequency and time in the saved picture.
    """
    fig = Figure(figsize=(layout.width_px / DPI, layout.height_px / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(
        (
            layout.left_px / layout.width_px,
            layout.bottom_px / layout.height_px,
            layout.axes_width_px / layout.width_px,
            layout.axes_height_px / layout.height_px,
        )
    )
    view = grid.view
    t0, t1 = _date_num(view.start), _date_num(view.end)
    low_db, high_db = _color_limits(grid, db_range)
    cmap = mpl.colormaps[COLORMAP].resampled(DATA_COLORS).with_extremes(bad=MISSING_COLOR)
    image = ax.imshow(
        np.ma.masked_invalid(grid.psd_db),
        extent=(view.fmin_hz / 1e3, view.fmax_hz / 1e3, t1, t0),
        origin="upper",
        aspect="auto",
        interpolation="nearest",
        cmap=cmap,
        vmin=low_db,
        vmax=high_db,
    )
    _format_axes(ax, view.start)
    fig.text(layout.left_px / layout.width_px, 1 - 6 / layout.height_px, title, va="top", size=9)
    cax = fig.add_axes(
        (
            (layout.width_px - layout.right_px + 12) / layout.width_px,
            layout.bottom_px / layout.height_px,
            14 / layout.width_px,
            layout.axes_height_px / layout.height_px,
        )
    )
    fig.colorbar(image, cax=cax).set_label("PSD [dBFS/Hz]")
    _draw_boxes(ax, boxes)
    kinds = [kind for kind in BOX_COLORS if any(box.kind == kind for box in boxes)]
    if kinds:
        fig.legend(
            handles=[_legend_handle(kind) for kind in kinds],
            loc="lower right",
            bbox_to_anchor=(
                (layout.width_px - layout.right_px) / layout.width_px,
                1 - (layout.top_px - 2) / layout.height_px,
            ),
            borderaxespad=0.0,
            ncols=len(kinds),
            fontsize=8,
            frameon=False,
        )
    _save_png(fig, layout, output)
    left, bottom, right, top = ax.get_window_extent().extents
    return Placement(
        height_px=layout.height_px,
        axes_px=(left, layout.height_px - top, right, layout.height_px - bottom),
        transform=cast(Transform, ax.transData.frozen()),
    )


def _save_png(fig: Figure, layout: Layout, output: Path) -> None:
    """Write the drawn figure as a PNG with a fixed 256-colour palette (:func:`_palette`).

    Data pixels are colour-map entries and keep their exact colour; antialiased text and
    outlines take the nearest palette colour. The file is about three times smaller than RGBA.
    """
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=DPI)
    rgba = np.frombuffer(raw.getbuffer(), dtype=np.uint8)
    rgb = Image.fromarray(rgba.reshape(layout.height_px, layout.width_px, 4)[:, :, :3])
    paletted = rgb.quantize(palette=_palette(), dither=Image.Dither.NONE)
    try:
        paletted.save(output, format="PNG", optimize=True)
    except OSError as exc:
        raise InputError(f"{output}: cannot write the picture: {exc}") from exc


def _palette() -> Image.Image:
    """The colour map's colours, 16 greys, the missing-data grey, and each box colour plain and
    darkened by its black halo."""
    cmap = mpl.colormaps[COLORMAP].resampled(DATA_COLORS)
    data = cmap(np.arange(DATA_COLORS))[:, :3]
    greys = np.repeat(np.linspace(0.0, 1.0, 16)[:, np.newaxis], 3, axis=1)
    boxes = np.array([mpl.colors.to_rgb(c) for c in [MISSING_COLOR, *BOX_COLORS.values()]])
    colors = np.concatenate([data, greys, boxes, boxes[1:] / 2])
    palette = Image.new("P", (1, 1))
    palette.putpalette(np.round(colors * 255).astype(np.uint8).tobytes())
    return palette


def _color_limits(
    grid: SpectrogramGrid, db_range: tuple[float | None, float | None]
) -> tuple[float, float]:
    """Colour scale limits: the user's, or from the grid's own distribution."""
    finite = grid.psd_db[np.isfinite(grid.psd_db)]
    low, high = db_range
    if low is None:
        low = float(np.percentile(finite, 2)) if finite.size else -100.0
    if high is None:
        high = max(float(finite.max()) if finite.size else low, low + 10.0)
    if not low < high:
        raise InputError(f"--db-min ({low:g}) must be below --db-max ({high:g})")
    return low, high


def _format_axes(ax: mpl.axes.Axes, start: datetime) -> None:
    """kHz across with plain numbers; UTC down, the date of ``start`` in the axis label."""
    ax.set_xlabel("frequency [kHz]")
    x_format = ticker.ScalarFormatter(useOffset=False)
    x_format.set_scientific(False)
    ax.xaxis.set_major_formatter(x_format)
    locator = mdates.AutoDateLocator(tz=UTC, minticks=4, maxticks=12)  # type: ignore[no-untyped-call]
    ax.yaxis.set_major_locator(locator)
    formatter = mdates.ConciseDateFormatter(  # type: ignore[no-untyped-call]
        locator, tz=UTC, formats=TIME_FORMATS, zero_formats=TIME_FORMATS, show_offset=False
    )
    ax.yaxis.set_major_formatter(formatter)
    ax.tick_params(labelsize=9)
    ax.set_ylabel(f"time [UTC] on {start.astimezone(UTC):%Y-%m-%d}")


def _draw_boxes(ax: mpl.axes.Axes, boxes: Sequence[Box]) -> None:
    """Outline each box (dashed and hatched for detections).

    A box at least :data:`LABELLED_BOX_PX` wide gets a haloed outline and its label inside its
    top-left corner; a narrower one (a channel in a wide view) gets a hairline outline only, so
    that the signal inside stays visible.
    """
    x_lo, x_hi = ax.get_xlim()
    y_top = min(ax.get_ylim())
    px_per_khz = ax.transData.transform((1.0, 0.0))[0] - ax.transData.transform((0.0, 0.0))[0]
    for box in boxes:
        color = BOX_COLORS[box.kind]
        detected = box.kind == "detected"
        f0, f1 = box.fmin_hz / 1e3, box.fmax_hz / 1e3
        t0, t1 = _date_num(box.start), _date_num(box.end)
        wide = (f1 - f0) * px_per_khz >= LABELLED_BOX_PX
        ax.add_patch(
            Rectangle(
                (f0, t0),
                f1 - f0,
                t1 - t0,
                fill=False,
                edgecolor=color,
                linewidth=1.5 if wide else 0.6,
                linestyle="--" if detected else "-",
                hatch="///" if detected else None,
                path_effects=[patheffects.withStroke(linewidth=3.5, foreground="black")]
                if wide
                else [],
            )
        )
        if wide and box.label and f1 > x_lo and f0 < x_hi:
            ax.text(
                max(f0, x_lo),
                max(t0, y_top),
                box.label,
                color="black",
                fontsize=7,
                ha="left",
                va="top",
                clip_on=True,
                bbox={"facecolor": color, "edgecolor": "none", "alpha": 0.8, "pad": 1.0},
            )


def _legend_handle(kind: BoxKind) -> Line2D:
    """A legend entry drawn like the boxes of ``kind``."""
    return Line2D(
        [],
        [],
        color=BOX_COLORS[kind],
        linewidth=2.0,
        linestyle="--" if kind == "detected" else "-",
        label=LEGEND_TEXT[kind],
        path_effects=[patheffects.withStroke(linewidth=3.5, foreground="black")],
    )


def _date_num(time: datetime) -> float:
    """matplotlib's date number (days since its epoch) of a UTC time: the y data coordinate."""
    return float(mdates.date2num(time))  # type: ignore[no-untyped-call]
