"""Degenerate muscle geometry, refused when a model is loaded.

A model that loads must be usable at every pose of the joint range
(:data:`hipmodel.ranges.RANGES`). Three things would break that:

* a path point at (or very near) the hip centre: a femur point there does not move
  with the joint, and a line of pull through the centre has no lever, so the moment
  arm is 0/0 or pure rounding noise (hundreds of spurious sign changes);
* a segment that crosses the joint (one end on the pelvis, one on the femur) whose ends
  coincide at some pose: its direction is undefined there (NaN rows, or a finite moment
  arm at zero length).

The rules, in millimetres (:data:`MIN_RADIUS_MM`, :data:`MIN_SEGMENT_MM`):

* every path point of a muscle is at least ``MIN_RADIUS_MM`` from the hip centre
  (5 mm; the femoral head's radius is about 20-25 mm, so no attachment is that close);
* every crossing segment is at least ``MIN_SEGMENT_MM`` long (1 mm) at every pose of the
  joint range. The femur point moves on a sphere of radius ``|F|`` about the hip
  centre, so the segment is never shorter than ``| |P - hip| - |F| |``: when that bound
  is already 1 mm or more nothing else is computed. Otherwise the closest approach is
  found on a 5-degree grid over the range, refined around the best cells down to
  0.01 degree, and the model is refused if it falls below 1 mm; the message names the
  muscle and that pose.

Numpy only.
"""

from __future__ import annotations

import numpy as np

from .kinematics import rotation_matrix
from .ranges import RANGES

__all__ = ["MIN_RADIUS_MM", "MIN_SEGMENT_MM", "closest_approach", "geometry_problem"]

MIN_RADIUS_MM = 5.0
MIN_SEGMENT_MM = 1.0
_GRID_DEG = 5.0
_CANDIDATES = 8


def _box() -> np.ndarray:
    return np.array([RANGES["flexion"], RANGES["adduction"], RANGES["rotation"]], dtype=float)


def _distance(hip: np.ndarray, femur: np.ndarray, pelvis: np.ndarray, poses: np.ndarray) -> np.ndarray:
    R = rotation_matrix(poses[..., 0], poses[..., 1], poses[..., 2])
    return np.linalg.norm(hip + R @ femur - pelvis, axis=-1)


def closest_approach(hip, femur_point, pelvis_point) -> tuple[float, tuple[float, float, float]]:
    """The shortest distance (m) between a femur point (relative to the hip centre) and a
    pelvis point over the joint range, and the pose (flexion, adduction, rotation, deg)."""
    hip, fem, pel = (np.asarray(v, dtype=float) for v in (hip, femur_point, pelvis_point))
    box = _box()
    lo, hi = box[:, 0], box[:, 1]
    axes = [np.arange(a, b + _GRID_DEG / 2, _GRID_DEG) for a, b in box]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    d = _distance(hip, fem, pel, grid)
    k = min(_CANDIDATES, d.size)
    idx = np.argpartition(d, k - 1)[:k]
    centre, best = grid[idx], d[idx]
    offsets = np.stack(np.meshgrid(*([np.linspace(-1, 1, 5)] * 3), indexing="ij"), axis=-1).reshape(-1, 3)
    step = _GRID_DEG
    while step > 0.01:
        pts = np.clip(centre[:, None, :] + offsets[None] * step, lo, hi)  # (k, 125, 3)
        dp = _distance(hip, fem, pel, pts)
        j = np.argmin(dp, axis=1)
        better = dp[np.arange(k), j] < best
        centre = np.where(better[:, None], pts[np.arange(k), j], centre)
        best = np.where(better, dp[np.arange(k), j], best)
        step /= 2.0
    b = int(np.argmin(best))
    return float(best[b]), tuple(round(float(x), 1) + 0.0 for x in centre[b])


def geometry_problem(hip_m, bodies, locations_m) -> tuple[int, str] | None:
    """The first degenerate part of one muscle's path, as (point index, message), or None.

    ``locations_m``: (k, 3), metres, femur points relative to the hip centre, pelvis
    points in the pelvis frame; ``bodies``: 'pelvis' or 'femur' per point.
    """
    hip = np.asarray(hip_m, dtype=float)
    loc = np.asarray(locations_m, dtype=float)
    on_femur = [b == "femur" for b in bodies]
    radius = [np.linalg.norm(p if f else p - hip) * 1000.0 for p, f in zip(loc, on_femur)]
    for j, r in enumerate(radius):
        if r < MIN_RADIUS_MM:
            return j, (f"is {r:.2f} mm from the hip centre; a path point must be at least {MIN_RADIUS_MM:g} mm "
                       "from it (there it has no lever and its moment arm is undefined)")
    for j in range(len(loc) - 1):
        if on_femur[j] == on_femur[j + 1]:
            continue
        fj, pj = (j, j + 1) if on_femur[j] else (j + 1, j)
        if abs(radius[fj] - radius[pj]) >= MIN_SEGMENT_MM:
            continue  # the femur point's sphere stays this far from the pelvis point
        d, pose = closest_approach(hip, loc[fj], loc[pj])
        if d * 1000.0 < MIN_SEGMENT_MM:
            f, a, r = pose
            return j + 1, (f"the segment from point {j} to point {j + 1} crosses the hip and is {d * 1000.0:.2f} mm "
                           f"long at flexion {f:g}, adduction {a:g}, rotation {r:g} deg (its ends meet there); "
                           f"a crossing segment must stay at least {MIN_SEGMENT_MM:g} mm long over the joint range "
                           f"(flexion {RANGES['flexion'][0]:g}..{RANGES['flexion'][1]:g}, adduction "
                           f"{RANGES['adduction'][0]:g}..{RANGES['adduction'][1]:g}, rotation "
                           f"{RANGES['rotation'][0]:g}..{RANGES['rotation'][1]:g} deg)")
    return None
