"""Answers about what the muscle does: the switch angle, abduction, which way to turn, the moment arm, the other rotators, why sources disagree.

Each builder takes ``(model, n)`` and returns ``(text, figure, sources)``; every number in
the text is computed from the model now and registered with ``n``.
"""

from __future__ import annotations

import math
import numpy as np
from ..mechanics import curves
from ..model import Model
from ..stretch import (
    length_change,
)
from ..switch import bisect_roots, sign_change_angles, sign_change_brackets
from .common import FIG4, CONTEXT_ADDUCTION, CONTEXT_ROTATION, FLEXED, FLEX_RANGE, FigureSpec, GRID, TURN, _Numbers, _attachment_distances_mm, _bundled_models, _length_notice, _piri, _switch, _switch_literature, fact, literature_name
from ..context import angle_text
from ..literature import flag_words


DEEP = (120.0, 30.0, -45.0)  # deepest usual stretch corner: 120 deg flexion, knee 30 deg across, thigh 45 deg out


def _switch_range(n: _Numbers, key_lo="switch_models_min_deg", key_hi="switch_models_max_deg") -> str:
    """The models' switch angles, one rule everywhere (hipmodel.context): the certain ones as a
    one-decimal range, the two with an uncertain zero-flexion reference as 'about 55 ± 10°'."""
    firm, loose = [], []
    for m in _bundled_models():
        s = _switch(m)
        if s is None:
            continue
        (loose if m.switch_uncertainty_deg else firm).append((m, s))
    clauses = []
    if firm:
        lo, hi = min(v for _, v in firm), max(v for _, v in firm)
        names = [m.name.split(" (")[0].replace("OpenSim ", "") for m, _ in sorted(firm, key=lambda t: t[1])]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        span = (f"at {n(key_lo, lo, 'deg', '.1f')}°" if len(firm) == 1 else
                f"between {n(key_lo, lo, 'deg', '.1f')}° and {n(key_hi, hi, 'deg', '.1f')}°")
        clauses.append(f"{who} put it {span}")
    each = []
    for m, v in loose:
        n(f"switch_{m.id}_deg", v, "deg", ".0f")
        n(f"switch_{m.id}_uncertainty_deg", m.switch_uncertainty_deg, "deg", ".0f")
        each.append(f"{angle_text(v, m.switch_uncertainty_deg)}° ({m.name.split(' (')[0]})")
    if each:
        which = "the geometry" if len(each) == 1 else "the two geometries" if len(each) == 2 else "the geometries"
        clauses.append(f"{which} transcribed from papers' coordinate tables (their zero-flexion reference is "
                       f"uncertain) put it at {' and '.join(each)}")
    return ", and ".join(clauses)


def _deep_abduction(n: _Numbers) -> str:
    """At 120° flexion, 30° adduction, 45° external rotation: is it still an abductor, and how strongly, in every model."""
    F, A, R = DEEP
    vals = [float(-curves(m, _piri(m), F, A, R).adduction_moment_arm_mm) for m in _bundled_models()]
    if not vals:
        return ""
    every = all(v > 0 for v in vals)
    head = (f"With the hip at {n('deep_flexion_deg', F, 'deg', '.0f')}°, the knee pulled "
            f"{n('deep_adduction_deg', A, 'deg', '.0f')}° across and the thigh turned "
            f"{n('deep_ext_rot_deg', -R, 'deg', '.0f')}° out, ")
    rng = f"{n('deep_abd_ma_min_mm', min(vals))}-{n('deep_abd_ma_max_mm', max(vals))} mm"
    if every:
        return (head + f"it is still an abductor in every bundled model but with almost no lever ({rng}), so "
                "'a strong abductor when flexed' needs that qualifier.")
    return head + f"its abduction lever in the bundled models runs from {rng} (negative = adductor)."


def _a_contradiction(model: Model, n: _Numbers):
    mu = _piri(model)
    c = curves(model, mu, GRID)
    r0 = float(c.rotation_moment_arm_mm[0])
    rf = float(curves(model, mu, FLEXED).rotation_moment_arm_mm)
    ab = -c.adduction_moment_arm_mm  # abduction lever, positive = abductor
    s = _switch(model, mu)
    if s is None:
        sw = (f"In the {model.name} geometry its rotation action does not change sign between "
              f"{n('range_lo', FLEX_RANGE[0], 'deg', '.0f')}° and {n('range_hi', FLEX_RANGE[1], 'deg', '.0f')}° of flexion.")
    else:
        sw = (f"As the hip bends, the thigh bone swings forward under the muscle, and at about "
              f"{n('switch_deg', s, 'deg', '.1f')}° of flexion the muscle's line of pull crosses the thigh's long axis. "
              f"From there on the same pull turns the thigh inwards: at {n('flexed_deg', FLEXED, 'deg', '.0f')}° "
              f"of flexion it is an internal rotator with a lever arm of {n('rot_ma_flexed_mm', rf)} mm.")
    allab = bool(np.all(ab > 0))
    text = (
        "Both statements are true, at different hip angles, and they are about two different movements.\n\n"
        f"Rotation first. In the {model.name} geometry the piriformis turns the thigh outwards when you stand "
        f"(external rotator, lever arm {n('rot_ma_standing_mm', abs(r0))} mm). {sw}\n\n"
        "Abduction is a different movement: the knee moving away from the midline. "
        + (f"With the thigh neither turned nor moved sideways, the piriformis stays an abductor over the whole "
           f"{n('range_lo', FLEX_RANGE[0], 'deg', '.0f')}-{n('range_hi', FLEX_RANGE[1], 'deg', '.0f')}° range here "
           f"(lever arm {n('abd_ma_min_mm', ab.min())} to {n('abd_ma_max_mm', ab.max())} mm, smallest at "
           f"{n('abd_ma_min_at_deg', GRID[int(np.argmin(ab))], 'deg', '.0f')}°), so with the hip bent it "
           "still pulls against the knee dropping in towards the midline. "
           if allab else
           f"In this geometry its abduction lever arm changes sign within the range "
           f"({n('abd_ma_min_mm', ab.min())} to {n('abd_ma_max_mm', ab.max())} mm; negative = adductor). ")
        + _deep_abduction(n)
        + "\n\n"
    )
    pcsa = fact("piriformis_pcsa_measured")
    text += ("A lever arm's sign says which way the muscle pulls, not how hard it pulls or how much it contributes. ")
    if pcsa:
        text += (f"The piriformis is small: its physiological cross-section is about "
                 f"{n('pcsa_cm2', pcsa['value'], 'cm2', '.1f')} cm² (Parvaresh et al. 2019, measured in cadavers), "
                 "so its share in holding the knee out is modest next to the large gluteal muscles.\n\n")
    else:
        text += "It is a small muscle, so its share in holding the knee out is modest next to the large gluteal muscles.\n\n"
    text += (
        "What changes with flexion is the twist. A knee collapsing inward in a squat or landing is the thigh "
        "moving towards the midline and turning inwards. "
        + (f"Below about {n('switch_deg', s, 'deg', '.1f')}° the piriformis resists both; above it, it still "
           "resists the movement towards the midline but its rotation pull no longer opposes the inward turn - it "
           "adds to it (by how much depends on its force, which a geometry model does not know). So there is no "
           "contradiction: one muscle, two actions, and the rotation one depends on how far the hip is bent."
           if s is not None else "")
    )
    rng = _switch_range(n)
    if rng:
        text += (f"\n\nWhere exactly the switch happens depends on the geometry: with the rest of the hip in neutral, "
                 f"{rng}")
        rules = [e for e in _switch_literature() if e.get("kind") == "rule of thumb" and e.get("low") is not None]
        if rules:
            lows = [float(e["low"]) for e in rules]
            text += (f"; clinical rules of thumb (quoted on the BIOMCH-L mailing list) range from about "
                     f"{n('lit_rule_min_deg', min(lows), 'deg', '.0f')}° to about "
                     f"{n('lit_rule_max_deg', max(lows), 'deg', '.0f')}°")
        text += "."
    fig = FigureSpec("moment_arm_curve", {"muscles": [mu.id], "show_adduction": True, "current_flexion": FLEXED})
    srcs = tuple(e["source"] for e in _switch_literature() if e.get("kind") == "rule of thumb" and e.get("source"))
    if pcsa:
        srcs += (pcsa["source"],)
    return text, fig, srcs


def _lit_angle(n: _Numbers, e: dict) -> str:
    """A published switch angle in words ('between 75° and 90°', 'above about 60°', 'at about 90°'),
    each number registered under the statement's id (labelled by :func:`number_label`)."""
    lo, hi, key = e.get("low"), e.get("high"), e.get("id", "x")
    if hi is None:
        return f"above about {n(f'lit_{key}_low_deg', lo, 'deg', 'g')}°"
    if hi == lo:
        return f"at about {n(f'lit_{key}_deg', lo, 'deg', 'g')}°"
    return f"between {n(f'lit_{key}_low_deg', lo, 'deg', 'g')}° and {n(f'lit_{key}_high_deg', hi, 'deg', 'g')}°"


def _literature_lines(n: _Numbers) -> list[str]:
    """One sentence per published statement: who, the angle as published (or what it found), and its evidence."""
    out = []
    for e in _switch_literature():
        if e.get("kind") == "unreadable":
            out.append(f"- {e['source']}")
            continue
        name = literature_name(e)
        if e.get("kind") == "rule of thumb" and name.lower().startswith("rule of thumb"):
            name = "A r" + name[1:]
        if e.get("low") is None:
            said = str(e.get("statement") or e.get("chart_note") or "no angle given").strip()
            out.append(f"- {name}: {said}" + ("" if said.endswith(".") else "."))
            continue
        verb = "put" if name.split(" (")[0].endswith("s") else "puts"
        ev = f" ({e['evidence']})" if e.get("evidence") else ""
        sure = f" How sure: {flag_words(e['flag'])}." if e.get("flag") and e["flag"] != "VERIFIED" else ""
        out.append(f"- {name} {verb} the switch {_lit_angle(n, e)} of hip flexion{ev}.{sure}")
    return out


def _a_switch_angle(model: Model, n: _Numbers):
    mu = _piri(model)
    s = _switch(model, mu)
    a_abd = _switch(model, mu, -CONTEXT_ADDUCTION, CONTEXT_ROTATION)
    a_add = _switch(model, mu, CONTEXT_ADDUCTION, CONTEXT_ROTATION)
    if s is None:
        first = f"In the {model.name} geometry the piriformis does not switch between 0° and 120° of flexion."
    elif model.switch_uncertainty_deg:
        first = (f"In the {model.name} geometry, with the thigh neither turned nor moved sideways, the piriformis "
                 f"switches from external to internal rotator at {angle_text(s, model.switch_uncertainty_deg)}° of hip "
                 "flexion: this geometry's zero-flexion reference is our reading of the source, so the angle is "
                 "uncertain by about that much.")
        n("switch_deg", s, "deg", ".0f")
        n("switch_uncertainty_deg", model.switch_uncertainty_deg, "deg", ".0f")
    else:
        first = (f"In the {model.name} geometry, with the thigh neither turned nor moved sideways, the piriformis "
                 f"switches from external to internal rotator at {n('switch_deg', s, 'deg', '.1f')}° of hip flexion.")
    text = first + "\n\n"
    rng = _switch_range(n)
    if rng:
        text += f"{rng[0].upper()}{rng[1:]}. "
    if a_abd is not None and a_add is not None:
        text += (f"It also moves with the rest of the pose: with the thigh turned out "
                 f"{n('context_ext_rot_deg', -CONTEXT_ROTATION, 'deg', '.0f')}° and the knee "
                 f"{n('context_add_deg', CONTEXT_ADDUCTION, 'deg', '.0f')}° out to "
                 f"the side it comes at about {n('switch_turned_out_knee_out_deg', a_abd, 'deg', '.1f')}°, with the knee "
                 f"{n('context_add_deg', CONTEXT_ADDUCTION, 'deg', '.0f')}° "
                 f"across instead at about {n('switch_turned_out_knee_across_deg', a_add, 'deg', '.1f')}°. ")
    rules = [float(e["high"] if e.get("high") is not None else e["low"]) for e in _switch_literature()
             if e.get("kind") == "rule of thumb" and e.get("low") is not None]
    if rules:
        text += (f"So the familiar rule of thumb 'about {n('lit_rule_max_deg', max(rules), 'deg', '.0f')}°' is one "
                 "end of a real range, not a fixed point.")
    else:
        text += "So any single switch angle is one point in a real range."
    lines = _literature_lines(n)
    if lines:
        text += "\n\nWhat the published sources say (the figure puts them beside the models):\n\n" + "\n".join(lines)
    srcs = tuple(e["source"] for e in _switch_literature() if e.get("source"))
    return text, FigureSpec("switch_context", {}), srcs


def _a_abductor(model: Model, n: _Numbers):
    mu = _piri(model)
    c = curves(model, mu, GRID)
    ab = -c.adduction_moment_arm_mm
    a0 = float(ab[0])
    af = float(-curves(model, mu, FLEXED).adduction_moment_arm_mm)
    i_min, i_max = int(np.argmin(ab)), int(np.argmax(ab))
    if np.all(ab > 0):
        text = (f"Yes, and it does not become an adductor in the usual range. In the {model.name} geometry, with the "
                f"thigh neither turned nor moved sideways, the piriformis is an abductor at every angle from "
                f"{n('range_lo', FLEX_RANGE[0], 'deg', '.0f')}° to {n('range_hi', FLEX_RANGE[1], 'deg', '.0f')}° of "
                f"flexion: it pulls the thigh away from the midline. How strongly depends on the angle: its abduction "
                f"lever arm is {n('abd_ma_standing_mm', a0)} mm standing and {n('abd_ma_flexed_mm', af)} mm with the "
                f"hip bent to {n('flexed_deg', FLEXED, 'deg', '.0f')}°, largest ({n('abd_ma_max_mm', ab.max())} mm) at "
                f"{n('abd_ma_max_at_deg', GRID[i_max], 'deg', '.0f')}° and smallest "
                f"({n('abd_ma_min_mm', ab.min())} mm) at {n('abd_ma_min_at_deg', GRID[i_min], 'deg', '.0f')}°.\n\n")
    else:
        text = (f"Partly. In the {model.name} geometry its abduction lever arm runs from {n('abd_ma_min_mm', ab.min())} "
                f"to {n('abd_ma_max_mm', ab.max())} mm over 0-120° of flexion (negative values mean it adducts there).\n\n")
    deep = _deep_abduction(n)
    if deep:
        text += deep + "\n\n"
    text += ("With the hip bent, 'abduction' means the knee moving out to the side, so in a flexed hip this is what "
             "anatomy books call horizontal abduction. It is also why pulling the knee across towards the opposite "
             "shoulder (adduction) stretches the muscle. Unlike its rotation action, this one does not flip in the "
             "usual range, although it gets weak in deep flexion.")
    return text, FigureSpec("moment_arm_curve", {"muscles": [mu.id], "show_adduction": True}), ()


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
                f"{n(f'{mu.id}_switch{j + 1}_deg', s.flexion_deg, 'deg', '.1f')}° ({s.direction})"
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
    from ..model import DEFAULT_MODEL_ID, load_model

    mu = _piri(model)
    a_abd = _switch(model, mu, -CONTEXT_ADDUCTION, CONTEXT_ROTATION)
    a_add = _switch(model, mu, CONTEXT_ADDUCTION, CONTEXT_ROTATION)
    lit = _switch_literature()
    parts = ["Because they measure different things, on different hips, in different positions.\n"]
    ref = load_model(DEFAULT_MODEL_ID)
    dists = {m.id: (m, _attachment_distances_mm(m, ref)) for m in _bundled_models() if m.id != ref.id}
    rng = _switch_range(n)
    if dists:
        bits = []
        ref_short = ref.name.split(" (")[0].replace("OpenSim ", "")
        for m, (o, i) in dists.values():
            short = m.name.split(" (")[0].replace("OpenSim ", "")
            os_ = n(f'{m.id}_origin_offset_mm', o, 'mm', '.0f')
            is_ = n(f'{m.id}_insertion_offset_mm', i, 'mm', '.0f')
            ins = f"its insertion {is_} mm" + (" (the same point)" if is_ in ("0", "-0") else "")
            bits.append(f"{short}'s origin lies {os_} mm from {ref_short}'s and {ins}")
        parts.append("- Different geometry: the published models put the muscle's ends in different places. With "
                     f"each model's hip centre placed on {ref_short}'s, " + "; ".join(bits) + ". "
                     + (f"Accordingly, {rng}. " if rng else "")
                     + "Real hips vary too.")
    parts.append("- One line of pull per model: each model draws the muscle as straight segments with no wrapping, so "
                 "one line crosses the joint and it gives one angle.")
    if a_abd is not None and a_add is not None:
        parts.append(f"- Different positions: the angle moves with the rest of the pose. In {model.name}, with the "
                     f"thigh turned out {n('context_ext_rot_deg', -CONTEXT_ROTATION, 'deg', '.0f')}° it is about "
                     f"{n('switch_turned_out_knee_out_deg', a_abd, 'deg', '.1f')}° with the knee "
                     f"{n('context_add_deg', CONTEXT_ADDUCTION, 'deg', '.0f')}° out to the side and about "
                     f"{n('switch_turned_out_knee_across_deg', a_add, 'deg', '.1f')}° with it "
                     f"{n('context_add_deg', CONTEXT_ADDUCTION, 'deg', '.0f')}° across. A source that does not say how "
                     "the thigh was held cannot be compared exactly.")
    for i, e in enumerate(lit):
        if e.get("low") is None or e.get("kind") == "rule of thumb":
            continue
        ev = f" ({e['evidence']})" if e.get("evidence") else ""
        what = "A cadaver estimate, not a measured force" if e.get("kind") == "cadaver estimate" else "Cadaver work"
        sure = f" How sure: {flag_words(e['flag'])}." if e.get("flag") and e["flag"] != "VERIFIED" else ""
        parts.append(f"- {what}: {literature_name(e)} put the turn {_lit_angle(n, e)} of hip flexion{ev}.{sure}")
    rules = [e for e in lit if e.get("kind") == "rule of thumb" and e.get("low") is not None]
    if rules:
        def rule_key(e: dict) -> str:
            return f"lit_{e.get('id', 'rule')}_" + ("deg" if e.get("high") == e["low"] else "low_deg")

        def says(e: dict) -> str:
            name = literature_name(e)
            name = ("a r" + name[1:]) if name.lower().startswith("rule of thumb") else name[0].lower() + name[1:]
            verb = "say" if name.split(" (")[0].endswith("s") else "says"
            return f"{name} {verb} '{n(rule_key(e), e['low'], 'deg', 'g')}°'"

        parts.append("- Rounded rules of thumb, quoted, not measured: " + "; ".join(says(e) for e in rules) + ".")
    delp = next((e for e in lit if e.get("id") == "delp1999"), None)
    if delp:
        parts.append(f"- {literature_name(delp)}: rotation moment arms measured in cadavers and a model showed muscles behind "
                     "the hip switching towards internal rotation with flexion, but the paper gives no single "
                     "piriformis angle.")
    wald = next((e for e in lit if e.get("id") == "waldner"), None)
    if wald:
        parts.append("- An ultrasound study in living people (Waldner and colleagues) found no consistent change in the "
                     "piriformis tendon's thickness with flexion, which its authors say 'may call into question' the "
                     "reversal; tendon thickness is not a measurement of the muscle's action.")
    text = "\n".join(parts)
    srcs = tuple(e["source"] for e in lit if e.get("source"))
    return text, FigureSpec("switch_context", {}), srcs


def _turn_lengthens_from(model: Model, mu, turn_deg: float) -> float | None:
    """The flexion where turning the thigh by ``turn_deg`` (+ in) from pointing ahead changes from
    shortening to lengthening the muscle, or back: the first sign change of the length gained."""
    def gain(f):
        f = np.asarray(f, dtype=float)
        return (length_change(model, mu, f, 0.0, turn_deg).change_mm - length_change(model, mu, f, 0.0, 0.0).change_mm)

    grid = np.arange(FLEX_RANGE[0], FLEX_RANGE[1] + 0.25, 1.0)
    g = gain(grid)
    lo, hi = sign_change_brackets(g)
    if not lo.size:
        return None
    return float(bisect_roots(gain, grid[lo[:1]], grid[hi[:1]], g[lo[:1]], 1e-6)[0])


def _a_which_rotation(model: Model, n: _Numbers):
    shown, notice = _length_notice(model, n)
    model = shown
    mu = _piri(model)
    s = _switch(model, mu)
    c0 = length_change(model, mu, 0.0, 0.0, [-TURN, TURN])
    cf = length_change(model, mu, FLEXED, 0.0, [-TURN, 0.0, TURN])
    t = n("turn_deg", TURN, "deg", ".0f")
    text = (notice + f"It depends on how far the hip is bent. In the {model.name} geometry:\n\n"
            f"- Hip straight: turning the thigh in by {t}° changes the piriformis by "
            f"{n('straight_turn_in_mm', c0.change_mm[1], sign=True)} mm, turning it out by {t}° by "
            f"{n('straight_turn_out_mm', c0.change_mm[0], sign=True)} mm.\n"
            f"- Hip bent to {n('flexed_deg', FLEXED, 'deg', '.0f')}°: turning in by {t}° gives "
            f"{n('flexed_turn_in_mm', cf.change_mm[2] - cf.change_mm[1], sign=True)} mm, "
            f"turning out by {t}° gives "
            f"{n('flexed_turn_out_mm', cf.change_mm[0] - cf.change_mm[1], sign=True)} mm "
            "(both measured from the hip bent with the thigh pointing straight ahead).\n\n")
    if s is not None:
        text += (f"For a small turn, the direction that stretches it flips at about {n('switch_deg', s, 'deg', '.1f')}° "
                 "of flexion - where its rotation action switches, because a muscle is stretched by turning the joint "
                 "the opposite way to the way it pulls. Below the switch, turn the thigh in; above it, turn it out. ")
        out_from, in_until = (_turn_lengthens_from(model, mu, sign * TURN) for sign in (-1.0, 1.0))
        if out_from is not None and in_until is not None and in_until < out_from:
            text += (f"A {t}° turn spreads the flip out: turning out lengthens it only above about "
                     f"{n('turn_out_lengthens_from_deg', out_from, 'deg', '.1f')}°, turning in only below about "
                     f"{n('turn_in_lengthens_until_deg', in_until, 'deg', '.1f')}°, and in between both shorten it a "
                     "little. ")
        text += "That is why the figure-4 is done with the hip deeply bent and the thigh turned out."
    return text, FigureSpec("length_map", {"adduction_deg": 0.0}), ()


def _a_knee_across(model: Model, n: _Numbers):
    shown, notice = _length_notice(model, n)
    model = shown
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
    text = (notice + why + f" Two different stretches are compared here. In the figure-4 as usually done the crossed "
            f"knee falls out to the side; in the knee-to-opposite-shoulder stretch it is pulled across. In the "
            f"{model.name} geometry, with the hip bent to {n('flexion_deg', F, 'deg', '.0f')}° and the "
            f"thigh turned out {n('ext_rot_deg', -R, 'deg', '.0f')}°, the muscle is:\n\n"
            f"- {n('change_knee_out_mm', lc.change_mm[0], sign=True)} mm against standing with the knee fallen "
            f"{n('knee_angle_deg', A, 'deg', '.0f')}° out (the figure-4),\n"
            f"- {n('change_neutral_mm', lc.change_mm[1], sign=True)} mm with the knee straight over the hip,\n"
            f"- {n('change_knee_across_mm', lc.change_mm[2], sign=True)} mm with the knee pulled "
            f"{n('knee_angle_deg', A, 'deg', '.0f')}° across (knee to the opposite shoulder).\n\n"
            f"Its abduction lever arm there is {n('abd_ma_mm', am)} mm"
            + (" (negative: it adducts here)." if am < 0 else ".")
            + (f" So turning the figure-4 into a knee-to-opposite-shoulder stretch adds to it: "
               f"{n('change_knee_out_mm', lc.change_mm[0], sign=True)} → "
               f"{n('change_knee_across_mm', lc.change_mm[2], sign=True)} mm. Neither is wrong: they are two "
               "stretches, and the figure-4 already lengthens the muscle with the knee out."
               if lc.change_mm[2] > lc.change_mm[1] > lc.change_mm[0]
               else " In this geometry the knee's sideways position does not simply add to the stretch."))
    return text, FigureSpec("figure4_steps", {"flexion": F, "adduction": A, "rotation": R}), ()


def _a_moment_arm(model: Model, n: _Numbers):
    from ..lever import rotation_lever

    mu = _piri(model)
    lv = rotation_lever(model, mu, np.array([0.0, FLEXED]))
    (d0, d90), (g0, g90), (r0, rf) = lv.shortest_distance_mm, lv.angle_deg, lv.moment_arm_mm
    text = ("A moment arm (lever arm) says how much turning effect a muscle's pull has about a joint axis. If the "
            "line of pull crossed the axis at a right angle it would simply be the shortest distance between them; "
            "in 3-D it is that shortest distance times the sine of the angle between the line of pull and the axis "
            "(a pull partly along the axis turns nothing). The longer it is, the more turning effect the same pull "
            "has; which side of the axis the line passes decides which way the joint turns.\n\n"
            f"For the piriformis and rotation of the thigh, the axis runs along the thigh bone. In the {model.name} "
            f"geometry, standing, the line of pull passes {n('shortest_distance_standing_mm', d0, 'mm', '.2f')} mm from it at "
            f"{n('axis_angle_standing_deg', g0, 'deg', '.1f')}°, so the lever is "
            f"{n('shortest_distance_standing_mm', d0, 'mm', '.2f')} × sin {n('axis_angle_standing_deg', g0, 'deg', '.1f')}° = "
            f"{n('rot_ma_standing_mm', abs(r0))} mm, on the side that turns the thigh {'out' if r0 < 0 else 'in'}; "
            f"with the hip bent to {n('flexed_deg', FLEXED, 'deg', '.0f')}° it is "
            f"{n('shortest_distance_flexed_mm', d90, 'mm', '.2f')} × sin {n('axis_angle_flexed_deg', g90, 'deg', '.1f')}° = "
            f"{n('rot_ma_flexed_mm', abs(rf))} mm, on the side that turns it {'out' if rf < 0 else 'in'}.\n\n"
            "The same number tells you how fast the muscle lengthens when the joint turns the other way: standing, "
            f"each degree of turning the thigh {'in' if r0 < 0 else 'out'} lengthens the piriformis by about "
            f"{n('mm_per_deg_standing', abs(r0) * math.pi / 180.0, 'mm', '.2f')} mm (the lever arm times the angle in "
            "radians).")
    return text, FigureSpec("anatomy", {"flexion": FLEXED, "adduction": 0.0, "rotation": 0.0, "muscles": [mu.id]}), ()
