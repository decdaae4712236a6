"""The words of DESIGN.md as types: channel states, jammer types, and the segment.

Every layer (detector, tracker, ``analyze --json``, database, API ingest) uses these exact
strings; change them only by adding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

State = Literal["empty", "signal", "jammed", "unknown"]
"""State of a channel in a step: nothing there, a broadcast, jamming, or not judged."""

JammerType = Literal["noise", "sweep", "pulse", "tone", "program", "other"]
"""Kind of jamming emission, for state ``jammed`` only."""

STATES: tuple[State, ...] = get_args(State)
JAMMER_TYPES: tuple[JammerType, ...] = get_args(JammerType)

CHANNEL_RASTER_HZ = 5000
"""HF broadcast carriers sit on integer multiples of 5 kHz (RR Appendix 11)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A maximal interval of one state for one channel (at one receiver).

    Attributes
    ----------
    frequency_hz
        Channel frequency in Hz, an integer multiple of :data:`CHANNEL_RASTER_HZ`.
    start, end
        Timezone-aware UTC bounds, ``start < end``; the interval is ``[start, end)``.
    state
        One of :data:`STATES`.
    jammer
        One of :data:`JAMMER_TYPES` when ``state == "jammed"``, else ``None``.
    confidence
        Belief in ``state`` (and ``jammer``), 0..1.
    snr_db
        Median channel power over the noise floor during the segment, in dB (None if unknown).
    metrics
        Extra per-segment figures (feature medians), names with units.
    rule
        Name of the detector rule that decided most of the segment's steps (for explanations),
        or None.
    """

    frequency_hz: int
    start: datetime
    end: datetime
    state: State
    jammer: JammerType | None
    confidence: float
    snr_db: float | None = None
    metrics: Mapping[str, float] = field(default_factory=dict)
    rule: str | None = None

    def __post_init__(self) -> None:
        if self.frequency_hz % CHANNEL_RASTER_HZ:
            raise ValueError(f"frequency_hz={self.frequency_hz} is not on the 5 kHz raster")
        if not self.start < self.end:
            raise ValueError(f"segment start {self.start} is not before end {self.end}")
        if self.state not in STATES:
            raise ValueError(f"unknown state {self.state!r}")
        if (self.state == "jammed") != (self.jammer is not None):
            raise ValueError("jammer is given exactly when state is 'jammed'")
        if self.jammer is not None and self.jammer not in JAMMER_TYPES:
            raise ValueError(f"unknown jammer type {self.jammer!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence={self.confidence} outside 0..1")
