"""Validated settings shared by the sources: tuning of an RTL-SDR, block shape, capture thread.

Each dataclass checks itself when built and raises :class:`SourceConfigError` naming the key, so
a bad configuration fails at start, not in the middle of the night.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

from monitor.recording.base import DEFAULT_BLOCK_SAMPLES
from monitor.sources.errors import SourceConfigError

HfMode = Literal["none", "direct_q", "v4", "upconverter"]
"""How the dongle receives HF.

``none``
    The tuner alone (no HF: R820T tuners start at 24 MHz).
``direct_q``
    RTL-SDR Blog V3 direct sampling on the Q branch: the tuner is off and the 28.8 MHz ADC
    digitises the antenna; ``f`` and ``28.8 MHz - f`` alias onto each other.
``v4``
    RTL-SDR Blog V4 (R828D tuner): its driver upconverts HF through the built-in mixer.
``upconverter``
    An external upconverter: the dongle tunes ``center_hz + upconverter_offset_hz``.
"""

RTL_XTAL_HZ = 28_800_000
"""RTL2832U reference clock, also the direct-sampling ADC rate."""

SAMPLE_RATE_RANGES_HZ = ((225_001, 300_000), (900_001, 3_200_000))
"""Sample rates librtlsdr accepts (inclusive ranges); anything else is ``-EINVAL``."""

TUNER_RANGE_HZ = (24_000_000, 1_766_000_000)
"""Range of the R820T/R828D tuner without direct sampling."""

TUNER_NAMES = {
    0: "unknown",
    1: "E4000",
    2: "FC0012",
    3: "FC0013",
    4: "FC2580",
    5: "R820T",
    6: "R828D",
}
"""librtlsdr's ``enum rtlsdr_tuner`` (also the tuner field of the rtl_tcp header)."""

R828D = 6
"""Tuner of the RTL-SDR Blog V4, whose driver upconverts HF."""

DEFAULT_OVERLOAD_FRACTION = 1e-3
"""Fraction of I/Q components at full scale (cu8 codes 0 or 255) above which a block clipped."""


def _require(ok: bool, key: str, problem: str) -> None:
    if not ok:
        raise SourceConfigError(key, problem)


def _positive(value: float, key: str) -> None:
    _require(math.isfinite(value) and value > 0, key, f"must be a positive number, got {value!r}")


def tuner_name(tuner_type: int) -> str:
    """Name of a librtlsdr tuner type number.

    >>> tuner_name(5)
    'R820T'
    """
    return TUNER_NAMES.get(tuner_type, f"unknown tuner {tuner_type}")


def actual_sample_rate_hz(requested_hz: int) -> float:
    """The rate the RTL2832U really delivers for a requested rate, in samples per second.

    librtlsdr programs a resampler ratio ``floor(28.8 MHz * 2**22 / rate)`` rounded down to a
    multiple of 4; the delivered rate follows from that ratio. Rates such as 1.024, 2.048 and
    2.4 MS/s come out exact.

    >>> actual_sample_rate_hz(2_400_000)
    2400000.0
    >>> round(actual_sample_rate_hz(2_500_000), 3)
    2500000.108
    """
    ratio = (RTL_XTAL_HZ * (1 << 22)) // requested_hz
    ratio &= ~3
    return RTL_XTAL_HZ * (1 << 22) / ratio


@dataclass(frozen=True, slots=True)
class TunerSettings:
    """How to tune an RTL-SDR (local or behind ``rtl_tcp``).

    Attributes
    ----------
    center_hz
        RF frequency at baseband 0 Hz, in Hz (the frequency on the antenna, whatever ``hf``).
    sample_rate_hz
        Requested complex sample rate: 225001-300000 or 900001-3200000 S/s.
    gain_db
        Manual tuner gain in dB (the nearest supported step is used), or ``None`` for the
        tuner's automatic gain.
    rtl_agc
        Enable the RTL2832U's digital AGC as well.
    ppm
        Frequency correction of the reference crystal, in parts per million.
    hf
        How HF is received; see :data:`HfMode`.
    upconverter_offset_hz
        LO frequency of an external upconverter (``hf="upconverter"`` only), in Hz.
    """

    center_hz: float
    sample_rate_hz: int = 2_400_000
    gain_db: float | None = None
    rtl_agc: bool = False
    ppm: int = 0
    hf: HfMode = "none"
    upconverter_offset_hz: float = 0.0

    def __post_init__(self) -> None:
        _require(
            isinstance(self.sample_rate_hz, int)
            and any(lo <= self.sample_rate_hz <= hi for lo, hi in SAMPLE_RATE_RANGES_HZ),
            "sample_rate_hz",
            f"{self.sample_rate_hz!r} S/s is not a rate the RTL2832U supports "
            "(an integer in 225001-300000 or 900001-3200000; 2400000 is a good choice)",
        )
        _require(
            self.hf in get_args(HfMode),
            "hf",
            f"unknown mode {self.hf!r} (expected one of {', '.join(get_args(HfMode))})",
        )
        if self.gain_db is not None:
            _require(
                math.isfinite(self.gain_db) and 0.0 <= self.gain_db <= 60.0,
                "gain_db",
                f"{self.gain_db!r} dB is outside 0-60 dB (omit it for automatic gain)",
            )
        _require(
            isinstance(self.ppm, int) and abs(self.ppm) <= 1000,
            "ppm",
            f"{self.ppm!r} must be an integer within +-1000 ppm",
        )
        if self.hf == "upconverter":
            _positive(self.upconverter_offset_hz, "upconverter_offset_hz")
        else:
            _require(
                self.upconverter_offset_hz == 0.0,
                "upconverter_offset_hz",
                f"only used with hf = 'upconverter' (hf is {self.hf!r})",
            )
        self.device_frequency_hz(self.center_hz)

    @property
    def direct_sampling(self) -> int:
        """librtlsdr direct-sampling mode for this configuration: 0 off, 2 Q branch."""
        return 2 if self.hf == "direct_q" else 0

    def check_tuner_type(self, tuner_type: int, device: str) -> None:
        """Raise :class:`SourceConfigError` (key ``hf``) if ``device``'s tuner cannot do ``hf``.

        >>> TunerSettings(6e6, hf="v4").check_tuner_type(5, "RTL-SDR #0")
        Traceback (most recent call last):
        ...
        monitor.sources.errors.SourceConfigError: hf: 'v4' needs the R828D tuner of an RTL-SDR \
Blog V4, but RTL-SDR #0 has R820T (use 'direct_q' for a V3)
        """
        _require(
            self.hf != "v4" or tuner_type == R828D,
            "hf",
            f"'v4' needs the R828D tuner of an RTL-SDR Blog V4, but {device} has "
            f"{tuner_name(tuner_type)} (use 'direct_q' for a V3)",
        )

    def device_frequency_hz(self, center_hz: float) -> int:
        """The frequency to program into the dongle for RF ``center_hz``, in Hz.

        Raises :class:`SourceConfigError` (key ``center_hz``) when the configured HF mode cannot
        receive ``center_hz``.

        >>> tuner = TunerSettings(6_000_000, hf="upconverter", upconverter_offset_hz=125e6)
        >>> tuner.device_frequency_hz(6_010_000)
        131010000
        """
        _positive(center_hz, "center_hz")
        tuned = center_hz + self.upconverter_offset_hz
        lo, hi = TUNER_RANGE_HZ
        if self.hf == "direct_q":
            ok, need = center_hz < RTL_XTAL_HZ, "below 28.8 MHz in direct sampling"
        elif self.hf == "v4":
            ok, need = tuned <= hi, f"at most {hi / 1e6:g} MHz"
        else:
            ok, need = lo <= tuned <= hi, f"tuned within {lo / 1e6:g}-{hi / 1e6:g} MHz"
        hint = " (for HF set hf to 'direct_q', 'v4' or 'upconverter')" if self.hf == "none" else ""
        _require(ok, "center_hz", f"{center_hz:.0f} Hz must be {need} with hf = {self.hf!r}{hint}")
        return round(tuned)


@dataclass(frozen=True, slots=True)
class BlockSettings:
    """Shape of the blocks every source delivers.

    Attributes
    ----------
    block_samples
        Complex samples per block (the last block of a stream may be shorter).
    overload_fraction
        A block whose fraction of I/Q components at full scale exceeds this is flagged
        ``OVERLOAD``.
    """

    block_samples: int = DEFAULT_BLOCK_SAMPLES
    overload_fraction: float = DEFAULT_OVERLOAD_FRACTION

    def __post_init__(self) -> None:
        _require(
            isinstance(self.block_samples, int) and self.block_samples > 0,
            "block_samples",
            f"must be a positive integer, got {self.block_samples!r}",
        )
        _require(
            0.0 <= self.overload_fraction < 1.0,
            "overload_fraction",
            f"must be in [0, 1), got {self.overload_fraction!r}",
        )


@dataclass(frozen=True, slots=True)
class CaptureSettings:
    """The capture thread of a live source and its watchdog.

    Attributes
    ----------
    queue_blocks
        Blocks the queue between capture thread and consumer holds; when it is full, new
        blocks are dropped, counted, and the next delivered block is flagged ``DROPPED``.
    stall_timeout_s
        No samples for this long while the consumer waits raises :class:`DeviceStalled`.
    open_timeout_s
        Longest wait for the device to open and be configured.
    join_timeout_s
        Longest wait for the capture thread to stop; beyond it :class:`DeviceWedged`.
    chunk_bytes
        Bytes per USB transfer (a multiple of 512) or per socket read.
    """

    queue_blocks: int = 16
    stall_timeout_s: float = 5.0
    open_timeout_s: float = 10.0
    join_timeout_s: float = 5.0
    chunk_bytes: int = 1 << 17

    def __post_init__(self) -> None:
        _require(
            isinstance(self.queue_blocks, int) and self.queue_blocks > 0,
            "queue_blocks",
            f"must be a positive integer, got {self.queue_blocks!r}",
        )
        for key in ("stall_timeout_s", "open_timeout_s", "join_timeout_s"):
            _positive(getattr(self, key), key)
        _require(
            isinstance(self.chunk_bytes, int)
            and self.chunk_bytes > 0
            and self.chunk_bytes % 512 == 0,
            "chunk_bytes",
            f"must be a positive multiple of 512, got {self.chunk_bytes!r}",
        )
