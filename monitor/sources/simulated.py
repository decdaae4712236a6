"""The band simulator as an endless live source: a receiver without a dongle.

Each scene is one tuning (its receiver's ``center_hz``); :meth:`SimulatedSource.retune` moves to
another scene, so a hop plan over the scenes' centres runs as on a real dongle. A scene is
rendered pass after pass (pass ``k`` seeded ``seed + k``) for ever; a scene not tuned to does not
advance. Blocks are stamped like a live dongle's: the wall-clock time of :meth:`open` plus the
samples delivered since (dropped-sample gaps of a scene included) divided by the rate, so time
never drifts and never goes back. The scene's own impairments come through as they would from a
dongle: gaps flag the next block ``DROPPED``, clipping flags ``OVERLOAD``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from monitor.iq import BlockFlags, IQBlock
from monitor.sim.render import Renderer, SimBlock
from monitor.sim.scene import Scene
from monitor.sources.base import SourceBase
from monitor.sources.errors import SourceConfigError
from monitor.sources.framing import utc_now
from monitor.sources.settings import BlockSettings


class _Tuned:
    """The rendering state of one scene: its renderer pass and samples not yet delivered."""

    def __init__(self, scene: Scene, seed: int) -> None:
        self.scene = scene
        self._seed = seed
        self._pass = 0
        self._blocks: Iterator[SimBlock] = Renderer(scene, seed, truth=False).blocks()
        self.held: npt.NDArray[np.complex64] = np.zeros(0, dtype=np.complex64)
        self._next: SimBlock | None = None

    def peek(self) -> SimBlock:
        """The next rendered piece (not consumed), starting a new pass at the end of one."""
        while self._next is None:
            self._next = next(self._blocks, None)
            if self._next is None:
                self._pass += 1
                self._blocks = Renderer(self.scene, self._seed + self._pass, truth=False).blocks()
        return self._next

    def consume(self) -> None:
        """Move the peeked piece's samples into :attr:`held`."""
        if self._next is not None:
            self.held = np.concatenate([self.held, self._next.samples])
            self._next = None


class SimulatedSource(SourceBase):
    """Endless IQ blocks rendered from simulator scenes, one scene per tuning.

    Parameters
    ----------
    scenes
        The scenes; they must share one sample rate and have distinct centre frequencies.
    seed
        Seed of the first pass of every scene.
    blocks
        Block size and overload threshold.
    realtime
        Deliver each block no earlier than its last sample would have been received live.
    clock, sleep, monotonic
        Wall clock, sleep and monotonic clock; injectable for tests.

    Raises
    ------
    SourceConfigError
        If there are no scenes, their rates differ, or two share a centre frequency.
    """

    def __init__(
        self,
        scenes: Sequence[Scene],
        *,
        seed: int = 1,
        blocks: BlockSettings | None = None,
        realtime: bool = False,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(blocks or BlockSettings())
        if not scenes:
            raise SourceConfigError("scenes", "give at least one scene")
        rates = {s.receiver.sample_rate_hz for s in scenes}
        if len(rates) > 1:
            raise SourceConfigError(
                "scenes", f"all scenes must share one sample rate, got {sorted(rates)} S/s"
            )
        centres = [s.receiver.center_hz for s in scenes]
        if len(set(centres)) != len(centres):
            raise SourceConfigError("scenes", f"two scenes share a centre frequency: {centres}")
        self._scenes = {s.receiver.center_hz: s for s in scenes}
        self._seed = seed
        self._rate_hz = rates.pop()
        self._realtime = realtime
        self._clock = clock
        self._sleep = sleep
        self._monotonic = monotonic
        self._center_hz = centres[0]
        self._tuned: dict[float, _Tuned] = {}
        self._anchor = clock()
        self._started_mono = 0.0
        self._elapsed_samples = 0
        self._seq = 0

    @property
    def center_hz(self) -> float:
        """Centre frequency of the scene tuned to, in Hz."""
        return self._center_hz

    @property
    def sample_rate_hz(self) -> float:
        """The scenes' sample rate, in samples per second."""
        return self._rate_hz

    @property
    def centers_hz(self) -> tuple[float, ...]:
        """The tunings available: the scenes' centre frequencies."""
        return tuple(self._scenes)

    def retune(self, center_hz: float) -> None:
        """Move to the scene centred on ``center_hz``; its undelivered samples are discarded."""
        if center_hz not in self._scenes:
            known = ", ".join(f"{c:.0f}" for c in self._scenes)
            raise SourceConfigError(
                "center_hz",
                f"no simulated scene is centred on {center_hz:.0f} Hz (scenes: {known} Hz)",
            )
        self._center_hz = center_hz
        tuned = self._tuned.get(center_hz)
        if tuned is not None:
            tuned.held = np.zeros(0, dtype=np.complex64)

    def _open(self) -> None:
        self._anchor = self._clock()
        self._started_mono = self._monotonic()
        self._elapsed_samples = 0

    def _close(self) -> None:
        self._tuned.clear()

    def _scene_state(self) -> _Tuned:
        tuned = self._tuned.get(self._center_hz)
        if tuned is None:
            tuned = _Tuned(self._scenes[self._center_hz], self._seed)
            self._tuned[self._center_hz] = tuned
        return tuned

    def _next_block(self) -> IQBlock:
        tuned = self._scene_state()
        want = self._blocks.block_samples
        flags = BlockFlags.NONE
        while tuned.held.size < want:
            piece = tuned.peek()
            if piece.dropped_before_s > 0:
                if tuned.held.size:
                    break  # deliver the samples before the gap first
                self._elapsed_samples += round(piece.dropped_before_s * self._rate_hz)
                flags |= BlockFlags.DROPPED
            tuned.consume()
        samples, tuned.held = tuned.held[:want], tuned.held[want:]
        block = IQBlock(
            samples=np.ascontiguousarray(samples),
            center_hz=self._center_hz,
            sample_rate_hz=self._rate_hz,
            captured_at=self._anchor + timedelta(seconds=self._elapsed_samples / self._rate_hz),
            seq=self._seq,
            flags=flags,
        )
        self._elapsed_samples += samples.size
        self._seq += 1
        if self._realtime:
            wait_s = self._started_mono + self._elapsed_samples / self._rate_hz - self._monotonic()
            if wait_s > 0:
                self._sleep(wait_s)
        return block
