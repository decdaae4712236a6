"""Exceptions raised by IQ sources.

Configuration mistakes are :class:`~monitor.errors.InputError` (one-line message naming the key,
exit status 2). Faults of a running device are :class:`DeviceFault`: the capture loop closes the
source and opens it again later, with backoff. :class:`DeviceWedged` means the process cannot
recover by itself (a thread stuck inside the driver) and should exit so that systemd restarts it.
"""

from __future__ import annotations

from monitor.errors import InputError


class SourceConfigError(InputError):
    """A source setting that is invalid, naming the key and the problem.

    Parameters
    ----------
    key
        The setting at fault, e.g. ``"sample_rate_hz"``.
    problem
        What is wrong with it, in words a user can act on.
    """

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"{key}: {problem}")


class DriverUnavailable(InputError):
    """pyrtlsdr or the librtlsdr it loads is not installed or cannot be loaded."""


class SourceError(Exception):
    """A failure of a running source (not a configuration mistake)."""


class EndOfStream(SourceError):
    """A finite source (a recording played once) has delivered its last block."""


class DeviceFault(SourceError):
    """A device fault the capture loop recovers from by closing and reopening the source.

    Parameters
    ----------
    message
        What happened, naming the device.
    errno
        The libusb error code (negative) when the driver gave one.
    """

    def __init__(self, message: str, errno: int | None = None) -> None:
        self.errno = errno
        super().__init__(message)


class DeviceNotFound(DeviceFault):
    """No device with the configured serial number or index is attached (or reachable)."""


class DeviceLost(DeviceFault):
    """The device vanished or failed mid-stream (unplugged, USB error, connection lost)."""


class DeviceStalled(DeviceFault):
    """The device delivered no samples for longer than the configured stall timeout."""


class DeviceWedged(SourceError):
    """The capture thread did not stop in time: it is stuck in the driver.

    The thread cannot be killed from Python; the process should exit non-zero and be restarted.
    """
