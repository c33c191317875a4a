"""The figure-4 stretch step by step: small anatomy views per step, the sentences, and the
length and lever arm at each step (:func:`figure4_steps_figure`)."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from . import anatomy as _anat
from ..model import Model, Muscle
from .captions import _caption, _model_name, _reserve
from .stretch import EXTERNAL_COLOUR, INTERNAL_COLOUR, OKABE_ITO

__all__ = ["figure4_steps_figure"]


def _stick(ax, model: Model, muscle: Muscle, pose, view: str) -> None:
    """Fallback sketch: thigh, shank and muscle line, if the anatomy drawing is unavailable."""
    from ..kinematics import rotation_matrix
    from ..mechanics import path_points_m

    h, v = {"lateral": (0, 1), "posterior": (2, 1), "superior": (2, 0)}[view]
    R = rotation_matrix(*pose)
    hip = model.hip_centre * 1000
    knee = hip + R @ np.asarray(model.knee_centre_m) * 1000
    # the shank: knee bent to a right angle once the hip is bent (as in the stretch), else straight
    shank = np.array([-0.4, 0.0, 0.0]) if pose[0] > 45 else np.array([0.0, -0.4, 0.0])
    ankle = knee + R @ shank * 1000
    pts = path_points_m(model, muscle, *pose) * 1000
    for a, b, c, lw in ((hip, knee, "#8C7B5A", 6), (knee, ankle, "#BBAA88", 4)):
        ax.plot([a[h] - hip[h], b[h] - hip[h]], [a[v] - hip[v], b[v] - hip[v]], color=c, lw=lw, solid_capstyle="round")
    ax.plot(pts[:, h] - hip[h], pts[:, v] - hip[v], color=OKABE_ITO[5], lw=3)
    ax.set_aspect("equal")
    ax.set_xlim(-450, 450)
    ax.set_ylim(-450, 200)


def figure4_steps_figure(steps, model: Model, muscle_id: str = "piriformis",
                         views=("lateral", "posterior", "superior"), with_text: bool = True) -> Figure:
    """The figure-4 explainer: small anatomy views per step, then length and moment arm per step.

    Parameters
    ----------
    steps : sequence of Figure4Step
        From :func:`hipmodel.stretch.figure4_steps`.
    model : Model
        For the anatomy views.
    views : sequence of {'lateral', 'superior', 'posterior'}
        One row of small anatomy views per entry: from the side shows the flexion, from
        behind the piriformis itself from sacrum to trochanter, from above the rotation and
        the knee moving across.
    with_text : bool
        The steps' sentences in the picture (for a PNG on its own); off where the page
        beside it already prints them (the app, an answer).
    """
    steps = list(steps)
    views = tuple(views)
    nv = len(views)
    block = _steps_block(steps)
    text_in = (block.count("\n") + 1) * 9.0 * 1.45 / 72.0 + 0.25 if with_text else 0.05
    fig, gs, axs = _steps_grid(len(steps), nv, text_in)
    mu = model.muscle(muscle_id)
    for r, view in enumerate(views):
        _anatomy_row(axs[r], steps, model, mu, view, titled=r == 0)
    fig.suptitle(f"The figure-4 stretch step by step, right hip ({_model_name(model)})", fontsize=11.5)
    if with_text:
        _sentences_row(fig, gs[nv, :], block)
    ax1, ax2 = _bar_axes(fig, gs[nv + 1, :])
    _length_bars(ax1, steps, mu.name)
    _lever_bars(ax2, steps)
    caption = ("Top: the right hip at each step, from the side, from behind and from above (the OpenSim bone meshes; the pink "
               "line is the muscle, the short bar its lever about the thigh's long axis (the shortest distance "
               "between the line of pull and the axis times the sine of the angle between them), blue when it turns "
               "the thigh out, vermillion when it turns it in, grey under 1 mm). Bottom left: how "
               "much longer the muscle is than standing. Bottom right: its rotation lever arm; once the hip is bent "
               "past the switch, it becomes an internal rotator, so turning the thigh out (the crossed ankle) "
               "stretches it. Straight-line model of published geometry.")
    _caption_with_bone_credit(fig, model, mu, caption)
    return fig


def _steps_block(steps) -> str:
    """The plain sentences, one per step, wrapped to the figure's width."""
    return "\n".join(textwrap.fill(f"{st.number}. {st.sentence}", 165, subsequent_indent="    ") for st in steps)


def _steps_grid(k: int, nv: int, text_in: float):
    """The figure, its grid (anatomy rows, the sentences' row as tall as they are, the bars) and the anatomy axes."""
    fig = Figure(figsize=(12.5, 4.6 + 2.9 * nv + text_in), layout="constrained")
    # one grid on the figure itself (not subfigures): the anatomy drawing measures its axes on the root figure
    gs = fig.add_gridspec(nv + 2, k, height_ratios=[2.9] * nv + [text_in, 3.2])
    axs = np.array([[fig.add_subplot(gs[r, c]) for c in range(k)] for r in range(nv)]).reshape(nv, k)
    return fig, gs, axs


def _anatomy_row(axes, steps, model: Model, mu: Muscle, view: str, titled: bool) -> None:
    """One row of small anatomy views, a step each (titled with the step and its length if ``titled``)."""
    sketched = False
    for ax, st in zip(axes, steps):
        try:  # the explorer's window on the hip: the pelvis and the muscle fill the panel, the thigh runs out
            _anat.draw_anatomy(ax, model, [mu.id], st.flexion_deg, st.adduction_deg, st.rotation_deg, view=view,
                               detail="coarse")
        except Exception:  # the shared anatomy drawing is optional here: fall back to a stick sketch
            ax.cla()
            _stick(ax, model, mu, st.angles, view)
            sketched = True
        ax.set_title("", loc="left")  # the view's own name: the row label says it
        ax.set_title(textwrap.fill(f"{st.number}. {st.title}", 34) + f"\n{st.length_mm:.0f} mm "
                     f"({st.change_mm:+.1f} mm)" if titled else "", fontsize=9.5, fontweight="bold")
    if sketched:  # a whole-leg sketch: one window holding every step's leg
        _shared_limits(axes)
    # clear of the orientation labels that the view writes just left of its frame
    axes[0].set_ylabel(_VIEW_WORDS.get(view, view), fontsize=10, fontweight="bold", labelpad=34)


def _sentences_row(fig, spec, block: str) -> None:
    """The steps' sentences in their own row."""
    tax = fig.add_subplot(spec)
    tax.axis("off")
    # wrapped to the row's width already: out of the layout, or the layout narrows every column to make room
    tax.text(0.0, 1.0, block, transform=tax.transAxes, va="top", fontsize=9.0, linespacing=1.45, in_layout=False)


def _bar_axes(fig, spec):
    """The two bar charts' axes, side by side."""
    # a grid of their own: their axis labels then take no width from the anatomy columns above
    bars = spec.subgridspec(1, 2)
    return fig.add_subplot(bars[0, 0]), fig.add_subplot(bars[0, 1])


def _step_tick_labels(steps) -> list[str]:
    """Each step's number and title, wrapped to fit under its bar."""
    labels = [f"{st.number}. {st.title}" for st in steps]
    return [textwrap.fill(s, 18) for s in labels]


def _length_bars(ax1, steps, muscle_name: str) -> None:
    """Bars: the length change against standing at each step, and the change from the step before."""
    k = len(steps)
    x = np.arange(k)
    wrapped = _step_tick_labels(steps)
    change = np.array([st.change_mm for st in steps])
    ax1.bar(x, change, color=["#BBBBBB"] + ["#5E3C99"] * (k - 1), width=0.6, zorder=3)
    for i, st in enumerate(steps):
        ax1.annotate(f"{st.change_mm:+.1f} mm", (i, st.change_mm), xytext=(0, 3 if st.change_mm >= 0 else -12),
                     textcoords="offset points", ha="center", fontsize=8.5, fontweight="bold")
        if i:
            ax1.annotate(f"step {st.step_change_mm:+.1f}", (i, 0), xytext=(0, 4), textcoords="offset points",
                         ha="center", fontsize=7.5, color="white" if st.change_mm > 4 else "black")
    ax1.axhline(0, color="k", lw=0.8)
    ax1.set_xticks(x, wrapped, fontsize=7.5)
    ax1.set_ylabel("length change against standing (mm)")
    ax1.set_title(f"{muscle_name} length at each step", fontsize=10)
    ax1.grid(axis="y", alpha=0.3, zorder=0)
    ax1.margins(y=0.18)


def _lever_bars(ax2, steps) -> None:
    """Bars: the rotation moment arm at each step, coloured by the way it turns the thigh."""
    x = np.arange(len(steps))
    wrapped = _step_tick_labels(steps)
    rma = np.array([st.rotation_moment_arm_mm for st in steps])
    ax2.bar(x, rma, color=[INTERNAL_COLOUR if v > 0 else EXTERNAL_COLOUR for v in rma], width=0.6, zorder=3)
    for i, v in enumerate(rma):
        ax2.annotate(f"{abs(v):.1f} mm\n{'internal' if v > 0 else 'external'}", (i, v),
                     xytext=(0, 3 if v >= 0 else -22), textcoords="offset points", ha="center", fontsize=8)
    ax2.axhline(0, color="k", lw=0.8)
    ax2.set_xticks(x, wrapped, fontsize=7.5)
    ax2.set_ylabel("rotation moment arm (mm)\n+ internal / \u2212 external rotator")
    ax2.set_title("Which way it turns the thigh at each step", fontsize=10)
    ax2.grid(axis="y", alpha=0.3, zorder=0)
    ax2.margins(y=0.3)
    ax2.legend(handles=[Patch(color=EXTERNAL_COLOUR, label="external rotator: turning the thigh IN stretches it"),
                        Patch(color=INTERNAL_COLOUR, label="internal rotator: turning the thigh OUT stretches it")],
               fontsize=7.5, loc="lower right")


def _caption_with_bone_credit(fig, model: Model, mu: Muscle, caption: str) -> None:
    """The caption under the figure, with the bone meshes' credit (and whether they are borrowed)."""
    from ..anatomy import anatomy_scene

    scene = anatomy_scene(model, [mu.id], 0.0, 0.0, 0.0)  # the bones' credit, and whether they are borrowed
    caption = f"{caption} {scene.caption_text()}".rstrip()
    _caption(fig, caption, 190, 7.8)
    _reserve(fig, caption, 190, 0.02)


def _shared_limits(axes, pad: float = 0.06) -> None:
    """One set of limits for a row of views, holding every line drawn in any of them (equal aspect)."""
    xs, ys = [], []
    for ax in axes:
        for ln in ax.get_lines():
            x, y = np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)
            ok = np.isfinite(x) & np.isfinite(y)
            xs.append(x[ok])
            ys.append(y[ok])
        for coll in ax.collections:  # the bone meshes (added without updating the data limits)
            b = coll.get_datalim(ax.transData)
            if np.all(np.isfinite(b.extents)) and b.width > 0 and b.height > 0:
                xs.append(np.array([b.x0, b.x1]))
                ys.append(np.array([b.y0, b.y1]))
    if not xs or not np.concatenate(xs).size:
        return
    x, y = np.concatenate(xs), np.concatenate(ys)
    (x0, x1), (y0, y1) = (x.min(), x.max()), (y.min(), y.max())
    # the bones and labels drawn by the anatomy view: keep its own limits where they are wider
    lo = np.min([[a.get_xlim()[0], a.get_ylim()[0]] for a in axes], axis=0)
    hi = np.max([[a.get_xlim()[1], a.get_ylim()[1]] for a in axes], axis=0)
    mx, my = pad * (x1 - x0 + 1.0), pad * (y1 - y0 + 1.0)
    for ax in axes:
        ax.set_aspect("equal", adjustable="box")  # the limits stay as set: the box shrinks instead
        ax.set_xlim(min(x0 - mx, lo[0]), max(x1 + mx, hi[0]))
        ax.set_ylim(min(y0 - my, lo[1]), max(y1 + my, hi[1]))


_VIEW_WORDS = {"superior": "from above", "lateral": "from the side", "posterior": "from behind"}
