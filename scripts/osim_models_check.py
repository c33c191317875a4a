"""The .osim as a hipmodel Model, against the bundled JSON models and OpenSim 4.6.

``python scripts/osim_models_check.py [OSIM_DIR]`` prints (1) the worst difference between
every bundled JSON muscle and the same muscle read from the .osim, through
hipmodel.mechanics, over a 15x7x7 pose grid; (2) the rotation switch angles of the wrapping
Rajagopal 2016 muscles (neutral adduction and rotation, -20..120 deg), ours against OpenSim's
(bracketed on a 0.5 deg grid, bisected to 1e-4 deg); (3) the lever check: the largest
||lever| - |rotation moment arm|| over the grid where the path crosses the hip once, and how
many poses cross more than once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from hipmodel import lever, mechanics
from hipmodel.model import load_model
from hipmodel.osim.as_model import load_osim_model
from hipmodel.osim.reference import OpenSimReference
from hipmodel.switch import bisect_roots, sign_change_angles, sign_change_brackets

HERE = Path(__file__).resolve().parent
DIR = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "shared" / "reference" / "osim"
FILES = {"gait2392": "gait2392_thelen2003muscle.osim", "rajagopal2016": "Rajagopal2016.osim"}
GRID = np.meshgrid(np.linspace(-20, 120, 15), np.linspace(-30, 30, 7), np.linspace(-45, 45, 7), indexing="ij")
COLS = ("length_mm", "flexion_moment_arm_mm", "adduction_moment_arm_mm", "rotation_moment_arm_mm")


def main():
    print("| bundled model | muscles | worst |JSON - .osim| over 735 poses, mm (length, 3 moment arms) |")
    print("|---|---|---|")
    for key, fname in FILES.items():
        bundled, osim = load_model(key), load_osim_model(DIR / fname)
        worst = 0.0
        for bm in bundled.muscles:
            om = osim.muscle(bm.source_name)
            c1, c2 = mechanics.curves(bundled, bm, *GRID), mechanics.curves(osim, om, *GRID)
            worst = max(worst, *(float(np.max(np.abs(getattr(c1, c) - getattr(c2, c)))) for c in COLS))
        print(f"| {key} | {len(bundled.muscles)} | {worst:.1e} |")

    raj = load_osim_model(DIR / FILES["rajagopal2016"])
    ref = OpenSimReference(DIR / FILES["rajagopal2016"])
    print("\n| muscle (Rajagopal 2016, wraps) | switch, ours | OpenSim | difference | lever: worst error (1 crossing) | poses with 3 crossings |")
    print("|---|---|---|---|---|---|")
    grid = np.arange(-20.0, 120.25, 0.5)
    for mu in raj.muscles:
        if mu.path is None:
            continue
        ours = [s.flexion_deg for s in sign_change_angles(raj, mu)]
        vals = ref.evaluate(mu.id, grid, 0.0, 0.0)[1][..., 2]
        lo, hi = sign_change_brackets(vals)
        fun = lambda x, n=mu.id: ref.evaluate(n, x, np.zeros_like(x), np.zeros_like(x))[1][..., 2]  # noqa: E731
        theirs = list(bisect_roots(fun, grid[lo], grid[hi], vals[lo], 1e-4)) if lo.size else []
        lv = lever.rotation_lever(raj, mu, *GRID)
        ma = mechanics.moment_arms_m(raj, mu, *GRID)[..., 2] * 1000
        once = mu.path.crossings(*GRID) == 1
        err = np.abs(np.linalg.norm(lv.tip_m - lv.foot_m, axis=-1) * 1000 - np.abs(ma))[once].max()
        fmt = lambda xs: ", ".join(f"{x:.4f}" for x in xs) or "none"  # noqa: E731
        diff = ", ".join(f"{abs(a - b):.1e}" for a, b in zip(ours, theirs)) if len(ours) == len(theirs) else "count differs"
        print(f"| {mu.id} | {fmt(ours)} | {fmt(theirs)} | {diff or '-'} | {err:.1e} mm | {int((~once).sum())} |")


if __name__ == "__main__":
    main()
