"""Jamming windows as CSV and as iCalendar (RFC 5545) for calendar programs."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime

from api.schemas import Window

CSV_COLUMNS = (
    "receiver",
    "frequency_hz",
    "start",
    "end",
    "duration_s",
    "jammer",
    "confidence",
    "snr_db",
)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def windows_csv(windows: Sequence[Window]) -> str:
    """A CSV document with a header row; times in ISO 8601 UTC with ``Z``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for w in windows:
        writer.writerow(
            [
                w.receiver,
                w.frequency_hz,
                _iso(w.start),
                _iso(w.end),
                f"{w.duration_s:.3f}",
                w.jammer,
                f"{w.confidence:.3f}",
                "" if w.snr_db is None else f"{w.snr_db:.1f}",
            ]
        )
    return out.getvalue()


def _ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 section 3.1)."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def windows_ics(windows: Sequence[Window], *, now: datetime) -> str:
    """An iCalendar document with one event per jamming window."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//jamwatch//jamming windows//EN",
        "CALSCALE:GREGORIAN",
    ]
    stamp = _ics_time(now)
    for w in windows:
        khz = f"{w.frequency_hz / 1000:g}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{w.receiver}-{w.frequency_hz}-{_ics_time(w.start)}@jamwatch",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_ics_time(w.start)}",
            f"DTEND:{_ics_time(w.end)}",
            "SUMMARY:" + _ics_text(f"Jamming on {khz} kHz ({w.jammer}) at {w.receiver}"),
            "DESCRIPTION:"
            + _ics_text(
                f"{w.jammer} jamming of {khz} kHz seen by {w.receiver} for {w.duration_s:.0f} s, "
                f"confidence {w.confidence:.2f}"
                + ("" if w.snr_db is None else f", {w.snr_db:.1f} dB over the noise floor")
            ),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
