"""Ground truth: the documented rules on a designed scene, the CSV format and its reader."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import pytest

from monitor.errors import InputError
from monitor.sim import read_truth, simulate
from monitor.sim.scene import Scene, parse_scene
from monitor.sim.truth import COLUMNS, channels_in_span

RATE = 250_000
CENTER = 9_652_500


def _scene() -> Scene:
    em = [
        # target under a wide noise jammer (18 kHz: spills into both neighbours)
        {"kind": "am", "frequency_hz": 9_600_000, "level_dbm": -70.0},
        {
            "kind": "jam_noise",
            "frequency_hz": 9_600_000,
            "level_dbm": -62.0,
            "bandwidth_hz": 18000.0,
            "cluster": "k",
        },
        # jammer with no target, same cluster: switches at the same second
        {"kind": "jam_tone", "frequency_hz": 9_650_000, "level_dbm": -65.0, "cluster": "k"},
        # sweeper over 9690-9710 kHz
        {
            "kind": "jam_sweep",
            "frequency_hz": 9_700_000,
            "level_dbm": -60.0,
            "span_hz": 20000.0,
            "period_s": 4.0,
            "on": [[1.0, 5.0]],
        },
        # clean signals
        {"kind": "drm", "frequency_hz": 9_740_000, "level_dbm": -72.0},
        {"kind": "am", "frequency_hz": 9_560_000, "level_dbm": -75.0, "on": [[0.0, 3.0]]},
        # a signal far below the noise: never "signal"
        {"kind": "am", "frequency_hz": 9_580_000, "level_dbm": -125.0},
    ]
    return parse_scene(
        {
            "receiver": {
                "center_hz": CENTER,
                "sample_rate_hz": RATE,
                "duration_s": 6.0,
                "site": "rural",
                "full_scale_dbm": -35.0,
            },
            "clusters": [{"name": "k", "on": [[2.0, 4.0]]}],
            "emitters": em,
        },
        "truth scene",
    )


@pytest.fixture(scope="module")
def truth(tmp_path_factory: pytest.TempPathFactory):
    result = simulate(_scene(), tmp_path_factory.mktemp("truth") / "t", seed=4)
    table: dict[tuple[int, int], object] = {}
    for row in read_truth(result.truth_path):
        table[row.second, row.frequency_hz] = row
    return result, table


def test_rows_cover_every_channel_and_second(truth) -> None:
    result, table = truth
    channels = channels_in_span(CENTER, RATE)
    assert result.channels_hz == channels
    assert set(table) == {(s, f) for s in range(6) for f in channels}
    assert result.truth_path.read_text().splitlines()[0] == ",".join(COLUMNS)


def test_cluster_switches_together_and_spill_counts(truth) -> None:
    _, t = truth
    for second in range(6):
        on = 2 <= second < 4
        for freq in (9_595_000, 9_600_000, 9_605_000, 9_650_000):
            row = t[second, freq]
            assert (row.state == "jammed") == on, (second, freq, row)
        if on:
            assert t[second, 9_600_000].jammer == "noise"
            assert t[second, 9_650_000].jammer == "tone"
            assert t[second, 9_600_000].content == ("am", "jam_noise")
    assert t[0, 9_600_000].state == "signal"
    assert t[0, 9_600_000].content == ("am",)
    assert t[0, 9_650_000].state == "empty"
    assert t[0, 9_650_000].snr_db is None


def test_sweeper_jams_its_whole_span_while_on(truth) -> None:
    _, t = truth
    span = [9_690_000, 9_695_000, 9_700_000, 9_705_000, 9_710_000]
    for second in range(6):
        states = {t[second, f].state for f in span}
        assert states == ({"jammed"} if 1 <= second < 5 else {"empty"})
        if 1 <= second < 5:
            assert {t[second, f].jammer for f in span} == {"sweep"}


def test_signals_and_empty_channels(truth) -> None:
    _, t = truth
    for second in range(6):
        assert t[second, 9_740_000].state == "signal"
        assert t[second, 9_740_000].content == ("drm",)
        assert t[second, 9_580_000].state in {"empty", "jammed"}  # -125 dBm is invisible
        assert t[second, 9_770_000].state == "empty"
    by_state = defaultdict(set)
    for second in range(6):
        by_state[t[second, 9_560_000].state].add(second)
    assert by_state["signal"] == {0, 1, 2}
    assert by_state["empty"] == {3, 4, 5}
    assert t[0, 9_740_000].snr_db is not None
    assert t[0, 9_740_000].snr_db > 10


def test_reader_rejects_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "x.truth.csv"
    path.write_text("second,frequency_hz\n0,1\n")
    with pytest.raises(InputError, match="header"):
        read_truth(path)
    path.write_text(",".join(COLUMNS) + "\n0,5000,jammed,,,\n")
    with pytest.raises(InputError, match="line 2: jammer must be given"):
        read_truth(path)
    path.write_text(",".join(COLUMNS) + "\n0,5000,busy,,,\n")
    with pytest.raises(InputError, match="unknown state"):
        read_truth(path)
    with pytest.raises(InputError, match="cannot read"):
        read_truth(tmp_path / "missing.csv")


def test_js_db_is_the_in_channel_jammer_to_broadcast_ratio(tmp_path: Path) -> None:
    """An AM service (carrier -70 dBm, m_rms 0.2: total -69.83 dBm) under a carrier-less 6 kHz
    noise jammer of -60 dBm total (all of it in the channel) from 1 s: js_db = +9.8 dB while
    both are on, empty before (no jammer) and where only a jammer reaches the channel."""
    scene = parse_scene(
        {
            "receiver": {
                "center_hz": 9_602_500,
                "sample_rate_hz": 64_000,
                "duration_s": 3.0,
                "datatype": "cf32_le",
                "adc_bits": 0,
                "site": "rural",
            },
            "emitters": [
                {"kind": "am", "frequency_hz": 9_600_000, "level_dbm": -70.0, "m_rms": 0.2},
                {
                    "kind": "jam_noise",
                    "frequency_hz": 9_600_000,
                    "level_dbm": -60.0,
                    "carrier": False,
                    "bandwidth_hz": 6000.0,
                    "on": [[1.0, 3.0]],
                },
                {"kind": "jam_tone", "frequency_hz": 9_615_000, "level_dbm": -70.0},
            ],
        },
        "js scene",
    )
    rows = read_truth(simulate(scene, tmp_path / "js", seed=2).truth_path)
    t = {(r.second, r.frequency_hz): r for r in rows}
    assert t[0, 9_600_000].js_db is None
    expected_db = -60.0 - (-70.0 + 10 * math.log10(1 + 0.2**2))
    for second in (1, 2):
        row = t[second, 9_600_000]
        assert row.state == "jammed"
        assert row.js_db == pytest.approx(expected_db, abs=0.3)
        assert t[second, 9_615_000].js_db is None  # a jammer with no broadcast underneath
    for r in rows:  # given exactly where the content holds both a jammer and a broadcast
        both = any(k.startswith("jam_") for k in r.content) and any(
            not k.startswith("jam_") for k in r.content
        )
        assert (r.js_db is not None) == both, r


def test_reader_accepts_files_written_before_js_db(tmp_path: Path) -> None:
    path = tmp_path / "old.truth.csv"
    path.write_text(",".join(COLUMNS[:-1]) + "\n0,5000,jammed,noise,am;jam_noise,12.5\n")
    (row,) = read_truth(path)
    assert (row.jammer, row.snr_db, row.js_db) == ("noise", 12.5, None)


def test_a_channel_edge_bin_counts_half_on_each_side(tmp_path: Path) -> None:
    """A 500 Hz tone's sidebands sit exactly on the +-4.5 kHz edges of the two neighbours of
    its carrier (on the 125 Hz synthesis grid): both neighbours measure the same spill."""
    scene = parse_scene(
        {
            "receiver": {
                "center_hz": 9_602_500,
                "sample_rate_hz": 64_000,
                "duration_s": 2.0,
                "datatype": "cf32_le",
                "adc_bits": 0,
                "site": "rural",
            },
            "emitters": [
                {
                    "kind": "jam_tone",
                    "frequency_hz": 9_610_000,
                    "level_dbm": -60.0,
                    "tone_hz": 500.0,
                }
            ],
        },
        "edge scene",
    )
    rows = read_truth(simulate(scene, tmp_path / "edge", seed=3).truth_path)
    snr = {(r.second, r.frequency_hz): r.snr_db for r in rows}
    for second in (0, 1):
        below, above = snr[second, 9_605_000], snr[second, 9_615_000]
        assert below is not None
        assert above is not None
        assert below == pytest.approx(above, abs=0.2)
