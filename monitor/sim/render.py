"""Render a scene as a stream of complex64 blocks (a generator usable as an endless source).

Per block: each emitter makes its baseband at its own low rate, switched by its schedule,
scaled to its level, mixed to its fine offset and passed through its own propagation path; the
:class:`~monitor.sim.synth.Synthesizer` places all emitters into the wideband stream; site
noise and atmospherics are added at the output rate; the :class:`ReceiverChain` adds the
receiver's defects and digitises; dropped-sample gaps are cut out. Everything draws from
random generators spawned from one seed in a fixed order, so a seed gives the same samples.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from monitor.sim.audio import Programme
from monitor.sim.noise import AtmosphericNoise, WidebandNoise, quantisation_density, site_density
from monitor.sim.propagation import Path
from monitor.sim.receiver import ReceiverChain, if_filter_gain, passband_gain
from monitor.sim.scene import JAMMER_KIND_TYPE, SYNTH_BIN_HZ, ProgramJammer, Scene, SweepJammer
from monitor.sim.sources import make_source, rate_for
from monitor.sim.stream import Complex, gate
from monitor.sim.synth import Lane, Synthesizer
from monitor.sim.truth import (
    CHANNEL_HALF_WIDTH_HZ,
    EmitterInfo,
    TruthAccumulator,
    TruthRow,
    channel_matrix,
    channels_in_span,
)

SWITCH_RAMP_S = 0.005
"""Rise and fall time of a transmitter switching on or off."""
BLOCK_S = 0.25
"""Approximate duration of one rendered block."""


@dataclass(frozen=True, slots=True)
class SimBlock:
    """A run of consecutive output samples.

    Attributes
    ----------
    samples
        Digitised complex64 samples, full scale +-1.
    sample_start
        Index of ``samples[0]`` in the recording (dropped samples are not counted).
    time_s
        Scene time of ``samples[0]``, seconds from the start.
    dropped_before_s
        Seconds of samples dropped just before this block (0.0 when contiguous).
    """

    samples: Complex
    sample_start: int
    time_s: float
    dropped_before_s: float = 0.0


class _Oscillator:
    """exp(j 2 pi f t) with continuous phase across blocks."""

    def __init__(self, freq_hz: float, rate_hz: float) -> None:
        self._step = 2 * math.pi * freq_hz / rate_hz
        self._n = 0

    def read(self, n: int) -> Complex:
        k = self._n + np.arange(n, dtype=np.float64)
        self._n += n
        phase = ((self._step * k) % (2 * math.pi)).astype(np.float32)
        out: Complex = np.empty(n, dtype=np.complex64)
        out.real = np.cos(phase)
        out.imag = np.sin(phase)
        return out


class _Transmitter:
    """One carrier: amplitude, fine frequency and its own propagation path."""

    def __init__(self, amplitude: float, freq_hz: float, rate_hz: float, path: Path) -> None:
        self.amplitude = np.float32(amplitude)
        self.oscillator = _Oscillator(freq_hz, rate_hz) if freq_hz else None
        self.path = path

    def emit(self, baseband: Complex, envelope: npt.NDArray[np.float32]) -> tuple[Complex, Complex]:
        x = baseband * (envelope * self.amplitude)
        if self.oscillator is not None:
            x = x * self.oscillator.read(x.size)
        return self.path.apply(x), x


class _Emitter:
    """An emitter at run time: schedule, source(s), transmitters and its synthesis lane."""

    def __init__(
        self,
        scene: Scene,
        index: int,
        synth: Synthesizer,
        rng: np.random.Generator,
        *,
        until_s: float,
        truth: bool,
    ) -> None:
        spec = scene.emitters[index]
        rate = rate_for(spec)
        r = scene.receiver
        self.schedule = scene.schedule(index, until_s)
        # the truth judges broadcasts without propagation ("not counting fading")
        self.lane: Lane = synth.lane(
            spec.frequency_hz + spec.offset_hz - r.center_hz,
            rate,
            nominal=truth and spec.kind not in JAMMER_KIND_TYPE,
        )
        self._n = 0
        amp = 10.0 ** ((spec.level_dbm - r.full_scale_dbm) / 20.0)
        residual = self.lane.residual_hz
        if isinstance(spec, ProgramJammer):
            self._programme: Programme | None = Programme(
                rng,
                rate,
                kind=spec.programme,
                m_rms=spec.m_rms,
                audio_bandwidth_hz=spec.audio_bandwidth_hz,
            )
            self._delays = [round(c.delay_s * rate) for c in spec.carriers]
            self._audio = np.zeros(max(self._delays), dtype=np.float32)
            self._tx = [
                _Transmitter(
                    amp * 10.0 ** (c.level_db / 20.0),
                    residual + c.offset_hz,
                    rate,
                    Path(spec.propagation, rate, rng),
                )
                for c in spec.carriers
            ]
        else:
            self._programme = None
            self._source = make_source(spec, rng, rate)
            self._tx = [_Transmitter(amp, residual, rate, Path(spec.propagation, rate, rng))]

    def read(self, n: int) -> tuple[Complex, Complex | None] | None:
        """The next ``n`` samples (received, nominal or None when the lane does not take it),
        or None when off and silent."""
        times = (self._n + np.arange(n, dtype=np.float64)) / self.lane.rate_hz
        self._n += n
        envelope = gate(times, self.schedule, SWITCH_RAMP_S)
        if not envelope.any() and self.lane.idle:
            return None
        if self._programme is None:
            faded, nominal = self._tx[0].emit(self._source.read(n), envelope)
            return faded, (nominal if self.lane.takes_nominal else None)
        audio = np.concatenate([self._audio, self._programme.read(n).real.astype(np.float32)])
        if self._audio.size:
            self._audio = audio[-self._audio.size :]
        faded = np.zeros(n, dtype=np.complex64)
        nominal = np.zeros(n, dtype=np.complex64)
        for delay, tx in zip(self._delays, self._tx, strict=True):
            start = audio.size - n - delay
            f, x = tx.emit((1.0 + audio[start : start + n]).astype(np.complex64), envelope)
            faded += f
            nominal += x
        return faded, (nominal if self.lane.takes_nominal else None)


class Renderer:
    """Render a scene block by block.

    Parameters
    ----------
    scene
        The validated scene.
    seed
        Seed of every random draw; the same seed gives the same samples.
    endless
        Keep going past ``receiver.duration_s`` (a live source); schedules still apply.
    truth
        Collect the per-channel, per-second ground truth (read it with :meth:`truth_rows`).
    """

    def __init__(
        self, scene: Scene, seed: int, *, endless: bool = False, truth: bool = True
    ) -> None:
        r = scene.receiver
        self.scene = scene
        self.sample_rate_hz = r.sample_rate_hz
        self.total_samples = None if endless else round(r.duration_s * r.sample_rate_hz)
        self.channels_hz = channels_in_span(r.center_hz, r.sample_rate_hz)
        size = round(r.sample_rate_hz / SYNTH_BIN_HZ)
        offsets = (np.arange(size, dtype=np.float64) - size // 2) * SYNTH_BIN_HZ
        passband = passband_gain(r, offsets)
        self._synth = Synthesizer(r.sample_rate_hz, np.fft.ifftshift(passband))
        hop = self._synth.hop
        # a power of two frames per block keeps the noise FFT fast
        self._frames = 1 << max(0, round(math.log2(BLOCK_S * r.sample_rate_hz / hop)))
        streams = np.random.SeedSequence(seed).spawn(4 + len(scene.emitters))
        rngs = [np.random.default_rng(s) for s in streams]
        self._noise = WidebandNoise(r, self._frames * hop, rngs[0])
        site = site_density(r, offsets)
        density = site * (passband * if_filter_gain(r, offsets)) ** 2 + quantisation_density(r)
        self._atmos = (
            None
            if r.atmospherics is None
            else AtmosphericNoise(
                r.atmospherics, float(np.sum(site) * SYNTH_BIN_HZ), r.sample_rate_hz, rngs[1]
            )
        )
        self._receiver = ReceiverChain(r, rngs[2])
        until = math.inf if endless else r.duration_s
        self._emitters = [
            _Emitter(scene, i, self._synth, rngs[4 + i], until_s=until, truth=truth)
            for i in range(len(scene.emitters))
        ]
        self._truth: TruthAccumulator | None = None
        self._done_second = 0
        self._lane_channels: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]] = []
        if truth:
            rf = r.center_hz + offsets
            used, matrix = channel_matrix(rf, self.channels_hz, SYNTH_BIN_HZ)
            noise = matrix.T @ density[:, None] * SYNTH_BIN_HZ
            infos = [self._info(i) for i in range(len(scene.emitters))]
            self._truth = TruthAccumulator(
                self.channels_hz,
                _expand(noise[:, 0], used, len(self.channels_hz)),
                infos,
                None if endless else math.ceil(r.duration_s - 1e-9),
            )
            for e in self._emitters:
                lane_rf = r.center_hz + e.lane.bin_frequencies_hz(self._synth)
                self._lane_channels.append(channel_matrix(lane_rf, self.channels_hz, SYNTH_BIN_HZ))

    def _info(self, index: int) -> EmitterInfo:
        spec = self.scene.emitters[index]
        sweep = np.zeros(0, dtype=np.intp)
        if isinstance(spec, SweepJammer):
            centre = spec.frequency_hz + spec.offset_hz
            ch = np.asarray(self.channels_hz, dtype=np.float64)
            touch = np.abs(ch - centre) < spec.span_hz / 2 + CHANNEL_HALF_WIDTH_HZ
            sweep = np.flatnonzero(touch)
        on = self.scene.schedule(index)
        return EmitterInfo(spec.kind, JAMMER_KIND_TYPE.get(spec.kind), on, sweep)

    def truth_rows(self, final: bool = False) -> list[TruthRow]:
        """Truth rows of the seconds completed so far (all remaining ones when ``final``)."""
        if self._truth is None:
            return []
        if final:
            return list(self._truth.finish())
        return list(self._truth.finish(self._done_second))

    def blocks(self) -> Iterator[SimBlock]:
        """Yield the recording's samples in order."""
        hop, frames, fs = self._synth.hop, self._frames, self.sample_rate_hz
        rate = round(fs)
        block, written, pending_drop = 0, 0, 0.0
        gaps = sorted(
            (round(g.start_s * fs), round((g.start_s + g.duration_s) * fs))
            for g in self.scene.receiver.impairments.gaps
        )
        while self.total_samples is None or (block * frames - 1) * hop < self.total_samples:
            first_frame = block * frames
            out = self._synthesise(first_frame)
            out += self._noise.read()
            if self._atmos is not None:
                self._atmos.add_to(out)
            first = (first_frame - 1) * hop
            samples, clipped = self._receiver.apply(out, first)
            lo = max(0, -first)
            hi = (
                out.size
                if self.total_samples is None
                else min(out.size, self.total_samples - first)
            )
            if self._truth is not None:
                part = None if clipped is None else clipped[lo:hi]
                self._truth.add_receiver(first + lo, hi - lo, rate, part)
            for a, b, is_gap in _runs(first + lo, first + hi, gaps):
                if is_gap:
                    pending_drop += (b - a) / fs
                    if self._truth is not None:
                        self._truth.mark_dropped(a / fs, b / fs)
                    continue
                yield SimBlock(samples[a - first : b - first], written, a / fs, pending_drop)
                written += b - a
                pending_drop = 0.0
            block += 1
            self._done_second = (first + out.size) // rate

    def _synthesise(self, first_frame: int) -> Complex:
        frames = self._frames
        spectra = self._synth.new_spectra(frames)
        centres = (first_frame + np.arange(frames)) * self._synth.hop
        seconds = (centres // round(self.sample_rate_hz)).astype(np.int64)
        if self._truth is not None:
            self._truth.count_frames(seconds)
        for i, e in enumerate(self._emitters):
            if not e.lane.visible:
                continue
            pair = e.read(frames * e.lane.hop)
            if pair is None:
                continue
            received, nominal = e.lane.add(spectra, first_frame, *pair)
            if self._truth is not None:
                used, matrix = self._lane_channels[i]
                self._truth.add_frames(
                    seconds,
                    i,
                    used,
                    received @ matrix,
                    None if nominal is None else nominal @ matrix,
                    received.sum(axis=1),
                )
        return self._synth.finish(spectra)


def _expand(
    values: npt.NDArray[np.float64], used: npt.NDArray[np.intp], n: int
) -> npt.NDArray[np.float64]:
    out = np.full(n, np.inf)
    out[used] = values
    return out


def _runs(start: int, stop: int, gaps: list[tuple[int, int]]) -> Iterator[tuple[int, int, bool]]:
    """Split samples ``[start, stop)`` into runs: (first, end, is_gap), gaps being sample ranges."""
    position = start
    for a, b in gaps:
        a, b = max(a, position), min(b, stop)
        if b <= a:
            continue
        if a > position:
            yield position, a, False
        yield a, b, True
        position = b
    if stop > position:
        yield position, stop, False
