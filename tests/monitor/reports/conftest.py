"""Database fixtures (both backends) for the report tests."""

from tests.monitor.store.database import db_session, migrated_engine

__all__ = ["db_session", "migrated_engine"]
