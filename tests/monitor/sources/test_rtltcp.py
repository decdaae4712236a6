"""RtlTcpSource against the fake rtl_tcp server on loopback."""

from __future__ import annotations

import socket
import threading

import numpy as np
import pytest

from monitor.iq import BlockFlags, IQBlock
from monitor.recording.datatypes import cu8_to_complex64
from monitor.sources import (
    BlockSettings,
    CaptureSettings,
    DeviceLost,
    DeviceNotFound,
    SourceConfigError,
    TunerSettings,
)
from monitor.sources.rtltcp import RtlTcpSource
from tests.fakes.rtl_tcp_server import FakeRtlTcpServer
from tests.monitor.sources.conftest import noise_cu8

BLOCK = 4096
AIR = noise_cu8(1 << 16, seed=7)


def tcp_source(
    server: FakeRtlTcpServer, tuner: TunerSettings | None = None, **options: float
) -> RtlTcpSource:
    return RtlTcpSource(
        "127.0.0.1",
        server.port,
        tuner or TunerSettings(6_000_000, hf="direct_q"),
        blocks=BlockSettings(block_samples=BLOCK),
        capture=CaptureSettings(stall_timeout_s=3.0, queue_blocks=64),
        read_timeout_s=options.get("read_timeout_s", 1.0),
        reconnect_attempts=int(options.get("reconnect_attempts", 3)),
        reconnect_backoff_s=0.01,
    )


def air_samples(first_sample: int, count: int) -> np.ndarray:
    n = AIR.size // 2
    index = (first_sample + np.arange(count)) % n
    return cu8_to_complex64(AIR.reshape(-1, 2)[index].reshape(-1))


def read(source: RtlTcpSource, count: int) -> list[IQBlock]:
    return [source.read_block() for _ in range(count)]


def test_header_commands_and_samples() -> None:
    tuner = TunerSettings(9_650_000, hf="direct_q", gain_db=20.0, ppm=-3)
    with FakeRtlTcpServer(AIR.tobytes()) as server:
        with tcp_source(server, tuner) as source:
            blocks = read(source, 20)
        assert source.dongle is not None
        assert (source.dongle.tuner_type, source.dongle.gain_count) == (5, 29)
    # read once the server has stopped: its command thread may still be reading them before
    assert server.commands == [
        (0x02, 2_400_000),
        (0x09, 2),
        (0x01, 9_650_000),
        (0x05, 0xFFFFFFFD),  # -3 ppm as two's complement
        (0x03, 1),
        (0x04, 200),
        (0x08, 0),
    ]
    got = np.concatenate([b.samples for b in blocks])
    assert np.array_equal(got, air_samples(0, got.size))
    assert [b.seq for b in blocks] == list(range(20))
    assert all(b.center_hz == 9_650_000 and b.flags == BlockFlags.NONE for b in blocks)
    assert [t for t in threading.enumerate() if t.name.startswith("capture ")] == []


def test_reconnects_after_the_server_drops_the_connection() -> None:
    drop_at = 5 * 2 * BLOCK + 3000
    with (
        FakeRtlTcpServer(AIR.tobytes(), drop_after_bytes=drop_at, speed=1.0) as server,
        tcp_source(server) as source,
    ):
        blocks = read(source, 12)
    # read once the server has stopped: its command threads may still be reading them before
    assert server.connections == 2
    assert server.commands_named(0x01) == [6_000_000, 6_000_000]  # tuning sent again
    assert source.stats.reopenings == 1
    # the air continues across the reconnection, so every sample is there, in order
    got = np.concatenate([b.samples for b in blocks])
    assert np.array_equal(got, air_samples(0, got.size))
    flagged = [b.seq for b in blocks if BlockFlags.DROPPED in b.flags]
    assert flagged == [6]  # the first block after the partial block 5
    assert len(blocks[5].samples) == 1500


def test_silent_server_times_out_and_reconnects_flagged_stalled() -> None:
    with FakeRtlTcpServer(AIR.tobytes(), stall_after_bytes=3 * 2 * BLOCK) as server:
        with tcp_source(server, read_timeout_s=0.3) as source:
            blocks = read(source, 5)
        assert server.connections == 2
    assert BlockFlags.STALLED in blocks[3].flags
    assert BlockFlags.DROPPED in blocks[3].flags
    assert source.stats.reopenings == 1


def test_gives_up_when_the_server_is_gone() -> None:
    server = FakeRtlTcpServer(AIR.tobytes(), drop_after_bytes=2 * 2 * BLOCK, speed=1.0)
    with server:
        source = tcp_source(server, reconnect_attempts=2)
        source.open()
        read(source, 2)
    with pytest.raises(DeviceLost, match="gave up after 2 attempts"):
        read(source, 10)
    source.close()


def test_retune_sends_the_frequency() -> None:
    with FakeRtlTcpServer(AIR.tobytes()) as server, tcp_source(server) as source:
        read(source, 2)
        source.retune(7_300_000)
        after = read(source, 3)
    assert server.commands_named(0x01)[-1] == 7_300_000  # read once the server has stopped
    assert [b.center_hz for b in after] == [7_300_000] * 3


def test_unreachable_server_is_device_not_found() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    source = RtlTcpSource("127.0.0.1", port, TunerSettings(6e6, hf="direct_q"))
    with pytest.raises(DeviceNotFound, match=f"rtl_tcp 127.0.0.1:{port}: cannot connect"):
        source.open()


def test_not_an_rtl_tcp_server_names_the_port() -> None:
    with FakeRtlTcpServer(AIR.tobytes(), magic=b"HTTP") as server:
        source = tcp_source(server)
        with pytest.raises(SourceConfigError, match="^port: .* is not an rtl_tcp server"):
            source.open()


def test_v4_mode_checks_the_announced_tuner() -> None:
    with FakeRtlTcpServer(AIR.tobytes(), tuner_type=5) as server:
        source = tcp_source(server, TunerSettings(6e6, hf="v4"))
        with pytest.raises(SourceConfigError, match="^hf: 'v4' needs the R828D"):
            source.open()


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [({"port": 0}, "port"), ({"host": ""}, "host"), ({"read_timeout_s": 10.0}, "read_timeout_s")],
)
def test_bad_options_name_the_key(kwargs: dict[str, object], key: str) -> None:
    options: dict[str, object] = {"host": "127.0.0.1", "port": 1234, **kwargs}
    with pytest.raises(SourceConfigError) as info:
        RtlTcpSource(
            options.pop("host"),  # type: ignore[arg-type]
            options.pop("port"),  # type: ignore[arg-type]
            TunerSettings(6e6, hf="direct_q"),
            **options,  # type: ignore[arg-type]
        )
    assert info.value.key == key
