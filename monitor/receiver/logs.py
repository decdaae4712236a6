"""Structured logs: one ``key=value`` line per event, one logger per module.

Modules log with ``logger.info(kv("event", key=value, ...))``; :func:`configure_logging` adds the
time, level and logger name in the same ``key=value`` shape, so a line reads
``ts=2026-02-16T12:00:00Z level=info logger=monitor.receiver.loop event=dwell center_hz=9650000``.
"""

from __future__ import annotations

import logging
import sys
import time

_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _value(value: object) -> str:
    text = f"{value:.6g}" if isinstance(value, float) else str(value)
    if not text or any(c in text for c in ' "=\n'):
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    return text


def kv(event: str, **fields: object) -> str:
    """An event and its fields as ``event=NAME key=value ...`` (values with spaces quoted).

    >>> kv("reopen", device="RTL-SDR #0", delay_s=2.0)
    'event=reopen device="RTL-SDR #0" delay_s=2'
    """
    return " ".join([f"event={event}", *(f"{k}={_value(v)}" for k, v in fields.items())])


class KeyValueFormatter(logging.Formatter):
    """``ts=... level=... logger=...`` followed by the message."""

    def format(self, record: logging.LogRecord) -> str:
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z"
        line = (
            f"ts={ts} level={record.levelname.lower()} logger={record.name} {record.getMessage()}"
        )
        if record.exc_info:
            line += " exc=" + _value(self.formatException(record.exc_info))
        return line


def configure_logging(level: str) -> None:
    """Send ``monitor.*`` logs to stderr in ``key=value`` form at ``level``."""
    if level.upper() not in _LEVELS:
        raise ValueError(f"log level {level!r} is not one of {', '.join(_LEVELS)}")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger("monitor")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
