"""Channel extraction: right frequency, level and timing; block sizes do not matter; no aliases."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from monitor.evidence.channelizer import (
    PASSBAND_FRACTION,
    ChannelExtractor,
    ExtractorDesign,
    choose_factors,
)


def tone(
    rate_hz: float, frequency_hz: float, count: int, amplitude: float = 0.5
) -> npt.NDArray[np.complex64]:
    n = np.arange(count)
    phase = 2 * np.pi * frequency_hz * n / rate_hz
    samples: npt.NDArray[np.complex64] = (amplitude * np.exp(1j * phase)).astype(np.complex64)
    return samples


@pytest.mark.parametrize("rate_hz", [250_000, 1_024_000, 2_048_000, 2_400_000, 3_200_000])
def test_output_rate_is_in_range(rate_hz: float) -> None:
    design = ExtractorDesign.for_rate(rate_hz)
    assert 12_000 <= design.output_rate_hz <= 24_000
    assert all(2 <= f <= 16 for f in design.factors) or design.factors == (1,)


def test_rates_that_cannot_be_reached_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot decimate"):
        choose_factors(20_000_000, 12_000, 24_000)


@pytest.mark.parametrize("rate_hz", [250_000, 2_400_000])
def test_tone_in_the_channel_keeps_its_offset_and_level(rate_hz: float) -> None:
    design = ExtractorDesign.for_rate(rate_hz)
    channel_offset_hz, audio_hz = 105_000.0, 2_000.0
    out = ChannelExtractor(design, channel_offset_hz).push(
        tone(rate_hz, channel_offset_hz + audio_hz, int(rate_hz * 0.2))
    )
    steady = out[50:]
    turn = np.angle(np.mean(steady[1:] * np.conj(steady[:-1])))
    assert turn * design.output_rate_hz / (2 * np.pi) == pytest.approx(audio_hz, abs=1.0)
    np.testing.assert_allclose(np.abs(steady), 0.5, rtol=1e-3)


def test_block_sizes_do_not_change_the_output() -> None:
    rate_hz = 250_000
    design = ExtractorDesign.for_rate(rate_hz)
    rng = np.random.default_rng(5)
    noise = (rng.normal(size=60_000) + 1j * rng.normal(size=60_000)).astype(np.complex64)
    whole = ChannelExtractor(design, -40_000).push(noise)
    pieces = ChannelExtractor(design, -40_000)
    cuts = np.sort(rng.integers(0, noise.size, 25))
    parts = [pieces.push(chunk) for chunk in np.split(noise, cuts)]
    np.testing.assert_allclose(np.concatenate(parts), whole, rtol=1e-5, atol=1e-6)


def test_signals_outside_the_band_do_not_alias_in() -> None:
    rate_hz = 2_400_000
    design = ExtractorDesign.for_rate(rate_hz)
    out_hz = design.output_rate_hz
    # a strong carrier one output rate away would fold onto 0 Hz without the filters
    for away_hz in (out_hz, 3 * out_hz, 0.5 * out_hz + PASSBAND_FRACTION * out_hz + 2_500):
        out = ChannelExtractor(design, 0.0).push(tone(rate_hz, away_hz, 240_000, 0.9))
        leak_db = 20 * np.log10(np.abs(out[50:]).max() / 0.9)
        assert leak_db < -55, (away_hz, leak_db)


def test_delay_places_a_step_at_its_time() -> None:
    rate_hz = 250_000
    design = ExtractorDesign.for_rate(rate_hz)
    signal = tone(rate_hz, 1_000.0, 50_000)
    signal[:25_000] = 0
    out = np.abs(ChannelExtractor(design, 0.0).push(signal))
    # output m is the filter centred on input m * factor + delay: half way up at input 25_000
    half = int(np.argmax(out > 0.25))
    centre = half * design.factors[0] + design.delay_samples
    assert abs(centre - 25_000) <= design.factors[0]
