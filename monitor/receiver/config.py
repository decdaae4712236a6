"""``receiver.toml``: the receiver's configuration, from a TOML file and ``JAMWATCH_*`` variables.

Every key of a table ``[t]`` can be set by the variable ``JAMWATCH_T_KEY`` (top-level keys by
``JAMWATCH_KEY``); variables win over the file. Values are validated at start: any problem is a
:class:`ConfigError` (an :class:`~monitor.errors.InputError`, exit status 2) naming the key, its
variable and the problem. ``docs/receiver.md`` lists every key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from monitor.errors import InputError
from monitor.evidence.settings import EvidenceConfig
from monitor.sources.settings import HfMode

ENV_PREFIX = "JAMWATCH_"

SourceKind = Literal["rtlsdr", "rtl_tcp", "replay", "simulated"]


class ConfigError(InputError):
    """An invalid ``receiver.toml`` (or ``JAMWATCH_*`` variable), naming the key."""


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceConfig(_Table):
    """``[source]``: where the IQ comes from and how the dongle is set up."""

    kind: SourceKind = "rtlsdr"
    sample_rate_hz: int = 2_400_000
    gain_db: float | None = None
    rtl_agc: bool = False
    ppm: int = 0
    hf: HfMode = "direct_q"
    upconverter_offset_hz: float = 0.0
    serial: str | None = None
    device_index: int = Field(default=0, ge=0)
    host: str = "127.0.0.1"
    port: int = Field(default=1234, gt=0, lt=65536)
    read_timeout_s: float = Field(default=2.0, gt=0.0)
    reconnect_attempts: int = Field(default=5, ge=1)
    path: Path | None = None
    realtime: bool = True
    loop: bool = True
    scenes: tuple[str, ...] = ("cuba_41m",)
    seed: int = Field(default=1, ge=0)
    overload_fraction: float = Field(default=1e-3, ge=0.0, lt=1.0)
    queue_blocks: int = Field(default=16, ge=1)
    stall_timeout_s: float = Field(default=5.0, gt=0.0)
    open_timeout_s: float = Field(default=10.0, gt=0.0)
    join_timeout_s: float = Field(default=5.0, gt=0.0)

    @model_validator(mode="after")
    def _kind_needs(self) -> SourceConfig:
        if self.kind == "replay" and self.path is None:
            raise ValueError("kind 'replay' needs source.path (the recording to replay)")
        if self.kind == "simulated" and not self.scenes:
            raise ValueError("kind 'simulated' needs at least one scene in source.scenes")
        return self


class TuningConfig(_Table):
    """One entry of ``hop.tunings``."""

    center_hz: float = Field(gt=0.0)
    dwell_s: float | None = Field(default=None, gt=0.0)


class HopConfig(_Table):
    """``[hop]``: the tunings visited in turn, how long, and the settle time after a retune."""

    tunings: tuple[TuningConfig, ...] = ()
    dwell_s: float = Field(default=60.0, gt=0.0, le=86_400.0)
    settle_s: float = Field(default=0.25, ge=0.0, le=60.0)
    alias_window_s: float | None = Field(default=None, gt=0.0)


class DatabaseConfig(_Table):
    """``[database]``: the local store (same keys as the API's ``[database]``, plus ``enabled``)."""

    enabled: bool = True
    url: str = "sqlite:///./jamwatch.db"
    busy_timeout_s: float = Field(default=30.0, gt=0.0, le=3600.0)


class ForwardConfig(_Table):
    """``[forward]``: delivery of batches to a central server through a durable outbox."""

    server_url: str | None = None
    api_key: SecretStr | None = None
    api_key_file: Path | None = None
    outbox_path: Path = Path("jamwatch-outbox.db")
    outbox_max_bytes: int = Field(default=256 * 1024 * 1024, ge=64 * 1024)
    outbox_warn_fraction: float = Field(default=0.8, gt=0.0, lt=1.0)
    timeout_s: float = Field(default=10.0, gt=0.0)
    backoff_initial_s: float = Field(default=1.0, gt=0.0)
    backoff_max_s: float = Field(default=300.0, gt=0.0)
    drain_timeout_s: float = Field(default=5.0, ge=0.0)

    @model_validator(mode="after")
    def _key_source(self) -> ForwardConfig:
        if self.server_url is not None:
            if not self.server_url.startswith(("http://", "https://")):
                raise ValueError(f"server_url {self.server_url!r} must start with http(s)://")
            if (self.api_key is None) == (self.api_key_file is None):
                raise ValueError("with server_url, give exactly one of api_key or api_key_file")
        if self.backoff_max_s < self.backoff_initial_s:
            raise ValueError("backoff_max_s must not be below backoff_initial_s")
        return self

    def read_api_key(self) -> str:
        """The API key from ``api_key`` or the first line of ``api_key_file``.

        Raises
        ------
        ConfigError
            If the file cannot be read or is empty.
        """
        if self.api_key is not None:
            return self.api_key.get_secret_value()
        if self.api_key_file is None:
            raise ConfigError("setting forward.api_key: no API key configured")
        try:
            key = self.api_key_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"setting forward.api_key_file: cannot read {self.api_key_file}: {exc.strerror}"
            ) from None
        if not key:
            raise ConfigError(f"setting forward.api_key_file: {self.api_key_file} is empty")
        return key


class MetricsConfig(_Table):
    """``[metrics]``: the Prometheus endpoint."""

    port: int = Field(default=9108, ge=0, lt=65536)
    host: str = "127.0.0.1"


class HeartbeatConfig(_Table):
    """``[heartbeat]``: how often the receiver says it is alive (database row, server)."""

    interval_s: float = Field(default=30.0, gt=0.0)


class RecoveryConfig(_Table):
    """``[recovery]``: reopening a failed device."""

    backoff_initial_s: float = Field(default=1.0, gt=0.0)
    backoff_max_s: float = Field(default=60.0, gt=0.0)
    max_failures: int = Field(default=10, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> RecoveryConfig:
        if self.backoff_max_s < self.backoff_initial_s:
            raise ValueError("backoff_max_s must not be below backoff_initial_s")
        return self


class ReceiverConfig(BaseSettings):
    """The whole ``receiver.toml``."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="_",
        env_nested_max_split=1,
        extra="forbid",
        frozen=True,
    )

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    step_s: float = Field(default=1.0, ge=0.1, le=60.0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    source: SourceConfig = SourceConfig()
    hop: HopConfig = HopConfig()
    database: DatabaseConfig = DatabaseConfig()
    forward: ForwardConfig = ForwardConfig()
    metrics: MetricsConfig = MetricsConfig()
    heartbeat: HeartbeatConfig = HeartbeatConfig()
    recovery: RecoveryConfig = RecoveryConfig()
    evidence: EvidenceConfig = EvidenceConfig()

    @model_validator(mode="after")
    def _something_to_do(self) -> ReceiverConfig:
        if not self.database.enabled and self.forward.server_url is None:
            raise ValueError(
                "nothing would keep the verdicts: enable database or set forward.server_url"
            )
        if self.source.kind in ("rtlsdr", "rtl_tcp") and not self.hop.tunings:
            raise ValueError("hop.tunings: a live dongle needs at least one tuning")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls)


def _variable(loc: tuple[int | str, ...]) -> str:
    head = [str(part) for part in loc[:2] if isinstance(part, str)]
    return ENV_PREFIX + "_".join(head).upper()


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        key = ".".join(str(part) for part in loc) or "receiver.toml"
        problem = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            problem = "unknown setting"
        where = f"setting {key} ({_variable(loc)})" if loc else "receiver.toml"
        problems.append(f"{where}: {problem}")
    return "; ".join(problems)


def load_config(path: Path | None, **overrides: Any) -> ReceiverConfig:
    """Read ``path`` (if given) and the ``JAMWATCH_*`` environment into a validated config.

    Parameters
    ----------
    path
        The ``receiver.toml`` file, or None for environment variables only.
    overrides
        Values that win over every other source.

    Raises
    ------
    ConfigError
        If the file is missing or not TOML, or any value is invalid (naming the key).
    """
    if path is not None:
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None

    class _FromFile(ReceiverConfig):
        model_config = SettingsConfigDict(toml_file=path)

    try:
        return _FromFile(**overrides)
    except ValidationError as exc:
        source = f"{path}: " if path is not None else ""
        raise ConfigError(source + _describe(exc)) from None
