"""``jamwatch serve``: the HTTP API under uvicorn, with one or more worker processes."""

from __future__ import annotations

import argparse
import os
import tempfile

from monitor.cli.db import add_db_option, open_engine, require_current_schema
from monitor.errors import InputError
from monitor.store.settings import load_settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve``."""
    parser = commands.add_parser(
        "serve",
        help="serve the HTTP API (timelines, windows, summaries, ingest)",
        description="Serve the HTTP API. Migrate first with `jamwatch db upgrade`. Several "
        "workers need PostgreSQL (SQLite serialises writers) and share nothing else.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    add_db_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check the settings and the schema, then run uvicorn until interrupted."""
    import uvicorn

    from api.settings import ApiSettings

    if not 1 <= args.workers <= 64:
        raise InputError(f"--workers {args.workers}: give 1 to 64")
    if not 0 < args.port < 65536:
        raise InputError(f"--port {args.port}: not a TCP port")
    load_settings(ApiSettings, "api")
    engine = open_engine(args)
    try:
        require_current_schema(engine)
        url = engine.url.render_as_string(hide_password=False)
    finally:
        engine.dispose()
    os.environ["JAMWATCH_DATABASE_URL"] = url  # the workers build their engines from it
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="jamwatch-metrics-")
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
    )
    return 0
