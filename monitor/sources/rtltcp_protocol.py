"""The rtl_tcp wire protocol (osmocom ``rtl_tcp``; port 1234 by default).

On connection the server sends a 12-byte header: the magic ``b"RTL0"``, then the tuner type and
the number of gain steps, each a big-endian ``uint32``. Afterwards it streams raw interleaved
cu8 I/Q. The client sends 5-byte commands: one command byte and a big-endian 32-bit parameter
(signed values such as the ppm correction travel as two's complement).

pyrtlsdr's ``RtlSdrTcpClient`` speaks a different (JSON) protocol and cannot talk to rtl_tcp.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

from monitor.sources.settings import TunerSettings

MAGIC = b"RTL0"
HEADER = struct.Struct(">4sII")
COMMAND = struct.Struct(">BI")


class Command(enum.IntEnum):
    """rtl_tcp command bytes."""

    FREQUENCY = 0x01
    SAMPLE_RATE = 0x02
    GAIN_MODE = 0x03
    """0 automatic, 1 manual."""
    GAIN = 0x04
    """Tuner gain in tenths of a dB."""
    FREQ_CORRECTION = 0x05
    """ppm, signed."""
    IF_GAIN = 0x06
    TEST_MODE = 0x07
    AGC_MODE = 0x08
    """RTL2832U digital AGC, 0 or 1."""
    DIRECT_SAMPLING = 0x09
    """0 off, 1 I branch, 2 Q branch."""
    OFFSET_TUNING = 0x0A
    RTL_XTAL = 0x0B
    TUNER_XTAL = 0x0C
    GAIN_BY_INDEX = 0x0D
    BIAS_TEE = 0x0E


@dataclass(frozen=True, slots=True)
class DongleInfo:
    """What the server's header says about its dongle.

    Attributes
    ----------
    tuner_type
        librtlsdr tuner enum (5 R820T, 6 R828D, ...).
    gain_count
        Number of tuner gain steps.
    """

    tuner_type: int
    gain_count: int


def parse_header(header: bytes) -> DongleInfo:
    """Decode the 12-byte greeting; raise ``ValueError`` if it is not rtl_tcp's.

    >>> parse_header(b"RTL0" + bytes([0, 0, 0, 5, 0, 0, 0, 29]))
    DongleInfo(tuner_type=5, gain_count=29)
    """
    if len(header) != HEADER.size:
        raise ValueError(f"header has {len(header)} bytes, expected {HEADER.size}")
    magic, tuner_type, gain_count = HEADER.unpack(header)
    if magic != MAGIC:
        raise ValueError(f"header starts with {magic!r}, not {MAGIC!r}")
    return DongleInfo(tuner_type, gain_count)


def encode_command(command: Command, value: int) -> bytes:
    """One 5-byte command; negative values are sent as two's complement.

    >>> encode_command(Command.FREQUENCY, 9_650_000).hex()
    '0100933f50'
    >>> encode_command(Command.FREQ_CORRECTION, -2).hex()
    '05fffffffe'
    """
    return COMMAND.pack(command, value & 0xFFFFFFFF)


def tuning_commands(tuner: TunerSettings, center_hz: float) -> list[tuple[Command, int]]:
    """The commands that configure a dongle as ``tuner`` says, tuned to ``center_hz``.

    Direct sampling is set before the frequency (in direct sampling the frequency programs the
    RTL2832U's NCO), and a ppm of 0 is not sent (librtlsdr rejects an unchanged correction).

    >>> [c.name for c, _ in tuning_commands(TunerSettings(6e6, hf="direct_q", ppm=3), 6e6)]
    ['SAMPLE_RATE', 'DIRECT_SAMPLING', 'FREQUENCY', 'FREQ_CORRECTION', 'GAIN_MODE', 'AGC_MODE']
    """
    commands = [
        (Command.SAMPLE_RATE, tuner.sample_rate_hz),
        (Command.DIRECT_SAMPLING, tuner.direct_sampling),
        (Command.FREQUENCY, tuner.device_frequency_hz(center_hz)),
    ]
    if tuner.ppm:
        commands.append((Command.FREQ_CORRECTION, tuner.ppm))
    if tuner.gain_db is None:
        commands.append((Command.GAIN_MODE, 0))
    else:
        commands += [(Command.GAIN_MODE, 1), (Command.GAIN, round(tuner.gain_db * 10))]
    commands.append((Command.AGC_MODE, int(tuner.rtl_agc)))
    return commands
