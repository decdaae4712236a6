"""Forwarding through the outbox to the real API (uvicorn on loopback): server down, then up."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine

from api.main import create_app
from api.settings import ApiSettings
from monitor.receiver.metrics import ReceiverMetrics
from monitor.receiver.outbox import Outbox
from monitor.store.engine import transaction
from monitor.store.receivers import add_receiver
from tests.monitor.receiver.conftest import MakeConfig, migrated
from tests.monitor.receiver.helpers import batch_ids, run_for, stored


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """The API app under uvicorn in a thread, on a given port."""

    def __init__(self, engine: Engine, port: int) -> None:
        config = uvicorn.Config(
            create_app(engine, ApiSettings()), host="127.0.0.1", port=port, log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[Engine, str]]:
    """The central server's database with the receiver registered; yields it and the key."""
    engine = migrated(tmp_path / "central.db")
    with transaction(engine) as session:
        _, key = add_receiver(session, "rx-test")
    yield engine, key
    engine.dispose()


@pytest.mark.slow
def test_server_down_then_up_delivers_every_batch_exactly_once(
    tmp_path: Path, make_config: MakeConfig, engine: Engine, central: tuple[Engine, str]
) -> None:
    central_engine, key = central
    port = free_port()
    (tmp_path / "key").write_text(key + "\n")
    config = make_config(
        source={"kind": "simulated", "scenes": ["small"], "realtime": False},
        hop={"dwell_s": 2.0},
        forward={
            "server_url": f"http://127.0.0.1:{port}",
            "api_key_file": tmp_path / "key",
            "outbox_path": tmp_path / "outbox.db",
            "backoff_initial_s": 0.05,
            "backoff_max_s": 0.2,
            "drain_timeout_s": 0.5,
        },
    )
    # 1. the server is down: batches pile up in the outbox, the local database has them all
    assert run_for(config, engine, 4.0) == 0
    local_first = batch_ids(engine)
    outbox = Outbox(tmp_path / "outbox.db", 1 << 30, 0.9, ReceiverMetrics())
    waiting = outbox.pending(1000)
    assert {e.batch_id for e in waiting} == local_first
    assert len(local_first) >= 2

    server = Server(central_engine, port)
    try:
        # 2. a crash after the server stored a batch but before the outbox forgot it
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/ingest",
            data=waiting[0].body,
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
        outbox.close()
        # 3. the receiver restarts: the backlog and the new batches are delivered
        assert run_for(config, engine, 3.0) == 0
    finally:
        server.stop()
    local = batch_ids(engine)
    assert local > local_first
    assert batch_ids(central_engine) == local
    assert Outbox(tmp_path / "outbox.db", 1 << 30, 0.9, ReceiverMetrics()).depth() == 0
    assert stored(central_engine) == stored(engine)
