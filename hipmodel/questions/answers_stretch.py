"""Answers about stretches, lengths and the sciatic nerve, and the honest out-of-scope answer.

Each builder takes ``(model, n)`` and returns ``(text, figure, sources)``.
"""

from __future__ import annotations

from ..model import Model
from ..stretch import (
    find_pose,
    figure4_steps,
    length_change,
    longest_length,
    pose_table,
)
from .common import BOX, FigureSpec, _Numbers, _bundled_models, _piri, _pose_words, _switch, nerve_variant_summary


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
