"""Database and API settings: environment, TOML file, defaults, and errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from api.settings import ApiSettings, api_settings
from monitor.store.settings import (
    DEFAULT_DATABASE_URL,
    DatabaseSettings,
    SettingsError,
    database_settings,
)

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("JAMWATCH_CONFIG", "JAMWATCH_DATABASE_URL", "JAMWATCH_DATABASE_POOL_SIZE"):
        monkeypatch.delenv(name, raising=False)


def test_the_default_is_the_embedded_sqlite_file() -> None:
    assert database_settings().url == DEFAULT_DATABASE_URL == "sqlite:///./jamwatch.db"


def test_a_postgresql_url_gets_the_installed_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAMWATCH_DATABASE_URL", "postgresql://jam:pw@db.example:5432/jamwatch")
    assert database_settings().url == "postgresql+psycopg://jam:pw@db.example:5432/jamwatch"


def test_the_environment_wins_over_the_toml_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "jamwatch.toml"
    config.write_text(
        '[database]\nurl = "sqlite:////var/lib/jamwatch/jw.db"\npool_size = 7\n'
        '[api]\nmax_range_days = 31\nread_token = "t0ken"\n'
    )
    monkeypatch.setenv("JAMWATCH_CONFIG", str(config))
    assert database_settings().url == "sqlite:////var/lib/jamwatch/jw.db"
    assert database_settings().pool_size == 7
    monkeypatch.setenv("JAMWATCH_DATABASE_POOL_SIZE", "9")
    assert database_settings().pool_size == 9
    api = api_settings()
    assert api.max_range_days == 31
    assert api.read_token is not None
    assert api.read_token.get_secret_value() == "t0ken"


@pytest.mark.parametrize(
    ("toml", "env", "message"),
    [
        (
            "",
            {"JAMWATCH_DATABASE_URL": "mysql://x/y"},
            r"database\.url \(JAMWATCH_DATABASE_URL\): unsupported",
        ),
        (
            "",
            {"JAMWATCH_DATABASE_URL": "::not a url::"},
            r"database\.url \(JAMWATCH_DATABASE_URL\): not a database URL",
        ),
        (
            "",
            {"JAMWATCH_DATABASE_POOL_SIZE": "0"},
            r"database\.pool_size \(JAMWATCH_DATABASE_POOL_SIZE\)",
        ),
        (
            "[database]\npool_sise = 3\n",
            {},
            r"database\.pool_sise \(JAMWATCH_DATABASE_POOL_SISE\): unknown setting",
        ),
        ("[database\n", {}, r"jamwatch\.toml"),
    ],
)
def test_bad_settings_name_the_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, toml: str, env: dict[str, str], message: str
) -> None:
    config = tmp_path / "jamwatch.toml"
    config.write_text(toml)
    monkeypatch.setenv("JAMWATCH_CONFIG", str(config))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        database_settings()


def test_a_missing_config_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JAMWATCH_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(SettingsError, match="nope.toml: no such configuration file"):
        database_settings()


def test_bad_api_settings_name_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAMWATCH_API_MAX_RANGE_DAYS", "-3")
    with pytest.raises(SettingsError, match=r"api\.max_range_days \(JAMWATCH_API_MAX_RANGE_DAYS\)"):
        api_settings()


@pytest.mark.parametrize("settings_cls", [DatabaseSettings, ApiSettings])
def test_every_setting_is_documented(settings_cls: type[BaseSettings]) -> None:
    reference = (REPO / "docs" / "configuration.md").read_text()
    prefix = str(settings_cls.model_config["env_prefix"])
    for name, field in settings_cls.model_fields.items():
        variable = f"{prefix}{name}".upper()
        assert f"| `{name}` | `{variable}` |" in reference, f"{variable} missing from the reference"
        if field.default is not None and not isinstance(field.default, bool):
            assert f"`{field.default}`" in reference, f"default of {variable} not documented"
