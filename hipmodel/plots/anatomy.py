"""The anatomy views (from behind, the side and above) at a pose, with the rotation axis and each muscle's lever coloured by action, and the nerve overlay.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Polygon
from ..anatomy import FEMORAL_HEAD_RADIUS_MM, anatomy_scene
from ..words import action_in_words
from .style import AXIS_COLOUR, EXTERNAL_COLOUR, INTERNAL_COLOUR, PALETTE, _action_colour, wrap_text
from .blit import _ANATOMY_BLITS


BONE_FACE, BONE_EDGE = "#EFE6D2", "#8C7B5A"


# Fixed limits (mm) per view, wide enough for every pose the sliders allow, so the
# picture does not jump about as the pose changes.
VIEW_LIMITS = {
    "posterior": ((-215, 115), (-190, 160)),
    "lateral": ((-175, 215), (-190, 160)),
    "superior": ((-215, 115), (-140, 210)),
}


# which labels each view shows (the others would land on top of something)
VIEW_LABELS = {
    "posterior": ("iliac crest", "sacrum", "ischium"),
    "lateral": ("iliac crest", "ischium"),
    "superior": ("sacrum",),
}


# view name -> (horizontal pelvis axis, vertical pelvis axis, sign of horizontal, title, x label, y label)
VIEWS = {
    "posterior": (2, 1, 1.0, "From behind", ("medial", "lateral"), ("inferior", "superior")),
    "lateral": (0, 1, 1.0, "From the right side", ("posterior", "anterior"), ("inferior", "superior")),
    "superior": (2, 0, 1.0, "From above", ("medial", "lateral"), ("posterior", "anterior")),
}


def _cross2(o, a, b) -> float:
    """z of (a - o) x (b - o): > 0 for a counter-clockwise turn."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _hull(xy: np.ndarray) -> np.ndarray:
    """Convex hull of 2-D points (monotone chain), counter-clockwise."""
    pts = sorted(set(map(tuple, np.round(xy, 6))))
    if len(pts) < 3:
        return np.array(pts)

    def half(points):
        out = []
        for p in points:
            while len(out) >= 2 and _cross2(out[-2], out[-1], p) <= 0:
                out.pop()
            out.append(p)
        return out

    lower, upper = half(pts), half(pts[::-1])
    return np.array(lower[:-1] + upper[:-1])


def _project(p, view):
    h, v, s, *_ = VIEWS[view]
    p = np.asarray(p)
    return np.stack([s * p[..., h], p[..., v]], axis=-1)


def draw_anatomy(ax, model, muscle_ids, flexion, adduction=0.0, rotation=0.0, view="posterior",
                 scene=None, nerve_type=None):
    """Draw the pelvis, femur and muscles at a pose on ``ax`` from one view.

    Parameters
    ----------
    ax : matplotlib Axes
    model : hipmodel.Model
    muscle_ids : sequence of str
    flexion, adduction, rotation : float, degrees
    view : {'posterior', 'lateral', 'superior'}
    scene : AnatomyScene, optional (reuse one scene for several views)
    nerve_type : str, optional
        A Beaton & Anson type letter; drawn on the posterior view only (needs
        :mod:`hipmodel.nerve`).

    Returns
    -------
    AnatomyScene
    """
    if view not in VIEWS:
        raise ValueError(f"view: must be one of {', '.join(VIEWS)}, got {view!r}")
    sc = scene or anatomy_scene(model, muscle_ids, flexion, adduction, rotation)
    _draw_fixed(ax, sc, view)
    _draw_moving(ax, sc, view, nerve_type)
    return sc


def _draw_fixed(ax, sc, view):
    """What does not move with the pose: pelvis, femoral head, labels, scale, orientation."""
    _, _, _, title, xlabel, ylabel = VIEWS[view]
    # pelvis: the right half, the left half faded (not in the side view), the sacrum
    halves = [(sc.pelvis_right_mm, 1.0)] + ([(sc.pelvis_left_mm, 0.45)] if view != "lateral" else [])
    for pts, alpha in halves:
        hull = _hull(_project(pts, view))
        if len(hull) >= 3:
            ax.add_patch(Polygon(hull, closed=True, fc=BONE_FACE, ec=BONE_EDGE, lw=1.0, alpha=alpha, zorder=1))
    if len(sc.sacrum_mm) >= 3 and view != "lateral":
        ax.add_patch(Polygon(_hull(_project(sc.sacrum_mm, view)), closed=True, fc="#E3D5B5", ec=BONE_EDGE,
                             lw=1.0, hatch="..", zorder=1.5))
    # acetabulum and femoral head (the head turns about its own centre, so it never moves)
    ax.add_patch(Circle((0, 0), FEMORAL_HEAD_RADIUS_MM * 1.25, fc="none", ec=BONE_EDGE, lw=1.2, ls="--", zorder=2))
    txt = dict(fontsize=7, color="#5B4A2A", zorder=8, ha="center")
    for name, p in sc.landmarks_mm.items():
        if name in VIEW_LABELS[view]:
            ax.annotate(name, _project(p, view), xytext=(0, 6 if name != "ischium" else -10),
                        textcoords="offset points", **txt)
    if view != "superior":
        ax.annotate("acetabulum", (0, FEMORAL_HEAD_RADIUS_MM * 1.25), xytext=(0, 3), textcoords="offset points", **txt)
    ax.set_title(title, fontsize=10)
    # an anatomical drawing: orientation arrows and a scale bar instead of tick labels
    (x0, x1), (y0, y1) = VIEW_LIMITS[view]
    ax.set_xticks([])
    ax.set_yticks([])
    cx, cy, arm = x1 - 0.2 * (x1 - x0), y0 + 0.08 * (y1 - y0), 0.1 * (x1 - x0)
    arrow = dict(arrowstyle="-|>", color="#666666", lw=1)
    ax.annotate("", (cx + arm, cy), xytext=(cx, cy), arrowprops=arrow)
    ax.annotate("", (cx, cy + arm), xytext=(cx, cy), arrowprops=arrow)
    ax.text(cx + arm, cy - 4, xlabel[1], ha="center", va="top", fontsize=7, color="#666666")
    ax.text(cx - 4, cy + arm, ylabel[1], ha="right", va="center", fontsize=7, color="#666666")
    bx, by = x0 + 0.06 * (x1 - x0), y0 + 0.06 * (y1 - y0)
    ax.plot([bx, bx + 50], [by, by], color="k", lw=2, solid_capstyle="butt")
    ax.text(bx + 25, by + 5, "50 mm", ha="center", va="bottom", fontsize=7)
    ax.set_aspect("equal")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def _draw_moving(ax, sc, view, nerve_type=None) -> list:
    """What moves with the pose: femur, rotation axis, muscles, levers; returns the artists."""
    out = []
    fem = {k: _project(v, view) for k, v in sc.femur_mm.items()}
    bone = dict(color=BONE_EDGE, solid_capstyle="round", zorder=2.5)
    # the head never moves, but it is drawn over the neck, so it is redrawn with it
    out.append(ax.add_patch(Circle((0, 0), FEMORAL_HEAD_RADIUS_MM, fc=BONE_FACE, ec=BONE_EDGE, lw=1.5, zorder=3)))
    out += ax.plot(*np.array([fem["head"], fem["neck_base"]]).T, lw=9, **bone)
    out += ax.plot(*np.array([fem["trochanter"], fem["knee"]]).T, lw=11, **bone)
    out += ax.plot(*np.array([fem["condyle_medial"], fem["condyle_lateral"]]).T, lw=12, **bone)
    out += ax.plot(*fem["trochanter"], "o", ms=13, color=BONE_EDGE, zorder=2.6)
    out += ax.plot(*_project(sc.rotation_axis_mm, view).T, ls="-.", lw=1.2, color=AXIS_COLOUR, zorder=4,
                   label="femur rotation axis")
    for i, m in enumerate(sc.muscles):
        colour = PALETTE[i % len(PALETTE)]
        xy = _project(m.points_mm, view)
        out += ax.plot(*xy.T, "-", lw=3.5, color=colour, zorder=5, solid_capstyle="round", label=m.name)
        out += ax.plot(*xy[[0, -1]].T, "o", ms=4, color=colour, mec="k", mew=0.5, zorder=6)
        if m.perpendicular_mm is not None:
            c = _action_colour(float(m.moment_arms_mm[2]))
            perp = _project(m.perpendicular_mm, view)
            out += ax.plot(*perp.T, "-", lw=2.2, color=c, zorder=7)
            out += ax.plot(*perp[0], "o", ms=3, color=c, zorder=7)
    if nerve_type and view == "posterior":
        out += _draw_nerve(ax, sc, nerve_type)
    out.append(ax.annotate("greater\ntrochanter", fem["trochanter"], xytext=(0, -12), textcoords="offset points",
                           fontsize=7, color="#5B4A2A", zorder=8, ha="center", va="top"))
    return out


NERVE_HALF_WIDTH_MM = 10.0  # half the piriformis belly's width in the overlay (a belly ~2 cm wide)


def nerve_overlay(sc, nerve_type):
    """The schematic of a Beaton & Anson type laid along the piriformis at a pose.

    The band runs between the piriformis origin and insertion as seen from behind
    (millimetres, the posterior view's frame) at the scene's pose, so the nerve's
    divisions keep their relation to the muscle as the hip moves.

    Returns
    -------
    hipmodel.nerve.NerveSchematic, or None
        None when the scene has no piriformis, or the band is seen end-on (too short
        or too steep in this view for "above" and "below" to mean anything).
    """
    from .. import nerve  # the variants feature

    vt = nerve.load_nerve_variants().type(nerve_type)  # an unknown letter: ValueError naming the valid ones
    piri = next((m for m in sc.muscles if m.id == "piriformis"), None)
    if piri is None:
        return None
    xy = _project(piri.points_mm, "posterior")
    y0 = VIEW_LIMITS["posterior"][1][0]
    thigh_y = max(y0 + 15.0, min(xy[0, 1], xy[-1, 1]) - 90.0)
    try:
        return nerve.nerve_paths_from_relations(vt.relations, xy[0], xy[-1], NERVE_HALF_WIDTH_MM,
                                                thigh_y=thigh_y, type_letter=vt.letter)
    except ValueError:
        return None


def _draw_nerve(ax, sc, nerve_type):
    """Draw :func:`nerve_overlay` on the posterior view; returns the artists drawn."""
    from . import nerve as nerve_figures

    if not any(m.id == "piriformis" for m in sc.muscles):
        return []
    sch = nerve_overlay(sc, nerve_type)
    if sch is None:
        return [ax.text(0.5, 0.97, "nerve overlay hidden: the piriformis is seen end-on in this view",
                        transform=ax.transAxes, ha="center", va="top", fontsize=7, color="#444444", zorder=9)]
    return nerve_figures.draw_nerve_schematic(ax, sch, scale=1.0, nerve_lw=3.0, labels=True, label_size=6.5, fibres=False,
                                              zorder=4.6, muscle_alpha=0.55)


def anatomy_figure(model, muscle_ids, flexion, adduction=0.0, rotation=0.0,
                   views=("posterior", "lateral", "superior"), nerve_type=None, width_in=10.0,
                   layout="row") -> Figure:
    """The hip at a pose from several linked views, with the rotation moment arms drawn.

    Parameters
    ----------
    model : hipmodel.Model
    muscle_ids : sequence of str
    flexion, adduction, rotation : float, degrees
    views : sequence of {'posterior', 'lateral', 'superior'}
    nerve_type : str, optional
        Beaton & Anson type letter drawn on the posterior view.
    width_in : float
        Figure width in inches; the height follows from one common mm scale.
    layout : {'row', 'grid'}
        'row': the views side by side with the legend below; 'grid': behind and side
        on top, above and the legend below (for a narrow column).

    Returns
    -------
    matplotlib.figure.Figure
    """
    sc = anatomy_scene(model, muscle_ids, flexion, adduction, rotation)
    fig, axes = _anatomy_skeleton(model, sc, tuple(views), nerve_type, width_in, layout)
    for view, ax in axes.items():
        _draw_moving(ax, sc, view, nerve_type)
    _anatomy_title(fig, model, sc)
    return fig


def anatomy_png(model, muscle_ids, flexion, adduction=0.0, rotation=0.0,
                views=("posterior", "lateral", "superior"), nerve_type=None, width_in=10.0, layout="row",
                dpi=90) -> bytes:
    """The same picture as :func:`anatomy_figure`, as PNG bytes, drawn fast for a slider.

    The parts that do not move with the pose are drawn once per model, muscles and
    layout and kept (a small LRU cache); each call restores them and draws only the
    femur, muscles, levers and title on top (matplotlib blitting).
    """
    key = ("anatomy", model.id, model.path, tuple(muscle_ids), tuple(views), nerve_type, width_in, layout, dpi)
    sc = anatomy_scene(model, muscle_ids, flexion, adduction, rotation)

    def build():
        return _anatomy_skeleton(model, sc, tuple(views), nerve_type, width_in, layout)

    def moving(fig, axes):
        out = [a for view, ax in axes.items() for a in _draw_moving(ax, sc, view, nerve_type)]
        return out + [_anatomy_title(fig, model, sc)]

    return _ANATOMY_BLITS.png(key, build, moving, dpi)


def _anatomy_title(fig, model, sc):
    f, a, r = sc.pose
    words = "; ".join(f"{m.name}: {action_in_words(m.moment_arms_mm[2])}" for m in sc.muscles[:3])
    return fig.text(0.5, 1 - 0.08 / fig.get_figheight(), f"Right hip at {f:g}\u00b0 flexion, {a:g}\u00b0 adduction, "
                    f"{r:g}\u00b0 rotation ({model.id})\n{words}", fontsize=10, ha="center", va="top")


def _anatomy_skeleton(model, sc, views, nerve_type, width_in, layout):
    """A Figure with the fixed parts of the anatomy views; returns (fig, {view: ax})."""
    from matplotlib.lines import Line2D

    if layout not in ("row", "grid"):
        raise ValueError(f"layout: must be 'row' or 'grid', got {layout!r}")
    for v in views:
        if v not in VIEWS:
            raise ValueError(f"view: must be one of {', '.join(VIEWS)}, got {v!r}")
    # one scale for every view: panel sizes follow each view's extent in mm
    wspan = {v: np.ptp(VIEW_LIMITS[v][0]) for v in views}
    hspan = {v: np.ptp(VIEW_LIMITS[v][1]) for v in views}
    top_in, bottom_in = 0.75, (0.7 if layout == "row" else 0.3)
    if layout == "row":
        panel_h = 0.98 * width_in * max(hspan.values()) / (sum(wspan.values()) * 1.04)
        height_in = panel_h + top_in + bottom_in
        fig = Figure(figsize=(width_in, height_in))
        axs = fig.subplots(1, len(views), squeeze=False, gridspec_kw={"width_ratios": list(wspan.values())})[0]
        legend_ax = None
    else:
        cols = [max(wspan[v] for v in views[0::2]), max(wspan[v] for v in views[1::2]) if len(views) > 1 else 1]
        rows = [max(hspan[v] for v in views[:2]), max(hspan[v] for v in views[2:]) if len(views) > 2 else 1]
        height_in = 0.98 * width_in * sum(rows) / (sum(cols) * 1.04) + top_in + bottom_in + 0.3
        fig = Figure(figsize=(width_in, height_in))
        grid = fig.subplots(2, 2, gridspec_kw={"width_ratios": cols, "height_ratios": rows})
        axs = [grid[0, 0], grid[0, 1], grid[1, 0]][: len(views)]
        legend_ax = grid[1, 1]
        legend_ax.set_axis_off()
    # a fixed layout (no layout engine): the views never move as the pose changes, and it draws fast
    fig.subplots_adjust(left=0.01, right=0.99, top=1 - top_in / height_in, bottom=bottom_in / height_in,
                        wspace=0.04, hspace=0.12)
    axes = {}
    for ax, view in zip(axs, views):
        _draw_fixed(ax, sc, view)
        ax.set_anchor("S" if layout == "row" else "C")
        axes[view] = ax

    handles = [Line2D([], [], color=PALETTE[i % len(PALETTE)], lw=3.5, label=m.name) for i, m in enumerate(sc.muscles)]
    handles += [
        Line2D([], [], color=AXIS_COLOUR, ls="-.", label="femur rotation axis"),
        Line2D([], [], color=EXTERNAL_COLOUR, lw=2.2, label="lever arm: external rotation"),
        Line2D([], [], color=INTERNAL_COLOUR, lw=2.2, label="lever arm: internal rotation"),
    ]
    if nerve_type:
        from .. import nerve
        from . import nerve as nerve_figures

        for name in nerve.load_nerve_variants().type(nerve_type).relations:
            # outlined in black like the drawing, so a division is not taken for a lever of the same colour
            handles.append(Line2D([], [], color=nerve_figures.COLOURS[name], lw=3,
                                  path_effects=nerve_figures._nerve_effects(3.0),
                                  label=f"{nerve_figures.NERVE_LABELS[name]} nerve (type {nerve_type})"
                                  if name != "sciatic" else f"sciatic nerve (type {nerve_type})"))
    note = ("Short coloured bar: the shortest line from the femur's rotation axis to the muscle's line of pull "
            "(the lever). Bones: a simplified sketch from the model's own points.")
    if sc.notes:
        note += f" {sc.notes[0].capitalize()}."
    if legend_ax is None:
        fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.025), ncol=min(len(handles), 4),
                   fontsize=8, frameon=False)
        fig.text(0.01, 0.005, note, fontsize=7, color="#444444")
    else:
        legend_ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=False)
        legend_ax.text(0.02, 0.02, wrap_text(note, 48), fontsize=7, color="#444444", transform=legend_ax.transAxes,
                       va="bottom")
    return fig, axes
