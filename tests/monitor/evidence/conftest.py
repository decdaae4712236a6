"""Evidence fixtures: a scene with a jammer switching on at known times, replayed by a receiver."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from monitor.receiver.config import load_config
from monitor.receiver.notify import Notifier
from monitor.receiver.service import run_receiver
from monitor.sim.scene import load_scene
from monitor.sim.simulate import simulate
from monitor.store.engine import transaction
from monitor.store.models import Segment
from tests.monitor.receiver.conftest import migrated, write_config

JAMMER_HZ = 7_250_000
BROADCAST_HZ = 7_285_000
JAMMER_ON_S = ((4.0, 8.0), (11.0, 15.0))
"""Scene seconds when the noise jammer is on: two onsets."""

SCENE = f"""
description = "evidence: a noise jammer switched on twice, beside an AM broadcast"
[receiver]
center_hz = 7_302_500
sample_rate_hz = 250_000
duration_s = 18.0
start = 2026-02-16T12:00:00Z
datatype = "cu8"
passband_flat = 0.85
full_scale_dbm = -35.0

[[clusters]]
name = "jammer"
on = {[list(span) for span in JAMMER_ON_S]}

[[emitters]]
kind = "am"
frequency_hz = {BROADCAST_HZ}
level_dbm = -66.0
programme = "music"

[[emitters]]
kind = "jam_noise"
frequency_hz = {JAMMER_HZ}
level_dbm = -62.0
bandwidth_hz = 6_000.0
cluster = "jammer"
"""


@dataclass(frozen=True)
class Window:
    """A jamming window as stored: merged contiguous jammed segments of one channel."""

    frequency_hz: int
    start: datetime
    end: datetime
    first_end: datetime
    """End of the window's first segment (the one its onset's dwell stored)."""
    jammer: str
    confidence: float


@dataclass(frozen=True)
class Run:
    """A receiver run with evidence: its status, stored data and bundles."""

    status: int
    engine: Engine
    root: Path
    first_step: datetime
    windows: list[Window]
    bundles: dict[tuple[int, str], dict[str, object]]
    """``bundle.json`` documents by (frequency, onset text)."""
    folders: dict[tuple[int, str], Path]


@pytest.fixture(scope="module")
def air(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scene rendered to SigMF once for the module."""
    folder = tmp_path_factory.mktemp("air")
    scene = folder / "scene.toml"
    scene.write_text(SCENE)
    return simulate(load_scene(scene), folder / "air", 3).meta_path


def jammed_windows(engine: Engine) -> tuple[datetime, list[Window]]:
    """The first step's start and the stored jamming windows."""
    with transaction(engine) as session:
        first = session.scalar(select(Segment.start_at).order_by(Segment.start_at).limit(1))
        rows = session.scalars(
            select(Segment)
            .where(Segment.state == "jammed")
            .order_by(Segment.frequency_hz, Segment.start_at)
        ).all()
        windows: list[Window] = []
        for row in rows:
            last = windows[-1] if windows else None
            if (
                last is not None
                and last.frequency_hz == row.frequency_hz
                and last.end == row.start_at
            ):
                windows[-1] = Window(
                    last.frequency_hz,
                    last.start,
                    row.end_at,
                    last.first_end,
                    last.jammer,
                    last.confidence,
                )
            else:
                assert row.jammer is not None
                windows.append(
                    Window(
                        row.frequency_hz,
                        row.start_at,
                        row.end_at,
                        row.end_at,
                        row.jammer,
                        row.confidence,
                    )
                )
    assert first is not None
    return first, windows


def run_with_evidence(air: Path, folder: Path, dwell_s: float) -> Run:
    """Replay ``air`` once through ``jamwatch run`` with evidence on; collect what it kept."""
    engine = migrated(folder / "receiver.db")
    root = folder / "evidence"
    config = load_config(
        write_config(
            folder / "receiver.toml",
            {"name": "rx-evidence"},
            {
                "source": {"kind": "replay", "path": air, "realtime": False, "loop": False},
                "hop": {"dwell_s": dwell_s},
                "database": {"url": engine.url.render_as_string()},
                "metrics": {"port": 0},
                "evidence": {"enabled": True, "dir": root, "pre_s": 3.0, "post_s": 5.0},
            },
        )
    )
    status = run_receiver(config, engine, threading.Event(), notifier=Notifier(""))
    first, windows = jammed_windows(engine)
    bundles: dict[tuple[int, str], dict[str, object]] = {}
    folders: dict[tuple[int, str], Path] = {}
    for path in sorted(root.rglob("bundle.json")):
        facts = json.loads(path.read_text())
        key = (int(facts["frequency_hz"]), str(facts["start"]))
        assert key not in bundles, f"two bundles for {key}"
        bundles[key] = facts
        folders[key] = path.parent
    return Run(status, engine, root, first, windows, bundles, folders)


@pytest.fixture(scope="module")
def hopping_run(air: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """The scene replayed in 5 s dwells, so jamming windows cross dwell boundaries."""
    run = run_with_evidence(air, tmp_path_factory.mktemp("run"), dwell_s=5.0)
    yield run
    run.engine.dispose()
