"""The web page at ``/``: one HTML document and its assets, served from this package.

Everything the page needs is in ``static/`` (no CDN, no build step), so it works offline. The
document is sent with a Content-Security-Policy that lets it load and fetch from its own origin
only.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"
"""The page's files: ``index.html``, ``page.css``, ``favicon.svg`` and ``js/``."""

ASSETS_PATH = "/assets"
"""URL prefix of the page's assets."""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
"""Same-origin only: the page never talks to another host."""


async def read_page() -> FileResponse:
    """Serve the page."""
    return FileResponse(
        STATIC_DIR / "index.html",
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )


def mount_page(app: FastAPI) -> None:
    """Serve the page at ``/`` and its assets under :data:`ASSETS_PATH` (outside the OpenAPI)."""
    app.add_api_route("/", read_page, methods=["GET"], include_in_schema=False, name="page")
    app.mount(ASSETS_PATH, StaticFiles(directory=STATIC_DIR), name="page-assets")
