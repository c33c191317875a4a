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
from ..switch import sign_change_angles
from .common import FIG4, CONTEXT_ADDUCTION, CONTEXT_ROTATION, FLEXED, FLEX_RANGE, FigureSpec, GRID, TURN, _Numbers, _bundled_models, _piri, _switch, _switch_literature


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
