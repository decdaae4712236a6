"""``jamwatch waterfall``: the streamed grid, the PNG it draws, overlays, and bad input."""

from __future__ import annotations

import doctest
import json
import tracemalloc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import matplotlib.image
import numpy as np
import numpy.typing as npt
import pytest

import monitor.plot.grid
import monitor.plot.overlays
from monitor.cli import main
from monitor.iq import IQBlock
from monitor.plot.grid import column_map, compute_grid
from monitor.plot.view import View, recording_view, select_view
from monitor.plot.waterfall import Waterfall, WaterfallOptions, draw_waterfall
from monitor.recording import open_recording
from monitor.recording.base import DEFAULT_BLOCK_SAMPLES, Capture
from monitor.recording.datatypes import complex64_to_cu8
from monitor.recording.sigmf_writer import SigMFWriter

T0 = datetime(2026, 2, 16, 12, 0, 0, tzinfo=UTC)
RATE_HZ = 48_000.0
CENTER_HZ = 6_000_000.0
TONE_HZ = CENTER_HZ + 7_300.0


def noisy_tone(
    num: int, tone_hz: float, rate_hz: float, seed: int = 1
) -> npt.NDArray[np.complex64]:
    """A tone of amplitude 0.3 at baseband ``tone_hz`` in complex noise 40 dB below it."""
    rng = np.random.default_rng(seed)
    t = np.arange(num) / rate_hz
    noise = 0.003 * (rng.standard_normal(num) + 1j * rng.standard_normal(num))
    return np.asarray(0.3 * np.exp(2j * np.pi * tone_hz * t) + noise, dtype=np.complex64)


@dataclass(frozen=True)
class Ann:
    sample_start: int
    sample_count: int
    label: str
    freq_lower_hz: float
    freq_upper_hz: float


def write_sigmf(
    base: Path,
    samples: npt.NDArray[np.complex64],
    *,
    captures: Sequence[Capture] = (Capture(0, CENTER_HZ, T0),),
    annotations: Sequence[Ann] = (),
) -> Path:
    """Write a SigMF recording with the project's writer and return its ``.sigmf-meta``."""
    first = captures[0]
    with SigMFWriter(
        base,
        datatype="cf32_le",
        sample_rate_hz=RATE_HZ,
        center_hz=first.center_hz,
        start=first.start,
    ) as writer:
        writer.write(samples)
        for capture in captures[1:]:
            writer.add_capture(
                capture.sample_start, center_hz=capture.center_hz, start=capture.start
            )
        for ann in annotations:
            writer.add_annotation(
                ann.sample_start,
                ann.sample_count,
                label=ann.label,
                freq_lower_hz=ann.freq_lower_hz,
                freq_upper_hz=ann.freq_upper_hz,
            )
    return base.with_suffix(".sigmf-meta")


@pytest.fixture(scope="module")
def tone_meta(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """6 s at 48 kS/s: a tone 7.3 kHz above the centre, with one jammer annotation."""
    base = tmp_path_factory.mktemp("tone") / "tone"
    samples = noisy_tone(int(6 * RATE_HZ), TONE_HZ - CENTER_HZ, RATE_HZ)
    jam = Ann(int(1.5 * RATE_HZ), int(3 * RATE_HZ), "jam_noise", CENTER_HZ - 12e3, CENTER_HZ - 2e3)
    return write_sigmf(base, samples, annotations=[jam])


def read_png(path: Path) -> npt.NDArray[np.float32]:
    """RGB of a PNG as floats 0..1, shape (height, width, 3)."""
    image = np.asarray(matplotlib.image.imread(path), dtype=np.float32)
    return image[:, :, :3]


def axes_slice(drawn: Waterfall) -> tuple[slice, slice]:
    """Rows and columns of the PNG inside the data area (one pixel in from its frame)."""
    left, top, right, bottom = (round(v) for v in drawn.placement.axes_px)
    return slice(top + 1, bottom - 1), slice(left + 1, right - 1)


def changed_box(a: Path, b: Path, drawn: Waterfall) -> tuple[int, int, int, int]:
    """Bounding box ``(left, top, right, bottom)`` of data-area pixels that differ in a and b.

    Small differences are the 256-colour palettes of the two PNGs choosing slightly different
    shades; an outline changes a pixel by far more.
    """
    rows, cols = axes_slice(drawn)
    diff = np.abs(read_png(a) - read_png(b)).sum(axis=2)[rows, cols] > 0.3
    ys, xs = np.nonzero(diff)
    assert xs.size, "no pixel differs inside the data area"
    return (
        int(xs.min()) + cols.start,
        int(ys.min()) + rows.start,
        int(xs.max()) + cols.start,
        int(ys.max()) + rows.start,
    )


def test_png_has_size_and_tone_is_brightest_column_at_its_frequency(
    tone_meta: Path, tmp_path: Path
) -> None:
    out = tmp_path / "tone.png"
    drawn = draw_waterfall(
        open_recording(tone_meta), out, WaterfallOptions(width_px=900, height_px=640)
    )

    image = read_png(out)
    assert image.shape == (640, 900, 3)
    rows, cols = axes_slice(drawn)
    data = image[rows, cols]
    assert data.std() > 0.02, "the data area is blank"
    brightness = data.sum(axis=2).mean(axis=0)
    x_found = cols.start + int(np.argmax(brightness))
    x_expected, _ = drawn.placement.pixel(TONE_HZ, T0)
    assert abs(x_found + 0.5 - x_expected) <= 1.5
    # the grid itself: the tone's column stands far above the median column
    column_db = np.nanmean(drawn.grid.psd_db, axis=0)
    assert column_db.max() - np.median(column_db) > 30.0


def test_grid_is_one_column_per_pixel_and_covers_the_recording(
    tone_meta: Path, tmp_path: Path
) -> None:
    drawn = draw_waterfall(
        open_recording(tone_meta), tmp_path / "x.png", WaterfallOptions(width_px=800, height_px=600)
    )
    left, top, right, bottom = drawn.placement.axes_px
    assert drawn.grid.columns == round(right - left)
    assert drawn.grid.rows == min(round(bottom - top), int(6 * RATE_HZ) // drawn.grid.nfft)
    assert not np.isnan(drawn.grid.psd_db).any()
    assert drawn.grid.frames * drawn.grid.nfft > 0.95 * 6 * RATE_HZ
    # the frame of the picture is where the view's corners land
    assert drawn.placement.pixel(drawn.grid.view.fmin_hz, T0) == pytest.approx((left, top))
    end = T0 + timedelta(seconds=6)
    assert drawn.placement.pixel(drawn.grid.view.fmax_hz, end) == pytest.approx((right, bottom))


def test_annotation_box_is_drawn_where_the_annotation_is(tone_meta: Path, tmp_path: Path) -> None:
    recording = open_recording(tone_meta)
    with_truth, without = tmp_path / "truth.png", tmp_path / "plain.png"
    drawn = draw_waterfall(recording, with_truth, WaterfallOptions())
    draw_waterfall(recording, without, WaterfallOptions(truth=False))

    assert [box.kind for box in drawn.boxes] == ["jammer"]
    left, top = drawn.placement.pixel(CENTER_HZ - 12e3, T0 + timedelta(seconds=1.5))
    right, bottom = drawn.placement.pixel(CENTER_HZ - 2e3, T0 + timedelta(seconds=4.5))
    found = changed_box(with_truth, without, drawn)
    assert found == pytest.approx((left, top, right, bottom), abs=3.0)


def detections_json(path: Path, segments: list[dict[str, object]]) -> Path:
    document = {
        "recording": {"path": "tone.sigmf-meta", "center_hz": CENTER_HZ, "sample_rate_hz": RATE_HZ},
        "channels": [5_995_000, 6_000_000, 6_005_000],
        "segments": segments,
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_detections_are_drawn_over_the_channel_and_time_span(
    tone_meta: Path, tmp_path: Path
) -> None:
    jammed = {
        "frequency_hz": 6_005_000,
        "start": "2026-02-16T12:00:02Z",
        "end": "2026-02-16T12:00:05Z",
        "state": "jammed",
        "jammer": "noise",
        "confidence": 0.9,
    }
    clean = {**jammed, "frequency_hz": 5_995_000, "state": "signal", "jammer": None}
    detections = detections_json(tmp_path / "analyze.json", [jammed, clean])
    recording = open_recording(tone_meta)
    with_det, without = tmp_path / "det.png", tmp_path / "plain.png"
    drawn = draw_waterfall(
        recording, with_det, WaterfallOptions(truth=False, detections=detections)
    )
    draw_waterfall(recording, without, WaterfallOptions(truth=False))

    assert [(box.kind, box.label) for box in drawn.boxes] == [("detected", "det. noise")]
    left, top = drawn.placement.pixel(6_000_000, T0 + timedelta(seconds=2))
    right, bottom = drawn.placement.pixel(6_010_000, T0 + timedelta(seconds=5))
    assert changed_box(with_det, without, drawn) == pytest.approx(
        (left, top, right, bottom), abs=3.0
    )


def test_zoom_selects_frequency_and_time(tone_meta: Path, tmp_path: Path) -> None:
    options = WaterfallOptions(fmin_hz=TONE_HZ - 500, fmax_hz=TONE_HZ + 500, tmin_s=1.0, tmax_s=3.0)
    drawn = draw_waterfall(open_recording(tone_meta), tmp_path / "zoom.png", options)
    view = drawn.grid.view
    assert (view.fmin_hz, view.fmax_hz) == (TONE_HZ - 500, TONE_HZ + 500)
    assert (view.start, view.end) == (T0 + timedelta(seconds=1), T0 + timedelta(seconds=3))
    # only frames centred inside the 2 s are used: all of them, and no more
    assert abs(drawn.grid.frames * drawn.grid.nfft - 2 * RATE_HZ) <= drawn.grid.nfft
    # 1 kHz over ~1000 columns is finer than the FFT of 2 s allows: columns repeat the nearest
    # bin, and the run of columns showing the peak bin is within half a bin of the tone
    column_db = np.nanmean(drawn.grid.psd_db, axis=0)
    peak_columns = np.flatnonzero(column_db >= column_db.max() - 0.01)
    assert np.ptp(peak_columns) + 1 == peak_columns.size  # one contiguous run
    column_hz = view.span_hz / drawn.grid.columns
    peak_hz = view.fmin_hz + (peak_columns.mean() + 0.5) * column_hz
    bin_hz = RATE_HZ / drawn.grid.nfft
    assert peak_columns.size == pytest.approx(bin_hz / column_hz, abs=1.5)
    assert abs(peak_hz - TONE_HZ) <= bin_hz / 2


def test_column_map_averages_bins_or_takes_the_nearest() -> None:
    view = View(CENTER_HZ - 24e3, CENTER_HZ + 24e3, T0, T0 + timedelta(seconds=1))
    weights, covered = column_map(CENTER_HZ, RATE_HZ, 1024, view, 256)
    assert covered.all()
    assert weights.sum(axis=1) == pytest.approx(np.ones(256), rel=1e-6)
    assert weights.count_nonzero() == 1024  # four bins per column, each bin in one column

    narrow = View(CENTER_HZ, CENTER_HZ + 1e3, T0, T0 + timedelta(seconds=1))
    weights, covered = column_map(CENTER_HZ, RATE_HZ, 1024, narrow, 100)
    assert covered.all()
    assert weights.count_nonzero() == 100  # 10 Hz columns, 46.9 Hz bins: one bin each

    above = View(CENTER_HZ + 20e3, CENTER_HZ + 30e3, T0, T0 + timedelta(seconds=1))
    _, covered = column_map(CENTER_HZ, RATE_HZ, 1024, above, 100)
    assert 0 < covered.sum() < 100  # the band ends at +24 kHz


def test_hopping_capture_leaves_the_other_band_empty(tmp_path: Path) -> None:
    half = int(2 * RATE_HZ)
    samples = noisy_tone(2 * half, 1_000.0, RATE_HZ)
    hop_hz = CENTER_HZ + 30e3
    captures = [Capture(0, CENTER_HZ, T0), Capture(half, hop_hz, T0 + timedelta(seconds=10))]
    meta = write_sigmf(tmp_path / "hop", samples, captures=captures)
    recording = open_recording(meta)

    whole = recording_view(recording)
    assert (whole.fmin_hz, whole.fmax_hz) == (CENTER_HZ - 24e3, hop_hz + 24e3)
    assert whole.duration_s == pytest.approx(12.0)
    grid = compute_grid(recording, whole, columns=540, max_rows=120)
    observed = ~np.isnan(grid.psd_db)
    row_s = whole.duration_s / grid.rows
    first_rows = observed[: int(1.9 / row_s)]
    gap_rows = observed[int(2.1 / row_s) : int(9.9 / row_s)]
    last_rows = observed[int(10.1 / row_s) :]
    edges_hz = np.linspace(whole.fmin_hz, whole.fmax_hz, 541)
    lo_hz, hi_hz = edges_hz[:-1], edges_hz[1:]
    first_band, second_band = CENTER_HZ + 24e3, hop_hz - 24e3
    assert first_rows[:, hi_hz <= first_band].all()
    assert not first_rows[:, lo_hz >= first_band].any()
    assert not gap_rows.any()
    assert last_rows[:, lo_hz >= second_band].all()
    assert not last_rows[:, hi_hz <= second_band].any()


@dataclass(frozen=True)
class EndlessRecording:
    """A long recording generated block by block: one noise block repeated (bounded memory)."""

    path: Path
    num_samples: int
    sample_rate_hz: float = 2_400_000.0
    datatype: str = "cu8"

    @property
    def captures(self) -> tuple[Capture, ...]:
        return (Capture(0, CENTER_HZ, T0),)

    def blocks(self, block_samples: int = DEFAULT_BLOCK_SAMPLES) -> Iterator[IQBlock]:
        pattern = noisy_tone(block_samples, 100e3, self.sample_rate_hz)
        for seq, first in enumerate(range(0, self.num_samples, block_samples)):
            count = min(block_samples, self.num_samples - first)
            start = T0 + timedelta(seconds=first / self.sample_rate_hz)
            yield IQBlock(pattern[:count], CENTER_HZ, self.sample_rate_hz, start, seq)


def peak_memory_bytes(num_samples: int, tmp_path: Path) -> int:
    recording = EndlessRecording(tmp_path / f"long{num_samples}.cu8", num_samples)
    tracemalloc.start()
    try:
        drawn = draw_waterfall(recording, tmp_path / "long.png", WaterfallOptions())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert drawn.grid.frames * drawn.grid.nfft > 0.99 * num_samples
    return peak


def test_memory_does_not_grow_with_the_recording(tmp_path: Path) -> None:
    short = peak_memory_bytes(12_000_000, tmp_path)  # 5 s at 2.4 MS/s
    long = peak_memory_bytes(120_000_000, tmp_path)  # 50 s: 960 MB as complex64
    assert long < 1.1 * short + (2 << 20)
    # about 30 MB for the grid and one block, 60 MB for matplotlib drawing 1200x900 pixels
    assert long < 160 << 20


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_cli_draws_a_raw_cu8_recording(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = tmp_path / "band.cu8"
    complex64_to_cu8(noisy_tone(int(3 * RATE_HZ), 5_000.0, RATE_HZ)).tofile(raw)
    out = tmp_path / "band.png"
    argv = ["waterfall", str(raw), "-o", str(out), "--center-hz", "6000000"]
    argv += ["--sample-rate", "48000", "--start", "2026-02-16T12:00:00Z", "--size", "640x480"]
    status, stdout, err = run_cli(argv, capsys)
    assert (status, err) == (0, "")
    assert str(out) in stdout
    assert read_png(out).shape == (480, 640, 3)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--fmin-hz", "6010000", "--fmax-hz", "6000000"], "--fmin-hz (6010000) must be below"),
        (["--fmin-hz", "5900000"], "reaches outside"),
        (["--tmin-s", "2", "--tmax-s", "2"], "--tmin-s (2) must be below --tmax-s (2)"),
        (["--tmax-s", "60"], "which lasts 6 s"),
        (["--size", "big"], "--size 'big': expected WIDTHxHEIGHT"),
        (["--size", "100x100"], "too small"),
        (["--db-min", "0", "--db-max", "-10"], "--db-min (0) must be below --db-max (-10)"),
    ],
)
def test_cli_bad_arguments_exit_2_with_one_line(
    tone_meta: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    out = tmp_path / "bad.png"
    status, _, err = run_cli(["waterfall", str(tone_meta), "-o", str(out), *extra], capsys)
    assert status == 2
    assert err.startswith("jamwatch: error: ")
    assert err.count("\n") == 1
    assert message in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("segment", "message"),
    [
        ({"state": "jammed", "jammer": "noise", "start": "2026-02-16T12:00:02Z"}, "'frequency_hz'"),
        ({"state": "jammed", "jammer": "laser"}, "jammer 'laser' is not one of"),
        ({"state": "loud"}, "state 'loud' is not one of"),
    ],
)
def test_cli_bad_detections_name_the_file_and_key(
    tone_meta: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    segment: dict[str, object],
    message: str,
) -> None:
    detections = detections_json(tmp_path / "analyze.json", [segment])
    argv = ["waterfall", str(tone_meta), "-o", str(tmp_path / "x.png")]
    argv += ["--detections", str(detections)]
    status, _, err = run_cli(argv, capsys)
    assert status == 2
    assert f"{detections}: segments[0]" in err
    assert message in err


def test_cli_detections_that_are_not_json(
    tone_meta: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    detections = tmp_path / "analyze.json"
    detections.write_text("jammed!", encoding="utf-8")
    argv = ["waterfall", str(tone_meta), "-o", str(tmp_path / "x.png")]
    argv += ["--detections", str(detections)]
    status, _, err = run_cli(argv, capsys)
    assert status == 2
    assert f"{detections}: not an analyze --json document" in err


def test_select_view_defaults_to_the_whole_recording(tone_meta: Path) -> None:
    recording = open_recording(tone_meta)
    view = select_view(recording)
    assert view == recording_view(recording)
    assert (view.fmin_hz, view.fmax_hz) == (CENTER_HZ - RATE_HZ / 2, CENTER_HZ + RATE_HZ / 2)
    assert view.duration_s == pytest.approx(6.0)


def test_real_kiwirecorder_wav_shows_the_dcf77_carrier(shared_iq: Path, tmp_path: Path) -> None:
    wav = shared_iq / "dcf77-77500hz-kiwirecorder" / "20171127T104156Z_77500_F1JEK_iq.wav"
    out = tmp_path / "dcf77.png"
    drawn = draw_waterfall(open_recording(wav), out, WaterfallOptions(width_px=800, height_px=600))

    assert read_png(out).shape == (600, 800, 3)
    assert drawn.grid.view.start == datetime(2017, 11, 27, 10, 41, 56, tzinfo=UTC)
    assert drawn.grid.view.duration_s == pytest.approx(29.0, abs=1.0)
    rows, cols = axes_slice(drawn)
    brightness = read_png(out)[rows, cols].sum(axis=2).mean(axis=0)
    x_expected, _ = drawn.placement.pixel(77_500.0, drawn.grid.view.start)
    assert abs(cols.start + int(np.argmax(brightness)) + 0.5 - x_expected) <= 1.5


def test_real_drm_recording_is_a_flat_block_with_its_truth_box(
    shared_iq: Path, tmp_path: Path
) -> None:
    meta = shared_iq / "kuwait-drm-15110khz" / "kuwait_drm_15110khz_12k.sigmf-meta"
    out = tmp_path / "drm.png"
    drawn = draw_waterfall(open_recording(meta), out, WaterfallOptions(width_px=800, height_px=600))

    assert read_png(out).shape == (600, 800, 3)
    assert [(box.kind, box.label) for box in drawn.boxes] == [("drm", "DRM")]
    view = drawn.grid.view
    column_hz = (
        view.fmin_hz + (np.arange(drawn.grid.columns) + 0.5) * view.span_hz / drawn.grid.columns
    )
    column_db = np.nanmean(drawn.grid.psd_db, axis=0)
    offset_hz = np.abs(column_hz - 15_110_000)
    block = column_db[(offset_hz > 300) & (offset_hz < 4_000)]
    skirts = column_db[offset_hz > 5_500]
    assert np.median(block) - np.median(skirts) > 40.0  # Kiwi skirts fall 60-80 dB
    assert np.ptp(np.percentile(block, [10, 90])) < 6.0  # flat top, no carrier peak structure


@pytest.mark.parametrize("module", [monitor.plot.grid, monitor.plot.overlays])
def test_docstring_examples(module: ModuleType) -> None:
    """The examples in the docstrings (pytest collects doctests from dsp/ only)."""
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
