"""Levels: the carrier-to-noise and in-channel power a scene asks for are what comes out."""

from __future__ import annotations

import math

import numpy as np
import pytest

from monitor.sim.noise import noise_density_dbm_hz, quantisation_density
from tests.monitor.sim.helpers import make_scene, psd, render

CHANNEL_HZ = 7_300_000
CENTER_HZ = 7_302_500


def _noise_dbm_hz(scene, offset_hz: float) -> float:
    r = scene.receiver
    site = 10 ** (noise_density_dbm_hz(CENTER_HZ + offset_hz, r.site, r.noise_figure_db) / 10)
    quant = quantisation_density(r) * 10 ** (r.full_scale_dbm / 10)
    return 10 * math.log10(site + quant)


@pytest.mark.parametrize(
    ("datatype", "adc_bits", "full_scale_dbm"), [("cf32_le", None, -20.0), ("cu8", 8, -45.0)]
)
def test_carrier_to_noise_within_1_db(datatype: str, adc_bits: int | None, full_scale_dbm: float):
    """An AM carrier at -95 dBm over rural 41 m noise: C/N in 9 kHz as the P.372 model says."""
    scene = make_scene(
        [{"kind": "am", "frequency_hz": CHANNEL_HZ, "level_dbm": -95.0, "programme": "music"}],
        datatype=datatype,
        adc_bits=adc_bits,
        full_scale_dbm=full_scale_dbm,
        duration_s=6.0,
    )
    x = render(scene)
    f, p = psd(x, 64_000, 15.625)
    bin_hz = f[1] - f[0]
    offset = CHANNEL_HZ - CENTER_HZ
    far = (np.abs(f - offset) > 8000) & (np.abs(f) > 2000) & (np.abs(f) < 28000)
    noise_density = float(np.mean(p[far]))
    carrier = np.abs(f - offset) <= 4 * bin_hz
    carrier_power = float(np.sum(p[carrier]) * bin_hz - noise_density * carrier.sum() * bin_hz)
    measured_cn_db = 10 * math.log10(carrier_power / (noise_density * 9000.0))
    full_scale = 10 ** (full_scale_dbm / 10)
    expected_cn_db = -95.0 - (_noise_dbm_hz(scene, offset) + 10 * math.log10(9000.0))
    assert abs(10 * math.log10(noise_density * full_scale) - _noise_dbm_hz(scene, 0.0)) < 0.5
    print(f"C/N measured {measured_cn_db:.2f} dB, asked {expected_cn_db:.2f} dB")
    assert abs(measured_cn_db - expected_cn_db) < 1.0


def test_carrierless_level_is_total_power():
    """A DRM emitter's level is its total power: in-band power minus noise within 1 dB."""
    scene = make_scene(
        [{"kind": "drm", "frequency_hz": CHANNEL_HZ, "level_dbm": -90.0}], duration_s=4.0
    )
    x = render(scene)
    f, p = psd(x, 64_000, 62.5)
    bin_hz = f[1] - f[0]
    offset = CHANNEL_HZ - CENTER_HZ
    band = np.abs(f - offset) <= 5500
    far = (np.abs(f - offset) > 9000) & (np.abs(f) < 28000)
    noise = float(np.mean(p[far]))
    power_dbm = (
        10 * math.log10(float(np.sum(p[band] - noise) * bin_hz)) + scene.receiver.full_scale_dbm
    )
    print(f"DRM power {power_dbm:.2f} dBm")
    assert abs(power_dbm - -90.0) < 1.0
