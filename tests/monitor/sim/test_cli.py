"""``jamwatch simulate`` on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

import monitor.cli as cli
from monitor.sim import builtin_scenes, read_truth


@pytest.fixture(autouse=True)
def only_simulate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register just this command, so these tests do not depend on the others' modules."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("simulate",))


def test_list_prints_every_builtin_with_its_description(capsys: pytest.CaptureFixture[str]):
    assert cli.main(["simulate", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(builtin_scenes())
    for line, (name, description) in zip(lines, builtin_scenes().items(), strict=True):
        assert line.split(maxsplit=1) == [name, description]


def test_simulates_a_builtin_with_overrides(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "demo"
    args = ["simulate", "small", "-o", str(out), "--seed", "3", "--duration", "2"]
    assert cli.main([*args, "--sample-rate", "125000", "--datatype", "cf32_le"]) == 0
    assert "wrote" in capsys.readouterr().out
    data = out.with_name("demo.sigmf-data")
    assert data.stat().st_size == 2 * 125_000 * 8
    assert {r.second for r in read_truth(out.with_name("demo.truth.csv"))} == {0, 1}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "-o", "x"], "no built-in scene named 'nope'"),
        (["BAD", "-o", "x"], "emitters[0].level_dbm"),
        (["small"], "needs SCENE|NAME and -o OUT_BASE"),
        (["small", "-o", "x", "--sample-rate", "1000.5"], "receiver.sample_rate_hz"),
        (["small", "-o", "/nonexistent/dir/x"], "output directory does not exist"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[receiver]\ncenter_hz = 6e6\nsample_rate_hz = 250000\nduration_s = 1\n"
        '[[emitters]]\nkind = "am"\nfrequency_hz = 6e6\nlevel_dbm = "x"\n'
    )
    args = [str(bad) if a == "BAD" else a for a in args]
    assert cli.main(["simulate", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("jamwatch: error: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1
