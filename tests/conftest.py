"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_IQ = REPO.parent / "shared" / "iq"


@pytest.fixture(scope="session")
def shared_iq() -> Path:
    """The real off-air recordings in ``../shared/iq`` (read in place, never copied).

    A user's fresh checkout has no ``../shared``: the tests that need it are skipped with the
    reason. Under CI (``CI`` set) the folder must be there, so its absence fails instead.
    """
    if not SHARED_IQ.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the shared recordings are missing: {SHARED_IQ}")
        pytest.skip(f"real recordings not available: {SHARED_IQ} does not exist")
    return SHARED_IQ
