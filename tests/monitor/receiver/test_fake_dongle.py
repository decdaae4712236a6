"""End to end on the fake librtlsdr: the real pyrtlsdr, RtlSdrSource, loop, detector and store."""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import Engine, select

from monitor.receiver.notify import Notifier
from monitor.store.engine import transaction
from monitor.store.models import Heartbeat
from tests.fakes.librtlsdr import FakeDongle
from tests.monitor.receiver.conftest import MakeConfig, NotifyListener
from tests.monitor.receiver.helpers import (
    SMALL_CENTER_HZ,
    assert_disjoint,
    by_channel,
    judged_holes_s,
    run_for,
    stored,
    write_small_air,
)

RATE = 250_000
BYTES_PER_S = 2 * RATE


@pytest.fixture
def dongle(fake_dongle: FakeDongle, monkeypatch: pytest.MonkeyPatch) -> FakeDongle:
    """The fake dongle serving the ``small`` scene in real time."""
    write_small_air(fake_dongle.iq_path)
    monkeypatch.setenv("FAKE_RTLSDR_SPEED", "1")
    return fake_dongle


def dongle_config(make_config: MakeConfig, **source: object):
    return make_config(
        source={
            "kind": "rtlsdr",
            "sample_rate_hz": RATE,
            "hf": "direct_q",
            "stall_timeout_s": 1.0,
            "join_timeout_s": 2.0,
            **source,
        },
        hop={"tunings": [{"center_hz": SMALL_CENTER_HZ}], "dwell_s": 4.0, "settle_s": 0.25},
    )


def test_dongle_to_database(
    dongle: FakeDongle, make_config: MakeConfig, engine: Engine, notify_socket: NotifyListener
) -> None:
    status = run_for(dongle_config(make_config), engine, 7.5, Notifier(str(notify_socket.path)))
    assert status == 0
    rows = stored(engine)
    assert_disjoint(rows)
    channels = by_channel(rows)
    assert len(channels) > 20
    states = {r.state for r in rows}
    assert {"signal", "jammed", "unknown"} <= states, states
    # the noise jammer sits on 7250 kHz from second 2 of the scene's air
    assert any(r.state == "jammed" for r in channels[7_250_000])
    # the first step after opening is settling, never judged
    first = min(r.start for r in rows)
    assert all(r.state == "unknown" for r in rows if r.start == first)
    with transaction(engine) as session:
        beat = session.scalars(select(Heartbeat)).one()
        assert beat.detail["state"] == "observing"
    messages = notify_socket.messages()
    assert messages[0].startswith("READY=1")
    assert messages.count("WATCHDOG=1") == 2
    assert messages[-1] == "STOPPING=1"
    assert dongle.calls("rtlsdr_set_direct_sampling") == [["rtlsdr_set_direct_sampling", "2"]]


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["stall", "unplug"])
def test_fault_mid_run_is_recovered_and_never_empty(
    fault: str,
    dongle: FakeDongle,  # noqa: ARG001 (the fixture sets up the air)
    make_config: MakeConfig,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if fault == "stall":
        monkeypatch.setenv("FAKE_RTLSDR_STALL_AFTER_BYTES", str(3 * BYTES_PER_S))
    else:
        monkeypatch.setenv("FAKE_RTLSDR_UNPLUG_AFTER_BYTES", str(3 * BYTES_PER_S))
        monkeypatch.setenv("FAKE_RTLSDR_ABSENT_S", "0.5")
    caplog.set_level(logging.INFO, logger="monitor")
    assert run_for(dongle_config(make_config), engine, 8.0) == 0
    faults = [r.getMessage() for r in caplog.records if "event=device_fault" in r.getMessage()]
    expected = "DeviceStalled" if fault == "stall" else "DeviceLost"
    assert faults, "the fault was reported"
    assert expected in faults[0] or (fault == "unplug" and "DeviceNotFound" in faults[0]), faults
    rows = stored(engine)
    assert_disjoint(rows)
    opened = [r for r in caplog.records if "event=device_open" in r.getMessage()]
    assert len(opened) == 2, "the device was reopened once"
    for channel, items in by_channel(rows).items():
        holes = judged_holes_s(items)
        # the outage (stall timeout or unplug) is not judged: no empty/signal/jammed over it
        assert any((b - a).total_seconds() >= 0.5 for a, b in holes), (channel, holes)
        assert items[-1].end > items[0].start
    # the receiver kept judging after the fault
    last = max(r.end for r in rows)
    judged_late = [r for r in rows if r.state != "unknown" and r.end == last]
    assert judged_late


@pytest.mark.slow
def test_a_dongle_that_stays_away_ends_the_run_with_status_1_keeping_what_was_seen(
    dongle: FakeDongle,  # noqa: ARG001 (the fixture sets up the air)
    make_config: MakeConfig,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After ``recovery.max_failures`` failed reopenings in a row the receiver exits 1 (so
    systemd restarts it) instead of retrying forever; the steps judged before the unplug are
    stored."""
    monkeypatch.setenv("FAKE_RTLSDR_UNPLUG_AFTER_BYTES", str(3 * BYTES_PER_S))
    absent_s = 2.0  # far longer than 3 reopenings 0.05-0.1 s apart; then the dongle is back
    monkeypatch.setenv("FAKE_RTLSDR_ABSENT_S", str(absent_s))
    caplog.set_level(logging.INFO, logger="monitor")
    base = dongle_config(make_config)
    recovery = base.recovery.model_copy(
        update={"max_failures": 3, "backoff_initial_s": 0.05, "backoff_max_s": 0.1}
    )
    config = base.model_copy(update={"recovery": recovery})
    assert run_for(config, engine, 30.0) == 1
    time.sleep(absent_s)  # the exit came right after the unplug; the library serves the session
    exits = [r.getMessage() for r in caplog.records if "action=exit" in r.getMessage()]
    assert len(exits) == 1
    assert "failures=3" in exits[0]
    rows = stored(engine)
    assert_disjoint(rows)
    assert any(r.state != "unknown" for r in rows), "the steps before the unplug were lost"
