"""Put low-rate emitters into the wideband stream: FFT-domain overlap-add synthesis.

Implementation notes
--------------------
The output is built in frames of ``N = sample_rate / 125`` samples with hop ``N / 2``. An emitter
at rate ``r`` (a multiple of 250 Hz) is cut into frames of ``n = r / 125`` samples with hop
``n / 2``, windowed by a periodic Hann window (whose half-overlapped copies sum to exactly 1),
transformed by an ``n``-point FFT and its bins are added to the output frame's spectrum at the
emitter's frequency offset (a whole number of 125 Hz bins; the remainder is mixed in at the
emitter rate). One ``N``-point inverse FFT per output frame then serves all emitters, and the
frames are overlap-added. Because the bins are only copied, each emitter is interpolated to the
output rate exactly inside its own band and adds nothing outside it: an emitter costs a few
small FFTs per frame, independent of the output rate. Frame ``b`` of the output starts at
sample ``(b - 1) N / 2``, so a bin shift ``k`` needs the phase ``(-1)**(k b)`` to stay coherent.

The same per-frame spectra give, for free, each emitter's power in every 5 kHz channel per
frame, which is the simulator's ground truth.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.fft

from monitor.sim.scene import SYNTH_BIN_HZ
from monitor.sim.stream import Complex

Real = npt.NDArray[np.float64]


def _hann(n: int) -> npt.NDArray[np.float32]:
    """Periodic Hann window: copies shifted by ``n / 2`` sum to 1."""
    return (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)).astype(np.float32)


class Lane:
    """One emitter's way into the wideband stream (its bins and its overlap state).

    Attributes
    ----------
    rate_hz
        Emitter sample rate.
    residual_hz
        Frequency the emitter must mix itself by, at its own rate, before :meth:`add`.
    hop
        Emitter samples per output frame.
    gain
        Per visible bin: the receiver's passband response times the ``N / n`` interpolation
        gain.
    """

    def __init__(
        self, synth: Synthesizer, offset_hz: float, rate_hz: float, *, nominal: bool
    ) -> None:
        n = round(rate_hz / SYNTH_BIN_HZ)
        if n % 2 or abs(n * SYNTH_BIN_HZ - rate_hz) > 1e-6:
            raise ValueError(f"emitter rate {rate_hz} Hz is not an even number of synthesis bins")
        self.rate_hz = rate_hz
        self.size = n
        self.hop = n // 2
        self.shift = round(offset_hz / SYNTH_BIN_HZ)
        self.residual_hz = offset_hz - self.shift * SYNTH_BIN_HZ
        big = synth.size
        lo = big // 2 + self.shift - n // 2  # first output bin (fftshifted order)
        self.out_lo, self.out_hi = max(lo, 0), min(lo + n, big)
        self.src_lo, self.src_hi = self.out_lo - lo, self.out_hi - lo
        # the visible bins in natural FFT order: at most two runs (the band may straddle 0 Hz)
        natural = (np.arange(self.out_lo, self.out_hi) - big // 2) % big
        cut = int(np.argmin(natural)) if natural.size else 0
        self._runs = [
            (int(natural[a]), int(natural[a]) + (b - a), a, b)
            for a, b in ((0, cut), (cut, natural.size))
            if b > a
        ]
        self.gain = (
            synth.passband[(np.arange(self.out_lo, self.out_hi) - big // 2) % big] * (big / n)
        ).astype(np.float32)
        self._scale = big / n
        self._window = _hann(n)
        self._window_power = float(n * np.sum(self._window.astype(np.float64) ** 2))
        self._src = (np.arange(self.src_lo, self.src_hi) - n // 2) % n  # natural FFT order
        self._tails = np.zeros((2 if nominal else 1, self.hop), dtype=np.complex64)

    @property
    def visible(self) -> bool:
        """Whether any of the emitter's bins fall inside the output band."""
        return self.out_hi > self.out_lo

    @property
    def takes_nominal(self) -> bool:
        """Whether :meth:`add` expects the emission without propagation too."""
        return self._tails.shape[0] == 2

    @property
    def idle(self) -> bool:
        """Whether the overlap state is silent (an emitter that stays off may be skipped)."""
        return not self._tails.any()

    def bin_frequencies_hz(self, synth: Synthesizer) -> Real:
        """Offsets from the centre (Hz) of the output bins this lane writes."""
        bins = np.arange(self.out_lo, self.out_hi, dtype=np.float64) - synth.size // 2
        out: Real = bins * SYNTH_BIN_HZ
        return out

    def add(
        self, spectra: Complex, first_frame: int, faded: Complex, nominal: Complex | None
    ) -> tuple[Real, Real | None]:
        """Add one block of the emitter (``frames * hop`` new samples) into ``spectra``.

        ``faded`` is what reaches the receiver; ``nominal`` is the same emission without
        propagation, for the ground truth only (given exactly when the lane was made with
        ``nominal=True``). Returns the power spectra of both per frame over the visible bins,
        normalised so that a bin sum is the mean power in the frame.
        """
        frames = spectra.shape[0]
        both = np.stack([faded] if nominal is None else [faded, nominal])
        padded = np.concatenate([self._tails, both], axis=1)
        self._tails = padded[:, -self.hop :].copy()
        view = np.lib.stride_tricks.sliding_window_view(padded, self.size, axis=1)
        cut = view[:, : frames * self.hop : self.hop] * self._window
        bins = scipy.fft.fft(cut, axis=2, overwrite_x=True)[:, :, self._src] * self.gain
        if self.shift % 2:
            bins[0, (first_frame + np.arange(frames)) % 2 == 1] *= -1
        for out_lo, out_hi, a, b in self._runs:
            spectra[:, out_lo:out_hi] += bins[0, :, a:b]
        power = (bins.real.astype(np.float64) ** 2 + bins.imag.astype(np.float64) ** 2) / (
            self._window_power * self._scale**2
        )
        return power[0], (power[1] if nominal is not None else None)


class Synthesizer:
    """The wideband side of the overlap-add synthesis at ``sample_rate_hz``.

    ``passband`` is the receiver's amplitude response per output bin (natural FFT order), applied
    to every emitter as it is placed; None for a flat receiver.
    """

    def __init__(
        self, sample_rate_hz: float, passband: npt.NDArray[np.float64] | None = None
    ) -> None:
        self.size = round(sample_rate_hz / SYNTH_BIN_HZ)
        self.hop = self.size // 2
        self.passband = np.ones(self.size) if passband is None else passband
        self._carry = np.zeros(self.hop, dtype=np.complex64)

    def lane(self, offset_hz: float, rate_hz: float, *, nominal: bool = False) -> Lane:
        """A lane for an emitter at ``offset_hz`` from the centre, generated at ``rate_hz``;
        ``nominal``: it will also be given the emission without propagation (for the truth)."""
        return Lane(self, offset_hz, rate_hz, nominal=nominal)

    def new_spectra(self, frames: int) -> Complex:
        """Empty frame spectra (natural FFT order) for one block of ``frames`` frames."""
        return np.zeros((frames, self.size), dtype=np.complex64)

    def finish(self, spectra: Complex) -> Complex:
        """Inverse-transform and overlap-add a block: ``frames * hop`` output samples.

        The output lags the frames by one hop: block ``j`` yields output samples
        ``[(j F - 1) hop, ((j + 1) F - 1) hop)``.
        """
        frames = scipy.fft.ifft(spectra, axis=1, overwrite_x=True)
        frames = frames.astype(np.complex64, copy=False)
        out = frames[:, : self.hop].copy()
        out[0] += self._carry
        out[1:] += frames[:-1, self.hop :]
        self._carry = frames[-1, self.hop :].copy()
        return out.ravel()
