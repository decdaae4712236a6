"""``[evidence]`` of ``receiver.toml``: whether, where and how much evidence the receiver keeps."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class EvidenceConfig(BaseModel):
    """``[evidence]``: bundles (IQ clip, waterfall, facts) kept when a jamming window opens.

    Attributes
    ----------
    enabled
        Keep bundles at all (off by default: the clip ring costs memory, see ``docs/evidence.md``).
    dir
        Folder of the bundles (``<dir>/<receiver>/<date>/<frequency>_<start>/``).
    pre_s
        Seconds of the channel kept from before the onset.
    post_s
        Seconds kept from the onset on (less when the dwell or the observation ends first).
    retention_days
        Bundles older than this (by onset) are deleted.
    max_bytes
        Total size of the receiver's bundles; the oldest are deleted beyond it.
    max_captures
        Clips collected at once per tuning; further onsets in the same dwell get no clip.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    dir: Path = Path("evidence")
    pre_s: float = Field(default=5.0, ge=0.0, le=60.0)
    post_s: float = Field(default=10.0, gt=0.0, le=300.0)
    retention_days: float = Field(default=30.0, gt=0.0, le=3650.0)
    max_bytes: int = Field(default=1 << 30, ge=1 << 20)
    max_captures: int = Field(default=8, ge=1, le=64)
