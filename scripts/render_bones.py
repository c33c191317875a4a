"""Render the bone meshes with the piriformis and its rotation lever, to look at them.

Writes ``<out>/bones_<model>_<flexion>.png`` (views from behind, from the right side
and from above, in millimetres relative to the hip centre, like hipmodel.figures) for
Gait2392 and Rajagopal 2016 at 0, 57, 90 and 120 deg flexion, plus one borrowed-bones
example (Dostal 1981). Usage::

    python scripts/render_bones.py [--out /tmp/bones_png] [--models gait2392 ...] [--flexion 0 57 ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from hipmodel.plots.bones import draw_bones, project
from hipmodel.bones import bones_or_none, posed_bones
from hipmodel.kinematics import joint_axes
from hipmodel.lever import rotation_lever
from hipmodel.mechanics import path_points_m
from hipmodel.model import load_model

# the limits of hipmodel.figures (mm from the hip centre), copied: this script imports only core modules
LIMITS = {
    "posterior": ((-215, 115), (-190, 160)),
    "lateral": ((-175, 215), (-190, 160)),
    "superior": ((-215, 115), (-140, 210)),
}
TITLES = {"posterior": "From behind", "lateral": "From the right side", "superior": "From above"}
MUSCLE, INTERNAL, EXTERNAL, AXIS = "#CC79A7", "#D55E00", "#0072B2", "#555555"


def render(model_id: str, flexion: float, out: Path) -> Path:
    model = load_model(model_id)
    bones, err = bones_or_none(model)
    if bones is None:
        raise SystemExit(err)
    posed = posed_bones(bones, model, flexion)
    mu = model.muscle("piriformis")
    path = path_points_m(model, mu, flexion)
    lever = rotation_lever(model, mu, flexion)
    hip = model.hip_centre
    axis = joint_axes(flexion)[2]
    knee_y = model.knee_centre_m[1]
    axis_seg = hip + np.array([0.06, knee_y])[:, None] * axis

    fig = Figure(figsize=(13, 4.9), dpi=110)
    FigureCanvasAgg(fig)
    axs = fig.subplots(1, 3, gridspec_kw={"width_ratios": [np.ptp(LIMITS[v][0]) for v in LIMITS]})
    timings = []
    for ax, view in zip(axs, LIMITS):
        t0 = time.perf_counter()
        drawing = draw_bones(ax, posed, view, origin_m=hip)
        timings.append((time.perf_counter() - t0) * 1000)
        occ = drawing.occluder

        def xy(p):
            return project(p, view, hip)[..., :2]

        for piece, hidden in occ.runs(axis_seg):
            ax.plot(*piece.T, ls=(0, (1, 2)) if hidden else "-.", lw=1.1, color=AXIS, alpha=0.5 if hidden else 1, zorder=4)
        for piece, hidden in occ.runs(path):
            ax.plot(*piece.T, ls=(0, (1.5, 1.5)) if hidden else "-", lw=1.6 if hidden else 3.5, color=MUSCLE,
                    alpha=0.55 if hidden else 1.0, zorder=5, solid_capstyle="round")
        ends = xy(path[[0, -1]])
        ax.plot(*ends.T, "o", ms=4, color=MUSCLE, mec="k", mew=0.5, zorder=6)
        colour = INTERNAL if lever.moment_arm_mm > 0 else EXTERNAL
        f, t, r = xy(lever.foot_m), xy(lever.tip_m), xy(lever.reach_m)
        ax.plot(*np.array([t, r]).T, ":", lw=1.2, color=colour, alpha=0.7, zorder=7)
        ax.plot(*np.array([f, t]).T, "-", lw=2.5, color=colour, zorder=7, solid_capstyle="butt")
        ax.plot(*f, "o", ms=3, color=colour, zorder=7)
        (x0, x1), (y0, y1) = LIMITS[view]
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"{TITLES[view]}  ({len(drawing.order)} triangles, {timings[-1]:.0f} ms)", fontsize=9)
        ax.plot([x0 + 15, x0 + 65], [y0 + 15, y0 + 15], color="k", lw=2)
        ax.text(x0 + 40, y0 + 20, "50 mm", ha="center", fontsize=7)
    fig.suptitle(f"{model.name}: piriformis at {flexion:g} deg flexion; rotation moment arm "
                 f"{lever.moment_arm_mm:+.1f} mm (lever, solid), shortest distance {lever.shortest_distance_mm:.1f} mm "
                 f"at {lever.angle_deg:.0f} deg (dotted rest)", fontsize=9)
    fig.text(0.01, 0.01, bones.credit, fontsize=7, color="#555555")
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.05, top=0.9, wspace=0.03)
    out.mkdir(parents=True, exist_ok=True)
    p = out / f"bones_{model_id}_{flexion:g}.png"
    fig.savefig(p)
    return p


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="/tmp/bones_png")
    ap.add_argument("--models", nargs="+", default=["gait2392", "rajagopal2016"])
    ap.add_argument("--flexion", nargs="+", type=float, default=[0.0, 57.0, 90.0, 120.0])
    args = ap.parse_args(argv)
    for mid in args.models:
        for flex in args.flexion:
            print(render(mid, flex, Path(args.out)))
    print(render("dostal1981", 0.0, Path(args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
