"""The classifier on a synthetic band holding one example of each class."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from dsp.classify import (
    PULSE_JITTER_DB,
    RULES,
    SPILL_MIN_DB,
    Rule,
    Verdicts,
    classify,
    ridge_seen,
)
from dsp.detector import Detector, StepResult
from dsp.features import ChannelFeatures
from monitor.recording import open_recording
from monitor.sim import simulate
from monitor.sim.scene import parse_scene
from tests.dsp.signals import (
    am,
    as_c64,
    noise_jammer,
    ofdm_drm,
    pulses,
    speech_audio,
    sweep,
    times,
    white,
)

RATE = 192_000.0
CENTER = 6_000_000.0
SECONDS = 6


@pytest.fixture(scope="module")
def steps() -> tuple[Detector, list[StepResult]]:
    """Five whole one-second steps of a band with a broadcast, DRM and four jammers."""
    rng = np.random.default_rng(11)
    n = int(SECONDS * RATE)
    silent = np.zeros(n)
    x = (
        am(n, RATE, -40_000, 1e-2, speech_audio(n, RATE, rng))  # 5960 kHz: clean AM
        + ofdm_drm(n, RATE, -30_000, 2e-5, rng)  # 5970 kHz: DRM
        + noise_jammer(n, RATE, -15_000, 3e-3, rng)  # 5985 kHz: noise jammer
        + sum(am(n, RATE, d, a, silent) for d, a in ((2.0, 1e-2), (9.0, 6e-3)))  # 6000: programme
        + sweep(n, RATE, 8_000.0, 14_000.0, 2.0, 3e-3)  # 6010-6020 kHz: sweep
        + pulses(n, RATE, 35_000.0, 1e-2, prf_hz=40.0, duty=0.3)  # 6035 kHz: pulses
        + white(n, rng, 1e-6)
    )
    det = Detector(CENTER, RATE)
    return det, det.push(as_c64(x))


def _rule(name: str) -> Rule:
    """The rule of that name."""
    return next(rule for rule in RULES if rule.name == name)


def _keyed_rules(
    prf_hz: float, duty: float, amplitude: float, seconds: int, seed: int
) -> tuple[list[ChannelFeatures], list[str], int]:
    """Features and deciding rules, step by step, and the channel index of a carrier keyed at
    ``prf_hz`` 30 kHz above the centre (96 kS/s)."""
    rate = 96_000.0
    n = int(seconds * rate)
    rng = np.random.default_rng(seed)
    x = pulses(n, rate, 30_000.0, amplitude, prf_hz=prf_hz, duty=duty) + white(n, rng, 1e-6)
    det = Detector(CENTER, rate)
    results = det.push(as_c64(x))
    ch = int(np.flatnonzero(det.plan.frequencies_hz == 6_030_000)[0])
    judged = [r.features for r in results if r.features is not None]
    return judged, [RULES[int(r.verdicts.rule[ch])].name for r in results], ch


def _verdict(steps: tuple[Detector, list[StepResult]], freq: int, step: int) -> tuple[str, ...]:
    det, results = steps
    ch = int(np.flatnonzero(det.plan.frequencies_hz == freq)[0])
    state, jammer, _ = results[step].verdicts.describe(ch)
    rule = RULES[int(results[step].verdicts.rule[ch])].name
    return state, jammer or "", rule


@pytest.mark.parametrize(
    ("freq", "expected"),
    [
        (5_960_000, ("signal", "", "broadcast")),
        (5_970_000, ("signal", "", "drm")),
        (5_985_000, ("jammed", "noise", "noise")),
        (6_000_000, ("jammed", "program", "program")),
        (6_015_000, ("jammed", "sweep", "sweep")),
        (6_035_000, ("jammed", "pulse", "pulse")),
        (6_050_000, ("empty", "", "empty")),
    ],
)
def test_each_class_is_recognised(
    steps: tuple[Detector, list[StepResult]], freq: int, expected: tuple[str, ...]
) -> None:
    for step in (2, 3, 4):
        assert _verdict(steps, freq, step) == expected


def test_confidence_lies_in_half_to_one(steps: tuple[Detector, list[StepResult]]) -> None:
    for result in steps[1]:
        assert np.all((result.verdicts.confidence >= 0.5) & (result.verdicts.confidence <= 1.0))


def test_unknown_verdicts_cover_every_channel() -> None:
    verdicts = Verdicts.unknown(4)
    assert [verdicts.describe(i)[0] for i in range(4)] == ["unknown"] * 4


def test_flagged_samples_make_the_step_unknown() -> None:
    det = Detector(CENTER, RATE)
    x = as_c64(white(det.step_samples * 2, np.random.default_rng(1), 1e-6))
    first = det.push(x[:100], flagged=True) + det.push(x[100:])
    assert [r.features is None for r in first] == [True, False]


def test_clipping_makes_the_step_unknown() -> None:
    det = Detector(CENTER, RATE)
    x = as_c64(white(det.step_samples, np.random.default_rng(1), 1e-2))
    x[:1000] = 1 + 1j  # 0.1 % of components at full scale
    (result,) = det.push(x)
    assert result.features is None
    assert set(result.verdicts.state.tolist()) == {3}


def _doppler_spread(
    n: int, rate_hz: float, spread_hz: float, rng: np.random.Generator
) -> npt.NDArray[np.complex128]:
    """Unit-power complex Gaussian fading with a Gaussian Doppler spectrum (F.1487 style)."""
    slow_rate_hz = 400.0
    m = int(n * slow_rate_hz / rate_hz) + 2
    freqs = np.fft.fftfreq(m, 1 / slow_rate_hz)
    shape = np.exp(-0.5 * (freqs / (spread_hz / 2)) ** 2)
    slow = np.fft.ifft(np.fft.fft(white(m, rng)) * shape)
    slow /= np.sqrt(np.mean(np.abs(slow) ** 2))
    t_slow = np.arange(m) / slow_rate_hz
    t = times(n, rate_hz)
    return np.asarray(np.interp(t, t_slow, slow.real) + 1j * np.interp(t, t_slow, slow.imag))


def test_programme_needs_carriers_steady_over_three_steps() -> None:
    """Two steady carriers 7 Hz apart are a programme jammer from the third step on; a carrier
    under 10 Hz Doppler spread (several wandering maxima in each step) never is for two steps
    running."""
    rate = 48_000.0
    seconds = 12
    n = int(seconds * rate)
    rng = np.random.default_rng(5)
    audio = speech_audio(n, rate, rng)
    steady = am(n, rate, 3.0, 1e-2, audio) + am(n, rate, 10.0, 8e-3, audio)  # 6000 kHz
    spread = am(n, rate, 10_000.0, 1e-2, speech_audio(n, rate, rng)) * _doppler_spread(
        n, rate, 10.0, rng
    )  # 6010 kHz
    det = Detector(CENTER, rate)
    results = det.push(as_c64(steady + spread + white(n, rng, 1e-6)))
    jam, fading = (
        int(np.flatnonzero(det.plan.frequencies_hz == f)[0]) for f in (CENTER, 6_010_000)
    )
    program = RULES.index(next(r for r in RULES if r.name == "program"))
    assert [int(r.verdicts.rule[jam]) == program for r in results[:2]] == [False, False]
    assert all(int(r.verdicts.rule[jam]) == program for r in results[2:])
    # a stray step can happen (speckle maxima landing twice on earlier ones); two in a row, the
    # tracker's minimum for a new state, must not
    called = [int(r.verdicts.rule[fading]) == program for r in results]
    assert not any(a and b for a, b in zip(called, called[1:], strict=False))


def test_fast_fading_is_not_a_pulse_train() -> None:
    """A broadcast under 30 Hz Doppler spread (F.1487 HD) jumps from frame to frame as much as
    a keyed carrier does, but at no steady rate: never `pulse`; a 50 Hz pulse train is."""
    rate = 48_000.0
    n = int(6 * rate)
    rng = np.random.default_rng(13)
    faded = am(n, rate, -10_000.0, 1e-2, speech_audio(n, rate, rng)) * _doppler_spread(
        n, rate, 30.0, rng
    )  # 5990 kHz
    keyed = pulses(n, rate, 10_000.0, 1e-2, prf_hz=50.0, duty=0.3)  # 6010 kHz
    det = Detector(CENTER, rate)
    results = det.push(as_c64(faded + keyed + white(n, rng, 1e-6)))
    fading, pulse = (
        int(np.flatnonzero(det.plan.frequencies_hz == f)[0]) for f in (5_990_000, 6_010_000)
    )
    rule = [r.name for r in RULES].index("pulse")
    jitter = [r.features.jitter_db[fading] for r in results if r.features is not None]
    assert max(jitter) >= PULSE_JITTER_DB  # the old jitter-only rule would have fired
    assert not any(int(r.verdicts.rule[fading]) == rule for r in results)
    assert all(int(r.verdicts.rule[pulse]) == rule for r in results)


def _edited(features: ChannelFeatures, ch: int, **values: float) -> ChannelFeatures:
    """``features`` with some values of channel ``ch`` replaced."""
    changed = {}
    for name, value in values.items():
        column = getattr(features, name).copy()
        column[ch] = value
        changed[name] = column
    return dataclasses.replace(features, **changed)


def _rule_of(features: ChannelFeatures, det: Detector, freq: int) -> str:
    ch = int(np.flatnonzero(det.plan.frequencies_hz == freq)[0])
    return RULES[int(classify(features, det.plan.frequencies_hz).rule[ch])].name


def test_a_weak_tone_counts_by_its_steady_line(steps: tuple[Detector, list[StepResult]]) -> None:
    """A carrier whose sideband power sits in a steady line (SK < 0.6) is a tone jammer when
    the spectrum repeats to 0.8; a broadcast with the same share but no steady line is not."""
    det, results = steps
    features = results[3].features
    assert features is not None
    ch = int(np.flatnonzero(det.plan.frequencies_hz == 5_960_000)[0])
    tone = {"line_share": 0.95, "sideband_peak_db": 15.0, "stationarity": 0.85, "sk": 1.0}
    tone |= {"sideband_db": 0.2}  # between its lines, a tone jammer's sidebands are the floor
    assert _rule_of(_edited(features, ch, lines=1, **tone), det, 5_960_000) == "tone"
    assert _rule_of(_edited(features, ch, lines=0, **tone), det, 5_960_000) == "broadcast"
    repeating = {**tone, "stationarity": 0.7}
    assert _rule_of(_edited(features, ch, lines=1, **repeating), det, 5_960_000) == "broadcast"


def test_fast_fading_speech_is_neither_tone_nor_programme(
    steps: tuple[Detector, list[StepResult]],
) -> None:
    """Speech under a 10 Hz Doppler spread can look like a steady tone (its carrier's skirt holds
    most sideband power, step after step) and shows many fine maxima, two of which may recur:
    its SK and its count of maxima tell it from a tone or a programme jammer."""
    det, results = steps
    features = results[3].features
    assert features is not None
    ch = int(np.flatnonzero(det.plan.frequencies_hz == 5_960_000)[0])
    toneish = {"line_share": 0.85, "sideband_peak_db": 28.0, "stationarity": 0.97, "lines": 0}
    toneish |= {"sideband_db": 0.2}
    assert _rule_of(_edited(features, ch, sk=1.0, **toneish), det, 5_960_000) == "tone"
    assert _rule_of(_edited(features, ch, sk=2.8, **toneish), det, 5_960_000) == "broadcast"
    programme = {"persistent_carriers": 2, "line_share": 0.3, "stationarity": 0.5}
    assert _rule_of(_edited(features, ch, carriers=3, **programme), det, 5_960_000) == "program"
    assert _rule_of(_edited(features, ch, carriers=10, **programme), det, 5_960_000) == "broadcast"


def test_a_held_note_over_the_rest_of_the_programme_is_no_tone(
    steps: tuple[Detector, list[StepResult]],
) -> None:
    """A tone jammer alone leaves its sidebands at the floor between its lines; a held note
    holding as much of a broadcast's sideband power sits on the rest of its audio."""
    det, results = steps
    features = results[3].features
    assert features is not None
    ch = int(np.flatnonzero(det.plan.frequencies_hz == 5_960_000)[0])
    tone = {"line_share": 0.9, "sideband_peak_db": 20.0, "stationarity": 0.97, "sk": 1.0}
    tone |= {"lines": 1, "persistent_lines": 0}
    assert _rule_of(_edited(features, ch, sideband_db=0.3, **tone), det, 5_960_000) == "tone"
    assert _rule_of(_edited(features, ch, sideband_db=1.8, **tone), det, 5_960_000) == "broadcast"


def test_a_pair_of_lines_held_over_three_steps_is_a_tone_over_the_programme(
    tmp_path: Path,
) -> None:
    """A 1 kHz tone jammer on a speech broadcast's carrier (the simulator's programme): its
    +-1 kHz lines stand in every step while the programme fills the sidebands around them;
    once the pair has been seen in the two steps before, the channel is jammed by a tone. The
    broadcast alone never is."""
    broadcast = {"kind": "am", "frequency_hz": 6_000_000, "level_dbm": -62, "programme": "speech"}
    tone = {"kind": "jam_tone", "frequency_hz": 6_000_000, "level_dbm": -62, "tone_hz": 1000.0}
    names = {}
    for label, emitters in (("jammed", [broadcast, tone]), ("alone", [broadcast])):
        scene = parse_scene(
            {
                "receiver": {
                    "center_hz": 6_012_500,
                    "sample_rate_hz": 96_000,
                    "duration_s": 6.0,
                    "datatype": "cu8",
                    "full_scale_dbm": -30.0,
                },
                "emitters": emitters,
            },
            label,
        )
        base = tmp_path / label
        simulate(scene, base, seed=9)
        det = Detector(6_012_500, 96_000)
        results = [
            result
            for block in open_recording(base.with_suffix(".sigmf-meta")).blocks()
            for result in det.push(block.samples)
        ]
        ch = int(np.flatnonzero(det.plan.frequencies_hz == 6_000_000)[0])
        names[label] = [
            r.verdicts.describe(ch)[:2] + (RULES[int(r.verdicts.rule[ch])].name,) for r in results
        ]
    jammed = names["jammed"][2:]
    assert all(state == "jammed" and jammer == "tone" for state, jammer, _ in jammed), names
    assert ("jammed", "tone", "held") in jammed, names  # in speech pauses `tone` decides
    assert all(state == "signal" for state, _, _ in names["alone"]), names
    held = _rule("held")
    assert (held.state, held.jammer, held.lookback) == ("jammed", "tone", 2)


def test_spill_needs_the_truths_margin(steps: tuple[Detector, list[StepResult]]) -> None:
    """One-sided energy beside a jammed channel is spill only at 10 log10(3) = 4.8 dB over the
    floor (the jammer alone 3 dB over the noise)."""
    det, results = steps
    features = results[3].features
    assert features is not None
    ch = int(np.flatnonzero(det.plan.frequencies_hz == 5_990_000)[0])  # above the noise jammer
    one_sided = {"symmetry": 0.95, "plateau_low_db": 1.0, "plateau_high_db": 0.0, "lines": 0}
    one_sided |= {"carrier_db": 0.0, "carrier_excess_db": 0.0, "carrier_peak_db": 0.0}
    assert round(SPILL_MIN_DB, 2) == 4.77
    assert _rule_of(_edited(features, ch, snr_db=4.6, **one_sided), det, 5_990_000) == "occupied"
    assert _rule_of(_edited(features, ch, snr_db=5.0, **one_sided), det, 5_990_000) == "spill"


def test_spill_reaches_through_a_spill_channel(steps: tuple[Detector, list[StepResult]]) -> None:
    """A jammer wider than the raster lifts the channel two away from its own on one side: that
    channel is spill of the spill channel between them, and of nothing else."""
    det, results = steps
    features = results[3].features
    assert features is not None
    near, far = (
        int(np.flatnonzero(det.plan.frequencies_hz == f)[0]) for f in (5_990_000, 5_995_000)
    )
    one_sided = {"symmetry": 0.95, "plateau_low_db": 1.0, "plateau_high_db": 0.0, "lines": 0}
    one_sided |= {"carrier_db": 0.0, "carrier_excess_db": 0.0, "carrier_peak_db": 0.0}
    one_sided |= {"snr_db": 5.0, "periodicity": 0.0, "cp_score": np.nan}
    edited = _edited(_edited(features, near, **one_sided), far, **one_sided)
    assert _rule_of(edited, det, 5_990_000) == "spill"
    assert _rule_of(edited, det, 5_995_000) == "spill"
    verdicts = classify(edited, det.plan.frequencies_hz)
    assert verdicts.describe(far)[:2] == ("jammed", "noise")
    cut = _edited(edited, near, snr_db=4.0)  # the channel between is no spill: the chain breaks
    assert _rule_of(cut, det, 5_990_000) == "occupied"
    assert _rule_of(cut, det, 5_995_000) == "occupied"


def test_gaussian_spread_sidebands_under_a_carrier_are_hiss(
    steps: tuple[Detector, list[StepResult]],
) -> None:
    """Sidebands as Gaussian as noise (SK <= 1.6) and spread over the channel (flatness >= 0.45)
    under a carrier are a noise jammer under a programme even when fading keeps the spectrum
    from repeating; a broadcast's programme is burstier or more coloured."""
    det, results = steps
    features = results[3].features
    assert features is not None
    ch = int(np.flatnonzero(det.plan.frequencies_hz == 5_960_000)[0])
    fading = {"stationarity": 0.7, "line_share": 0.2, "lines": 0, "sideband_db": 12.0}
    assert _rule_of(_edited(features, ch, sk=1.3, flatness=0.55, **fading), det, 5_960_000) == (
        "hiss"
    )
    assert _rule_of(_edited(features, ch, sk=2.0, flatness=0.55, **fading), det, 5_960_000) == (
        "broadcast"
    )
    assert _rule_of(_edited(features, ch, sk=1.3, flatness=0.35, **fading), det, 5_960_000) == (
        "broadcast"
    )
    hiss = _rule("hiss")
    assert (hiss.state, hiss.jammer) == ("jammed", "noise")


def test_a_carrier_keyed_at_a_low_rate_is_a_steady_line_comb() -> None:
    """Keyed 20 times a second for 2.5 ms, a carrier barely moves the median frame-to-frame
    power (no `pulse`); its fine spectrum is a comb of lines 20 Hz apart, more than a programme
    jammer has, that recur step after step."""
    judged, names, ch = _keyed_rules(20.0, 0.05, 3e-3, seconds=5, seed=2)
    assert all(f.jitter_db[ch] < 2.0 for f in judged)
    assert all(f.carriers[ch] > 5 for f in judged[2:])
    assert names[:2] == ["broadcast", "broadcast"], names  # no earlier steps to compare with
    assert names[2:] == ["keyed"] * (len(names) - 2), names
    keyed = _rule("keyed")
    assert (keyed.state, keyed.jammer, keyed.lookback) == ("jammed", "pulse", 2)


def test_a_carrier_keyed_at_hundreds_of_hz_is_a_dense_comb() -> None:
    """Keyed at 250 Hz (2.7 bins), the comb lines merge and the frame power hardly moves: no
    `pulse` (jitter) nor `comb` (lines); steady, flat-ish sidebands that repeat are."""
    judged, names, ch = _keyed_rules(250.0, 0.4, 1.5e-3, seconds=4, seed=1)
    assert all(f.jitter_db[ch] < 1.0 and f.lines[ch] < 2 for f in judged)
    assert names[1:] == ["dense"] * (len(names) - 1), names
    dense = _rule("dense")
    assert (dense.state, dense.jammer) == ("jammed", "pulse")


def test_a_sweep_reaching_into_a_channel_sweeps_it() -> None:
    """A sawtooth over +4..+16 kHz reaches 0.5 kHz into the channel at the centre (+-4.5 kHz):
    too briefly for a ridge of its own there, but its ridge in the next channel reaches it."""
    n = int(7 * RATE)
    x = sweep(n, RATE, 4_000.0, 12_000.0, 3.0, 3e-3) + white(n, np.random.default_rng(4), 1e-6)
    det = Detector(CENTER, RATE)
    results = det.push(as_c64(x))
    swept = [r.name for r in RULES].index("sweep")
    touched, beyond = (
        int(np.flatnonzero(det.plan.frequencies_hz == f)[0]) for f in (6_000_000, 5_995_000)
    )
    assert not any(ridge_seen(r.features)[touched] for r in results if r.features is not None)
    assert all(int(r.verdicts.rule[touched]) == swept for r in results)
    assert not any(int(r.verdicts.rule[beyond]) == swept for r in results)


def test_a_stopped_sweeper_releases_its_channels_at_once() -> None:
    """While the ridge is seen somewhere near, swept channels stay jammed between crossings;
    in the first step without a ridge they are free again."""
    n_on, n_off = int(4 * RATE), int(3 * RATE)
    rng = np.random.default_rng(3)
    on = sweep(n_on, RATE, 8_000.0, 14_000.0, 2.0, 3e-3)
    x = np.concatenate([on, np.zeros(n_off)]) + white(n_on + n_off, rng, 1e-6)
    det = Detector(CENTER, RATE)
    results = det.push(as_c64(x))
    swept = [r.name for r in RULES].index("sweep")
    channels = np.flatnonzero(
        (det.plan.frequencies_hz >= 6_010_000) & (det.plan.frequencies_hz <= 6_020_000)
    )
    assert all(np.all(results[k].verdicts.rule[channels] == swept) for k in (1, 2))
    step_off = int(np.ceil(n_on / det.step_samples))  # the first step wholly after the sweeper
    assert not any(np.any(r.verdicts.rule == swept) for r in results[step_off:])


def test_beating_programme_carriers_are_not_pulses() -> None:
    """Two steady carriers 25 Hz apart make the frame power beat at a steady rate, like a slow
    pulse train; they are a programme jammer (the beat's jitter stays under 3 dB)."""
    rate = 48_000.0
    n = int(6 * rate)
    rng = np.random.default_rng(21)
    audio = speech_audio(n, rate, rng)
    x = am(n, rate, 2.0, 1e-2, audio) + am(n, rate, 27.0, 3e-3, audio) + white(n, rng, 1e-6)
    det = Detector(CENTER, rate)
    results = det.push(as_c64(x))
    ch = int(np.flatnonzero(det.plan.frequencies_hz == CENTER)[0])
    names = [RULES[int(r.verdicts.rule[ch])].name for r in results]
    judged = [r.features for r in results if r.features is not None]
    assert all(f.periodicity[ch] >= 0.3 and f.jitter_db[ch] >= 2.0 for f in judged)
    assert names[2:] == ["program"] * (len(names) - 2)


def _rules_at(x: npt.NDArray[np.complexfloating], freq: float) -> list[str]:
    det = Detector(CENTER, RATE)
    results = det.push(as_c64(x))
    ch = int(np.flatnonzero(det.plan.frequencies_hz == freq)[0])
    return [RULES[int(r.verdicts.rule[ch])].name for r in results]


@pytest.fixture(scope="module")
def under_wide_jammer() -> dict[str, npt.NDArray[np.complex128]]:
    """AM speech alone, and under a 16 kHz noise jammer 6 dB weaker (carrier) centred on it."""
    rng = np.random.default_rng(5)
    n = int(SECONDS * RATE)
    broadcast = am(n, RATE, 3.0, 2e-2, speech_audio(n, RATE, rng))
    jammer = noise_jammer(n, RATE, 20.0, 5e-3, rng, bandwidth_hz=16_000.0, m_rms=0.9)
    floor = white(n, rng, 1e-6)
    return {"alone": broadcast + floor, "jammed": broadcast + jammer + floor}


def test_a_broadcast_under_a_wider_noise_jammer_is_jammed_by_its_skirts(
    under_wide_jammer: dict[str, npt.NDArray[np.complex128]],
) -> None:
    """The jammer fills both skirts past the broadcast's 4.5 kHz audio, so the channel is jammed
    from the first step (the programme rule needs two steps of two steady carriers, and takes
    over from the second); alone it is a broadcast."""
    assert _rules_at(under_wide_jammer["alone"], CENTER)[:2] == ["broadcast", "broadcast"]
    jammed = _rules_at(under_wide_jammer["jammed"], CENTER)
    assert jammed[0] == "wide", jammed
    assert all(_rule(name).state == "jammed" for name in jammed)
    wide = _rule("wide")
    assert (wide.state, wide.jammer) == ("jammed", "noise")


def test_with_carriers_next_door_the_wide_jammer_is_found_by_straddle(
    under_wide_jammer: dict[str, npt.NDArray[np.complex128]],
) -> None:
    """Carriers on both neighbours could explain the skirts (their lowest audio sits there), so
    the skirts are not judged; the plateau in both noise-jammed neighbours still is."""
    n = int(SECONDS * RATE)
    silent = np.zeros(n)
    carriers = am(n, RATE, -5_000.0, 3e-3, silent) + am(n, RATE, 5_000.0, 3e-3, silent)
    rules = _rules_at(under_wide_jammer["jammed"] + carriers, CENTER)
    assert rules[0] == "straddle", rules
    assert "wide" not in rules


def test_a_broadcast_between_two_broadcasts_is_not_judged_by_its_skirts() -> None:
    """Broadcasts 5 kHz either side fill this one's skirts with their carriers' lowest audio:
    the skirts are not measured there."""
    rng = np.random.default_rng(6)
    n = int(SECONDS * RATE)
    x = (
        am(n, RATE, 3.0, 2e-2, speech_audio(n, RATE, rng))
        + am(n, RATE, -5_000.0, 2e-2, speech_audio(n, RATE, rng))
        + am(n, RATE, 5_000.0, 2e-2, speech_audio(n, RATE, rng))
        + white(n, rng, 1e-6)
    )
    det = Detector(CENTER, RATE)
    results = det.push(as_c64(x))
    ch = int(np.flatnonzero(det.plan.frequencies_hz == CENTER)[0])
    first = results[0]
    assert first.features is not None
    assert np.isnan(first.features.skirt_db[ch])
    assert "wide" not in [RULES[int(r.verdicts.rule[ch])].name for r in results]


def test_a_flat_half_beside_a_stronger_emission_is_not_a_noise_plateau(
    steps: tuple[Detector, list[StepResult]],
) -> None:
    """Sideband halves reach +-4.5 kHz: a noise jammer next door shows flat in the near half of
    a channel whose own data signal fills the other half; that is no plateau of this channel."""
    det, results = steps
    features = results[3].features
    assert features is not None
    ch = int(np.flatnonzero(det.plan.frequencies_hz == 6_040_000)[0])  # empty in the scene
    plain = {"carrier_db": 0.0, "carrier_excess_db": 0.0, "carrier_peak_db": 0.0, "lines": 0}
    plain |= {"cp_score": 0.0, "periodicity": 0.0, "jitter_db": 0.5, "snr_db": 15.0}
    plain |= {"flatness_low": 0.2, "flatness_high": 1.0, "symmetry": 0.0}
    assert (
        _rule_of(
            _edited(features, ch, plateau_low_db=7.0, plateau_high_db=5.0, **plain), det, 6_040_000
        )
        == "noise"
    )
    assert (
        _rule_of(
            _edited(features, ch, plateau_low_db=20.0, plateau_high_db=5.0, **plain), det, 6_040_000
        )
        != "noise"
    )
