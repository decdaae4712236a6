"""Assemble a receiver from its configuration and run it: source, plan, sinks, forwarder, metrics.

:func:`run_receiver` is what ``jamwatch run`` calls; tests call it in-process with their own stop
event, or run the command as a subprocess and send it signals.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from monitor.analysis import DC_SPIKE_GUARD_HZ, Analysis
from monitor.errors import InputError
from monitor.evidence.setup import evidence_recorder
from monitor.receiver.config import ReceiverConfig, SourceConfig
from monitor.receiver.forwarder import Forwarder, ServerSettings
from monitor.receiver.hopplan import AliasWatch, HopPlan, Tuning
from monitor.receiver.logs import kv
from monitor.receiver.loop import CaptureLoop, RecoveryPolicy
from monitor.receiver.metrics import MetricsServer, ReceiverMetrics
from monitor.receiver.notify import Notifier, watchdog_interval_s
from monitor.receiver.outbox import Outbox
from monitor.receiver.sinks import OutboxSink, Sink, StoreSink
from monitor.recording import open_recording
from monitor.sim.scene import resolve_scene
from monitor.sources.base import IQSource
from monitor.sources.errors import SourceConfigError
from monitor.sources.replay import ReplaySource
from monitor.sources.rtlsdr import RtlSdrSource
from monitor.sources.rtltcp import RtlTcpSource
from monitor.sources.settings import (
    BlockSettings,
    CaptureSettings,
    TunerSettings,
    actual_sample_rate_hz,
)
from monitor.sources.simulated import SimulatedSource

logger = logging.getLogger(__name__)

MIN_BLOCK_SAMPLES = 1024


def block_samples_for(step_samples: int) -> int:
    """A block size that divides a step into at least four blocks exactly.

    Blocks that end on step boundaries let a dwell end exactly after its last step, so no
    sample is read and then thrown away.

    >>> block_samples_for(2_457_600)
    614400
    """
    for parts in range(4, step_samples // MIN_BLOCK_SAMPLES + 1):
        if step_samples % parts == 0:
            return step_samples // parts
    return step_samples


def _source_error(exc: SourceConfigError) -> InputError:
    return InputError(f"setting source.{exc.key}: {exc.problem}")


def build_source(config: ReceiverConfig) -> tuple[IQSource, HopPlan]:
    """The configured source and the hop plan it will follow.

    Raises
    ------
    InputError
        When a source setting is invalid (naming ``source.<key>``), or the plan does not suit
        the source.
    """
    src = config.source
    try:
        if src.kind == "replay":
            return _replay(config, src)
        if src.kind == "simulated":
            return _simulated(config, src)
        return _live(config, src)
    except SourceConfigError as exc:
        raise _source_error(exc) from None


def _plan(config: ReceiverConfig, default_centres: tuple[float, ...]) -> HopPlan:
    hop = config.hop
    tunings = tuple(Tuning(t.center_hz, t.dwell_s or hop.dwell_s) for t in hop.tunings) or tuple(
        Tuning(c, hop.dwell_s) for c in default_centres
    )
    return HopPlan(tunings, hop.settle_s)


def _blocks(config: ReceiverConfig, center_hz: float, rate_hz: float) -> BlockSettings:
    step = Analysis(config.step_s).detector_for(center_hz, rate_hz).step_samples
    return BlockSettings(block_samples_for(step), config.source.overload_fraction)


def _replay(config: ReceiverConfig, src: SourceConfig) -> tuple[IQSource, HopPlan]:
    assert src.path is not None  # checked by SourceConfig
    recording = open_recording(src.path)
    centres = tuple(dict.fromkeys(c.center_hz for c in recording.captures))
    plan = _plan(config, centres[:1])
    if {t.center_hz for t in plan.tunings} - set(centres):
        raise InputError(
            f"setting hop.tunings: a replayed recording cannot be retuned; leave hop.tunings "
            f"empty or use its centre {centres[0]:.0f} Hz"
        )
    blocks = _blocks(config, centres[0], recording.sample_rate_hz)
    source = ReplaySource(
        recording, blocks=blocks, realtime=src.realtime, loop=src.loop, live_timestamps=True
    )
    return source, plan


def _simulated(config: ReceiverConfig, src: SourceConfig) -> tuple[IQSource, HopPlan]:
    scenes = [resolve_scene(name) for name in src.scenes]
    first = scenes[0].receiver
    blocks = _blocks(config, first.center_hz, first.sample_rate_hz)
    source = SimulatedSource(scenes, seed=src.seed, blocks=blocks, realtime=src.realtime)
    plan = _plan(config, source.centers_hz)
    for tuning in plan.tunings:
        if tuning.center_hz not in source.centers_hz:
            known = ", ".join(f"{c:.0f}" for c in source.centers_hz)
            raise InputError(
                f"setting hop.tunings: {tuning.center_hz:.0f} Hz is not the centre of a "
                f"simulated scene (scenes: {known} Hz)"
            )
    return source, plan


def _live(config: ReceiverConfig, src: SourceConfig) -> tuple[IQSource, HopPlan]:
    plan = _plan(config, ())
    first = plan.tunings[0].center_hz
    tuner = TunerSettings(
        center_hz=first,
        sample_rate_hz=src.sample_rate_hz,
        gain_db=src.gain_db,
        rtl_agc=src.rtl_agc,
        ppm=src.ppm,
        hf=src.hf,
        upconverter_offset_hz=src.upconverter_offset_hz,
    )
    for tuning in plan.tunings:
        try:
            tuner.device_frequency_hz(tuning.center_hz)
        except SourceConfigError as exc:
            raise InputError(f"setting hop.tunings: {exc.problem}") from None
    blocks = _blocks(config, first, actual_sample_rate_hz(src.sample_rate_hz))
    capture = CaptureSettings(
        queue_blocks=src.queue_blocks,
        stall_timeout_s=src.stall_timeout_s,
        open_timeout_s=src.open_timeout_s,
        join_timeout_s=src.join_timeout_s,
    )
    if src.kind == "rtl_tcp":
        source: IQSource = RtlTcpSource(
            src.host,
            src.port,
            tuner,
            blocks=blocks,
            capture=capture,
            read_timeout_s=src.read_timeout_s,
            reconnect_attempts=src.reconnect_attempts,
        )
    else:
        source = RtlSdrSource(
            tuner,
            serial=src.serial,
            device_index=src.device_index,
            blocks=blocks,
            capture=capture,
        )
    return source, plan


def _check_watchdog(plan: HopPlan, settle_s: float) -> None:
    interval_s = watchdog_interval_s()
    longest_s = max(t.dwell_s for t in plan.tunings) + settle_s
    if interval_s is not None and interval_s < 2 * longest_s:
        logger.warning(
            kv(
                "watchdog_too_short",
                watchdog_s=interval_s,
                longest_dwell_s=longest_s,
                note="WATCHDOG=1 is sent once per dwell; set WatchdogSec to at least 2 dwells",
            )
        )


def run_receiver(
    config: ReceiverConfig,
    engine: Engine | None,
    stop: threading.Event,
    *,
    notifier: Notifier | None = None,
    check_schema: Callable[[Engine], None] | None = None,
) -> int:
    """Run the receiver until ``stop`` is set; return the exit status.

    Parameters
    ----------
    config
        The validated configuration.
    engine
        Engine on the migrated local database, or None when the database is disabled.
    stop
        Set it (from a signal handler or a test) to flush and stop.
    notifier
        systemd notifications (default: ``$NOTIFY_SOCKET``).
    check_schema
        Raises :class:`InputError` unless ``engine``'s database is migrated; called after the
        source settings were checked.

    Raises
    ------
    InputError
        For configuration problems (exit status 2).
    """
    source, plan = build_source(config)
    if engine is not None and check_schema is not None:
        check_schema(engine)
    _check_watchdog(plan, config.hop.settle_s)
    metrics = ReceiverMetrics()
    sinks: list[Sink] = []
    if engine is not None:
        sinks.append(StoreSink(engine, config.name))
    outbox: Outbox | None = None
    forwarder: Forwarder | None = None
    forward = config.forward
    if forward.server_url is not None:
        outbox = Outbox(
            Path(forward.outbox_path),
            forward.outbox_max_bytes,
            forward.outbox_warn_fraction,
            metrics,
        )
        server = ServerSettings(
            forward.server_url,
            forward.read_api_key(),
            forward.timeout_s,
            forward.backoff_initial_s,
            forward.backoff_max_s,
        )
        forwarder = Forwarder(outbox, server, config.name, metrics, config.heartbeat.interval_s)
        sinks.append(OutboxSink(outbox, forwarder))
    metrics_server = (
        MetricsServer(metrics.registry, config.metrics.host, config.metrics.port)
        if config.metrics.port
        else None
    )
    direct = config.source.kind in ("rtlsdr", "rtl_tcp") and config.source.hf == "direct_q"
    alias = AliasWatch(config.hop.alias_window_s or plan.cycle_s) if direct else None
    evidence = evidence_recorder(config, engine)
    loop = CaptureLoop(
        source,
        plan,
        receiver=config.name,
        sinks=sinks,
        metrics=metrics,
        stop=stop,
        step_s=config.step_s,
        dc_guard_hz=DC_SPIKE_GUARD_HZ,
        recovery=RecoveryPolicy(
            config.recovery.backoff_initial_s,
            config.recovery.backoff_max_s,
            config.recovery.max_failures,
        ),
        alias=alias,
        notifier=notifier or Notifier(),
        heartbeat_s=config.heartbeat.interval_s,
        observer=evidence,
    )
    logger.info(
        kv(
            "start",
            receiver=config.name,
            source=config.source.kind,
            tunings=len(plan.tunings),
            cycle_s=plan.cycle_s,
            database=engine is not None,
            forward=forward.server_url or "off",
            metrics_port=metrics_server.port if metrics_server else "off",
        )
    )
    if forwarder is not None:
        forwarder.start()
    try:
        return loop.run()
    finally:
        if evidence is not None:
            evidence.close()
        if forwarder is not None:
            left = forwarder.stop(forward.drain_timeout_s)
            logger.info(kv("forwarder_stopped", outbox_depth=left))
        if outbox is not None:
            outbox.close()
        if metrics_server is not None:
            metrics_server.close()
