"""Channel plan, FCME floor and step spectra on inputs with exact expectations."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from dsp.floor import fcme_floor, fcme_threshold, truncation_bias
from dsp.plan import CHANNEL_HALF_WIDTH_HZ, ChannelPlan, flat_fraction, frame_length
from dsp.spectrum import StepSpectrometer
from tests.dsp.signals import as_c64, times, white


@pytest.mark.parametrize(
    ("center_hz", "rate_hz", "guard_hz", "first", "last", "count"),
    [
        (15_110_000, 12_001, 0.0, 15_110_000, 15_110_000, 1),  # KiwiSDR: one whole channel
        (6_000_000, 250_000, 500.0, 5_905_000, 6_095_000, 36),  # 5995-6005 kHz: DC spike
        (6_000_000, 250_000, 0.0, 5_905_000, 6_095_000, 39),
        (9_700_000, 2_048_000, 500.0, 8_890_000, 10_510_000, 322),
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
    half_usable = flat_fraction(rate_hz) * rate_hz / 2
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


def _reference_spectra(
    plan: ChannelPlan, frames: int, samples: npt.NDArray[np.complex64]
) -> dict[str, npt.NDArray[Any]]:
    """The step spectra written the plain way, in float64 (numpy.fft, fftshift, fancy indexing)."""
    n = plan.nfft
    hann = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)
    x = samples.astype(np.complex128).reshape(frames, n) * hann / np.sqrt(np.sum(hann**2))
    spec = np.fft.fftshift(np.fft.fft(x, axis=1), axes=1)
    power = np.abs(spec) ** 2
    s1, s2 = power.sum(axis=0), (power**2).sum(axis=0)
    pairs = power[0 : frames - 1 : 2] + power[1:frames:2]
    return {
        "psd": s1 / frames,
        "sk": (frames + 1) / (frames - 1) * (frames * s2 / s1**2 - 1),
        "channel_power": power[:, plan.channel_bins].sum(axis=2),
        "pairs": pairs,
        "ridge_power": pairs[:, plan.channel_bins].max(axis=2),
        "carrier_series": spec[:, plan.channel_bins[:, plan.carrier_col]],
    }


def test_step_spectra_match_a_plain_float64_reference() -> None:
    rate = 250_000.0
    plan = ChannelPlan.for_tuning(6e6, rate)
    frames = 133  # odd, and not a whole number of the spectrometer's chunks
    spec = StepSpectrometer(plan, frames)
    t = times(spec.step_samples, rate)
    rng = np.random.default_rng(3)
    x = white(t.size, rng, 1e-4)
    x += 0.05 * np.exp(2j * np.pi * (-40_000 * t + 0.5 * 60_000 * t**2))  # a sweep
    x += 0.02 * np.exp(2j * np.pi * 17_000 * t)  # a carrier
    samples = as_c64(x)
    out = spec.process(samples)
    ref = _reference_spectra(plan, frames, samples)
    assert out.frames == frames
    for name in ("psd", "sk", "channel_power", "ridge_power", "carrier_series"):
        got = np.asarray(getattr(out, name))
        scale = np.abs(ref[name]).max()
        np.testing.assert_allclose(got, ref[name], rtol=1e-4, atol=1e-5 * scale, err_msg=name)
    # the ridge column points at a strongest bin of its channel (exact ties aside, float32 and
    # float64 may pick different bins of equal power, so compare the powers they point at)
    pointed = np.take_along_axis(
        ref["pairs"][:, plan.channel_bins], out.ridge_col[:, :, None], axis=2
    )[:, :, 0]
    np.testing.assert_allclose(pointed, ref["ridge_power"], rtol=1e-4)
    assert out.ridge_col.shape == (frames // 2, len(plan))


def test_ridge_takes_the_first_of_equal_strongest_bins() -> None:
    """The ridge is ``argmax`` over each channel's bins of each frame pair: ties go left."""
    plan = ChannelPlan.for_tuning(6e6, 250_000.0)
    spec = StepSpectrometer(plan, 16)
    rng = np.random.default_rng(5)
    power = rng.integers(0, 4, size=(6, plan.nfft)).astype(np.float32)  # many exact ties
    cols = np.empty((3, len(plan)), dtype=np.intp)
    peaks = np.empty((3, len(plan)), dtype=np.float32)
    spec._ridge(power, cols, peaks)
    windows = (power[0::2] + power[1::2])[:, plan.channel_bins]
    assert np.array_equal(cols, windows.argmax(axis=2))
    assert np.array_equal(peaks, windows.max(axis=2))
    assert peaks.max() == 6.0  # both frames at the top of their range somewhere


def test_skirt_bins_lie_just_outside_the_channel_and_set_the_neighbours_carrier_apart() -> None:
    plan = ChannelPlan.for_tuning(6_000_000, 250_000)
    bins, neighbour_bins, valid = plan.skirts
    raster = plan.channel_bins[:, plan.carrier_col][:, None, None]
    offsets_hz = (bins - raster) * plan.bin_hz
    assert np.all((np.abs(offsets_hz) >= 4600) & (np.abs(offsets_hz) <= 5400))
    assert np.all(offsets_hz[:, 0] < 0)
    assert np.all(offsets_hz[:, 1] > 0)
    next_raster = round(5000 / plan.bin_hz)
    assert np.all(np.abs(np.abs(bins - raster) - next_raster) > 1)
    assert np.array_equal(np.abs(neighbour_bins - raster)[0, 1], next_raster + np.arange(-1, 2))
    # the outermost channels' skirts reach past the usable span: not judged
    assert not valid[0]
    assert not valid[-1]
    assert valid[1:-1].all()


def test_spectra_do_not_depend_on_how_the_samples_are_fed() -> None:
    plan = ChannelPlan.for_tuning(6e6, 250_000.0)
    spec = StepSpectrometer(plan, 37)  # odd, and not a whole number of chunks
    rng = np.random.default_rng(4)
    samples = as_c64(white(spec.step_samples, rng, 1e-4))
    whole = spec.process(samples)
    cuts = np.sort(rng.integers(0, samples.size, size=12))  # frame pieces, empty pieces too
    for piece in np.split(samples, cuts):
        spec.feed(piece)
    fed = spec.finish()
    for name in ("psd", "sk", "channel_power", "ridge_col", "ridge_power", "carrier_series"):
        assert np.array_equal(getattr(fed, name), getattr(whole, name)), name
    with pytest.raises(ValueError, match="overrun"):
        spec.feed(np.zeros(spec.step_samples + 1, dtype=np.complex64))
