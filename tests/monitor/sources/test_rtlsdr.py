"""RtlSdrSource on the fake librtlsdr: pyrtlsdr and the source run for real."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pytest

from monitor.iq import BlockFlags, IQBlock
from monitor.recording.datatypes import cu8_to_complex64
from monitor.sources import (
    BlockSettings,
    CaptureSettings,
    DeviceLost,
    DeviceNotFound,
    DeviceStalled,
    RtlSdrSource,
    SourceConfigError,
    TunerSettings,
)
from tests.fakes.librtlsdr import FakeDongle
from tests.monitor.sources.conftest import noise_cu8, write_cu8

BLOCK = 4096
HF = TunerSettings(6_000_000, hf="direct_q")


def air_samples(
    codes: npt.NDArray[np.uint8], first_sample: int, count: int
) -> npt.NDArray[np.complex64]:
    """Samples ``first_sample ..`` of the air (the file in a loop), by the one cu8 conversion."""
    n = codes.size // 2
    index = (first_sample + np.arange(count)) % n
    return cu8_to_complex64(codes.reshape(-1, 2)[index].reshape(-1))


def source(tuner: TunerSettings = HF, **capture: float) -> RtlSdrSource:
    return RtlSdrSource(
        tuner,
        blocks=BlockSettings(block_samples=BLOCK),
        capture=CaptureSettings(**capture),  # type: ignore[arg-type]
    )


def seconds_between(first: IQBlock, later: IQBlock) -> float:
    return (later.captured_at - first.captured_at).total_seconds()


def read_until_error(src: RtlSdrSource, blocks: list[IQBlock]) -> None:
    """Read blocks into ``blocks`` until the source raises; note when the last one came."""
    while True:
        blocks.append(src.read_block())
        LAST_READ_AT[0] = time.monotonic()


LAST_READ_AT = [0.0]


def capture_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("capture ")]


def test_samples_equal_the_file_through_the_one_cu8_function(
    fake_dongle: FakeDongle, air: npt.NDArray[np.uint8], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RTLSDR_SHORT_READS", "1")  # odd transfers split I/Q pairs
    with source() as src:
        blocks = [src.read_block() for _ in range(40)]  # 2.5 passes through the file
    got = np.concatenate([b.samples for b in blocks])
    assert np.array_equal(got, air_samples(air, 0, got.size))
    assert [b.seq for b in blocks] == list(range(40))
    assert all(b.flags == BlockFlags.NONE for b in blocks)
    assert src.stats.blocks == 40
    assert src.stats.samples == 40 * BLOCK
    assert capture_threads() == []
    assert fake_dongle.calls("rtlsdr_close")


@pytest.mark.usefixtures("air")
def test_time_stamps_anchor_at_capture_and_advance_by_samples() -> None:
    before = datetime.now(UTC)
    with source() as src:
        blocks = [src.read_block() for _ in range(10)]
    after = datetime.now(UTC)
    assert src.sample_rate_hz == 2_400_000.0
    assert before - timedelta(seconds=0.2) <= blocks[0].captured_at <= after
    for k, block in enumerate(blocks):
        assert seconds_between(blocks[0], block) == pytest.approx(k * BLOCK / 2.4e6, abs=1e-6)
        assert block.sample_rate_hz == 2_400_000.0


@pytest.mark.parametrize(
    ("tuner", "expected"),
    [
        (
            TunerSettings(6_000_000, hf="direct_q"),
            {"direct_sampling": "2", "center_freq": "6000000"},
        ),
        (
            TunerSettings(6_000_000, hf="upconverter", upconverter_offset_hz=125e6),
            {"direct_sampling": "0", "center_freq": "131000000"},
        ),
        (TunerSettings(100e6), {"direct_sampling": "0", "center_freq": "100000000"}),
    ],
)
@pytest.mark.usefixtures("air")
def test_hf_configuration_reaches_the_library(
    fake_dongle: FakeDongle,
    tuner: TunerSettings,
    expected: dict[str, str],
) -> None:
    with source(tuner) as src:
        src.read_block()
    assert fake_dongle.calls("rtlsdr_set_sample_rate")[-1] == ["rtlsdr_set_sample_rate", "2400000"]
    assert fake_dongle.calls("rtlsdr_set_direct_sampling")[-1][1] == expected["direct_sampling"]
    assert fake_dongle.calls("rtlsdr_set_center_freq")[-1][1] == expected["center_freq"]
    names = [c[0] for c in fake_dongle.calls()]
    # direct sampling before the frequency: in direct sampling the frequency sets the NCO
    last_ds = len(names) - 1 - names[::-1].index("rtlsdr_set_direct_sampling")
    last_freq = len(names) - 1 - names[::-1].index("rtlsdr_set_center_freq")
    assert last_ds < last_freq
    assert "rtlsdr_set_freq_correction" not in names  # ppm 0 is not sent (librtlsdr: -2)


@pytest.mark.usefixtures("air")
def test_gain_ppm_and_agc_reach_the_library(fake_dongle: FakeDongle) -> None:
    tuner = TunerSettings(6_000_000, hf="direct_q", gain_db=20.0, ppm=-3, rtl_agc=True)
    with source(tuner) as src:
        src.read_block()
    assert fake_dongle.calls("rtlsdr_set_freq_correction") == [["rtlsdr_set_freq_correction", "-3"]]
    assert fake_dongle.calls("rtlsdr_set_tuner_gain_mode")[-1][1] == "1"
    assert fake_dongle.calls("rtlsdr_set_tuner_gain")[-1][1] == "197"  # nearest R820T step
    assert fake_dongle.calls("rtlsdr_set_agc_mode")[-1][1] == "1"
    assert src.tuner_type == "R820T"


@pytest.mark.usefixtures("air")
def test_v4_mode_needs_the_v4_tuner(
    fake_dongle: FakeDongle, monkeypatch: pytest.MonkeyPatch
) -> None:
    v4 = TunerSettings(6_000_000, hf="v4")
    with pytest.raises(SourceConfigError, match="^hf: 'v4' needs the R828D tuner.*has R820T"):
        source(v4).open()
    assert capture_threads() == []
    monkeypatch.setenv("FAKE_RTLSDR_TUNER", "6")
    with source(v4) as src:
        assert src.read_block().center_hz == 6_000_000
    assert fake_dongle.calls("rtlsdr_set_center_freq")[-1][1] == "6000000"


@pytest.mark.usefixtures("air")
def test_device_by_serial(fake_dongle: FakeDongle, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_RTLSDR_SERIALS", "00000001,HF-WEST")
    with RtlSdrSource(HF, serial="HF-WEST", blocks=BlockSettings(block_samples=BLOCK)) as src:
        src.read_block()
    assert ["rtlsdr_open", "1"] in fake_dongle.calls("rtlsdr_open")
    with pytest.raises(DeviceNotFound, match="serials attached: 00000001, HF-WEST"):
        RtlSdrSource(HF, serial="HF-EAST").open()
    with pytest.raises(DeviceNotFound, match="2 dongle"):
        RtlSdrSource(HF, device_index=2).open()


@pytest.mark.usefixtures("air")
def test_retune_delivers_only_the_new_tuning(fake_dongle: FakeDongle) -> None:
    with source() as src:
        first = src.read_block()
        src.retune(7_250_000)
        after = [src.read_block() for _ in range(5)]
        with pytest.raises(SourceConfigError, match="^center_hz"):
            src.retune(29e6)
    assert first.center_hz == 6_000_000
    assert [b.center_hz for b in after] == [7_250_000] * 5
    assert src.center_hz == 7_250_000
    assert fake_dongle.calls("rtlsdr_set_center_freq")[-1][1] == "7250000"
    assert after[0].seq > first.seq
    assert len(fake_dongle.calls("rtlsdr_read_async")) >= 2


def test_slow_consumer_drops_are_counted_and_flagged(
    air: npt.NDArray[np.uint8], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RTLSDR_SPEED", "0")  # the dongle outruns the consumer
    blocks: list[IQBlock] = []
    with source(queue_blocks=2) as src:
        for _ in range(12):
            blocks.append(src.read_block())
            time.sleep(0.01)
    stats = src.stats
    assert stats.dropped_blocks > 0
    assert stats.dropped_samples == stats.dropped_blocks * BLOCK
    seqs = [b.seq for b in blocks]
    assert seqs == sorted(seqs)
    for previous, block in zip(blocks, blocks[1:], strict=False):
        gap = block.seq != previous.seq + 1
        assert (BlockFlags.DROPPED in block.flags) == gap
        # the sequence number says where in the stream the block was: samples prove it
        assert np.array_equal(block.samples, air_samples(air, block.seq * BLOCK, BLOCK))
        expected_s = (block.seq - blocks[0].seq) * BLOCK / 2.4e6
        assert seconds_between(blocks[0], block) == pytest.approx(expected_s, abs=1e-6)


def test_clipped_file_is_flagged_overload(fake_dongle: FakeDongle) -> None:
    write_cu8(fake_dongle.iq_path, noise_cu8(1 << 15, rms=0.6))  # an overloaded 8-bit ADC
    with source() as src:
        blocks = [src.read_block() for _ in range(4)]
    assert all(BlockFlags.OVERLOAD in b.flags for b in blocks)
    assert src.stats.overload_blocks == 4


@pytest.mark.usefixtures("air")
def test_stall_raises_in_time_and_reopen_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_RTLSDR_STALL_AFTER_BYTES", str(10 * 2 * BLOCK))
    src = source(stall_timeout_s=0.5)
    src.open()
    blocks: list[IQBlock] = []
    with pytest.raises(DeviceStalled, match="no samples for"):
        read_until_error(src, blocks)
    waited_s = time.monotonic() - LAST_READ_AT[0]
    assert len(blocks) == 10
    assert 0.5 <= waited_s < 1.5
    assert capture_threads() == []  # the thread was woken and joined
    src.close()
    src.open()
    try:
        block = src.read_block()
    finally:
        src.close()
    assert BlockFlags.DROPPED in block.flags
    assert BlockFlags.STALLED in block.flags
    assert src.stats.reopenings == 1
    assert capture_threads() == []


@pytest.mark.parametrize("unplug_result", ["0", "-4"])
def test_unplug_raises_device_lost_and_reopen_works(
    fake_dongle: FakeDongle,
    air: npt.NDArray[np.uint8],
    monkeypatch: pytest.MonkeyPatch,
    unplug_result: str,
) -> None:
    monkeypatch.setenv("FAKE_RTLSDR_UNPLUG_AFTER_BYTES", str(6 * 2 * BLOCK + 1000))
    monkeypatch.setenv("FAKE_RTLSDR_UNPLUG_RESULT", unplug_result)
    monkeypatch.setenv("FAKE_RTLSDR_ABSENT_S", "0.3")
    src = source()
    src.open()
    blocks: list[IQBlock] = []
    with pytest.raises(DeviceLost) as info:
        read_until_error(src, blocks)
    # every sample before the unplug arrives, the partial block included
    got = np.concatenate([b.samples for b in blocks])
    assert np.array_equal(got, air_samples(air, 0, 6 * BLOCK + 500))
    assert info.value.errno == (None if unplug_result == "0" else -4)
    assert capture_threads() == []
    src.close()
    with pytest.raises(DeviceNotFound, match="0 dongle"):  # the dongle is still gone
        src.open()
    time.sleep(0.3)
    with src:
        block = src.read_block()
    assert BlockFlags.DROPPED in block.flags
    assert src.stats.reopenings == 2
    assert len(fake_dongle.calls("rtlsdr_close")) == 2
