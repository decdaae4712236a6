"""Programme audio for AM emitters: synthetic speech and music, and broadcast processing.

Speech is built from phrases of syllables (about 4 per second, 0.12-0.35 s each) separated by
pauses: a glottal pulse train with falling intonation through three formant resonators (vowel
formants drawn per syllable), with fricative noise onsets. Music is songs of phrases: a
pentatonic melody over chords and a bass line, harmonic-rich notes with attack and decay,
broadband percussion and phrase dynamics (see :class:`Music`). The
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
Spectrum = npt.NDArray[np.complex128]

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
    """Programme music: songs of four-bar phrases with melody, chords, bass and percussion.

    Each song draws a tempo (70-140 bpm), a key and instrument timbres. Notes are wavetable
    tones with 1/k**a harmonics (a = 0.9-1.5, so the spectrum falls with audio frequency)
    under attack/decay/release envelopes (plucked or bowed), velocities vary per note and a
    loudness contour of +-4 dB runs over each phrase. Percussion is broadband: kick clicks,
    snare noise bursts, hi-hats and an occasional crash at a phrase start; most songs have
    drums and some of their phrases drop them (a quiet passage).
    """

    _TABLE = 2048
    _BARS = 4

    def __init__(self, rng: np.random.Generator, rate_hz: float) -> None:
        self._rng = rng
        self._rate = rate_hz
        self._snare = signal.butter(1, [300.0, 1500.0], "bandpass", fs=rate_hz, output="sos")
        self._hat = signal.butter(
            2, 0.4 * min(rate_hz / 2, 8000.0), "highpass", fs=rate_hz, output="sos"
        )
        self._tail = np.zeros(0)
        self._bars_left = 0
        self._beat = 0
        self._tonic_hz = 0.0
        self._lead: Spectrum = np.zeros(self._TABLE // 2 + 1, dtype=np.complex128)
        self._pad = self._bass = self._lead
        self._lead_pluck = self._drums = False

    def _timbre(self, tilt: float) -> Spectrum:
        """Harmonic spectrum of an instrument: the k-th harmonic has amplitude ``k**-tilt``
        (+-30 %) and a random phase, scaled so that a period table holds ``sum_k a_k sin``."""
        rng = self._rng
        k = np.arange(1, self._TABLE // 2)
        amps = k**-tilt * rng.uniform(0.7, 1.3, k.size)
        spectrum = np.zeros(self._TABLE // 2 + 1, dtype=np.complex128)
        spectrum[1:-1] = amps * np.exp(2j * np.pi * rng.uniform(size=k.size)) * self._TABLE / 2
        return spectrum

    def _new_song(self) -> None:
        rng = self._rng
        self._bars_left = int(rng.integers(4, 13))
        self._beat = int(60.0 / rng.uniform(70, 140) * self._rate)
        self._tonic_hz = float(rng.uniform(220, 440))
        self._lead = self._timbre(rng.uniform(1.3, 1.8))
        self._pad = self._timbre(rng.uniform(1.6, 2.2))
        self._bass = self._timbre(rng.uniform(1.4, 2.0))
        self._lead_pluck = bool(rng.uniform() < 0.5)
        self._drums = bool(rng.uniform() < 0.85)

    def _note(self, timbre: Spectrum, freq_hz: float, hold_s: float, *, pluck: bool) -> Float:
        """A note held ``hold_s`` then released: attack, decay towards a sustain level, release.

        The period table keeps the harmonics below 0.45 of the rate (no aliasing).
        """
        fs, rng = self._rate, self._rng
        harmonics = timbre.copy()
        harmonics[int(0.45 * fs / freq_hz) + 1 :] = 0.0
        table = np.fft.irfft(harmonics, self._TABLE)
        n_hold, n = int(hold_s * fs), int((hold_s + 0.25) * fs)
        t = np.arange(n) / fs
        vibrato = 1.0 + 0.004 * np.sin(2 * np.pi * rng.uniform(4.5, 6.5) * t)
        phase = np.cumsum(freq_hz * vibrato / fs)
        tone = table[((phase % 1.0) * self._TABLE).astype(np.intp)]
        attack_s = rng.uniform(0.002, 0.01) if pluck else rng.uniform(0.03, 0.12)
        decay_s, sustain = (rng.uniform(0.15, 0.5), 0.0) if pluck else (0.3, 0.6)
        env = sustain + (1.0 - sustain) * np.exp(-t / decay_s)
        env *= np.minimum(t / attack_s, 1.0)
        env[n_hold:] *= np.exp(-(t[n_hold:] - t[n_hold]) / 0.06)
        out: Float = tone * env
        return out

    def _hit(self, kind: str) -> Float:
        """One percussion stroke: ``kick``, ``snare``, ``hat`` or ``crash``."""
        fs, rng = self._rate, self._rng
        length_s, decay_s = {"kick": (0.15, 0.04), "snare": (0.25, 0.07), "hat": (0.05, 0.008)}.get(
            kind, (1.5, 0.5)
        )
        t = np.arange(int(length_s * fs)) / fs
        noise = rng.standard_normal(t.size)
        if kind == "kick":
            thump = np.sin(2 * np.pi * np.cumsum(60 + 140 * np.exp(-t / 0.03)) / fs)
            body: Float = 2.0 * thump + signal.sosfilt(self._snare, noise) * np.exp(-t / 0.004)
        elif kind == "snare":
            body = signal.sosfilt(self._snare, noise) + 0.5 * np.sin(2 * np.pi * 190 * t)
        else:
            body = signal.sosfilt(self._hat, noise) * (0.6 if kind == "hat" else 0.8)
        out: Float = body * np.exp(-t / decay_s)
        return out

    def phrase(self) -> Float:
        """One phrase of four bars (with the release tail of the previous phrase)."""
        rng, fs = self._rng, self._rate
        if self._bars_left <= 0:
            self._new_song()
        self._bars_left -= self._BARS
        beat, beat_s = self._beat, self._beat / fs
        bar = 4 * beat
        out = np.zeros(self._BARS * bar + int(2.0 * fs))
        out[: self._tail.size] += self._tail

        def put(start: int, sound: Float, gain: float) -> None:
            out[start : start + sound.size] += gain * sound[: out.size - start]

        drums = self._drums and rng.uniform() < 0.85
        if drums and rng.uniform() < 0.5:
            put(0, self._hit("crash"), 0.5)
        for b in range(self._BARS):
            root = float(rng.choice([0, 7, 9, 5, 2]))
            chord_hz = self._tonic_hz * 2 ** ((root + np.array([0.0, 4.0, 7.0])) / 12 - 1)
            for f in chord_hz:
                put(b * bar, self._note(self._pad, f, 4 * beat_s, pluck=False), 0.15)
            for k in (0, 2):
                bass_hz = self._tonic_hz * 2 ** (root / 12 - 2)
                put(
                    b * bar + k * beat,
                    self._note(self._bass, bass_hz, 1.8 * beat_s, pluck=True),
                    0.5,
                )
            position = 0
            while position < 4 * beat:
                steps = int(rng.choice([1, 1, 2, 2, 2, 4]))  # in half beats
                semis = _PENTATONIC[rng.integers(len(_PENTATONIC))]
                f = self._tonic_hz * 2 ** (semis / 12)
                note = self._note(self._lead, f, steps * beat_s / 2, pluck=self._lead_pluck)
                put(b * bar + position, note, rng.uniform(0.5, 1.0))
                position += steps * beat // 2
            if drums:
                for k in range(8):
                    start = b * bar + k * beat // 2
                    if k in (0, 4) or (k == 7 and rng.uniform() < 0.3):
                        put(start, self._hit("kick"), rng.uniform(0.7, 1.0))
                    if k in (2, 6):
                        put(start, self._hit("snare"), rng.uniform(1.0, 1.5))
                    if rng.uniform() < 0.8:
                        put(start, self._hit("hat"), rng.uniform(1.0, 2.0))
        end = self._BARS * bar
        contour_db = np.interp(np.arange(end), np.linspace(0, end, 5), rng.uniform(-4.0, 4.0, 5))
        self._tail = out[end:]
        result: Float = out[:end] * 10.0 ** (contour_db / 20.0)
        return result


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
            Speech(rng, rate_hz).phrase if kind == "speech" else Music(rng, rate_hz).phrase
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
