"""Stretch positions and muscle length: why the figure-4 stretch works, in numbers.

Pure numpy (no plotting). Conventions are those of :mod:`hipmodel.kinematics`:
angles in degrees, + flexion, + adduction, + internal rotation; lengths in mm here.

Length and moment arm are two views of one fact. The rotation moment arm is
``r = -dL/d(rotation)``, so

* ``dL/d(rotation) > 0`` (``r < 0``, an external rotator): turning the thigh
  **inwards** (internal rotation) lengthens the muscle;
* ``dL/d(rotation) < 0`` (``r > 0``, an internal rotator): turning it **outwards**
  (external rotation) lengthens it.

So the rotation that stretches the piriformis flips exactly where its rotation
moment arm changes sign (:func:`hipmodel.switch.sign_change_angles`).
:func:`rotation_flip_angles` finds that flip from the length alone (numerical
derivative), an independent check of the switch angle.

Contents
--------
load_poses, find_pose          the named poses of ``data/poses.json``, validated
length_change, pose_table      length change against standing (mm and %)
length_map                     length over a flexion x rotation grid, one call
lengthening_rotation           which way to turn the thigh to stretch the muscle
rotation_flip_angles, switch_line   where that flips
longest_length                 the longest muscle inside a joint-range box
figure4_steps                  the figure-4 stretch step by step, with sentences
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .datafile import DataFileError, FieldChecker, cached, parse_json, read_text
from .words import change_word, pose_text, rotation_word, rotation_words
from .kinematics import check_angle, check_angles
from .mechanics import curves, muscle_length_m
from .model import DATA_DIR, Model, Muscle, closest_names
from .switch import sign_change_angles

__all__ = [
    "POSES_FILE",
    "POSE_FLAGS",
    "POSE_CATEGORIES",
    "PoseFileError",
    "NamedPose",
    "poses_from_json",
    "load_poses_file",
    "load_poses",
    "find_pose",
    "LengthChange",
    "length_change",
    "PoseResult",
    "pose_table",
    "LengthMap",
    "length_map",
    "length_slope_mm_per_deg",
    "lengthening_rotation",
    "rotation_words",
    "rotation_flip_angles",
    "switch_line",
    "LongestResult",
    "longest_length",
    "Figure4Step",
    "figure4_steps",
    "FIGURE4_FINAL_POSE",
]

POSES_FILE = DATA_DIR / "poses.json"
POSE_FLAGS = ("VERIFIED", "PARTLY CHOSEN", "CHOSEN", "UNVERIFIED")
POSE_CATEGORIES = ("everyday", "stretch", "cadaver", "test")
STANDING = (0.0, 0.0, 0.0)
MAX_FILE_BYTES = 1_000_000
SCHEMA_VERSION = 1


# ---------------------------------------------------------------------------------
# Named poses
# ---------------------------------------------------------------------------------


class PoseFileError(DataFileError):
    """A pose file is missing, malformed or inconsistent; names the file and field."""


@dataclass(frozen=True)
class NamedPose:
    """A named hip pose with where its angles come from.

    Attributes
    ----------
    id, name : str
        Identifier (``figure4``) and readable name.
    category : str
        One of ``everyday``, ``stretch``, ``cadaver``, ``test``.
    flexion_deg, adduction_deg, rotation_deg : float
        Joint angles, degrees (+ flexion, + adduction, + internal rotation).
    source : str
        Source key; ``source_citation`` is its full citation.
    flag : str
        ``VERIFIED``, ``PARTLY CHOSEN``, ``CHOSEN`` or ``UNVERIFIED``.
    angles_from : str
        Where the angles come from, or why we chose them.
    how_to : str
        A short description for coaches of how the position is done.
    """

    id: str
    name: str
    category: str
    flexion_deg: float
    adduction_deg: float
    rotation_deg: float
    source: str
    source_citation: str
    flag: str
    angles_from: str
    how_to: str

    @property
    def angles(self) -> tuple[float, float, float]:
        """(flexion, adduction, rotation) in degrees."""
        return (self.flexion_deg, self.adduction_deg, self.rotation_deg)

    def angles_text(self) -> str:
        """E.g. ``'100° flexion, 0° adduction, 45° external rotation'``."""
        return pose_text(*self.angles)


def poses_from_json(text: str, fname: str = "<poses>") -> tuple[NamedPose, ...]:
    """Parse and validate a pose file's JSON text.

    Everything is checked before anything is returned, so a file is loaded whole or
    not at all.

    Raises
    ------
    PoseFileError
        Naming the file and the field at fault.
    """
    c = FieldChecker(fname, PoseFileError)
    data = parse_json(text, fname, PoseFileError)
    if not isinstance(data, dict):
        c.fail("(top level)", "expected a JSON object")
    if data.get("schema_version") != SCHEMA_VERSION:
        c.fail("schema_version", f"expected {SCHEMA_VERSION}, got {data.get('schema_version')!r}")
    sources = data.get("sources")
    if not isinstance(sources, dict) or not sources:
        c.fail("sources", "expected a non-empty object of sources")
    for key, src in sources.items():
        if not isinstance(src, dict):
            c.fail(f"sources.{key}", "expected an object")
        c.text(src, "citation", f"sources.{key}")
    raw = data.get("poses")
    if not isinstance(raw, list) or not raw:
        c.fail("poses", "expected a non-empty list of poses")
    out, seen = [], {}
    for i, p in enumerate(raw):
        w = f"poses[{i}]"
        if not isinstance(p, dict):
            c.fail(w, f"expected an object, got {type(p).__name__}")
        pid = c.text(p, "id", w)
        w = f"poses[{i}] ({pid})"
        name = c.text(p, "name", w)
        for key in {pid.lower(), name.lower()}:
            if key in seen:
                c.fail(w, f"duplicate pose id or name {key!r} (also used by '{seen[key]}')")
            seen[key] = pid
        category = c.text(p, "category", w)
        if category not in POSE_CATEGORIES:
            c.fail(f"{w}.category", f"{category!r} is not one of {', '.join(POSE_CATEGORIES)}")
        angles = []
        for coord in ("flexion", "adduction", "rotation"):
            key = f"{coord}_deg"
            if key not in p:
                c.fail(f"{w}.{key}", "missing")
            v = p[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                c.fail(f"{w}.{key}", f"expected a number of degrees, got {v!r}")
            if not math.isfinite(v) or abs(v) > 180:
                c.fail(f"{w}.{key}", f"{v!r} is outside the allowed range -180..180 deg")
            angles.append(float(v))
        source = c.text(p, "source", w)
        if source not in sources:
            c.fail(f"{w}.source", f"unknown source {source!r} (defined: {', '.join(sources)})")
        flag = c.text(p, "flag", w)
        if flag not in POSE_FLAGS:
            c.fail(f"{w}.flag", f"{flag!r} is not one of {', '.join(POSE_FLAGS)}")
        out.append(
            NamedPose(
                id=pid,
                name=name,
                category=category,
                flexion_deg=angles[0],
                adduction_deg=angles[1],
                rotation_deg=angles[2],
                source=source,
                source_citation=sources[source]["citation"],
                flag=flag,
                angles_from=c.text(p, "angles_from", w),
                how_to=c.text(p, "how_to", w),
            )
        )
    return tuple(out)


def load_poses_file(path: str | Path) -> tuple[NamedPose, ...]:
    """Load and validate a pose file (see :func:`poses_from_json`)."""
    return poses_from_json(read_text(path, MAX_FILE_BYTES, PoseFileError), Path(path).name)


_CACHE: dict = {}


def load_poses(path: str | Path = POSES_FILE) -> tuple[NamedPose, ...]:
    """The named poses (cached; reloaded when the file changes)."""
    return cached(_CACHE, path, load_poses_file, PoseFileError)


def _norm(name: str) -> str:
    return "".join(ch for ch in str(name).lower().replace("four", "4") if ch.isalnum())


def find_pose(name: str, poses: tuple[NamedPose, ...] | None = None) -> NamedPose:
    """A pose by id or readable name (case, spaces and hyphens ignored).

    Raises
    ------
    KeyError
        With the closest pose ids, if nothing matches.
    """
    poses = load_poses() if poses is None else poses
    key = _norm(name)
    for p in poses:
        if key in (_norm(p.id), _norm(p.name)):
            return p
    ids = [p.id for p in poses]
    near = closest_names(str(name).lower(), ids) or [p.id for p in poses if key and key in _norm(p.name)][:3]
    hint = f"; closest: {', '.join(near)}" if near else ""
    raise KeyError(f"unknown pose '{name}'{hint} (poses: {', '.join(ids)})")


# ---------------------------------------------------------------------------------
# Length against standing
# ---------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------
# The length map over flexion x rotation
# ---------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------
# Which rotation lengthens the muscle, and where that flips
# ---------------------------------------------------------------------------------


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


def _bisect(fun, lo, hi, f_lo, tol_deg):
    n = int(np.ceil(np.log2(max(float(np.max(hi - lo, initial=1.0)), tol_deg) / tol_deg))) + 1
    for _ in range(n):
        mid = 0.5 * (lo + hi)
        f_mid = fun(mid)
        left = np.sign(f_mid) == np.sign(f_lo)
        lo, f_lo, hi = np.where(left, mid, lo), np.where(left, f_mid, f_lo), np.where(left, hi, mid)
    return 0.5 * (lo + hi)


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
    nz = np.flatnonzero(np.sign(v) != 0)
    if nz.size < 2:
        return []
    ch = np.flatnonzero(np.sign(v[nz[:-1]]) != np.sign(v[nz[1:]]))
    lo, hi = nz[ch], nz[ch + 1]
    return [float(x) for x in _bisect(fun, grid[lo], grid[hi], v[lo], tol_deg)]


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

    roots = _bisect(fun, lo, lo + (grid[1] - grid[0]), f_lo, tol_deg)
    return np.where(has, roots, np.nan)


# ---------------------------------------------------------------------------------
# The longest muscle inside a joint-range box
# ---------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------
# The figure-4 stretch, step by step
# ---------------------------------------------------------------------------------

FIGURE4_FINAL_POSE = (100.0, 20.0, -45.0)  # flexion, adduction, rotation: figure-4 + knee pulled across


@dataclass(frozen=True)
class Figure4Step:
    """One step of the figure-4 explainer.

    ``change_mm``/``change_pct`` are against standing; ``step_change_mm`` against the
    previous step. ``sentence`` is generated from these numbers; ``shown`` holds each
    number the sentence shows (name -> value, unrounded; lengths in mm, angles in deg,
    magnitudes where the sentence says the direction in words).
    """

    number: int
    title: str
    flexion_deg: float
    adduction_deg: float
    rotation_deg: float
    length_mm: float
    change_mm: float
    change_pct: float
    step_change_mm: float
    rotation_moment_arm_mm: float
    adduction_moment_arm_mm: float
    sentence: str
    shown: dict = field(default_factory=dict, compare=False)

    @property
    def angles(self) -> tuple[float, float, float]:
        return (self.flexion_deg, self.adduction_deg, self.rotation_deg)


def figure4_steps(
    model: Model,
    muscle: Muscle,
    flexion_deg: float = FIGURE4_FINAL_POSE[0],
    adduction_deg: float = FIGURE4_FINAL_POSE[1],
    rotation_deg: float = FIGURE4_FINAL_POSE[2],
) -> tuple[Figure4Step, ...]:
    """The figure-4 stretch as four steps, with the length and moment arm at each.

    Steps: 1 standing; 2 flex the hip to ``flexion_deg``; 3 turn the thigh to
    ``rotation_deg`` (negative = external, the crossed ankle); 4 pull the knee
    towards the opposite shoulder, ``adduction_deg``.

    Returns
    -------
    tuple of 4 Figure4Step; every sentence is built from that step's numbers.
    """
    F = check_angle(flexion_deg, "flexion")
    A = check_angle(adduction_deg, "adduction")
    R = check_angle(rotation_deg, "rotation")
    poses = np.array([[0.0, 0.0, 0.0], [F, 0.0, 0.0], [F, 0.0, R], [F, A, R]])
    lc = length_change(model, muscle, poses[:, 0], poses[:, 1], poses[:, 2])
    L, d, pct = lc.length_mm, lc.change_mm, lc.change_pct
    rma, ama = lc.rotation_moment_arm_mm, lc.adduction_moment_arm_mm
    step = np.diff(L, prepend=L[0])
    switches = sign_change_angles(model, muscle, 0.0, 0.0, start_deg=0.0, stop_deg=max(F, 1.0))
    name = muscle.name.lower()

    shown: list[dict] = [{}, {}, {}, {}]

    def v(i: int, key: str, value: float, fmt: str) -> str:
        """Format a number for step i's sentence and record it in that step's ``shown``."""
        shown[i][key] = float(value)
        return format(float(value), fmt)

    def action(i: int, r_mm: float) -> str:
        if abs(r_mm) < 0.05:
            return "neither an internal nor an external rotator"
        kind = "an internal" if r_mm > 0 else "an external"
        return f"{kind} rotator ({v(i, 'rotation_moment_arm_mm', abs(r_mm), '.1f')} mm lever arm)"

    s1 = (f"Standing, the {name} is {v(0, 'length_mm', L[0], '.0f')} mm long and {action(0, rma[0])}. "
          + ("Turning the thigh inwards would stretch it; turning it outwards slackens it."
             if rma[0] < 0 else "Turning the thigh outwards would stretch it."))
    def by(i: int) -> str:
        """'lengthens it by 8.0 mm', or 'leaves its length unchanged' for less than 0.05 mm."""
        if abs(step[i]) < 0.05:
            return "leaves its length unchanged"
        return f"{change_word(step[i])} it by {v(i, 'step_change_mm', abs(step[i]), '.1f')} mm"

    s2 = (f"Bending the hip to {v(1, 'flexion_deg', F, 'g')}° {by(1)}. "
          if F != 0 else f"The hip stays straight in this version ({v(1, 'flexion_deg', F, 'g')}° flexion). ")
    if switches and rma[0] < 0 < rma[1]:
        s2 += (f"On the way, at {v(1, 'switch_deg', switches[0].flexion_deg, '.0f')}° flexion, its line of pull "
               f"crosses the thigh's long axis: it is now {action(1, rma[1])}, so turning the thigh outwards now "
               "stretches it.")
    else:
        s2 += (f"It is {action(1, rma[1])} here, so turning the thigh "
               f"{'outwards' if rma[1] > 0 else 'inwards'} is what stretches it.")
    turn = "outwards" if R < 0 else "inwards"
    if R == 0:
        s3 = "No rotation in this version: the thigh is not turned, so the length does not change."
    else:
        how = " (crossing the ankle over the other thigh)" if R < 0 else ""
        more = " more" if abs(step[2]) >= 0.05 and F != 0 else ""
        s3 = f"Turning the thigh {turn} by {v(2, 'rotation_deg', abs(R), 'g')}°{how} {by(2)}{more}"
        kind = rotation_word(rma[1])
        if abs(step[2]) >= 0.05:
            s3 += (f", because at {v(2, 'flexion_deg', F, 'g')}° flexion it is an {kind} rotator: turning the thigh "
                   f"{turn} {'pulls it longer' if step[2] > 0 else 'lets it slacken'}.")
        else:
            s3 += "."
    if A == 0:
        s4 = f"Leaving the knee over the hip ({v(3, 'adduction_deg', A, 'g')}° adduction) {by(3)}"
    else:
        across = "towards the opposite shoulder" if A > 0 else "out to the side"
        s4 = (f"Pulling the knee {across} ({v(3, 'adduction_deg', abs(A), 'g')}° "
              f"{'adduction' if A > 0 else 'abduction'}) {by(3)}")
    if ama[2] < 0 and A > 0 and step[3] > 0:
        s4 += (f", because the {name} is an abductor ({v(3, 'abduction_moment_arm_mm', abs(ama[2]), '.1f')} mm) "
               "and moving the knee across pulls on it")
    s4 += (f". In total it is {v(3, 'change_mm', d[3], '+.1f')} mm ({v(3, 'change_pct', pct[3], '+.1f')}%) "
           "against standing.")

    titles = ("Standing", f"Flex the hip to {F:g}°" if F != 0 else "Hip stays straight",
              f"Turn the thigh {'out' if R < 0 else 'in'} {abs(R):g}°" if R != 0 else "No turn of the thigh",
              f"Knee towards the opposite shoulder ({A:g}°)" if A > 0 else f"Knee out ({-A:g}° abduction)" if A < 0
              else "Knee stays over the hip")
    return tuple(
        Figure4Step(
            number=i + 1, title=titles[i],
            flexion_deg=float(poses[i, 0]), adduction_deg=float(poses[i, 1]), rotation_deg=float(poses[i, 2]),
            length_mm=float(L[i]), change_mm=float(d[i]), change_pct=float(pct[i]), step_change_mm=float(step[i]),
            rotation_moment_arm_mm=float(rma[i]), adduction_moment_arm_mm=float(ama[i]), sentence=s,
            shown=shown[i],
        )
        for i, s in enumerate((s1, s2, s3, s4))
    )
