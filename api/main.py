"""The FastAPI application: ``create_app()`` is the factory uvicorn's workers call.

Each worker builds its own engine from the settings; everything shared lives in the database,
so any number of workers can serve one PostgreSQL server.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from api.deps import require_read_access
from api.errors import ErrorBody, install_handlers
from api.limits import BodySizeLimit
from api.metrics import MetricsMiddleware
from api.page import mount_page
from api.routes import (
    channels,
    evidence,
    health,
    ingest,
    receivers,
    reports,
    summary,
    timeline,
    windows,
)
from api.settings import ApiSettings, api_settings
from monitor.store.engine import make_engine, session_factory
from monitor.store.settings import database_settings

API_PREFIX = "/api/v1"


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(engine: Engine | None = None, settings: ApiSettings | None = None) -> FastAPI:
    """Build the app on ``engine`` (default: its own, from the database settings).

    An engine passed in belongs to the caller; one the app makes is disposed at shutdown.

    Raises
    ------
    monitor.store.settings.SettingsError
        When a setting is invalid.
    """
    settings = settings or api_settings()
    own_engine = engine is None
    engine = engine or make_engine(database_settings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # What the imports and the app made lives as long as the worker (about 200,000
        # objects: scipy, matplotlib, pydantic schemas). Out of the collector's reach, full
        # collections scan only what requests allocate, instead of pausing a request for
        # 100-200 ms each time.
        gc.freeze()
        yield
        if own_engine:
            engine.dispose()

    app = FastAPI(
        title="jamwatch",
        summary="When, where and how badly was a shortwave frequency jammed?",
        version="1",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        responses={
            "4XX": {"model": ErrorBody, "description": "Bad request"},
            "5XX": {"model": ErrorBody, "description": "Server or database unavailable"},
        },
    )
    app.state.settings = settings
    app.state.sessions = session_factory(engine)
    install_handlers(app)

    reads = APIRouter(dependencies=[Depends(require_read_access)])
    for module in (receivers, channels, timeline, windows, summary, reports):
        reads.include_router(module.router)
    reads.include_router(evidence.router)
    app.include_router(reads, prefix=API_PREFIX)
    app.include_router(ingest.router, prefix=API_PREFIX)
    app.include_router(health.router)
    mount_page(app)

    app.add_middleware(BodySizeLimit, prefix=API_PREFIX, max_bytes=settings.ingest_max_bytes)
    app.add_middleware(MetricsMiddleware)
    return app
