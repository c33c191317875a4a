"""Where a muscle's rotation moment arm changes sign as the hip flexes.

Bracket sign changes on a flexion grid, then refine every bracket at once by
vectorised bisection. "No switch in this range" is an empty result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kinematics import ANGLE_LIMIT_DEG, check_angle
from .mechanics import AXIS_INDEX, moment_arms_m
from .model import Model, Muscle
from .words import DIRECTION_WORDS

__all__ = ["Switch", "sign_change_angles", "switch_angle_map", "bisect_roots", "sign_change_brackets"]


@dataclass(frozen=True)
class Switch:
    """One sign change of a moment arm along flexion.

    ``direction`` is ``'external to internal'`` when the rotation moment arm goes
    from negative to positive with increasing flexion, else ``'internal to external'``
    (for other axes: e.g. ``'abductor to adductor'``).
    """

    flexion_deg: float
    direction: str

    def __str__(self) -> str:
        return f"{self.flexion_deg:.2f} deg ({self.direction})"


def _as_float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def bisect_roots(fun, lo: np.ndarray, hi: np.ndarray, f_lo: np.ndarray, tol_deg: float) -> np.ndarray:
    """Vectorised bisection of ``fun`` (array -> array) on brackets ``[lo, hi]``.

    ``f_lo = fun(lo)``; each bracket must hold one sign change. Shared by the switch
    finder and the stretch code (which brackets the slope of the length instead).
    """
    n_iter = int(np.ceil(np.log2(max(float(np.max(hi - lo, initial=1.0)), tol_deg) / tol_deg))) + 1
    for _ in range(max(n_iter, 1)):
        mid = 0.5 * (lo + hi)
        f_mid = fun(mid)
        left = np.sign(f_mid) == np.sign(f_lo)
        lo = np.where(left, mid, lo)
        f_lo = np.where(left, f_mid, f_lo)
        hi = np.where(left, hi, mid)
    return 0.5 * (lo + hi)


def sign_change_brackets(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(lo, hi)`` of neighbouring non-zero samples whose signs differ.

    A sample that is exactly zero counts once: it is bracketed by its neighbours.
    """
    s = np.sign(values)
    nz = np.flatnonzero(s != 0)
    if nz.size < 2:
        return nz[:0], nz[:0]
    changes = np.flatnonzero(s[nz[:-1]] != s[nz[1:]])
    return nz[changes], nz[changes + 1]


def sign_change_angles(
    model: Model,
    muscle: Muscle,
    adduction_deg: float = 0.0,
    rotation_deg: float = 0.0,
    start_deg: float = -20.0,
    stop_deg: float = 120.0,
    grid_step_deg: float = 0.5,
    axis: str = "rotation",
    tol_deg: float = 1e-6,
) -> list[Switch]:
    """Every flexion angle in ``[start_deg, stop_deg]`` where a moment arm changes sign.

    Parameters
    ----------
    adduction_deg, rotation_deg : float
        The fixed rest of the pose, degrees.
    start_deg, stop_deg, grid_step_deg : float
        The flexion range and the bracketing grid; sign changes closer together than
        one grid step can be missed (two within one step cancel).
    axis : {'rotation', 'adduction', 'flexion'}
    tol_deg : float
        Bisection tolerance; well below the 0.01 deg the angles are quoted to.

    Returns
    -------
    list of Switch, ascending flexion; empty when the sign does not change. A root
    exactly at ``start_deg`` or ``stop_deg`` counts when the sign differs across it.
    """
    adduction_deg = check_angle(adduction_deg, "adduction")
    rotation_deg = check_angle(rotation_deg, "rotation")
    start_deg, stop_deg = check_angle(start_deg, "start"), check_angle(stop_deg, "stop")
    if not stop_deg > start_deg:
        raise ValueError(f"stop: must be greater than start ({start_deg:g}), got {stop_deg:g}")
    if axis not in AXIS_INDEX:
        raise ValueError(f"axis: must be one of {', '.join(AXIS_INDEX)}, got {axis!r}")
    k = AXIS_INDEX[axis]

    def fun(flex):
        return moment_arms_m(model, muscle, flex, adduction_deg, rotation_deg)[..., k]

    if isinstance(grid_step_deg, bool) or not 0 < _as_float(grid_step_deg) < np.inf:
        raise ValueError(f"grid_step_deg: must be a positive finite number of degrees, got {grid_step_deg!r}")
    n = max(int(np.ceil((stop_deg - start_deg) / grid_step_deg)), 1)
    grid = np.linspace(start_deg, stop_deg, n + 1)
    values = fun(grid)
    # An exact zero at an end of the range is a sign change only if the sign differs
    # across it: look one grid step outside the range there (roots are clipped back in).
    h = grid[1] - grid[0]
    if values[0] == 0 and start_deg - h >= -ANGLE_LIMIT_DEG:
        grid = np.concatenate([[start_deg - h], grid])
        values = np.concatenate([fun(grid[:1]), values])
    if values[-1] == 0 and stop_deg + h <= ANGLE_LIMIT_DEG:
        grid = np.append(grid, stop_deg + h)
        values = np.append(values, fun(grid[-1:]))
    lo_idx, hi_idx = sign_change_brackets(values)
    if lo_idx.size == 0:
        return []
    roots = np.clip(bisect_roots(fun, grid[lo_idx], grid[hi_idx], values[lo_idx], tol_deg), start_deg, stop_deg)
    neg, pos = DIRECTION_WORDS[axis]
    return [
        Switch(float(x), f"{neg} to {pos}" if values[i] < 0 else f"{pos} to {neg}")
        for x, i in zip(roots, lo_idx)
    ]


def switch_angle_map(
    model: Model,
    muscle: Muscle,
    adduction_deg,
    rotation_deg,
    start_deg: float = -20.0,
    stop_deg: float = 120.0,
    grid_step_deg: float = 1.0,
    tol_deg: float = 1e-3,
) -> np.ndarray:
    """First external-to-internal switch angle over a grid of adduction x rotation.

    Vectorised over the whole (adduction, rotation) grid at once.

    Parameters
    ----------
    adduction_deg, rotation_deg : array_like, shape (na,) and (nr,)

    Returns
    -------
    ndarray, shape (na, nr), degrees of flexion; NaN where there is no
    external-to-internal switch in ``[start_deg, stop_deg]``.
    """
    add = np.asarray(adduction_deg, dtype=float)[:, None, None]
    rot = np.asarray(rotation_deg, dtype=float)[None, :, None]
    n = max(int(np.ceil((stop_deg - start_deg) / grid_step_deg)), 1)
    grid = np.linspace(start_deg, stop_deg, n + 1)
    values = moment_arms_m(model, muscle, grid[None, None, :], add, rot)[..., 2]  # (na, nr, n+1)
    up = (values[..., :-1] < 0) & (values[..., 1:] >= 0)
    has = up.any(axis=-1)
    first = np.argmax(up, axis=-1)
    lo = np.take_along_axis(np.broadcast_to(grid[:-1], up.shape), first[..., None], -1)[..., 0]
    f_lo = np.take_along_axis(values[..., :-1], first[..., None], -1)[..., 0]
    add2, rot2 = np.broadcast_arrays(add[..., 0], rot[..., 0])

    def fun(flex):
        return moment_arms_m(model, muscle, flex, add2, rot2)[..., 2]

    roots = bisect_roots(fun, lo, lo + (grid[1] - grid[0]), f_lo, tol_deg)
    return np.where(has, roots, np.nan)
