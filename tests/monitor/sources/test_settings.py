"""Validation of source settings: every bad value names its key."""

from __future__ import annotations

import pytest

from monitor.errors import InputError
from monitor.sources.errors import SourceConfigError
from monitor.sources.settings import (
    BlockSettings,
    CaptureSettings,
    TunerSettings,
    actual_sample_rate_hz,
)


@pytest.mark.parametrize("rate", [225_001, 300_000, 900_001, 2_400_000, 3_200_000])
def test_allowed_sample_rates(rate: int) -> None:
    assert TunerSettings(100e6, sample_rate_hz=rate).sample_rate_hz == rate


@pytest.mark.parametrize("rate", [225_000, 300_001, 600_000, 900_000, 3_200_001, 0, -1])
def test_rejected_sample_rates_name_the_key(rate: int) -> None:
    with pytest.raises(SourceConfigError, match=r"^sample_rate_hz: .*225001-300000 or 900001"):
        TunerSettings(100e6, sample_rate_hz=rate)


def test_fractional_sample_rate_is_rejected() -> None:
    with pytest.raises(SourceConfigError) as info:
        TunerSettings(100e6, sample_rate_hz=2.4e6)  # type: ignore[arg-type]
    assert info.value.key == "sample_rate_hz"
    assert isinstance(info.value, InputError)


def test_hf_without_a_mode_explains_the_options() -> None:
    with pytest.raises(SourceConfigError, match="hf to 'direct_q', 'v4' or 'upconverter'"):
        TunerSettings(9_650_000)


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"center_hz": 29e6, "hf": "direct_q"}, "center_hz"),
        ({"center_hz": 6e6, "hf": "upconverter"}, "upconverter_offset_hz"),
        ({"center_hz": 100e6, "upconverter_offset_hz": 125e6}, "upconverter_offset_hz"),
        ({"center_hz": 6e6, "hf": "shortwave"}, "hf"),
        ({"center_hz": 100e6, "gain_db": 70.0}, "gain_db"),
        ({"center_hz": 100e6, "ppm": 2000}, "ppm"),
        ({"center_hz": -5.0, "hf": "v4"}, "center_hz"),
    ],
)
def test_bad_tuning_names_the_key(kwargs: dict[str, object], key: str) -> None:
    with pytest.raises(SourceConfigError) as info:
        TunerSettings(**kwargs)  # type: ignore[arg-type]
    assert info.value.key == key
    assert str(info.value).startswith(f"{key}: ")


def test_device_frequency_per_hf_mode() -> None:
    assert TunerSettings(6e6, hf="direct_q").device_frequency_hz(7.2e6) == 7_200_000
    assert TunerSettings(6e6, hf="v4").device_frequency_hz(7.2e6) == 7_200_000
    up = TunerSettings(6e6, hf="upconverter", upconverter_offset_hz=125e6)
    assert up.device_frequency_hz(7.2e6) == 132_200_000
    assert TunerSettings(6e6, hf="direct_q").direct_sampling == 2
    assert up.direct_sampling == 0


def test_actual_rate_matches_librtlsdr_resampler() -> None:
    xtal = 28_800_000 * 2**22
    for rate in (250_000, 1_000_000, 2_048_000, 2_500_000, 3_200_000):
        ratio = (xtal // rate) & ~3
        assert actual_sample_rate_hz(rate) == xtal / ratio
        assert abs(actual_sample_rate_hz(rate) - rate) / rate < 1e-5


@pytest.mark.parametrize(
    ("factory", "key"),
    [
        (lambda: BlockSettings(block_samples=0), "block_samples"),
        (lambda: BlockSettings(overload_fraction=1.0), "overload_fraction"),
        (lambda: CaptureSettings(queue_blocks=0), "queue_blocks"),
        (lambda: CaptureSettings(stall_timeout_s=0), "stall_timeout_s"),
        (lambda: CaptureSettings(chunk_bytes=1000), "chunk_bytes"),
    ],
)
def test_bad_block_and_capture_settings(factory: object, key: str) -> None:
    with pytest.raises(SourceConfigError) as info:
        factory()  # type: ignore[operator]
    assert info.value.key == key
