"""API settings from ``JAMWATCH_API_*`` variables and the ``[api]`` table of the config file."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from monitor.store.settings import TableSettings, load_settings


class ApiSettings(TableSettings):
    """Limits and access rules of the HTTP API.

    Attributes
    ----------
    read_token
        When set, every read under ``/api/v1`` needs ``Authorization: Bearer <read_token>``.
    heartbeat_max_age_s
        A receiver whose latest heartbeat is older than this makes ``/health/ready`` fail.
    current_max_age_s
        A channel whose latest segment ended longer ago than this is ``unobserved`` now.
    max_range_days
        Longest time range of a timeline or window query, in days.
    max_summary_days
        Longest range of a daily summary, in days.
    max_export_rows
        Most windows in one CSV or iCalendar export.
    ingest_max_segments
        Most segments in one ingest batch.
    ingest_max_channels
        Most channels in one ingest batch.
    ingest_max_bytes
        Largest ingest request body, in bytes.
    """

    model_config = SettingsConfigDict(env_prefix="JAMWATCH_API_", extra="forbid")
    config_table = "api"

    read_token: SecretStr | None = None
    heartbeat_max_age_s: float = Field(default=300.0, gt=0.0)
    current_max_age_s: float = Field(default=900.0, gt=0.0)
    max_range_days: int = Field(default=366, ge=1, le=3660)
    max_summary_days: int = Field(default=92, ge=1, le=3660)
    max_export_rows: int = Field(default=100_000, ge=1)
    ingest_max_segments: int = Field(default=50_000, ge=1)
    ingest_max_channels: int = Field(default=4_000, ge=1)
    ingest_max_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)


def api_settings() -> ApiSettings:
    """The API settings in force; raises ``SettingsError`` naming a bad key."""
    return load_settings(ApiSettings, "api")
