"""Bounded memory: the peak does not grow with the scene's duration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import resource, sys
from pathlib import Path
from monitor.sim import builtin_scene, simulate
scene = builtin_scene("small").with_overrides(duration_s=float(sys.argv[2]))
simulate(scene, Path(sys.argv[1]), seed=1)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_kib(tmp_path: Path, duration_s: float) -> int:
    out = tmp_path / f"scene{duration_s:g}"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(out), str(duration_s)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.split()[-1])


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_duration(tmp_path: Path) -> None:
    short = _peak_kib(tmp_path, 4.0)
    long = _peak_kib(tmp_path, 40.0)
    assert long - short < 16 * 1024, (short, long)
