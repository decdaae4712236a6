"""End to end through the fake rtl_tcp server: the real RtlTcpSource, loop, detector and store,
including a dropped connection mid-run."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.fakes.rtl_tcp_server import FakeRtlTcpServer
from tests.monitor.receiver.conftest import MakeConfig
from tests.monitor.receiver.helpers import (
    SMALL_CENTER_HZ,
    assert_disjoint,
    by_channel,
    run_for,
    stored,
    write_small_air,
)

RATE = 250_000


@pytest.mark.slow
def test_rtl_tcp_to_database_survives_a_dropped_connection(
    tmp_path: Path, make_config: MakeConfig, engine: Engine
) -> None:
    air = write_small_air(tmp_path / "air.cu8")
    drop_at = 2 * RATE * 3  # the connection drops after 3 s of air
    with FakeRtlTcpServer(air, speed=1.0, drop_after_bytes=drop_at) as server:
        config = make_config(
            source={
                "kind": "rtl_tcp",
                "host": "127.0.0.1",
                "port": server.port,
                "sample_rate_hz": RATE,
                "hf": "direct_q",
                "stall_timeout_s": 2.0,
                "read_timeout_s": 1.0,
            },
            hop={"tunings": [{"center_hz": SMALL_CENTER_HZ}], "dwell_s": 4.0, "settle_s": 0.25},
        )
        status = run_for(config, engine, 8.0)
    # read once the server has stopped: its command threads may still be reading them before
    connections = server.connections
    frequencies = server.commands_named(0x01)
    direct_sampling = server.commands_named(0x09)
    assert status == 0
    assert connections >= 2, "the source did not reconnect after the drop"
    assert SMALL_CENTER_HZ in frequencies
    assert direct_sampling[:1] == [2]
    rows = stored(engine)
    assert_disjoint(rows)
    channels = by_channel(rows)
    assert len(channels) > 20
    assert any(r.state == "jammed" for r in channels[7_250_000])
    assert {"signal", "jammed", "unknown"} <= {r.state for r in rows}
