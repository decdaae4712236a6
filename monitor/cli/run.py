"""``jamwatch run --config receiver.toml``: the receiver process (capture, detect, store, forward).

SIGTERM and SIGINT stop it cleanly: the open segments are closed and stored, and it exits 0. It
exits 1 when the device cannot be recovered (so that systemd restarts it) and 2 on a bad
configuration, naming the key.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from types import FrameType

from monitor.cli.db import require_current_schema
from monitor.receiver.config import load_config
from monitor.receiver.logs import configure_logging
from monitor.receiver.service import run_receiver
from monitor.store.engine import make_engine
from monitor.store.settings import DatabaseSettings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``run``."""
    parser = commands.add_parser(
        "run",
        help="run a receiver: capture, detect, store and forward verdicts",
        description="Run a receiver from receiver.toml (see docs/receiver.md); JAMWATCH_* "
        "variables override the file. Migrate a local database first with `jamwatch db "
        "upgrade`. Stops cleanly on SIGTERM or Ctrl-C.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the receiver's TOML configuration (default: JAMWATCH_* variables only)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Load and check the configuration, then run the receiver until stopped."""
    config = load_config(args.config)
    configure_logging(config.log_level)
    engine = None
    if config.database.enabled:
        engine = make_engine(
            DatabaseSettings(url=config.database.url, busy_timeout_s=config.database.busy_timeout_s)
        )
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return run_receiver(config, engine, stop, check_schema=require_current_schema)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if engine is not None:
            engine.dispose()
