"""The HF band scene simulator: scene files, streaming renderer, SigMF output and ground truth.

See ``docs/simulator.md`` for the scene-file reference and the research each model follows.
"""

from monitor.sim.render import Renderer, SimBlock
from monitor.sim.scene import Scene, builtin_scene, builtin_scenes, load_scene, resolve_scene
from monitor.sim.simulate import SimulationResult, simulate
from monitor.sim.truth import TruthRow, read_truth

__all__ = [
    "Renderer",
    "Scene",
    "SimBlock",
    "SimulationResult",
    "TruthRow",
    "builtin_scene",
    "builtin_scenes",
    "load_scene",
    "read_truth",
    "resolve_scene",
    "simulate",
]
