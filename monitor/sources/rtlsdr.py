"""A local RTL-SDR dongle through pyrtlsdr; the only module that imports ``rtlsdr``.

Implementation notes
--------------------
pyrtlsdr's traps (see ``research/domain.md`` section 5) and how they are handled here:

* ``import rtlsdr`` loads librtlsdr at import time and fails without it, so it is imported
  lazily by :func:`load_pyrtlsdr`, in the capture thread, and turned into
  :class:`DriverUnavailable` with a hint.
* Reads use ``read_bytes_async`` (librtlsdr's ``rtlsdr_read_async``), which keeps USB transfers
  queued so no samples are lost between reads, and which ``rtlsdr_cancel_async`` stops even when
  no data flows. The synchronous ``read_bytes`` waits forever on an unplugged dongle (pyrtlsdr
  #147) and its ``rtlsdr_read_sync`` cannot be interrupted, so it is not used.
* pyrtlsdr's ``cancel_read_async`` closes the device when librtlsdr says "not streaming"; the
  cancellation here calls ``rtlsdr_cancel_async`` directly, under a lock that the capture thread
  also holds while it closes the device, so the handle is never used after it is freed.
* pyrtlsdr closes the device on any error and raises ``LibUSBError`` (an ``OSError`` with a
  libusb ``errno`` and empty ``args``): it becomes :class:`DeviceLost` with that ``errno``, and
  the whole source is opened anew (a fresh ``RtlSdr``) by the capture loop.
* When librtlsdr loses the device it cancels the stream itself and ``rtlsdr_read_async`` returns
  0, so a read that ends without anyone asking is also :class:`DeviceLost`.
* librtlsdr rejects a frequency correction equal to the current one (``-2``), so a ppm of 0 is
  not sent.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType
from typing import Any

import numpy as np

from monitor.sources.errors import (
    DeviceLost,
    DeviceNotFound,
    DriverUnavailable,
    SourceConfigError,
)
from monitor.sources.settings import BlockSettings, CaptureSettings, TunerSettings, tuner_name
from monitor.sources.threaded import CaptureThreadSource


def load_pyrtlsdr() -> ModuleType:
    """Import pyrtlsdr (which loads librtlsdr), or raise :class:`DriverUnavailable`."""
    try:
        return importlib.import_module("rtlsdr")
    except (ImportError, OSError, AttributeError) as exc:
        # AttributeError: a librtlsdr older than pyrtlsdr expects lacks some function.
        raise DriverUnavailable(
            f"cannot load librtlsdr through pyrtlsdr ({exc}); install the system package "
            "librtlsdr0 (or the RTL-SDR Blog driver for a V4), or `pip install pyrtlsdrlib`"
        ) from exc


class RtlSdrSource(CaptureThreadSource):
    """IQ blocks from a local RTL-SDR dongle.

    Parameters
    ----------
    tuner
        Frequency, rate, gain, ppm and HF mode.
    serial
        Serial number of the dongle (as set with ``rtl_eeprom``); takes precedence over
        ``device_index``.
    device_index
        librtlsdr's index of the dongle when no serial is given.
    blocks
        Block size and overload threshold.
    capture
        Queue size, stall timeout and the other capture-thread timeouts.

    Examples
    --------
    >>> source = RtlSdrSource(TunerSettings(9_650_000, hf="direct_q"), serial="00000001")
    >>> source.name
    'RTL-SDR serial 00000001'
    """

    def __init__(
        self,
        tuner: TunerSettings,
        *,
        serial: str | None = None,
        device_index: int = 0,
        blocks: BlockSettings | None = None,
        capture: CaptureSettings | None = None,
    ) -> None:
        if serial is not None and not serial.strip():
            raise SourceConfigError("serial", "must not be empty (omit it to use device_index)")
        if not isinstance(device_index, int) or device_index < 0:
            raise SourceConfigError(
                "device_index", f"must be an integer >= 0, got {device_index!r}"
            )
        name = f"RTL-SDR serial {serial}" if serial is not None else f"RTL-SDR #{device_index}"
        super().__init__(tuner, blocks or BlockSettings(), capture or CaptureSettings(), name)
        self._serial = serial
        self._device_index = device_index
        self._device_lock = threading.Lock()
        self._sdr: Any = None
        self._lib: Any = None
        self._tuner_type: int | None = None
        self._callback_error: Exception | None = None

    @property
    def tuner_type(self) -> str | None:
        """Name of the dongle's tuner chip (e.g. ``"R820T"``), known once it was opened."""
        return None if self._tuner_type is None else tuner_name(self._tuner_type)

    # ---- capture thread ----

    def _capture(self) -> None:
        rtlsdr = load_pyrtlsdr()
        sdr = self._open_device(rtlsdr)
        try:
            self._configure(sdr)
            self._ready(float(sdr.get_sample_rate()))
            self._stream(sdr)
        except OSError as exc:
            errno = exc.errno if isinstance(exc.errno, int) else None
            raise DeviceLost(f"{self.name}: {exc}", errno=errno) from exc
        finally:
            with self._device_lock:
                self._sdr = None
                sdr.close()

    def _open_device(self, rtlsdr: ModuleType) -> Any:
        try:
            serials = [str(s) for s in rtlsdr.RtlSdr.get_device_serial_addresses()]
        except OSError as exc:
            raise DeviceNotFound(f"{self.name}: cannot list the attached dongles: {exc}") from exc
        attached = ", ".join(serials) or "none"
        if self._serial is not None and self._serial not in serials:
            raise DeviceNotFound(f"{self.name}: not attached (serials attached: {attached})")
        if self._serial is None and self._device_index >= len(serials):
            raise DeviceNotFound(f"{self.name}: not attached ({len(serials)} dongle(s) attached)")
        try:
            sdr = rtlsdr.RtlSdr(device_index=self._device_index, serial_number=self._serial)
        except OSError as exc:
            raise DeviceNotFound(
                f"{self.name}: cannot open it: {exc} (is the dvb_usb_rtl28xxu kernel module "
                "blacklisted and does the udev rule give this user access?)",
                errno=exc.errno if isinstance(exc.errno, int) else None,
            ) from exc
        with self._device_lock:
            self._sdr = sdr
            self._lib = rtlsdr.librtlsdr
        return sdr

    def _configure(self, sdr: Any) -> None:
        tuner = self._tuner
        self._tuner_type = int(sdr.get_tuner_type())
        tuner.check_tuner_type(self._tuner_type, self.name)
        sdr.set_sample_rate(tuner.sample_rate_hz)
        sdr.set_direct_sampling(tuner.direct_sampling)
        sdr.set_center_freq(tuner.device_frequency_hz(self.center_hz))
        if tuner.ppm:
            sdr.set_freq_correction(tuner.ppm)
        sdr.set_gain("auto" if tuner.gain_db is None else tuner.gain_db)
        sdr.set_agc_mode(tuner.rtl_agc)

    def _stream(self, sdr: Any) -> None:
        while not self._stop_requested:
            retune_hz = self._start_run()
            if retune_hz is not None:
                sdr.set_center_freq(self._tuner.device_frequency_hz(retune_hz))
            self._callback_error = None
            sdr.read_bytes_async(self._on_bytes, self._capture_settings.chunk_bytes)
            if self._callback_error is not None:
                raise self._callback_error
            if not self._break_requested:
                raise DeviceLost(f"{self.name}: the stream ended by itself (unplugged?)")

    def _on_bytes(self, values: Any, _context: Any) -> None:
        """pyrtlsdr's callback: runs in the capture thread, must never raise into ctypes."""
        try:
            if self._break_requested:
                self._wake()
                return
            self._feed(np.ctypeslib.as_array(values))
        except Exception as exc:
            self._callback_error = exc
            self._break_requested = True
            self._wake()

    def _wake(self) -> None:
        with self._device_lock:
            if self._sdr is not None:
                self._lib.rtlsdr_cancel_async(self._sdr.dev_p)
