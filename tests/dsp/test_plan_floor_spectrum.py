"""Channel plan, FCME floor and step spectra on inputs with exact expectations."""

from __future__ import annotations

import numpy as np
import pytest

from dsp.floor import fcme_floor, fcme_threshold, truncation_bias
from dsp.plan import CHANNEL_HALF_WIDTH_HZ, ChannelPlan, frame_length
from dsp.spectrum import StepSpectrometer
from tests.dsp.signals import as_c64, times, white


@pytest.mark.parametrize(
    ("center_hz", "rate_hz", "guard_hz", "first", "last", "count"),
    [
        (15_110_000, 12_001, 0.0, 15_110_000, 15_110_000, 1),  # KiwiSDR: one whole channel
        (6_000_000, 250_000, 500.0, 5_915_000, 6_085_000, 32),  # 5995-6005 kHz: DC spike
        (6_000_000, 250_000, 0.0, 5_915_000, 6_085_000, 35),
        (9_700_000, 2_048_000, 500.0, 8_940_000, 10_460_000, 302),
    ],
)
def test_plan_keeps_whole_channels_in_the_usable_span(
    center_hz: float, rate_hz: float, guard_hz: float, first: int, last: int, count: int
) -> None:
    plan = ChannelPlan.for_tuning(center_hz, rate_hz, dc_guard_hz=guard_hz)
    assert (len(plan), int(plan.frequencies_hz[0]), int(plan.frequencies_hz[-1])) == (
        count,
        first,
        last,
    )
    half_usable = 0.75 * rate_hz / 2
    assert np.all(np.abs(plan.frequencies_hz - center_hz) + CHANNEL_HALF_WIDTH_HZ <= half_usable)
    if guard_hz:
        assert np.all(np.abs(plan.frequencies_hz - center_hz) > CHANNEL_HALF_WIDTH_HZ + guard_hz)
    # the raster bin is the nearest bin to each channel frequency
    assert np.all(np.abs(plan.raster_offset_hz) <= plan.bin_hz / 2 + 1e-9)


def test_plan_without_a_whole_channel_is_empty() -> None:
    assert len(ChannelPlan.for_tuning(77_500, 12_001)) == 0
    assert len(ChannelPlan.for_tuning(6_000_000, 8_000)) == 0


def test_frame_length_aims_at_125_hz_bins() -> None:
    for rate in (12_000, 250_000, 1_024_000, 2_048_000, 2_400_000):
        bin_hz = rate / frame_length(rate)
        assert 125 / np.sqrt(2) <= bin_hz <= 125 * np.sqrt(2)


def test_fcme_threshold_and_bias_match_the_gamma_tables() -> None:
    assert fcme_threshold(10, 1e-3) == pytest.approx(2.265, abs=1e-3)
    assert truncation_bias(10, fcme_threshold(10)) == pytest.approx(0.9986, abs=1e-4)
    assert fcme_threshold(1, 1e-3) == pytest.approx(-np.log(1e-3), rel=1e-9)


@pytest.mark.parametrize("occupied_fraction", [0.0, 0.5, 0.75])
def test_fcme_floor_of_white_noise_is_unbiased_up_to_high_occupancy(
    occupied_fraction: float,
) -> None:
    rng = np.random.default_rng(7)
    frames, bins, floor = 100, 8192, 3.0e-4
    psd = floor * rng.gamma(frames, 1.0 / frames, size=bins)
    busy = rng.permutation(bins)[: int(occupied_fraction * bins)]
    psd[busy] += floor * 10 ** rng.uniform(0.5, 4, size=busy.size)
    estimate = fcme_floor(psd, np.arange(bins).reshape(4, -1), frames)
    assert estimate == pytest.approx(np.full(4, floor), rel=0.02)


def test_white_noise_spectrum_level_and_sk_null() -> None:
    rng = np.random.default_rng(1)
    rate, power = 250_000.0, 0.01
    plan = ChannelPlan.for_tuning(6e6, rate)
    spec = StepSpectrometer(plan, 120)
    out = spec.process(as_c64(white(spec.step_samples, rng, power)))
    # white noise of variance s gives s per bin, SK about 1 (std 2/sqrt(M) per bin)
    assert np.median(out.psd) == pytest.approx(power * (1 - 1 / (3 * 120)), rel=0.01)
    assert out.sk.mean() == pytest.approx(1.0, abs=0.01)
    assert out.sk.std() == pytest.approx(2 / np.sqrt(120), rel=0.1)


def test_tone_lands_in_the_right_bin_with_sk_near_zero() -> None:
    rate = 250_000.0
    plan = ChannelPlan.for_tuning(6e6, rate)
    spec = StepSpectrometer(plan, 50)
    offset_hz = 31 * plan.bin_hz  # exactly on a bin
    x = 0.1 * np.exp(2j * np.pi * offset_hz * times(spec.step_samples, rate))
    x += white(x.size, np.random.default_rng(2), 1e-6)
    out = spec.process(as_c64(x))
    peak = int(out.psd.argmax())
    assert peak == plan.nfft // 2 + 31
    assert out.sk[peak] < 0.01
    # bins are scaled so white noise of variance s reads s per bin: a tone of mean power P
    # then reads P * N summed over its Hann main lobe
    assert out.psd[peak - 2 : peak + 3].sum() == pytest.approx(0.01 * plan.nfft, rel=0.01)
