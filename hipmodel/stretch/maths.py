"""Muscle length against standing, which rotation lengthens it, and the longest muscle in a joint-range box (numpy only).

Length and moment arm are two views of one fact. The rotation moment arm is
``r = -dL/d(rotation)``, so an external rotator (``r < 0``) is lengthened by turning the
thigh in, an internal rotator by turning it out; the lengthening rotation flips exactly
where the moment arm changes sign. :func:`rotation_flip_angles` finds that flip from the
length alone (numerical derivative), an independent check of the switch angle.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np
from ..words import rotation_words
from ..kinematics import check_angle, check_angles
from ..mechanics import curves, muscle_length_m
from ..model import Model, Muscle
from ..switch import bisect_roots, sign_change_brackets
from .poses import NamedPose, STANDING, load_poses


@dataclass(frozen=True)
class LengthChange:
    """Length and its change from standing over poses; arrays of the broadcast shape S.

    Attributes
    ----------
    length_mm : ndarray, S
    standing_mm : float
        Length at standing (0, 0, 0).
    change_mm, change_pct : ndarray, S
        ``length - standing`` in mm and as a percentage of the standing length.
    rotation_moment_arm_mm, adduction_moment_arm_mm, flexion_moment_arm_mm : ndarray, S
    """

    length_mm: np.ndarray
    standing_mm: float
    change_mm: np.ndarray
    change_pct: np.ndarray
    rotation_moment_arm_mm: np.ndarray
    adduction_moment_arm_mm: np.ndarray
    flexion_moment_arm_mm: np.ndarray


def standing_length_mm(model: Model, muscle: Muscle) -> float:
    """Musculotendon length at standing (all angles zero), mm."""
    return float(muscle_length_m(model, muscle, *STANDING)) * 1000.0


def length_change(model: Model, muscle: Muscle, flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> LengthChange:
    """Length change against standing for any broadcastable pose arrays (one call).

    Parameters
    ----------
    flexion_deg, adduction_deg, rotation_deg : array_like, broadcastable, degrees

    Returns
    -------
    LengthChange
        Arrays of the broadcast shape, mm and percent.
    """
    c = curves(model, muscle, flexion_deg, adduction_deg, rotation_deg)
    L0 = standing_length_mm(model, muscle)
    change = c.length_mm - L0
    return LengthChange(
        length_mm=c.length_mm,
        standing_mm=L0,
        change_mm=change,
        change_pct=100.0 * change / L0,
        rotation_moment_arm_mm=c.rotation_moment_arm_mm,
        adduction_moment_arm_mm=c.adduction_moment_arm_mm,
        flexion_moment_arm_mm=c.flexion_moment_arm_mm,
    )


@dataclass(frozen=True)
class PoseResult:
    """One named pose with the muscle's length there (mm) and its rotation action."""

    pose: NamedPose
    length_mm: float
    change_mm: float
    change_pct: float
    rotation_moment_arm_mm: float
    adduction_moment_arm_mm: float
    lengthening_rotation: str  # 'internal rotation' | 'external rotation' | 'neither'


def pose_table(model: Model, muscle: Muscle, poses: tuple[NamedPose, ...] | None = None) -> list[PoseResult]:
    """Length change and moment arms at every named pose (one vectorised call), file order."""
    poses = load_poses() if poses is None else poses
    ang = np.array([p.angles for p in poses], dtype=float).reshape(-1, 3)
    lc = length_change(model, muscle, ang[:, 0], ang[:, 1], ang[:, 2])
    signs = np.sign(-lc.rotation_moment_arm_mm)
    return [
        PoseResult(
            pose=p,
            length_mm=float(lc.length_mm[i]),
            change_mm=float(lc.change_mm[i]),
            change_pct=float(lc.change_pct[i]),
            rotation_moment_arm_mm=float(lc.rotation_moment_arm_mm[i]),
            adduction_moment_arm_mm=float(lc.adduction_moment_arm_mm[i]),
            lengthening_rotation=rotation_words(signs[i]),
        )
        for i, p in enumerate(poses)
    ]


@dataclass(frozen=True)
class LengthMap:
    """Muscle length over a flexion x rotation grid at one adduction.

    Attributes
    ----------
    flexion_deg : ndarray, (nf,)
    rotation_deg : ndarray, (nr,)
    adduction_deg : float
    length_mm, change_mm, change_pct, rotation_moment_arm_mm : ndarray, (nf, nr)
        Indexed ``[flexion, rotation]``.
    standing_mm : float
    model_id, muscle_id, muscle_name : str
    """

    model_id: str
    muscle_id: str
    muscle_name: str
    adduction_deg: float
    flexion_deg: np.ndarray
    rotation_deg: np.ndarray
    length_mm: np.ndarray
    change_mm: np.ndarray
    change_pct: np.ndarray
    rotation_moment_arm_mm: np.ndarray
    standing_mm: float


def length_map(
    model: Model,
    muscle: Muscle,
    flexion_deg=None,
    rotation_deg=None,
    adduction_deg: float = 0.0,
) -> LengthMap:
    """Length change over flexion x rotation at a fixed adduction, in one vectorised call.

    Parameters
    ----------
    flexion_deg : array_like, (nf,), default 0..120 step 1
    rotation_deg : array_like, (nr,), default -45..45 step 1
    adduction_deg : float
    """
    flex = check_angles(np.arange(0.0, 121.0) if flexion_deg is None else flexion_deg, "flexion").ravel()
    rot = check_angles(np.arange(-45.0, 46.0) if rotation_deg is None else rotation_deg, "rotation").ravel()
    add = check_angle(adduction_deg, "adduction")
    if flex.size < 2 or rot.size < 2:
        raise ValueError("length map: needs at least 2 flexion and 2 rotation angles")
    lc = length_change(model, muscle, flex[:, None], add, rot[None, :])
    return LengthMap(
        model_id=model.id,
        muscle_id=muscle.id,
        muscle_name=muscle.name,
        adduction_deg=add,
        flexion_deg=flex,
        rotation_deg=rot,
        length_mm=lc.length_mm,
        change_mm=lc.change_mm,
        change_pct=lc.change_pct,
        rotation_moment_arm_mm=lc.rotation_moment_arm_mm,
        standing_mm=lc.standing_mm,
    )


def length_slope_mm_per_deg(
    model: Model, muscle: Muscle, flexion_deg, adduction_deg=0.0, rotation_deg=0.0,
    axis: str = "rotation", step_deg: float = 1e-3,
) -> np.ndarray:
    """``dL/dq`` in mm per degree by central differences on the length (no moment arm).

    Positive: increasing the coordinate (flexion, adduction or internal rotation)
    lengthens the muscle. Shape: the broadcast shape of the pose arguments.
    """
    q = list(np.broadcast_arrays(*(check_angles(x, n) for x, n in
                                   ((flexion_deg, "flexion"), (adduction_deg, "adduction"), (rotation_deg, "rotation")))))
    k = {"flexion": 0, "adduction": 1, "rotation": 2}[axis]
    plus, minus = list(q), list(q)
    plus[k] = q[k] + step_deg
    minus[k] = q[k] - step_deg
    Lp = muscle_length_m(model, muscle, *plus)
    Lm = muscle_length_m(model, muscle, *minus)
    return (Lp - Lm) * 1000.0 / (2.0 * step_deg)


def lengthening_rotation(model: Model, muscle: Muscle, flexion_deg, adduction_deg=0.0, rotation_deg=0.0,
                         tolerance_mm: float = 1e-6) -> np.ndarray:
    """Which way to turn the thigh to lengthen the muscle, as a sign per pose.

    ``+1``: internal rotation lengthens it; ``-1``: external rotation does; ``0``: the
    line of pull passes through the rotation axis (within ``tolerance_mm``). This is
    ``sign(dL/d rotation) = sign(-rotation moment arm)``.

    Returns
    -------
    ndarray of int, the broadcast shape of the pose arguments
    """
    r = curves(model, muscle, flexion_deg, adduction_deg, rotation_deg).rotation_moment_arm_mm
    return np.where(np.abs(r) <= tolerance_mm, 0, np.sign(-r)).astype(int)


def rotation_flip_angles(
    model: Model, muscle: Muscle, adduction_deg: float = 0.0, rotation_deg: float = 0.0,
    start_deg: float = -20.0, stop_deg: float = 120.0, grid_step_deg: float = 0.5, tol_deg: float = 1e-6,
) -> list[float]:
    """Flexion angles where the lengthening rotation flips, from the length alone.

    Brackets the sign changes of ``dL/d rotation`` (numerical derivative of the
    length, :func:`length_slope_mm_per_deg`) on a flexion grid and bisects them. By
    ``r = -dL/dq`` these are the rotation moment arm's sign changes, found without
    the geometric moment arm.

    Returns
    -------
    list of float, ascending degrees of flexion; empty if it never flips.
    """
    add = check_angle(adduction_deg, "adduction")
    rot = check_angle(rotation_deg, "rotation")
    start, stop = check_angle(start_deg, "start"), check_angle(stop_deg, "stop")
    if not stop > start:
        raise ValueError(f"stop: must be greater than start ({start:g}), got {stop:g}")

    def fun(flex):
        return length_slope_mm_per_deg(model, muscle, flex, add, rot)

    grid = np.linspace(start, stop, max(int(np.ceil((stop - start) / grid_step_deg)), 1) + 1)
    v = fun(grid)
    lo, hi = sign_change_brackets(v)
    return [float(x) for x in bisect_roots(fun, grid[lo], grid[hi], v[lo], tol_deg)]


def switch_line(
    model: Model, muscle: Muscle, rotation_deg, adduction_deg: float = 0.0,
    start_deg: float = 0.0, stop_deg: float = 120.0, grid_step_deg: float = 1.0, tol_deg: float = 1e-4,
) -> np.ndarray:
    """For each rotation, the first flexion where the lengthening rotation flips.

    Below that flexion internal rotation lengthens the muscle, above it external
    rotation does (for the piriformis). Vectorised over all rotations at once.

    Parameters
    ----------
    rotation_deg : array_like, (nr,)

    Returns
    -------
    ndarray, (nr,), degrees of flexion; NaN where there is no flip in range.
    """
    rot = check_angles(rotation_deg, "rotation").ravel()
    add = check_angle(adduction_deg, "adduction")
    grid = np.linspace(start_deg, stop_deg, max(int(np.ceil((stop_deg - start_deg) / grid_step_deg)), 1) + 1)
    v = length_slope_mm_per_deg(model, muscle, grid[None, :], add, rot[:, None])  # (nr, ng)
    change = np.sign(v[:, :-1]) * np.sign(v[:, 1:]) < 0
    has = change.any(axis=1)
    first = np.argmax(change, axis=1)
    lo = grid[first]
    f_lo = v[np.arange(rot.size), first]

    def fun(flex):
        return length_slope_mm_per_deg(model, muscle, flex, add, rot)

    roots = bisect_roots(fun, lo, lo + (grid[1] - grid[0]), f_lo, tol_deg)
    return np.where(has, roots, np.nan)


@dataclass(frozen=True)
class LongestResult:
    """Where a muscle is longest inside a joint-range box.

    Attributes
    ----------
    flexion_deg, adduction_deg, rotation_deg : float
        The best pose found, degrees.
    length_mm, standing_mm, change_mm, change_pct : float
    box : tuple of three (low, high) tuples, degrees (flexion, adduction, rotation)
    at_limits : tuple of str
        Box limits the best pose sits on, e.g. ``('flexion max', 'rotation min')``.
    """

    flexion_deg: float
    adduction_deg: float
    rotation_deg: float
    length_mm: float
    standing_mm: float
    change_mm: float
    change_pct: float
    box: tuple
    at_limits: tuple

    @property
    def angles(self) -> tuple[float, float, float]:
        return (self.flexion_deg, self.adduction_deg, self.rotation_deg)


def _range(r, name) -> tuple[float, float]:
    try:
        lo, hi = r
    except (TypeError, ValueError):
        raise ValueError(f"{name} range: expected (low, high) in degrees, got {r!r}") from None
    lo, hi = check_angle(lo, f"{name} range low"), check_angle(hi, f"{name} range high")
    if hi < lo:
        raise ValueError(f"{name} range: high ({hi:g}) must be >= low ({lo:g})")
    return lo, hi


def longest_length(
    model: Model,
    muscle: Muscle,
    flexion_range=(0.0, 120.0),
    adduction_range=(-30.0, 30.0),
    rotation_range=(-45.0, 45.0),
    grid_points: int = 21,
    candidates: int = 4,
    tol_deg: float = 1e-6,
) -> LongestResult:
    """The pose inside the box where the muscle is longest.

    A vectorised grid search (``grid_points`` per axis), then a local refinement of
    the ``candidates`` best cells at once: a 5 x 5 x 5 grid around each candidate,
    clipped to the box, shrinking by half each round until the spacing is below
    ``tol_deg``. The grid points themselves stay candidates, so the result is never
    worse than the coarse grid.

    Parameters
    ----------
    flexion_range, adduction_range, rotation_range : (low, high), degrees
        Inclusive. A range with low == high fixes that angle.

    Returns
    -------
    LongestResult
    """
    box = np.array([_range(flexion_range, "flexion"), _range(adduction_range, "adduction"),
                    _range(rotation_range, "rotation")])
    lo, hi = box[:, 0], box[:, 1]
    n = max(int(grid_points), 2)
    axes = [np.linspace(a, b, n) for a, b in box]
    L = muscle_length_m(model, muscle, axes[0][:, None, None], axes[1][None, :, None], axes[2][None, None, :])
    k = min(max(int(candidates), 1), L.size)
    best_idx = np.argpartition(L.ravel(), -k)[-k:]
    ijk = np.stack(np.unravel_index(best_idx, L.shape), axis=-1)
    centre = np.stack([axes[d][ijk[:, d]] for d in range(3)], axis=-1)  # (k, 3)
    best_L = L.ravel()[best_idx]
    step = (hi - lo) / (n - 1)  # (3,)
    offsets = np.stack(np.meshgrid(*([np.linspace(-1, 1, 5)] * 3), indexing="ij"), axis=-1).reshape(-1, 3)
    while np.max(step) > tol_deg:
        pts = np.clip(centre[:, None, :] + offsets[None, :, :] * step, lo, hi)  # (k, 125, 3)
        Lp = muscle_length_m(model, muscle, pts[..., 0], pts[..., 1], pts[..., 2])
        j = np.argmax(Lp, axis=1)
        better = Lp[np.arange(k), j] > best_L
        centre = np.where(better[:, None], pts[np.arange(k), j], centre)
        best_L = np.where(better, Lp[np.arange(k), j], best_L)
        step = step / 2.0
    b = int(np.argmax(best_L))
    f, a, r = (float(x) for x in centre[b])
    L0 = standing_length_mm(model, muscle)
    Lb = float(best_L[b]) * 1000.0
    limits = []
    for name, v, (l, h) in zip(("flexion", "adduction", "rotation"), (f, a, r), box):
        if l == h:
            continue
        if abs(v - h) < 1e-6:
            limits.append(f"{name} max")
        elif abs(v - l) < 1e-6:
            limits.append(f"{name} min")
    return LongestResult(
        flexion_deg=f, adduction_deg=a, rotation_deg=r,
        length_mm=Lb, standing_mm=L0, change_mm=Lb - L0, change_pct=100.0 * (Lb - L0) / L0,
        box=tuple(tuple(float(x) for x in row) for row in box),
        at_limits=tuple(limits),
    )
