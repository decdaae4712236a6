"""Build the fake librtlsdr and point pyrtlsdr at it, for in-process tests of RtlSdrSource.

pyrtlsdr loads librtlsdr once, when ``rtlsdr`` is first imported (``rtlsdr/librtlsdr.py``): it
tries the ``pyrtlsdrlib`` wheel, then ``<dir>/librtlsdr.so`` for every directory of
``LD_LIBRARY_PATH`` as seen in ``os.environ`` at that moment, then ``find_library``. The session
fixture compiles ``fake_librtlsdr.c`` into a temporary directory, puts that directory on
``LD_LIBRARY_PATH`` and imports ``rtlsdr`` itself, so every later ``import rtlsdr`` in the process
(including the lazy one in ``monitor.sources.rtlsdr``) gets the fake. The fake reads its
configuration (``FAKE_RTLSDR_*``, see the C file) from the environment when a device is opened,
so each test sets its variables with ``monkeypatch`` before opening a source.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

C_SOURCE = Path(__file__).with_name("fake_librtlsdr.c")


def build_fake_librtlsdr(dest: Path) -> Path:
    """Compile the fake into ``dest`` as ``librtlsdr.so.0`` plus a ``librtlsdr.so`` link.

    Raises ``FileNotFoundError`` when gcc is not installed and ``CalledProcessError`` (with the
    compiler's output) when the build fails.
    """
    gcc = shutil.which("gcc")
    if gcc is None:
        raise FileNotFoundError("gcc is not installed")
    dest.mkdir(parents=True, exist_ok=True)
    library = dest / "librtlsdr.so.0"
    subprocess.run(
        [
            gcc,
            "-shared",
            "-fPIC",
            "-O2",
            "-pthread",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-o",
            str(library),
            str(C_SOURCE),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (dest / "librtlsdr.so").symlink_to(library.name)
    return dest / "librtlsdr.so"


@pytest.fixture(scope="session")
def fake_librtlsdr(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The compiled fake librtlsdr, loaded by pyrtlsdr in this process.

    Without gcc the tests that need it are skipped with the reason; under CI (``CI`` set) that
    is a failure instead.
    """
    if shutil.which("gcc") is None:
        reason = "gcc is needed to build the fake librtlsdr (tests/fakes/fake_librtlsdr.c)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    library = build_fake_librtlsdr(tmp_path_factory.mktemp("fake-librtlsdr"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LD_LIBRARY_PATH", str(library.parent), prepend=os.pathsep)
        import rtlsdr
    loaded = Path(rtlsdr.librtlsdr._name)
    if loaded != library:
        pytest.fail(
            f"pyrtlsdr loaded {loaded}, not the fake {library}: rtlsdr was imported before the "
            f"fixture, or pyrtlsdrlib is installed (modules: {'pyrtlsdrlib' in sys.modules})"
        )
    return library


@dataclass(frozen=True)
class FakeDongle:
    """One test's view of the fake dongle: the library, its air file and its call log."""

    library: Path
    iq_path: Path
    log_path: Path

    def calls(self, name: str | None = None) -> list[list[str]]:
        """Logged API calls as ``[name, arg, ...]``, optionally only those named ``name``."""
        if not self.log_path.exists():
            return []
        lines = [line.split() for line in self.log_path.read_text().splitlines() if line]
        return [line for line in lines if name is None or line[0] == name]


@pytest.fixture
def fake_dongle(
    fake_librtlsdr: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> FakeDongle:
    """A fake dongle serving ``tmp_path/air.cu8`` (the test writes it) and logging its calls.

    Further ``FAKE_RTLSDR_*`` variables can be set with ``monkeypatch.setenv`` before opening.
    """
    for key in [k for k in os.environ if k.startswith("FAKE_RTLSDR_")]:
        monkeypatch.delenv(key)
    dongle = FakeDongle(fake_librtlsdr, tmp_path / "air.cu8", tmp_path / "librtlsdr.log")
    monkeypatch.setenv("FAKE_RTLSDR_IQ", str(dongle.iq_path))
    monkeypatch.setenv("FAKE_RTLSDR_LOG", str(dongle.log_path))
    return dongle
