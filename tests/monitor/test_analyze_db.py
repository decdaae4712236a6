"""``jamwatch analyze --db URL --receiver NAME``: verdicts stored once, errors in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor.cli import main
from monitor.store.engine import make_engine, transaction
from monitor.store.migrate import upgrade
from monitor.store.models import Segment
from monitor.store.settings import database_settings
from tests.fixtures.regenerate import CORPUS

RECORDING = CORPUS[0].meta_path


def _migrated(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = make_engine(database_settings(url=url))
    with engine.begin() as connection:
        upgrade(connection)
    engine.dispose()
    return url


def _rows(url: str) -> list[tuple[int, str, str | None]]:
    engine = make_engine(database_settings(url=url))
    with transaction(engine) as session:
        rows = session.execute(
            select(Segment.frequency_hz, Segment.state, Segment.jammer).order_by(
                Segment.frequency_hz, Segment.start_at
            )
        ).all()
        count = session.scalar(select(func.count()).select_from(Segment))
    engine.dispose()
    assert count == len(rows)
    return [(row[0], row[1], row[2]) for row in rows]


def test_segments_are_stored_once_however_often_the_recording_is_analysed(tmp_path: Path) -> None:
    url = _migrated(tmp_path / "jamwatch.db")
    args = ["analyze", str(RECORDING), "--json", "--db", url, "--receiver", "lab-1"]
    assert main(args) == 0
    first = _rows(url)
    assert main(args) == 0
    assert _rows(url) == first
    assert {state for _, state, _ in first} >= {"signal", "jammed"}
    assert any(jammer is not None for _, _, jammer in first)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--db", "sqlite:///x.db"], "--db and --receiver go together"),
        (["--receiver", "lab-1"], "--db and --receiver go together"),
    ],
)
def test_db_and_receiver_are_given_together(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(RECORDING), *extra]) == 2
    assert message in capsys.readouterr().err


def test_an_unmigrated_database_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["analyze", str(RECORDING), "--db", url, "--receiver", "lab-1"]) == 2
    err = capsys.readouterr().err
    assert "run `jamwatch db upgrade` first" in err
    assert err.count("\n") == 1


def test_an_unreachable_database_is_one_line_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/none"
    assert main(["analyze", str(RECORDING), "--db", url, "--receiver", "lab-1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("jamwatch: error: database unavailable:")
    assert err.count("\n") == 1
    assert "Traceback" not in err
