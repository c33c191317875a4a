"""The figure that goes with each answer, its caption, and an answer exported as Markdown + PNG.
"""

from __future__ import annotations

import io
from pathlib import Path
import numpy as np
from matplotlib.figure import Figure
from . import anatomy as _anat
from . import style as _style
from . import curves as _curves
from ..mechanics import curves
from ..model import Model, load_model
from ..questions import Answer, answer_markdown, nerve_variant_summary
from ..stretch import (
    figure4_steps,
    load_poses,
    pose_table,
)
from ..ranges import map_axes
from ..switch import sign_change_angles, switch_angle_map
from .figure4 import figure4_steps_figure
from .stretch import EXTERNAL_COLOUR, INTERNAL_COLOUR, OKABE_ITO, length_map_figure_for, poses_bar_figure
from .captions import _caption, _model_name, _reserve


def _many_muscles_figure(model: Model, muscle_ids, flex) -> Figure:
    fig = Figure(figsize=(9.0, 5.6), layout="constrained")
    ax = fig.subplots()
    styles = ("-", "--", "-.", ":")
    lim = 5.0
    piri = model.piriformis
    others = [m for m in muscle_ids if model.muscle(m) is not piri]
    ordered = others + [m for m in muscle_ids if model.muscle(m) is piri]
    for i, mid in enumerate(ordered):
        mu = model.muscle(mid)
        r = curves(model, mu, flex).rotation_moment_arm_mm
        lim = max(lim, float(np.max(np.abs(r))))
        if mu is piri:  # the one the reader asked about: black, thick, on top
            colour, ls, lw, z = "#000000", "-", 3.4, 4
        else:
            colour, ls, lw, z = OKABE_ITO[i % 6], styles[(i // 6) % 4], 1.6, 3
        ax.plot(flex, r, color=colour, ls=ls, lw=lw, label=mu.name, zorder=z)
        for s in sign_change_angles(model, mu, 0.0, 0.0, start_deg=float(flex[0]), stop_deg=float(flex[-1])):
            ax.plot(s.flexion_deg, 0, "o", ms=6, mfc="white", mec=colour, mew=2, zorder=5)
    lim *= 1.1
    ax.axhspan(0, lim, color=INTERNAL_COLOUR, alpha=0.07, lw=0)
    ax.axhspan(-lim, 0, color=EXTERNAL_COLOUR, alpha=0.07, lw=0)
    ax.text(0.01, 0.98, "internal rotator", transform=ax.transAxes, va="top", color=INTERNAL_COLOUR, fontweight="bold")
    ax.text(0.01, 0.02, "external rotator", transform=ax.transAxes, va="bottom", color=EXTERNAL_COLOUR,
            fontweight="bold")
    ax.axhline(0, color="k", lw=0.8)
    ax.set_ylim(-lim, lim)
    ax.set_xlim(flex[0], flex[-1])
    ax.set_xlabel("hip flexion (deg)")
    ax.set_ylabel("rotation moment arm (mm)\n+ internal / \u2212 external")
    ax.grid(alpha=0.3)
    ax.set_title(f"Rotation lever arm of each muscle part against hip flexion ({_model_name(model)})", fontsize=10)
    fig.legend(loc="outside right center", fontsize=7.5, frameon=False)
    caption = ("Each line is one muscle part (thick: piriformis). Where a line crosses zero (open circle) the muscle "
               "switches from turning the thigh out to turning it in. Neutral adduction and rotation.")
    _caption(fig, caption, 120)
    _reserve(fig, caption, 120, 0.035)
    return fig


def _moment_arm_answer_figure(model: Model, params: dict) -> Figure:
    flex = np.linspace(0.0, 120.0, 241)
    ids = [m for m in params.get("muscles", ["piriformis"])]
    if len(ids) > 3:
        return _many_muscles_figure(model, ids, flex)
    series, switches = {}, {}
    for mid in ids:
        mu = model.muscle(mid)
        c = curves(model, mu, flex)
        series[mu.name] = {"rotation_moment_arm_mm": c.rotation_moment_arm_mm,
                           "adduction_moment_arm_mm": c.adduction_moment_arm_mm, "length_mm": c.length_mm}
        switches[mu.name] = [s.flexion_deg for s in sign_change_angles(model, mu, 0.0, 0.0, 0.0, 120.0)]
    fig = _curves.moment_arm_figure(flex, series, current_flexion=params.get("current_flexion"), switches=switches,
                                    marker_word="this answer:",
                                  show_adduction=bool(params.get("show_adduction")),
                                  title=f"Rotation lever arm against hip flexion ({_model_name(model)})")
    caption = ("Top: the rotation lever arm (above zero the muscle turns the thigh in, below zero out); the diamond "
               "marks the switch. " + ("Bottom: the adduction lever arm (below zero: an abductor, pulling the knee "
                                       "away from the midline). " if params.get("show_adduction") else "")
               + "Neutral adduction and rotation; straight-line model of published geometry.")
    _caption(fig, caption, 120)
    _reserve(fig, caption, 120, 0.03)
    return fig


def _switch_context_answer_figure(model: Model) -> Figure:
    from ..context import switch_context

    ctx = switch_context()
    rows, lit = ctx.model_rows(), ctx.literature
    add, rot = map_axes()
    smap = switch_angle_map(model, model.muscle("piriformis"), add, rot)
    fig = _curves.switch_context_figure(rows, lit, add, rot, smap, current=None, model_name=model.name.split(" (")[0])
    fig.set_size_inches(12.5, 5.4)
    caption = ("Left: the flexion at which the piriformis turns from external to internal rotator in each bundled "
               "geometry (dots, neutral adduction and rotation) beside published cadaver work (measured or estimated) and "
               "rules of thumb. "
               "Right: in the selected geometry, how that angle moves when the thigh is turned (across) or the knee "
               "moved sideways (up and down); the centre of the map is neutral.")
    _caption(fig, caption, 150)
    _reserve(fig, caption, 150, 0.03)
    return fig


def _nerve_answer_figure() -> Figure | None:
    try:  # the teammates' prevalence figure, if their module is installed and its data load
        from .nerve import prevalence_figure_from_data

        return prevalence_figure_from_data()
    except Exception:
        pass
    s = nerve_variant_summary()
    if s is None:
        return None
    rows = s["any_variant"]
    fig = Figure(figsize=(8.0, 1.8 + 0.45 * len(rows)), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(rows))
    ax.barh(y, [p for _, p, _, _ in rows], color=OKABE_ITO[2], height=0.6, zorder=3)
    ax.set_yticks(y, [f"{lab}" + (f" (n = {n} {u})" if n else "") for lab, _, n, u in rows], fontsize=8)
    for yi, (_, p, _, _) in zip(y, rows):
        ax.annotate(f"{p:g}%", (p, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_xlabel("share of limbs with any variant of the sciatic nerve's course (%)")
    ax.set_xlim(0, 100)
    ax.grid(axis="x", alpha=0.3, zorder=0)
    ax.set_title("How often the sciatic nerve does not take the usual course below the piriformis", fontsize=10)
    caption = "Each bar is one study's reported share of limbs with a variant; from data/sciatic_variants.json."
    _caption(fig, caption)
    _reserve(fig, caption, 130, 0.05)
    return fig


def answer_figure(ans: Answer, model: Model | None = None) -> Figure | None:
    """The figure an answer names (``ans.figure.kind``), built for its model; None for 'none'.

    Parameters
    ----------
    ans : Answer
    model : Model, optional
        The model the answer was built with; default: the bundled model ``ans.model_id``.
    """
    kind, p = ans.figure.kind, dict(ans.figure.params)
    if kind == "none":
        return None
    model = model or load_model(ans.model_id)
    mu = model.muscle(ans.muscle_id)
    if kind == "moment_arm_curve":
        return _moment_arm_answer_figure(model, p)
    if kind == "length_map":
        ids = p.get("pose_ids")
        poses = load_poses() if ids is None else tuple(x for x in load_poses() if x.id in ids)
        if ids is None:
            poses = tuple(x for x in poses if x.category in ("stretch", "cadaver", "everyday", "test"))
        cur = p.get("current")
        return length_map_figure_for(model, mu, float(p.get("adduction_deg", 0.0)), poses,
                                     tuple(cur) if cur else None)
    if kind == "figure4_steps":
        steps = figure4_steps(model, mu, p.get("flexion", 100.0), p.get("adduction", 20.0), p.get("rotation", -45.0))
        return figure4_steps_figure(steps, model, mu.id, with_text=False)  # the answer's text has the sentences
    if kind == "poses_bar":
        cats = p.get("categories")
        poses = tuple(x for x in load_poses() if cats is None or x.category in cats)
        return poses_bar_figure(pose_table(model, mu, poses), _model_name(model), mu.name.lower())
    if kind == "switch_context":
        return _switch_context_answer_figure(model)
    if kind == "nerve_variants":
        return _nerve_answer_figure()
    if kind == "anatomy":
        f = _anat.anatomy_figure(model, p.get("muscles", [mu.id]), p.get("flexion", 0.0), p.get("adduction", 0.0),
                                 p.get("rotation", 0.0))
        return f
    raise ValueError(f"unknown figure kind {kind!r}")


_CAPTIONS = {
    "moment_arm_curve": ("The rotation lever arm (shortest distance between the line of pull and the axis × sine of "
                         "the angle between them) against hip flexion, with the switch marked"),
    "length_map": "Length change over hip flexion and rotation, with the switch line and the named poses",
    "figure4_steps": "The figure-4 stretch step by step: length and lever arm at each step",
    "poses_bar": "How much each named position lengthens the piriformis",
    "switch_context": "Where the switch falls: the models beside the literature, and how the pose moves it",
    "nerve_variants": "How often the sciatic nerve takes another course, study by study",
    "anatomy": ("The hip at the pose, with the muscle's lever about the thigh's long axis (shortest distance between "
                "the line of pull and the axis × sine of the angle between them)"),
}


def answer_figure_caption(ans: Answer) -> str:
    """A one-line caption for the answer's figure (for Markdown and the app)."""
    if ans.figure.kind not in _CAPTIONS:
        return ""
    if ans.figure.kind == "nerve_variants":  # published prevalence, no muscle model in it
        return f"{_CAPTIONS[ans.figure.kind]}; shares of limbs (hips), not of people; from the bundled nerve data"
    if ans.figure.kind == "switch_context":  # every bundled model beside the literature
        return f"{_CAPTIONS[ans.figure.kind]}; all bundled models"
    return f"{_CAPTIONS[ans.figure.kind]}; model: {ans.model_name.split(' (')[0]}"




def export_answer(ans: Answer, out_dir, model: Model | None = None, dpi: int = 150) -> tuple[Path, Path | None]:
    """Write ``<question_id>.md`` and its figure ``<question_id>.png`` side by side.

    Returns
    -------
    (markdown path, PNG path or None if the answer has no figure)
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig = answer_figure(ans, model)
    png = None
    if fig is not None:
        png = out / f"{ans.question_id}.png"
        png.write_bytes(_style.figure_bytes(fig, "png", dpi))
    md = out / f"{ans.question_id}.md"
    md.write_text(answer_markdown(ans, png.name if png else None, answer_figure_caption(ans) if png else None),
                  encoding="utf-8")
    return md, png


def answer_zip(ans: Answer, model: Model | None = None, dpi: int = 150) -> bytes:
    """``<question_id>.md`` and its figure ``<question_id>.png`` in one zip (bytes).

    The Markdown links the PNG by its bare name, so the link works once unpacked; the
    same two files :func:`export_answer` writes, for a download button.
    """
    import zipfile

    fig = answer_figure(ans, model)
    png_name = f"{ans.question_id}.png" if fig is not None else None
    md = answer_markdown(ans, png_name, answer_figure_caption(ans) if fig is not None else None)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{ans.question_id}.md", md)
        if fig is not None:
            z.writestr(png_name, _style.figure_bytes(fig, "png", dpi))
    return buf.getvalue()
