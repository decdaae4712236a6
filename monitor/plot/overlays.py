"""Boxes drawn over a waterfall: ground truth from SigMF annotations, detections from analyze.

Ground truth comes from a recording's ``annotations`` (the SigMF reader exposes them; other
readers have none). Detections come from the ``analyze --json`` document of DESIGN.md; only
``jammed`` segments are drawn, over the channel +-5 kHz and the segment's time span.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, Protocol, TypeVar, runtime_checkable

from dsp.vocabulary import CHANNEL_RASTER_HZ, JAMMER_TYPES, STATES
from monitor.errors import InputError
from monitor.plot.view import capture_bounds, recording_view
from monitor.recording.base import Recording

BoxKind = Literal["jammer", "drm", "broadcast", "other", "detected"]
"""What a box shows: a truth annotation by kind of emission, or a detected jamming segment."""

_T = TypeVar("_T")

DETECTION_HALF_WIDTH_HZ = CHANNEL_RASTER_HZ
"""A detected jammed channel is drawn over its frequency +-5 kHz."""


@dataclass(frozen=True, slots=True)
class Box:
    """A labelled rectangle in the time-frequency plane.

    Attributes
    ----------
    fmin_hz, fmax_hz
        RF frequency range in Hz.
    start, end
        UTC time range.
    label
        Text written at the box's top-left corner.
    kind
        Decides the colour and line style.
    """

    fmin_hz: float
    fmax_hz: float
    start: datetime
    end: datetime
    label: str
    kind: BoxKind


class Annotation(Protocol):
    """The fields of a SigMF annotation that the waterfall uses (as the SigMF reader exposes)."""

    @property
    def sample_start(self) -> int:
        """Index of the first sample the annotation applies to."""
        ...

    @property
    def sample_count(self) -> int | None:
        """Number of samples, or None for "to the end of the recording"."""
        ...

    @property
    def label(self) -> str | None:
        """Short label (``core:label``)."""
        ...

    @property
    def freq_lower_hz(self) -> float | None:
        """Lower RF edge in Hz, or None for the bottom of the recorded band."""
        ...

    @property
    def freq_upper_hz(self) -> float | None:
        """Upper RF edge in Hz, or None for the top of the recorded band."""
        ...


@runtime_checkable
class HasAnnotations(Protocol):
    """A recording that carries ground-truth annotations."""

    @property
    def annotations(self) -> tuple[Annotation, ...]:
        """The annotations in file order."""
        ...


def annotation_kind(label: str) -> BoxKind:
    """Kind of emission an annotation describes, from the words of its label.

    The simulator labels annotations with the emitter kind (``am``, ``drm``, ``data``,
    ``jam_noise``, ``jam_sweep``, ...) or ``impairment_*``; other tools' labels are matched by
    the same words.

    >>> annotation_kind("jam_noise")
    'jammer'
    >>> annotation_kind("DRM mode B")
    'drm'
    >>> annotation_kind("AM 6015")
    'broadcast'
    >>> annotation_kind("impairment_gap")
    'other'
    """
    words = set(label.lower().replace("_", " ").replace(":", " ").replace("-", " ").split())
    if any(word.startswith("jam") for word in words):
        return "jammer"
    if "drm" in words:
        return "drm"
    if words & {"am", "broadcast"}:
        return "broadcast"
    return "other"


def truth_boxes(recording: Recording) -> list[Box]:
    """One box per labelled annotation of ``recording`` (none when it has no annotations).

    Annotations without a ``core:label`` are remarks about the file, not truth, and are left
    out. Times follow the capture that holds the annotation's first sample; missing frequency
    edges or count extend to the recording's band and end.
    """
    if not isinstance(recording, HasAnnotations):
        return []
    whole = recording_view(recording)
    bounds = capture_bounds(recording)
    rate_hz = recording.sample_rate_hz
    boxes = []
    for ann in recording.annotations:
        if not ann.label:
            continue
        first, _, start = next((b for b in reversed(bounds) if b[0] <= ann.sample_start), bounds[0])
        begin = start + timedelta(seconds=(ann.sample_start - first) / rate_hz)
        count = recording.num_samples - ann.sample_start
        if ann.sample_count is not None:
            count = ann.sample_count
        boxes.append(
            Box(
                fmin_hz=whole.fmin_hz if ann.freq_lower_hz is None else ann.freq_lower_hz,
                fmax_hz=whole.fmax_hz if ann.freq_upper_hz is None else ann.freq_upper_hz,
                start=begin,
                end=begin + timedelta(seconds=count / rate_hz),
                label=ann.label,
                kind=annotation_kind(ann.label),
            )
        )
    return boxes


def detection_boxes(path: Path) -> list[Box]:
    """One box per ``jammed`` segment of an ``analyze --json`` document.

    Raises
    ------
    InputError
        When the file cannot be read or does not follow the contract; the message names the
        file, the segment index and the key.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read detections: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not an analyze --json document: {exc}") from exc
    segments = document.get("segments") if isinstance(document, dict) else None
    if not isinstance(segments, list):
        raise InputError(f"{path}: expected a JSON object with a 'segments' list")
    boxes = []
    for index, segment in enumerate(segments):
        where = f"{path}: segments[{index}]"
        if not isinstance(segment, dict):
            raise InputError(f"{where}: expected an object")
        state = _field(segment, "state", str, where)
        if state not in STATES:
            raise InputError(f"{where}: state {state!r} is not one of {', '.join(STATES)}")
        if state != "jammed":
            continue
        jammer = _field(segment, "jammer", str, where)
        if jammer not in JAMMER_TYPES:
            raise InputError(f"{where}: jammer {jammer!r} is not one of {', '.join(JAMMER_TYPES)}")
        frequency_hz = _field(segment, "frequency_hz", int, where)
        start = _utc(_field(segment, "start", str, where), f"{where}.start")
        end = _utc(_field(segment, "end", str, where), f"{where}.end")
        if not start < end:
            raise InputError(f"{where}: start {start:%H:%M:%S} is not before end {end:%H:%M:%S}")
        boxes.append(
            Box(
                fmin_hz=frequency_hz - DETECTION_HALF_WIDTH_HZ,
                fmax_hz=frequency_hz + DETECTION_HALF_WIDTH_HZ,
                start=start,
                end=end,
                label=f"det. {jammer}",
                kind="detected",
            )
        )
    return boxes


def _field(segment: Mapping[str, object], key: str, kind: type[_T], where: str) -> _T:
    """``segment[key]`` checked to be of type ``kind`` (bools are not ints)."""
    value = segment.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(f"{where}: '{key}' must be a {kind.__name__}, got {value!r}")
    return value


def _utc(text: str, where: str) -> datetime:
    """An ISO 8601 time with a zone, as a datetime."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"{where}: {text!r} is not an ISO 8601 time") from exc
    if moment.tzinfo is None:
        raise InputError(f"{where}: {text!r} has no time zone (expected UTC with 'Z')")
    return moment
