"""Programme audio for AM emitters: synthetic speech and music, and broadcast processing.

Speech is built from phrases of syllables (about 4 per second, 0.12-0.35 s each) separated by
pauses: a glottal pulse train with falling intonation through three formant resonators (vowel
formants drawn per syllable), with fricative noise onsets. Music is bars of a pentatonic melody
(harmonic notes with vibrato), a drone and percussion at 70-140 beats per minute. The
processor band-limits to 150 Hz..``audio_bandwidth_hz`` (domain.md 2.2), sets the RMS
modulation ``m_rms`` (2.2: 0.2-0.45 for processed programme) and limits peaks to +-1.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy import signal

from monitor.sim.stream import Complex, PieceSource

Float = npt.NDArray[np.float64]

_VOWELS_HZ = np.array(
    [
        (730, 1090, 2440),
        (270, 2290, 3010),
        (300, 870, 2240),
        (530, 1840, 2480),
        (570, 840, 2410),
        (660, 1720, 2410),
        (490, 1350, 1690),
        (440, 1020, 2240),
    ],
    dtype=np.float64,
)
"""First three formants (Hz) of common vowels (Peterson & Barney averages)."""

_PENTATONIC = np.array([0, 2, 4, 7, 9, 12, 14, 16], dtype=np.float64)
"""Semitone steps of a pentatonic scale over two octaves (Chinese folk, Firedrake-like)."""


def _resonator(freq_hz: float, bandwidth_hz: float, rate_hz: float) -> Float:
    """Denominator of a two-pole resonator at ``freq_hz``."""
    r = math.exp(-math.pi * bandwidth_hz / rate_hz)
    return np.array([1.0, -2.0 * r * math.cos(2 * math.pi * freq_hz / rate_hz), r * r])


def _envelope(n: int, attack: int, release: int) -> Float:
    env = np.ones(n)
    attack, release = min(attack, n // 2), min(release, n // 2)
    if attack:
        env[:attack] = 0.5 - 0.5 * np.cos(np.pi * np.arange(attack) / attack)
    if release:
        env[n - release :] = 0.5 + 0.5 * np.cos(np.pi * np.arange(1, release + 1) / release)
    return env


class Speech:
    """Speech-like phrases: one speaker (base pitch drawn once) per instance."""

    def __init__(self, rng: np.random.Generator, rate_hz: float) -> None:
        self._rng = rng
        self._rate = rate_hz
        self._pitch_hz = float(rng.choice([rng.uniform(90, 140), rng.uniform(170, 240)]))
        self._fricative = signal.butter(2, 2500.0, "highpass", fs=rate_hz, output="sos")

    def phrase(self) -> Float:
        """One phrase of 3-12 syllables followed by a pause."""
        rng, fs = self._rng, self._rate
        syllables = [self._syllable(i) for i in range(int(rng.integers(3, 13)))]
        pause = 0.002 * rng.standard_normal(int(rng.uniform(0.2, 0.9) * fs))
        voiced = np.concatenate(syllables)
        # falling intonation over the phrase: apply after the fact as a gentle level tilt
        voiced *= np.linspace(1.0, 0.7, voiced.size)
        return np.concatenate([voiced, pause])

    def _syllable(self, index: int) -> Float:
        rng, fs = self._rng, self._rate
        n = int(rng.uniform(0.12, 0.35) * fs)
        f0 = self._pitch_hz * (1.0 - 0.02 * index) * (1 + 0.08 * rng.standard_normal())
        contour = f0 * (1.0 + 0.1 * np.linspace(0.5, -0.5, n) * rng.uniform(0.0, 1.0))
        phase = np.cumsum(contour / fs)
        pulses = np.diff(np.floor(phase), prepend=0.0)
        glottal = signal.lfilter([1.0], [1.0, -0.95], pulses)  # spectral tilt of the glottis
        f1, f2, f3 = _VOWELS_HZ[rng.integers(len(_VOWELS_HZ))] * rng.uniform(0.9, 1.1)
        den = np.convolve(
            np.convolve(_resonator(f1, 80, fs), _resonator(f2, 100, fs)),
            _resonator(min(f3, 0.45 * fs), 150, fs),
        )
        vowel = signal.lfilter([1.0], den, glottal)
        vowel /= np.sqrt(np.mean(vowel**2)) + 1e-12
        out: Float = vowel * _envelope(n, int(0.03 * fs), int(0.06 * fs))
        if rng.uniform() < 0.5:
            m = int(rng.uniform(0.03, 0.08) * fs)
            hiss = signal.sosfilt(self._fricative, rng.standard_normal(m))
            hiss *= 0.5 * _envelope(m, m // 4, m // 2)
            out = np.concatenate([hiss, out])
        return out


class Music:
    """Looping-band-like music: melody on a pentatonic scale, drone and percussion."""

    def __init__(self, rng: np.random.Generator, rate_hz: float) -> None:
        self._rng = rng
        self._rate = rate_hz
        self._beat_s = 60.0 / float(rng.uniform(70, 140))
        self._tonic_hz = float(rng.uniform(220, 440))
        self._bright = signal.butter(2, 3000.0, "highpass", fs=rate_hz, output="sos")

    def _note(self, freq_hz: float, n: int, pluck: bool) -> Float:
        fs = self._rate
        t = np.arange(n) / fs
        vibrato = 1.0 + 0.006 * np.sin(2 * np.pi * 5.5 * t)
        rotor = np.exp(2j * np.pi * np.cumsum(freq_hz * vibrato) / fs)
        power = rotor.copy()
        tone = np.zeros(n)
        for k in range(1, 7):
            if k * freq_hz < 0.45 * fs:
                tone += power.imag / k  # sin(k phase) / k
            power *= rotor
        if pluck:
            return tone * np.exp(-t / (0.3 * n / fs))
        result: Float = tone * _envelope(n, int(0.02 * fs), int(0.05 * fs))
        return result

    def bar(self) -> Float:
        """One bar of four beats."""
        rng, fs = self._rng, self._rate
        beat = int(self._beat_s * fs)
        out = np.zeros(4 * beat)
        step = beat // 2 if rng.uniform() < 0.5 else beat
        pluck = bool(rng.uniform() < 0.4)
        for start in range(0, out.size - step + 1, step):
            semis = _PENTATONIC[rng.integers(len(_PENTATONIC))]
            out[start : start + step] += self._note(self._tonic_hz * 2 ** (semis / 12), step, pluck)
        out += 0.4 * self._note(self._tonic_hz / 2, out.size, pluck=False)
        for k in range(4):
            m = min(int(0.12 * fs), beat)
            t = np.arange(m) / fs
            if k % 2 == 0:  # drum: falling pitch thump
                drum = np.sin(2 * np.pi * np.cumsum(150 * np.exp(-t / 0.05)) / fs)
                out[k * beat : k * beat + m] += 1.5 * drum * np.exp(-t / 0.04)
            hat = signal.sosfilt(self._bright, rng.standard_normal(m)) * np.exp(-t / 0.015)
            half = k * beat + beat // 2
            out[half : half + m] += 0.6 * hat[: out.size - half]
        return out


class Programme(PieceSource):
    """Processed modulation m(t) of a programme (``speech`` or ``music``), real, |m| <= 1.

    Each phrase or bar is normalised to unit RMS (broadcast processing keeps the loudness
    constant), band-limited, scaled to ``m_rms``, soft-limited, filtered again (clipper
    overshoot) and hard-limited to +-1 so the carrier never pinches off.
    """

    def __init__(
        self,
        rng: np.random.Generator,
        rate_hz: float,
        *,
        kind: str,
        m_rms: float,
        audio_bandwidth_hz: float,
    ) -> None:
        super().__init__()
        self._next_piece = (
            Speech(rng, rate_hz).phrase if kind == "speech" else Music(rng, rate_hz).bar
        )
        self._m_rms = m_rms
        high = min(audio_bandwidth_hz, 0.45 * rate_hz)
        self._band = signal.butter(4, [150.0, high], "bandpass", fs=rate_hz, output="sos")
        self._band_state = np.zeros((self._band.shape[0], 2))
        self._post = signal.butter(8, high, "lowpass", fs=rate_hz, output="sos")
        self._post_state = np.zeros((self._post.shape[0], 2))

    def _produce(self) -> Complex:
        raw = self._next_piece()
        band, self._band_state = signal.sosfilt(self._band, raw, zi=self._band_state)
        scaled = self._m_rms * band / (np.sqrt(np.mean(band**2)) + 1e-12)
        knee = 0.7
        mag = np.abs(scaled)
        soft = knee + (1 - knee) * np.tanh((mag - knee) / (1 - knee))
        limited = np.where(mag < knee, scaled, np.sign(scaled) * soft)
        post, self._post_state = signal.sosfilt(self._post, limited, zi=self._post_state)
        out: Complex = np.clip(post, -1.0, 1.0).astype(np.complex64)
        return out
