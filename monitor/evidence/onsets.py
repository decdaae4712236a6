"""Where jammed segments may start, from the per-step verdicts, as soon as it can be known.

The tracker (:mod:`dsp.tracker`) only hands a segment over when it closes, which for a long
jamming window is the end of the dwell; the clip must start seconds before the onset, so the
recorder needs the onset earlier. A jammed segment starts at the first step of a run of
``jammed`` verdicts that the tracker confirms: a run of ``confirm_steps`` steps, or any run
right after an ``unknown`` step or the first step of a tuning (both confirmed at once), moved
back by the steps its first verdict's evidence covers (:func:`dsp.tracker.onset_lookback`).
This watch reports exactly those runs, when they qualify; which of them really opened a segment is
settled when the dwell's segments arrive (a run inside a window that was already jammed, after
a one-step flicker, opens none).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt

from dsp.tracker import DEFAULT_CONFIRM_STEPS, MAX_LOOKBACK_STEPS, onset_lookback
from dsp.vocabulary import STATES

JAMMED = STATES.index("jammed")
UNKNOWN = STATES.index("unknown")
NONE = -1
"""State before the first step of a tuning."""


class OnsetWatch:
    """Finds candidate onsets of jammed segments, step by step, for one tuning at a time.

    Parameters
    ----------
    confirm_steps
        Steps a run of ``jammed`` verdicts must last to be believed (the tracker's setting).

    Examples
    --------
    >>> from datetime import UTC, timedelta
    >>> t0 = datetime(2026, 2, 16, 12, tzinfo=UTC)
    >>> watch = OnsetWatch(2)
    >>> freqs = np.array([7_250_000, 7_255_000])
    >>> steps = [[1, 0], [2, 0], [2, 2]]  # signal, jammed, jammed on the first channel
    >>> found = []
    >>> none = np.zeros(2, np.int8)  # no verdict's evidence reaches back
    >>> for k, states in enumerate(steps):
    ...     t = t0 + timedelta(seconds=k)
    ...     found += watch.step(t, t + timedelta(seconds=1), freqs, np.array(states, np.int8), none)
    >>> [(f, (t - t0).seconds) for f, t in found]
    [(7250000, 1)]
    """

    def __init__(self, confirm_steps: int = DEFAULT_CONFIRM_STEPS["jammed"]) -> None:
        self.confirm_steps = confirm_steps
        self._frequencies_hz: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.reset()

    def reset(self) -> None:
        """Forget the past: the next step is the first of a tuning."""
        channels = self._frequencies_hz.size
        self._times: list[datetime] = []
        self._end: datetime | None = None
        self._previous = np.full(channels, NONE, dtype=np.int8)
        self._history: list[npt.NDArray[np.int8]] = []
        self._before = np.full(channels, NONE, dtype=np.int8)
        self._run = np.zeros(channels, dtype=np.int64)
        self._run_start = np.zeros(channels, dtype=np.int64)
        self._reported = np.zeros(channels, dtype=bool)

    def step(
        self,
        start: datetime,
        end: datetime,
        frequencies_hz: npt.NDArray[np.int64],
        states: npt.NDArray[np.int8],
        lookback: npt.NDArray[np.int8],
    ) -> list[tuple[int, datetime]]:
        """Add one step's raw states and their verdicts' lookback; return ``(frequency_hz,
        onset)`` of runs that qualified.

        A step that does not follow the previous one, or has other channels, starts afresh
        (the tracker does the same after a gap or a retune).
        """
        if not np.array_equal(frequencies_hz, self._frequencies_hz) or (
            self._end is not None and start != self._end
        ):
            self._frequencies_hz = np.array(frequencies_hz, dtype=np.int64)
            self.reset()
        index = len(self._times)
        self._times.append(start)
        self._end = end
        jammed = states == JAMMED
        fresh = jammed & (self._previous != JAMMED)
        self._before[fresh] = self._previous[fresh]
        self._run_start[fresh] = index - onset_lookback(lookback, self._history)[fresh]
        self._reported[fresh] = False
        self._run = np.where(jammed, self._run + 1, 0)
        at_once = (self._before == NONE) | (self._before == UNKNOWN)
        ready = jammed & ~self._reported & ((self._run >= self.confirm_steps) | at_once)
        self._reported |= ready
        self._previous = states.astype(np.int8, copy=True)
        self._history = [*self._history[-MAX_LOOKBACK_STEPS:], self._previous]
        return [
            (int(self._frequencies_hz[ch]), self._times[int(self._run_start[ch])])
            for ch in np.flatnonzero(ready)
        ]
