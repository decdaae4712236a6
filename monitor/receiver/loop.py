"""The capture loop: source -> :class:`~monitor.analysis.Analysis` -> sinks, dwell by dwell.

For each tuning of the hop plan the loop retunes, flags the blocks of the settle time
``SETTLING`` (their steps are ``unknown``), feeds blocks to the analysis for the dwell, then
closes the dwell's segments and hands them to the sinks as one batch covering the steps it
judged. Step times come from the blocks' sample-count time stamps, never from the loop's clock.
When the next tuning is the same as the current one (a single-tuning plan), a dwell that ran to
its end is closed with :meth:`~monitor.analysis.Analysis.checkpoint`: the detector and the open
segments carry on into the next dwell, which starts at the boundary (the store merges the
touching pieces).

Faults: a :class:`~monitor.sources.errors.DeviceFault` ends the dwell early (what was observed is
stored; the outage is left unobserved), the source is closed and reopened with exponential
backoff; after ``max_failures`` faults in a row without a judged step, or on
:class:`~monitor.sources.errors.DeviceWedged`, the loop gives up and returns a non-zero status
so that systemd restarts the process. A stop request (SIGTERM/SIGINT) ends the dwell at the next
block: its open segments are closed and stored, and the loop returns 0.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import numpy as np
import numpy.typing as npt

from dsp.detector import StepResult
from dsp.vocabulary import Segment
from monitor.analysis import Analysis
from monitor.iq import BlockFlags, IQBlock
from monitor.receiver.hopplan import AliasWatch, HopPlan, Tuning
from monitor.receiver.logs import kv
from monitor.receiver.metrics import ReceiverMetrics
from monitor.receiver.notify import READY, STOPPING, WATCHDOG, Notifier
from monitor.receiver.sinks import Detail, DwellBatch, Sink
from monitor.sources.base import IQSource
from monitor.sources.errors import DeviceFault, DeviceWedged, EndOfStream
from monitor.store.segments import Batch

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_GAVE_UP = 1
"""Exit status when the device cannot be recovered (systemd's ``Restart=`` takes over)."""


@dataclass(frozen=True, slots=True)
class RecoveryPolicy:
    """How to reopen a failed device.

    Attributes
    ----------
    backoff_initial_s
        Wait before the first reopening, in seconds; doubled after each failure.
    backoff_max_s
        Longest wait between attempts, in seconds.
    max_failures
        Faults and failed openings in a row (without a judged step in between) after which the
        loop gives up.
    """

    backoff_initial_s: float = 1.0
    backoff_max_s: float = 60.0
    max_failures: int = 10

    def delay_s(self, failures: int) -> float:
        """Wait before the next attempt after ``failures`` failures in a row.

        >>> RecoveryPolicy(1.0, 5.0).delay_s(1), RecoveryPolicy(1.0, 5.0).delay_s(4)
        (1.0, 5.0)
        """
        return min(self.backoff_max_s, self.backoff_initial_s * 2.0 ** max(0, failures - 1))


class DwellObserver(Protocol):
    """Watches the loop's blocks, steps and dwells (the evidence recorder)."""

    def block(self, block: IQBlock) -> None:
        """A block was read (called before the analysis sees it)."""
        ...

    def step(
        self,
        start: datetime,
        end: datetime,
        frequencies_hz: npt.NDArray[np.int64],
        result: StepResult,
    ) -> None:
        """A step was judged."""
        ...

    def dwell(self, dwell: DwellBatch) -> None:
        """A dwell's segments were closed and handed to the sinks."""
        ...


@dataclass
class _Dwell:
    """What the current dwell has judged so far."""

    center_hz: float
    channels: tuple[int, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    steps: int = 0
    judged: int = 0
    segments: list[Segment] = dataclasses.field(default_factory=list)
    blocks: int = 0
    overloaded: int = 0
    samples: int = 0
    started_mono: float = 0.0


class CaptureLoop:
    """Runs a source through the analysis into the sinks until stopped or beyond recovery.

    Parameters
    ----------
    source
        The IQ source (opened and closed by the loop).
    plan
        Tunings and dwell times; a replayed recording's plan is its own centre.
    receiver
        Receiver name.
    sinks
        Where batches go (database, outbox); a batch counts as persisted when one took it.
    metrics
        Prometheus metrics.
    stop
        Set to end the loop (signal handlers set it).
    step_s
        Requested decision interval, in seconds.
    dc_guard_hz
        DC-spike guard of the detector (500 Hz for RTL-SDR dongles).
    recovery
        Reopening policy.
    alias
        Direct-sampling alias marking, or None when not in direct sampling.
    notifier
        systemd notifications.
    heartbeat_s
        Least interval between heartbeats to the sinks, in seconds.
    sleep
        Waits between reopening attempts (default: ``stop.wait``, so a stop cuts them short).
    monotonic
        Monotonic clock for rates and heartbeats.
    observer
        Told of every block, step and dwell batch (evidence recording), or None.
    """

    def __init__(
        self,
        source: IQSource,
        plan: HopPlan,
        *,
        receiver: str,
        sinks: Sequence[Sink],
        metrics: ReceiverMetrics,
        stop: threading.Event,
        step_s: float = 1.0,
        dc_guard_hz: float = 0.0,
        recovery: RecoveryPolicy | None = None,
        alias: AliasWatch | None = None,
        notifier: Notifier | None = None,
        heartbeat_s: float = 30.0,
        sleep: Callable[[float], object] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        observer: DwellObserver | None = None,
    ) -> None:
        self._source = source
        self._plan = plan
        self._receiver = receiver
        self._sinks = tuple(sinks)
        self._metrics = metrics
        self._stop = stop
        self._analysis = Analysis(step_s, dc_guard_hz, self._on_step)
        self._recovery = recovery or RecoveryPolicy()
        self._alias = alias
        self._notifier = notifier or Notifier("")
        self._heartbeat_s = heartbeat_s
        self._sleep = sleep or stop.wait
        self._monotonic = monotonic
        self._observer = observer
        self._dwell = _Dwell(center_hz=source.center_hz)
        self._failures = 0
        self._settle_pending = True
        self._last_heartbeat = -float("inf")
        self._ready_sent = False

    # ---- the loop ----

    def run(self) -> int:
        """Capture until stopped (0), the end of a finite source (0) or unrecoverable faults (1).

        Raises
        ------
        monitor.errors.InputError
            For configuration problems found when the device opens (bad tuning, no driver).
        """
        try:
            if not self._open():
                return EXIT_OK if self._stop.is_set() else EXIT_GAVE_UP
            for tuning, following in itertools.pairwise(self._plan.visits()):
                if self._stop.is_set():
                    break
                try:
                    self._run_dwell(tuning, carry_on=following.center_hz == tuning.center_hz)
                except EndOfStream:
                    logger.info(kv("end_of_stream"))
                    break
                except DeviceFault as exc:
                    if not self._recover(exc):
                        return EXIT_OK if self._stop.is_set() else EXIT_GAVE_UP
            return EXIT_OK
        except DeviceWedged as exc:
            logger.error(kv("device_wedged", error=exc, action="exit for a restart"))
            return EXIT_GAVE_UP
        finally:
            self._notifier.notify(STOPPING)
            self._persist()
            try:
                self._close_source()
            except DeviceWedged as exc:
                logger.error(kv("device_wedged", error=exc, action="exit anyway"))
            self._metrics.source_stats(self._source.stats)
            logger.info(kv("stopped", receiver=self._receiver))

    def _run_dwell(self, tuning: Tuning, *, carry_on: bool) -> None:
        """Capture one dwell; ``carry_on`` keeps the analysis going if the dwell runs to its end
        (the next dwell is at the same tuning)."""
        if tuning.center_hz != self._source.center_hz:
            self._source.retune(tuning.center_hz)
            self._settle_pending = True
        self._dwell = _Dwell(center_hz=tuning.center_hz, started_mono=self._monotonic())
        self._metrics.center_hz.set(tuning.center_hz)
        probe = self._analysis.detector_for(tuning.center_hz, self._source.sample_rate_hz)
        target = max(1, round(tuning.dwell_s / probe.step_duration_s))
        settle_until: datetime | None = None
        completed = False
        try:
            while self._dwell.steps < target and not self._stop.is_set():
                block = self._source.read_block()
                if self._settle_pending:
                    settle_until = block.captured_at + timedelta(seconds=self._plan.settle_s)
                    self._settle_pending = False
                if settle_until is not None and block.captured_at < settle_until:
                    block = dataclasses.replace(block, flags=block.flags | BlockFlags.SETTLING)
                self._feed(block)
            completed = self._dwell.steps >= target
        finally:
            self._persist(checkpoint=carry_on and completed)

    def _feed(self, block: IQBlock) -> None:
        dwell = self._dwell
        dwell.blocks += 1
        dwell.samples += block.samples.size
        dwell.overloaded += int(BlockFlags.OVERLOAD in block.flags)
        if self._observer is not None:
            self._observer.block(block)
        dwell.segments += self._analysis.feed(block)

    def _on_step(
        self,
        start: datetime,
        end: datetime,
        frequencies_hz: npt.NDArray[np.int64],
        result: StepResult,
    ) -> None:
        dwell = self._dwell
        if dwell.start is None:
            dwell.start = start
            dwell.channels = tuple(int(f) for f in frequencies_hz)
        dwell.end = end
        dwell.steps += 1
        dwell.judged += int(result.features is not None)
        self._metrics.steps.inc()
        if self._observer is not None:
            self._observer.step(start, end, frequencies_hz, result)

    # ---- persistence ----

    def _persist(self, *, checkpoint: bool = False) -> None:
        """Close the dwell's open segments and hand its batch to the sinks.

        With ``checkpoint`` the analysis carries on (its open segments are split at the last
        step boundary and continue in the next dwell); otherwise it finishes.
        """
        dwell = self._dwell
        dwell.segments += self._analysis.checkpoint() if checkpoint else self._analysis.finish()
        self._dwell = _Dwell(center_hz=dwell.center_hz, started_mono=self._monotonic())
        self._report_rates(dwell)
        if dwell.start is None or dwell.end is None:
            return
        segments = dwell.segments
        if self._alias is not None:
            segments = self._alias.annotate(segments)
        batch = DwellBatch(
            self._receiver,
            dwell.center_hz,
            Batch.checked(dwell.channels, dwell.start, dwell.end, segments),
        )
        persisted = [sink.name for sink in self._sinks if sink.deliver(batch)]
        if self._observer is not None:
            self._observer.dwell(batch)
        for sink in persisted:
            self._metrics.batches.labels(sink).inc()
        for segment in segments:
            self._metrics.segments.labels(segment.state).inc()
        logger.info(
            kv(
                "dwell",
                center_hz=dwell.center_hz,
                start=dwell.start.isoformat(),
                steps=dwell.steps,
                judged=dwell.judged,
                segments=len(segments),
                persisted=",".join(persisted) or "nowhere",
            )
        )
        if persisted:
            if dwell.judged:
                self._failures = 0
            self._notifier.notify(WATCHDOG)
            self._heartbeat({"state": "observing", "center_hz": dwell.center_hz}, force=False)

    def _report_rates(self, dwell: _Dwell) -> None:
        self._metrics.source_stats(self._source.stats)
        elapsed_s = self._monotonic() - dwell.started_mono
        if dwell.blocks and elapsed_s > 0:
            self._metrics.samples_per_second.set(dwell.samples / elapsed_s)
            self._metrics.overload_fraction.set(dwell.overloaded / dwell.blocks)

    def _heartbeat(self, detail: Detail, *, force: bool) -> None:
        now = self._monotonic()
        if not force and now - self._last_heartbeat < self._heartbeat_s:
            return
        self._last_heartbeat = now
        full = {**detail, "reopenings": self._source.stats.reopenings}
        for sink in self._sinks:
            sink.heartbeat(full)

    # ---- device lifecycle ----

    def _open(self) -> bool:
        """Open the source, retrying with backoff; False when stopped or out of attempts."""
        while not self._stop.is_set():
            try:
                self._source.open()
            except DeviceFault as exc:
                if not self._count_failure(exc, "open_failed"):
                    return False
                continue
            self._settle_pending = True
            if not self._ready_sent:
                self._notifier.notify(READY, f"STATUS=capturing as {self._receiver}")
                self._ready_sent = True
            logger.info(kv("device_open", center_hz=self._source.center_hz))
            return True
        return False

    def _recover(self, fault: DeviceFault) -> bool:
        self._close_source()
        if not self._count_failure(fault, "device_fault"):
            return False
        return self._open()

    def _count_failure(self, fault: DeviceFault, event: str) -> bool:
        """Count a failure, wait the backoff; False when it was one too many."""
        self._failures += 1
        self._metrics.device_faults.labels(type(fault).__name__).inc()
        if self._failures >= self._recovery.max_failures:
            logger.error(
                kv(
                    event,
                    kind=type(fault).__name__,
                    error=fault,
                    failures=self._failures,
                    action="exit",
                )
            )
            return False
        delay_s = self._recovery.delay_s(self._failures)
        logger.warning(
            kv(
                event,
                kind=type(fault).__name__,
                error=fault,
                failures=self._failures,
                retry_in_s=delay_s,
            )
        )
        self._heartbeat({"state": "device_down", "error": str(fault)[:200]}, force=True)
        self._sleep(delay_s)
        return True

    def _close_source(self) -> None:
        try:
            self._source.close()
        except DeviceFault as exc:
            logger.warning(kv("close_failed", error=exc))
