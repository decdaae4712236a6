"""Outage of a broadcast: its air time split into jammed, clear, unknown and not observed.

Pure computation over a broadcast's air-time intervals and the receivers' spans of its channel
(see :mod:`monitor.reports.spans`). The figures follow one rule: only judged time (``empty``,
``signal``, ``jammed``) counts as observed; ``unknown`` time and time without a segment are
reported as such and never as clear.

Combined over receivers, at each moment of air time:

* *observed* when at least one receiver judged the channel;
* *jammed at any* when at least one receiver saw it jammed;
* *jammed at all* when every receiver that judged it saw it jammed (and at least one did);
* *clear* when it was observed and no receiver saw it jammed;
* *not observed* when no receiver judged it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from dsp.vocabulary import JammerType
from monitor.reports.spans import Interval, Slice, Span, slices


@dataclass(frozen=True, slots=True)
class BroadcastInfo:
    """The schedule entry an outage report is about."""

    id: int
    frequency_hz: int
    channel_hz: int
    station: str
    language: str | None
    target: str | None
    start_time: time
    end_time: time
    days: str
    valid_from: date | None
    valid_until: date | None
    source: str


@dataclass(frozen=True, slots=True)
class ReceiverWindow:
    """A jamming window at one receiver, cut to air time."""

    start: datetime
    end: datetime
    jammer: JammerType

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True, slots=True)
class CombinedWindow:
    """A maximal run of air time jammed at one receiver at least.

    Attributes
    ----------
    receivers
        Receivers that saw jamming during the run.
    jammers
        Jammer types seen during the run.
    jammed_all_s
        Seconds of the run during which every judging receiver saw jamming.
    """

    start: datetime
    end: datetime
    receivers: tuple[str, ...]
    jammers: tuple[JammerType, ...]
    jammed_all_s: float

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True, slots=True)
class ReceiverOutage:
    """What one receiver saw of the air time, in seconds.

    ``scheduled_s = observed_s + unknown_s + unobserved_s`` and
    ``observed_s = jammed_s + clear_s``.
    """

    receiver: str
    scheduled_s: float
    observed_s: float
    unknown_s: float
    unobserved_s: float
    jammed_s: float
    windows: tuple[ReceiverWindow, ...]

    @property
    def clear_s(self) -> float:
        """Observed and not jammed."""
        return self.observed_s - self.jammed_s

    @property
    def jammed_fraction(self) -> float | None:
        """Jammed share of the observed time; None when nothing was observed."""
        return self.jammed_s / self.observed_s if self.observed_s > 0 else None


@dataclass(frozen=True, slots=True)
class CombinedOutage:
    """The air time over all receivers, in seconds (see the module docstring).

    ``scheduled_s = observed_s + not_observed_s``; ``observed_s = jammed_any_s + clear_s``;
    ``jammed_all_s <= jammed_any_s``.
    """

    scheduled_s: float = 0.0
    observed_s: float = 0.0
    not_observed_s: float = 0.0
    jammed_any_s: float = 0.0
    jammed_all_s: float = 0.0
    windows: tuple[CombinedWindow, ...] = field(default=())

    @property
    def clear_s(self) -> float:
        """Observed and jammed at no receiver."""
        return self.observed_s - self.jammed_any_s

    @property
    def jammed_any_fraction(self) -> float | None:
        """Share of the observed time jammed at any receiver; None when nothing was observed."""
        return self.jammed_any_s / self.observed_s if self.observed_s > 0 else None


@dataclass(frozen=True, slots=True)
class OutageReport:
    """The outage of one broadcast over a date range."""

    broadcast: BroadcastInfo
    air: tuple[Interval, ...]
    receivers: tuple[ReceiverOutage, ...]
    combined: CombinedOutage


def outage(
    broadcast: BroadcastInfo, air: Sequence[Interval], lanes: Mapping[str, Sequence[Span]]
) -> OutageReport:
    """The outage of ``broadcast`` during ``air`` as seen by the receivers in ``lanes``.

    Parameters
    ----------
    broadcast
        The schedule entry.
    air
        Its air time, sorted and disjoint.
    lanes
        Per receiver, its spans of the broadcast's channel (sorted, disjoint). Receivers
        listed with no span during the air time are reported with everything unobserved.
    """
    cut = slices(air, lanes)
    return OutageReport(
        broadcast=broadcast,
        air=tuple(air),
        receivers=tuple(_receiver(name, cut) for name in sorted(lanes)),
        combined=_combined(cut),
    )


def _receiver(name: str, cut: Sequence[Slice]) -> ReceiverOutage:
    observed = unknown = unobserved = jammed = 0.0
    windows: list[ReceiverWindow] = []
    for piece in cut:
        span, seconds = piece.states[name], piece.duration_s
        if span is None:
            unobserved += seconds
        elif not span.judged:
            unknown += seconds
        else:
            observed += seconds
            if span.jammer is not None:
                jammed += seconds
                _extend(windows, ReceiverWindow(piece.start, piece.end, span.jammer))
    return ReceiverOutage(
        receiver=name,
        scheduled_s=observed + unknown + unobserved,
        observed_s=observed,
        unknown_s=unknown,
        unobserved_s=unobserved,
        jammed_s=jammed,
        windows=tuple(windows),
    )


def _extend(windows: list[ReceiverWindow], window: ReceiverWindow) -> None:
    last = windows[-1] if windows else None
    if last is not None and last.end == window.start and last.jammer == window.jammer:
        windows[-1] = ReceiverWindow(last.start, window.end, last.jammer)
    else:
        windows.append(window)


def _combined(cut: Sequence[Slice]) -> CombinedOutage:
    scheduled = observed = jammed_any = jammed_all = 0.0
    runs: list[list[Slice]] = []
    for piece in cut:
        seconds = piece.duration_s
        scheduled += seconds
        judging, jamming = piece.judging(), piece.jamming()
        if judging:
            observed += seconds
        if not jamming:
            continue
        jammed_any += seconds
        if len(jamming) == len(judging):
            jammed_all += seconds
        if runs and runs[-1][-1].end == piece.start:
            runs[-1].append(piece)
        else:
            runs.append([piece])
    return CombinedOutage(
        scheduled_s=scheduled,
        observed_s=observed,
        not_observed_s=scheduled - observed,
        jammed_any_s=jammed_any,
        jammed_all_s=jammed_all,
        windows=tuple(_combined_window(run) for run in runs),
    )


def _combined_window(run: Sequence[Slice]) -> CombinedWindow:
    receivers = sorted({name for piece in run for name in piece.jamming()})
    jammers = sorted(
        {
            span.jammer
            for piece in run
            for span in piece.states.values()
            if span is not None and span.jammer is not None
        }
    )
    return CombinedWindow(
        start=run[0].start,
        end=run[-1].end,
        receivers=tuple(receivers),
        jammers=tuple(jammers),
        jammed_all_s=sum(p.duration_s for p in run if len(p.jamming()) == len(p.judging())),
    )


def total(reports: Iterable[OutageReport]) -> CombinedOutage:
    """The combined figures of several broadcasts added up (without their windows)."""
    combined = [report.combined for report in reports]
    return CombinedOutage(
        scheduled_s=sum(c.scheduled_s for c in combined),
        observed_s=sum(c.observed_s for c in combined),
        not_observed_s=sum(c.not_observed_s for c in combined),
        jammed_any_s=sum(c.jammed_any_s for c in combined),
        jammed_all_s=sum(c.jammed_all_s for c in combined),
    )
