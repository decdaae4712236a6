"""Radio noise at the antenna: ITU-R P.372 man-made and galactic levels, atmospheric crashes.

Man-made noise ``Fam = c - d log10(f_MHz)`` dB above kT0b (domain.md 0.7 and 2.1) for the site
class, plus galactic noise ``52 - 23 log10(f_MHz)``, plus the receiver's own noise figure,
summed as powers: noise density in dBm/Hz is ``-174 + 10 log10(10**(Fam/10) + 10**(Fgal/10) +
10**(NF/10) - 1)``. The density follows the frequency across the recorded band (about 4 dB
from edge to edge of a 2 MHz span at 6 MHz). Atmospheric noise is a Poisson stream of
broadband bursts of 0.5-5 ms with exponentially decaying envelopes (domain.md 3.2).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import scipy.fft

from monitor.sim.receiver import passband_gain
from monitor.sim.scene import Atmospherics, Receiver
from monitor.sim.stream import Complex

P372_MAN_MADE = {
    "city": (76.8, 27.7),
    "residential": (72.5, 27.7),
    "rural": (67.2, 27.7),
    "quiet_rural": (53.6, 28.6),
}
"""ITU-R P.372 man-made noise coefficients (c, d) per environment."""
P372_GALACTIC = (52.0, 23.0)
KT0_DBM_HZ = -174.0
"""Thermal noise density at 290 K, dBm/Hz."""

Real = npt.NDArray[np.float64]


def noise_density_dbm_hz(frequency_hz: npt.ArrayLike, site: str, noise_figure_db: float) -> Real:
    """Median noise density at the receiver input, dBm/Hz, at RF ``frequency_hz``.

    >>> round(float(noise_density_dbm_hz(6.0e6, "residential", 0.0)), 1)
    -123.1
    """
    f_mhz = np.maximum(np.asarray(frequency_hz, dtype=np.float64) / 1e6, 0.01)
    total = 10.0 ** ((P372_GALACTIC[0] - P372_GALACTIC[1] * np.log10(f_mhz)) / 10.0)
    if site in P372_MAN_MADE:
        c, d = P372_MAN_MADE[site]
        total = total + 10.0 ** ((c - d * np.log10(f_mhz)) / 10.0)
    total = total + 10.0 ** (noise_figure_db / 10.0) - 1.0
    out: Real = KT0_DBM_HZ + 10.0 * np.log10(total)
    return out


def quantisation_density(receiver: Receiver) -> float:
    """Density of the ADC's quantisation noise in full-scale units per Hz (0 without an ADC).

    Uniform rounding of each component to steps of ``1 / q`` (``q = (2**bits - 1) / 2``, the cu8
    convention for 8 bits) adds ``2 / (12 q**2)`` spread over the sample rate.
    """
    if receiver.adc_bits is None:
        return 0.0
    q = (2**receiver.adc_bits - 1) / 2
    return float(2.0 / (12.0 * q * q) / receiver.sample_rate_hz)


def site_density(receiver: Receiver, offsets_hz: npt.ArrayLike) -> Real:
    """Site noise density in full-scale units per Hz at the given offsets from the centre."""
    dbm_hz = noise_density_dbm_hz(
        receiver.center_hz + np.asarray(offsets_hz, dtype=np.float64),
        receiver.site,
        receiver.noise_figure_db,
    )
    out: Real = 10.0 ** ((dbm_hz - receiver.full_scale_dbm) / 10.0)
    return out


class WidebandNoise:
    """Gaussian site noise at the output rate, coloured by the P.372 slope, block by block.

    Each block of ``block`` samples is drawn in the frequency domain with the density of each
    bin and inverse-transformed (the slope is a few dB over the band, so the blocks join
    without a visible seam).
    """

    def __init__(self, receiver: Receiver, block: int, rng: np.random.Generator) -> None:
        self._rng = rng
        self._block = block
        fs = receiver.sample_rate_hz
        offsets = scipy.fft.fftfreq(block, 1.0 / fs)
        density = site_density(receiver, offsets) * passband_gain(receiver, offsets) ** 2
        # per-bin amplitude so that ifft(norm="forward") gives the density: E|x|^2 = sum S df
        self._amplitude = np.sqrt(density * fs / block / 2.0).astype(np.float32)

    def read(self) -> Complex:
        """The next block of noise."""
        parts = self._rng.standard_normal((self._block, 2), dtype=np.float32)
        parts *= self._amplitude[:, None]
        spectrum = parts.view(np.complex64).ravel()
        out: Complex = scipy.fft.ifft(spectrum, norm="forward", overwrite_x=True)
        return out


class AtmosphericNoise:
    """Lightning crashes: bursts at Poisson times, peak power ``level_db`` (median, log-normal
    with 6 dB spread) over the site noise power of the whole band."""

    def __init__(
        self, settings: Atmospherics, noise_power: float, rate_hz: float, rng: np.random.Generator
    ) -> None:
        self._s = settings
        self._rng = rng
        self._rate = rate_hz
        self._noise_power = noise_power
        self._pending = np.zeros(0, dtype=np.complex64)

    def add_to(self, block: Complex) -> None:
        """Add the crashes falling in the next ``block.size`` samples to ``block`` in place."""
        s, rng, fs, n = self._s, self._rng, self._rate, block.size
        carry = self._pending[:n]
        block[: carry.size] += carry
        rest = self._pending[n:]
        for start in np.sort(rng.uniform(0, n, rng.poisson(s.rate_hz * n / fs))).astype(int):
            length = int(math.exp(rng.uniform(*np.log(s.duration_s))) * fs) + 1
            tau = length / 3.0
            peak_db = s.level_db + 6.0 * rng.standard_normal()
            amp = math.sqrt(self._noise_power * 10.0 ** (peak_db / 10.0) / 2.0)
            env = amp * np.exp(-np.arange(length) / tau)
            burst = (env * (rng.standard_normal(length) + 1j * rng.standard_normal(length))).astype(
                np.complex64
            )
            inside = min(length, n - start)
            block[start : start + inside] += burst[:inside]
            spill = burst[inside:]
            if spill.size:
                grown = np.zeros(max(rest.size, spill.size), dtype=np.complex64)
                grown[: rest.size] += rest
                grown[: spill.size] += spill
                rest = grown
        self._pending = rest
