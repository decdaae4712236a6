"""Small scenes and measurements shared by the simulator tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from monitor.sim.render import Renderer
from monitor.sim.scene import Scene, parse_scene


def make_scene(
    emitters: list[dict[str, Any]], *, impairments: dict[str, Any] | None = None, **receiver: Any
) -> Scene:
    """A scene with an ideal receiver (cf32, no ADC, no DC or image) unless overridden."""
    rx: dict[str, Any] = {
        "center_hz": 7_302_500,
        "sample_rate_hz": 64_000,
        "duration_s": 4.0,
        "datatype": "cf32_le",
        "adc_bits": None,
        "site": "rural",
        "impairments": {"dc_offset_dbfs": None, "image_rejection_db": None, **(impairments or {})},
    }
    rx.update(receiver)
    return parse_scene({"receiver": rx, "emitters": emitters}, "test scene")


def render(scene: Scene, seed: int = 1) -> npt.NDArray[np.complex64]:
    """All samples of a scene in memory (small scenes only)."""
    return np.concatenate([b.samples for b in Renderer(scene, seed, truth=False).blocks()])


def psd(
    x: npt.NDArray[np.complex64], rate_hz: float, bin_hz: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Averaged Hann periodogram: (offsets from the centre in Hz, power per Hz), centred."""
    n = round(rate_hz / bin_hz)
    w = np.hanning(n)
    frames = x[: x.size // n * n].reshape(-1, n) * w
    p = np.mean(np.abs(np.fft.fft(frames, axis=1)) ** 2, axis=0) / (np.sum(w**2) * rate_hz)
    return np.fft.fftshift(np.fft.fftfreq(n, 1 / rate_hz)), np.fft.fftshift(p)


def occupied_bandwidth(freqs_hz: npt.ArrayLike, density: npt.ArrayLike, noise: float) -> float:
    """99 % occupied bandwidth (ITU-R SM.443: 0.5 % of the power outside each edge), Hz."""
    freqs_hz = np.asarray(freqs_hz, dtype=np.float64)
    excess = np.clip(np.asarray(density, dtype=np.float64) - noise, 0.0, None)
    cum = np.cumsum(excess) / np.sum(excess)
    lo = freqs_hz[np.searchsorted(cum, 0.005)]
    hi = freqs_hz[np.searchsorted(cum, 0.995)]
    return float(hi - lo + (freqs_hz[1] - freqs_hz[0]))
