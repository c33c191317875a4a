"""Benchmark: reading an .osim and sweeping a wrapped muscle, hipmodel.osim vs OpenSim 4.6.

    python benchmarks/bench_osim.py [--osim-dir DIR] [--repeat N]

Reading: ``read_osim(path)`` against ``opensim.Model(path)`` + ``initSystem()`` (OpenSim
builds the whole multibody system; we read the hip only, so the ratio is not like for like
and is printed as a fact, not a claim). Sweep: 121 poses of flexion 0..120 deg (adduction
and rotation 0) for Rajagopal's glmax1_r (over a wrap cylinder): length and the three
moment arms, ours in one vectorised call, OpenSim one pose at a time as a script would.
Each figure is the best of N runs.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from hipmodel.osim import read_osim

FILES = ("gait2392_thelen2003muscle.osim", "Rajagopal2016.osim")


def best(fn, repeat):
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--osim-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "reference" / "osim"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--muscle", default="glmax1_r")
    args = ap.parse_args(argv)
    import opensim

    opensim.Logger.setLevelString("error")
    d = Path(args.osim_dir)
    print(f"{'work':66s} {'hipmodel':>10s} {'OpenSim':>10s} {'OpenSim/ours':>12s}")

    def row(label, ours, theirs):
        print(f"{label:66s} {ours * 1e3:8.2f}ms {theirs * 1e3:8.2f}ms {theirs / ours:11.1f}x")

    for f in FILES:
        p = d / f
        t_ours = best(lambda: read_osim(p), args.repeat)

        def load():
            m = opensim.Model(str(p))
            m.initSystem()

        t_os = best(load, max(1, args.repeat // 2))
        row(f"read {f}", t_ours, t_os)

    p = d / "Rajagopal2016.osim"
    m = read_osim(p).muscle(args.muscle)
    flex = np.linspace(0.0, 120.0, 121)
    t_ours_L = best(lambda: m.length_m(flex), args.repeat)
    t_ours = best(lambda: m.length_and_moment_arms_m(flex), args.repeat)

    model = opensim.Model(str(p))
    state = model.initSystem()
    cs = model.getCoordinateSet()
    coords = [cs.get(n) for n in ("hip_flexion_r", "hip_adduction_r", "hip_rotation_r")]
    gp = opensim.Muscle.safeDownCast(model.getForceSet().get(args.muscle)).getGeometryPath()

    def sweep(with_ma):
        for v in np.radians(flex):
            coords[0].setValue(state, float(v), False)
            model.realizePosition(state)
            gp.getLength(state)
            if with_ma:
                for c in coords:
                    gp.computeMomentArm(state, c)

    t_os_L = best(lambda: sweep(False), args.repeat)
    t_os = best(lambda: sweep(True), args.repeat)
    row(f"{args.muscle} sweep 0..120 deg, 121 poses: length", t_ours_L, t_os_L)
    row(f"{args.muscle} sweep 0..120 deg, 121 poses: length + 3 moment arms", t_ours, t_os)
    L, ma = m.length_and_moment_arms_m(flex)
    print(f"(wraps at {int(m.wraps(flex).sum())} of 121 poses; length {L.min() * 1e3:.1f}..{L.max() * 1e3:.1f} mm)")


if __name__ == "__main__":
    main()
