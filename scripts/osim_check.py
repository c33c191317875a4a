"""Worst error of hipmodel.osim against OpenSim 4.6, per muscle, as a Markdown table.

    python scripts/osim_check.py [--osim-dir DIR] [--grid 15x7x7] [--knee 0,90]

For each accepted hip muscle of Gait2392 and Rajagopal 2016: the largest absolute
difference over a pose grid (flexion -20..120, adduction -30..30, rotation -45..45 deg) in
the musculotendon length and the flexion, adduction and rotation moment arms, in mm, and the
share of poses where the path wraps; every muscle at the first knee angle, the muscles that
cross the knee too at the others (OpenSim's knee coordinate set to match). Then the
piriformis switch angles.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from hipmodel.osim import read_osim
from hipmodel.osim.reference import OpenSimReference, bisect_sign_change as switch_angle

FILES = (("Gait2392", "gait2392_thelen2003muscle.osim", "peri_r"), ("Rajagopal2016", "Rajagopal2016.osim", "piri_r"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--osim-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "reference" / "osim"))
    ap.add_argument("--grid", default="15x7x7", help="points in flexion x adduction x rotation")
    ap.add_argument("--knee", default="0,90", help="knee flexions (deg, comma-separated): all muscles at the first")
    args = ap.parse_args(argv)
    knees = [float(k) for k in args.knee.split(",")]
    nf, na, nr = (int(x) for x in args.grid.split("x"))
    grid = np.meshgrid(np.linspace(-20, 120, nf), np.linspace(-30, 30, na), np.linspace(-45, 45, nr), indexing="ij")
    print(f"Grid {nf}x{na}x{nr} = {grid[0].size} poses. Worst |ours - OpenSim| in mm.\n")
    print("| model | muscle | knee | path | wraps at | length | flexion MA | adduction MA | rotation MA |")
    print("|---|---|---|---|---|---|---|---|---|")
    switches = []
    for label, fname, piri in FILES:
        path = Path(args.osim_dir) / fname
        for i, knee in enumerate(knees):
            imp = read_osim(path, knee_flexion_deg=knee)
            ref = OpenSimReference(path, fixed=dict([imp.knee_coordinate]) if imp.knee_coordinate else None)
            for m in imp.muscles if i == 0 else [imp.muscle(n) for n in imp.two_joint]:
                L_ref, ma_ref = ref.evaluate(m.name, *grid)
                L, ma = m.length_and_moment_arms_m(*grid)
                e = [np.abs(L - L_ref).max()] + list(np.abs(ma - ma_ref).max(axis=(0, 1, 2)))
                kinds = {p.kind for p in m.points} - {"PathPoint"}
                what = (f"wrap {m.wrap.kind} {m.wrap.name}" if m.wrap else "straight") + (" + conditional point" if kinds else "")
                share = f"{m.wraps(*grid).mean() * 100:.0f}%" if m.wrap else "-"
                bent = f"{knee:g}\u00b0" if m.crosses_knee else "-"
                print(f"| {label} | {m.name} | {bent} | {what} | {share} | " + " | ".join(f"{x * 1e3:.1e}" for x in e) + " |")
        imp, ref = read_osim(path), OpenSimReference(path)
        mu = imp.muscle(piri)
        ours = switch_angle(lambda f: mu.moment_arms_m(f)[2])
        theirs = switch_angle(lambda f: ref.evaluate(piri, f)[1][2])
        switches.append((label, piri, ours, theirs))
    print("\n| model | muscle | switch angle, ours | OpenSim | difference |")
    print("|---|---|---|---|---|")
    for label, piri, ours, theirs in switches:
        print(f"| {label} | {piri} | {ours:.4f} deg | {theirs:.4f} deg | {abs(ours - theirs):.1e} deg |")


if __name__ == "__main__":
    main()
