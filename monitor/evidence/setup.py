"""The evidence recorder of a configured receiver (what ``jamwatch run`` attaches to its loop)."""

from __future__ import annotations

from sqlalchemy import Engine

from monitor.evidence.recorder import EvidenceRecorder
from monitor.evidence.writer import BundleWriter
from monitor.receiver.config import ReceiverConfig


def station_of(config: ReceiverConfig) -> dict[str, str | float | int | bool | None]:
    """How the receiver describes itself in ``bundle.json``: source kind, HF mode, device."""
    src = config.source
    device: str | None
    if src.kind == "rtlsdr":
        device = f"serial {src.serial}" if src.serial else f"index {src.device_index}"
    elif src.kind == "rtl_tcp":
        device = f"{src.host}:{src.port}"
    elif src.kind == "replay":
        device = str(src.path)
    else:
        device = ",".join(src.scenes)
    return {
        "source": f"{src.kind} ({device})",
        "hf": src.hf if src.kind in ("rtlsdr", "rtl_tcp") else None,
        "gain_db": src.gain_db,
        "ppm": src.ppm,
    }


def evidence_recorder(config: ReceiverConfig, engine: Engine | None) -> EvidenceRecorder | None:
    """A started recorder for ``config`` (None when ``evidence.enabled`` is false).

    Bundles are indexed in ``engine``'s database when there is one. Call
    :meth:`EvidenceRecorder.close` when the receiver stops.
    """
    evidence = config.evidence
    if not evidence.enabled:
        return None
    writer = BundleWriter(
        evidence.dir,
        config.name,
        retention_days=evidence.retention_days,
        max_bytes=evidence.max_bytes,
        engine=engine,
    )
    writer.start()
    return EvidenceRecorder(evidence, config.name, station_of(config), writer, step_s=config.step_s)
