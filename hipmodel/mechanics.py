"""Muscle paths, lengths and moment arms, vectorised over poses.

Moment arm convention (OpenSim): ``r_q = -dL/dq`` in metres per radian, so a
positive rotation moment arm pulls towards internal rotation and a negative one is
an external rotator; + adductor / - abductor; + flexor / - extensor.

Two independent methods:

* geometric (:func:`moment_arms_m`): for every path segment whose ends lie on
  different bodies, ``axis . (r x f)`` with ``r`` from the hip centre to the segment's
  femur end and ``f`` the unit pull on the femur (towards the pelvis end);
  segments within one body do not change length and contribute nothing.
* length excursion (:func:`moment_arms_numeric_m`): ``-dL/dq`` by central
  differences on :func:`muscle_length_m`.

A muscle with a general ``path`` (``Muscle.path``, e.g. an .osim muscle over a wrap
surface) is computed by that path's own ``path_points_m``, ``length_m``, ``moment_arms_m``
(OpenSim's moment arm) and ``moment_arms_numeric_m``; straight muscles use the code here.

Shapes: pose arguments broadcast to a shape ``S``; results are ``S`` (lengths),
``S + (3,)`` (moment arms about flexion, adduction, rotation) or ``S + (k, 3)``
(path points).
"""

from __future__ import annotations

import numpy as np

from typing import NamedTuple, Sequence

from .kinematics import check_angles, joint_axes, rotation_matrix
from .model import Model, Muscle

__all__ = [
    "AXIS_INDEX",
    "path_points_m",
    "muscle_length_m",
    "moment_arms_m",
    "moment_arms_numeric_m",
    "crossing_m",
    "MuscleCurves",
    "curves",
    "curves_for_muscles",
]

AXIS_INDEX = {"flexion": 0, "adduction": 1, "rotation": 2}


def _poses(flexion_deg, adduction_deg, rotation_deg):
    f = check_angles(flexion_deg, "flexion")
    a = check_angles(adduction_deg, "adduction")
    r = check_angles(rotation_deg, "rotation")
    return np.broadcast_arrays(f, a, r)


def path_points_m(model: Model, muscle: Muscle, flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> np.ndarray:
    """The muscle's path points in the pelvis frame.

    Returns
    -------
    ndarray, shape S + (k, 3), metres
    """
    f, a, r = _poses(flexion_deg, adduction_deg, rotation_deg)
    if muscle.path is not None:
        return muscle.path.path_points_m(f, a, r)
    R = rotation_matrix(f, a, r)
    return _points(model, muscle, R)


def _points(model: Model, muscle: Muscle, R: np.ndarray) -> np.ndarray:
    loc = muscle.locations_m
    femur = muscle.on_femur
    shape = R.shape[:-2]
    pts = np.empty(shape + loc.shape)
    pts[..., ~femur, :] = loc[~femur]  # pelvis points stay put
    # femur points turn about the hip centre: one (n*3, 3) @ (3, k) product for all poses
    turned = (R.reshape(-1, 3) @ loc[femur].T).reshape(shape + (3, int(femur.sum())))
    pts[..., femur, :] = np.swapaxes(turned, -1, -2) + model.hip_centre
    return pts


def crossing_m(model: Model, muscle: Muscle, flexion_deg, adduction_deg=0.0, rotation_deg=0.0):
    """The path piece that crosses the hip: ``(femur_end, pelvis_end)``, each S + (3,), metres.

    For a straight muscle, the ends of its one segment between pelvis and femur points; for
    a general path, the piece that ends on the femur (a wrap's tangent point counts as on the
    wrap object's body). Raises ValueError when the path crosses more than once.
    """
    f, a, r = _poses(flexion_deg, adduction_deg, rotation_deg)
    if muscle.path is not None:
        return muscle.path.crossing_m(f, a, r)
    fem = muscle.on_femur
    segs = [j for j in range(len(fem) - 1) if fem[j] != fem[j + 1]]
    if len(segs) != 1:
        raise ValueError(f"{muscle.id}: the path crosses the hip {len(segs)} times; one lever needs exactly one crossing")
    j = segs[0]
    i_fem, i_pel = (j, j + 1) if fem[j] else (j + 1, j)
    pts = _points(model, muscle, rotation_matrix(f, a, r))
    return pts[..., i_fem, :], pts[..., i_pel, :]


def _norm(v: np.ndarray) -> np.ndarray:
    """Euclidean norm over the last axis (faster than np.linalg.norm for 3-vectors)."""
    return np.sqrt(np.einsum("...i,...i->...", v, v))


def _length(pts: np.ndarray) -> np.ndarray:
    return _norm(np.diff(pts, axis=-2)).sum(axis=-1)


def muscle_length_m(model: Model, muscle: Muscle, flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> np.ndarray:
    """Musculotendon length (sum of straight segments), shape S, metres."""
    if muscle.path is not None:
        return muscle.path.length_m(*_poses(flexion_deg, adduction_deg, rotation_deg))
    return _length(path_points_m(model, muscle, flexion_deg, adduction_deg, rotation_deg))


def _geometric(model: Model, muscle: Muscle, pts: np.ndarray, axes: np.ndarray) -> np.ndarray:
    femur = muscle.on_femur
    hip = model.hip_centre
    torque = np.zeros(pts.shape[:-2] + (3,))
    for j in range(len(femur) - 1):
        if femur[j] == femur[j + 1]:
            continue  # both ends on one body: length fixed
        fem, pel = (j, j + 1) if femur[j] else (j + 1, j)
        r = pts[..., fem, :] - hip
        pull = pts[..., pel, :] - pts[..., fem, :]
        pull /= _norm(pull)[..., None]
        torque += np.cross(r, pull)  # moment of a unit pull about the hip centre
    return np.einsum("...kj,...j->...k", axes, torque)


def moment_arms_m(model: Model, muscle: Muscle, flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> np.ndarray:
    """Moment arms about the flexion, adduction and rotation axes (geometric method).

    Returns
    -------
    ndarray, shape S + (3,), metres; last axis ordered (flexion, adduction, rotation)
    """
    f, a, r = _poses(flexion_deg, adduction_deg, rotation_deg)
    if muscle.path is not None:
        return muscle.path.moment_arms_m(f, a, r)
    R = rotation_matrix(f, a, r)
    return _geometric(model, muscle, _points(model, muscle, R), joint_axes(f, a, r))


def moment_arms_numeric_m(
    model: Model, muscle: Muscle, flexion_deg, adduction_deg=0.0, rotation_deg=0.0, step_deg: float = 1e-4
) -> np.ndarray:
    """Moment arms as ``-dL/dq`` by central differences (independent check).

    Returns
    -------
    ndarray, shape S + (3,), metres per radian
    """
    q = list(_poses(flexion_deg, adduction_deg, rotation_deg))
    if muscle.path is not None:
        return muscle.path.moment_arms_numeric_m(*q, step_deg=step_deg)
    h = np.radians(step_deg)
    out = []
    for k in range(3):
        plus, minus = list(q), list(q)
        plus[k] = q[k] + step_deg
        minus[k] = q[k] - step_deg
        Lp = _length(_points(model, muscle, rotation_matrix(*plus)))
        Lm = _length(_points(model, muscle, rotation_matrix(*minus)))
        out.append(-(Lp - Lm) / (2 * h))
    return np.stack(out, axis=-1)


class _Frames(NamedTuple):
    """Validated, broadcast poses (deg) with their femur rotations and joint axes."""

    f: np.ndarray
    a: np.ndarray
    r: np.ndarray
    R: np.ndarray
    axes: np.ndarray


def _frames(flexion_deg, adduction_deg, rotation_deg) -> _Frames:
    f, a, r = _poses(flexion_deg, adduction_deg, rotation_deg)
    return _Frames(f, a, r, rotation_matrix(f, a, r), joint_axes(f, a, r))


class MuscleCurves:
    """Length and the three moment arms of one muscle over an array of poses.

    Attributes (all shape S)
    ------------------------
    flexion_deg, adduction_deg, rotation_deg : the poses
    length_mm, flexion_moment_arm_mm, adduction_moment_arm_mm, rotation_moment_arm_mm
    """

    def __init__(self, model: Model, muscle: Muscle, flexion_deg, adduction_deg=0.0, rotation_deg=0.0):
        self._fill(model, muscle, _frames(flexion_deg, adduction_deg, rotation_deg))

    @classmethod
    def _from_frames(cls, model: Model, muscle: Muscle, frames: _Frames) -> "MuscleCurves":
        self = cls.__new__(cls)
        self._fill(model, muscle, frames)
        return self

    def _fill(self, model: Model, muscle: Muscle, frames: _Frames) -> None:
        f, a, r, R, axes = frames
        if muscle.path is not None:
            length, ma = muscle.path.length_and_moment_arms_m(f, a, r)
            ma = ma * 1000.0
        else:
            pts = _points(model, muscle, R)
            ma = _geometric(model, muscle, pts, axes) * 1000.0
            length = _length(pts)
        self.model_id, self.muscle_id = model.id, muscle.id
        self.flexion_deg, self.adduction_deg, self.rotation_deg = f, a, r
        self.length_mm = length * 1000.0
        self.flexion_moment_arm_mm = ma[..., 0]
        self.adduction_moment_arm_mm = ma[..., 1]
        self.rotation_moment_arm_mm = ma[..., 2]

    def columns(self) -> dict[str, np.ndarray]:
        """Named columns (flattened) for tables and CSV."""
        names = ("flexion_deg", "adduction_deg", "rotation_deg", "rotation_moment_arm_mm",
                 "adduction_moment_arm_mm", "flexion_moment_arm_mm", "length_mm")
        return {n: np.ravel(getattr(self, n)) for n in names}


def curves(model: Model, muscle: Muscle, flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> MuscleCurves:
    """Length and moment arms (mm) of one muscle over poses; see :class:`MuscleCurves`."""
    return MuscleCurves(model, muscle, flexion_deg, adduction_deg, rotation_deg)


def curves_for_muscles(
    model: Model, muscles: Sequence[Muscle], flexion_deg, adduction_deg=0.0, rotation_deg=0.0
) -> list[MuscleCurves]:
    """:func:`curves` for several muscles at the same poses, in order.

    The poses are validated and their rotations computed once for all the muscles,
    which is most of the work on a large grid.
    """
    frames = _frames(flexion_deg, adduction_deg, rotation_deg)
    return [MuscleCurves._from_frames(model, mu, frames) for mu in muscles]
