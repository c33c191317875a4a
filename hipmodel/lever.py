"""The true lever of a rotation moment arm, in 3-D, vectorised over poses.

The rotation moment arm of a muscle is ``a . (r x f)``: ``a`` the unit rotation axis
(the femur's own long axis after flexion and adduction, the joint's third axis), ``f``
the unit line of pull of the path segment that crosses the joint (on the femur, towards
the pelvis end), ``r`` from the hip centre to a point on that line (the segment's femur
end), as in :mod:`hipmodel.mechanics`.

Let ``D`` be the shortest distance between the axis line and the line of pull (their
common perpendicular, from ``foot`` on the axis to ``reach`` on the line of pull) and
``theta`` the angle between the two lines. Then ``|moment arm| = D sin(theta)``, not
``D``: a bar drawn from the axis to the line of pull is ``D`` long whether it is drawn in
3-D or in the plane perpendicular to the axis (the common perpendicular already lies in
that plane). So the lever drawn here starts at ``foot``, runs along the common
perpendicular towards ``reach`` and stops at ``tip``, ``D sin(theta)`` from ``foot``; a
figure can draw the rest of the perpendicular (``tip`` to ``reach``) faint and dotted.

Derivation of the length: with ``n = (a x f) / sin(theta)`` and ``w = r``,
``reach - foot = (w . n) n`` and ``a . (w x f) = w . (f x a) = -sin(theta) (w . n)``;
hence ``tip = foot + sin(theta) (reach - foot)`` and ``|tip - foot| = |a . (r x f)|``.
Parallel lines (``sin(theta) = 0``) and intersecting lines (``D = 0``) both give a zero
moment arm and ``tip = foot``, without NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kinematics import check_angles, joint_axes
from .mechanics import crossing_m, path_points_m
from .model import Model, Muscle

__all__ = ["Lever", "crossing_segment", "rotation_lever"]

_PARALLEL_SIN2 = 1e-24  # sin(theta)^2 below this: the lines are parallel (theta < 1e-12 rad)


@dataclass(frozen=True)
class Lever:
    """A muscle's rotation lever over poses of shape S (all arrays read-only).

    Attributes
    ----------
    foot_m : ndarray S + (3,), metres, pelvis frame
        Foot of the common perpendicular on the rotation axis.
    tip_m : ndarray S + (3,), metres
        End of the lever: ``|tip_m - foot_m|`` is the absolute rotation moment arm.
    reach_m : ndarray S + (3,), metres
        Foot of the common perpendicular on the line of pull (``D`` from ``foot_m``).
    moment_arm_mm : ndarray S, mm
        Signed rotation moment arm, ``a . (r x f)``: + internal, - external rotator.
    shortest_distance_mm : ndarray S, mm
        ``D``, the distance between the axis line and the line of pull.
    angle_deg : ndarray S, degrees in [0, 90]
        ``theta``, the angle between the two lines.
    axis_m : ndarray S + (3,)
        Unit rotation axis ``a``.
    pull_m : ndarray S + (3,)
        Unit line of pull ``f`` (on the femur, towards the pelvis end of the segment).
    origin_m : ndarray S + (3,), metres
        The segment's femur end, the point ``r`` of the line of pull is measured to.
    """

    muscle_id: str
    foot_m: np.ndarray
    tip_m: np.ndarray
    reach_m: np.ndarray
    moment_arm_mm: np.ndarray
    shortest_distance_mm: np.ndarray
    angle_deg: np.ndarray
    axis_m: np.ndarray
    pull_m: np.ndarray
    origin_m: np.ndarray


def crossing_segment(muscle: Muscle) -> tuple[int, int]:
    """Indices ``(femur end, pelvis end)`` of the one path segment that crosses the hip.

    Raises
    ------
    ValueError
        If the path crosses the joint more than once (its rotation moment arm is then a
        sum of several levers and cannot be drawn as one).
    """
    fem = muscle.on_femur
    segs = [j for j in range(len(fem) - 1) if fem[j] != fem[j + 1]]
    if len(segs) != 1:
        raise ValueError(f"{muscle.id}: the path crosses the hip {len(segs)} times; one lever needs exactly one crossing")
    j = segs[0]
    return (j, j + 1) if fem[j] else (j + 1, j)


def _dot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.einsum("...i,...i->...", u, v)


def _ro(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float)
    a.setflags(write=False)
    return a


def rotation_lever(model: Model, muscle: Muscle, flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> Lever:
    """The lever of the rotation moment arm at poses broadcast to shape S.

    Parameters
    ----------
    model : Model
    muscle : Muscle   one of ``model.muscles``
    flexion_deg, adduction_deg, rotation_deg : array_like, degrees (validated)

    Returns
    -------
    Lever
        See :class:`Lever`; ``|tip_m - foot_m| = |moment_arm_mm| / 1000``.

    Examples
    --------
    >>> from hipmodel.model import load_model
    >>> m = load_model("gait2392")
    >>> lv = rotation_lever(m, m.muscle("piriformis"), 0.0)
    >>> print(f"{lv.shortest_distance_mm:.1f} {lv.angle_deg:.0f} {lv.moment_arm_mm:.1f}")
    34.0 59 -29.2
    """
    f, a, r = np.broadcast_arrays(check_angles(flexion_deg, "flexion"), check_angles(adduction_deg, "adduction"),
                                  check_angles(rotation_deg, "rotation"))
    if muscle.path is not None:  # a general path (wrap...): its piece that ends on the femur
        p, pel_end = crossing_m(model, muscle, f, a, r)
    else:
        fem, pel = crossing_segment(muscle)
        pts = path_points_m(model, muscle, f, a, r)
        p, pel_end = pts[..., fem, :], pts[..., pel, :]
    hip = model.hip_centre
    axis = joint_axes(f, a, r)[..., 2, :]  # already unit length
    pull = pel_end - p
    pull = pull / np.sqrt(_dot(pull, pull))[..., None]

    w = p - hip  # r: hip centre to a point on the line of pull
    cross = np.cross(axis, pull)
    sin2 = _dot(cross, cross)
    sin_t = np.sqrt(sin2)
    parallel = sin2 < _PARALLEL_SIN2
    n = cross / np.where(parallel, 1.0, sin_t)[..., None]
    # foot on the axis: the point with (reach - foot) perpendicular to both lines; for
    # parallel lines any point works, take the projection of p (then reach = p)
    b = _dot(axis, pull)
    aw, fw = _dot(axis, w), _dot(pull, w)
    s = np.where(parallel, aw, (aw - b * fw) / np.where(parallel, 1.0, sin2))
    foot = hip + s[..., None] * axis
    wn = _dot(w, n)
    perp = np.where(parallel[..., None], w - aw[..., None] * axis, wn[..., None] * n)  # reach - foot
    reach = foot + perp
    tip = foot + sin_t[..., None] * perp

    ma = _dot(axis, np.cross(w, pull))
    return Lever(
        muscle_id=muscle.id,
        foot_m=_ro(foot),
        tip_m=_ro(tip),
        reach_m=_ro(reach),
        moment_arm_mm=_ro(ma * 1000.0),
        shortest_distance_mm=_ro(np.sqrt(_dot(perp, perp)) * 1000.0),
        angle_deg=_ro(np.degrees(np.arctan2(sin_t, np.abs(b)))),
        axis_m=_ro(axis),
        pull_m=_ro(pull),
        origin_m=_ro(p),
    )
