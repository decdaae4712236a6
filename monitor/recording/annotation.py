"""Annotations of a recording (SigMF ``annotations``): ground truth for waterfalls and scoring."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class Annotation:
    """One SigMF annotation: a labelled stretch of samples, optionally bounded in frequency.

    Attributes
    ----------
    sample_start
        Index of the first annotated sample.
    sample_count
        Number of annotated samples (to the end of the data when the file leaves it out).
    label
        ``core:label``, e.g. ``"jam_noise"``, or None.
    freq_lower_hz, freq_upper_hz
        ``core:freq_lower_edge`` / ``core:freq_upper_edge`` in RF Hz, or None.
    comment
        ``core:comment``, or None.
    raw
        The whole annotation object as stored (read-only), extension keys included.
    """

    sample_start: int
    sample_count: int
    label: str | None
    freq_lower_hz: float | None
    freq_upper_hz: float | None
    comment: str | None
    raw: Mapping[str, Any]

    @classmethod
    def from_sigmf(cls, item: Mapping[str, Any], num_samples: int) -> Annotation:
        """Build from a schema-validated SigMF annotation object of a ``num_samples`` dataset."""
        start = int(item["core:sample_start"])
        count = item.get("core:sample_count")
        lower = item.get("core:freq_lower_edge")
        upper = item.get("core:freq_upper_edge")
        return cls(
            sample_start=start,
            sample_count=num_samples - start if count is None else int(count),
            label=item.get("core:label"),
            freq_lower_hz=None if lower is None else float(lower),
            freq_upper_hz=None if upper is None else float(upper),
            comment=item.get("core:comment"),
            raw=MappingProxyType(dict(item)),
        )

    @property
    def sample_stop(self) -> int:
        """Index one past the last annotated sample."""
        return self.sample_start + self.sample_count
