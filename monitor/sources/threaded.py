"""Live cu8 sources: a capture thread that owns the device, a bounded queue, and a watchdog.

Implementation notes
--------------------
* The capture thread makes every call into the device or socket (open, configure, stream,
  close), so a driver that hangs can only hang that thread. The consumer only sets flags and
  calls :meth:`CaptureThreadSource._wake`, which must be safe from another thread (librtlsdr's
  ``rtlsdr_cancel_async`` is; so is shutting a socket down).
* Chunks go through a :class:`~monitor.sources.framing.Cu8Framer` into a bounded queue. When the
  queue is full the new block is dropped and counted, and the next block that gets through is
  flagged ``DROPPED``; the sample count still advances, so time stamps stay right.
* The consumer waits in short slices. If the thread has ended, queued blocks are delivered
  first and then its error is raised. If nothing arrived for ``stall_timeout_s``, the thread is
  woken, joined (at most ``join_timeout_s``) and :class:`DeviceStalled` is raised; a thread that
  does not stop is reported as :class:`DeviceWedged`, never waited for forever.
* ``retune`` bumps a generation number and lets the thread apply the new frequency between
  runs; queued blocks of older generations are discarded, so after ``retune`` returns the
  consumer sees only the new tuning.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
from abc import abstractmethod

import numpy as np
import numpy.typing as npt

from monitor.iq import BlockFlags, IQBlock
from monitor.sources.base import SourceBase
from monitor.sources.errors import DeviceLost, DeviceStalled, DeviceWedged
from monitor.sources.framing import Cu8Framer
from monitor.sources.settings import BlockSettings, CaptureSettings, TunerSettings

_POLL_S = 0.05
"""Slice in which the consumer waits for a block before it checks the thread and the watchdog."""


class CaptureThreadSource(SourceBase):
    """Base of the RTL-SDR and rtl_tcp sources.

    Subclasses implement :meth:`_capture` (in the capture thread: open the device, call
    :meth:`_ready`, stream by calling :meth:`_start_run` and :meth:`_feed`, return when
    :attr:`_stop_requested`) and :meth:`_wake`.

    Parameters
    ----------
    tuner
        Tuning of the dongle.
    blocks
        Block size and overload threshold.
    capture
        Queue size and timeouts.
    name
        Human name of the device for messages, e.g. ``"RTL-SDR serial 00000001"``.
    """

    def __init__(
        self, tuner: TunerSettings, blocks: BlockSettings, capture: CaptureSettings, name: str
    ) -> None:
        super().__init__(blocks)
        self._tuner = tuner
        self._capture_settings = capture
        self._name = name
        self._rate_hz = float(tuner.sample_rate_hz)
        self._center_hz = tuner.center_hz
        self._tuning_lock = threading.Lock()
        self._generation = 0
        self._pending_center_hz: float | None = None
        self._next_seq = 0
        self._queue: queue.Queue[tuple[int, IQBlock]] = queue.Queue(capture.queue_blocks)
        self._thread: threading.Thread | None = None
        self._ready_event = threading.Event()
        self._failure: BaseException | None = None
        self._framer: Cu8Framer | None = None
        self._stream_gap = BlockFlags.NONE
        self._run_generation = 0
        self._last_progress = time.monotonic()
        self._stop_requested = False
        self._break_requested = False

    @property
    def name(self) -> str:
        """Human name of the device."""
        return self._name

    @property
    def tuner(self) -> TunerSettings:
        """The tuning the source was configured with."""
        return self._tuner

    @property
    def center_hz(self) -> float:
        """RF frequency of the current tuning (the latest :meth:`retune`), in Hz."""
        return self._center_hz

    @property
    def sample_rate_hz(self) -> float:
        """Complex sample rate the device really delivers, in samples per second."""
        return self._rate_hz

    # ---- consumer side ----

    def retune(self, center_hz: float) -> None:
        """Tune to ``center_hz`` (validated against the HF mode); older blocks are discarded."""
        self._tuner.device_frequency_hz(center_hz)
        with self._tuning_lock:
            self._generation += 1
            self._center_hz = center_hz
            self._pending_center_hz = center_hz
            self._break_requested = True
        self._drain()
        self._wake()

    def _open(self) -> None:
        self._drain()
        self._failure = None
        self._stream_gap = BlockFlags.NONE
        self._stop_requested = False
        self._break_requested = False
        self._pending_center_hz = None
        self._ready_event.clear()
        self._last_progress = time.monotonic()
        thread = threading.Thread(target=self._thread_main, name=f"capture {self._name}")
        thread.daemon = True  # a thread wedged in the driver must not keep the process alive
        self._thread = thread
        thread.start()
        deadline = time.monotonic() + self._capture_settings.open_timeout_s
        while not self._ready_event.wait(_POLL_S):
            if not thread.is_alive() or time.monotonic() > deadline:
                break
        if self._ready_event.is_set():
            return
        failure = self._failure
        self._stop_thread()
        if failure is not None:
            raise failure
        raise DeviceStalled(
            f"{self._name}: not ready within {self._capture_settings.open_timeout_s:g} s"
        )

    def _close(self) -> None:
        self._stop_thread()
        self._drain()

    def _next_block(self) -> IQBlock:
        stall_s = self._capture_settings.stall_timeout_s
        while True:
            try:
                generation, block = self._queue.get(timeout=_POLL_S)
            except queue.Empty:
                self._check_thread(stall_s)
                continue
            if generation == self._generation:
                return block

    def _check_thread(self, stall_s: float) -> None:
        thread = self._thread
        if thread is None or not thread.is_alive():
            if not self._queue.empty():
                return
            failure = self._failure
            self._thread = None
            if failure is not None:
                raise failure
            raise DeviceLost(f"{self._name}: capture ended")
        quiet_s = time.monotonic() - self._last_progress
        if quiet_s > stall_s:
            self._stop_thread()
            raise DeviceStalled(
                f"{self._name}: no samples for {quiet_s:.1f} s (limit {stall_s:g} s)"
            )

    def _stop_thread(self) -> None:
        thread = self._thread
        if thread is None:
            return
        self._stop_requested = True
        self._break_requested = True
        self._wake()
        thread.join(self._capture_settings.join_timeout_s)
        if thread.is_alive():
            raise DeviceWedged(
                f"{self._name}: capture thread did not stop within "
                f"{self._capture_settings.join_timeout_s:g} s (stuck in the driver); "
                "restart the process"
            )
        self._thread = None

    def _drain(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return

    # ---- capture thread side ----

    def _thread_main(self) -> None:
        try:
            self._capture()
        except Exception as exc:  # handed to the consumer, which raises it
            self._failure = exc
        finally:
            self._end_run()  # samples captured before a failure are valid: deliver them

    def _ready(self, sample_rate_hz: float) -> None:
        """Report that the device is open and configured, delivering ``sample_rate_hz``."""
        self._rate_hz = sample_rate_hz
        self._last_progress = time.monotonic()
        self._ready_event.set()

    def _touch(self) -> None:
        """Report progress to the watchdog (samples arrived, or a reconnection attempt)."""
        self._last_progress = time.monotonic()

    def _start_run(self) -> float | None:
        """Begin a new run; return the frequency to tune to first, if a retune is pending.

        The previous run's partial block is delivered (its samples are valid).
        """
        self._end_run()
        with self._tuning_lock:
            center_hz = self._pending_center_hz
            self._pending_center_hz = None
            self._break_requested = self._stop_requested
            self._run_generation = self._generation
            run_center_hz = self._center_hz
        self._framer = Cu8Framer(
            block_samples=self._blocks.block_samples,
            sample_rate_hz=self._rate_hz,
            center_hz=run_center_hz,
            first_seq=self._next_seq,
        )
        return center_hz

    def _end_run(self) -> None:
        framer = self._framer
        if framer is None:
            return
        self._framer = None
        last = framer.flush()
        if last is not None:
            self._enqueue(last)
        self._next_seq = framer.next_seq

    def _feed(self, chunk: npt.NDArray[np.uint8]) -> None:
        """Hand a chunk of raw cu8 bytes of the current run to the framer and the queue."""
        self._touch()
        framer = self._framer
        if framer is None:
            raise RuntimeError("_feed called outside a run")
        for block in framer.feed(chunk):
            self._enqueue(block)
        self._next_seq = framer.next_seq

    def _mark_stream_gap(self, flags: BlockFlags) -> None:
        """Flag the next block the capture thread queues: samples were lost before it."""
        self._stream_gap |= flags

    def _enqueue(self, block: IQBlock) -> None:
        if self._stream_gap:
            block = dataclasses.replace(block, flags=block.flags | self._stream_gap)
        try:
            self._queue.put_nowait((self._run_generation, block))
        except queue.Full:
            self._count_drop(len(block.samples))
            self._stream_gap |= BlockFlags.DROPPED
        else:
            self._stream_gap = BlockFlags.NONE

    @abstractmethod
    def _capture(self) -> None:
        """Open, configure and stream the device until :attr:`_stop_requested`; close it."""

    @abstractmethod
    def _wake(self) -> None:
        """Make a blocking read of the capture thread return soon (called from other threads)."""
