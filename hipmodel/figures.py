"""Figures: functions that take plain values and return ``matplotlib.figure.Figure``.

Never pyplot: a Figure built directly holds no global state, so many users of one
server process cannot step on each other. Colours are the Okabe-Ito palette
(colour-blind safe). Every axis carries its units; every figure a caption.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Polygon

from .anatomy import FEMORAL_HEAD_RADIUS_MM, anatomy_scene
from .words import action_in_words

__all__ = [
    "PALETTE",
    "EXTERNAL_COLOUR",
    "INTERNAL_COLOUR",
    "VIEWS",
    "draw_anatomy",
    "anatomy_figure",
    "moment_arm_figure",
    "switch_context_figure",
    "figure_bytes",
]

# Okabe-Ito. Action colours are reserved: blue = external rotation, vermillion = internal.
EXTERNAL_COLOUR = "#0072B2"
INTERNAL_COLOUR = "#D55E00"
PALETTE = ("#CC79A7", "#009E73", "#E69F00", "#56B4E9", "#000000", "#F0E442")
BONE_FACE, BONE_EDGE = "#EFE6D2", "#8C7B5A"
AXIS_COLOUR = "#555555"

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


def _action_colour(ma_mm: float) -> str:
    return INTERNAL_COLOUR if ma_mm > 0 else EXTERNAL_COLOUR


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
    from . import nerve  # the variants feature

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
    from . import nerve_figures

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
        from . import nerve, nerve_figures

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
        legend_ax.text(0.02, 0.02, _wrap(note, 48), fontsize=7, color="#444444", transform=legend_ax.transAxes,
                       va="bottom")
    return fig, axes


class _BlitCache:
    """Keeps the fixed background of a few figures, rendered once, and draws moving parts on top.

    Each entry has its own lock: one Figure is never drawn by two threads (users) at once.
    Bounded (LRU), so memory stays flat however many reruns and users there are.
    """

    def __init__(self, max_entries: int = 12):
        self.max_entries = max_entries
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def png(self, key, build, moving, dpi) -> bytes:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = {"lock": threading.Lock(), "fig": None}
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        with entry["lock"]:
            try:
                if entry["fig"] is None:
                    fig, axes = build()
                    fig.set_dpi(dpi)
                    canvas = FigureCanvasAgg(fig)
                    canvas.draw()
                    entry.update(fig=fig, axes=axes, canvas=canvas, background=canvas.copy_from_bbox(fig.bbox))
                fig, canvas = entry["fig"], entry["canvas"]
                canvas.restore_region(entry["background"])
                artists = moving(fig, entry["axes"])
                renderer = canvas.get_renderer()
                for artist in sorted(artists, key=lambda a: a.get_zorder()):
                    artist.draw(renderer)
                rgba = np.asarray(canvas.buffer_rgba()).copy()
                for artist in artists:
                    artist.remove()
            except BaseException:
                # a half-built entry, or moving parts left on the kept Figure: drop the entry
                with self._lock:
                    if self._entries.get(key) is entry:
                        del self._entries[key]
                raise
        return _encode_png(rgba)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _encode_png(rgba: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="png", compress_level=1)
    return buf.getvalue()


# Two bounded caches, so that many curve variants (each rotation and adduction a student tries
# is a new curve) never push out the anatomy backgrounds, which are larger and slower to rebuild.
# Measured per entry (RSS): anatomy (7 in wide, 90 dpi) 5.2 MB, curve 2.5 MB (6.2 MB with all
# four panels on); so at most ~140 MB whatever the number of users, plus one Figure being
# built per request that misses. Sixteen curves cover a class's sessions moving flexion
# at their own rotation and adduction (a new rotation is a new curve, a miss anyway); the
# anatomy changes only with the model, muscles and nerve type, which few students change.
_ANATOMY_BLITS = _BlitCache(max_entries=8)
_CURVE_BLITS = _BlitCache(max_entries=16)


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def moment_arm_figure(flexion_deg, series, current_flexion=None, switches=None, show_adduction=False,
                      show_flexion=False, show_length=False, title=None, reference=None) -> Figure:
    """Rotation moment arm against flexion for one or more muscles.

    Parameters
    ----------
    flexion_deg : ndarray (n,)
    series : dict
        muscle name -> dict with arrays (n,) ``rotation_moment_arm_mm`` and optionally
        ``adduction_moment_arm_mm``, ``flexion_moment_arm_mm``, ``length_mm``.
    current_flexion : float, optional
        Marked with a vertical line and a dot on every curve.
    switches : dict, optional
        muscle name -> list of switch flexion angles (deg), annotated.
    show_adduction, show_flexion, show_length : bool
        Extra panels below the main one, sharing the flexion axis.
    reference : dict, optional
        A kept earlier curve to compare: name -> dict like ``series`` (drawn dashed).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axs = _curve_skeleton(flexion_deg, series, switches, show_adduction, show_flexion, show_length, title,
                               reference)
    if current_flexion is not None:
        _curve_moving(axs, flexion_deg, series, current_flexion,
                      _curve_panels(show_adduction, show_flexion, show_length))
    return fig


def moment_arm_png(flexion_deg, series, current_flexion, switches=None, show_adduction=False, show_flexion=False,
                   show_length=False, title=None, reference=None, dpi=90) -> bytes:
    """The same picture as :func:`moment_arm_figure`, as PNG bytes, drawn fast for a slider.

    The curves are drawn once per data set and kept; each call draws only the
    current-pose marks on top (see :func:`anatomy_png`).
    """
    digest = hashlib.blake2b(np.asarray(flexion_deg, dtype=float).tobytes(), digest_size=16)
    for group in (series, reference or {}):
        for name, d in group.items():
            digest.update(name.encode())
            for k in sorted(d):
                if isinstance(d[k], np.ndarray):
                    digest.update(k.encode() + d[k].tobytes())
    sw = tuple((k, tuple(v)) for k, v in (switches or {}).items())
    key = ("curve", digest.hexdigest(), sw, show_adduction, show_flexion, show_length, title, dpi)

    def build():
        return _curve_skeleton(flexion_deg, series, switches, show_adduction, show_flexion, show_length, title,
                               reference)

    def moving(fig, axs):
        return _curve_moving(axs, flexion_deg, series, current_flexion,
                             _curve_panels(show_adduction, show_flexion, show_length))

    return _CURVE_BLITS.png(key, build, moving, dpi)


def _curve_panels(show_adduction, show_flexion, show_length):
    panels = [("rotation_moment_arm_mm", "rotation moment arm (mm)")]
    if show_adduction:
        panels.append(("adduction_moment_arm_mm", "adduction moment arm (mm)\n+ adductor / \u2212 abductor"))
    if show_flexion:
        panels.append(("flexion_moment_arm_mm", "flexion moment arm (mm)\n+ flexor / \u2212 extensor"))
    if show_length:
        panels.append(("length_mm", "musculotendon length (mm)"))
    return panels


def _curve_skeleton(flexion_deg, series, switches, show_adduction, show_flexion, show_length, title, reference):
    """The curves, zones and switch marks: everything that does not move with the flexion slider."""
    x = np.asarray(flexion_deg, dtype=float)
    panels = _curve_panels(show_adduction, show_flexion, show_length)
    heights = [2.2] + [1.0] * (len(panels) - 1)
    height_in = 3.6 + 1.4 * (len(panels) - 1)
    fig = Figure(figsize=(7.5, height_in))
    axs = fig.subplots(len(panels), 1, sharex=True, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    # fixed margins in inches (no layout engine: faster, and the plot does not shift between reruns)
    fig.subplots_adjust(left=0.9 / 7.5, right=0.98, top=1 - 0.35 / height_in, bottom=0.55 / height_in, hspace=0.12)

    main = axs[0]
    ys = [np.asarray(s["rotation_moment_arm_mm"]) for s in series.values()]
    lim = max(5.0, *(float(np.nanmax(np.abs(y))) for y in ys)) * 1.15 if ys else 30.0
    main.axhspan(0, lim, color=INTERNAL_COLOUR, alpha=0.07, lw=0)
    main.axhspan(-lim, 0, color=EXTERNAL_COLOUR, alpha=0.07, lw=0)
    main.text(0.01, 0.97, "internal rotation", transform=main.transAxes, va="top", fontsize=9, color=INTERNAL_COLOUR,
              fontweight="bold")
    main.text(0.01, 0.03, "external rotation", transform=main.transAxes, va="bottom", fontsize=9,
              color=EXTERNAL_COLOUR, fontweight="bold")
    main.axhline(0, color="k", lw=0.8)
    main.set_ylim(-lim, lim)
    for ax, (key, label) in zip(axs, panels):
        for i, (name, s) in enumerate(series.items()):
            if key in s:
                ax.plot(x, s[key], color=PALETTE[i % len(PALETTE)], lw=2.2, label=name)
        for name, s in (reference or {}).items():
            if key in s:
                ax.plot(np.asarray(s.get("flexion_deg", x)), s[key], color="#777777", lw=1.5, ls="--",
                        label=f"kept: {name}")
        ax.set_ylabel(label, fontsize=8)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8)
    for i, (name, angles) in enumerate((switches or {}).items()):
        colour = PALETTE[list(series).index(name) % len(PALETTE)] if name in series else "k"
        for k, a in enumerate(angles):
            main.plot([a], [0], marker="D", ms=7, color="white", mec=colour, mew=2, zorder=6)
            main.annotate(f"switch {a:.1f}\u00b0", (a, 0), xytext=(6, -14 - 12 * i - 12 * k),
                          textcoords="offset points", fontsize=8, color=colour, fontweight="bold")
    axs[-1].set_xlabel("hip flexion (deg)")
    axs[-1].set_xlim(x.min(), x.max())
    main.legend(loc="lower right", fontsize=8, framealpha=0.9)
    main.set_title(title or "Rotation moment arm against hip flexion (+ internal, \u2212 external)", fontsize=10)
    return fig, list(axs)


def _curve_moving(axs, flexion_deg, series, current_flexion, panels) -> list:
    """The current pose: a dotted line in every panel, a dot on every curve, a 'now' label."""
    x = np.asarray(flexion_deg, dtype=float)
    out = []
    for ax, (key, _) in zip(axs, panels):
        out.append(ax.axvline(current_flexion, color="k", lw=1, ls=":"))
        for i, s in enumerate(series.values()):
            if key in s:
                out += ax.plot([current_flexion], [np.interp(current_flexion, x, s[key])], "o", ms=7,
                               color=PALETTE[i % len(PALETTE)], mec="k", zorder=5)
    main = axs[0]
    right_side = current_flexion < x.min() + 0.8 * (x.max() - x.min())
    out.append(main.annotate(f"now {current_flexion:g}\u00b0", (current_flexion, main.get_ylim()[1]),
                             xytext=(3 if right_side else -3, -12), textcoords="offset points", fontsize=8,
                             ha="left" if right_side else "right"))
    return out


def switch_context_figure(model_switches, literature, map_adduction=None, map_rotation=None, switch_map=None,
                          current=None, model_name="") -> Figure:
    """Where the piriformis switch falls: the models beside the literature, and how the pose moves it.

    Parameters
    ----------
    model_switches : list of (label, angle_deg or None, approximate: bool)
        Each model's switch at the current adduction and rotation.
    literature : sequence of hipmodel.literature.SwitchStatement
        Entries with ``label``, ``low``, ``high`` (deg or None), ``kind``.
    map_adduction, map_rotation : ndarray (na,), (nr,), optional
    switch_map : ndarray (na, nr), optional
        Switch angle (deg) over adduction x rotation; NaN = no switch in range.
    current : (adduction, rotation), optional
    """
    has_map = switch_map is not None
    fig = Figure(figsize=(11 if has_map else 7, 4.2), layout="constrained")
    axs = fig.subplots(1, 2 if has_map else 1, squeeze=False, gridspec_kw={"width_ratios": [1.25, 1] if has_map else [1]})[0]
    ax = axs[0]
    rows = []
    for label, angle, approx in model_switches:
        rows.append((label + (" *" if approx else ""), angle, angle, "model"))
    for e in literature:
        rows.append((e.label, e.low, e.high, e.kind))
    y = np.arange(len(rows))[::-1]
    for yi, (label, lo, hi, kind) in zip(y, rows):
        colour = {"model": PALETTE[1], "measurement": PALETTE[0], "rule of thumb": PALETTE[2]}.get(kind, "k")
        if lo is None and hi is None:
            ax.text(60, yi, "no single angle given / no reversal seen", va="center", ha="center", fontsize=8,
                    color="#666666", style="italic")
        elif kind == "model":
            ax.plot([lo], [yi], "o", ms=9, color=colour, mec="k")
            ax.annotate(f"{lo:.1f}\u00b0", (lo, yi), xytext=(8, -3), textcoords="offset points", fontsize=8)
        else:
            a = lo if lo is not None else hi
            b = hi if hi is not None else 120
            if a == b:
                ax.plot([a], [yi], "s", ms=9, color=colour, mec="k")
            else:
                ax.plot([a, b], [yi, yi], "-", lw=7, color=colour, alpha=0.8, solid_capstyle="butt")
                if hi is None:
                    ax.annotate("", (b, yi), xytext=(b - 8, yi), arrowprops=dict(arrowstyle="->", color=colour))
    ax.set_yticks(y, [r[0] for r in rows], fontsize=8)
    ax.set_xlim(0, 120)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("hip flexion at which the piriformis turns internal rotator (deg)")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Models (dots) beside the literature\n(bars: ranges, squares: single values)", fontsize=9)
    if any(r[3] == "model" for r in rows):
        ax.text(0.0, -0.2, "* approximate frame alignment (axes inferred from the source)", transform=ax.transAxes,
                fontsize=7, color="#444444")

    if has_map:
        ax2 = axs[1]
        A, Rr = np.meshgrid(np.asarray(map_adduction), np.asarray(map_rotation), indexing="ij")
        masked = np.ma.masked_invalid(switch_map)
        mesh = ax2.pcolormesh(Rr, A, masked, cmap="cividis", vmin=20, vmax=120, shading="nearest")
        levels = [40, 50, 60, 70, 80, 90, 100]
        cs = ax2.contour(Rr, A, masked, levels=levels, colors="white", linewidths=0.8)
        ax2.clabel(cs, fmt="%d\u00b0", fontsize=7)
        cb = fig.colorbar(mesh, ax=ax2, shrink=0.9)
        cb.set_label("switch angle (deg flexion)", fontsize=8)
        if current is not None:
            ax2.plot([current[1]], [current[0]], "o", ms=10, mfc="none", mec=INTERNAL_COLOUR, mew=2.5)
            ax2.annotate("current pose", (current[1], current[0]), xytext=(8, 8), textcoords="offset points",
                         fontsize=8, color=INTERNAL_COLOUR, fontweight="bold")
        ax2.set_xlabel("hip rotation (deg; + internal, \u2212 external)")
        ax2.set_ylabel("hip adduction (deg; + adduction, \u2212 abduction)")
        ax2.set_title(f"Switch angle over the rest of the pose\n{model_name}; blank: no switch in -20..120\u00b0",
                      fontsize=9)
    return fig


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 150) -> bytes:
    """Render a Figure to PNG or SVG bytes."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"format: must be png or svg, got {fmt!r}")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi)
    return buf.getvalue()
