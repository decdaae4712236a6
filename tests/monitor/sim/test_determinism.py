"""Same seed, same bytes; different seed, different bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from monitor.sim import builtin_scene, simulate


def _digest(tmp_path: Path, name: str, seed: int) -> tuple[str, str]:
    scene = builtin_scene("small").with_overrides(duration_s=2.0)
    result = simulate(scene, tmp_path / name, seed)
    data = hashlib.sha256(result.data_path.read_bytes()).hexdigest()
    truth = hashlib.sha256(result.truth_path.read_bytes()).hexdigest()
    return data, truth


def test_same_seed_same_bytes_different_seed_different_bytes(tmp_path: Path) -> None:
    first = _digest(tmp_path, "a", 11)
    assert _digest(tmp_path, "b", 11) == first
    other = _digest(tmp_path, "c", 12)
    assert other[0] != first[0]
