"""Timing of the numpy core: prints its figures (not a pytest test).

Run from the repository root:

    python benchmarks/bench_core.py            # default repeats
    python benchmarks/bench_core.py --quick    # fewer repeats, for a smoke run

(a) one muscle's full sweep: flexion 0..120 deg in 0.5 deg steps (241 poses), the three
    moment arms and the length via ``hipmodel.curves``; median of many repeats, in
    microseconds. Target: well under 1 ms.
(b) all twelve Gait2392 muscles over a 121 x 91 flexion x rotation grid (flexion
    0..120 step 1, rotation -45..45 step 1, adduction 0): median, in milliseconds.
    Target: under 50 ms. Timed two ways: ``curves`` called muscle by muscle, and
    ``curves_for_muscles``, which validates the poses and builds their rotations once.

Every figure is a median over repeats (after a warm-up), so one noisy neighbour on a
shared machine moves it little; the spread printed beside it (interquartile range)
says how steady the machine was.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
from pathlib import Path

import numpy as np


import hipmodel
from hipmodel.mechanics import curves_for_muscles

TARGET_SWEEP_US = 1000.0
TARGET_GRID_MS = 50.0


def timings(fn, repeats: int, warmup: int = 3) -> np.ndarray:
    for _ in range(warmup):
        fn()
    out = np.empty(repeats)
    for i in range(repeats):
        t0 = time.perf_counter()
        fn()
        out[i] = time.perf_counter() - t0
    return out


def summary(t: np.ndarray, scale: float, unit: str) -> str:
    q1, med, q3 = np.percentile(t * scale, [25, 50, 75])
    return f"median {med:8.1f} {unit}  (IQR {q1:.1f}-{q3:.1f}, {t.size} repeats)"


def verdict(value: float, target: float, unit: str) -> str:
    return f"{'OK  ' if value < target else 'MISS'} target < {target:g} {unit}"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer repeats")
    args = p.parse_args(argv)
    n_sweep, n_grid = (200, 10) if args.quick else (2000, 60)

    print("hipmodel core benchmark")
    print(f"command : {shlex.join([Path(sys.executable).name] + sys.argv)}  (cwd {os.getcwd()})")
    print(f"python  : {platform.python_version()} ({platform.python_implementation()}) on {platform.platform()}")
    print(f"numpy   : {np.__version__}")
    print(f"cpus    : {os.cpu_count()} logical; processor: {platform.processor() or platform.machine()}")
    print()

    model = hipmodel.load_model("gait2392")
    piri = model.muscle("piriformis")

    # (a) one muscle, one sweep
    flex = np.arange(0.0, 120.0 + 0.25, 0.5)
    assert flex.size == 241
    c = hipmodel.curves(model, piri, flex)
    assert c.rotation_moment_arm_mm.shape == (241,)
    t = timings(lambda: hipmodel.curves(model, piri, flex), n_sweep)
    med_us = float(np.median(t)) * 1e6
    print("(a) piriformis, flexion 0..120 step 0.5 (241 poses), 3 moment arms + length")
    print(f"    curves(model, muscle, flexion)            {summary(t, 1e6, 'us')}  {verdict(med_us, TARGET_SWEEP_US, 'us')}")
    print()

    # (b) twelve muscles over a 121 x 91 grid
    grid_f = np.arange(0.0, 121.0, 1.0)[:, None]
    grid_r = np.arange(-45.0, 46.0, 1.0)[None, :]
    assert grid_f.size * grid_r.size == 121 * 91
    assert len(model.muscles) == 12

    def one_by_one():
        return [hipmodel.curves(model, mu, grid_f, 0.0, grid_r) for mu in model.muscles]

    def shared():
        return curves_for_muscles(model, model.muscles, grid_f, 0.0, grid_r)

    a, b = one_by_one(), shared()
    assert all(np.array_equal(x.rotation_moment_arm_mm, y.rotation_moment_arm_mm) for x, y in zip(a, b))
    assert a[0].length_mm.shape == (121, 91)
    t1 = timings(one_by_one, n_grid)
    t2 = timings(shared, n_grid)
    m1, m2 = float(np.median(t1)) * 1e3, float(np.median(t2)) * 1e3
    print(f"(b) 12 Gait2392 muscles x (121 flexion x 91 rotation) = {12 * 121 * 91} muscle-poses")
    print(f"    curves_for_muscles(model, muscles, ...)   {summary(t2, 1e3, 'ms')}  {verdict(m2, TARGET_GRID_MS, 'ms')}")
    print(f"    curves(...) muscle by muscle             {summary(t1, 1e3, 'ms')}  {verdict(m1, TARGET_GRID_MS, 'ms')}")
    print()

    # where one grid call spends its time (one muscle), so a miss says what is slow
    from hipmodel.kinematics import joint_axes, rotation_matrix
    from hipmodel.mechanics import _geometric, _length, _points, _poses

    mu = model.muscle("gluteus_maximus_1")  # the longest path: 4 points, 3 segments
    f, ad, r = _poses(grid_f, 0.0, grid_r)
    R, axes = rotation_matrix(f, ad, r), joint_axes(f, ad, r)
    pts = _points(model, mu, R)
    parts = [
        ("validate poses (check_angles x3)", lambda: _poses(grid_f, 0.0, grid_r)),
        ("rotation_matrix", lambda: rotation_matrix(f, ad, r)),
        ("joint_axes", lambda: joint_axes(f, ad, r)),
        ("path points (per muscle)", lambda: _points(model, mu, R)),
        ("geometric moment arms (per muscle)", lambda: _geometric(model, mu, pts, axes)),
        ("length (per muscle)", lambda: _length(pts)),
    ]
    print("    breakdown of one 121 x 91 call (gluteus maximus 1), median:")
    for name, fn in parts:
        print(f"      {name:36s} {np.median(timings(fn, max(n_grid // 2, 5))) * 1e3:6.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
