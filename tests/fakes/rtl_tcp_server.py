"""A fake ``rtl_tcp`` server on loopback that serves a cu8 recording and obeys commands.

It speaks the real protocol, written here independently of ``monitor.sources``: the 12-byte
``RTL0`` header, then raw cu8; 5-byte big-endian commands, all recorded. The recording is the
"air": its byte position is kept across connections, so a reconnecting client continues where
the stream was. Faults fire once, at absolute byte positions of the air: dropping the connection
or going silent (a stall). ``speed`` paces the stream in multiples of real time at the
commanded sample rate (0: as fast as the client reads).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Self

_HEADER = struct.Struct(">4sII")
_COMMAND = struct.Struct(">BI")
_CHUNK = 1 << 14


class FakeRtlTcpServer:
    """Serve ``iq`` (raw cu8 bytes) to rtl_tcp clients on 127.0.0.1, one client at a time.

    Parameters
    ----------
    iq
        The recording (raw cu8), served in a loop.
    tuner_type, gain_count
        What the header announces (5 is an R820T with 29 gain steps; 6 an R828D, as on a V4).
    speed
        Pacing in multiples of real time at the commanded rate; 0 for unpaced.
    drop_after_bytes
        Close the connection when the air reaches this byte (once).
    stall_after_bytes
        Stop sending, connection open, when the air reaches this byte (once; the next
        connection streams again).
    magic
        Header magic; change it to imitate a server that is not rtl_tcp.
    """

    def __init__(
        self,
        iq: bytes | Path,
        *,
        tuner_type: int = 5,
        gain_count: int = 29,
        speed: float = 0.0,
        drop_after_bytes: int | None = None,
        stall_after_bytes: int | None = None,
        magic: bytes = b"RTL0",
    ) -> None:
        self.iq = iq.read_bytes() if isinstance(iq, Path) else iq
        self.tuner_type = tuner_type
        self.gain_count = gain_count
        self.speed = speed
        self.drop_after_bytes = drop_after_bytes
        self.stall_after_bytes = stall_after_bytes
        self.magic = magic
        self.sample_rate_hz = 2_048_000
        self.commands: list[tuple[int, int]] = []
        """Every command received, as (command byte, unsigned 32-bit value), in order."""
        self.connections = 0
        self.position = 0
        """Bytes of air served so far (not wrapped)."""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        """The ephemeral port the server listens on."""
        return int(self._listener.getsockname()[1])

    def __enter__(self) -> Self:
        accept = threading.Thread(target=self._accept_loop, name="fake rtl_tcp accept")
        accept.start()
        self._threads.append(accept)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(5)
        self._listener.close()
        alive = [t.name for t in self._threads if t.is_alive()]
        if alive:
            raise RuntimeError(f"fake rtl_tcp threads did not stop: {alive}")

    def commands_named(self, command: int) -> list[int]:
        """Values of every received command with this command byte."""
        with self._lock:
            return [value for cmd, value in self.commands if cmd == command]

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            with self._lock:
                self.connections += 1
            self._serve(conn)

    def _serve(self, conn: socket.socket) -> None:
        reader = threading.Thread(target=self._read_commands, args=(conn,), name="fake rtl_tcp cmd")
        reader.start()
        conn.settimeout(5.0)
        try:
            conn.sendall(_HEADER.pack(self.magic, self.tuner_type, self.gain_count))
            self._stream(conn, reader)
        except OSError:
            pass  # the client went away
        finally:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            reader.join(5)
            conn.close()

    def _stream(self, conn: socket.socket, reader: threading.Thread) -> None:
        started = time.monotonic()
        sent = 0
        while not self._stop.is_set():
            with self._lock:
                start = self.position
                end = start + _CHUNK
                if self.drop_after_bytes is not None and end >= self.drop_after_bytes:
                    end = self.drop_after_bytes
                    self.drop_after_bytes = None
                    fault = "drop"
                elif self.stall_after_bytes is not None and end >= self.stall_after_bytes:
                    end = self.stall_after_bytes
                    self.stall_after_bytes = None
                    fault = "stall"
                else:
                    fault = ""
                self.position = end
                rate = self.sample_rate_hz
            if self.speed > 0:
                due = started + (sent + end - start) / (2 * rate * self.speed)
                while time.monotonic() < due and not self._stop.is_set():
                    time.sleep(0.001)
            conn.sendall(self._air(start, end))
            sent += end - start
            if fault == "drop":
                return
            if fault == "stall":
                while not self._stop.is_set() and reader.is_alive():
                    time.sleep(0.01)
                return

    def _air(self, start: int, end: int) -> bytes:
        size = len(self.iq)
        pieces = []
        pos = start
        while pos < end:
            offset = pos % size
            n = min(end - pos, size - offset)
            pieces.append(self.iq[offset : offset + n])
            pos += n
        return b"".join(pieces)

    def _read_commands(self, conn: socket.socket) -> None:
        pending = b""
        while not self._stop.is_set():
            try:
                data = conn.recv(64)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            pending += data
            while len(pending) >= _COMMAND.size:
                command, value = _COMMAND.unpack(pending[: _COMMAND.size])
                pending = pending[_COMMAND.size :]
                with self._lock:
                    self.commands.append((command, value))
                    if command == 0x02:
                        self.sample_rate_hz = value
