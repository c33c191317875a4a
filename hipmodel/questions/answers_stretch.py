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
from .common import BOX, FigureSpec, _Numbers, _bundled_models, _length_models, _length_notice, _piri, _pose_words, _switch, fact, nerve_variant_summary


def _bartret(n: _Numbers) -> tuple[str, tuple]:
    """What the project's own data say about nerve variants and piriformis syndrome (Bartret 2018), or ''."""
    try:
        from ..nerve import load_nerve_variants

        study = next(s for s in load_nerve_variants().studies if s.id == "bartret2018")
    except (StopIteration, Exception):  # noqa: BLE001 - a broken or missing file: say nothing
        return "", ()
    ps = {f.subgroup: f.percent for f in study.findings if f.measure == "piriformis_syndrome"}
    var, usual = ps.get("hips with a variant"), ps.get("hips with the usual anatomy")
    if var is None or usual is None:
        return "", ()
    f = fact("bartret_syndrome_by_anatomy")
    p = f"p = {n('bartret_p', f['p_value'], '', '.2f')}; " if f and f.get("p_value") is not None else ""
    text = (f"Having the nerve run through or above the muscle is not by itself shown to be a cause: in an MRI series "
            f"of {n('bartret_n_hips', study.sample_size, 'hips', '.0f')} hips, piriformis syndrome had been diagnosed in "
            f"{n('bartret_variant_pct', var, '%', '.1f')}% of hips with a nerve variant and "
            f"{n('bartret_usual_pct', usual, '%', '.1f')}% of hips without one, not a significant difference "
            f"({p}Bartret et al. 2018). Shares are of hips, not of people.")
    return text, (study.citation,)


def _a_beyond_stretches(model: Model, n: _Numbers):
    text = (
        "That is a question about treatment, and an anatomy model cannot answer it. It knows the geometry of "
        "bones and muscle attachments; it knows nothing about you, your symptoms, what is causing them or what "
        "you have tried, and it has no evidence about which treatments work. So it will not suggest a position, "
        "an exercise or a treatment.\n\n"
        "Please ask someone who can examine you - a physiotherapist, a sports-medicine doctor or your family "
        "doctor. They can look at the whole picture, which a model of bones and muscle lines cannot.\n\n"
        "General safety advice, not from this model or its sources: new weakness in the leg or foot, numbness that "
        "spreads or reaches the groin or the area you would sit on, or new trouble controlling the bladder or "
        "bowels need a doctor the same day, not stretching.\n\n"
    )
    bart, srcs = _bartret(n)
    if bart:
        text += bart + "\n\n"
    text += ("What this model can show you is background anatomy: which hip positions lengthen the piriformis, why "
             "the figure-4 stretch is done with the hip deeply bent, and how the sciatic nerve usually runs past the "
             "muscle.")
    return text, FigureSpec("none", {}), srcs


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
                 f"{n('nerve_type_a_pct', types.get('A', 0.0), '%', '.1f')}% of limbs (a share of limbs, not of "
                 "people: a person has two).")
        sources = (nerve["complete_citation"],)
    else:
        text += ". (The nerve-variant data file is not installed in this copy, so no prevalence figures are shown.)"
    return text, FigureSpec("none", {}), sources


def _a_figure4(model: Model, n: _Numbers):
    model, notice = _length_notice(model, n)
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
    text = (notice + "The figure-4 as usually done: lying on your back, the ankle crossed over the other thigh and "
            "the crossed knee allowed to fall out to the side (hip flexion, abduction and external rotation, as in "
            "the FABER test), then the other thigh drawn in to add flexion. Step by step, in the " + model.name
            + " geometry:\n\n"
            + "\n".join(f"{st.number}. {st.sentence}" for st in steps) + "\n\n")
    turn = f"{abs(steps[2].rotation_deg):g}°"
    if s is not None:
        text += (f"So the stretch works because it is done with the hip bent past the switch "
                 f"(about {n('switch_deg', s, 'deg', '.1f')}° here), where turning the thigh out pulls the muscle longer. "
                 f"The same {turn} outward turn with the hip straight would "
                 f"{'shorten' if straight < 0 else 'lengthen'} it by {n('ext_rot_straight_mm', abs(straight))} mm "
                 f"- with the hip straight, it is turning the thigh in that stretches it.")
    text += (f" Altogether the muscle ends {n('total_change_mm', steps[3].change_mm, sign=True)} mm "
             f"({n('total_change_pct', steps[3].change_pct, '%', '.1f', sign=True)}%) longer than standing.")
    return text, FigureSpec("figure4_steps", {"flexion": steps[3].flexion_deg, "adduction": steps[3].adduction_deg,
                                              "rotation": steps[3].rotation_deg}), ()


def _a_best_stretch(model: Model, n: _Numbers):
    model, notice = _length_notice(model, n)
    mu = _piri(model)
    table = [r for r in pose_table(model, mu) if r.pose.category in ("stretch", "cadaver")]
    table.sort(key=lambda r: -r.change_mm)
    best = longest_length(model, mu, *BOX)
    (f_lo, f_hi), (a_lo, a_hi), (r_lo, r_hi) = BOX
    knee_out = float(length_change(model, mu, best.flexion_deg, a_lo, best.rotation_deg).change_mm)
    corners = []
    for m in _length_models():
        b = longest_length(m, _piri(m), *BOX)
        corners.append((b.flexion_deg >= f_hi - 10.0, b.adduction_deg >= a_hi - 1e-6, b.rotation_deg <= r_lo + 1e-6))
    if corners and all(all(c) for c in corners):
        recipe = (f"The {n('n_models', len(corners), '', '.0f')} bundled geometries used for lengths agree on where it "
                  "lies: hip deeply bent, knee across, thigh turned out.")
    else:
        recipe = "The bundled geometries do not all agree on where the longest pose lies; compare them in the app."
    lines = []
    for i, r in enumerate(table[:3]):
        flag = {"CHOSEN": " (angles typical, chosen by us)", "PARTLY CHOSEN": " (some angles chosen by us)",
                "UNVERIFIED": " (angles unverified)"}.get(r.pose.flag, "")
        lines.append(f"- {r.pose.name}: {n(f'rank{i + 1}_change_mm', r.change_mm, sign=True)} mm "
                     f"({n(f'rank{i + 1}_change_pct', r.change_pct, '%', '.1f', sign=True)}%){flag}")
    text = (notice + f"Of the named stretch and cadaver positions, these lengthen the piriformis most in the {model.name} "
            "geometry (against standing):\n\n" + "\n".join(lines) + "\n\n"
            f"Searching every pose within {n('box_flex_lo', f_lo, 'deg', '.0f')}-{n('box_flex_hi', f_hi, 'deg', '.0f')}° "
            f"flexion, ±{n('box_add', a_hi, 'deg', '.0f')}° adduction and ±{n('box_rot', r_hi, 'deg', '.0f')}° rotation, "
            f"the longest is {_pose_words(n, 'best', *best.angles)}: "
            f"{n('best_change_mm', best.change_mm, sign=True)} mm ({n('best_change_pct', best.change_pct, '%', '.1f', sign=True)}%). "
            f"{recipe} Letting the knee fall out to the side instead "
            f"({n('box_abd', -a_lo, 'deg', '.0f')}° abduction) leaves it at "
            f"{n('best_knee_out_change_mm', knee_out, sign=True)} mm.\n\n"
            "Cadaver studies point the same way without settling the details: McGovern and colleagues found the "
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
    from ..nerve import share_through, units_text

    label, total, types = nerve["complete"]
    through = sum(types.get(L, 0.0) for L in nerve["through_letters"])
    sh = share_through()
    alo, ahi = sh.any_variant_range
    general = [e for e in sh.any_variant]
    text = (f"No. In most people the nerve runs out below the piriformis. In the largest fully classified "
            f"dissection series in the data ({label}, {n('nerve_sample_n', total, 'limbs', '.0f')} limbs) that was "
            f"{n('nerve_type_a_pct', types.get('A', 0.0), '%', '.1f')}%, and the nerve or one of its divisions went "
            f"through the muscle in {n('nerve_through_pct', through, '%', '.1f')}%.\n\n"
            f"Across the studies in the data, any departure from the usual course is reported in "
            f"{n('nerve_any_min_pct', alo, '%', '.1f')}-{n('nerve_any_max_pct', ahi, '%', '.1f')}% of limbs (hips) in "
            "general samples (" + ", ".join(e.short for e in general) + "), depending on the population and the method "
            "(dissection or MRI)")
    sub = sh.subgroup_rows()
    for i, e in enumerate(sub):
        text += f", and in {n(f'nerve_subgroup{i}_pct', e.percent, '%', 'g')}% in {e.subgroup} ({e.short})"
    typed = sh.type_b_majority_studies()
    text += f". These are {units_text()}: a person has two limbs. "
    if typed:
        names = list(typed)
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        text += (f"In the studies that give types ({who}) most variants are type B, one division passing through "
                 "the muscle. ")
    text += ("So 'through the piriformis in everyone' is wrong: it is the exception, and how common it is depends "
             "on who was studied.\n\n"
             "This is anatomy, not a diagnosis: having a variant does not by itself mean symptoms.")
    srcs = [nerve["complete_citation"]] + [e.citation for e in general] + [e.citation for e in sub]
    srcs += [e.citation for e in sh.through if e.short in typed]
    from .common import cited_sources
    return text, FigureSpec("nerve_variants", {}), cited_sources(text, srcs)


def _short_cite(citation: str) -> str:
    """'Fishman et al. 2002' from a full citation; else its first clause."""
    import re

    m = re.match(r"([A-Z][A-Za-z'\-]+)[^(]*\(((?:19|20)\d\d)\)", citation)
    if m:
        return f"{m.group(1)} et al. {m.group(2)}"
    return re.split(r" \(|;", citation)[0].strip()


def _a_pose(pose_id: str, intro: str):
    def build(model: Model, n: _Numbers):
        model, notice = _length_notice(model, n)
        mu = _piri(model)
        p = find_pose(pose_id)
        r = next(x for x in pose_table(model, mu, (p,)))
        s = _switch(model, mu, p.adduction_deg, p.rotation_deg)
        flag = {"CHOSEN": "These angles are typical values we chose; no source gives them.",
                "PARTLY CHOSEN": "Some of these angles are our choice (the source does not give them).",
                "UNVERIFIED": "These angles are unverified: they illustrate the position, they are not measurements.",
                "VERIFIED": "The angles are from the source."}[p.flag]
        text = (notice + f"{intro} Taking it as {p.angles_text()} ({flag.lower()[:-1]}), the piriformis in the {model.name} "
                f"geometry is {n('change_mm', r.change_mm, sign=True)} mm "
                f"({n('change_pct', r.change_pct, '%', '.1f', sign=True)}%) against standing.\n\n")
        rot = r.rotation_moment_arm_mm
        if p.rotation_deg != 0:
            no_rot = float(length_change(model, mu, p.flexion_deg, p.adduction_deg, 0.0).change_mm)
            # from the rounded numbers on the page, so that they add up there (19.3 - 0.2 = 19.1 read wrong)
            part = round(float(r.change_mm), 1) - round(no_rot, 1)
            text += (f"The {n('pose_rotation_deg', abs(p.rotation_deg), 'deg', 'g')}° of "
                     f"{'internal' if p.rotation_deg > 0 else 'external'} rotation accounts for "
                     f"{n('rotation_part_mm', part, sign=True)} mm of that: with the thigh not turned the change "
                     f"would be {n('no_rotation_change_mm', no_rot, sign=True)} mm. ")
        if s is not None:
            side = "past" if p.flexion_deg > s else "below"
            text += (f"At this pose the switch comes at {n('switch_deg', s, 'deg', '.1f')}° of flexion, so the hip is "
                     f"{side} it: the muscle is {'an internal' if rot > 0 else 'an external'} rotator here (lever arm "
                     f"{n('rot_ma_mm', abs(rot))} mm) and turning the thigh "
                     f"{'out' if rot > 0 else 'in'} would stretch it further.")
        text += f"\n\nHow it is done: {p.how_to}"
        srcs = ()
        if p.source != "chosen":
            text += (f" (Position as commonly described after {_short_cite(p.source_citation)}; the angles are not "
                     "confirmed in that source.)" if p.flag == "UNVERIFIED" else
                     f" (Position as described by {_short_cite(p.source_citation)}.)")
            srcs = (p.source_citation,)
        return text, FigureSpec("length_map", {"adduction_deg": p.adduction_deg, "current": list(p.angles),
                                               "pose_ids": [p.id]}), srcs
    return build


def _a_cadaver(model: Model, n: _Numbers):
    model, notice = _length_notice(model, n)
    mu = _piri(model)
    table = [r for r in pose_table(model, mu) if r.pose.source == "mcgovern"]
    ranked = sorted(table, key=lambda r: -r.change_mm)
    lines = [f"- {r.pose.name}: {n(f'{r.pose.id}_change_mm', r.change_mm, sign=True)} mm"
             + (" (flexion and rotation chosen by us)" if r.pose.flag != "VERIFIED" else "") for r in table]
    best = longest_length(model, mu, *BOX)
    va = find_pose("vaarbakken_max")
    agree = ranked[0].pose.id == "mcgovern3"
    text = (notice + f"{'Largely' if agree else 'Partly'}. McGovern and colleagues measured the length change of "
            f"the short external rotators in cadaver hips in the positions below. The {model.name} geometry gives, against "
            "standing:\n\n" + "\n".join(lines) + "\n\n"
            "In the cadavers the adduction position at a right angle of flexion gave the largest piriformis change; "
            + ("this model agrees. " if agree else
               f"in this model the largest of the four is {ranked[0].pose.name}, so they disagree on the order. ")
            + "The model's own ranking depends on angles the paper does not give.\n\n")
    measured = fact("vaarbakken_piriformis_lengthening")
    meas = (f"The cadavers' piriformis lengthened by {n('vaarbakken_measured_mm', measured['value'], 'mm', '.0f')} mm "
            "there. " if measured else "")
    rows = []
    for m in _bundled_models():
        v = next(x for x in pose_table(m, _piri(m), (va,)))
        short = m.name.split(" (")[0].replace("OpenSim ", "")
        rows.append((m, f"{short} {n(f'vaarbakken_{m.id}_mm', v.change_mm, sign=True)} mm"))
    used = [t for m, t in rows if m.use_for_length]
    unused = [(m, t) for m, t in rows if not m.use_for_length]
    found = (f"{n('vaarbakken_flexion_deg', va.flexion_deg, 'deg', 'g')}° flexion and "
             f"{n('vaarbakken_adduction_deg', va.adduction_deg, 'deg', 'g')}° adduction")
    text += (f"Vaarbakken and colleagues found the piriformis longest at {found} (they give no rotation; we take the "
             f"thigh as not turned). {meas}At that pose the models give " + ", ".join(used) + ".")
    if unused:
        text += (" The two geometries transcribed from their papers' coordinate tables give " + ", ".join(t for _, t in unused)
                 + ": their insertions lie almost on the hip's flexion axis, so flexion barely changes their length, "
                 "and they are not used for lengths.")
    text += (" So the models agree with the cadavers on the direction but give less than the measured lengthening: "
             "a straight line from origin to insertion is shorter than a muscle that wraps around bone, and three "
             "cadaver hips are a small sample, so compare directions, not millimetres.\n\n"
             f"In the {model.name} geometry the longest pose in the usual joint range is "
             f"{_pose_words(n, 'best', *best.angles)}, {n('best_change_mm', best.change_mm, sign=True)} mm"
             + (", on the edge of that range" if best.at_limits else "")
             + ". A straight-line model has no joint capsule, other muscles or bone contact to stop the hip, so it "
             "cannot say where a real hip's range ends.")
    srcs = tuple(dict.fromkeys(r.pose.source_citation for r in table)) + (va.source_citation,)
    return text, FigureSpec("poses_bar", {"categories": ["cadaver"]}), srcs


def _a_length(model: Model, n: _Numbers):
    model, notice = _length_notice(model, n)
    mu = _piri(model)
    lc = length_change(model, mu, 0.0)
    best = longest_length(model, mu, *BOX)
    text = (notice + f"In the {model.name} geometry the piriformis, from its origin on the sacrum to its tendon's "
            f"insertion on the greater trochanter, is {n('standing_mm', lc.standing_mm, 'mm', '.0f')} mm long standing "
            "(muscle plus tendon, as straight segments from point to point). Within the usual joint range it can be "
            "lengthened by up to "
            f"{n('best_change_mm', best.change_mm)} mm, about {n('best_change_pct', best.change_pct, '%', '.0f')}% of "
            f"that whole length, at {_pose_words(n, 'best', *best.angles)}.")
    srcs = ()
    fib = fact("piriformis_fibre_length_measured")
    mus = fact("piriformis_muscle_length_measured")
    arch = mu.architecture or {}
    if fib:
        fib_mm = float(fib["value"]) * 10.0
        text += (f" Dissected piriformis fibres measure about {n('fibre_measured_mm', fib_mm, 'mm', '.0f')} mm "
                 + (f"(muscle belly {n('muscle_measured_mm', float(mus['value']) * 10.0, 'mm', '.0f')} mm) " if mus else "")
                 + "in cadavers (Parvaresh et al. 2019), so if all of the stretch went into the fibres, "
                 f"{n('best_change_mm', best.change_mm)} mm would be about "
                 f"{n('best_change_pct_of_measured_fibre', 100.0 * best.change_mm / fib_mm, '%', '.0f')}% of their "
                 "length; the tendon takes some of it, so the fibres' share is smaller.")
        srcs = (fib["source"],)
        if "optimal_fibre_length_cm" in arch:
            text += (f" (The {n('fibre_model_mm', float(arch['optimal_fibre_length_cm']) * 10.0, 'mm', '.0f')} mm "
                     f"'optimal fibre length' in the {model.name} file is a simulation parameter, not a measured "
                     "fibre length.)")
    text += "\n\nThe heat map shows how the length changes over hip flexion and rotation."
    return text, FigureSpec("length_map", {"adduction_deg": 0.0}), srcs


def _a_out_of_scope(model: Model, n: _Numbers):
    s = _switch(model, _piri(model))
    text = ("That is outside what an anatomy model can answer. Questions about treatment, medication, diagnosis, "
            "or pain and symptoms in a particular person need someone who can examine you: please ask a "
            "physiotherapist or a doctor. The model has no information about you and no evidence about treatments, "
            "so it will not guess.\n\n"
            "What it can show: how the piriformis lengthens in different hip positions, "
            + (f"why its rotation action switches (at about {n('switch_deg', s, 'deg', '.1f')}° of flexion in the "
               f"{model.name} geometry), " if s is not None else "how its rotation action changes with flexion, ")
            + "why the figure-4 stretch works, and how the sciatic nerve usually runs past it.")
    return text, FigureSpec("none", {}), ()


def _a_no_match(model: Model, n: _Numbers):
    from .bank import QUESTIONS

    text = ("I could not match that to a question this model can answer. These are the questions it can answer; "
            "pick one, or ask again in other words:\n\n"
            + "\n".join(f"- {q.title}" for q in QUESTIONS if not q.out_of_scope))
    return text, FigureSpec("none", {}), ()
