"""Scene files: the TOML description of a simulated HF band, validated with pydantic.

A scene has a ``[receiver]`` (tuning, rate, duration, datatype, site noise, gain and
impairments), optional ``[[clusters]]`` (jammers that switch on and off together) and a list of
``[[emitters]]``. Every problem is reported as a :class:`~monitor.errors.SceneError` naming the
file and the key, e.g. ``scene.toml: emitters[2].level_dbm: Input should be a valid number``.
The full reference is ``docs/simulator.md``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from monitor.errors import SceneError

SYNTH_BIN_HZ = 125.0
"""Frequency grid of the synthesis; output sample rates are multiples of twice this."""

Site = Literal["city", "residential", "rural", "quiet_rural", "galactic"]
Programme = Literal["speech", "music"]
F1487_MODELS: dict[str, tuple[float, float]] = {
    "LQ": (0.5, 0.5),
    "LM": (2.0, 1.5),
    "LD": (6.0, 10.0),
    "MQ": (0.5, 0.1),
    "MM": (1.0, 0.5),
    "MD": (2.0, 1.0),
    "MDV": (7.0, 1.0),
    "HQ": (1.0, 0.5),
    "HM": (3.0, 10.0),
    "HD": (7.0, 30.0),
}
"""ITU-R F.1487 test channels: name -> (differential delay ms, frequency spread 2-sigma Hz)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Interval = tuple[float, float]


def _check_intervals(value: Sequence[Interval]) -> list[Interval]:
    out = sorted((float(a), float(b)) for a, b in value)
    for start, end in out:
        if not 0 <= start < end:
            raise ValueError(f"interval [{start}, {end}] must have 0 <= start < end (seconds)")
    for (_, end), (start, _) in zip(out, out[1:], strict=False):
        if start < end:
            raise ValueError(f"intervals overlap at {start} s")
    return out


class Propagation(_Model):
    """Sky-wave path of one emitter (each emitter has its own independent path).

    ``model`` is ``"none"`` (a steady path), ``"flat"`` (one Rayleigh path of ``spread_hz``),
    ``"two_path"`` (Watterson with ``delay_ms`` and ``spread_hz``) or an ITU-R F.1487 name
    (``LQ``, ``LM``, ``LD``, ``MQ``, ``MM``, ``MD``, ``MDV``, ``HQ``, ``HM``, ``HD``) whose delay
    and spread may be overridden. ``lognormal_sigma_db`` adds slow log-normal fading with
    correlation time ``lognormal_time_s`` (mean power kept). ``doppler_shift_hz`` (beyond
    F.1487, whose taps have no mean Doppler) shifts the delayed path's Doppler spectrum, so the
    notches slide across the channel at ``doppler_shift_hz / delay`` Hz per second (the diagonal
    fades of real recordings).
    """

    model: str = "none"
    delay_ms: float | None = Field(default=None, ge=0.0, le=20.0)
    spread_hz: float | None = Field(default=None, gt=0.0, le=100.0)
    lognormal_sigma_db: float = Field(default=0.0, ge=0.0, le=20.0)
    lognormal_time_s: float = Field(default=120.0, gt=0.0)
    doppler_shift_hz: float = Field(default=0.0, ge=-10.0, le=10.0)

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str) -> str:
        known = ("none", "flat", "two_path", *F1487_MODELS)
        if value not in known:
            raise ValueError(f"unknown propagation model {value!r}; expected one of {known}")
        return value

    @model_validator(mode="after")
    def _complete(self) -> Propagation:
        if self.model == "flat" and self.spread_hz is None:
            raise ValueError("model 'flat' needs spread_hz")
        if self.model == "two_path" and (self.spread_hz is None or self.delay_ms is None):
            raise ValueError("model 'two_path' needs delay_ms and spread_hz")
        if self.doppler_shift_hz and self.model in ("none", "flat"):
            raise ValueError("doppler_shift_hz needs a two-path model")
        return self

    @property
    def paths(self) -> list[float]:
        """Delays in seconds of the Rayleigh paths (empty for a steady path)."""
        if self.model == "none":
            return []
        if self.model == "flat":
            return [0.0]
        delay_ms = self.delay_ms if self.delay_ms is not None else F1487_MODELS[self.model][0]
        return [0.0, delay_ms / 1000.0]

    @property
    def doppler_spread_hz(self) -> float:
        """Frequency spread (two sigma of the Gaussian Doppler power spectrum) in Hz."""
        if self.spread_hz is not None:
            return self.spread_hz
        return F1487_MODELS[self.model][1] if self.model in F1487_MODELS else 0.0


def _propagation_shorthand(value: Any) -> Any:
    return {"model": value} if isinstance(value, str) else value


class _Emitter(_Model):
    name: str | None = None
    frequency_hz: float = Field(gt=0.0, description="nominal RF frequency (the channel), Hz")
    offset_hz: float = Field(default=0.0, ge=-5000.0, le=5000.0)
    level_dbm: float = Field(ge=-160.0, le=20.0)
    on: list[Interval] | None = None
    cluster: str | None = None
    propagation: Annotated[Propagation, Field(default_factory=Propagation)]

    @field_validator("on")
    @classmethod
    def _intervals(cls, value: list[Interval] | None) -> list[Interval] | None:
        return None if value is None else _check_intervals(value)

    @field_validator("propagation", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _propagation_shorthand(value)

    @model_validator(mode="after")
    def _one_schedule(self) -> _Emitter:
        if self.on is not None and self.cluster is not None:
            raise ValueError("give either 'on' or 'cluster', not both")
        return self


class AmEmitter(_Emitter):
    """An AM (DSB with carrier) broadcast; ``level_dbm`` is the carrier power."""

    kind: Literal["am"]
    programme: Programme = "speech"
    m_rms: float = Field(default=0.3, gt=0.0, le=0.7)
    audio_bandwidth_hz: float = Field(default=4500.0, ge=1000.0, le=8000.0)


class DrmEmitter(_Emitter):
    """A DRM broadcast (OFDM, 10 kHz occupancy); ``level_dbm`` is the total power."""

    kind: Literal["drm"]
    mode: Literal["A", "B"] = "B"


class DataEmitter(_Emitter):
    """A bursty narrow PSK data signal (HFDL-like); ``level_dbm`` is the power during bursts."""

    kind: Literal["data"]
    symbol_rate_hz: float = Field(default=1800.0, ge=50.0, le=4000.0)
    psk_order: Literal[2, 4, 8] = 8
    burst_s: tuple[float, float] = (0.3, 1.8)
    duty: float = Field(default=0.4, gt=0.0, le=1.0)


class NoiseJammer(_Emitter):
    """Band-limited noise jammer; ``level_dbm`` is the carrier power, or total without one."""

    kind: Literal["jam_noise"]
    bandwidth_hz: float = Field(default=10000.0, ge=1000.0, le=40000.0)
    carrier: bool = True
    m_rms: float = Field(default=0.5, gt=0.0, le=1.0)
    texture: Literal["flat", "jet", "bubble"] = "flat"
    bubble_rate_hz: float = Field(default=8.0, ge=1.0, le=30.0)


class SweepJammer(_Emitter):
    """A narrow carrier swept across ``span_hz`` every ``period_s``; level is its power."""

    kind: Literal["jam_sweep"]
    span_hz: float = Field(default=20000.0, ge=1000.0, le=60000.0)
    period_s: float = Field(default=5.0, ge=0.2, le=60.0)
    waveform: Literal["sawtooth", "triangle"] = "sawtooth"
    tone_hz: float | None = Field(default=None, ge=100.0, le=3000.0)


class PulseJammer(_Emitter):
    """An on/off keyed carrier; ``level_dbm`` is the carrier power while keyed on."""

    kind: Literal["jam_pulse"]
    prf_hz: float = Field(default=100.0, ge=5.0, le=1000.0)
    duty: float = Field(default=0.3, ge=0.02, le=0.9)
    rise_s: float = Field(default=1e-4, ge=2e-5, le=5e-3)

    @model_validator(mode="after")
    def _fits(self) -> PulseJammer:
        if self.duty / self.prf_hz + self.rise_s >= 1.0 / self.prf_hz:
            raise ValueError("duty / prf_hz + rise_s must be shorter than the pulse period")
        return self


class ToneJammer(_Emitter):
    """AM with one audio tone (optionally warbled); ``level_dbm`` is the carrier power."""

    kind: Literal["jam_tone"]
    tone_hz: float = Field(default=1000.0, ge=100.0, le=4000.0)
    depth: float = Field(default=0.8, gt=0.0, le=1.0)
    warble_hz: float = Field(default=0.0, ge=0.0, le=500.0)
    warble_rate_hz: float = Field(default=5.0, gt=0.0, le=20.0)


class ProgramCarrier(_Model):
    """One transmitter of a programme over-jamming group."""

    offset_hz: float = Field(default=0.0, ge=-100.0, le=100.0)
    delay_s: float = Field(default=0.0, ge=0.0, le=10.0)
    level_db: float = Field(default=0.0, ge=-30.0, le=10.0)


class ProgramJammer(_Emitter):
    """Programme/music over-jamming from 1-3 AM carriers a few Hz apart (own audio, delayed
    copies, independent paths); ``level_dbm`` is the first carrier's power."""

    kind: Literal["jam_program"]
    programme: Programme = "music"
    m_rms: float = Field(default=0.35, gt=0.0, le=0.7)
    audio_bandwidth_hz: float = Field(default=4500.0, ge=1000.0, le=8000.0)
    carriers: list[ProgramCarrier] = Field(
        default_factory=lambda: [ProgramCarrier()], min_length=1, max_length=3
    )


Emitter = Annotated[
    AmEmitter
    | DrmEmitter
    | DataEmitter
    | NoiseJammer
    | SweepJammer
    | PulseJammer
    | ToneJammer
    | ProgramJammer,
    Field(discriminator="kind"),
]
KINDS = ("am", "drm", "data", "jam_noise", "jam_sweep", "jam_pulse", "jam_tone", "jam_program")
JAMMER_KIND_TYPE = {
    "jam_noise": "noise",
    "jam_sweep": "sweep",
    "jam_pulse": "pulse",
    "jam_tone": "tone",
    "jam_program": "program",
}
"""Jammer type (DESIGN.md vocabulary) of each jamming emitter kind."""


class Atmospherics(_Model):
    """Lightning crashes: a Poisson stream of decaying broadband bursts."""

    rate_hz: float = Field(default=1.0, gt=0.0, le=50.0)
    level_db: float = Field(default=20.0, ge=-10.0, le=60.0)
    duration_s: tuple[float, float] = (0.5e-3, 5e-3)


class Overload(_Model):
    """A gain step (AGC glitch or strong local signal) that drives the ADC into clipping."""

    start_s: float = Field(ge=0.0)
    duration_s: float = Field(gt=0.0)
    gain_db: float = Field(gt=0.0, le=60.0)


class Gap(_Model):
    """Samples lost by the receiver (USB overrun): they are missing from the recording."""

    start_s: float = Field(gt=0.0)
    duration_s: float = Field(gt=0.0, le=60.0)


class Impairments(_Model):
    """RTL-SDR receiver defects."""

    dc_offset_dbfs: float | None = Field(default=None, le=0.0)
    image_rejection_db: float | None = Field(default=None, ge=10.0, le=120.0)
    overload: list[Overload] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)


class IFFilter(_Model):
    """A steep channel filter in the receiver (a KiwiSDR's), applied to the output stream."""

    flat_hz: float = Field(gt=0.0)
    stop_hz: float = Field(gt=0.0)
    stop_db: float = Field(default=80.0, ge=20.0, le=120.0)

    @model_validator(mode="after")
    def _ordered(self) -> IFFilter:
        if self.stop_hz <= self.flat_hz:
            raise ValueError("stop_hz must be above flat_hz")
        return self


class Receiver(_Model):
    """Tuning, sampling, site noise and gain of the simulated receiver."""

    center_hz: float = Field(gt=0.0, le=60e6)
    sample_rate_hz: float = Field(ge=8000.0, le=3.2e6)
    duration_s: float = Field(gt=0.0, le=24 * 3600.0)
    start: datetime = datetime(2026, 2, 16, 12, tzinfo=UTC)
    datatype: Literal["cu8", "cf32_le"] = "cu8"
    site: Site = "residential"
    noise_figure_db: float = Field(default=12.0, ge=0.0, le=40.0)
    full_scale_dbm: float = Field(default=-20.0, ge=-80.0, le=20.0)
    adc_bits: int | None = Field(default=8, ge=0, le=24)
    passband_flat: float | None = Field(default=None, ge=0.5, lt=1.0)
    passband_edge_db: float = Field(default=40.0, gt=0.0, le=100.0)
    if_filter: IFFilter | None = None
    atmospherics: Atmospherics | None = None
    impairments: Impairments = Field(default_factory=Impairments)

    @field_validator("sample_rate_hz")
    @classmethod
    def _on_grid(cls, value: float) -> float:
        if value % (2 * SYNTH_BIN_HZ):
            raise ValueError(f"must be a multiple of {2 * SYNTH_BIN_HZ:g} Hz, not {value:g}")
        return value

    @field_validator("adc_bits")
    @classmethod
    def _adc(cls, value: int | None) -> int | None:
        if value == 0:  # TOML has no null: 0 means an ideal receiver without an ADC
            return None
        if value is not None and value < 4:
            raise ValueError(f"must be 0 (no ADC) or 4..24 bits, not {value}")
        return value

    @field_validator("start")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("must carry a UTC offset, e.g. 2026-02-16T12:00:00Z")
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _consistent(self) -> Receiver:
        if self.datatype == "cu8" and self.adc_bits != 8:
            raise ValueError("datatype 'cu8' needs adc_bits = 8")
        if self.if_filter is not None and self.if_filter.stop_hz >= self.sample_rate_hz / 2:
            raise ValueError("if_filter.stop_hz must be below sample_rate_hz / 2")
        spans = [
            (f"overload[{i}]", o.start_s, o.duration_s)
            for i, o in enumerate(self.impairments.overload)
        ]
        spans += [
            (f"gaps[{i}]", g.start_s, g.duration_s) for i, g in enumerate(self.impairments.gaps)
        ]
        for name, start_s, duration_s in spans:
            if start_s + duration_s > self.duration_s:
                raise ValueError(f"impairments.{name} ends after duration_s")
        return self


class Cluster(_Model):
    """Jammers keyed on and off together (the same second) by one schedule."""

    name: str
    on: list[Interval]

    @field_validator("on")
    @classmethod
    def _intervals(cls, value: list[Interval]) -> list[Interval]:
        return _check_intervals(value)


class Scene(_Model):
    """A whole simulated band: receiver, clusters and emitters."""

    description: str = ""
    receiver: Receiver
    clusters: list[Cluster] = Field(default_factory=list)
    emitters: list[Emitter] = Field(default_factory=list)

    @model_validator(mode="after")
    def _clusters_known(self) -> Scene:
        names = [c.name for c in self.clusters]
        if len(set(names)) != len(names):
            raise ValueError(f"cluster names repeat: {names}")
        for i, emitter in enumerate(self.emitters):
            if emitter.cluster is not None and emitter.cluster not in names:
                raise ValueError(f"emitters[{i}].cluster: no cluster named {emitter.cluster!r}")
        return self

    def schedule(self, index: int, until_s: float | None = None) -> list[Interval]:
        """On-intervals of emitter ``index`` in seconds, clipped to ``until_s`` (default: the
        duration); an emitter without ``on`` or ``cluster`` is on throughout."""
        emitter = self.emitters[index]
        end = self.receiver.duration_s if until_s is None else until_s
        if emitter.cluster is not None:
            spans = next(c.on for c in self.clusters if c.name == emitter.cluster)
        else:
            spans = emitter.on if emitter.on is not None else [(0.0, end)]
        return [(a, min(b, end)) for a, b in spans if a < end]

    def with_overrides(
        self,
        *,
        duration_s: float | None = None,
        sample_rate_hz: float | None = None,
        datatype: Literal["cu8", "cf32_le"] | None = None,
    ) -> Scene:
        """A copy with receiver settings replaced (validated like a scene file)."""
        receiver = self.receiver.model_dump()
        if duration_s is not None:
            receiver["duration_s"] = duration_s
            imp = receiver["impairments"]
            for key in ("overload", "gaps"):
                imp[key] = [x for x in imp[key] if x["start_s"] + x["duration_s"] <= duration_s]
        if sample_rate_hz is not None:
            receiver["sample_rate_hz"] = sample_rate_hz
        if datatype is not None:
            receiver["datatype"] = datatype
            receiver["adc_bits"] = 8 if datatype == "cu8" else receiver["adc_bits"]
        data = self.model_dump()
        data["receiver"] = receiver
        return parse_scene(data, "command line")


def _format_loc(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for i, item in enumerate(loc):
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif i > 0 and isinstance(loc[i - 1], int) and item in KINDS:
            continue  # the discriminated-union tag pydantic inserts after the list index
        else:
            parts.append(("." if parts else "") + item)
    return "".join(parts)


def parse_scene(data: dict[str, Any], source: str) -> Scene:
    """Validate a scene from a parsed TOML mapping; ``source`` names it in errors."""
    try:
        return Scene.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _format_loc(tuple(first["loc"]))
        message = first["msg"].removeprefix("Value error, ")
        prefix = f"{source}: {where}: " if where else f"{source}: "
        raise SceneError(prefix + message) from None


def load_scene(path: Path) -> Scene:
    """Read and validate a scene TOML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SceneError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SceneError(f"{path}: not valid TOML: {exc}") from None
    return parse_scene(data, str(path))


def builtin_scenes() -> dict[str, str]:
    """Names of the built-in scenes and their one-line descriptions, sorted by name."""
    out: dict[str, str] = {}
    for item in sorted(resources.files("monitor.sim.scenes").iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml"):
            data = tomllib.loads(item.read_text(encoding="utf-8"))
            out[item.name.removesuffix(".toml")] = str(data.get("description", ""))
    return out


def builtin_scene(name: str) -> Scene:
    """Load a built-in scene by name."""
    item = resources.files("monitor.sim.scenes") / f"{name}.toml"
    if not item.is_file():
        raise SceneError(f"no built-in scene named {name!r}; known: {', '.join(builtin_scenes())}")
    return parse_scene(tomllib.loads(item.read_text(encoding="utf-8")), f"{name}.toml")


def resolve_scene(ref: str) -> Scene:
    """A scene from a file path (anything ending in ``.toml`` or existing) or a built-in name."""
    path = Path(ref)
    if ref.endswith(".toml") or path.exists():
        return load_scene(path)
    return builtin_scene(ref)
