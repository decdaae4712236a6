"""Persistence of verdicts: the schema, engines and sessions, settings, and storing segments.

Framework-free (no FastAPI): the capture process and the API both import it.
"""

from monitor.store.engine import make_engine, session_factory, transaction
from monitor.store.segments import Batch, BatchConflict, BatchError, StoreResult, store_analysis
from monitor.store.settings import DatabaseSettings, SettingsError, database_settings

__all__ = [
    "Batch",
    "BatchConflict",
    "BatchError",
    "DatabaseSettings",
    "SettingsError",
    "StoreResult",
    "database_settings",
    "make_engine",
    "session_factory",
    "store_analysis",
    "transaction",
]
