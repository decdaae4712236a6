"""Keyboard use, focus, accessible names, and the screenshot kept in the docs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PIL import Image

from tests.page.conftest import VIEWPORT, Web
from tests.page.expected import iso
from tests.page.seed import LAST_DAY, at

DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "page.png"
SHOWCASE = (
    f"?band=49m&start={iso(at(LAST_DAY, 0))}&end={iso(at(LAST_DAY, 24))}&station=Voice+of+Freedom"
)

FOCUSED = """() => {
  const el = document.activeElement;
  const label = el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent;
  return {id: el.id, name: (label || '').trim(), outline: getComputedStyle(el).outlineStyle};
}"""


def test_every_control_is_reachable_by_tab_named_and_visibly_focused(web: Web) -> None:
    web.open(f"?band=49m&start={iso(at(LAST_DAY, 0))}&end={iso(at(LAST_DAY, 24))}")
    seen = []
    for _ in range(40):
        web.page.keyboard.press("Tab")
        focused = web.page.evaluate(FOCUSED)
        assert focused["name"], f"focused control without a name: {focused}"
        assert focused["outline"] != "none", f"focus not visible on {focused}"
        seen.append(focused["id"])
        if focused["id"] == "timeline":
            break
    assert seen[:5] == ["f-band", "f-frequency", "f-receiver", "f-start", "f-end"]
    assert {"zoom-in", "zoom-out", "pan-left", "pan-right", "live", "timeline"} <= set(seen)
    web.page.focus("#zoom-in")
    web.page.keyboard.press("Enter")
    web.wait_loaded()
    assert web.page.get_attribute("#timeline-svg", "data-start") == iso(at(LAST_DAY, 6))
    web.assert_clean()


def test_the_page_renders_at_1280x800_without_overflow(web: Web, tmp_path: Path) -> None:
    web.open(SHOWCASE)
    assert web.page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    shot = tmp_path / "page.png"
    web.page.screenshot(path=str(shot), full_page=True)
    with Image.open(shot) as image:
        assert image.width == VIEWPORT["width"]
        assert image.height >= VIEWPORT["height"]
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    # the Okabe-Ito colours of the drawn jamming are in the picture
    drawn = {colour for _, colour in colours or []}
    assert {(0xD5, 0x5E, 0x00), (0x00, 0x72, 0xB2), (0xE6, 0x9F, 0x00)} <= drawn
    if os.environ.get("JAMWATCH_UPDATE_SCREENSHOT"):
        shutil.copyfile(shot, DOCS_SCREENSHOT)
    web.assert_clean()
