"""The overlap-add synthesis: exact inside an emitter's band, nothing outside it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from monitor.sim.noise import site_density
from monitor.sim.render import Renderer
from monitor.sim.synth import Synthesizer
from tests.monitor.sim.helpers import make_scene, psd, render


@pytest.mark.parametrize("offset_hz", [-37_500.0, 40_125.0, 1_000.0])
def test_a_tone_comes_out_coherent_at_its_frequency(offset_hz: float) -> None:
    """A constant emitter at a whole or odd number of bins is an exact tone at the output."""
    rate = 96_000.0
    synth = Synthesizer(rate)
    lane = synth.lane(offset_hz, 16_000.0)
    frames = 8
    out = []
    for block in range(4):
        spectra = synth.new_spectra(frames)
        ones = np.ones(frames * lane.hop, dtype=np.complex64)
        lane.add(spectra, block * frames, ones, None)
        out.append(synth.finish(spectra))
    y = np.concatenate(out)[synth.hop * 2 :]  # skip the start-up hop
    n = np.arange(y.size) + synth.hop
    reference = np.exp(2j * np.pi * offset_hz * (n - synth.hop) / rate)
    ratio = y / reference
    assert np.allclose(np.abs(ratio), 1.0, atol=1e-4)
    assert np.ptp(np.angle(ratio)) < 1e-3


def test_empty_channels_stay_at_the_noise_floor() -> None:
    """Strong emitters of every kind (70-80 dB over the noise) add nothing measurable more
    than 15 kHz from their band edges, and nothing at frame or block boundaries."""
    kinds = [
        {"kind": "am", "frequency_hz": 7_215_000, "level_dbm": -30.0, "programme": "music"},
        {
            "kind": "jam_noise",
            "frequency_hz": 7_235_000,
            "level_dbm": -40.0,
            "bandwidth_hz": 16000.0,
            "carrier": False,
        },
        {"kind": "jam_sweep", "frequency_hz": 7_260_000, "level_dbm": -40.0, "span_hz": 20000.0},
        {"kind": "drm", "frequency_hz": 7_200_000, "level_dbm": -40.0},
        {"kind": "jam_pulse", "frequency_hz": 7_285_000, "level_dbm": -35.0},
    ]
    scene = make_scene(kinds, sample_rate_hz=250_000, duration_s=4.0, site="quiet_rural")
    x = render(scene)
    f, p = psd(x, 250_000, 250.0)
    expected = site_density(scene.receiver, f)
    edges = [
        (7_215_000, 5000),
        (7_235_000, 8000),
        (7_260_000, 10500),
        (7_200_000, 5000),
        (7_285_000, 15000),
    ]
    far = np.ones(f.size, dtype=bool)
    for centre, half in edges:
        far &= np.abs(f - (centre - 7_302_500)) > half + 15_000
    far &= np.abs(f) < 120_000
    assert far.sum() > 100
    excess_db = 10 * np.log10(np.mean(p[far]) / np.mean(expected[far]))
    assert abs(excess_db) < 0.2
    assert 10 * np.log10(np.max(p[far] / expected[far])) < 3.0


def test_endless_renderer_keeps_going() -> None:
    scene = make_scene(
        [{"kind": "am", "frequency_hz": 7_300_000, "level_dbm": -60.0}],
        sample_rate_hz=12_000,
        duration_s=1.0,
    )
    blocks = list(itertools.islice(Renderer(scene, 1, endless=True, truth=False).blocks(), 40))
    assert sum(b.samples.size for b in blocks) > 3 * 12_000
    starts = np.cumsum([0] + [b.samples.size for b in blocks[:-1]])
    assert [b.sample_start for b in blocks] == starts.tolist()
