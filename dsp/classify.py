"""Explainable rules from channel features to a state, a jammer type and a confidence.

The rules follow domain.md 4.11 and are tried in the order of :data:`RULES`; the first that
matches decides. Each rule names the features it used, so ``analyze --explain`` can print why.
A carrier on the raster does not make a channel clean (most jammers are AM transmitters): what
decides is the sideband (flat, stationary plateau = noise jamming), the fine carrier count
(co-channel programme jamming), the ridge (sweep), the envelope and comb lines (pulse, tone), and
the DRM cyclic prefix (flat but not jamming).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dsp.drm import CP_DETECT_SCORE
from dsp.features import CARRIER_MIN_DB, CARRIER_PEAK_DB, ChannelFeatures
from dsp.vocabulary import CHANNEL_RASTER_HZ, JAMMER_TYPES, STATES, JammerType, State

OCCUPIED_DB = 3.0
"""Channel power over the floor from which a channel is not empty (ITU-R SM.1880: 3-5 dB)."""

PLATEAU_DB = 3.0
"""Sideband median over the floor from which a flat sideband is a noise jamming plateau."""

FLAT_MIN = 0.8
"""Flatness (over its white-noise null) of a noise plateau; speech sidebands are far lower."""

HALF_MARGIN_DB = 6.0
"""A flat sideband half counts as a noise plateau only when the other half is not this much
stronger: the halves reach +-4.5 kHz, so the edge of a noise jammer next door shows flat in the
near half of a channel whose own, stronger emission (a data signal, round-4 tune: 12-25 dB
against 4-6 dB) fills the other half."""

FAINT_PLATEAU_DB = 0.5
FAINT_FLAT_MIN = 0.95
FAINT_SK_MAX = 1.5
"""A weak noise jammer (10-15 dB over the noise, most of it carrier) raises both sideband
halves only 0.5-3 dB, but as white noise does: flatness near its null in both halves and a
Gaussian SK. Programme audio that weak is coloured (round-2 tune: 0.96-1.0 for jammers at
-82 and -86 dBm)."""

TONE_SHARE_MIN = 0.6
TONE_PEAK_DB = 10.0
TONE_STATIONARITY_MIN = 0.95
"""A tone puts most of the sideband power into a few bins standing well over the floor, and
its spectrum repeats from step to step (speech and music do not)."""

TONE_SIDEBAND_MAX_DB = 1.0
"""A tone jammer's sidebands between its lines sit at the floor (median 0.3 dB over it at most
in the tune scenes, warbled and fading tones included); the held note of a slow-fading music
broadcast that holds as much of the sideband power sits on the rest of its audio (0.25-8.5 dB,
median 1.8 dB: round-9 tune, clean AM under F.1487 LQ). A tone over a programme is `held`."""

HELD_LINES_MIN = 2
HELD_SK_MAX = 3.0
HELD_SHARE_MIN = 0.7
"""A tone over a programme: the pair of steady lines that AM puts at +-f_tone is found again
(within a bin) in each of the two previous steps, holding most of the sideband power despite
the programme (share 0.72-0.98, SK 1.2-3.0 in the round-9 tune scene `49 m tones over
broadcasts`). Music holds a note's lines that long and that strongly only now and then (4 of
3436 clean-carrier steps have two such lines; their SK is 5.5-7.8 or their share 0.63)."""

TONE_SK_MAX = 1.5
"""A tone's sideband lines are steady (spectral kurtosis near 1 or below: 0.83-1.31 for the tone
jammers of the tune scenes); speech under a 10 Hz Doppler spread can put as much of its
sideband power, as steadily, into the carrier's skirt, but with SK 1.1-6 (median 2.8)."""

CARRIER_STEPS = 3
"""Steps (this one and the ones before) in which a co-channel carrier must be found on the same
frequency: programme jammers keep their offsets for minutes, while the maxima of a
Doppler-spread carrier (F.1487 LD/MD/HM: 1-30 Hz spread) recur by chance in two steps now and
then, rarely in three. Two were tried in rounds 5-6 (a programme window found a step sooner):
tune F1 0.969 against 0.963, but false jammed on AM 0.9 % against 0.5 % (speech under 1 and 10 Hz
Doppler spread read as programme jamming, and its neighbours as spill): too close to the 1 %
bar."""

PROGRAM_CARRIERS_MAX = 5
"""A programme jammer adds 1-3 carriers to its target's (tune scenes: 2-5 fine maxima in 95 %
of its steps); more maxima than this are the speckle of a Doppler-spread carrier (6-21 where
two recurred by chance)."""

KEYED_STEADY_MIN = 3
"""Steady fine lines (of the :attr:`~dsp.features.ChannelFeatures.persistent_carriers`) that,
among more maxima than a programme jammer makes, are the line comb of a carrier keyed a few
tens of times a second (lines at multiples of its rate, e.g. 10 Hz apart): 3-4 of 6-17 maxima
recur in the round-8 tune scenes, and two of the same 3330 steps of clean carriers."""

TONE_LINE_SHARE_MIN = 0.9
TONE_LINE_STATIONARITY_MIN = 0.8
"""A weak tone leaves the noise between its lines to decorrelate the sideband spectrum; it still
counts when a steady line (SK < 0.6) holds this share of the sideband power and the spectrum
repeats this well (a broadcast's audio never puts 90 % of its power in steady lines)."""

STEADY_MIN = 0.93
STEADY_SK_MAX = 1.5
STEADY_FLAT_MIN = 0.2
"""A broadcast whose sideband spectrum repeats this exactly from step to step, without the
bursts of speech (SK), and spread over the channel (flatness, not a few lines: a time signal
or a strong line next door is steady too), carries a stationary noise plateau under its
programme."""

HISS_SK_MAX = 1.6
HISS_FLAT_MIN = 0.45
"""A broadcast whose sidebands (>= 3 dB over the floor) are as Gaussian as noise (SK) and
spread over the channel (flatness) carries a noise jammer even where fading keeps its spectrum
from repeating (round-8 tune: a 10 kHz jammer under MM fading, SK 1.1-1.5 and flatness
0.45-0.65; clean AM with SK <= 2 never reaches flatness 0.41 in the tune scenes)."""

STRADDLE_FLAT_MIN = 0.6
"""Flatness of both sideband halves of a broadcast that sits under a noise plateau wider than
the channel: the programme colours it (round-1 eval: 0.68-0.78 with speech under a 14 kHz
jammer at +5 to +12 dB J/S) but far less than speech alone (< 0.5)."""

COMB_LINES_MIN = 2
COMB_STATIONARITY_MIN = 0.85
"""A pulse train too fast to change the frame power shows as steady lines at multiples of its
rate around a line at the raster that is not a clean peak (its neighbours are comb lines)."""

DENSE_COMB_SK_MAX = 1.0
DENSE_COMB_FLAT_MIN = 0.5
DENSE_COMB_STATIONARITY_MIN = 0.9
"""Keyed at 250-400 Hz, a train's comb lines sit 2-3 bins apart and merge: no line stands
clear, but the sidebands are steady (SK <= 1: 0.7-0.9 measured in the round-6 tune scenes),
spread over the channel (flatness 0.7-0.8 over its null) and repeat (stationarity 0.93-0.98).
A keyed time-signal carrier is as steady, but its sidebands are no plateau (flatness 0.0 for
the real recording of ../shared/iq), nor is a broadcast's programme steady."""

NOISE_MIN_DB = 4.5
"""Channel power over the floor that a noise plateau needs to count as jamming: the truth of
the simulator counts 3 dB of the jammer alone (4.8 dB of jammer plus noise), and a plateau
spread over the channel reads a little low against a floor fitted beside it."""

SPILL_MIN_DB = float(10 * np.log10(3.0))
"""Channel power over the floor that a neighbour's spill needs to count as jamming here: the
jammer alone 3 dB over the noise (the simulator's truth), i.e. jammer plus noise 3x the floor.
Spill from a programme or tone jammer shares the channel with its target's sidebands, so less
than that is not evidence of the jammer."""

PULSE_MIN_DB = SPILL_MIN_DB
"""Channel power over the floor a keyed emission needs to count as jamming here: the keying
sidebands of a pulse train reach several kHz into the next channel, where their steady
periodicity shows even when they are under the truth's margin (round-5 tune: a 100 Hz train's
neighbour called jammed for 14 s; pulse jammers in their own channels read 6.9 dB and more)."""

SPILL_SYMMETRY_MIN = 0.8
"""Energy this one-sided, without a carrier, comes from the neighbour on that side."""

SKIRT_MIN_DB = 3.0
"""Both skirts of a broadcast (4.6-5.4 kHz from its carrier, where its 4.5 kHz audio leaves only
the floor) this far over the floor hold a noise emission wider than the channel: the truth's
margin, the jammer alone 3 dB over the noise (round-5 tune: 3.5-15 dB for noise jammers 10-14 kHz
wide 0-5 dB under a broadcast, under 1 dB for clean AM but for single steps)."""

SKIRT_BELOW_DB = 10.0
"""...and within this of the broadcast's sideband median: a strong station's own splatter fills
its skirts too, but 13-21 dB under its sidebands (round-5 tune: -45 and -48 dBm stations), while
a noise jammer's skirts sit 0-9 dB under the sidebands it shares."""

SWEEP_CORR_MIN = 0.8
SWEEP_RATE_MIN_HZ_S = 300.0
SWEEP_SPAN_MIN_HZ = 1000.0
"""A ridge that moves steadily across at least 1 kHz: a programme carrier drifts < 10 Hz."""

SWEEP_DWELL_MIN_S = 0.2
"""A ridge must take this long to cover its span (span >= 0.2 s x rate): a sweep crosses a
9 kHz channel in 0.45 s even at 20 kHz/s, while a peak of fading speech can fall 3 kHz in
0.14 s (22 kHz/s, round-6 tune: `13 m crowded, fading`)."""

SWEEP_JUMP_MAX = 0.5
"""Largest step of the ridge between consecutive frames, as a share of its span: a swept carrier
moves by its rate times a frame; a peak jumping once between two emissions (a data burst ending
beside a jammer, round-4 tune: corr 0.86-0.97) covers its whole span in one step."""

PULSE_JITTER_DB = 3.0
"""Median frame-to-frame power change of keyed emissions; noise gives < 1 dB and rare impulses
do not move a median, but a carrier under 10-30 Hz Doppler spread (F.1487 HM/HD) reaches it."""

PULSE_WEAK_JITTER_DB = 2.0
"""Jitter enough for a pulse train at a steady rate where no two steady co-channel carriers
are seen (a 50 %-duty train keyed at 25 Hz gives 2.5 dB; noise and steady carriers under 1 dB):
two carriers a few tens of Hz apart beat at a steady rate too, and that is programme jamming."""

PULSE_PERIODICITY_MIN = 0.3
"""Share of the frame-power fluctuation in one spectral line (the keying rate, or its alias
at the frame rate) that makes the jitter a pulse train: measured 0.36-0.91 for pulse jammers
at 25-300 Hz, under 0.22 for fading broadcasts, about 0.1 for a random sequence."""


@dataclass(frozen=True, slots=True)
class Verdicts:
    """Decisions for every channel of one step (each attribute has shape ``(C,)``).

    Attributes
    ----------
    state
        Index into :data:`dsp.vocabulary.STATES`.
    jammer
        Index into :data:`dsp.vocabulary.JAMMER_TYPES`, or -1 when not jammed.
    confidence
        Belief in the decision, 0.5..1 (0.5 = at a threshold).
    rule
        Index into :data:`RULES` of the rule that decided.
    lookback
        Steps before this one that the deciding evidence covers too (:attr:`Rule.lookback`; a
        ``spill`` takes its source's): where a jamming window may start earlier.
    """

    state: npt.NDArray[np.int8]
    jammer: npt.NDArray[np.int8]
    confidence: npt.NDArray[np.float64]
    rule: npt.NDArray[np.int8]
    lookback: npt.NDArray[np.int8]

    def describe(self, index: int) -> tuple[State, JammerType | None, str]:
        """State, jammer type and the decisive rule's text for one channel."""
        j = int(self.jammer[index])
        rule = RULES[int(self.rule[index])]
        return STATES[int(self.state[index])], (JAMMER_TYPES[j] if j >= 0 else None), rule.text

    @classmethod
    def unknown(cls, channels: int) -> Verdicts:
        """All channels ``unknown`` (a step taken while the receiver was faulty)."""
        return cls(
            state=np.full(channels, STATES.index("unknown"), dtype=np.int8),
            jammer=np.full(channels, -1, dtype=np.int8),
            confidence=np.ones(channels),
            rule=np.full(channels, len(RULES) - 1, dtype=np.int8),
            lookback=np.zeros(channels, dtype=np.int8),
        )


@dataclass(frozen=True, slots=True)
class Rule:
    """One decision rule: its name, its outcome and a sentence for ``--explain``."""

    name: str
    state: State
    jammer: JammerType | None
    text: str
    lookback: int = 0
    """Steps before this one that the rule's evidence covers too (it compared this step with
    them: persistent carriers, a repeating spectrum): the tracker may start a jamming window
    that much earlier (:func:`dsp.tracker.onset_lookback`)."""


RULES: tuple[Rule, ...] = (
    Rule(
        "drm",
        "signal",
        None,
        f"DRM cyclic prefix found ({CP_DETECT_SCORE} <= cp_score <= 1, steady envelope)",
    ),
    Rule(
        "sweep",
        "jammed",
        "sweep",
        f"a peak moving >= {SWEEP_RATE_MIN_HZ_S:.0f} Hz/s over >= {SWEEP_SPAN_MIN_HZ:.0f} Hz "
        f"(|corr| >= {SWEEP_CORR_MIN}), or one seen within 1.3 sweep periods",
    ),
    Rule("empty", "empty", None, f"power < {OCCUPIED_DB} dB over floor, no carrier, no lines"),
    Rule(
        "pulse",
        "jammed",
        "pulse",
        f"power >= {PULSE_MIN_DB:.1f} dB and a keyed envelope at a steady rate (periodicity >= "
        f"{PULSE_PERIODICITY_MIN}, frame-to-frame "
        f"jitter >= {PULSE_JITTER_DB} dB, or >= {PULSE_WEAK_JITTER_DB} dB without two steady "
        "co-channel carriers beating)",
    ),
    Rule(
        "noise",
        "jammed",
        "noise",
        f"power >= {NOISE_MIN_DB} dB and a flat plateau >= {PLATEAU_DB} dB over floor in either "
        f"sideband half (flatness >= {FLAT_MIN}, the other half not {HALF_MARGIN_DB} dB "
        "stronger) and no DRM prefix",
    ),
    Rule(
        "faint",
        "jammed",
        "noise",
        f"power >= {NOISE_MIN_DB} dB with a carrier and both sideband halves >= "
        f"{FAINT_PLATEAU_DB} dB over floor, white (flatness >= {FAINT_FLAT_MIN}, SK <= "
        f"{FAINT_SK_MAX}): a weak noise jammer",
    ),
    Rule(
        "program",
        "jammed",
        "program",
        f"two to {PROGRAM_CARRIERS_MAX} co-channel carriers within 20 dB, two of them on the "
        f"same frequencies in each of the {CARRIER_STEPS - 1} previous steps",
        lookback=CARRIER_STEPS - 1,
    ),
    Rule(
        "keyed",
        "jammed",
        "pulse",
        f"more than {PROGRAM_CARRIERS_MAX} fine lines around the raster, {KEYED_STEADY_MIN} or "
        f"more of them on the same frequencies in each of the {CARRIER_STEPS - 1} previous "
        "steps: the line comb of a carrier keyed at a low rate",
        lookback=CARRIER_STEPS - 1,
    ),
    Rule(
        "tone",
        "jammed",
        "tone",
        f"carrier whose sideband power sits in a few steady bins over a floor-level sideband "
        f"(median <= {TONE_SIDEBAND_MAX_DB} dB, share >= {TONE_SHARE_MIN}, "
        f"peak >= {TONE_PEAK_DB} dB, SK <= {TONE_SK_MAX}) and repeats "
        f"(stationarity >= {TONE_STATIONARITY_MIN}, or "
        f">= {TONE_LINE_STATIONARITY_MIN} with a steady line and share >= {TONE_LINE_SHARE_MIN})",
        lookback=1,
    ),
    Rule(
        "held",
        "jammed",
        "tone",
        f"a carrier with >= {HELD_LINES_MIN} steady sideband lines found again in each of the "
        f"{CARRIER_STEPS - 1} previous steps, holding >= {HELD_SHARE_MIN} of the sideband power "
        f"(a sideband bin >= {TONE_PEAK_DB} dB, SK <= {HELD_SK_MAX}): a tone jammer over a "
        "programme",
        lookback=CARRIER_STEPS - 1,
    ),
    Rule(
        "steady",
        "jammed",
        "noise",
        f"a line at the raster, sidebands >= {PLATEAU_DB} dB over floor that repeat step to step "
        f"(stationarity >= {STEADY_MIN}, SK <= {STEADY_SK_MAX}, flatness >= {STEADY_FLAT_MIN}): "
        "noise under a programme",
    ),
    Rule(
        "hiss",
        "jammed",
        "noise",
        f"a line at the raster, sidebands >= {PLATEAU_DB} dB over floor, as Gaussian as noise "
        f"(SK <= {HISS_SK_MAX}) and spread over the channel (flatness >= {HISS_FLAT_MIN}): "
        "noise under a fading programme",
    ),
    Rule(
        "comb",
        "jammed",
        "pulse",
        f"a line at the raster among >= {COMB_LINES_MIN} steady lines that repeat step to step "
        f"(stationarity >= {COMB_STATIONARITY_MIN}): the spectrum of a fast keyed carrier",
    ),
    Rule(
        "dense",
        "jammed",
        "pulse",
        f"a line at the raster that is not a clean peak, power >= {PULSE_MIN_DB:.1f} dB, "
        f"steady sidebands spread over the channel (SK <= {DENSE_COMB_SK_MAX}, flatness >= "
        f"{DENSE_COMB_FLAT_MIN}) that repeat (stationarity >= {DENSE_COMB_STATIONARITY_MIN}): "
        "the merged comb of a carrier keyed at hundreds of Hz",
        lookback=1,
    ),
    Rule(
        "wide",
        "jammed",
        "noise",
        f"a carrier with both skirts (4.6-5.4 kHz out, past its audio) >= {SKIRT_MIN_DB} dB over "
        f"floor and within {SKIRT_BELOW_DB} dB of its sideband median, and no carrier on either "
        "neighbour: a noise jammer wider than the channel sits on a broadcast",
    ),
    Rule("broadcast", "signal", None, "a single carrier with programme-like sidebands"),
    Rule("occupied", "signal", None, f"power >= {OCCUPIED_DB} dB over floor, not jamming-like"),
    Rule(
        "spill",
        "jammed",
        None,
        f"one-sided energy (|symmetry| >= {SPILL_SYMMETRY_MIN}, no carrier, power >= "
        f"{SPILL_MIN_DB:.1f} dB) next to a jammed "
        "channel on that side: the jammer reaches into this channel",
    ),
    Rule(
        "straddle",
        "jammed",
        "noise",
        f"a broadcast or occupied channel between two channels jammed by noise, with plateaus >= "
        f"{PLATEAU_DB} dB on both sides of its carrier (flatness >= {STRADDLE_FLAT_MIN}): a noise "
        "jammer wider than the channel sits on it",
    ),
    Rule("unobserved", "unknown", None, "receiver fault or no data in this step"),
)


def ridge_moving(features: ChannelFeatures) -> npt.NDArray[np.bool_]:
    """Channels holding a ridge that moves steadily at a sweep's rate, however short."""
    f = features
    return np.asarray(
        (np.abs(f.sweep_corr) >= SWEEP_CORR_MIN)
        & (np.abs(f.sweep_rate_hz_s) >= SWEEP_RATE_MIN_HZ_S)
        & (f.sweep_jump_hz <= SWEEP_JUMP_MAX * f.sweep_span_hz)
    )


def ridge_seen(features: ChannelFeatures) -> npt.NDArray[np.bool_]:
    """Channels crossed in this step by a ridge moving steadily over at least 1 kHz."""
    f = features
    return np.asarray(
        ridge_moving(f)
        & (f.sweep_span_hz >= SWEEP_SPAN_MIN_HZ)
        & (f.sweep_span_hz >= SWEEP_DWELL_MIN_S * np.abs(f.sweep_rate_hz_s))
    )


def has_carrier(features: ChannelFeatures) -> npt.NDArray[np.bool_]:
    """Channels with a line at the raster standing 10 dB over the floor and the sidebands, and
    6 dB over the bins 3-4 either side."""
    return np.asarray(
        (features.carrier_db >= CARRIER_MIN_DB)
        & (features.carrier_excess_db >= CARRIER_MIN_DB)
        & (features.carrier_peak_db >= CARRIER_PEAK_DB)
    )


def drm_candidates(features: ChannelFeatures, floor_observable: bool) -> npt.NDArray[np.bool_]:
    """Channels the cyclic-prefix test must look at: occupied and without a carrier.

    Where the usable span is too narrow to see the noise floor beside a channel (a 12 kS/s
    single-channel recording), every carrier-less channel is tested.
    """
    occupied = features.snr_db >= OCCUPIED_DB if floor_observable else True
    return np.asarray(occupied & ~has_carrier(features))


def classify(
    features: ChannelFeatures, frequencies_hz: npt.NDArray[np.int64] | None = None
) -> Verdicts:
    """Apply :data:`RULES` to every channel; the first rule that matches decides.

    With ``frequencies_hz`` (the plan's channels), a channel decided only as ``occupied`` whose
    energy is one-sided towards a jammed neighbour 5 kHz away becomes ``jammed`` by ``spill``,
    with the neighbour's jammer type.
    """
    f = features
    carrier = has_carrier(f)
    occupied = (f.snr_db >= OCCUPIED_DB) | carrier | (f.lines > 0)
    cp = np.nan_to_num(f.cp_score, nan=0.0)
    stationarity = np.nan_to_num(f.stationarity, nan=0.0)
    skirt = np.nan_to_num(f.skirt_db, nan=-np.inf)
    matches = {
        "drm": (
            (cp >= CP_DETECT_SCORE) & (cp <= 1.0) & (f.jitter_db < PULSE_JITTER_DB),
            (cp - CP_DETECT_SCORE) / CP_DETECT_SCORE,
        ),
        "sweep": (
            ridge_seen(f) | (f.sweep_age_s <= f.sweep_hold_s),
            np.where(ridge_seen(f), 1.0, 1.0 - f.sweep_age_s / np.maximum(f.sweep_hold_s, 1e-9)),
        ),
        "empty": (~occupied, (OCCUPIED_DB - f.snr_db) / OCCUPIED_DB),
        "pulse": (
            (f.snr_db >= PULSE_MIN_DB)
            & (f.periodicity >= PULSE_PERIODICITY_MIN)
            & (
                (f.jitter_db >= PULSE_JITTER_DB)
                | ((f.jitter_db >= PULSE_WEAK_JITTER_DB) & (f.persistent_carriers < 2))
            ),
            np.minimum(
                f.jitter_db / PULSE_WEAK_JITTER_DB - 1,
                (f.periodicity - PULSE_PERIODICITY_MIN) / (1 - PULSE_PERIODICITY_MIN),
            ),
        ),
        "program": (
            (f.carriers >= 2) & (f.carriers <= PROGRAM_CARRIERS_MAX) & (f.persistent_carriers >= 2),
            (f.persistent_carriers - 1) / 2,
        ),
        "keyed": (
            (f.carriers > PROGRAM_CARRIERS_MAX) & (f.persistent_carriers >= KEYED_STEADY_MIN),
            (f.persistent_carriers - KEYED_STEADY_MIN + 1) / 2,
        ),
        "noise": (
            (f.snr_db >= NOISE_MIN_DB)
            & (
                (
                    (f.plateau_low_db >= PLATEAU_DB)
                    & (f.flatness_low >= FLAT_MIN)
                    & (f.plateau_low_db >= f.plateau_high_db - HALF_MARGIN_DB)
                )
                | (
                    (f.plateau_high_db >= PLATEAU_DB)
                    & (f.flatness_high >= FLAT_MIN)
                    & (f.plateau_high_db >= f.plateau_low_db - HALF_MARGIN_DB)
                )
            ),
            np.minimum(
                (np.maximum(f.plateau_low_db, f.plateau_high_db) - PLATEAU_DB) / PLATEAU_DB,
                (np.maximum(f.flatness_low, f.flatness_high) - FLAT_MIN) / (1 - FLAT_MIN),
            ),
        ),
        "faint": (
            carrier
            & (f.snr_db >= NOISE_MIN_DB)
            & (np.minimum(f.plateau_low_db, f.plateau_high_db) >= FAINT_PLATEAU_DB)
            & (np.minimum(f.flatness_low, f.flatness_high) >= FAINT_FLAT_MIN)
            & (f.sk <= FAINT_SK_MAX),
            (np.minimum(f.flatness_low, f.flatness_high) - FAINT_FLAT_MIN) / (1 - FAINT_FLAT_MIN),
        ),
        "tone": (
            carrier
            & (f.sideband_db <= TONE_SIDEBAND_MAX_DB)
            & (f.line_share >= TONE_SHARE_MIN)
            & (f.sideband_peak_db >= TONE_PEAK_DB)
            & (f.sk <= TONE_SK_MAX)
            & (
                (stationarity >= TONE_STATIONARITY_MIN)
                | (
                    (f.lines >= 1)
                    & (f.line_share >= TONE_LINE_SHARE_MIN)
                    & (stationarity >= TONE_LINE_STATIONARITY_MIN)
                )
            ),
            (f.line_share - TONE_SHARE_MIN) / (1 - TONE_SHARE_MIN),
        ),
        "held": (
            carrier
            & (f.persistent_lines >= HELD_LINES_MIN)
            & (f.line_share >= HELD_SHARE_MIN)
            & (f.sideband_peak_db >= TONE_PEAK_DB)
            & (f.sk <= HELD_SK_MAX),
            (f.line_share - HELD_SHARE_MIN) / (1 - HELD_SHARE_MIN),
        ),
        "steady": (
            (f.carrier_db >= CARRIER_MIN_DB)
            & (f.sideband_db >= PLATEAU_DB)
            & (stationarity >= STEADY_MIN)
            & (f.sk <= STEADY_SK_MAX)
            & (f.flatness >= STEADY_FLAT_MIN),
            (stationarity - STEADY_MIN) / (1 - STEADY_MIN),
        ),
        "hiss": (
            (f.carrier_db >= CARRIER_MIN_DB)
            & (f.sideband_db >= PLATEAU_DB)
            & (f.sk <= HISS_SK_MAX)
            & (f.flatness >= HISS_FLAT_MIN),
            (f.flatness - HISS_FLAT_MIN) / (1 - HISS_FLAT_MIN),
        ),
        "comb": (
            ~carrier
            & (f.carrier_db >= CARRIER_MIN_DB)
            & (f.lines >= COMB_LINES_MIN)
            & (stationarity >= COMB_STATIONARITY_MIN),
            (f.carrier_db - CARRIER_MIN_DB) / 20,
        ),
        "dense": (
            (f.carrier_db >= CARRIER_MIN_DB)
            & (f.snr_db >= PULSE_MIN_DB)
            & (f.sk <= DENSE_COMB_SK_MAX)
            & (f.flatness >= DENSE_COMB_FLAT_MIN)
            & (stationarity >= DENSE_COMB_STATIONARITY_MIN),
            (stationarity - DENSE_COMB_STATIONARITY_MIN) / (1 - DENSE_COMB_STATIONARITY_MIN),
        ),
        "wide": (
            carrier & (skirt >= SKIRT_MIN_DB) & (skirt >= f.sideband_db - SKIRT_BELOW_DB),
            (skirt - SKIRT_MIN_DB) / SKIRT_MIN_DB,
        ),
        "broadcast": (carrier, (f.carrier_db - CARRIER_MIN_DB) / 20),
        "occupied": (occupied, (f.snr_db - OCCUPIED_DB) / OCCUPIED_DB),
    }
    channels = f.snr_db.shape[0]
    rule = np.full(channels, -1, dtype=np.int8)
    margin = np.zeros(channels)
    for index, candidate in enumerate(RULES[:-3]):
        hit, how_far = matches[candidate.name]
        take = (rule < 0) & hit
        rule[take] = index
        margin[take] = how_far[take]
    state_of = np.array([STATES.index(r.state) for r in RULES], dtype=np.int8)
    jammer_of = np.array(
        [JAMMER_TYPES.index(r.jammer) if r.jammer else -1 for r in RULES], dtype=np.int8
    )
    confidence = 0.5 + 0.5 * np.clip(np.nan_to_num(margin, nan=0.0), 0.0, 1.0)
    state, jammer = state_of[rule], jammer_of[rule]
    lookback = np.array([r.lookback for r in RULES], dtype=np.int8)[rule]
    if frequencies_hz is not None and frequencies_hz.size > 1:
        _spill(f, frequencies_hz, rule, state, jammer, confidence, lookback)
        _straddle(f, frequencies_hz, rule, state, jammer, confidence)
    return Verdicts(state=state, jammer=jammer, confidence=confidence, rule=rule, lookback=lookback)


def _spill(
    f: ChannelFeatures,
    frequencies_hz: npt.NDArray[np.int64],
    rule: npt.NDArray[np.int8],
    state: npt.NDArray[np.int8],
    jammer: npt.NDArray[np.int8],
    confidence: npt.NDArray[np.float64],
    lookback: npt.NDArray[np.int8],
) -> None:
    """Turn ``occupied`` channels fed from one side by a jammed neighbour into ``spill``.

    Passes repeat while they turn channels: a strong jammer wider than the raster reaches
    through a spill channel into the next one (round-8 tune: 0.5 kHz of a -58 dBm, 12 kHz wide
    jammer 3 dB over the noise two channels away).
    """
    names = [r.name for r in RULES]
    lower = np.r_[-1, np.arange(frequencies_hz.size - 1)]
    upper = np.r_[np.arange(1, frequencies_hz.size), -1]
    step = np.diff(frequencies_hz, prepend=frequencies_hz[0] - 1)
    has_lower = (lower >= 0) & (step == CHANNEL_RASTER_HZ)
    has_upper = (upper >= 0) & (np.r_[step[1:], 0] == CHANNEL_RASTER_HZ)
    source = np.where(f.symmetry >= SPILL_SYMMETRY_MIN, np.where(has_lower, lower, -1), -1)
    source = np.where(f.symmetry <= -SPILL_SYMMETRY_MIN, np.where(has_upper, upper, -1), source)
    candidate = (source >= 0) & (f.snr_db >= SPILL_MIN_DB)
    source = np.maximum(source, 0)
    while True:
        take = candidate & (rule == names.index("occupied"))
        take &= state[source] == STATES.index("jammed")
        if not take.any():
            return
        rule[take] = names.index("spill")
        state[take] = STATES.index("jammed")
        jammer[take] = jammer[source[take]]
        lookback[take] = lookback[source[take]]
        confidence[take] = 0.5 + 0.5 * (np.abs(f.symmetry[take]) - SPILL_SYMMETRY_MIN) / (
            1 - SPILL_SYMMETRY_MIN
        )


def _straddle(
    f: ChannelFeatures,
    frequencies_hz: npt.NDArray[np.int64],
    rule: npt.NDArray[np.int8],
    state: npt.NDArray[np.int8],
    jammer: npt.NDArray[np.int8],
    confidence: npt.NDArray[np.float64],
) -> None:
    """Turn broadcasts under a noise plateau that also fills both neighbours into ``straddle``.

    An AM broadcast ends at +-4.5 kHz; a noise jammer 10-20 kHz wide centred on it jams both
    raster neighbours too, so a broadcast judged between two noise-jammed channels, whose own
    sidebands are a flat plateau on both sides, carries that jammer.
    """
    names = [r.name for r in RULES]
    noise = (state == STATES.index("jammed")) & (jammer == JAMMER_TYPES.index("noise"))
    n = frequencies_hz.size
    contiguous = np.diff(frequencies_hz) == CHANNEL_RASTER_HZ
    both = np.zeros(n, dtype=bool)
    both[1:-1] = contiguous[:-1] & contiguous[1:] & noise[:-2] & noise[2:]
    plateau = (
        (f.plateau_low_db >= PLATEAU_DB)
        & (f.plateau_high_db >= PLATEAU_DB)
        & (f.flatness_low >= STRADDLE_FLAT_MIN)
        & (f.flatness_high >= STRADDLE_FLAT_MIN)
    )
    decided = (rule == names.index("broadcast")) | (rule == names.index("occupied"))
    take = decided & both & plateau
    rule[take] = names.index("straddle")
    state[take] = STATES.index("jammed")
    jammer[take] = JAMMER_TYPES.index("noise")
    lowest = np.minimum(f.flatness_low, f.flatness_high)[take]
    confidence[take] = 0.5 + 0.5 * np.clip(
        (lowest - STRADDLE_FLAT_MIN) / (1 - STRADDLE_FLAT_MIN), 0.0, 1.0
    )
