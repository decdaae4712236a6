"""Fixtures of the receiver tests: migrated SQLite files, config files, a notify socket."""

from __future__ import annotations

import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from monitor.receiver.config import ReceiverConfig, load_config
from monitor.store.engine import make_engine
from monitor.store.migrate import upgrade
from monitor.store.settings import DatabaseSettings


def migrated(path: Path) -> Engine:
    """An engine on a new, migrated SQLite file."""
    engine = make_engine(DatabaseSettings(url=f"sqlite:///{path}"))
    with engine.begin() as connection:
        upgrade(connection)
    return engine


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """The receiver's local database (migrated SQLite)."""
    engine = migrated(tmp_path / "receiver.db")
    yield engine
    engine.dispose()


def toml_value(value: Any) -> str:
    """A Python value as TOML (enough for the configs of these tests)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | Path):
        return '"' + str(value).replace("\\", "\\\\") + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    return repr(value)


def write_config(path: Path, top: dict[str, Any], tables: dict[str, dict[str, Any]]) -> Path:
    """Write a receiver.toml with top-level keys and ``[table]`` sections."""
    lines = [f"{k} = {toml_value(v)}" for k, v in top.items()]
    for table, keys in tables.items():
        lines.append(f"[{table}]")
        lines += [f"{k} = {toml_value(v)}" for k, v in keys.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


MakeConfig = Callable[..., ReceiverConfig]


@pytest.fixture
def make_config(tmp_path: Path, engine: Engine) -> MakeConfig:
    """``make_config(source={...}, hop={...}, ...)``: a validated config on the test database."""

    def _make(**tables: dict[str, Any]) -> ReceiverConfig:
        merged: dict[str, dict[str, Any]] = {
            "database": {"url": engine.url.render_as_string()},
            "metrics": {"port": 0},
            "recovery": {"backoff_initial_s": 0.05, "backoff_max_s": 0.2, "max_failures": 5},
        }
        for table, keys in tables.items():
            merged[table] = {**merged.get(table, {}), **keys}
        return load_config(write_config(tmp_path / "receiver.toml", {"name": "rx-test"}, merged))

    return _make


class NotifyListener:
    """A datagram socket standing in for systemd's ``$NOTIFY_SOCKET``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(str(path))
        self._sock.settimeout(0.0)

    def messages(self) -> list[str]:
        """Every datagram received so far, decoded."""
        out = []
        while True:
            try:
                out.append(self._sock.recv(4096).decode())
            except BlockingIOError:
                return out

    def close(self) -> None:
        self._sock.close()


@pytest.fixture
def notify_socket() -> Iterator[NotifyListener]:
    """A notify socket in a short temporary folder (AF_UNIX paths are limited to 107 bytes)."""
    with tempfile.TemporaryDirectory(prefix="jw-") as folder:
        listener = NotifyListener(Path(folder) / "notify")
        yield listener
        listener.close()
