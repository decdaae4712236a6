"""Fixtures of the source tests: the fake librtlsdr, test recordings, and the --hardware option."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from monitor.recording.datatypes import complex64_to_cu8
from tests.fakes.librtlsdr import FakeDongle


def noise_cu8(num_samples: int, *, rms: float = 0.2, seed: int = 1) -> npt.NDArray[np.uint8]:
    """Seeded complex Gaussian noise with a tone, quantised to cu8 (``rms`` per component)."""
    rng = np.random.default_rng(seed)
    n = np.arange(num_samples)
    samples = rms * (rng.standard_normal(num_samples) + 1j * rng.standard_normal(num_samples))
    samples += 0.3 * np.exp(2j * np.pi * 0.01 * n)
    return complex64_to_cu8(samples.astype(np.complex64))


@pytest.fixture
def air(fake_dongle: FakeDongle) -> npt.NDArray[np.uint8]:
    """A clean recording (64 Ki samples) written as the fake dongle's air."""
    codes = noise_cu8(1 << 16)
    fake_dongle.iq_path.write_bytes(codes.tobytes())
    return codes


def write_cu8(path: Path, codes: npt.NDArray[np.uint8]) -> Path:
    """Write raw cu8 codes to ``path``."""
    path.write_bytes(codes.tobytes())
    return path
