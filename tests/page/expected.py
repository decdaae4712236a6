"""Expectations computed from the seed's plan, independently of the API and the page."""

from __future__ import annotations

from datetime import date, datetime

from tests.page.seed import CHANNELS, Channel, Piece, observed


def channel(frequency_hz: int) -> Channel:
    """The seeded channel on ``frequency_hz``."""
    return next(c for c in CHANNELS if c.frequency_hz == frequency_hz)


def iso(moment: datetime) -> str:
    """As the page writes times in ``data-start`` and ``data-end``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def pieces(frequency_hz: int, receiver: str, day: date, state: str) -> list[Piece]:
    """The stored pieces of one lane and day in ``state``."""
    return [p for p in observed(channel(frequency_hz), receiver, day) if p[2] == state]


def seconds(piece: Piece) -> float:
    """Length of a piece."""
    return (piece[1] - piece[0]).total_seconds()


def day_totals(frequencies: list[int], day: date) -> tuple[float, float, float]:
    """Observed, judged and jammed hours of ``day`` summed over the lanes of ``frequencies``."""
    observed_s = judged_s = jammed_s = 0.0
    for frequency_hz in frequencies:
        c = channel(frequency_hz)
        for receiver in c.receivers:
            for piece in observed(c, receiver, day):
                observed_s += seconds(piece)
                if piece[2] != "unknown":
                    judged_s += seconds(piece)
                if piece[2] == "jammed":
                    jammed_s += seconds(piece)
    return observed_s / 3600, judged_s / 3600, jammed_s / 3600


def overlap_s(piece: Piece, start: datetime, end: datetime) -> float:
    """Seconds of ``piece`` inside ``[start, end)``."""
    return max(0.0, (min(piece[1], end) - max(piece[0], start)).total_seconds())
