"""Fixtures of the schedule tests: the real EiBi files in ``../shared/schedules`` and databases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from monitor.schedules import ScheduleImport, parse_eibi
from tests.conftest import REPO
from tests.monitor.store.database import db_session, migrated_engine

SHARED_SCHEDULES = REPO.parent / "shared" / "schedules"

EIBI_FILES = ("eibi-a22-with-bad-row.csv", "sked-a25.csv", "sked-a26.csv")
"""The real EiBi files in ``../shared/schedules`` (see its README)."""

__all__ = ["EIBI_FILES", "db_session", "eibi_imports", "migrated_engine", "shared_schedules"]


@pytest.fixture(scope="session")
def shared_schedules() -> Path:
    """The real schedule files in ``../shared/schedules`` (read in place, never copied).

    Skipped with the reason where the folder is absent (a user's fresh checkout); under CI
    (``CI`` set) its absence fails instead.
    """
    if not SHARED_SCHEDULES.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the shared schedules are missing: {SHARED_SCHEDULES}")
        pytest.skip(f"real schedules not available: {SHARED_SCHEDULES} does not exist")
    return SHARED_SCHEDULES


@pytest.fixture(scope="session")
def eibi_imports(shared_schedules: Path) -> dict[str, ScheduleImport]:
    """The real EiBi files parsed once, by file name."""
    return {name: parse_eibi(shared_schedules / name) for name in EIBI_FILES}
