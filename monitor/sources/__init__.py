"""IQ sources for the receiver: RTL-SDR dongles, rtl_tcp servers and replayed recordings.

Importing this package never loads librtlsdr; only opening an :class:`RtlSdrSource` does.
"""

from monitor.sources.base import IQSource, SourceStats, clip_fraction
from monitor.sources.errors import (
    DeviceFault,
    DeviceLost,
    DeviceNotFound,
    DeviceStalled,
    DeviceWedged,
    DriverUnavailable,
    EndOfStream,
    SourceConfigError,
    SourceError,
)
from monitor.sources.rtlsdr import RtlSdrSource
from monitor.sources.settings import BlockSettings, CaptureSettings, HfMode, TunerSettings

__all__ = [
    "BlockSettings",
    "CaptureSettings",
    "DeviceFault",
    "DeviceLost",
    "DeviceNotFound",
    "DeviceStalled",
    "DeviceWedged",
    "DriverUnavailable",
    "EndOfStream",
    "HfMode",
    "IQSource",
    "RtlSdrSource",
    "SourceConfigError",
    "SourceError",
    "SourceStats",
    "TunerSettings",
    "clip_fraction",
]
