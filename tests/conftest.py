"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The fake librtlsdr fixtures are session-wide: pyrtlsdr can load only one library per process.
pytest_plugins = ["tests.fakes.librtlsdr"]

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


_DESELECTED_KEY = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--hardware",
        action="store_true",
        default=False,
        help="run the tests marked 'hardware' (they need a real RTL-SDR dongle attached)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--hardware"):
        return
    hardware = [item for item in items if item.get_closest_marker("hardware")]
    if hardware:
        config.hook.pytest_deselected(items=hardware)
        items[:] = [item for item in items if item not in hardware]
        config.stash[_DESELECTED_KEY] = len(hardware)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    count = config.stash.get(_DESELECTED_KEY, 0)
    if count:
        terminalreporter.write_line(
            f"{count} 'hardware' test(s) deselected: they need a real RTL-SDR dongle; "
            "run with --hardware to include them"
        )
