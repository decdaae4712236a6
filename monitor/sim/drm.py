"""DRM (Digital Radio Mondiale) OFDM on short wave: robustness modes A and B, 10 kHz.

Numbers from domain.md 2.3 (ETSI ES 201 980 via gr-drm): at 48 kHz mode A has a 1152-point
useful symbol (Tu 24 ms) and a 1/9 guard interval, mode B 1024 points (Tu 21.33 ms) and 1/4;
spectrum occupancy 3 (10 kHz) uses carriers -114..114 (A) or -103..103 (B); the DC carrier is
unused (A: -1, 0, +1; B: 0); the frequency pilots at +750, +2250 and +3000 Hz are boosted by
sqrt(2) and are continuous tones. The other cells are random 16-QAM (no channel coding), which
is enough for every spectral and cyclostationary feature a monitor looks at. The signal is made
at a multiple of 12 kHz and passed through a transmitter filter just outside +-4.8 kHz.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

from monitor.sim.stream import Complex, PieceSource

MODES = {
    # mode: (useful symbol at 12 kHz, guard at 12 kHz, k_max, unused carriers, pilot carriers)
    "A": (288, 32, 114, (-1, 0, 1), (18, 54, 72)),
    "B": (256, 64, 103, (0,), (16, 48, 64)),
}
SYMBOLS_PER_FRAME = 15
"""Symbols per 400 ms transmission frame in modes A and B."""
HALF_WIDTH_HZ = 4830.0
"""Outermost carrier of spectrum occupancy 3, Hz from the channel frequency."""


class Drm(PieceSource):
    """A DRM signal of unit mean power at ``rate_hz`` (a multiple of 12 kHz), frame by frame."""

    def __init__(self, rng: np.random.Generator, rate_hz: float, mode: str) -> None:
        super().__init__()
        if rate_hz % 12000:
            raise ValueError(f"DRM needs a multiple of 12 kHz, not {rate_hz}")
        factor = int(rate_hz // 12000)
        nu12, ng12, k_max, unused, pilots = MODES[mode]
        self._nu, self._ng = nu12 * factor, ng12 * factor
        self._rng = rng
        carriers = np.array([k for k in range(-k_max, k_max + 1) if k not in unused])
        self._data = np.array([k for k in carriers if k not in pilots])
        self._pilots = np.array(pilots)
        self._pilot_phase = rng.uniform(0, 2 * np.pi, len(pilots))
        self._symbol = 0
        cell_power = len(self._data) + 2.0 * len(pilots)
        self._scale = self._nu / np.sqrt(cell_power)
        self._filter = signal.butter(10, 5600.0, fs=rate_hz, output="sos")
        self._state = np.zeros((self._filter.shape[0], 2), dtype=np.complex128)

    def _produce(self) -> Complex:
        rng, nu, ng = self._rng, self._nu, self._ng
        s = self._symbol + np.arange(SYMBOLS_PER_FRAME)[:, None]
        cells = np.zeros((SYMBOLS_PER_FRAME, nu), dtype=np.complex128)
        levels = np.array([-3.0, -1.0, 1.0, 3.0]) / np.sqrt(10.0)
        shape = (SYMBOLS_PER_FRAME, self._data.size)
        cells[:, self._data % nu] = rng.choice(levels, shape) + 1j * rng.choice(levels, shape)
        # continuous pilot tones: phase advances by 2 pi k (Nu + Ng) / Nu per symbol
        turns = self._pilots[None, :] * ((nu + ng) * s + ng) / nu
        cells[:, self._pilots % nu] = np.sqrt(2.0) * np.exp(
            1j * (2 * np.pi * turns + self._pilot_phase)
        )
        self._symbol += SYMBOLS_PER_FRAME
        useful = np.fft.ifft(cells, axis=1) * self._scale
        symbols = np.concatenate([useful[:, -ng:], useful], axis=1).ravel()
        out, self._state = signal.sosfilt(self._filter, symbols, zi=self._state)
        return out.astype(np.complex64)
