"""The part of a recording to draw: an RF frequency range and a UTC time range, checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.errors import InputError
from monitor.recording.base import Recording


@dataclass(frozen=True, slots=True)
class View:
    """A rectangle of the time-frequency plane.

    Attributes
    ----------
    fmin_hz, fmax_hz
        RF frequency range in Hz, ``fmin_hz < fmax_hz``.
    start, end
        Timezone-aware UTC time range, ``start < end``.
    """

    fmin_hz: float
    fmax_hz: float
    start: datetime
    end: datetime

    @property
    def span_hz(self) -> float:
        """Width of the frequency range in Hz."""
        return self.fmax_hz - self.fmin_hz

    @property
    def duration_s(self) -> float:
        """Length of the time range in seconds."""
        return (self.end - self.start).total_seconds()


def capture_bounds(recording: Recording) -> list[tuple[int, int, datetime]]:
    """First sample, end sample (exclusive) and start time of each capture of ``recording``."""
    captures = recording.captures
    ends = [c.sample_start for c in captures[1:]] + [recording.num_samples]
    return [(c.sample_start, end, c.start) for c, end in zip(captures, ends, strict=True)]


def recording_view(recording: Recording) -> View:
    """The whole recording: every capture's band and the time from first to last sample."""
    rate_hz = recording.sample_rate_hz
    lows = [c.center_hz - rate_hz / 2 for c in recording.captures]
    highs = [c.center_hz + rate_hz / 2 for c in recording.captures]
    spans = [
        (start, start + timedelta(seconds=(end - first) / rate_hz))
        for first, end, start in capture_bounds(recording)
        if end > first
    ]
    if not spans:
        raise InputError(f"{recording.path}: the recording holds no samples to draw")
    return View(
        fmin_hz=min(lows),
        fmax_hz=max(highs),
        start=min(s for s, _ in spans),
        end=max(e for _, e in spans),
    )


def select_view(
    recording: Recording,
    *,
    fmin_hz: float | None = None,
    fmax_hz: float | None = None,
    tmin_s: float | None = None,
    tmax_s: float | None = None,
) -> View:
    """The part of ``recording`` the user asked for, defaulting to all of it.

    Parameters
    ----------
    recording
        The open recording.
    fmin_hz, fmax_hz
        RF frequency range in Hz; must lie inside the recorded band.
    tmin_s, tmax_s
        Time range in seconds from the start of the recording; must lie inside it.

    Raises
    ------
    InputError
        When a range is empty, reversed, or reaches outside the recording (the message names the
        option and the recording's own range).
    """
    whole = recording_view(recording)
    lo = whole.fmin_hz if fmin_hz is None else fmin_hz
    hi = whole.fmax_hz if fmax_hz is None else fmax_hz
    if not lo < hi:
        raise InputError(f"--fmin-hz ({lo:.0f}) must be below --fmax-hz ({hi:.0f})")
    if lo < whole.fmin_hz or hi > whole.fmax_hz:
        raise InputError(
            f"frequency range {lo:.0f}..{hi:.0f} Hz reaches outside {recording.path}, "
            f"which covers {whole.fmin_hz:.0f}..{whole.fmax_hz:.0f} Hz"
        )
    t0 = 0.0 if tmin_s is None else tmin_s
    t1 = whole.duration_s if tmax_s is None else tmax_s
    if not t0 < t1:
        raise InputError(f"--tmin-s ({t0:g}) must be below --tmax-s ({t1:g})")
    if t0 < 0.0 or t1 > whole.duration_s:
        raise InputError(
            f"time range {t0:g}..{t1:g} s reaches outside {recording.path}, "
            f"which lasts {whole.duration_s:g} s"
        )
    return View(
        fmin_hz=lo,
        fmax_hz=hi,
        start=whole.start + timedelta(seconds=t0),
        end=whole.start + timedelta(seconds=t1),
    )
