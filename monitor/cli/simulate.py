"""``jamwatch simulate``: render an HF band scene to SigMF with its ground truth."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Literal, cast

from monitor.errors import InputError
from monitor.sim.scene import builtin_scenes, resolve_scene
from monitor.sim.simulate import simulate


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``simulate`` command."""
    parser = commands.add_parser(
        "simulate",
        help="simulate an HF band scene (SigMF recording + ground truth)",
        description=(
            "Render a scene (a TOML file or a built-in name) to OUT_BASE.sigmf-data/-meta, with "
            "ground truth as SigMF annotations and OUT_BASE.truth.csv (see docs/simulator.md)."
        ),
    )
    parser.add_argument("scene", nargs="?", metavar="SCENE|NAME", help="scene file or name")
    parser.add_argument("-o", "--out", type=Path, metavar="OUT_BASE", help="output path base")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--duration", type=float, metavar="S", help="override duration, s")
    parser.add_argument("--sample-rate", type=float, metavar="R", help="override rate, S/s")
    parser.add_argument("--datatype", choices=("cu8", "cf32_le"), help="override datatype")
    parser.add_argument("--list", action="store_true", help="list the built-in scenes and exit")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """List scenes, or render one."""
    if args.list:
        scenes = builtin_scenes()
        width = max(map(len, scenes))
        for name, description in scenes.items():
            print(f"{name:<{width}}  {description}")
        return 0
    if args.scene is None or args.out is None:
        raise InputError("simulate needs SCENE|NAME and -o OUT_BASE (or --list)")
    if args.seed < 0:
        raise InputError(f"--seed must be >= 0, not {args.seed}")
    scene = resolve_scene(args.scene)
    if args.duration is not None or args.sample_rate is not None or args.datatype is not None:
        scene = scene.with_overrides(
            duration_s=args.duration,
            sample_rate_hz=args.sample_rate,
            datatype=cast(Literal["cu8", "cf32_le"] | None, args.datatype),
        )
    out = cast(Path, args.out)
    if not out.parent.is_dir():
        raise InputError(f"{out.parent}: output directory does not exist")
    duration = scene.receiver.duration_s
    if sys.stderr.isatty():
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("simulating", total=duration)
            result = simulate(
                scene, out, args.seed, progress=lambda t: bar.update(task, completed=t)
            )
    else:
        result = simulate(scene, out, args.seed)
    print(
        f"wrote {result.data_path} ({result.samples} samples), {result.meta_path.name}, "
        f"{result.truth_path.name}"
    )
    return 0
