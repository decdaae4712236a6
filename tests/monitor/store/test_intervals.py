"""The splice rules on plain pieces, including a property test over random histories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from monitor.store.intervals import Piece, fill_gaps, merge_touching, splice

T0 = datetime(2026, 2, 16, 12, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def piece(start_s: float, end_s: float, state: str = "empty", confidence: float = 0.9) -> Piece:
    jammer = "noise" if state == "jammed" else None
    return Piece(at(start_s), at(end_s), state, jammer, confidence, None, {})  # type: ignore[arg-type]


def test_gaps_inside_the_covered_time_become_unknown() -> None:
    tiled = fill_gaps([piece(10, 20, "signal")], at(0), at(30))
    assert [(p.start, p.end, p.state) for p in tiled] == [
        (at(0), at(10), "unknown"),
        (at(10), at(20), "signal"),
        (at(20), at(30), "unknown"),
    ]


def test_touching_pieces_of_one_kind_merge_with_duration_weighted_figures() -> None:
    first = Piece(at(0), at(30), "jammed", "noise", 0.6, 20.0, {"flatness": 0.9, "only_a": 1.0})
    second = Piece(at(30), at(40), "jammed", "noise", 1.0, None, {"flatness": 0.5})
    (merged,) = merge_touching([first, second])
    assert (merged.start, merged.end) == (at(0), at(40))
    assert merged.confidence == (0.6 * 30 + 1.0 * 10) / 40
    assert merged.snr_db == 20.0
    assert merged.metrics == {"flatness": (0.9 * 30 + 0.5 * 10) / 40, "only_a": 1.0}


def test_different_jammer_types_do_not_merge() -> None:
    noise = Piece(at(0), at(10), "jammed", "noise", 0.9, None, {})
    sweep = Piece(at(10), at(20), "jammed", "sweep", 0.9, None, {})
    assert merge_touching([noise, sweep]) == [noise, sweep]


def test_splice_replaces_the_covered_time_and_keeps_the_rest() -> None:
    stored = [piece(0, 100, "signal")]
    result = splice(stored, [piece(40, 60, "jammed")], at(40), at(60))
    assert [(p.start, p.end, p.state) for p in result] == [
        (at(0), at(40), "signal"),
        (at(40), at(60), "jammed"),
        (at(60), at(100), "signal"),
    ]


def test_splice_merges_with_a_touching_stored_neighbour() -> None:
    result = splice([piece(0, 10, "empty")], [piece(10, 20, "empty")], at(10), at(20))
    assert [(p.start, p.end, p.state) for p in result] == [(at(0), at(20), "empty")]


KINDS = st.sampled_from(["empty", "signal", "jammed", "unknown"])


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Piece], list[Piece], float, float]:
    """Stored pieces on a 0..200 s line and a new analysis over a sub-range."""
    cuts = sorted(draw(st.sets(st.integers(0, 200), min_size=2, max_size=12)))
    stored = [
        piece(a, b, draw(KINDS))
        for a, b in zip(cuts, cuts[1:], strict=False)
        if draw(st.booleans())
    ]
    start, end = sorted(draw(st.sets(st.integers(0, 200), min_size=2, max_size=2)))
    inner = sorted(draw(st.sets(st.integers(start, end), max_size=8)) | {start, end})
    new = [
        piece(a, b, draw(KINDS))
        for a, b in zip(inner, inner[1:], strict=False)
        if draw(st.booleans())
    ]
    return stored, new, start, end


@given(histories())
def test_splice_invariants(history: tuple[list[Piece], list[Piece], float, float]) -> None:
    stored, new, start_s, end_s = history
    start, end = at(start_s), at(end_s)
    result = splice(stored, new, start, end)
    for before, after in zip(result, result[1:], strict=False):
        assert before.end <= after.start, "pieces overlap or are out of order"
        assert not (before.end == after.start and before.same_kind(after)), "unmerged neighbours"
    covered = [p for p in result if p.start < end and p.end > start]
    assert covered[0].start <= start
    assert covered[-1].end >= end
    assert all(a.end == b.start for a, b in zip(covered, covered[1:], strict=False)), "hole"

    def state_at(pieces: list[Piece], moment: datetime) -> str | None:
        return next((p.state for p in pieces if p.start <= moment < p.end), None)

    for second in range(0, 200):
        moment = at(second + 0.5)
        expected = (
            state_at(new, moment) or "unknown"
            if start <= moment < end
            else state_at(stored, moment)
        )
        assert state_at(result, moment) == expected


def test_a_joined_piece_keeps_the_rule_of_the_longer_part() -> None:
    def jammed(start_s: float, end_s: float, rule: str) -> Piece:
        return Piece(at(start_s), at(end_s), "jammed", "noise", 0.9, None, {}, rule)

    assert [p.rule for p in merge_touching([jammed(0, 10, "noise"), jammed(10, 40, "steady")])] == [
        "steady"
    ]
    assert [p.rule for p in merge_touching([jammed(-30, 0, "sweep"), jammed(0, 10, "noise")])] == [
        "sweep"
    ]
