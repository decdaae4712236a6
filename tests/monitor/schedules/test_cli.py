"""``jamwatch schedule import``: counts on stdout, rejected lines on stderr, exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.cli import main

EIBI_HEADER = (
    "kHz:75;Time(UTC):93;Days:59;ITU:49;Station:201;Lng:49;Target:62;Remarks:135;"
    "P:35;Start:60;Stop:60;"
)


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'jamwatch.db'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    return url


def test_real_file_with_a_bad_row(
    database: str, shared_schedules: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_schedules / "eibi-a22-with-bad-row.csv"
    capsys.readouterr()
    assert main(["schedule", "import", str(path), "--db", database]) == 0
    out, err = capsys.readouterr()
    assert err == f"{path}:12636: rejected: frequency '17870b' is not a number of kHz\n"
    assert "eibi season A22, source eibi:A22" in out
    assert "rows: 12957, parsed: 12956, rejected: 1" in out
    stored = int(out.split("stored: ")[1].split()[0])
    assert stored > 10_000
    assert main(["schedule", "import", str(path), "--db", database, "--format", "eibi"]) == 0
    out, _ = capsys.readouterr()
    assert f"stored: {stored} (replacing {stored} rows of eibi:A22)" in out


def test_own_csv_and_season_option(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    eibi = tmp_path / "eibi.csv"
    eibi.write_bytes(f"{EIBI_HEADER}\r\n6000;1200-1300;;D;Test;E;Eu;;1;;\r\n".encode())
    capsys.readouterr()
    assert main(["schedule", "import", str(eibi), "--season", "B26", "--db", database]) == 0
    assert "eibi season B26, source eibi:B26" in capsys.readouterr().out
    own = tmp_path / "kbs.csv"
    own.write_text("frequency_khz,start_utc,end_utc,station\n7210,1500,1600,KBS\nx,1,2,Y\n")
    assert main(["schedule", "import", str(own), "--db", database]) == 0
    out, err = capsys.readouterr()
    assert "csv, source csv:kbs.csv" in out
    assert "stored: 1 (replacing 0 rows of csv:kbs.csv)" in out
    assert err.startswith(f"{own}:3: rejected: frequency_khz")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"just some text\n", "notes.txt: not a schedule CSV"),
        ("sked-a26.csv", b"kHz:75;Time\r\n", "sked-a26.csv: not an EiBi schedule"),
        ("x.json", b'{"a": 1}', "x.json: not a JSON list"),
        ("all-bad.csv", b"frequency_khz,start_utc,end_utc,station\nx,1,2,Y\n", "no broadcast"),
    ],
)
def test_files_that_are_not_schedules_exit_2(
    database: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    capsys.readouterr()
    assert main(["schedule", "import", str(path), "--db", database]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("jamwatch: error: ")
    assert message in err[-1]
    assert str(tmp_path) in err[-1]


def test_missing_file_bad_season_and_unmigrated_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "sked-a26.csv"
    assert main(["schedule", "import", str(missing)]) == 2
    assert f"{missing}: cannot read the file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["schedule", "import", str(missing), "--season", "Z9"])
    assert exit_info.value.code == 2
    assert "season 'Z9'" in capsys.readouterr().err
    own = tmp_path / "kbs.csv"
    own.write_text("frequency_khz,start_utc,end_utc,station\n7210,1500,1600,KBS\n")
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["schedule", "import", str(own), "--db", empty]) == 2
    assert "jamwatch db upgrade" in capsys.readouterr().err
