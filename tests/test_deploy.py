"""Checks of ``deploy/``: systemd units, compose file, udev rule, env example, example configs.

External checkers (``systemd-analyze``, ``docker compose``/``docker-compose``, ``udevadm``) are
not installed by the project: each test that needs one is skipped, with the reason, when it is
absent. Everything else runs the project's real code (CLI parser, settings and config loaders).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from string import Template
from typing import Any

import pytest
from pydantic import TypeAdapter
from pydantic_settings import BaseSettings

from api.settings import ApiSettings, api_settings
from dsp.plan import ChannelPlan
from monitor.cli import COMMAND_MODULES, build_parser
from monitor.sources.settings import RTL_XTAL_HZ, TunerSettings
from monitor.store.engine import make_engine
from monitor.store.settings import CONFIG_ENV, DatabaseSettings, database_settings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNITS = DEPLOY / "systemd"
INSTALLED_JAMWATCH = "/opt/jamwatch/venv/bin/jamwatch"
"""Where the units expect the console script (deploy/README.md installs it there)."""

UNIT_VARIABLES = {"JAMWATCH_CONFIG", "JAMWATCH_DEBUG"} | {
    f"JAMWATCH_SERVE_{key}" for key in ("HOST", "PORT", "WORKERS")
}
"""``JAMWATCH_*`` variables that are not settings fields: read by the CLI or by a unit."""

NK_SUPER_JAMMING_KHZ = (
    *(3905, 3930, 3980, 3990, 4445, 4450, 5990, 6003),
    *(6015, 6135, 6250, 6348, 6355, 6520, 6600),
)
"""The 15 super-jamming frequencies of domain.md 1.2 (some sit off the 5 kHz raster)."""

WATCHED_BANDS_KHZ = {"49 m": (5900, 6200), "41 m": (7200, 7450), "31 m": (9400, 9900)}
WATCHED_BANDS_KHZ["25 m"] = (11600, 12100)

DC_GUARD_HZ = 2000.0
"""Guard around DC a receiver may drop (domain.md 5.1); the plans must lose no target to it."""


def _tool(*command: str) -> str:
    found = shutil.which(command[0])
    if found is None:
        where = "under CI" if os.environ.get("CI") else "here"
        pytest.skip(f"{command[0]} is not installed {where} (the project does not install it)")
    return found


def _run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False, **kwargs)


# --- systemd -------------------------------------------------------------------------------


def _unit(name: str) -> dict[str, list[tuple[str, str]]]:
    """Sections of a unit file as lists of ``(key, value)`` (keys may repeat)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for raw in (UNITS / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        key, _, value = line.partition("=")
        current.append((key, value))
    return sections


def _values(unit: dict[str, list[tuple[str, str]]], section: str, key: str) -> list[str]:
    return [v for k, v in unit.get(section, []) if k == key]


def _unit_names() -> list[str]:
    return sorted(path.name for path in UNITS.glob("*.service"))


def test_units_are_the_three_expected() -> None:
    assert _unit_names() == [
        "jamwatch-api.service",
        "jamwatch-migrate.service",
        "jamwatch-receiver@.service",
    ]


def test_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = _tool("systemd-analyze")
    # The check runs the project's own console script in place of the installed one.
    jamwatch = Path(sys.executable).with_name("jamwatch")
    assert jamwatch.is_file(), f"console script missing: {jamwatch}"
    for name in _unit_names():
        text = (UNITS / name).read_text(encoding="utf-8")
        assert INSTALLED_JAMWATCH in text, f"{name} does not run {INSTALLED_JAMWATCH}"
        (tmp_path / name).write_text(text.replace(INSTALLED_JAMWATCH, str(jamwatch)))
    instances = [name.replace("@.", "@rx-test.") for name in _unit_names()]
    result = _run([analyze, "verify", *(str(tmp_path / n) for n in instances)])
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", f"systemd-analyze verify complained:\n{result.stderr}"


def test_receiver_unit_contract() -> None:
    unit = _unit("jamwatch-receiver@.service")
    service = dict(unit["Service"])
    assert service["Type"] == "notify"
    assert float(service["WatchdogSec"].removesuffix("s")) > 0
    assert service["Restart"] == "on-failure"
    assert _values(unit, "Unit", "StartLimitIntervalSec")
    assert _values(unit, "Unit", "StartLimitBurst")
    assert not _values(unit, "Service", "StartLimitBurst"), "StartLimit* belong in [Unit]"
    # the dongle stays visible: no PrivateDevices, only USB device nodes allowed
    assert service["DevicePolicy"] == "closed"
    assert _values(unit, "Service", "DeviceAllow") == ["char-usb_device rw"]
    assert "PrivateDevices" not in service
    assert service["RestartPreventExitStatus"] == "2"


def test_api_and_migrate_unit_contract() -> None:
    api, migrate = _unit("jamwatch-api.service"), _unit("jamwatch-migrate.service")
    assert dict(migrate["Service"])["Type"] == "oneshot"
    assert "jamwatch-migrate.service" in _values(api, "Unit", "Requires")
    assert any("jamwatch-migrate.service" in v for v in _values(api, "Unit", "After"))
    assert dict(api["Service"])["PrivateDevices"] == "yes"
    assert "--workers" in dict(api["Service"])["ExecStart"]


def _commands() -> list[tuple[str, list[str]]]:
    """Every jamwatch command line of the units, with ${VAR} taken from the unit's defaults."""
    found = []
    for name in _unit_names():
        unit = _unit(name)
        defaults = dict(value.split("=", 1) for value in _values(unit, "Service", "Environment"))
        for key in ("ExecStartPre", "ExecStart"):
            for line in _values(unit, "Service", key):
                expanded = Template(line).substitute(defaults)
                argv = shlex.split(expanded.replace("%i", "rx-test"))
                assert argv[0] == INSTALLED_JAMWATCH, f"{name} {key}: {line}"
                found.append((f"{name} {key}", argv[1:]))
    return found


@pytest.mark.parametrize(("where", "argv"), _commands(), ids=lambda v: str(v))
def test_unit_commands_parse_with_the_real_cli(where: str, argv: list[str]) -> None:
    if argv[0] not in COMMAND_MODULES:
        pytest.skip(f"{where}: `jamwatch {argv[0]}` is not registered in monitor.cli yet")
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        pytest.fail(f"{where}: `jamwatch {shlex.join(argv)}` does not parse (exit {exc.code})")
    assert callable(args.handler)


# --- environment example ----------------------------------------------------------------------


def _env_example() -> dict[str, str]:
    text = (DEPLOY / "jamwatch.env.example").read_text(encoding="utf-8")
    return dict(re.findall(r"^#(JAMWATCH_[A-Z0-9_]+)=(.*)$", text, flags=re.MULTILINE))


def _receiver_config_cls() -> type[BaseSettings]:
    config = pytest.importorskip(
        "monitor.receiver.config", reason="the receiver's config loader has not landed yet"
    )
    cls: type[BaseSettings] = config.ReceiverConfig
    return cls


@pytest.mark.parametrize("settings_cls", [DatabaseSettings, ApiSettings])
def test_env_example_documents_every_setting_with_its_default(
    settings_cls: type[BaseSettings],
) -> None:
    documented = _env_example()
    prefix = str(settings_cls.model_config["env_prefix"])
    for key, field in settings_cls.model_fields.items():
        variable = f"{prefix}{key}".upper()
        assert variable in documented, f"jamwatch.env.example does not document {variable}"
        if field.default is None:
            assert documented[variable] == "", f"{variable} has no default: show it empty"
            continue
        assert field.annotation is not None
        shown = TypeAdapter(field.annotation).validate_python(documented[variable])
        assert shown == field.default, (
            f"{variable}={documented[variable]} but the default is {field.default!r}"
        )


def test_env_example_names_only_real_variables() -> None:
    known = set(UNIT_VARIABLES)
    for cls in (DatabaseSettings, ApiSettings):
        known |= {f"{cls.model_config['env_prefix']}{key}".upper() for key in cls.model_fields}
    text = (DEPLOY / "jamwatch.env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(JAMWATCH_[A-Z0-9_]+)\b", text))
    receiver = _receiver_config_cls()
    for variable in named - known:
        table, _, key = variable.removeprefix("JAMWATCH_").lower().partition("_")
        field = receiver.model_fields.get(table)
        assert field is not None, f"{variable}: no such setting"
        nested = getattr(field.annotation, "model_fields", {})
        assert key in nested, f"{variable}: {table} has no key {key!r}"


# --- example configurations -------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variable in [v for v in os.environ if v.startswith("JAMWATCH_")]:
        monkeypatch.delenv(variable)
    return monkeypatch


def test_server_toml_loads_with_the_real_settings(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv(CONFIG_ENV, str(DEPLOY / "config" / "server.toml"))
    engine = make_engine(database_settings())  # creating it does not connect
    try:
        assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
    finally:
        engine.dispose()
    assert api_settings().heartbeat_max_age_s >= 60


def _receiver_examples() -> list[Path]:
    return sorted((DEPLOY / "config").glob("receiver-*.toml"))


@pytest.mark.parametrize("path", _receiver_examples(), ids=lambda p: p.name)
def test_receiver_example_loads_and_covers_the_jammed_bands(
    path: Path, clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = pytest.importorskip(
        "monitor.receiver.config", reason="the receiver's config loader has not landed yet"
    )
    # as jamwatch-receiver@.service does: the key file comes from LoadCredential=
    key_file = tmp_path / "forward_api_key"
    key_file.write_text("secret\n")
    clean_env.setenv("JAMWATCH_FORWARD_API_KEY_FILE", str(key_file))
    receiver = config.load_config(path)
    assert receiver.forward.read_api_key() == "secret"
    # the unit's ExecStartPre migrates the [database] of the same file
    clean_env.setenv(CONFIG_ENV, str(path))
    assert database_settings().url == receiver.database.url
    assert receiver.database.url.startswith("sqlite:////var/lib/jamwatch/")

    source = receiver.source
    covered: set[int] = set()
    for tuning in receiver.hop.tunings:
        TunerSettings(
            center_hz=tuning.center_hz,
            sample_rate_hz=source.sample_rate_hz,
            gain_db=source.gain_db,
            ppm=source.ppm,
            hf=source.hf,
            upconverter_offset_hz=source.upconverter_offset_hz,
        )
        plan = ChannelPlan.for_tuning(
            tuning.center_hz, source.sample_rate_hz, dc_guard_hz=DC_GUARD_HZ
        )
        covered |= {int(f) for f in plan.frequencies_hz}
    for khz in NK_SUPER_JAMMING_KHZ:
        assert any(abs(f - khz * 1000) <= 2500 for f in covered), f"{khz} kHz not watched"
    for band, (lo_khz, hi_khz) in WATCHED_BANDS_KHZ.items():
        missing = set(range(lo_khz * 1000, hi_khz * 1000 + 1, 5000)) - covered
        assert not missing, f"{band}: channels {sorted(missing)[:5]}... not watched"
    if source.hf == "direct_q":
        images = {f for f in covered if RTL_XTAL_HZ - f in covered}
        assert not images, f"channels that alias onto each other: {sorted(images)[:5]}"


def test_receiver_examples_use_distinct_names_and_metrics_ports(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = pytest.importorskip(
        "monitor.receiver.config", reason="the receiver's config loader has not landed yet"
    )
    key_file = tmp_path / "key"
    key_file.write_text("k")
    clean_env.setenv("JAMWATCH_FORWARD_API_KEY_FILE", str(key_file))
    loaded = [config.load_config(path) for path in _receiver_examples()]
    assert len(loaded) >= 2
    assert len({c.name for c in loaded}) == len(loaded)
    assert len({c.metrics.port for c in loaded}) == len(loaded)


# --- compose -----------------------------------------------------------------------------------


def _compose_command() -> list[str]:
    docker = shutil.which("docker")
    if docker and _run([docker, "compose", "version"]).returncode == 0:
        return [docker, "compose"]
    return [_tool("docker-compose")]


def test_compose_file_parses(tmp_path: Path) -> None:
    compose = [*_compose_command(), "--project-directory", str(DEPLOY)]
    compose += ["-f", str(DEPLOY / "compose.yaml"), "config"]
    env = {k: v for k, v in os.environ.items() if k != "POSTGRES_PASSWORD"}
    missing = _run(compose, env=env, cwd=tmp_path)
    assert missing.returncode != 0, "compose accepted a missing POSTGRES_PASSWORD"
    assert "POSTGRES_PASSWORD" in missing.stderr
    result = _run(compose, env={**env, "POSTGRES_PASSWORD": "0123abcd"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for service in ("postgres", "migrate", "api", "receiver"):
        assert re.search(rf"^  {service}:$", text, flags=re.MULTILINE), service
    assert "condition: service_healthy" in text
    assert "condition: service_completed_successfully" in text
    assert "/dev/bus/usb" in text
    assert "pg_isready" in text


# --- udev and modprobe -------------------------------------------------------------------------

RULES = DEPLOY / "udev" / "60-jamwatch-rtlsdr.rules"
_TOKEN = re.compile(r'^\s*([A-Z_]+)(\{[A-Za-z0-9_]+\})?\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*$')


def test_udev_rule_tokens_and_labels() -> None:
    labels, gotos, granted = set(), set(), set()
    for number, line in enumerate(RULES.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        tokens = [_TOKEN.match(part) for part in line.split(",")]
        assert all(tokens), f'{RULES.name}:{number}: not KEY[{{attr}}]OP"value": {line}'
        for match in tokens:
            assert match is not None
            key, attr, _, value = match.groups()
            if key == "LABEL":
                labels.add(value)
            elif key == "GOTO":
                gotos.add(value)
            elif key == "ATTR" and attr == "{idProduct}":
                granted |= set(value.split("|"))
    assert gotos <= labels, f"GOTO without LABEL: {gotos - labels}"
    assert {"2838", "2832"} <= granted


def test_udevadm_verify() -> None:
    udevadm = _tool("udevadm")
    if _run([udevadm, "verify", "--help"]).returncode != 0:
        pytest.skip("this udevadm has no 'verify' (added in systemd 253)")
    result = _run([udevadm, "verify", "--resolve-names=never", str(RULES)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_modprobe_blacklist_names_the_dvb_drivers() -> None:
    text = (DEPLOY / "modprobe" / "jamwatch-rtlsdr-blacklist.conf").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert all(line.startswith("blacklist ") for line in lines), lines
    modules = {line.split()[1] for line in lines}
    assert modules == {"dvb_usb_rtl28xxu", "e4000", "rtl2832", "rtl2832_sdr", "r820t"}


# --- the wheel the Dockerfile and the README install ---------------------------------------------


@pytest.mark.slow
def test_wheel_install_can_migrate(tmp_path: Path) -> None:
    repo = DEPLOY.parent
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    built = _run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(repo)])
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("jamwatch-*.whl")
    installed = _run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)])
    assert installed.returncode == 0, installed.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAMWATCH_")}
    env["PYTHONPATH"] = str(target)
    script = "import sys; from monitor.cli import main; sys.exit(main(sys.argv[1:]))"
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    command = [sys.executable, "-c", script, "db", "upgrade", "--db", url]
    result = _run(command, env=env, cwd=tmp_path)
    assert result.returncode == 0, (
        "a wheel install cannot migrate (is migrations/ in the wheel?): " + result.stderr
    )
