"""Scene files: validation messages name the file and key; built-in scenes load."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import SceneError
from monitor.sim.scene import builtin_scene, builtin_scenes, load_scene, resolve_scene

GOOD = """
[receiver]
center_hz = 6_002_500
sample_rate_hz = 250_000
duration_s = 5

[[clusters]]
name = "c"
on = [[1, 3]]

[[emitters]]
kind = "am"
frequency_hz = 6_000_000
level_dbm = -70

[[emitters]]
kind = "jam_noise"
frequency_hz = 6_000_000
level_dbm = -65
cluster = "c"

[[emitters]]
kind = "drm"
frequency_hz = 6_010_000
level_dbm = -80
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scene.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_scene_loads_with_schedules(tmp_path: Path) -> None:
    scene = load_scene(_write(tmp_path, GOOD))
    assert [e.kind for e in scene.emitters] == ["am", "jam_noise", "drm"]
    assert scene.schedule(0) == [(0.0, 5.0)]
    assert scene.schedule(1) == [(1.0, 3.0)]


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("level_dbm = -80", 'level_dbm = "loud"', "emitters[2].level_dbm"),
        ('kind = "drm"', 'kind = "laser"', "emitters[2]"),
        ("level_dbm = -80", "level_dbm = -80\nmode = 'C'", "emitters[2].mode"),
        ("level_dbm = -80", "level_dbm = -80\ncolour = 1", "emitters[2].colour"),
        ('cluster = "c"', 'cluster = "nope"', "emitters[1].cluster"),
        ("on = [[1, 3]]", "on = [[3, 1]]", "clusters[0].on"),
        ("sample_rate_hz = 250_000", "sample_rate_hz = 250_100", "receiver.sample_rate_hz"),
        ("level_dbm = -80", "level_dbm = -80\npropagation = 'XY'", "emitters[2].propagation"),
        (
            "level_dbm = -80",
            "level_dbm = -80\npropagation = { model = 'two_path', delay_ms = 1 }",
            "emitters[2].propagation",
        ),
        ("level_dbm = -65", "level_dbm = -65\non = [[0, 1]]", "emitters[1]"),
        ("duration_s = 5", "duration_s = 5\ndatatype = 'cu8'\nadc_bits = 12", "receiver"),
        (
            "duration_s = 5",
            "duration_s = 5\nif_filter = { flat_hz = 5200, stop_hz = 4600 }",
            "receiver.if_filter",
        ),
        (
            "duration_s = 5",
            "duration_s = 5\nif_filter = { flat_hz = 4600, stop_hz = 200000 }",
            "receiver",
        ),
        (
            "level_dbm = -80",
            "level_dbm = -80\npropagation = { model = 'flat', spread_hz = 1, doppler_shift_hz = 1}",
            "emitters[2].propagation",
        ),
    ],
)
def test_bad_value_names_file_and_key(tmp_path: Path, old: str, new: str, where: str) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(SceneError) as info:
        load_scene(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {where}"), message
    assert len(message.splitlines()) == 1


def test_toml_syntax_error_names_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "[receiver\n")
    with pytest.raises(SceneError, match=r"scene\.toml: not valid TOML"):
        load_scene(path)


def test_missing_file_and_unknown_name() -> None:
    with pytest.raises(SceneError, match="cannot read"):
        resolve_scene("/nonexistent/scene.toml")
    with pytest.raises(SceneError, match="no built-in scene named 'nope'"):
        resolve_scene("nope")


def test_builtin_scenes_all_load_and_are_described() -> None:
    scenes = builtin_scenes()
    assert {"nk_49m", "china_31m", "cuba_41m", "clean_25m", "kiwi_9930", "small"} <= set(scenes)
    for name, description in scenes.items():
        scene = builtin_scene(name)
        assert description
        assert scene.description == description
        assert scene.emitters


def test_builtin_scenes_cover_the_required_cases() -> None:
    rates = {name: builtin_scene(name).receiver.sample_rate_hz for name in builtin_scenes()}
    assert rates["nk_49m"] == 2_048_000
    assert rates["kiwi_9930"] == 12_000
    assert rates["small"] == 250_000
    assert builtin_scene("small").receiver.duration_s <= 10
    clean = {e.kind for e in builtin_scene("clean_25m").emitters}
    assert clean == {"am", "drm", "data"}
    china = builtin_scene("china_31m").emitters
    assert any(e.kind == "jam_program" and len(e.carriers) == 3 for e in china)
    assert {"drm", "jam_noise", "jam_program"} <= {e.kind for e in china}
    cuba = {e.kind for e in builtin_scene("cuba_41m").emitters}
    assert {"jam_tone", "jam_sweep"} <= cuba
    nk = builtin_scene("nk_49m")
    assert sum(e.cluster == "super" for e in nk.emitters) >= 5


def test_overrides_validate_and_drop_impairments_past_the_end() -> None:
    scene = builtin_scene("small").with_overrides(duration_s=3.0, datatype="cf32_le")
    assert scene.receiver.duration_s == 3.0
    assert not scene.receiver.impairments.gaps
    with pytest.raises(SceneError, match="receiver.sample_rate_hz"):
        scene.with_overrides(sample_rate_hz=1000.5)


def test_adc_bits_zero_means_an_ideal_float_receiver(tmp_path: Path) -> None:
    text = GOOD.replace("duration_s = 5", "duration_s = 5\ndatatype = 'cf32_le'\nadc_bits = 0")
    assert load_scene(_write(tmp_path, text)).receiver.adc_bits is None
    with pytest.raises(SceneError, match="receiver.adc_bits: must be 0"):
        load_scene(_write(tmp_path, text.replace("adc_bits = 0", "adc_bits = 2")))
