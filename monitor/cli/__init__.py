"""The ``jamwatch`` command line: one sub-module per command, each with ``register`` and ``run``.

Exit status: 0 on success, 2 on bad input (a one-line ``jamwatch: error: ...`` naming the file or
key and the problem, never a traceback), 1 on internal errors (traceback with ``JAMWATCH_DEBUG=1``)
and when the database is unreachable (one line; a service manager may retry).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Protocol, cast

from sqlalchemy.exc import OperationalError

from monitor.errors import InputError

COMMAND_MODULES: tuple[str, ...] = (
    "demo",
    "analyze",
    "simulate",
    "waterfall",
    "db",
    "receivers",
    "schedule",
    "report",
    "serve",
    "run",
)
"""Modules under ``monitor.cli`` that define commands, in the order ``--help`` lists them."""


class CommandModule(Protocol):
    """The shape of a command module."""

    def register(self, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        """Add the command's parser; it must ``set_defaults(handler=run)``."""


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="jamwatch",
        description="Shortwave jamming monitor: simulate, analyse and serve HF jamming windows.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        module: ModuleType = importlib.import_module(f"monitor.cli.{name}")
        cast(CommandModule, module).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except InputError as exc:
        print(f"jamwatch: error: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:  # a database that is down or unreachable: not a bug
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        print(f"jamwatch: error: database unavailable: {reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("jamwatch: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("JAMWATCH_DEBUG"):
            raise
        print(
            f"jamwatch: internal error: {type(exc).__name__}: {exc} "
            "(set JAMWATCH_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return 1
    return status
