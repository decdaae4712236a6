"""``jamwatch db`` and ``jamwatch receivers`` on both backends, through the real entry point."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, select

from monitor.cli import main
from monitor.store.engine import transaction
from monitor.store.migrate import head_revision
from monitor.store.models import Receiver
from monitor.store.receivers import hash_api_key
from tests.monitor.store.database import BACKENDS, empty_database, engine_for


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database."""
    with empty_database(request.param, tmp_path) as url:
        yield url.render_as_string(hide_password=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_db_upgrade_check_and_current(
    capsys: pytest.CaptureFixture[str], database_url: str
) -> None:
    status, out, _ = run(capsys, "db", "check", "--db", database_url)
    assert status == 1
    assert "run `jamwatch db upgrade`" in out
    assert run(capsys, "db", "upgrade", "--db", database_url)[0] == 0
    status, out, _ = run(capsys, "db", "current", "--db", database_url)
    assert status == 0
    assert f"current: {head_revision()}" in out
    assert run(capsys, "db", "check", "--db", database_url)[0] == 0
    assert run(capsys, "db", "upgrade", "--db", database_url)[0] == 0  # a second time is a no-op


def test_receivers_add_prints_the_key_once_and_stores_its_hash(
    capsys: pytest.CaptureFixture[str], database_url: str
) -> None:
    status, _, err = run(capsys, "receivers", "add", "pi-1", "--db", database_url)
    assert status == 2
    assert "jamwatch db upgrade" in err
    run(capsys, "db", "upgrade", "--db", database_url)

    status, out, _ = run(
        capsys, "receivers", "add", "pi-1", "--location", "Seoul", "--db", database_url
    )
    assert status == 0
    key = out.strip().splitlines()[-1]
    assert key.startswith("jw_")
    assert len(key) > 40
    engine = engine_for(make_url(database_url))
    with transaction(engine) as session:
        receiver = session.scalars(select(Receiver)).one()
        assert receiver.api_key_hash == hash_api_key(key)
        assert receiver.location == "Seoul"
    engine.dispose()

    status, _, err = run(capsys, "receivers", "add", "pi-1", "--db", database_url)
    assert (status, err.strip()) == (2, "jamwatch: error: receiver 'pi-1' already exists")
    status, _, err = run(capsys, "receivers", "add", "bad name!", "--db", database_url)
    assert status == 2
    assert "receiver name 'bad name!' is invalid" in err
    assert run(capsys, "receivers", "revoke", "pi-1", "--db", database_url)[0] == 0
    status, _, err = run(capsys, "receivers", "revoke", "pi-9", "--db", database_url)
    assert (status, err.strip()) == (2, "jamwatch: error: no receiver called 'pi-9'")
    status, out, _ = run(capsys, "receivers", "list", "--db", database_url)
    assert out.split("\t")[:2] == ["pi-1", "revoked"]


def test_a_bad_database_url_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "db", "current", "--db", "oracle://scott@tiger/db")
    assert status == 2
    assert out == ""
    assert err == (
        "jamwatch: error: setting database.url (JAMWATCH_DATABASE_URL): unsupported database "
        "'oracle': use sqlite:/// or postgresql://\n"
    )


def test_serve_refuses_an_unmigrated_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = run(
        capsys, "serve", "--db", f"sqlite:///{tmp_path}/empty.db", "--port", "8799"
    )
    assert status == 2
    assert "run `jamwatch db upgrade` first" in err
