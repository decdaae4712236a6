"""systemd's notification protocol (``sd_notify``) over ``$NOTIFY_SOCKET``, standard library only.

Under ``Type=notify`` systemd waits for ``READY=1``; with ``WatchdogSec=`` it restarts the
service unless ``WATCHDOG=1`` arrives in time; ``STOPPING=1`` announces a clean shutdown. The
socket is a datagram socket, a path or (``@`` prefix) an abstract-namespace name.
"""

from __future__ import annotations

import logging
import os
import socket

from monitor.receiver.logs import kv

logger = logging.getLogger(__name__)

READY = "READY=1"
WATCHDOG = "WATCHDOG=1"
STOPPING = "STOPPING=1"


class Notifier:
    """Sends notifications to systemd; does nothing when not started by systemd.

    Parameters
    ----------
    address
        The socket (default: ``$NOTIFY_SOCKET``); None or empty disables notifications.
    """

    def __init__(self, address: str | None = None) -> None:
        address = os.environ.get("NOTIFY_SOCKET") if address is None else address
        self._address = None
        if address:
            self._address = "\0" + address[1:] if address.startswith("@") else address

    @property
    def enabled(self) -> bool:
        """Whether a notification socket is configured."""
        return self._address is not None

    def notify(self, *assignments: str) -> None:
        """Send ``KEY=VALUE`` lines in one datagram; failures are logged, never raised."""
        if self._address is None or not assignments:
            return
        message = "\n".join(assignments).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(self._address)
                sock.sendall(message)
        except OSError as exc:
            logger.warning(kv("sd_notify_failed", message=assignments[0], error=exc))

    def status(self, text: str) -> None:
        """Set the one-line status ``systemctl status`` shows."""
        self.notify(f"STATUS={text}")


def watchdog_interval_s() -> float | None:
    """The watchdog period systemd expects (``$WATCHDOG_USEC``), in seconds, if one is set."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 1e6
