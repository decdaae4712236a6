"""SigMF conventions shared by the writer and the reader: file names, times, schema checks."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sigmf
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]

SIGMF_DATA_SUFFIX = ".sigmf-data"
SIGMF_META_SUFFIX = ".sigmf-meta"

_SIGMF_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<frac>\d+))?Z$"
)


def sigmf_paths(path: Path) -> tuple[Path, Path]:
    """The ``(.sigmf-meta, .sigmf-data)`` pair for a path naming either file or their base.

    >>> [p.name for p in sigmf_paths(Path("rec/band.sigmf-data"))]
    ['band.sigmf-meta', 'band.sigmf-data']
    """
    name = path.name
    for suffix in (SIGMF_DATA_SUFFIX, SIGMF_META_SUFFIX):
        name = name.removesuffix(suffix)
    return path.with_name(name + SIGMF_META_SUFFIX), path.with_name(name + SIGMF_DATA_SUFFIX)


def format_sigmf_datetime(when: datetime) -> str:
    """Format a timezone-aware time as a SigMF ``core:datetime`` (UTC, microseconds, ``Z``).

    Raises ``ValueError`` for a naive datetime, whose time zone would be a guess.

    >>> from datetime import timedelta, timezone
    >>> format_sigmf_datetime(datetime(2026, 2, 16, 13, 0, tzinfo=timezone(timedelta(hours=1))))
    '2026-02-16T12:00:00.000000Z'
    """
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"datetime {when!r} must be timezone-aware (UTC)")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_sigmf_datetime(text: str) -> datetime:
    """Parse a SigMF ``core:datetime``; fractional seconds beyond microseconds are truncated.

    Raises ``ValueError`` naming the problem: anything but ``YYYY-MM-DDTHH:MM:SS[.f...]Z``
    (SigMF allows no other offset than ``Z``), or an impossible date.

    >>> parse_sigmf_datetime("2017-11-27T10:41:56.123456789Z").isoformat()
    '2017-11-27T10:41:56.123456+00:00'
    """
    m = _SIGMF_DATETIME.match(text)
    if m is None:
        raise ValueError(
            f"{text!r} is not a SigMF UTC time (expected YYYY-MM-DDTHH:MM:SS[.fff]Z; "
            "SigMF allows no time zone other than Z)"
        )
    micro = (m["frac"] or "")[:6].ljust(6, "0")
    return datetime.fromisoformat(f"{m['date']}T{m['time']}.{micro}+00:00")


def schema_problem(metadata: Mapping[str, Any]) -> str | None:
    """Check SigMF metadata against the schema of the ``sigmf`` package.

    Returns None when valid, else the problem and where it is, e.g.
    ``"$.global['core:sample_rate']: -1 is less than or equal to the minimum of 0"``.
    Undeclared extension namespaces are tolerated (sigmf-python only warns about them).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            sigmf.SigMFFile(metadata=dict(metadata)).validate()
    except ValidationError as err:
        where = "" if err.json_path == "$" else f"{err.json_path}: "
        return f"{where}{err.message}"
    except sigmf.error.SigMFError as err:
        return str(err)
    return None
