"""The HF broadcasting bands (Radio Regulations allocations, with the WARC-92 extensions).

Edges in Hz from ``research/domain.md`` section 2.1; queries may name a band instead of a
frequency range.
"""

from __future__ import annotations

from typing import Literal

BandName = Literal[
    "120m",
    "90m",
    "75m",
    "60m",
    "49m",
    "41m",
    "31m",
    "25m",
    "22m",
    "19m",
    "16m",
    "15m",
    "13m",
    "11m",
]

BANDS: dict[str, tuple[int, int]] = {
    "120m": (2_300_000, 2_495_000),
    "90m": (3_200_000, 3_400_000),
    "75m": (3_900_000, 4_000_000),
    "60m": (4_750_000, 5_060_000),
    "49m": (5_900_000, 6_200_000),
    "41m": (7_200_000, 7_450_000),
    "31m": (9_400_000, 9_900_000),
    "25m": (11_600_000, 12_100_000),
    "22m": (13_570_000, 13_870_000),
    "19m": (15_100_000, 15_800_000),
    "16m": (17_480_000, 17_900_000),
    "15m": (18_900_000, 19_020_000),
    "13m": (21_450_000, 21_850_000),
    "11m": (25_670_000, 26_100_000),
}
"""Band name to inclusive ``(low_hz, high_hz)`` edges of its 5 kHz channel raster."""
