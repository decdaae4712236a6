"""The committed SigMF corpus replays to exactly the verdicts recorded beside each file.

A failure here means the detector's output changed: check the change with ``make eval``; if it
is intended, run ``make fixtures`` and commit the new ``expected.json`` with the change.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from monitor.sim.truth import read_truth
from tests.fixtures.regenerate import CORPUS, Fixture, analyze_document


@pytest.mark.parametrize("fixture", CORPUS, ids=[f.name for f in CORPUS])
def test_fixture_replays_to_its_expected_verdicts(fixture: Fixture) -> None:
    expected = json.loads(fixture.expected_path.read_text(encoding="utf-8"))
    actual = analyze_document(fixture.meta_path)
    assert actual["recording"] == expected["recording"]
    assert actual["channels"] == expected["channels"]
    got_segments, want_segments = actual["segments"], expected["segments"]
    assert isinstance(got_segments, list)
    assert len(got_segments) == len(want_segments)
    for got, want in zip(got_segments, want_segments, strict=True):
        for key in ("frequency_hz", "start", "end", "state", "jammer"):
            assert got[key] == want[key], (key, got, want)
        assert got["confidence"] == pytest.approx(want["confidence"], abs=1e-6)


@pytest.mark.parametrize("fixture", CORPUS, ids=[f.name for f in CORPUS])
def test_fixture_verdicts_agree_with_its_ground_truth_where_it_matters(fixture: Fixture) -> None:
    """The recorded verdicts are not just any output. Each second is judged by the segment
        holding its middle (as ``make eval`` does): what is called jammed is jammed in the truth
    (seconds the truth calls unknown aside),
        and every channel jammed for two seconds or more is called jammed at least once. (Recall
        over a few seconds says little: onsets are confirmed over steps; ``make eval`` measures it.)
    """
    truth = read_truth(fixture.meta_path.with_name(f"{fixture.name}.truth.csv"))
    expected = json.loads(fixture.expected_path.read_text(encoding="utf-8"))
    t0 = datetime.fromisoformat(expected["recording"]["start"])
    jammed_truth = {(row.frequency_hz, row.second) for row in truth if row.state == "jammed"}
    unknown_truth = {(row.frequency_hz, row.second) for row in truth if row.state == "unknown"}
    called = set()
    for segment in expected["segments"]:
        if segment["state"] != "jammed":
            continue
        first = (datetime.fromisoformat(segment["start"]) - t0).total_seconds()
        last = (datetime.fromisoformat(segment["end"]) - t0).total_seconds()
        seconds = range(int(first - 0.5) + 1 if first > 0.5 else 0, int(last - 0.5) + 1)
        called |= {(segment["frequency_hz"], s) for s in seconds if first <= s + 0.5 < last}
    if not jammed_truth:
        assert not called, "jamming called in a fixture whose truth has none"
        return
    assert called, "no jamming called in a fixture whose truth has some"
    scored = called - unknown_truth  # a second touched by a gap is unknown in the truth
    precision = len(scored & jammed_truth) / len(scored)
    assert precision >= 0.9, f"only {precision:.0%} of what is called jammed is jammed"
    judged = {frequency for frequency, _ in called} | set(expected["channels"])
    per_channel: dict[int, int] = {}
    for frequency, _ in jammed_truth:
        per_channel[frequency] = per_channel.get(frequency, 0) + 1
    missed = sorted(
        f
        for f, n in per_channel.items()
        if n >= 2 and f in judged and not any(c == f for c, _ in called)
    )
    assert not missed, f"jammed channels never called jammed: {missed}"
