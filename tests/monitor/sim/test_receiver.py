"""Receiver impairments measured on the written recording: overload, DC spike, IQ image."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import special

from monitor.sim import builtin_scene, read_truth, simulate
from monitor.sim.noise import site_density
from monitor.sim.receiver import OVERLOAD_CLIP_FRACTION, if_filter_gain
from tests.monitor.sim.helpers import make_scene, psd, render

RATE = 250_000


def _noise_power(scene) -> float:
    """Site noise power over the whole band in full-scale units (the model's definition)."""
    n = round(RATE / 125)
    offsets = (np.arange(n) - n // 2) * 125.0
    return float(np.sum(site_density(scene.receiver, offsets)) * 125.0)


@pytest.mark.parametrize("gain_db", [34.0, 40.0])
def test_clipping_fraction_under_overload(tmp_path: Path, gain_db: float) -> None:
    """Gaussian noise of per-component std s clips a fraction erfc(c / (s sqrt 2)) of the
    components at the 8-bit rails (c: the level that rounds to code 0 or 255)."""
    scene = make_scene(
        [],
        sample_rate_hz=RATE,
        duration_s=3.0,
        datatype="cu8",
        adc_bits=8,
        full_scale_dbm=-40.0,
        impairments={"overload": [{"start_s": 1.0, "duration_s": 1.0, "gain_db": gain_db}]},
    )
    result = simulate(scene, tmp_path / "overload", seed=5)
    codes = np.fromfile(result.data_path, dtype=np.uint8)
    during = codes[2 * RATE : 4 * RATE]
    measured = float(np.mean((during == 0) | (during == 255)))
    sigma = math.sqrt(_noise_power(scene) * 10 ** (gain_db / 10) / 2)
    level = 1 - 0.5 / 127.5
    expected = float(special.erfc(level / (sigma * math.sqrt(2))))
    assert measured == pytest.approx(expected, rel=0.05)
    before = codes[: 2 * RATE]
    assert np.mean((before == 0) | (before == 255)) < OVERLOAD_CLIP_FRACTION
    states = {(r.second, r.state) for r in read_truth(result.truth_path)}
    assert {s for s, state in states if state == "unknown"} == {1}


def test_dc_spike_and_iq_image() -> None:
    """A carrier at +40 kHz leaves an image at -40 kHz ``image_rejection_db`` down, and the
    DC offset sits at 0 Hz at ``dc_offset_dbfs``."""
    scene = make_scene(
        [{"kind": "jam_tone", "frequency_hz": 7_342_500, "level_dbm": -40.0, "depth": 0.01}],
        sample_rate_hz=RATE,
        duration_s=2.0,
        full_scale_dbm=-20.0,
        site="quiet_rural",
        impairments={"dc_offset_dbfs": -50.0, "image_rejection_db": 30.0},
    )
    x = render(scene)
    assert 20 * math.log10(abs(np.mean(x))) == pytest.approx(-50.0, abs=0.5)
    f, p = psd(x - np.mean(x), RATE, 125.0)
    carrier = float(np.sum(p[np.abs(f - 40_000) <= 250]))
    image = float(np.sum(p[np.abs(f + 40_000) <= 250]))
    assert 10 * math.log10(carrier / image) == pytest.approx(30.0, abs=0.5)


def test_passband_skirts_shape_noise_and_signals_alike() -> None:
    """Beyond the flat part the noise floor and an emitter fall by the same documented amount
    (``passband_edge_db`` times the squared depth into the skirt)."""
    scene = make_scene(
        [{"kind": "jam_noise", "frequency_hz": 7_412_500, "level_dbm": -60.0, "carrier": False}],
        sample_rate_hz=RATE,
        duration_s=3.0,
        passband_flat=0.6,
        passband_edge_db=40.0,
    )
    f, p = psd(render(scene), RATE, 250.0)
    site = site_density(scene.receiver, f)

    def drop_db(offset_hz: float) -> float:
        x = (abs(offset_hz) - 0.6 * RATE / 2) / (0.4 * RATE / 2)
        return -40.0 * max(x, 0.0) ** 2

    for offset in (-100_000.0, -50_000.0, 0.0, 80_000.0):
        near = np.abs(f - offset) < 2000
        measured = 10 * math.log10(np.mean(p[near]) / np.mean(site[near]))
        assert measured == pytest.approx(drop_db(offset), abs=0.3)
    # the flat 10 kHz noise jammer at +110 kHz: its power times the mean response over its band
    band = np.abs(f - 110_000) <= 6000
    response = np.array([10 ** (drop_db(x) / 10) for x in f[band]])
    floor = site[band] * response
    power_dbm = 10 * math.log10(np.sum(p[band] - floor) * 250.0) + scene.receiver.full_scale_dbm
    inside = np.abs(f[band] - 110_000) < 5000
    expected_dbm = -60.0 + 10 * math.log10(np.mean(response[inside]))
    assert power_dbm == pytest.approx(expected_dbm, abs=0.5)


def test_kiwi_if_filter_flat_to_4_5_khz_and_over_50_db_down_beyond_5_5_khz() -> None:
    """The built-in 12 kS/s KiwiSDR scene: its channel filter is flat over +-4.5 kHz and its
    skirts (shared/iq README: 60-80 dB down beyond +-5 kHz) hold only the 16-bit floor, with the
    DRM-like jammer and the AM service on air (median over time: atmospherics excluded)."""
    scene = builtin_scene("kiwi_9930").with_overrides(duration_s=24.0)
    x = render(scene)[int(20.5 * 12_000) :]  # jammer and broadcast both on
    frames = x[: x.size // 512 * 512].reshape(-1, 512) * np.hanning(512)
    power = np.median(np.abs(np.fft.fft(frames, axis=1)) ** 2, axis=0)
    f = np.fft.fftfreq(512, 1 / 12_000)
    inside = 10 * np.log10(power[(np.abs(f) > 500) & (np.abs(f) < 4500)])
    skirt_db = 10 * np.log10(np.max(power[np.abs(f) > 5500])) - np.median(inside)
    assert skirt_db < -50.0
    edge = power[(np.abs(f) > 3500) & (np.abs(f) < 4500)]
    centre = power[(np.abs(f) > 500) & (np.abs(f) < 3500)]
    assert abs(10 * np.log10(np.mean(edge) / np.mean(centre))) < 3.0  # no roll-off inside
    assert np.max(np.abs(x.view(np.float32))) < 1.0  # gain leaves headroom (no clipping)


def test_if_filter_response_matches_its_specification() -> None:
    """Elliptic IF filter: within 0.1 dB to flat_hz, at least stop_db down from stop_hz."""
    scene = make_scene(
        [],
        sample_rate_hz=12_000,
        if_filter={"flat_hz": 4600.0, "stop_hz": 5200.0, "stop_db": 80.0},
    )
    gain_db = 20 * np.log10(if_filter_gain(scene.receiver, np.array([0.0, 4600.0, -4600.0])))
    assert np.all(np.abs(gain_db) <= 0.11)
    stop = 20 * np.log10(if_filter_gain(scene.receiver, np.linspace(5200.0, 6000.0, 50)))
    assert np.all(stop <= -79.9)
