"""Retention of a receiver's evidence: bundles too old, or beyond the size budget, are deleted.

Only folders named like bundles (:data:`~monitor.evidence.bundle.BUNDLE_NAME`) under
``<root>/<receiver>/<date>/`` are considered, oldest onset first; half-written ``.partial``
folders are removed too (the single writer is not writing when retention runs). The newest
bundle is always kept, even when alone it is over the size budget. Emptied date folders go.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from monitor.evidence.bundle import PARTIAL_SUFFIX, bundle_onset


@dataclass(frozen=True, slots=True)
class StoredBundle:
    """A bundle folder found on disk.

    Attributes
    ----------
    key
        ``<receiver>/<date>/<name>``.
    path
        The folder.
    onset
        From its name.
    size_bytes
        Total size of its files.
    """

    key: str
    path: Path
    onset: datetime
    size_bytes: int


def stored_bundles(root: Path, receiver: str) -> list[StoredBundle]:
    """The receiver's bundles under ``root``, oldest onset first."""
    found = []
    for folder in sorted((root / receiver).glob("*/*")):
        onset = bundle_onset(folder.name)
        if onset is None or not folder.is_dir():
            continue
        size = sum(item.stat().st_size for item in folder.iterdir() if item.is_file())
        key = f"{receiver}/{folder.parent.name}/{folder.name}"
        found.append(StoredBundle(key, folder, onset, size))
    found.sort(key=lambda bundle: (bundle.onset, bundle.key))
    return found


def prune(
    root: Path, receiver: str, *, now: datetime, retention_days: float, max_bytes: int
) -> list[str]:
    """Delete the receiver's bundles older than ``retention_days`` or beyond ``max_bytes``.

    Returns
    -------
    list of str
        Keys of the deleted bundles, oldest first.
    """
    for partial in (root / receiver).glob(f"*/*{PARTIAL_SUFFIX}"):
        shutil.rmtree(partial, ignore_errors=True)
    bundles = stored_bundles(root, receiver)
    cutoff = now - timedelta(days=retention_days)
    total = sum(bundle.size_bytes for bundle in bundles)
    deleted: list[str] = []
    for bundle in bundles[:-1]:
        if bundle.onset >= cutoff and total <= max_bytes:
            break
        shutil.rmtree(bundle.path)
        total -= bundle.size_bytes
        deleted.append(bundle.key)
    if bundles and bundles[-1].onset < cutoff:
        shutil.rmtree(bundles[-1].path)
        deleted.append(bundles[-1].key)
    for day in (root / receiver).glob("*"):
        if day.is_dir() and not any(day.iterdir()):
            day.rmdir()
    return deleted
