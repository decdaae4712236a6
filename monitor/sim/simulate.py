"""Write a rendered scene as a SigMF recording with its ground truth.

``<base>.sigmf-data`` / ``<base>.sigmf-meta`` hold the samples; dropped-sample gaps start a new
capture whose ``core:datetime`` jumps by the lost time, and are annotated ``impairment_gap``.
Each emitter on-interval is an annotation labelled with the emitter kind (``am``, ``drm``,
``data``, ``jam_noise``, ``jam_sweep``, ``jam_pulse``, ``jam_tone``, ``jam_program``) whose
frequency edges are its occupied band; overloads are annotated ``impairment_overload``.
``<base>.truth.csv`` holds the per-channel, per-second truth (:mod:`monitor.sim.truth`).
"""

from __future__ import annotations

import bisect
import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from monitor.recording.sigmf_writer import SigMFWriter
from monitor.sim.render import Renderer
from monitor.sim.scene import JAMMER_KIND_TYPE, Scene
from monitor.sim.sources import half_width_hz
from monitor.sim.truth import COLUMNS, write_rows


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """What :func:`simulate` wrote.

    Attributes
    ----------
    meta_path, data_path, truth_path
        The ``.sigmf-meta``, ``.sigmf-data`` and ``.truth.csv`` files.
    samples
        Complex samples in the recording (dropped samples excluded).
    channels_hz
        The channels of the truth file.
    """

    meta_path: Path
    data_path: Path
    truth_path: Path
    samples: int
    channels_hz: tuple[int, ...]


class _Timeline:
    """Maps scene time to recording sample index, skipping dropped samples."""

    def __init__(self, scene: Scene) -> None:
        r = scene.receiver
        self._fs = r.sample_rate_hz
        self._total = round(r.duration_s * self._fs)
        self._gaps = sorted(
            (round(g.start_s * self._fs), round((g.start_s + g.duration_s) * self._fs))
            for g in r.impairments.gaps
        )
        self._starts = [a for a, _ in self._gaps]

    def sample(self, time_s: float) -> int:
        """Recording index of the first sample at or after ``time_s``."""
        raw = min(round(time_s * self._fs), self._total)
        lost = 0
        for a, b in self._gaps[: bisect.bisect_right(self._starts, raw)]:
            lost += min(raw, b) - a
        return raw - lost


def simulate(
    scene: Scene,
    out_base: Path,
    seed: int,
    *,
    progress: Callable[[float], None] | None = None,
) -> SimulationResult:
    """Render ``scene`` to ``out_base.sigmf-data/.sigmf-meta`` and ``out_base.truth.csv``.

    Parameters
    ----------
    scene
        The validated scene.
    out_base
        Output path without extension.
    seed
        Seed of the rendering; the same seed writes the same bytes.
    progress
        Called with the scene time reached (seconds) after each block.
    """
    r = scene.receiver
    renderer = Renderer(scene, seed)
    truth_path = out_base.with_name(out_base.name + ".truth.csv")
    writer = SigMFWriter(
        out_base,
        datatype=r.datatype,
        sample_rate_hz=r.sample_rate_hz,
        center_hz=r.center_hz,
        start=r.start,
        description=scene.description or None,
        hw="jamwatch simulator",
        extra_global={"jamwatch:seed": seed},
    )
    with writer, truth_path.open("w", newline="", encoding="utf-8") as fp:
        table = csv.DictWriter(fp, fieldnames=COLUMNS, lineterminator="\n")
        table.writeheader()
        for block in renderer.blocks():
            if block.dropped_before_s:
                writer.add_capture(
                    block.sample_start,
                    center_hz=r.center_hz,
                    start=r.start + timedelta(seconds=block.time_s),
                )
                writer.add_annotation(
                    block.sample_start,
                    0,
                    label="impairment_gap",
                    comment=f"{block.dropped_before_s:.6f} s of samples dropped before this one",
                )
            writer.write(block.samples)
            write_rows(renderer.truth_rows(), table)
            if progress is not None:
                progress(block.time_s + block.samples.size / r.sample_rate_hz)
        write_rows(renderer.truth_rows(final=True), table)
        _annotate(scene, writer, _Timeline(scene))
        samples = writer.samples_written
    return SimulationResult(
        writer.meta_path, writer.data_path, truth_path, samples, renderer.channels_hz
    )


def _annotate(scene: Scene, writer: SigMFWriter, timeline: _Timeline) -> None:
    for i, spec in enumerate(scene.emitters):
        centre = spec.frequency_hz + spec.offset_hz
        half = half_width_hz(spec)
        for start_s, end_s in scene.schedule(i):
            first, stop = timeline.sample(start_s), timeline.sample(end_s)
            if stop <= first:
                continue
            extra: dict[str, object] = {"jamwatch:emitter": i, "jamwatch:level_dbm": spec.level_dbm}
            if spec.kind in JAMMER_KIND_TYPE:
                extra["jamwatch:jammer"] = JAMMER_KIND_TYPE[spec.kind]
            writer.add_annotation(
                first,
                stop - first,
                label=spec.kind,
                freq_lower_hz=centre - half,
                freq_upper_hz=centre + half,
                comment=spec.name,
                extra=extra,
            )
    for step in scene.receiver.impairments.overload:
        first = timeline.sample(step.start_s)
        stop = timeline.sample(step.start_s + step.duration_s)
        if stop > first:
            writer.add_annotation(
                first, stop - first, label="impairment_overload", comment=f"+{step.gain_db} dB"
            )
