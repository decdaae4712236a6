"""``jamwatch report {outages,daily}`` on a seeded SQLite file: tables, CSV and exit status."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import make_url

from monitor.cli import main
from monitor.store.engine import transaction
from tests.monitor.reports.month import (
    CHANNELS,
    FIRST,
    LAST,
    air_mask,
    month_states,
    reference_days,
    reference_outage,
    seed_month,
)
from tests.monitor.store.database import engine_for

RANGE = ["--from", FIRST.isoformat(), "--to", LAST.isoformat()]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'jamwatch.db'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    engine = engine_for(make_url(url))
    with transaction(engine) as session:
        seed_month(session, month_states())
    engine.dispose()
    return url


def test_outages_as_csv_agree_with_the_reference(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert (
        main(
            [
                "report",
                "outages",
                "--station",
                "KBS",
                "--language",
                "K",
                *RANGE,
                "--db",
                database,
                "--csv",
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["receiver"] for row in rows] == ["seoul", "tokyo", "*"]
    expected = reference_outage(
        month_states(), CHANNELS[0], air_mask(1500, 1700, "1234567", FIRST, LAST)
    )
    combined = rows[-1]
    assert float(combined["scheduled_s"]) == expected.scheduled_s
    assert float(combined["observed_s"]) == expected.observed_s
    assert float(combined["jammed_s"]) == expected.jammed_any_s
    assert float(combined["jammed_all_s"]) == expected.jammed_all_s
    assert float(combined["not_observed_s"]) == expected.scheduled_s - expected.observed_s
    for row in rows[:-1]:
        ref = expected.receivers[row["receiver"]]
        assert float(row["jammed_s"]) == ref.jammed_s
        assert float(row["unknown_s"]) == ref.unknown_s
        assert float(row["not_observed_s"]) == ref.unobserved_s


def test_outages_as_a_table(
    database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    capsys.readouterr()
    assert main(["report", "outages", "--language", "K", *RANGE, "--db", database]) == 0
    out = capsys.readouterr().out
    assert f"Outages {FIRST} to {LAST}" in out
    for text in ("KBS K NK", "RFA K NK", "VOA K NK", "2300-0100 1234567", "total"):
        assert text in out


def test_daily_jamming_as_a_table_and_csv(
    database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    capsys.readouterr()
    assert (
        main(["report", "daily", "--frequency-hz", str(CHANNELS[0]), *RANGE, "--db", database]) == 0
    )
    out = capsys.readouterr().out
    assert "6015 kHz at seoul" in out
    assert "6015 kHz at tokyo" in out
    assert (
        [line for line in out.splitlines() if "2026-03-10" in line][0]
        .rstrip(" │")
        .endswith("no jamming")
    )
    assert (
        main(
            [
                "report",
                "daily",
                "--band",
                "49m",
                "--receiver",
                "tokyo",
                *RANGE,
                "--db",
                database,
                "--csv",
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    days, _, _ = reference_days(month_states(), "tokyo", CHANNELS, FIRST, LAST)
    assert len(rows) == len(days)
    for row in rows:
        ref = days[date.fromisoformat(row["date"])]
        assert (row["receiver"], row["scope"], row["name"]) == ("tokyo", "band", "49m")
        assert float(row["jammed_h"]) == pytest.approx(ref.jammed_h, abs=1e-4)
        assert float(row["observed_h"]) == pytest.approx(ref.observed_h, abs=1e-4)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["outages", *RANGE], "give a broadcast id, or a station"),
        (["outages", "--broadcast", "1", "--station", "KBS", *RANGE], "a broadcast id selects one"),
        (["outages", "--station", "Nobody", *RANGE], "no broadcast matches station 'Nobody'"),
        (["outages", "--station", "KBS", "--receiver", "nowhere", *RANGE], "no receiver called"),
        (["outages", "--station", "KBS", "--from", "2026-03-10", "--to", "2026-03-01"], "is after"),
        (["outages", "--station", "KBS", "--from", "2024-01-01", "--to", "2026-03-01"], "366 days"),
        (["daily", "--frequency-hz", "6015001", *RANGE], "not on the 5000 Hz channel raster"),
        (
            ["daily", "--frequency-hz", "6015000", "--per", "band", *RANGE],
            "--per band needs --band",
        ),
        (["daily", "--band", "49m", "--receiver", "nowhere", *RANGE], "no receiver called"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    database: str, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    capsys.readouterr()
    assert main(["report", *arguments, "--db", database]) == 2
    err = capsys.readouterr().err
    assert err.startswith("jamwatch: error: ")
    assert err.count("\n") == 1
    assert message in err


@pytest.mark.parametrize(
    "arguments",
    [
        ["outages", "--station", "KBS", "--from", "2026-02-30", "--to", "2026-03-01"],
        ["daily", "--band", "80m", *RANGE],
        ["daily", *RANGE],
        ["daily", "--band", "49m", "--frequency-hz", "6015000", *RANGE],
    ],
)
def test_unparsable_arguments_exit_2(database: str, arguments: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["report", *arguments, "--db", database])
    assert exited.value.code == 2


def test_a_database_that_is_not_migrated_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["report", "daily", "--band", "49m", *RANGE, "--db", url]) == 2
    assert "run `jamwatch db upgrade` first" in capsys.readouterr().err
