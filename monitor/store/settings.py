"""Database settings from ``JAMWATCH_DATABASE_*`` variables and an optional TOML file.

Sources, highest priority first: keyword arguments, environment variables, the ``[database]``
table of the TOML file named by ``JAMWATCH_CONFIG`` (or passed as ``config_file``), defaults.
Invalid values raise :class:`SettingsError`, whose message names the key and the variable.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from monitor.errors import InputError

CONFIG_ENV = "JAMWATCH_CONFIG"
"""Environment variable naming the TOML configuration file."""

DEFAULT_DATABASE_URL = "sqlite:///./jamwatch.db"

SettingsT = TypeVar("SettingsT", bound=BaseSettings)


class SettingsError(InputError):
    """A configuration value (from the environment or the TOML file) that is invalid."""


class TableSettings(BaseSettings):
    """Settings read from keyword arguments, the environment, then the ``[config_table]`` table
    of the file named by ``JAMWATCH_CONFIG`` (see :func:`toml_source`)."""

    config_table: ClassVar[str]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, *toml_source(settings_cls, cls.config_table)


class DatabaseSettings(TableSettings):
    """Where the database is and how to connect to it.

    Attributes
    ----------
    url
        SQLAlchemy URL. ``sqlite:///PATH`` (embedded default, WAL mode) or
        ``postgresql://user@host:port/dbname`` (the ``psycopg`` driver is filled in).
    echo
        Log every SQL statement.
    pool_size
        Connections kept open per process (PostgreSQL).
    busy_timeout_s
        How long a SQLite writer waits for the lock held by another process, in seconds.
    """

    model_config = SettingsConfigDict(env_prefix="JAMWATCH_DATABASE_", extra="forbid")
    config_table = "database"

    url: str = DEFAULT_DATABASE_URL
    echo: bool = False
    pool_size: int = Field(default=5, ge=1, le=100)
    busy_timeout_s: float = Field(default=30.0, gt=0.0, le=3600.0)

    @field_validator("url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"not a database URL: {value!r}") from exc
        backend = url.get_backend_name()
        if backend == "postgresql":
            if "+" not in url.drivername:  # no driver named: the installed one, psycopg 3
                url = url.set(drivername="postgresql+psycopg")
            return url.render_as_string(hide_password=False)
        if backend != "sqlite":
            raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")
        return value


def toml_source(
    settings_cls: type[BaseSettings], table: str
) -> tuple[PydanticBaseSettingsSource, ...]:
    """The ``[table]`` of the configuration file named by ``JAMWATCH_CONFIG``, if it has one.

    Raises
    ------
    SettingsError
        When the file cannot be read or is not valid TOML.
    """
    path = os.environ.get(CONFIG_ENV)
    if not path:
        return ()
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SettingsError(f"{CONFIG_ENV}={path}: no such configuration file") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: not a readable TOML file: {exc}") from exc
    if not isinstance(document.get(table), dict):
        return ()
    source = TomlConfigSettingsSource(
        settings_cls, toml_file=Path(path), toml_table_header=(table,)
    )
    return (source,)


def load_settings(settings_cls: type[SettingsT], table: str, **overrides: Any) -> SettingsT:
    """Build ``settings_cls`` from its sources, turning validation errors into one message.

    Parameters
    ----------
    settings_cls
        A settings class whose ``env_prefix`` is ``JAMWATCH_<TABLE>_``.
    table
        Its table in the TOML file, used in messages (``database.url``).
    overrides
        Values that win over every other source (e.g. from command-line options).

    Raises
    ------
    SettingsError
        Naming each bad key, its environment variable and the problem.
    """
    try:
        return settings_cls(**overrides)
    except ValidationError as exc:
        raise SettingsError(_describe(exc, settings_cls, table)) from exc


def _describe(exc: ValidationError, settings_cls: type[BaseSettings], table: str) -> str:
    prefix = str(settings_cls.model_config.get("env_prefix", ""))
    problems = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "?"
        variable = f"{prefix}{key}".upper()
        problem = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            problem = "unknown setting"
        problems.append(f"setting {table}.{key} ({variable}): {problem}")
    return "; ".join(problems)


def database_settings(**overrides: Any) -> DatabaseSettings:
    """The database settings in force (see the module docstring for the sources)."""
    return load_settings(DatabaseSettings, "database", **overrides)
