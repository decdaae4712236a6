"""The app's lifespan: what startup made is frozen out of the garbage collector's scans."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.main import create_app
from api.settings import ApiSettings


def test_startup_objects_are_frozen_for_the_collector(migrated_engine: Engine) -> None:
    gc.unfreeze()
    app = create_app(migrated_engine, ApiSettings())
    try:
        assert gc.get_freeze_count() == 0
        with TestClient(app) as client:
            frozen = gc.get_freeze_count()
            assert client.get("/health/live").status_code == 200
        assert frozen > 50_000  # the imports and the app: about 200,000 objects
    finally:
        gc.unfreeze()
