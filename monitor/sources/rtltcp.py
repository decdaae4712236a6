"""A remote RTL-SDR behind an ``rtl_tcp`` server, with reconnection and a read timeout.

Implementation notes
--------------------
* The capture thread owns the socket: it connects, checks the header, sends the tuning, then
  reads with ``read_timeout_s``. A closed connection, a socket error or a read timeout ends the
  connection; the thread reconnects with exponential backoff, resends the tuning, counts a
  reopening and flags the next block ``DROPPED`` (``STALLED`` too after a timeout). After
  ``reconnect_attempts`` consecutive failures it gives up with :class:`DeviceLost` (or
  :class:`DeviceStalled`), which the consumer raises once the queued blocks are delivered.
* The first connection is made during :meth:`open`; if it fails, :meth:`open` raises
  :class:`DeviceNotFound` at once and the capture loop retries later.
* A retune is sent as a frequency command on the live connection. Samples the server had already
  buffered arrive after it and are labelled with the new frequency: the settle time after a
  retune must cover that network latency.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import numpy as np

from monitor.iq import BlockFlags
from monitor.sources.errors import (
    DeviceFault,
    DeviceLost,
    DeviceNotFound,
    DeviceStalled,
    SourceConfigError,
)
from monitor.sources.rtltcp_protocol import (
    HEADER,
    Command,
    DongleInfo,
    encode_command,
    parse_header,
    tuning_commands,
)
from monitor.sources.settings import (
    BlockSettings,
    CaptureSettings,
    TunerSettings,
    actual_sample_rate_hz,
)
from monitor.sources.threaded import CaptureThreadSource

_BACKOFF_SLICE_S = 0.05


class _ConnectionEnded(Exception):
    """The server closed the connection or went quiet; ``timed_out`` tells which."""

    def __init__(self, message: str, *, timed_out: bool) -> None:
        self.timed_out = timed_out
        super().__init__(message)


class RtlTcpSource(CaptureThreadSource):
    """IQ blocks from an ``rtl_tcp`` server.

    Parameters
    ----------
    host, port
        Address of the server.
    tuner
        Frequency, rate, gain, ppm and HF mode of the server's dongle.
    blocks
        Block size and overload threshold.
    capture
        Queue size and consumer-side timeouts; ``stall_timeout_s`` must exceed
        ``read_timeout_s``.
    read_timeout_s
        A connection that delivers nothing for this long (or cannot be made in this time) is
        dropped and made again.
    reconnect_attempts
        Consecutive failed connections after which the source gives up.
    reconnect_backoff_s
        First wait before reconnecting; doubled after each failure, capped below the stall
        timeout.

    Examples
    --------
    >>> RtlTcpSource("127.0.0.1", 1234, TunerSettings(9_650_000, hf="direct_q")).name
    'rtl_tcp 127.0.0.1:1234'
    """

    def __init__(
        self,
        host: str,
        port: int,
        tuner: TunerSettings,
        *,
        blocks: BlockSettings | None = None,
        capture: CaptureSettings | None = None,
        read_timeout_s: float = 2.0,
        reconnect_attempts: int = 5,
        reconnect_backoff_s: float = 0.5,
    ) -> None:
        capture = capture or CaptureSettings()
        if not host:
            raise SourceConfigError("host", "must name the rtl_tcp server")
        if not isinstance(port, int) or not 0 < port < 65536:
            raise SourceConfigError("port", f"must be an integer in 1-65535, got {port!r}")
        if not 0 < read_timeout_s < capture.stall_timeout_s:
            raise SourceConfigError(
                "read_timeout_s",
                f"{read_timeout_s!r} must be positive and below stall_timeout_s "
                f"({capture.stall_timeout_s:g} s)",
            )
        if not isinstance(reconnect_attempts, int) or reconnect_attempts < 1:
            raise SourceConfigError(
                "reconnect_attempts", f"must be >= 1, got {reconnect_attempts!r}"
            )
        if not reconnect_backoff_s >= 0:
            raise SourceConfigError(
                "reconnect_backoff_s", f"must be >= 0, got {reconnect_backoff_s!r}"
            )
        super().__init__(tuner, blocks or BlockSettings(), capture, f"rtl_tcp {host}:{port}")
        self._address = (host, port)
        self._read_timeout_s = read_timeout_s
        self._reconnect_attempts = reconnect_attempts
        self._backoff_s = reconnect_backoff_s
        self._socket_lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._dongle: DongleInfo | None = None

    @property
    def dongle(self) -> DongleInfo | None:
        """What the server's header said about its dongle (after the first connection)."""
        return self._dongle

    # ---- capture thread ----

    def _capture(self) -> None:
        try:
            sock = self._connect()
        except (OSError, _ConnectionEnded) as exc:
            raise DeviceNotFound(f"{self.name}: cannot connect: {exc}") from exc
        self._ready(actual_sample_rate_hz(self._tuner.sample_rate_hz))
        failures = 0
        while True:
            received = self._serve(sock)
            if self._stop_requested:
                return
            failures = 1 if received.samples_received else failures + 1
            next_sock = self._reconnect(failures, received.reason)
            if next_sock is None:
                return
            sock = next_sock
            self._bump(reopenings=1)
            gap = BlockFlags.DROPPED
            if received.reason.timed_out:
                gap |= BlockFlags.STALLED
            self._mark_stream_gap(gap)

    def _reconnect(self, failures: int, reason: _ConnectionEnded) -> socket.socket | None:
        """Connect again with backoff; ``None`` if stopped meanwhile."""
        last: Exception = reason
        timed_out = reason.timed_out
        while failures <= self._reconnect_attempts:
            delay_s = min(
                self._backoff_s * 2 ** (failures - 1), self._capture_settings.stall_timeout_s / 2
            )
            if not self._pause(delay_s):
                return None
            try:
                return self._connect()
            except (OSError, _ConnectionEnded) as exc:
                last = exc
                timed_out = isinstance(exc, TimeoutError) or (
                    isinstance(exc, _ConnectionEnded) and exc.timed_out
                )
                failures += 1
        error: type[DeviceFault] = DeviceStalled if timed_out else DeviceLost
        raise error(f"{self.name}: gave up after {self._reconnect_attempts} attempts: {last}")

    def _pause(self, delay_s: float) -> bool:
        """Sleep ``delay_s`` unless stopped; ``False`` if stopped."""
        deadline = time.monotonic() + delay_s
        while not self._stop_requested and time.monotonic() < deadline:
            time.sleep(_BACKOFF_SLICE_S)
        self._touch()
        return not self._stop_requested

    def _connect(self) -> socket.socket:
        self._touch()
        sock = socket.create_connection(self._address, timeout=self._read_timeout_s)
        try:
            self._touch()
            header = self._recv_exactly(sock, HEADER.size)
            try:
                dongle = parse_header(header)
            except ValueError as exc:
                raise SourceConfigError(
                    "port", f"{self.name} is not an rtl_tcp server: {exc}"
                ) from exc
            self._tuner.check_tuner_type(dongle.tuner_type, self.name)
            self._dongle = dongle
            for command, value in tuning_commands(self._tuner, self.center_hz):
                sock.sendall(encode_command(command, value))
        except BaseException:
            sock.close()
            raise
        with self._socket_lock:
            self._socket = sock
        return sock

    def _recv_exactly(self, sock: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            try:
                part = sock.recv(size - len(data))
            except TimeoutError as exc:
                raise _ConnectionEnded("no header from the server", timed_out=True) from exc
            if not part:
                raise _ConnectionEnded("connection closed before the header", timed_out=False)
            data += part
        return data

    def _serve(self, sock: socket.socket) -> _Served:
        """Stream one connection until it ends or the source stops; close it."""
        served = _Served()
        buffer = bytearray(self._capture_settings.chunk_bytes)
        view = memoryview(buffer)
        try:
            self._start_run()
            while not self._stop_requested:
                if self._break_requested:
                    retune_hz = self._start_run()
                    if retune_hz is not None:
                        frequency = self._tuner.device_frequency_hz(retune_hz)
                        sock.sendall(encode_command(Command.FREQUENCY, frequency))
                n = sock.recv_into(view)
                if n == 0:
                    served.reason = _ConnectionEnded(
                        "server closed the connection", timed_out=False
                    )
                    break
                served.samples_received = True
                self._feed(np.frombuffer(buffer, dtype=np.uint8, count=n))
        except TimeoutError:
            served.reason = _ConnectionEnded(
                f"no data for {self._read_timeout_s:g} s", timed_out=True
            )
        except OSError as exc:
            served.reason = _ConnectionEnded(f"connection failed: {exc}", timed_out=False)
        finally:
            with self._socket_lock:
                self._socket = None
            sock.close()
        self._end_run()
        return served

    def _wake(self) -> None:
        if not self._stop_requested:
            return  # a retune is picked up at the next read; the connection stays
        with self._socket_lock:
            if self._socket is not None:
                with contextlib.suppress(OSError):  # already disconnected: the read returns
                    self._socket.shutdown(socket.SHUT_RDWR)


class _Served:
    """How one connection ended."""

    def __init__(self) -> None:
        self.samples_received = False
        self.reason = _ConnectionEnded("stopped", timed_out=False)
