"""Browser fixtures: the real API on a seeded SQLite database, and Debian's Chromium via Playwright.

The server is uvicorn in a thread on 127.0.0.1 (ephemeral port) serving ``create_app`` on a
database migrated with the project's Alembic helpers and filled by :mod:`tests.page.seed`.
Chromium is ``/usr/bin/chromium`` (``scripts/install-browser.sh``); without it the tests are
skipped with the reason, except under ``CI``, where that is a failure.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    ViewportSize,
    sync_playwright,
)
from sqlalchemy.orm import Session

from api.main import create_app
from api.settings import ApiSettings
from monitor.store.engine import make_engine
from monitor.store.migrate import upgrade
from monitor.store.scratch import sqlite_database
from monitor.store.settings import DatabaseSettings
from tests.page.seed import seed

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = ViewportSize(width=1280, height=800)
STARTUP_TIMEOUT_S = 20.0
LOAD_TIMEOUT_MS = 20_000


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; skipped (failed under CI) when it is not installed."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: run scripts/install-browser.sh (make browser)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {message}")
        pytest.skip(message)
    return CHROMIUM


class ServerThread:
    """uvicorn serving ``app`` on 127.0.0.1 at an ephemeral port, in a daemon thread."""

    def __init__(self, app: object) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="page-test-api", daemon=True)

    def start(self) -> str:
        """Start serving; return the base URL."""
        self.thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test API did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The running API with its page, on a migrated and seeded SQLite database."""
    with sqlite_database(tmp_path_factory.mktemp("page-db")) as url:
        engine = make_engine(DatabaseSettings(url=url.render_as_string(hide_password=False)))
        try:
            with engine.begin() as connection:
                upgrade(connection)
            with Session(engine) as session:
                seed(session)
                session.commit()
            server = ServerThread(create_app(engine, ApiSettings()))
            base = server.start()
            try:
                yield base
            finally:
                server.stop()
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    """Headless Chromium driven by Playwright."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Web:
    """A browser tab on the test API that records console errors and every request."""

    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    loads: int = 0

    def open(self, query: str = "") -> None:
        """Load the page with ``query`` and wait until every section is drawn."""
        self.loads = 0
        self.page.goto(f"{self.base_url}/{query}")
        self.wait_loaded()

    def wait_loaded(self) -> None:
        """Wait for the next completed load of the page's data."""
        self.loads += 1
        self.page.wait_for_selector(
            f'body[data-loads="{self.loads}"][data-busy="false"]',
            state="attached",
            timeout=LOAD_TIMEOUT_MS,
        )

    def assert_clean(self) -> None:
        """No console errors or uncaught exceptions, and no request left the test server."""
        assert self.errors == []
        origin = urlsplit(self.base_url).netloc
        foreign = [url for url in self.requests if urlsplit(url).netloc != origin]
        assert foreign == []
        assert self.requests, "the page made no requests at all"


@pytest.fixture
def web(browser: Browser, base_url: str) -> Iterator[Web]:
    """A fresh 1280x800 tab whose local time zone is not UTC (the page must not care)."""
    context = browser.new_context(viewport=VIEWPORT, timezone_id="Asia/Seoul", locale="en-GB")
    page = context.new_page()
    tab = Web(page, base_url)

    def console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            tab.errors.append(f"console {message.type}: {message.text}")

    def request(sent: Request) -> None:
        tab.requests.append(sent.url)

    page.on("console", console)
    page.on("pageerror", lambda exc: tab.errors.append(f"uncaught: {exc}"))
    page.on("request", request)
    try:
        yield tab
    finally:
        context.close()
