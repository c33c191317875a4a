"""Readers' questions about the piriformis, answered from the model (pure numpy, stdlib).

Every number in an answer is computed when the answer is built: from the model
(lengths, moment arms, switch angles) or read from a data file (literature
ranges, nerve-variant prevalence). None is typed into the prose, so a change to a
model file changes the answers. ``Answer.numbers`` holds each number under a name,
with ``Answer.units``; the text shows the same values, rounded.

Finding a question: :func:`find_question` scores free text against every question
(phrase and synonym normalisation, a light stemmer, then IDF-weighted token overlap
with each question's wordings), stdlib only. Questions about treatment, diagnosis,
medication or symptoms are recognised as out of scope and get an honest answer: an
anatomy model cannot settle them, here is what it can show, see a clinician.

Main entry points
-----------------
ask(text, model=None) -> Answer                the best answer for free text
find_question(text) -> Match                   which question, and how sure
answer(question_id, model=None) -> Answer      one question's answer
QUESTIONS                                      the question bank
answer_markdown(answer, figure_file=None) -> str
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .mechanics import curves
from .model import DATA_DIR, DEFAULT_MODEL_ID, Model, ModelDataError, available_model_ids, load_model
from .stretch import (
    find_pose,
    figure4_steps,
    length_change,
    longest_length,
    pose_table,
)
from .switch import sign_change_angles

__all__ = [
    "FIGURE_KINDS",
    "FigureSpec",
    "Answer",
    "Question",
    "Match",
    "QUESTIONS",
    "OUT_OF_SCOPE_ID",
    "NO_MATCH_ID",
    "question_ids",
    "answer",
    "find_question",
    "ask",
    "answer_markdown",
    "number_label",
    "nerve_variant_summary",
]

FIGURE_KINDS = (
    "moment_arm_curve",  # rotation (and adduction) moment arm against flexion, one or more models/muscles
    "length_map",        # length change over flexion x rotation with the switch line and poses
    "figure4_steps",     # the figure-4 explainer, step by step
    "poses_bar",         # length change at the named poses
    "switch_context",    # the switch angle: models beside the literature
    "nerve_variants",    # sciatic nerve variant prevalence
    "anatomy",           # the hip at a pose, with the lever drawn
    "none",
)
OUT_OF_SCOPE_ID = "out_of_scope"
NO_MATCH_ID = "no_match"
SWITCH_LITERATURE_FILE = DATA_DIR / "switch_literature.json"
SCIATIC_VARIANTS_FILE = DATA_DIR / "sciatic_variants.json"
FLEX_RANGE = (0.0, 120.0)  # the flexion range every answer talks about
FLEXED = 90.0               # "hip bent to a right angle", the reference flexed pose
BOX = ((0.0, 120.0), (-30.0, 30.0), (-45.0, 45.0))  # the usual joint-range box for "most stretch"
GRID = np.linspace(FLEX_RANGE[0], FLEX_RANGE[1], 241)
# "how the rest of the pose moves the switch": thigh turned out, knee out to the side / across
CONTEXT_ROTATION = -30.0
CONTEXT_ADDUCTION = 20.0
TURN = 30.0           # the thigh turned in or out by this much in the which-way answer
FIG4 = (100.0, -45.0)  # figure-4 flexion and rotation used in the knee-across answer


@dataclass(frozen=True)
class FigureSpec:
    """Which figure to show with an answer: a kind from FIGURE_KINDS and plain parameters."""

    kind: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """A question's answer for one model.

    Attributes
    ----------
    question_id, question : str
    text : str
        Plain language; paragraphs separated by blank lines.
    numbers : dict[str, float]
        Every number the text uses, as computed (not rounded).
    units : dict[str, str]
    figure : FigureSpec
    sources : tuple of str
        Citations for the model geometry and any literature used.
    model_id, model_name, muscle_id : str
    out_of_scope : bool
        True for questions an anatomy model cannot settle (treatment, diagnosis...).
    confidence : float or None
        How well the asked text matched (set by :func:`ask`), 0..1.
    asked : str or None
        The user's own words, if the answer came from :func:`ask`.
    """

    question_id: str
    question: str
    text: str
    numbers: dict
    units: dict
    figure: FigureSpec
    sources: tuple
    model_id: str
    model_name: str
    muscle_id: str
    out_of_scope: bool = False
    confidence: float | None = None
    asked: str | None = None


class _Numbers:
    """Collects named numbers and formats them for the text."""

    def __init__(self):
        self.values: dict[str, float] = {}
        self.units: dict[str, str] = {}

    def __call__(self, key: str, value, unit: str = "mm", fmt: str = ".1f", sign: bool = False) -> str:
        v = float(value)
        if not math.isfinite(v):
            raise ValueError(f"answer number {key!r} is not finite")
        self.values[key] = v
        self.units[key] = unit
        text = format(v, ("+" if sign else "") + fmt)
        return text


# ---------------------------------------------------------------------------------
# Helpers shared by several answers
# ---------------------------------------------------------------------------------


def _piri(model: Model):
    return model.muscle("piriformis")


def _switch(model: Model, muscle=None, adduction=0.0, rotation=0.0):
    """First external-to-internal switch in the flexion range, or None."""
    mu = muscle or _piri(model)
    found = [s for s in sign_change_angles(model, mu, adduction, rotation, start_deg=-20.0, stop_deg=120.0)
             if s.direction == "external to internal"]
    return found[0].flexion_deg if found else None


def _bundled_models() -> list[Model]:
    out = []
    for mid in available_model_ids():
        try:
            out.append(load_model(mid))
        except (ModelDataError, KeyError):
            continue  # a broken file is reported by 'hipmodel models'; answers use the rest
    return out


def _model_label(m: Model) -> str:
    return m.name + (" (approximate frame alignment)" if m.approximate_frame_alignment else "")


def _switch_literature() -> list[dict]:
    """Literature statements of the switch angle, or [] if the file is absent/broken."""
    try:
        data = json.loads(Path(SWITCH_LITERATURE_FILE).read_text(encoding="utf-8"))
        return [e for e in data["entries"] if isinstance(e, dict) and "label" in e]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def nerve_variant_summary() -> dict | None:
    """Sciatic-nerve variant prevalence from ``data/sciatic_variants.json``, or None.

    Reads the teammates' data file if it is there and has the expected shape
    (``studies`` with ``types`` and ``findings``); otherwise returns None and the
    answers say the data is not available rather than failing.

    Returns
    -------
    dict or None
        ``any_variant``: list of (study label, percent, sample size or None, sample unit);
        ``complete``: the largest study with a full type breakdown, as
        (label, n, {letter: percent}); ``through_letters``: the types where the nerve
        or a division passes through the muscle; ``type_short``: letter -> short text;
        ``sources``: citations used.
    """
    try:
        data = json.loads(Path(SCIATIC_VARIANTS_FILE).read_text(encoding="utf-8"))
        sources = data["sources"]
        types = {t["letter"]: t for t in data["types"]}
        through = sorted(L for L, t in types.items()
                         if "through" in (str(t.get("tibial", "")) + str(t.get("common_fibular", ""))))
        any_variant, complete, cites = [], None, []
        for s in data["studies"]:
            for f in s.get("findings", []):
                if f.get("measure") == "any_variant" and not f.get("subgroup") and "percent" in f:
                    any_variant.append((s["short"], float(f["percent"]), s.get("sample_size"), s.get("sample_unit", "")))
                    cites.append(sources[s["source"]]["citation"])
            if s.get("complete_breakdown") and s.get("sample_size"):
                if complete is None or s["sample_size"] > complete[1]:
                    complete = (s["short"], int(s["sample_size"]),
                                {L: float(v["percent"]) for L, v in s["types"].items()},
                                sources[s["source"]]["citation"])
        if not any_variant or complete is None:
            return None
        if complete[3] not in cites:
            cites.append(complete[3])
        return {
            "any_variant": any_variant,
            "complete": complete[:3],
            "through_letters": through,
            "type_short": {L: t.get("short", "") for L, t in types.items()},
            "sources": cites,
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _pose_words(n: _Numbers, prefix: str, flexion: float, adduction: float, rotation: float) -> str:
    """A computed pose in words, e.g. '120° flexion, 30° adduction, 45° external rotation'; registers the angles."""
    f = n(f"{prefix}_flexion_deg", flexion, "deg", ".0f")
    a = n(f"{prefix}_adduction_deg", adduction, "deg", ".0f").lstrip("-")
    r = n(f"{prefix}_rotation_deg", rotation, "deg", ".0f").lstrip("-")
    add = f"{a}° {'adduction' if adduction >= -0.5 else 'abduction'}"
    rot = "neutral rotation" if abs(rotation) < 0.5 else f"{r}° {'internal' if rotation > 0 else 'external'} rotation"
    return f"{f}° flexion, {add}, {rot}"


# ---------------------------------------------------------------------------------
# The answers. Each builder takes (model, n) and returns (text, figure, sources).
# ---------------------------------------------------------------------------------


def _a_contradiction(model: Model, n: _Numbers):
    mu = _piri(model)
    c = curves(model, mu, GRID)
    r0 = float(c.rotation_moment_arm_mm[0])
    rf = float(curves(model, mu, FLEXED).rotation_moment_arm_mm)
    ab = -c.adduction_moment_arm_mm  # abduction lever, positive = abductor
    s = _switch(model, mu)
    others = [x for x in (_switch(m) for m in _bundled_models()) if x is not None]
    if s is None:
        sw = (f"In the {model.name} geometry its rotation action does not change sign between "
              f"{n('range_lo', FLEX_RANGE[0], 'deg', '.0f')}° and {n('range_hi', FLEX_RANGE[1], 'deg', '.0f')}° of flexion.")
    else:
        sw = (f"As the hip bends, the thigh bone swings forward under the muscle, and at about "
              f"{n('switch_deg', s, 'deg', '.0f')}° of flexion the muscle's line of pull crosses the thigh's long axis. "
              f"From there on the same pull turns the thigh inwards: at {n('flexed_deg', FLEXED, 'deg', '.0f')}° "
              f"of flexion it is an internal rotator with a lever arm of {n('rot_ma_flexed_mm', rf)} mm.")
    allab = bool(np.all(ab > 0))
    text = (
        "Both statements are true, at different hip angles, and they are about two different movements.\n\n"
        f"Rotation first. In the {model.name} geometry the piriformis turns the thigh outwards when you stand "
        f"(external rotator, lever arm {n('rot_ma_standing_mm', abs(r0))} mm). {sw}\n\n"
        "Abduction is a different movement: the knee moving away from the midline. "
        + (f"The piriformis stays an abductor over the whole {n('range_lo', FLEX_RANGE[0], 'deg', '.0f')}-"
           f"{n('range_hi', FLEX_RANGE[1], 'deg', '.0f')}° range here (lever arm "
           f"{n('abd_ma_min_mm', ab.min())} to {n('abd_ma_max_mm', ab.max())} mm), so with the hip bent it "
           "still pulls against the knee dropping in towards the midline. That part of "
           "'it stops the knee collapsing inward' holds in the flexed hip too."
           if allab else
           f"In this geometry its abduction lever arm changes sign within the range "
           f"({n('abd_ma_min_mm', ab.min())} to {n('abd_ma_max_mm', ab.max())} mm; negative = adductor).")
        + "\n\n"
        "What changes with flexion is the twist. A knee collapsing inward in a squat or landing is the thigh "
        "moving towards the midline and turning inwards. "
        + (f"Below about {n('switch_deg', s, 'deg', '.0f')}° the piriformis resists both; above it, it still "
           "resists the movement towards the midline but its rotation pull no longer opposes the inward turn - it "
           "adds to it. So there is no contradiction: one muscle, two actions, and the rotation one depends on how "
           "far the hip is bent." if s is not None else "")
    )
    if others:
        text += (f"\n\nWhere exactly the switch happens depends on the geometry: the bundled models put it between "
                 f"{n('switch_models_min_deg', min(others), 'deg', '.0f')}° and "
                 f"{n('switch_models_max_deg', max(others), 'deg', '.0f')}° with the rest of the hip in neutral")
        rules = [e for e in _switch_literature() if e.get("kind") == "rule of thumb" and e.get("low") is not None]
        if rules:
            lows = [float(e["low"]) for e in rules]
            text += (f"; clinical rules of thumb range from about {n('lit_rule_min_deg', min(lows), 'deg', '.0f')}° "
                     f"to about {n('lit_rule_max_deg', max(lows), 'deg', '.0f')}°")
        text += "."
    fig = FigureSpec("moment_arm_curve", {"muscles": [mu.id], "show_adduction": True, "current_flexion": FLEXED})
    srcs = tuple(e["source"] for e in _switch_literature() if e.get("kind") == "rule of thumb" and e.get("source"))
    return text, fig, srcs


def _a_beyond_stretches(model: Model, n: _Numbers):
    best = longest_length(model, _piri(model), *BOX)
    text = (
        "That is a question about treatment, and an anatomy model cannot answer it. It knows the geometry of "
        "bones and muscle attachments; it knows nothing about you, your symptoms, what is causing them or what "
        "you have tried, and it has no evidence about which treatments work.\n\n"
        "Please ask someone who can examine you - a physiotherapist, a sports-medicine doctor or your family "
        "doctor. They can look at the whole picture, which a model of bones and muscle lines cannot.\n\n"
        "What this model can show you: which hip positions lengthen the piriformis and by how much (in the "
        f"{model.name} geometry it is longest at {_pose_words(n, 'best', *best.angles)}, "
        f"{n('best_change_mm', best.change_mm, sign=True)} mm against standing), why the figure-4 stretch is done "
        "with the hip deeply bent, and how the sciatic nerve usually runs past the muscle."
    )
    return text, FigureSpec("length_map", {"adduction_deg": 0.0, "pose_ids": ["figure4", "knee_to_opposite_shoulder"]}), ()


def _a_achilles(model: Model, n: _Numbers):
    nerve = nerve_variant_summary()
    text = (
        "Whether two symptoms are related is a diagnosis, and an anatomy model cannot make one. This model has "
        "no Achilles tendon, calf or nerve signals in it, and nothing about an individual person, so it cannot "
        "link or separate the two.\n\n"
        "Please take this to a clinician who can examine you (a physiotherapist or doctor).\n\n"
        "What the model can show is background anatomy: the sciatic nerve leaves the pelvis right next to the "
        "piriformis (usually below it) and goes on to supply the back of the leg and the foot"
    )
    sources = ()
    if nerve:
        label, total, types = nerve["complete"]
        text += (f"; in the largest fully classified dissection series here ({label}, "
                 f"{n('nerve_sample_n', total, 'limbs', '.0f')} limbs) it ran below the muscle in "
                 f"{n('nerve_type_a_pct', types.get('A', 0.0), '%', '.1f')}%.")
        sources = tuple(nerve["sources"])
        fig = FigureSpec("nerve_variants", {})
    else:
        text += ". (The nerve-variant data file is not installed in this copy, so no prevalence figures are shown.)"
        fig = FigureSpec("anatomy", {"flexion": 0.0, "adduction": 0.0, "rotation": 0.0, "muscles": ["piriformis"]})
    return text, fig, sources


def _a_switch_angle(model: Model, n: _Numbers):
    mu = _piri(model)
    s = _switch(model, mu)
    a_abd = _switch(model, mu, -CONTEXT_ADDUCTION, CONTEXT_ROTATION)
    a_add = _switch(model, mu, CONTEXT_ADDUCTION, CONTEXT_ROTATION)
    models = [(m, _switch(m)) for m in _bundled_models()]
    vals = [v for _, v in models if v is not None]
    if s is None:
        first = f"In the {model.name} geometry the piriformis does not switch between 0° and 120° of flexion."
    else:
        first = (f"In the {model.name} geometry, with the thigh neither turned nor moved sideways, the piriformis "
                 f"switches from external to internal rotator at {n('switch_deg', s, 'deg', '.1f')}° of hip flexion.")
    text = first + "\n\n"
    if vals:
        text += (f"The {n('n_models', len(vals), '', '.0f')} bundled geometries put it between {n('switch_models_min_deg', min(vals), 'deg', '.0f')}° "
                 f"and {n('switch_models_max_deg', max(vals), 'deg', '.0f')}°. ")
    if a_abd is not None and a_add is not None:
        text += (f"It also moves with the rest of the pose: with the thigh turned out "
                 f"{n('context_ext_rot_deg', -CONTEXT_ROTATION, 'deg', '.0f')}° and the knee "
                 f"{n('context_add_deg', CONTEXT_ADDUCTION, 'deg', '.0f')}° out to "
                 f"the side it comes at about {n('switch_turned_out_knee_out_deg', a_abd, 'deg', '.0f')}°, with the knee "
                 f"{n('context_add_deg', CONTEXT_ADDUCTION, 'deg', '.0f')}° "
                 f"across instead at about {n('switch_turned_out_knee_across_deg', a_add, 'deg', '.0f')}°. ")
    rules = [float(e["high"] if e.get("high") is not None else e["low"]) for e in _switch_literature()
             if e.get("kind") == "rule of thumb" and e.get("low") is not None]
    if rules:
        text += (f"So the familiar rule of thumb 'about {n('lit_rule_max_deg', max(rules), 'deg', '.0f')}°' is one "
                 "end of a real range, not a fixed point; ")
    else:
        text += "So any single switch angle is one point in a real range; "
    text += "the figure puts the models beside published measurements and rules of thumb."
    srcs = tuple(e["source"] for e in _switch_literature() if e.get("source"))
    return text, FigureSpec("switch_context", {}), srcs


def _a_abductor(model: Model, n: _Numbers):
    mu = _piri(model)
    c = curves(model, mu, GRID)
    ab = -c.adduction_moment_arm_mm
    a0 = float(ab[0])
    af = float(-curves(model, mu, FLEXED).adduction_moment_arm_mm)
    if np.all(ab > 0):
        text = (f"Yes. In the {model.name} geometry the piriformis is an abductor at every angle from "
                f"{n('range_lo', FLEX_RANGE[0], 'deg', '.0f')}° to {n('range_hi', FLEX_RANGE[1], 'deg', '.0f')}° of "
                f"flexion: it pulls the thigh away from the midline. Its abduction lever arm is "
                f"{n('abd_ma_standing_mm', a0)} mm standing and {n('abd_ma_flexed_mm', af)} mm with the hip bent to "
                f"{n('flexed_deg', FLEXED, 'deg', '.0f')}° (smallest {n('abd_ma_min_mm', ab.min())} mm, largest "
                f"{n('abd_ma_max_mm', ab.max())} mm over the range).\n\n")
    else:
        text = (f"Partly. In the {model.name} geometry its abduction lever arm runs from {n('abd_ma_min_mm', ab.min())} "
                f"to {n('abd_ma_max_mm', ab.max())} mm over 0-120° of flexion (negative values mean it adducts there).\n\n")
    text += ("With the hip bent, 'abduction' means the knee moving out to the side, so in a flexed hip this is what "
             "anatomy books call horizontal abduction. It is also why pulling the knee across towards the opposite "
             "shoulder (adduction) stretches the muscle. Unlike its rotation action, this one does not flip.")
    return text, FigureSpec("moment_arm_curve", {"muscles": [mu.id], "show_adduction": True}), ()


def _a_figure4(model: Model, n: _Numbers):
    mu = _piri(model)
    steps = figure4_steps(model, mu)
    s = _switch(model, mu)
    straight = float(length_change(model, mu, 0.0, 0.0, steps[2].rotation_deg).change_mm)
    if s is not None:
        n("switch_deg", s, "deg")
    n("total_change_mm", steps[3].change_mm)
    n("total_change_pct", steps[3].change_pct, "%")
    for st in steps:  # the numbers each step's sentence shows, each once
        for key, value in st.shown.items():
            unit = "%" if key.endswith("pct") else "deg" if key.endswith("deg") else "mm"
            if not any(abs(v - value) < 1e-6 and n.units[k] == unit for k, v in n.values.items()):
                n(f"step{st.number}_{key}", value, unit)
    text = ("Step by step, in the " + model.name + " geometry:\n\n"
            + "\n".join(f"{st.number}. {st.sentence}" for st in steps) + "\n\n")
    turn = f"{abs(steps[2].rotation_deg):g}°"
    if s is not None:
        text += (f"So the stretch works because it is done with the hip bent past the switch "
                 f"(about {n('switch_deg', s, 'deg', '.0f')}° here), where turning the thigh out pulls the muscle longer. "
                 f"The same {turn} outward turn with the hip straight would "
                 f"{'shorten' if straight < 0 else 'lengthen'} it by {n('ext_rot_straight_mm', abs(straight))} mm "
                 f"- with the hip straight, it is turning the thigh in that stretches it.")
    text += (f" Altogether the muscle ends {n('total_change_mm', steps[3].change_mm, sign=True)} mm "
             f"({n('total_change_pct', steps[3].change_pct, '%', '.1f', sign=True)}%) longer than standing.")
    return text, FigureSpec("figure4_steps", {"flexion": steps[3].flexion_deg, "adduction": steps[3].adduction_deg,
                                              "rotation": steps[3].rotation_deg}), ()


def _a_best_stretch(model: Model, n: _Numbers):
    mu = _piri(model)
    table = [r for r in pose_table(model, mu) if r.pose.category in ("stretch", "cadaver")]
    table.sort(key=lambda r: -r.change_mm)
    best = longest_length(model, mu, *BOX)
    (f_lo, f_hi), (a_lo, a_hi), (r_lo, r_hi) = BOX
    knee_out = float(length_change(model, mu, best.flexion_deg, a_lo, best.rotation_deg).change_mm)
    corners = []
    for m in _bundled_models():
        b = longest_length(m, _piri(m), *BOX)
        corners.append((b.flexion_deg >= f_hi - 10.0, b.adduction_deg >= a_hi - 1e-6, b.rotation_deg <= r_lo + 1e-6))
    if corners and all(all(c) for c in corners):
        recipe = (f"All {n('n_models', len(corners), '', '.0f')} bundled geometries agree on the recipe: bend the hip "
                  "deeply, bring the knee across, turn the thigh out.")
    else:
        recipe = "The bundled geometries do not all agree on where the longest pose lies; compare them in the app."
    lines = []
    for i, r in enumerate(table[:3]):
        flag = {"CHOSEN": " (angles typical, chosen by us)", "PARTLY CHOSEN": " (some angles chosen by us)",
                "UNVERIFIED": " (angles unverified)"}.get(r.pose.flag, "")
        lines.append(f"- {r.pose.name}: {n(f'rank{i + 1}_change_mm', r.change_mm, sign=True)} mm "
                     f"({n(f'rank{i + 1}_change_pct', r.change_pct, '%', '.1f', sign=True)}%){flag}")
    text = (f"Of the named stretch and cadaver positions, these lengthen the piriformis most in the {model.name} "
            "geometry (against standing):\n\n" + "\n".join(lines) + "\n\n"
            f"Searching every pose within {n('box_flex_lo', f_lo, 'deg', '.0f')}-{n('box_flex_hi', f_hi, 'deg', '.0f')}° "
            f"flexion, ±{n('box_add', a_hi, 'deg', '.0f')}° adduction and ±{n('box_rot', r_hi, 'deg', '.0f')}° rotation, "
            f"the longest is {_pose_words(n, 'best', *best.angles)}: "
            f"{n('best_change_mm', best.change_mm, sign=True)} mm ({n('best_change_pct', best.change_pct, '%', '.1f', sign=True)}%). "
            f"{recipe} Letting the knee fall out to the side instead "
            f"({n('box_abd', -a_lo, 'deg', '.0f')}° abduction) leaves it at "
            f"{n('best_knee_out_change_mm', knee_out, sign=True)} mm.\n\n"
            "Cadaver studies agree on the direction but not on every detail: McGovern and colleagues found the "
            "largest piriformis change in their adduction position at a right angle of flexion, and Vaarbakken and "
            "colleagues found the muscle longest in deep flexion with a little adduction. How far any one person can "
            "go depends on their hip, and a model length is not a prescription.")
    srcs = tuple(dict.fromkeys(find_pose(pid).source_citation for pid in ("mcgovern3", "vaarbakken_max")))
    return text, FigureSpec("poses_bar", {"categories": ["stretch", "cadaver"]}), srcs


def _a_sciatic(model: Model, n: _Numbers):
    nerve = nerve_variant_summary()
    if nerve is None:
        text = ("No. In most people the sciatic nerve leaves the pelvis below the piriformis; in a minority the nerve, "
                "or one of its two divisions, passes through the muscle or above it (the Beaton & Anson types). "
                "The prevalence data file is not installed in this copy, so no percentages can be shown here.")
        return text, FigureSpec("anatomy", {"flexion": 0.0, "adduction": 0.0, "rotation": 0.0,
                                            "muscles": ["piriformis"]}), ()
    label, total, types = nerve["complete"]
    pcts = [p for _, p, _, _ in nerve["any_variant"]]
    through = sum(types.get(L, 0.0) for L in nerve["through_letters"])
    text = (f"No. In most people the nerve runs out below the piriformis. In the largest fully classified "
            f"dissection series in the data ({label}, {n('nerve_sample_n', total, 'limbs', '.0f')} limbs) that was "
            f"{n('nerve_type_a_pct', types.get('A', 0.0), '%', '.1f')}%, and the nerve or one of its divisions went "
            f"through the muscle in {n('nerve_through_pct', through, '%', '.1f')}%.\n\n"
            f"Across the studies and meta-analyses in the data, any departure from the usual course is reported in "
            f"{n('nerve_any_min_pct', min(pcts), '%', '.0f')}-{n('nerve_any_max_pct', max(pcts), '%', '.0f')}% of limbs or "
            "hips, depending on the population and the method (dissection or MRI), and most of it is one division "
            "passing through the muscle. So 'through the piriformis in everyone' is wrong: it is the exception, "
            "and how common it is depends on who was studied.\n\n"
            "This is anatomy, not a diagnosis: having a variant does not by itself mean symptoms.")
    return text, FigureSpec("nerve_variants", {}), tuple(nerve["sources"])


def _a_other_muscles(model: Model, n: _Numbers):
    if len(model.muscles) == 1:
        text = (f"The {model.name} geometry in this product has only the piriformis, so it cannot answer this; "
                "choose the Gait2392 or Rajagopal 2016 model, which include the gluteal muscles.")
        return text, FigureSpec("moment_arm_curve", {"muscles": [model.muscles[0].id]}), ()
    rows, k = [], 0
    for mu in model.muscles:
        sw = [s for s in sign_change_angles(model, mu, 0.0, 0.0, start_deg=FLEX_RANGE[0], stop_deg=FLEX_RANGE[1])]
        if sw:
            k += 1
            rows.append(f"- {mu.name}: " + ", ".join(
                f"{n(f'{mu.id}_switch{j + 1}_deg', s.flexion_deg, 'deg', '.0f')}° ({s.direction})"
                for j, s in enumerate(sw)))
    steady = [mu.name for mu in model.muscles
              if not sign_change_angles(model, mu, 0.0, 0.0, start_deg=FLEX_RANGE[0], stop_deg=FLEX_RANGE[1])]
    text = (f"In the {model.name} geometry, {n('n_switching', k, '', '.0f')} of its "
            f"{n('n_muscles', len(model.muscles), '', '.0f')} muscle parts change rotation action between "
            f"{n('range_lo', FLEX_RANGE[0], 'deg', '.0f')}° and {n('range_hi', FLEX_RANGE[1], 'deg', '.0f')}° of flexion "
            "(neutral adduction and rotation):\n\n" + "\n".join(rows) + "\n\n")
    if steady:
        text += "Keeping one action throughout: " + ", ".join(steady) + ".\n\n"
    text += ("The piriformis is not unusual: as the hip bends, most muscles behind the hip gain leverage for "
             "internal rotation. A cadaver and model study (Delp and colleagues, 1999) reported the same trend in "
             "most of the muscle parts they measured.")
    srcs = tuple(e["source"] for e in _switch_literature() if e.get("id") == "delp1999" and e.get("source"))
    return text, FigureSpec("moment_arm_curve", {"muscles": list(model.muscle_ids)}), srcs


def _a_disagree(model: Model, n: _Numbers):
    models = [(m, _switch(m)) for m in _bundled_models()]
    vals = [v for _, v in models if v is not None]
    mu = _piri(model)
    a_abd = _switch(model, mu, -CONTEXT_ADDUCTION, CONTEXT_ROTATION)
    a_add = _switch(model, mu, CONTEXT_ADDUCTION, CONTEXT_ROTATION)
    lit = _switch_literature()
    parts = ["Because they measure different things, on different hips, in different positions.\n"]
    if vals:
        parts.append(f"- Different geometry: the bundled models differ only in where the muscle's ends sit, by a few "
                     f"millimetres, and their switch angles already spread from "
                     f"{n('switch_models_min_deg', min(vals), 'deg', '.0f')}° to "
                     f"{n('switch_models_max_deg', max(vals), 'deg', '.0f')}°. Real hips vary more than that.")
    if a_abd is not None and a_add is not None:
        parts.append(f"- Different positions: the angle moves with the rest of the pose. In {model.name}, with the "
                     f"thigh turned out {n('context_ext_rot_deg', -CONTEXT_ROTATION, 'deg', '.0f')}° it is about "
                     f"{n('switch_turned_out_knee_out_deg', a_abd, 'deg', '.0f')}° with the knee "
                     f"{n('context_add_deg', CONTEXT_ADDUCTION, 'deg', '.0f')}° out to the side and about "
                     f"{n('switch_turned_out_knee_across_deg', a_add, 'deg', '.0f')}° with it "
                     f"{n('context_add_deg', CONTEXT_ADDUCTION, 'deg', '.0f')}° across. A source that does not say how "
                     "the thigh was held cannot be compared exactly.")
    meas = [e for e in lit if e.get("kind") == "measurement" and e.get("low") is not None]
    rules = [e for e in lit if e.get("kind") == "rule of thumb" and e.get("low") is not None]
    for i, e in enumerate(meas):
        lo, hi = e["low"], e.get("high")
        rng = (f"{n(f'lit_meas{i}_low_deg', lo, 'deg', '.0f')}-{n(f'lit_meas{i}_high_deg', hi, 'deg', '.0f')}°"
               if hi is not None and hi != lo else f"{n(f'lit_meas{i}_low_deg', lo, 'deg', '.0f')}°")
        parts.append(f"- Different measurements: {e['label']} found the turn at {rng} - a measured turning force "
                     "on whole cadaver hips includes the muscle's full width and wrapping, not one straight line.")
    if rules:
        rr = " and ".join(f"'{n(f'lit_rule{i}_deg', e['low'], 'deg', '.0f')}°'" for i, e in enumerate(rules))
        parts.append(f"- Rounded rules of thumb: handbooks say {rr}; these are memorable round numbers, "
                     "not measurements.")
    parts.append("- A broad muscle: the piriformis fans out from the sacrum, so its upper and lower fibres switch at "
                 "different angles; a single line (as in these models) gives one angle, a dissection gives a range. "
                 "One ultrasound study even saw no sign of the reversal in living people.")
    text = "\n".join(parts)
    srcs = tuple(e["source"] for e in lit if e.get("source"))
    return text, FigureSpec("switch_context", {}), srcs


def _a_which_rotation(model: Model, n: _Numbers):
    mu = _piri(model)
    s = _switch(model, mu)
    c0 = length_change(model, mu, 0.0, 0.0, [-TURN, TURN])
    cf = length_change(model, mu, FLEXED, 0.0, [-TURN, 0.0, TURN])
    t = n("turn_deg", TURN, "deg", ".0f")
    text = (f"It depends on how far the hip is bent. In the {model.name} geometry:\n\n"
            f"- Hip straight: turning the thigh in by {t}° changes the piriformis by "
            f"{n('straight_turn_in_mm', c0.change_mm[1], sign=True)} mm, turning it out by {t}° by "
            f"{n('straight_turn_out_mm', c0.change_mm[0], sign=True)} mm.\n"
            f"- Hip bent to {n('flexed_deg', FLEXED, 'deg', '.0f')}°: turning in by {t}° gives "
            f"{n('flexed_turn_in_mm', cf.change_mm[2] - cf.change_mm[1], sign=True)} mm, "
            f"turning out by {t}° gives "
            f"{n('flexed_turn_out_mm', cf.change_mm[0] - cf.change_mm[1], sign=True)} mm "
            "(both measured from the hip bent with the thigh pointing straight ahead).\n\n")
    if s is not None:
        text += (f"The direction that stretches it flips at about {n('switch_deg', s, 'deg', '.0f')}° of flexion - "
                 "exactly where its rotation action switches, because a muscle is stretched by turning the joint "
                 "the opposite way to the way it pulls. Below the switch, turn the thigh in; above it, turn it out. "
                 "That is why the figure-4 is done with the hip deeply bent.")
    return text, FigureSpec("length_map", {"adduction_deg": 0.0}), ()


def _a_pose(pose_id: str, intro: str):
    def build(model: Model, n: _Numbers):
        mu = _piri(model)
        p = find_pose(pose_id)
        r = next(x for x in pose_table(model, mu, (p,)))
        s = _switch(model, mu, p.adduction_deg, p.rotation_deg)
        flag = {"CHOSEN": "These angles are typical values we chose; no source gives them.",
                "PARTLY CHOSEN": "Some of these angles are our choice (the source does not give them).",
                "UNVERIFIED": "These angles are unverified: they illustrate the position, they are not measurements.",
                "VERIFIED": "The angles are from the source."}[p.flag]
        text = (f"{intro} Taking it as {p.angles_text()} ({flag.lower()[:-1]}), the piriformis in the {model.name} "
                f"geometry is {n('change_mm', r.change_mm, sign=True)} mm "
                f"({n('change_pct', r.change_pct, '%', '.1f', sign=True)}%) against standing.\n\n")
        rot = r.rotation_moment_arm_mm
        if p.rotation_deg != 0:
            no_rot = float(length_change(model, mu, p.flexion_deg, p.adduction_deg, 0.0).change_mm)
            part = r.change_mm - no_rot
            text += (f"The {n('pose_rotation_deg', abs(p.rotation_deg), 'deg', 'g')}° of "
                     f"{'internal' if p.rotation_deg > 0 else 'external'} rotation accounts for "
                     f"{n('rotation_part_mm', part, sign=True)} mm of that: with the thigh not turned the change "
                     f"would be {n('no_rotation_change_mm', no_rot, sign=True)} mm. ")
        if s is not None:
            side = "past" if p.flexion_deg > s else "below"
            text += (f"At this pose the switch comes at {n('switch_deg', s, 'deg', '.0f')}° of flexion, so the hip is "
                     f"{side} it: the muscle is {'an internal' if rot > 0 else 'an external'} rotator here (lever arm "
                     f"{n('rot_ma_mm', abs(rot))} mm) and turning the thigh "
                     f"{'out' if rot > 0 else 'in'} would stretch it further.")
        text += f"\n\nHow it is done: {p.how_to}"
        return text, FigureSpec("length_map", {"adduction_deg": p.adduction_deg, "current": list(p.angles),
                                               "pose_ids": [p.id]}), (p.source_citation,)
    return build


def _a_knee_across(model: Model, n: _Numbers):
    mu = _piri(model)
    F, R = FIG4
    A = CONTEXT_ADDUCTION
    lc = length_change(model, mu, F, [-A, 0.0, A], R)
    am = float(-curves(model, mu, F, 0.0, R).adduction_moment_arm_mm)
    if am > 0:
        why = ("Because the piriformis is an abductor even with the hip bent: it runs from the sacrum to the top of "
               "the thigh bone behind the joint, so moving the knee across the body pulls its ends apart.")
    else:
        why = (f"In the {model.name} geometry the piriformis is not an abductor in this position, so moving the knee "
               "across does not pull its ends apart; the numbers show what it does instead.")
    text = (why + f" In the {model.name} geometry, with the hip bent to {n('flexion_deg', F, 'deg', '.0f')}° and the "
            f"thigh turned out {n('ext_rot_deg', -R, 'deg', '.0f')}° (a figure-4), the muscle is:\n\n"
            f"- {n('change_knee_out_mm', lc.change_mm[0], sign=True)} mm against standing with the knee dropped "
            f"{n('knee_angle_deg', A, 'deg', '.0f')}° out,\n"
            f"- {n('change_neutral_mm', lc.change_mm[1], sign=True)} mm with the knee straight over the hip,\n"
            f"- {n('change_knee_across_mm', lc.change_mm[2], sign=True)} mm with the knee pulled "
            f"{n('knee_angle_deg', A, 'deg', '.0f')}° across.\n\n"
            f"Its abduction lever arm there is {n('abd_ma_mm', am)} mm"
            + (" (negative: it adducts here)." if am < 0 else ".")
            + (" So in a figure-4, pulling the knee towards the opposite shoulder adds to the stretch, and letting the "
               "knee fall out to the side takes some away." if lc.change_mm[2] > lc.change_mm[1] > lc.change_mm[0]
               else " In this geometry the knee's sideways position does not simply add to the stretch."))
    return text, FigureSpec("figure4_steps", {"flexion": F, "adduction": A, "rotation": R}), ()


def _a_cadaver(model: Model, n: _Numbers):
    mu = _piri(model)
    table = [r for r in pose_table(model, mu) if r.pose.source == "mcgovern"]
    ranked = sorted(table, key=lambda r: -r.change_mm)
    lines = [f"- {r.pose.name}: {n(f'{r.pose.id}_change_mm', r.change_mm, sign=True)} mm"
             + (" (flexion and rotation chosen by us)" if r.pose.flag != "VERIFIED" else "") for r in table]
    best = longest_length(model, mu, *BOX)
    va = find_pose("vaarbakken_max")
    v = next(x for x in pose_table(model, mu, (va,)))
    agree = ranked[0].pose.id == "mcgovern3"
    text = (f"{'Largely' if agree else 'Partly'}. McGovern and colleagues measured length changes with strings fixed "
            f"to cadaver hips in the positions below. The {model.name} geometry gives, against standing:\n\n"
            + "\n".join(lines) + "\n\n"
            "In the cadavers the adduction position at a right angle of flexion gave the largest piriformis change; "
            + ("the model agrees. " if agree else
               f"in the model the largest of the four is {ranked[0].pose.name}, so they disagree on the order. ")
            + "Both say that bending the hip and bringing the knee across stretch the muscle; the model's own "
            "ranking depends on angles the paper does not give.\n\n"
            f"Vaarbakken and colleagues found the piriformis longest at {va.angles_text()} (no rotation given; we "
            f"assume neutral). The model gives {n('vaarbakken_change_mm', v.change_mm, sign=True)} mm there; its own "
            f"longest pose in the usual joint range is {_pose_words(n, 'best', *best.angles)}, "
            f"{n('best_change_mm', best.change_mm, sign=True)} mm"
            + (", on the edge of that range" if best.at_limits else "")
            + ". A straight-line model has no joint capsule, other muscles or bone contact to stop the hip, so it "
            "cannot say where a real hip's range ends.")
    srcs = tuple(dict.fromkeys(r.pose.source_citation for r in table)) + (va.source_citation,)
    return text, FigureSpec("poses_bar", {"categories": ["cadaver"]}), srcs


def _a_length(model: Model, n: _Numbers):
    mu = _piri(model)
    lc = length_change(model, mu, 0.0)
    best = longest_length(model, mu, *BOX)
    text = (f"In the {model.name} geometry the piriformis, from its origin on the sacrum to its tendon's insertion "
            f"on the greater trochanter, is {n('standing_mm', lc.standing_mm, 'mm', '.0f')} mm long standing "
            "(muscle plus tendon, as a straight line). Within the usual joint range it can be lengthened by up to "
            f"{n('best_change_mm', best.change_mm)} mm, about {n('best_change_pct', best.change_pct, '%', '.0f')}% of "
            f"that, at {_pose_words(n, 'best', *best.angles)}.")
    arch = mu.architecture or {}
    if "optimal_fibre_length_cm" in arch:
        fib = float(arch["optimal_fibre_length_cm"]) * 10.0
        text += (f" The model file gives the muscle fibres an optimal length of {n('fibre_mm', fib, 'mm', '.0f')} mm; "
                 "if the tendon barely stretches, most of a stretch has to come from those fibres, so the same "
                 "millimetres are a larger share of the fibres than of the whole muscle.")
    text += "\n\nThe heat map shows how the length changes over hip flexion and rotation."
    return text, FigureSpec("length_map", {"adduction_deg": 0.0}), ()


def _a_moment_arm(model: Model, n: _Numbers):
    mu = _piri(model)
    c = curves(model, mu, [0.0, FLEXED])
    r0, rf = c.rotation_moment_arm_mm
    text = ("A moment arm (lever arm) is the shortest distance between a muscle's line of pull and the axis a joint "
            "turns about. The longer it is, the more turning effect the same pull has; which side of the axis the "
            "line passes decides which way the joint turns.\n\n"
            f"For the piriformis and rotation of the thigh, the axis runs along the thigh bone. In the {model.name} "
            f"geometry the line of pull passes {n('rot_ma_standing_mm', abs(r0))} mm from it when standing, on the side "
            f"that turns the thigh {'out' if r0 < 0 else 'in'}; with the hip bent to "
            f"{n('flexed_deg', FLEXED, 'deg', '.0f')}° it passes {n('rot_ma_flexed_mm', abs(rf))} mm away on the side "
            f"that turns it {'out' if rf < 0 else 'in'}.\n\n"
            "The same number tells you how fast the muscle lengthens when the joint turns the other way: standing, "
            f"each degree of turning the thigh {'in' if r0 < 0 else 'out'} lengthens the piriformis by about "
            f"{n('mm_per_deg_standing', abs(r0) * math.pi / 180.0, 'mm', '.2f')} mm (the lever arm times the angle in "
            "radians).")
    return text, FigureSpec("anatomy", {"flexion": FLEXED, "adduction": 0.0, "rotation": 0.0, "muscles": [mu.id]}), ()


def _a_out_of_scope(model: Model, n: _Numbers):
    s = _switch(model, _piri(model))
    text = ("That is outside what an anatomy model can answer. Questions about treatment, medication, diagnosis, "
            "or pain and symptoms in a particular person need someone who can examine you: please ask a "
            "physiotherapist or a doctor. The model has no information about you and no evidence about treatments, "
            "so it will not guess.\n\n"
            "What it can show: how the piriformis lengthens in different hip positions, "
            + (f"why its rotation action switches (at about {n('switch_deg', s, 'deg', '.0f')}° of flexion in the "
               f"{model.name} geometry), " if s is not None else "how its rotation action changes with flexion, ")
            + "why the figure-4 stretch works, and how the sciatic nerve usually runs past it.")
    return text, FigureSpec("none", {}), ()


def _a_no_match(model: Model, n: _Numbers):
    text = ("I could not match that to a question this model can answer. Try asking about: when the piriformis "
            "switches from external to internal rotation, why the figure-4 stretch works, which stretch lengthens it "
            "most, whether it is an abductor, or whether the sciatic nerve runs through it.")
    return text, FigureSpec("none", {}), ()


# ---------------------------------------------------------------------------------
# The question bank
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """A question in the bank.

    ``wordings`` are ways people ask it (the first is the title); ``keywords`` are
    extra terms that point to it. ``out_of_scope`` marks questions the model cannot
    settle (its answer says so).
    """

    id: str
    wordings: tuple
    keywords: str
    build: object = field(repr=False)
    out_of_scope: bool = False
    reader: bool = False  # one of the three readers' questions from literature.md section 5
    requires: tuple = ()  # out-of-scope questions: concepts the text must contain to map here

    @property
    def title(self) -> str:
        return self.wordings[0]


QUESTIONS: tuple[Question, ...] = (
    Question(
        "reader_rotation_contradiction",
        ("The piriformis rotates the leg outward when the hip is straight but inward and into abduction when it is "
         "flexed; I thought it stops the knee collapsing inward. Isn't that contradictory?",
         "How can the piriformis be both an external and an internal rotator?",
         "If the piriformis stops the knee caving in, how can it turn the thigh inward?",
         "Doesn't the piriformis switching contradict it stabilising the knee?",
         "Why does the piriformis change from an external to an internal rotator?",
         "What makes the piriformis switch its action?"),
        "contradiction contradictory confusing both stop prevent knee collapse cave valgus inward stabilise "
        "away midline explain",
        _a_contradiction, reader=True),
    Question(
        "reader_beyond_stretches",
        ("What can I do about this problem apart from stretches?",
         "Besides stretching, what else helps piriformis syndrome?",
         "Is there anything other than stretching I can do?"),
        "besides apart other than instead alternative stretching help treatment what can i do problem",
        _a_beyond_stretches, out_of_scope=True, reader=True, requires=("besides", "stretch")),
    Question(
        "reader_achilles",
        ("I have piriformis syndrome and now a sore Achilles, which I never had before. Are these related?",
         "Could my piriformis problem cause Achilles or heel pain?",
         "Is my Achilles pain linked to my piriformis?"),
        "achilles heel calf ankle sore related linked connected cause",
        _a_achilles, out_of_scope=True, reader=True, requires=("achilles",)),
    Question(
        "switch_angle",
        ("At what hip angle does the piriformis switch from external to internal rotation?",
         "At how many degrees of flexion does the piriformis change its action?",
         "When does the piriformis become an internal rotator?",
         "At what point does the piriformis reverse its function?"),
        "angle degrees switch flip reverse change become internal rotator flexion point when",
        _a_switch_angle),
    Question(
        "abductor",
        ("Is the piriformis an abductor?",
         "Does the piriformis move the leg out to the side?",
         "Does the piriformis abduct the hip when it is flexed?"),
        "abductor abduction abduct sideways side away midline horizontal",
        _a_abductor),
    Question(
        "why_figure4",
        ("Why does the figure-4 stretch work?",
         "How does crossing the ankle over the knee stretch the piriformis?",
         "What makes the figure four stretch target the piriformis?"),
        "figure4 cross ankle knee pigeon stretch work why target",
        _a_figure4),
    Question(
        "best_stretch",
        ("Which stretch lengthens the piriformis the most?",
         "What is the best position to stretch the piriformis?",
         "Which position gives the longest piriformis?"),
        "best most longest maximum greatest effective position stretch lengthen which",
        _a_best_stretch),
    Question(
        "sciatic_through",
        ("Does the sciatic nerve go through the piriformis in everyone?",
         "How common is it for the sciatic nerve to pass through the piriformis?",
         "Does the sciatic nerve run below or through the piriformis?"),
        "sciatic nerve through pierce pass split variant variation everyone common percent people",
        _a_sciatic),
    Question(
        "other_muscles",
        ("Which other hip muscles switch their rotation action with flexion?",
         "Do the gluteal muscles also change from external to internal rotation?",
         "Is the piriformis the only muscle that switches?"),
        "other muscles gluteus glute medius minimus maximus gemelli quadratus only also",
        _a_other_muscles),
    Question(
        "why_disagree",
        ("Why do sources disagree about the angle at which the piriformis switches?",
         "Why do some books say 60 degrees and others 90?",
         "Why are the published switch angles different?"),
        "disagree differ different sources books studies published literature inconsistent vary why",
        _a_disagree),
    Question(
        "which_rotation",
        ("Does turning the thigh in or out stretch the piriformis?",
         "Do you stretch the piriformis with internal or external rotation?",
         "Which way do I rotate my leg to stretch the piriformis?"),
        "internal external rotation rotate turn in out inward outward way direction stretch",
        _a_which_rotation),
    Question(
        "sitting",
        ("Does sitting stretch or shorten the piriformis?",
         "What happens to the piriformis when I sit on a chair?",
         "Is the piriformis longer when sitting?"),
        "sit sitting chair desk seated",
        _a_pose("sitting", "Sitting upright bends the hip to about a right angle.")),
    Question(
        "fair_test",
        ("What does the FAIR test position do to the piriformis?",
         "Why does the FAIR test stretch the piriformis?",
         "What is the flexion adduction internal rotation test?"),
        "fair test flexion adduction internal rotation provocation position",
        _a_pose("fair", "The FAIR test combines flexion, adduction and internal rotation, usually lying on the side.")),
    Question(
        "deep_squat",
        ("Does a deep squat stretch the piriformis?",
         "What happens to the piriformis at the bottom of a squat?",
         "Is the piriformis stretched when squatting?"),
        "squat squatting deep bottom",
        _a_pose("deep_squat", "A deep squat takes the hip into its deepest flexion, usually with the knees out.")),
    Question(
        "knee_across",
        ("Why pull the knee towards the opposite shoulder?",
         "Does bringing the knee across the body stretch the piriformis more?",
         "Why should the knee not fall out to the side in a figure-4?"),
        "knee opposite shoulder across chest pull fall out side adduction hug",
        _a_knee_across),
    Question(
        "cadaver_agreement",
        ("Does the model agree with cadaver studies of stretch positions?",
         "How do the model's lengths compare with cadaver measurements?",
         "What did cadaver studies find about piriformis stretches?"),
        "cadaver cadaveric study studies measured mcgovern vaarbakken agree compare real experiment",
        _a_cadaver),
    Question(
        "length",
        ("How long is the piriformis and how much can it be stretched?",
         "How many millimetres does the piriformis lengthen in a stretch?",
         "What is the length of the piriformis?"),
        "length long how much millimetres mm size stretched percent",
        _a_length),
    Question(
        "moment_arm",
        ("What is a moment arm?",
         "What does the lever arm of a muscle mean?",
         "What do the millimetres of moment arm mean?"),
        "moment arm lever leverage torque mean definition what is",
        _a_moment_arm),
)

_SPECIAL = {
    OUT_OF_SCOPE_ID: Question(OUT_OF_SCOPE_ID, ("Outside what an anatomy model can answer",), "", _a_out_of_scope,
                              out_of_scope=True),
    NO_MATCH_ID: Question(NO_MATCH_ID, ("No matching question",), "", _a_no_match),
}
_BY_ID = {q.id: q for q in QUESTIONS} | _SPECIAL


def question_ids() -> list[str]:
    """The ids of the question bank, in order."""
    return [q.id for q in QUESTIONS]


def _model_sources(model: Model) -> tuple[str, ...]:
    return tuple(model.citation(k) for k in model.sources)


def answer(question_id: str, model: Model | None = None) -> Answer:
    """One question's answer, with every number computed from ``model`` now.

    Parameters
    ----------
    question_id : str
        An id from :data:`QUESTIONS` (or ``'out_of_scope'``, ``'no_match'``).
    model : Model, optional
        Default: the bundled default model.

    Raises
    ------
    KeyError
        Unknown id, with the valid ids.
    """
    q = _BY_ID.get(question_id)
    if q is None:
        raise KeyError(f"unknown question '{question_id}' (questions: {', '.join(question_ids())})")
    model = model or load_model(DEFAULT_MODEL_ID)
    n = _Numbers()
    text, fig, extra = q.build(model, n)
    return Answer(
        question_id=q.id, question=q.title, text=text, numbers=dict(n.values), units=dict(n.units), figure=fig,
        sources=_model_sources(model) + tuple(extra), model_id=model.id, model_name=model.name,
        muscle_id=_piri(model).id, out_of_scope=q.out_of_scope,
    )


# ---------------------------------------------------------------------------------
# Finding the question for free text
# ---------------------------------------------------------------------------------

# multi-word phrases first (regex -> concept token)
_PHRASES = (
    (r"fig(?:ure)?[\s\-_.]*(?:4|four)\b", " figure4 "),
    (r"\bfour\s+stretch\b", " figure4 "),
    (r"\b(?:ankle|foot|leg)s?\s+(?:on|over|across)\s+(?:the\s+|my\s+|your\s+)?(?:other|opposite)?\s*(?:knee|thigh)\b",
     " figure4 "),
    (r"\bcross(?:ed|ing)?\s+(?:the\s+|my\s+)?(?:ankle|leg)s?\b", " figure4 "),
    (r"\bpigeon\b", " figure4 "),
    (r"\bopposite\s+shoulder\b", " kneeacross "),
    (r"\b(?:knee|leg)\s+(?:to|towards|toward)\s+(?:the\s+)?(?:chest|shoulder)\b", " kneeacross "),
    (r"\bacross\s+(?:the|my|your)?\s*(?:body|midline)\b", " kneeacross "),
    (r"\bmoment\s+arms?\b", " momentarm "),
    (r"\blever\s+arms?\b", " momentarm "),
    (r"\bsciatica\b", " sciatica "),
    (r"\bsciatic\s+nerve\b", " sciatic nerve "),
    (r"\b(?:turn|rotate|roll|twist)(?:s|ed|ing)?\s+(?:the\s+|my\s+|your\s+)?(?:leg\s+|thigh\s+|knee\s+|hip\s+)?"
     r"(?:out|outward|outwards)\b", " external rotate "),
    (r"\b(?:turn|rotate|roll|twist)(?:s|ed|ing)?\s+(?:the\s+|my\s+|your\s+)?(?:leg\s+|thigh\s+|knee\s+|hip\s+)?"
     r"(?:in|inward|inwards)\b", " internal rotate "),
    (r"\bin\s+or\s+out\b", " internal external "),
    (r"\b(?:other\s+than|anything\s+else|apart\s+from)\b", " besides "),
    (r"\bout\s+to\s+the\s+side\b", " abduct "),
    (r"\baway\s+from\s+the\s+midline\b", " abduct "),
    (r"\bknees?\s+(?:collaps|cav|buckl|fall|drop)\w*\s+in\w*", " collapse "),
    (r"\bf\.?a\.?i\.?r\.?\s+test\b", " fair test "),
    (r"\bflexion[\s,]+adduction[\s,]+(?:and\s+)?internal\s+rotation\b", " fair test "),
    (r"\bwhat\s+(?:should|can|could|do)\s+i\s+do\b", " oos_todo "),
    (r"\bhow\s+(?:do|can|should)\s+i\s+(?:fix|treat|cure|get\s+rid|relieve|heal|stop)\b", " oos_treat "),
    (r"\b(?:do|have)\s+i\s+(?:have|got)\b", " oos_diagnose "),
    (r"\bis\s+(?:it|this)\s+(?:normal|serious|bad|dangerous)\b", " oos_diagnose "),
)

# token -> concept (after stemming); unknown tokens are kept as they are
_SYNONYMS = {
    "switch": "switch", "flip": "switch", "revers": "switch", "invert": "switch", "invers": "switch",
    "swap": "switch", "chang": "switch", "becom": "switch", "convert": "switch", "crossover": "switch",
    "angl": "angle", "degre": "angle", "deg": "angle", "threshold": "angle", "point": "angle",
    "flex": "flexion", "flexion": "flexion", "bend": "flexion", "bent": "flexion",
    "rotat": "rotate", "rotation": "rotate", "rotator": "rotate", "twist": "rotate", "turn": "rotate",
    "extern": "external", "outward": "external", "lateral": "external",
    "intern": "internal", "inward": "internal", "medial": "internal",
    "abduct": "abduct", "abduction": "abduct", "abductor": "abduct", "sideway": "abduct",
    "adduct": "adduct", "adduction": "adduct", "adductor": "adduct",
    "stretch": "stretch", "lengthen": "stretch", "elongat": "stretch", "lengthn": "stretch", "tight": "stretch",
    "best": "most", "most": "most", "longest": "most", "maximum": "most", "max": "most", "greatest": "most",
    "biggest": "most", "deepest": "most", "effect": "most", "optim": "most", "strongest": "most",
    "nerv": "nerve", "sciatic": "nerve",
    "through": "through", "pierc": "through", "pass": "through", "split": "through", "between": "through",
    "everyon": "everyone", "everybodi": "everyone", "always": "everyone", "variant": "everyone",
    "variat": "everyone", "anomal": "everyone", "common": "everyone", "percent": "everyone", "often": "everyone",
    "prevalen": "everyone", "normal": "everyone",
    "glute": "gluteal", "glut": "gluteal", "gluteu": "gluteal", "gluteal": "gluteal", "medius": "gluteal", "minimu": "gluteal",
    "maximu": "gluteal", "gemelli": "gluteal", "gemellu": "gluteal", "quadratu": "gluteal", "obtur": "gluteal",
    "disagre": "disagree", "differ": "disagree", "conflict": "disagree", "inconsist": "disagree",
    "discrep": "disagree", "vari": "disagree",
    "sourc": "source", "book": "source", "textbook": "source", "studi": "source", "literatur": "source",
    "publish": "source", "paper": "source", "author": "source", "research": "source",
    "sit": "sit", "chair": "sit", "seat": "sit", "desk": "sit", "sat": "sit",
    "squat": "squat",
    "fair": "fair", "provoc": "fair",
    "cadav": "cadaver", "cadaver": "cadaver", "dissect": "cadaver", "mcgovern": "cadaver", "vaarbakken": "cadaver",
    "agre": "agree", "compar": "agree", "match": "agree", "valid": "agree",
    "length": "length", "long": "length", "millimetr": "length", "mm": "length", "cm": "length", "size": "length",
    "momentarm": "momentarm", "lever": "momentarm", "leverag": "momentarm", "torqu": "momentarm",
    "contradict": "contradiction", "contradictori": "contradiction", "confus": "contradiction",
    "paradox": "contradiction", "collaps": "collapse", "cav": "collapse", "valgu": "collapse",
    "stabil": "collapse", "prevent": "collapse", "stop": "collapse",
    "achill": "achilles", "heel": "achilles", "calf": "achilles", "ankl": "achilles",
    "relat": "related", "link": "related", "connect": "related", "caus": "why", "reason": "why",
    "besid": "besides", "apart": "besides", "instead": "besides", "altern": "besides", "els": "besides",
    "knee": "knee", "shoulder": "kneeacross", "chest": "kneeacross", "hug": "kneeacross",
}

_STOP = set("""a an the and or of to in on at by for with from is are was were be been being it its this that these
those do does did doing i me my we our you your he she they them his her their what which who whom how why when
where can could should would will shall may might must there here than then so as if not no yes about into over
under up down out off just also very really much many more some any each other such only own same too s t
hip hips piriformis muscle leg thigh""".split())
_STOP -= {"other", "out", "in", "when", "most", "much", "why"}

# out-of-scope signals: concept -> weight; a total of 1.0 or more is out of scope
_OOS_WEIGHTS = {
    "oos_todo": 1.0, "oos_treat": 1.0, "oos_diagnose": 1.0,
    "treat": 1.0, "treatment": 1.0, "cure": 1.0, "heal": 0.8, "remedi": 1.0, "therapi": 0.8, "physio": 0.5,
    "physiotherapi": 0.5, "massag": 1.0, "inject": 1.0, "botox": 1.0, "surgeri": 1.0, "operat": 0.8,
    "medic": 1.0, "medicin": 1.0, "drug": 1.0, "pill": 1.0, "painkil": 1.0, "ibuprofen": 1.0, "paracetamol": 1.0,
    "naproxen": 1.0, "steroid": 1.0, "relax": 0.6, "dose": 1.0, "tablet": 1.0,
    "diagnos": 1.0, "symptom": 0.7, "pain": 0.6, "hurt": 0.6, "sore": 0.6, "ach": 0.6, "numb": 0.8,
    "tingl": 0.8, "burn": 0.5, "injur": 0.6, "sciatica": 0.6, "syndrom": 0.4, "recov": 0.7, "reliev": 1.0, "caus": 0.4,
    "relief": 1.0, "help": 0.3, "fix": 0.8, "doctor": 0.6, "should": 0.3,
    "i": 0.4, "my": 0.4, "me": 0.3, "im": 0.4, "ive": 0.4, "mine": 0.3,
}


def _stem(w: str) -> str:
    for suf in ("ational", "ations", "ation", "ments", "ment", "ingly", "ings", "ing", "edly", "ed", "ers", "er",
                "ies", "es", "ly", "s", "e", "y"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            return w[: -len(suf)] + ("i" if suf == "ies" else "")
    return w


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """(concept tokens for matching, raw stems for out-of-scope scoring)."""
    t = " " + str(text).lower().replace("’", "'") + " "
    t = re.sub(r"(\w)'(m|ve|s|re|d|ll|t)\b", r"\1\2", t)  # i'm -> im, i've -> ive
    for pat, rep in _PHRASES:
        t = re.sub(pat, rep, t)
    words = re.findall(r"[a-z0-9_]+", t)
    stems = [w if w.startswith("oos_") or w in {"figure4", "kneeacross", "momentarm", "sciatica"} else _stem(w)
             for w in words]
    concepts = []
    for w, s in zip(words, stems):
        if w in _STOP or s in _STOP or w.startswith("oos_"):
            continue
        c = _SYNONYMS.get(w) or _SYNONYMS.get(s) or next(
            (v for k, v in _SYNONYMS.items() if len(k) >= 5 and s.startswith(k)), s)
        concepts.append(c)
    return concepts, words + stems


def _oos_score(raw: list[str]) -> float:
    seen, total = set(), 0.0
    for w in raw:
        for key, weight in _OOS_WEIGHTS.items():
            if key not in seen and (w == key or (len(key) >= 4 and w.startswith(key))):
                seen.add(key)
                total += weight
    return total


class _Index:
    """IDF-weighted bags of concepts for every question and each of its wordings."""

    def __init__(self, questions):
        self.ids = [q.id for q in questions]
        self.docs = []  # per question: (all-terms bag, [wording bags])
        df: dict[str, int] = {}
        for q in questions:
            wbags = [set(_tokens(w)[0]) for w in q.wordings]
            allbag = set().union(*wbags) | set(_tokens(q.keywords)[0])
            self.docs.append((allbag, wbags))
            for t in allbag:
                df[t] = df.get(t, 0) + 1
        N = len(questions)
        self.idf = {t: math.log(1.0 + N / d) for t, d in df.items()}
        self.unknown_idf = math.log(1.0 + N)

    def weight(self, t: str) -> float:
        return self.idf.get(t, self.unknown_idf)

    def _cos(self, a: set, b: set) -> float:
        if not a or not b:
            return 0.0
        inter = sum(self.weight(t) ** 2 for t in a & b)
        na = math.sqrt(sum(self.weight(t) ** 2 for t in a))
        nb = math.sqrt(sum(self.weight(t) ** 2 for t in b))
        return inter / (na * nb)

    def _cover(self, q: set, doc: set) -> float:
        """Share of the query's weight that the question's vocabulary covers."""
        known = [t for t in q if t in self.idf]
        if not known:
            return 0.0
        return sum(self.weight(t) for t in known if t in doc) / sum(self.weight(t) for t in known)

    def scores(self, concepts: list[str]) -> list[float]:
        q = set(concepts)
        out = []
        for allbag, wbags in self.docs:
            best_wording = max(self._cos(q, w) for w in wbags)
            out.append(0.45 * best_wording + 0.35 * self._cover(q, allbag) + 0.2 * self._cos(q, allbag))
        return out


_INDEX = _Index(QUESTIONS)
MATCH_THRESHOLD = 0.2


@dataclass(frozen=True)
class Match:
    """The question a free-text query maps to.

    Attributes
    ----------
    question_id : str
        A bank id, ``'out_of_scope'`` or ``'no_match'``.
    confidence : float
        0..1: how clearly the text points at this question.
    out_of_scope : bool
    alternatives : tuple of (question_id, score)
        The next best bank questions.
    out_of_scope_score : float
        Strength of treatment/diagnosis/symptom signals (>= 1 is out of scope).
    """

    question_id: str
    confidence: float
    out_of_scope: bool
    alternatives: tuple
    out_of_scope_score: float


def find_question(text: str) -> Match:
    """The closest question for free text in the user's own words (stdlib only).

    Treatment, medication, diagnosis and personal-symptom questions are flagged out of
    scope: they map to one of the readers' out-of-scope questions if they are close to
    it, else to ``'out_of_scope'``. Text that matches nothing well maps to
    ``'no_match'``.
    """
    text = str(text or "")[:2000]  # a question, not a document
    concepts, raw = _tokens(text)
    scores = _INDEX.scores(concepts)
    have = set(concepts)
    # a reader's out-of-scope question is only a candidate when its distinctive words are there
    order = sorted((i for i in range(len(scores)) if set(QUESTIONS[i].requires) <= have), key=lambda i: -scores[i])
    top, second = scores[order[0]], scores[order[1]]
    alts = tuple((QUESTIONS[i].id, round(scores[i], 3)) for i in order[1:4])
    oos = _oos_score(raw)
    margin = (top - second) / top if top > 0 else 0.0
    conf = max(0.0, min(1.0, top / 0.55)) * (0.55 + 0.45 * min(1.0, 2.5 * margin))
    best = QUESTIONS[order[0]]
    if oos >= 1.0:
        # a reader's own out-of-scope question if it is close; never an in-scope answer
        oos_q = [i for i in order if QUESTIONS[i].out_of_scope and set(QUESTIONS[i].requires) <= have]
        if oos_q and scores[oos_q[0]] >= 0.3:
            i = oos_q[0]
            return Match(QUESTIONS[i].id, round(min(1.0, scores[i] / 0.55), 3), True, alts, round(oos, 2))
        return Match(OUT_OF_SCOPE_ID, round(min(1.0, oos / 1.5), 3), True,
                     tuple((QUESTIONS[i].id, round(scores[i], 3)) for i in order[:3]), round(oos, 2))
    if top < MATCH_THRESHOLD:
        return Match(NO_MATCH_ID, round(conf, 3), False, tuple((QUESTIONS[i].id, round(scores[i], 3))
                                                                for i in order[:3]), round(oos, 2))
    return Match(best.id, round(conf, 3), best.out_of_scope, alts, round(oos, 2))


def ask(text: str, model: Model | None = None) -> Answer:
    """The answer to the question closest to ``text``, with the match confidence set."""
    m = find_question(text)
    a = answer(m.question_id, model)
    extra = {}
    if m.question_id in (OUT_OF_SCOPE_ID, NO_MATCH_ID) and m.alternatives:
        qid, score = m.alternatives[0]
        if score >= 0.3 and not _BY_ID[qid].out_of_scope:
            extra["text"] = a.text + f"\n\nA related question the model can answer: \u201c{_BY_ID[qid].title}\u201d"
    return Answer(**{**a.__dict__, **extra, "confidence": m.confidence, "asked": str(text)})


# ---------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------


def _fmt(v: float, unit: str) -> str:
    if unit in ("", "limbs") or float(v).is_integer():
        return f"{v:.0f} {unit}".strip()
    if unit in ("%", "deg"):
        return f"{v:.1f} {unit}"
    return f"{v:.2f} {unit}"


_LABEL_WORDS = (
    (r"^step(\d)_", r"step \1: "), (r"rot_ma", "rotation lever arm"), (r"abd_ma", "abduction lever arm"),
    (r"rotation_moment_arm", "rotation lever arm"), (r"abduction_moment_arm", "abduction lever arm"),
    (r"ext_rot", "external rotation"), (r"_pct$", " (%)"), (r"_(mm|deg)$", ""), (r"\bn_", "number of "),
    (r"lit_", "literature: "), (r"meas(\d)", r"measurement \1"), (r"rule(\d)", r"rule of thumb \1"),
    (r"_", " "),
)


_LABELS = {
    "switch_deg": "switch angle (hip flexion)",
    "switch_models_min_deg": "lowest switch angle among the bundled models",
    "switch_models_max_deg": "highest switch angle among the bundled models",
    "context_ext_rot_deg": "thigh turned out by",
    "context_add_deg": "knee moved sideways by",
    "switch_turned_out_knee_out_deg": "switch angle, thigh turned out, knee out to the side",
    "switch_turned_out_knee_across_deg": "switch angle, thigh turned out, knee across",
    "ext_rot_straight_mm": "the same outward turn with the hip straight (shortening)",
    "total_change_mm": "total length change against standing",
    "total_change_pct": "total length change against standing (%)",
    "turn_deg": "thigh turned in or out by",
    "straight_turn_in_mm": "hip straight, thigh turned in: length change",
    "straight_turn_out_mm": "hip straight, thigh turned out: length change",
    "flexed_turn_in_mm": "hip bent, thigh turned in: length change",
    "flexed_turn_out_mm": "hip bent, thigh turned out: length change",
    "flexed_deg": "hip bent to",
    "change_mm": "length change against standing",
    "change_pct": "length change against standing (%)",
    "standing_mm": "length standing",
    "best_change_mm": "longest in the joint range: change against standing",
    "best_change_pct": "longest in the joint range: change against standing (%)",
}


def number_label(key: str) -> str:
    """A readable label for an answer number's key, e.g. 'step 2: rotation lever arm'."""
    if key in _LABELS:
        return _LABELS[key]
    text = key
    for pat, rep in _LABEL_WORDS:
        text = re.sub(pat, rep, text)
    return text.strip()


def answer_markdown(ans: Answer, figure_file: str | None = None, figure_caption: str | None = None) -> str:
    """The answer as a Markdown document; ``figure_file`` is a PNG path beside it."""
    lines = [f"# {ans.question}", ""]
    if ans.asked and ans.asked.strip() != ans.question:
        conf = f" (match confidence {ans.confidence:.0%})" if ans.confidence is not None else ""
        lines += [f"*Asked:* \u201c{ans.asked.strip()}\u201d{conf}", ""]
    if ans.out_of_scope:
        lines += ["> **Outside what an anatomy model can answer.** This is not medical advice; please see a "
                  "clinician about treatment or symptoms.", ""]
    lines += [ans.text, ""]
    if figure_file:
        cap = figure_caption or "Figure"
        lines += [f"![{cap}]({figure_file})", "", f"*{cap}*", ""]
    if ans.numbers:
        lines += ["## The numbers", "",
                  f"Computed from the {ans.model_name} geometry (and, where named, the bundled literature data) "
                  "when this answer was made. Lever arms and changes are shown as sizes; the text says which way.",
                  "", "| quantity | value |", "|---|---|"]
        lines += [f"| {number_label(k)} | {_fmt(v, ans.units.get(k, ''))} |" for k, v in ans.numbers.items()]
        lines.append("")
    lines += ["## Sources", ""] + [f"- {s}" for s in dict.fromkeys(ans.sources)] + [""]
    lines += ["---", "*Made with hipmodel: a simplified straight-line model of published hip geometry. "
              "Muscle paths are straight lines between attachment points; real muscles wrap and spread. "
              "Anatomy education, not medical advice.*", ""]
    return "\n".join(lines)
