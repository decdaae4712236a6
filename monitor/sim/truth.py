"""Ground truth per channel and second: the rules, the ``<base>.truth.csv`` file and its reader.

Columns (in this order): ``second`` (int offset from the recording start; the row covers
``[second, second + 1)`` of scene time, so dropped samples do not shift it), ``frequency_hz``
(5 kHz raster channel whose +-4.5 kHz lies inside the recorded span), ``state``
(``empty|signal|jammed|unknown``), ``jammer`` (``noise|sweep|pulse|tone|program|other`` or
empty), ``content`` (``;``-joined sorted emitter kinds present, e.g. ``am;jam_noise``) and
``snr_db`` (the strongest emitter's in-channel power over the channel noise, dB, one decimal;
empty when no emitter reaches the channel) and ``js_db`` (the in-channel jammer-to-broadcast
power ratio, dB, one decimal, both as received: the present jammers' power over the present
broadcasts' (AM, DRM, data) power, where the channel-second holds both; empty otherwise).
Files written before ``js_db`` existed (six columns) still read, with ``js_db`` None.

Rules, in order of precedence, with "noise" the site plus quantisation noise power in the
channel's 9 kHz (atmospheric crashes excluded; a bin on an edge counts half in each channel) and
an emitter's powers averaged over the part of the second it is scheduled on (an emitter on for
less than half the second does not count in it, so switching edges fall on the side where the
emitter is on for most of the second):

1. ``unknown`` where dropped samples or ADC overload (at least
   :data:`~monitor.sim.receiver.OVERLOAD_CLIP_FRACTION` of components clipped) touch the second;
2. ``jammed`` where a jammer's in-channel power as received (with fading; spill from a jammer
   on another channel counts) is at least 3 dB over the noise; a swept jammer counts on every
   channel its span touches while it is on, with its whole power; ``jammer`` is the type of the
   strongest such jammer;
3. ``signal`` where an AM, DRM or data emitter's in-channel power without propagation (not
   counting fading) is at least 3 dB over the noise;
4. otherwise ``empty``.

An emitter is listed in ``content`` when it passes its test of rule 2 or 3.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from dsp.vocabulary import CHANNEL_RASTER_HZ, JAMMER_TYPES, STATES
from monitor.errors import InputError
from monitor.sim.receiver import OVERLOAD_CLIP_FRACTION

COLUMNS = ("second", "frequency_hz", "state", "jammer", "content", "snr_db", "js_db")
LEGACY_COLUMNS = COLUMNS[:-1]
"""The header of truth files written before ``js_db`` was added."""
CHANNEL_HALF_WIDTH_HZ = 4500.0
"""Half the bandwidth over which channel powers are measured (AM necessary bandwidth 9 kHz)."""
THRESHOLD = 10.0**0.3
"""3 dB over the noise, as a power ratio."""

Real = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class TruthRow:
    """One channel in one second of a simulated recording."""

    second: int
    frequency_hz: int
    state: str
    jammer: str | None
    content: tuple[str, ...]
    snr_db: float | None
    js_db: float | None = None


def channels_in_span(center_hz: float, sample_rate_hz: float) -> tuple[int, ...]:
    """Raster channels whose +-4.5 kHz lies inside ``center +- rate / 2``.

    >>> channels_in_span(15_110_000, 12_000)
    (15110000,)
    """
    lo = center_hz - sample_rate_hz / 2 + CHANNEL_HALF_WIDTH_HZ
    hi = center_hz + sample_rate_hz / 2 - CHANNEL_HALF_WIDTH_HZ
    first = math.ceil(lo / CHANNEL_RASTER_HZ)
    last = math.floor(hi / CHANNEL_RASTER_HZ)
    return tuple(k * CHANNEL_RASTER_HZ for k in range(first, last + 1))


def channel_matrix(
    bin_rf_hz: Real, channels_hz: Sequence[int], bin_hz: float
) -> tuple[npt.NDArray[np.intp], Real]:
    """Which channels each frequency bin belongs to: (channel indices, bins x those channels).

    A bin ``bin_hz`` wide counts with the share of it inside the channel's +-4.5 kHz, so a bin
    centred on an edge counts half in each of the two channels meeting there: the measurement
    stays symmetric about the channel (counting it whole on one side only moved a tone jammer's
    sideband 500 Hz from its carrier into the upper neighbour, not the lower).

    >>> used, share = channel_matrix(np.array([4375.0, 4500.0, 4625.0]), [0], 125.0)
    >>> share[:, 0].tolist()
    [1.0, 0.5, 0.0]
    """
    ch = np.asarray(channels_hz, dtype=np.float64)
    distance = np.abs(bin_rf_hz[:, None] - ch[None, :])
    share = np.clip((CHANNEL_HALF_WIDTH_HZ + bin_hz / 2 - distance) / bin_hz, 0.0, 1.0)
    used = np.flatnonzero((share > 0).any(axis=0))
    return used, share[:, used]


@dataclass(slots=True)
class _Second:
    received: Real
    nominal: Real
    total: Real
    frames: int = 0
    samples: int = 0
    clipped: int = 0
    dropped: bool = False


@dataclass(frozen=True, slots=True)
class EmitterInfo:
    """What the truth needs to know about an emitter."""

    label: str
    jammer: str | None
    on: Sequence[tuple[float, float]]
    sweep_channels: npt.NDArray[np.intp] = field(default_factory=lambda: np.zeros(0, np.intp))

    def on_fraction(self, second: int) -> float:
        """Fraction of ``[second, second + 1)`` the emitter is scheduled on."""
        return sum(max(0.0, min(b, second + 1) - max(a, second)) for a, b in self.on)


class TruthAccumulator:
    """Collect per-second emitter powers and receiver faults; yield finished rows.

    Parameters
    ----------
    channels_hz
        The recording's channels.
    noise_power
        Noise power in each channel (same units as the emitter powers).
    emitters
        Label, jammer type and (for sweepers) swept channels of each emitter, by index.
    seconds
        Number of rows per channel (``ceil(duration)``), or None for no limit.
    """

    def __init__(
        self,
        channels_hz: Sequence[int],
        noise_power: Real,
        emitters: Sequence[EmitterInfo],
        seconds: int | None,
    ) -> None:
        self.channels_hz = tuple(channels_hz)
        self._noise = noise_power
        self._emitters = emitters
        self._limit = seconds
        self._open: dict[int, _Second] = {}
        self._next = 0

    def _blank(self) -> _Second:
        e, c = len(self._emitters), len(self.channels_hz)
        return _Second(np.zeros((e, c)), np.zeros((e, c)), np.zeros(e))

    def _second(self, s: int) -> _Second:
        if s not in self._open:
            self._open[s] = self._blank()
        return self._open[s]

    def add_frames(
        self,
        seconds: npt.NDArray[np.int64],
        emitter: int,
        channels: npt.NDArray[np.intp],
        received: Real,
        nominal: Real | None,
        total: Real,
    ) -> None:
        """Add an emitter's per-frame channel powers (frames x channels) as received and
        without propagation (None for jammers, judged as received) and its total powers."""
        for s in np.unique(seconds):
            if self._limit is not None and s >= self._limit:
                continue
            rows = seconds == s
            sec = self._second(int(s))
            sec.received[emitter, channels] += received[rows].sum(axis=0)
            if nominal is not None:
                sec.nominal[emitter, channels] += nominal[rows].sum(axis=0)
            sec.total[emitter] += total[rows].sum()

    def count_frames(self, seconds: npt.NDArray[np.int64]) -> None:
        """Count the frames (centre times) falling in each second."""
        values, counts = np.unique(seconds, return_counts=True)
        for s, n in zip(values, counts, strict=True):
            if self._limit is None or s < self._limit:
                self._second(int(s)).frames += int(n)

    def add_receiver(
        self, first: int, count: int, rate: int, clipped: npt.NDArray[np.int8] | None
    ) -> None:
        """Count ``count`` output samples from index ``first`` (``rate`` per second) and their
        clipped components (``clipped`` per sample, None when none clipped)."""
        for s in range(first // rate, (first + count - 1) // rate + 1):
            if self._limit is not None and s >= self._limit:
                break
            lo, hi = max(first, s * rate), min(first + count, (s + 1) * rate)
            sec = self._second(s)
            sec.samples += hi - lo
            if clipped is not None:
                sec.clipped += int(clipped[lo - first : hi - first].sum())

    def mark_dropped(self, first_s: float, last_s: float) -> None:
        """Seconds touched by the dropped interval ``[first_s, last_s)`` become unknown."""
        for s in range(int(first_s), math.ceil(last_s)):
            if self._limit is None or s < self._limit:
                self._second(s).dropped = True

    def finish(self, before_second: int | None = None) -> Iterator[TruthRow]:
        """Rows of every second before ``before_second`` (all remaining when None)."""
        end = self._limit if before_second is None else before_second
        if end is None:
            end = max(self._open, default=self._next - 1) + 1
        if self._limit is not None:
            end = min(end, self._limit)
        while self._next < end:
            sec = self._open.pop(self._next, None) or self._blank()
            yield from self._rows(self._next, sec)
            self._next += 1

    def _rows(self, second: int, sec: _Second) -> Iterator[TruthRow]:
        # average over the part of the second each emitter is on; under half a second on,
        # an emitter does not count (its switching edge is not a state of the channel)
        on = np.array([info.on_fraction(second) for info in self._emitters])
        scale = np.where(on >= 0.5, 1.0 / (max(sec.frames, 1) * np.maximum(on, 0.5)), 0.0)
        received = sec.received * scale[:, None] / self._noise
        nominal = sec.nominal * scale[:, None] / self._noise
        total = sec.total * scale
        faulty = sec.dropped or (
            sec.samples > 0 and sec.clipped >= OVERLOAD_CLIP_FRACTION * 2 * sec.samples
        )
        is_jammer = np.array([info.jammer is not None for info in self._emitters], dtype=bool)
        level = np.where(is_jammer[:, None], received, nominal)
        for e, info in enumerate(self._emitters):
            if info.sweep_channels.size:
                swept = info.sweep_channels
                level[e, swept] = np.maximum(level[e, swept], total[e] / self._noise[swept])
        present = level >= THRESHOLD
        jam_level = np.where(present & is_jammer[:, None], level, 0.0)
        strongest = received.max(axis=0, initial=0.0)
        jam_power = jam_level.sum(axis=0)
        broadcast_power = np.where(present & ~is_jammer[:, None], received, 0.0).sum(axis=0)
        for c, freq in enumerate(self.channels_hz):
            snr = round(10 * math.log10(strongest[c]), 1) if strongest[c] > 0 else None
            js = (
                round(10 * math.log10(jam_power[c] / broadcast_power[c]), 1)
                if jam_power[c] > 0 and broadcast_power[c] > 0
                else None
            )
            here = np.flatnonzero(present[:, c])
            content = tuple(sorted({self._emitters[int(e)].label for e in here}))
            jammer = None
            if faulty:
                state = "unknown"
            elif jam_level[:, c].any():
                state, jammer = "jammed", self._emitters[int(jam_level[:, c].argmax())].jammer
            elif here.size:
                state = "signal"
            else:
                state = "empty"
            yield TruthRow(second, freq, state, jammer, content, snr, js)


def write_rows(rows: Iterable[TruthRow], writer: csv.DictWriter[str]) -> None:
    """Write rows to an open CSV writer with :data:`COLUMNS`."""
    for row in rows:
        writer.writerow(
            {
                "second": row.second,
                "frequency_hz": row.frequency_hz,
                "state": row.state,
                "jammer": row.jammer or "",
                "content": ";".join(row.content),
                "snr_db": "" if row.snr_db is None else f"{row.snr_db:.1f}",
                "js_db": "" if row.js_db is None else f"{row.js_db:.1f}",
            }
        )


def read_truth(path: Path) -> list[TruthRow]:
    """Read a ``<base>.truth.csv`` written by the simulator.

    Raises :class:`~monitor.errors.InputError` naming the file, line and problem.
    """
    rows: list[TruthRow] = []
    try:
        fp = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    with fp:
        reader = csv.DictReader(fp)
        if tuple(reader.fieldnames or ()) not in (COLUMNS, LEGACY_COLUMNS):
            raise InputError(f"{path}: header must be {','.join(COLUMNS)}")
        for line, item in enumerate(reader, start=2):
            try:
                rows.append(_parse(item))
            except (ValueError, TypeError) as exc:
                raise InputError(f"{path}: line {line}: {exc}") from None
    return rows


def _parse(item: dict[str, str]) -> TruthRow:
    state = item["state"]
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    jammer = item["jammer"] or None
    if jammer is not None and jammer not in JAMMER_TYPES:
        raise ValueError(f"unknown jammer {jammer!r}")
    if (state == "jammed") != (jammer is not None):
        raise ValueError("jammer must be given exactly when state is 'jammed'")
    return TruthRow(
        second=int(item["second"]),
        frequency_hz=int(item["frequency_hz"]),
        state=state,
        jammer=jammer,
        content=tuple(item["content"].split(";")) if item["content"] else (),
        snr_db=float(item["snr_db"]) if item["snr_db"] else None,
        js_db=float(item["js_db"]) if item.get("js_db") else None,
    )
