"""The hip at a pose as a student sees it: shaded bones from behind, the side and above.

One view large (the chosen direction) and the other two small. Bones are the OpenSim
meshes, shaded and drawn in depth order (plots.bones); each muscle is solid where it is
seen and dashed where bone hides it; the femur's rotation axis is dash-dotted; each
muscle's lever is its rotation moment arm drawn to length on that axis, coloured by action
(blue external, vermillion internal, grey where it is under 1 mm), with a dotted line on to
the line of pull. A handful of labels are placed where they overlap nothing.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Polygon

from ..anatomy import FEMORAL_HEAD_RADIUS_MM, LANDMARK_NAMES, anatomy_scene
from ..words import action_word
from .blit import _ANATOMY_BLITS
from matplotlib.collections import PolyCollection

from .bones import VIEW_BASES, Occluder, bone_collection
from .labels import place_labels
from .style import AXIS_COLOUR, EXTERNAL_COLOUR, INTERNAL_COLOUR, NO_LEVER_COLOUR, PALETTE, action_colour, wrap_text

__all__ = ["VIEWS", "VIEW_LIMITS", "draw_anatomy", "anatomy_figure", "anatomy_png", "nerve_overlay", "project_mm"]

BONE_FACE, BONE_EDGE = "#EFE6D2", "#8C7B5A"
WRAP_RGB = (0.55, 0.75, 0.95)  # wrap surfaces (imported OpenSim models): a light blue glass
# view -> (title, (screen right, screen up) in words)
VIEWS = {
    "posterior": ("From behind", ("lateral", "superior")),
    "lateral": ("From the right side", ("anterior", "superior")),
    "superior": ("From above", ("lateral", "anterior")),
}
# Fixed limits (mm from the hip centre) per view, wide enough for every pose the sliders
# allow, so the picture does not jump about as the pose changes.
VIEW_LIMITS = {
    "posterior": ((-265, 125), (-235, 200)),
    "lateral": ((-190, 290), (-235, 200)),
    "superior": ((-265, 125), (-190, 290)),
}
# which labels each view shows
VIEW_LABELS = {
    "posterior": LANDMARK_NAMES,
    "lateral": ("iliac crest", "greater trochanter", "ischial tuberosity", "femoral head"),
    "superior": ("sacrum", "greater trochanter", "femoral head"),
}


def project_mm(p_mm, view: str) -> np.ndarray:
    """Screen x, y (mm) of points given in mm relative to the hip centre, shape (..., 2)."""
    return np.asarray(p_mm, float) @ VIEW_BASES[view][:2].T


def _depth_mm(p_mm, view: str) -> np.ndarray:
    return np.asarray(p_mm, float) @ VIEW_BASES[view][2]


def draw_anatomy(ax, model, muscle_ids, flexion, adduction=0.0, rotation=0.0, view="posterior",
                 scene=None, nerve_type=None, detail: str = "fine"):
    """Draw the bones, muscles, axis and levers at a pose on ``ax`` from one view.

    Parameters
    ----------
    view : {'posterior', 'lateral', 'superior'}
    scene : AnatomyScene, optional (one scene for several views)
    nerve_type : str, optional   a Beaton & Anson type, drawn on the posterior view
    detail : {'fine', 'coarse'}   mesh subdivision (coarse for small panels)

    Returns
    -------
    AnatomyScene
    """
    if view not in VIEWS:
        raise ValueError(f"view: must be one of {', '.join(VIEWS)}, got {view!r}")
    sc = scene or anatomy_scene(model, muscle_ids, flexion, adduction, rotation)
    _draw_frame(ax, view, small=detail == "coarse")
    pelvis = _draw_pelvis(ax, sc, view, detail)
    _draw_moving(ax, sc, view, nerve_type, detail, pelvis)
    return sc


def _mesh_kwargs(sc, detail) -> dict:
    # small panels: the meshes' own triangles; the large view: split to 15 mm for a right depth order
    return dict(origin_m=sc.hip_centre_m, max_edge_m=None if detail == "coarse" else 0.015)


def _draw_pelvis(ax, sc, view, detail):
    """The pelvic bones, which never move: drawn once (kept in a figure's background); their drawing."""
    if sc.bones is None:
        return None
    drawing = bone_collection([b for b in sc.bones if b.body == "pelvis"], view, zorder=1.0,
                              **_mesh_kwargs(sc, detail))
    ax.add_collection(drawing.collection, autolim=False)
    return drawing


def _femur_layer(sc, view, detail, pelvis):
    """The femur, and every pelvic triangle that may lie in front of it, in one depth order.

    The pelvis is already drawn; drawing the femur over it, then again the pelvic triangles
    that overlap the femur on screen and are nearer than its farthest point, all sorted
    together, gives the same picture as sorting everything, for a fraction of the triangles.
    Returns the collection and an occluder over all the bones (for the hidden muscle parts).
    """
    femur = bone_collection([b for b in sc.bones if b.body == "femur"], view, zorder=1.1, **_mesh_kwargs(sc, detail))
    f_tri, f_col = femur.occluder.triangles, femur.collection.get_facecolors()
    if pelvis is None or not len(f_tri):
        return femur.collection, femur.occluder
    p_tri, p_col = pelvis.occluder.triangles, pelvis.collection.get_facecolors()
    lo, hi = f_tri[..., :2].reshape(-1, 2).min(axis=0), f_tri[..., :2].reshape(-1, 2).max(axis=0)
    overlap = (p_tri[..., :2].max(axis=1) >= lo).all(axis=1) & (p_tri[..., :2].min(axis=1) <= hi).all(axis=1)
    front = overlap & (p_tri[..., 2].max(axis=1) > f_tri[..., 2].min())
    tri = np.concatenate([f_tri, p_tri[front]])
    col = np.concatenate([f_col, p_col[front]])
    order = np.argsort(tri[..., 2].mean(axis=1), kind="stable")  # farthest first
    coll = PolyCollection(tri[order][..., :2], closed=True, facecolors=col[order], edgecolors=col[order],
                          linewidths=0.3, antialiaseds=True, zorder=1.1)
    everything = Occluder(np.concatenate([p_tri, f_tri]), view, femur.occluder.origin_m, femur.occluder.scale)
    return coll, everything


def _key_place(view):
    """Where the orientation arrows and the scale bar go: the bottom left of the view."""
    (x0, x1), (y0, y1) = VIEW_LIMITS[view]
    cx, cy, arm = x0 + 0.14 * (x1 - x0), y0 + 0.2 * (y1 - y0), 0.1 * (x1 - x0)
    bx, by = x0 + 0.05 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    return (x0, x1, y0, y1), (cx, cy, arm), (bx, by)


def _draw_frame(ax, view, small=False):
    """What does not move with the pose: title, frame, limits, the key's arrows and scale bar."""
    title, _ = VIEWS[view]
    ax.set_title(title, fontsize=9 if small else 11, loc="left")
    (x0, x1, y0, y1), (cx, cy, arm), (bx, by) = _key_place(view)
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_color("#BBBBBB")
    arrow = dict(arrowstyle="-|>", color="#555555", lw=1)
    ax.annotate("", (cx + arm, cy), xytext=(cx, cy), arrowprops=arrow, zorder=9)
    ax.annotate("", (cx, cy + arm), xytext=(cx, cy), arrowprops=arrow, zorder=9)
    ax.plot([bx, bx + 50], [by, by], color="k", lw=2, solid_capstyle="butt", zorder=9)
    ax.set_aspect("equal")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def _draw_key(ax, view, small=False) -> list:
    """The key's words, drawn with what moves so that they stay on top (a flexed femur, or the
    pelvic triangles redrawn in front of it, can reach that corner); returns the artists."""
    _, (right, up) = VIEWS[view]
    (x0, x1, y0, y1), (cx, cy, arm), (bx, by) = _key_place(view)
    fs = 8 if small else 9
    ground = dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.75)  # readable over bone
    # each word beyond its arrow's tip, so the two never meet, however small the panel
    return [ax.text(cx + arm + 0.015 * (x1 - x0), cy, right, ha="left", va="center", fontsize=fs, color="#333333",
                    zorder=9, bbox=ground),
            ax.text(cx, cy + arm + 0.01 * (y1 - y0), up, ha="center", va="bottom", fontsize=fs, color="#333333",
                    zorder=9, bbox=ground),
            ax.text(bx + 25, by + 5, "50 mm", ha="center", va="bottom", fontsize=fs, zorder=9)]


def _draw_sketch(ax, sc, view) -> list:
    """The fallback when no mesh can be read: an outline of the pelvis and a stick femur."""
    from .geometry import convex_hull

    out = []
    hull = convex_hull(project_mm(sc.sketch["pelvis_right_mm"], view))
    if len(hull) >= 3:
        out.append(ax.add_patch(Polygon(hull, closed=True, fc=BONE_FACE, ec=BONE_EDGE, lw=1.0, zorder=1)))
    fem = {k: project_mm(v, view) for k, v in sc.sketch["femur_mm"].items()}
    out += ax.plot(*np.array([fem["head"], fem["trochanter"], fem["knee"]]).T, lw=10, color=BONE_EDGE,
                   solid_capstyle="round", zorder=2)
    out.append(ax.add_patch(Circle((0, 0), FEMORAL_HEAD_RADIUS_MM, fc=BONE_FACE, ec=BONE_EDGE, lw=1.5, zorder=3)))
    return out


def _draw_moving(ax, sc, view, nerve_type=None, detail="fine", pelvis=None) -> list:
    """What moves with the pose: femur, axis, muscles, levers, labels (and the key, drawn over
    them all); returns the artists."""
    small = detail == "coarse"
    out, occluder = _draw_key(ax, view, small), None
    if sc.bones is not None:
        coll, occluder = _femur_layer(sc, view, detail, pelvis)
        out.append(ax.add_collection(coll, autolim=False))
    else:
        out += _draw_sketch(ax, sc, view)
    if sc.wraps:  # the surfaces the muscles wrap over: translucent, over the bone, under the muscles
        wrap = bone_collection(sc.wraps, view, origin_m=sc.hip_centre_m, colour=WRAP_RGB, alpha=0.35, zorder=1.3,
                               cull_back_faces=False, max_edge_m=None, edge_width=0.0)
        out.append(ax.add_collection(wrap.collection, autolim=False))
    out += ax.plot(*project_mm(sc.rotation_axis_mm, view).T, ls="-.", lw=1.3, color=AXIS_COLOUR, zorder=4)
    obstacles = []  # screen polylines labels must not cover
    for i, m in enumerate(sc.muscles):
        colour = PALETTE[i % len(PALETTE)]
        pts_m = m.points_mm / 1000.0 + sc.hip_centre_m
        runs = occluder.runs(pts_m, step=3.0) if occluder is not None else [(project_mm(m.points_mm, view), False)]
        for xy, hidden in runs:
            out += ax.plot(*xy.T, ls=(0, (2.5, 1.5)) if hidden else "-", lw=2.0 if hidden else (2.8 if small else 3.5),
                           alpha=0.7 if hidden else 1.0, color=colour, zorder=5, solid_capstyle="round")
        xy = project_mm(m.points_mm, view)
        out += ax.plot(*xy[[0, -1]].T, "o", ms=3.5 if small else 4.5, color=colour, mec="k", mew=0.5, zorder=6)
        lever = project_mm(m.lever_mm, view)
        reach = project_mm(m.reach_mm, view)
        c = action_colour(m.rotation_moment_arm_mm)
        out += ax.plot(*np.array([lever[1], reach]).T, ls=":", lw=1.2, color=c, zorder=6.5)
        out += ax.plot(*lever.T, "-", lw=3.0 if small else 4.0, color=c, solid_capstyle="butt", zorder=7)
        out += ax.plot(*lever[0], "o", ms=3.5 if small else 4.5, color=c, mec="white", mew=0.6, zorder=7.1)
        obstacles += [xy, lever, np.array([lever[1], reach])]
    texts = []
    if nerve_type and view == "posterior":
        nerve_artists = _draw_nerve(ax, sc, nerve_type)
        out += nerve_artists
        texts = [a for a in nerve_artists if hasattr(a, "get_text")]
        obstacles += [np.column_stack(a.get_data()) for a in nerve_artists if hasattr(a, "get_data")]
    names = [n for n in VIEW_LABELS[view] if n in sc.landmarks_mm] if not small else []
    anchors = {n: project_mm(sc.landmarks_mm[n], view) for n in names}
    out += place_labels(ax, anchors, obstacles + [project_mm(sc.rotation_axis_mm, view)], fontsize=9, zorder=8,
                        avoid_texts=texts)
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
    piri = sc.piriformis
    if piri is None:
        return None
    xy = project_mm(piri.points_mm, "posterior")
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

    if sc.piriformis is None:
        return []
    sch = nerve_overlay(sc, nerve_type)
    if sch is None:
        return [ax.text(0.5, 0.97, "nerve overlay hidden: the piriformis is seen end-on in this view",
                        transform=ax.transAxes, ha="center", va="top", fontsize=8, color="#444444", zorder=9)]
    return nerve_figures.draw_nerve_schematic(ax, sch, scale=1.0, nerve_lw=3.0, labels=True, label_size=7.5,
                                              fibres=False, zorder=4.6, muscle_alpha=0.35)


def anatomy_figure(model, muscle_ids, flexion, adduction=0.0, rotation=0.0,
                   views=("posterior", "lateral", "superior"), nerve_type=None, width_in=9.0,
                   layout="main") -> Figure:
    """The hip at a pose from linked views, each muscle's rotation lever drawn to length.

    Parameters
    ----------
    views : sequence of {'posterior', 'lateral', 'superior'}
        The first is drawn large in the 'main' layout.
    layout : {'main', 'row', 'single'}
        'main': the first view large, the others small beside it; 'row': side by side;
        'single': the first view only (for a narrow screen).
    width_in : float   figure width in inches; the height follows from one mm scale.

    Returns
    -------
    matplotlib.figure.Figure
    """
    sc = anatomy_scene(model, muscle_ids, flexion, adduction, rotation)
    fig, axes = _anatomy_skeleton(model, sc, tuple(views), nerve_type, width_in, layout)
    for view, (ax, detail, pelvis) in axes.items():
        _draw_moving(ax, sc, view, nerve_type, detail, pelvis)
    _anatomy_title(fig, model, sc)
    return fig


def anatomy_png(model, muscle_ids, flexion, adduction=0.0, rotation=0.0,
                views=("posterior", "lateral", "superior"), nerve_type=None, width_in=9.0, layout="main",
                dpi=90) -> bytes:
    """The same picture as :func:`anatomy_figure`, as PNG bytes, drawn fast for a slider.

    The frames, legend and captions are drawn once per model, muscles and layout and kept
    (a small LRU cache); each call restores them and draws the posed parts on top.
    """
    key = ("anatomy", model.id, model.path, tuple(muscle_ids), tuple(views), nerve_type, width_in, layout, dpi)
    sc = anatomy_scene(model, muscle_ids, flexion, adduction, rotation)

    def build():
        return _anatomy_skeleton(model, sc, tuple(views), nerve_type, width_in, layout)

    def moving(fig, axes):
        out = [a for view, (ax, detail, pelvis) in axes.items()
               for a in _draw_moving(ax, sc, view, nerve_type, detail, pelvis)]
        return out + [_anatomy_title(fig, model, sc)]

    return _ANATOMY_BLITS.png(key, build, moving, dpi)


def _lever_words(m) -> str:
    if m.almost_no_lever:
        return f"{m.name}: almost no rotation lever ({m.rotation_moment_arm_mm:+.1f} mm)"
    return f"{m.name}: {action_word(m.rotation_moment_arm_mm)}, lever {abs(m.rotation_moment_arm_mm):.1f} mm"


TITLE_PT = 10.5


def _title_text(model, sc, width_in: float) -> str:
    f, a, r = sc.pose
    chars = int(width_in * 72 / (TITLE_PT * 0.56))  # wrapped to the figure's width
    head = wrap_text(f"Right hip at {f:g}\u00b0 flexion, {a:g}\u00b0 adduction, {r:g}\u00b0 rotation "
                     f"({model.name.split(' (')[0]})", chars)
    return head + "\n" + "\n".join(wrap_text(_lever_words(m), chars) for m in sc.muscles[:3])


def _title_lines_max(model, sc, width_in: float) -> int:
    """The most lines the title can take at any pose (the kept background is sized once for all)."""
    chars = int(width_in * 72 / (TITLE_PT * 0.56))
    head = f"Right hip at -20.5\u00b0 flexion, -30.5\u00b0 adduction, -45.5\u00b0 rotation ({model.name.split(' (')[0]})"
    lines = len(wrap_text(head, chars).splitlines())
    for m in sc.muscles[:3]:
        lines += max(len(wrap_text(f"{m.name}: {w}", chars).splitlines())
                     for w in ("almost no rotation lever (99.9 mm)", "external rotator, lever 99.9 mm"))
    return lines


def _anatomy_title(fig, model, sc):
    return fig.text(0.01, 1 - 0.08 / fig.get_figheight(), _title_text(model, sc, fig.get_figwidth()),
                    fontsize=TITLE_PT, ha="left", va="top")


def _legend(sc, nerve_type) -> list:
    handles = [Line2D([], [], color=PALETTE[i % len(PALETTE)], lw=3.5, label=m.name) for i, m in enumerate(sc.muscles)]
    handles += [
        Line2D([], [], color=PALETTE[0], lw=2, ls=(0, (2.5, 1.5)), alpha=0.7, label="behind bone"),
        Line2D([], [], color=AXIS_COLOUR, ls="-.", label="rotation axis"),
        Line2D([], [], color=EXTERNAL_COLOUR, lw=4, label="lever: external"),
        Line2D([], [], color=INTERNAL_COLOUR, lw=4, label="lever: internal"),
        Line2D([], [], color=NO_LEVER_COLOUR, lw=4, label="lever < 1 mm"),
    ]
    if sc.wraps:
        handles.append(Line2D([], [], color=WRAP_RGB, lw=8, alpha=0.6, label="wrap surface (the path bends over it)"))
    if nerve_type:
        from .. import nerve
        from . import nerve as nerve_figures

        for name in nerve.load_nerve_variants().type(nerve_type).relations:
            # outlined in black like the drawing, so a division is not taken for a lever of the same colour
            handles.append(Line2D([], [], color=nerve_figures.COLOURS[name], lw=3,
                                  path_effects=nerve_figures.nerve_effects(3.0),
                                  label=f"{nerve_figures.NERVE_LABELS[name]} nerve (type {nerve_type})"
                                  if name != "sciatic" else f"sciatic nerve (type {nerve_type})"))
    return handles


LEVER_NOTE = ("The coloured bar on the axis is the rotation moment arm drawn to length: the shortest distance "
              "from the femur's rotation axis to the line of pull times the sine of the angle between them (only "
              "the part of the pull across the axis turns the thigh). Dotted: the rest of the shortest distance.")


def _panel_sizes(views, width_in, layout):
    w = {v: float(np.ptp(VIEW_LIMITS[v][0])) for v in views}
    h = {v: float(np.ptp(VIEW_LIMITS[v][1])) for v in views}
    if layout == "single" or len(views) == 1:
        return w[views[0]], h[views[0]]
    if layout == "row":
        return sum(w.values()), max(h.values())
    small = views[1:]
    small_w = max(w[v] for v in small) * 0.55
    return w[views[0]] + small_w, max(h[views[0]], sum(h[v] * 0.55 for v in small))


def _anatomy_skeleton(model, sc, views, nerve_type, width_in, layout):
    """A Figure with the fixed parts of the views; returns (fig, {view: (ax, detail, pelvis drawing)})."""
    if layout not in ("main", "row", "single"):
        raise ValueError(f"layout: must be 'main', 'row' or 'single', got {layout!r}")
    for v in views:
        if v not in VIEWS:
            raise ValueError(f"view: must be one of {', '.join(VIEWS)}, got {v!r}")
    if layout == "single":
        views = views[:1]
    stacked = layout == "main" and len(views) > 1 and width_in < 6.0  # a narrow column or a phone
    span_w, span_h = _panel_sizes(views, width_in, layout)
    top_in = 0.4 + 0.19 * _title_lines_max(model, sc, width_in)
    note = f"{LEVER_NOTE} {sc.caption_text()}".rstrip()
    chars = max(40, int(width_in * 72 / (8.5 * 0.56)))
    note_lines = len(wrap_text(note, chars).splitlines())
    handles = _legend(sc, nerve_type)
    ncol = 2 if width_in < 6 else 3 if width_in < 8.5 else 4  # each entry about 2 in wide
    legend_rows = -(-len(handles) // ncol)
    bottom_in = 0.2 * legend_rows + 0.17 * note_lines + 0.25
    panel_h = 0.98 * width_in * span_h / span_w
    if stacked:  # the chosen view across the width, the other two side by side below it
        main = views[0]
        main_h = 0.98 * width_in * np.ptp(VIEW_LIMITS[main][1]) / np.ptp(VIEW_LIMITS[main][0])
        small_h = max(0.47 * width_in * np.ptp(VIEW_LIMITS[v][1]) / np.ptp(VIEW_LIMITS[v][0]) for v in views[1:])
        panel_h = main_h + small_h + 0.35
    height_in = panel_h + top_in + bottom_in
    fig = Figure(figsize=(width_in, height_in))
    b, t = bottom_in / height_in, 1 - top_in / height_in
    axes = {}
    if stacked:
        main_frac = main_h / height_in
        axes[views[0]] = (fig.add_axes((0.01, t - main_frac, 0.98, main_frac)), "fine")
        small_frac = small_h / height_in
        for i, v in enumerate(views[1:3]):
            axes[v] = (fig.add_axes((0.01 + 0.5 * i, b + 0.01, 0.47, small_frac)), "coarse")
    elif layout == "main" and len(views) > 1:
        main_w = float(np.ptp(VIEW_LIMITS[views[0]][0])) / span_w
        ax = fig.add_axes((0.01, b, main_w * 0.98, t - b))
        axes[views[0]] = (ax, "fine")
        n = len(views) - 1
        for i, v in enumerate(views[1:]):
            h = (t - b) / n
            axes[v] = (fig.add_axes((0.01 + main_w * 0.98 + 0.01, t - (i + 1) * h + 0.01, 0.99 - main_w * 0.98 - 0.02,
                                     h - 0.02)), "coarse")
    else:
        widths = [float(np.ptp(VIEW_LIMITS[v][0])) for v in views]
        x = 0.01
        for v, wv in zip(views, widths):
            frac = 0.98 * wv / sum(widths)
            axes[v] = (fig.add_axes((x, b, frac - 0.01, t - b)), "fine" if len(views) == 1 else "coarse")
            x += frac
    for v, (ax, detail) in list(axes.items()):
        _draw_frame(ax, v, small=detail == "coarse")
        ax.set_anchor("NW")
        axes[v] = (ax, detail, _draw_pelvis(ax, sc, v, detail))
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, (0.17 * note_lines + 0.12) / height_in),
               ncol=ncol, fontsize=9, frameon=False, handlelength=2.2, columnspacing=1.2)
    fig.text(0.01, 0.06 / height_in, wrap_text(note, chars), fontsize=8.5, color="#333333", va="bottom")
    return fig, axes
