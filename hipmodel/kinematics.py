"""Hip joint kinematics in the OpenSim convention (stated once, used everywhere).

Convention
----------
Pelvis frame: x anterior, y superior, z right. The femur frame sits at the hip centre
and is reached by three body-fixed rotations::

    R = Rz(flexion) @ Rx(adduction) @ Ry(rotation)

so a femur point ``p_f`` (relative to the hip centre) is at ``hip_centre + R @ p_f`` in
the pelvis frame. Signs, right leg: + flexion brings the knee forward, + adduction
brings it towards the midline, + rotation is internal rotation.

The three joint axes in the pelvis frame at a pose are the axes each coordinate turns
about: flexion about pelvis z, adduction about ``Rz(flexion) x``, rotation about the
femur's own long axis ``R y``. A coordinate's rate of change moves a femur point with
velocity ``axis x (p - hip_centre)``.

Angles are degrees at the interface. Every function broadcasts: pass arrays of any
compatible shapes and get that broadcast shape back, followed by ``(3,)`` or ``(3, 3)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "COORDINATES",
    "ANGLE_LIMIT_DEG",
    "PoseError",
    "Pose",
    "check_angle",
    "check_angles",
    "rotation_matrix",
    "joint_axes",
]

COORDINATES = ("flexion", "adduction", "rotation")
ANGLE_LIMIT_DEG = 180.0


class PoseError(ValueError):
    """An angle is not a finite number within -180..180 degrees."""


def check_angle(value, name: str) -> float:
    """Return ``value`` as a float, or raise :class:`PoseError` naming the field.

    Accepts ints, floats and numeric strings; rejects NaN, inf, booleans and values
    outside -180..180 degrees.
    """
    if isinstance(value, bool):
        raise PoseError(f"{name}: expected a number of degrees in -180..180, got {value!r}")
    try:
        v = float(value)
    except OverflowError:
        raise PoseError(f"{name}: {str(value)[:20]}... is outside the allowed range -180..180 deg") from None
    except (TypeError, ValueError):
        raise PoseError(f"{name}: expected a number of degrees in -180..180, got {value!r}") from None
    if not math.isfinite(v):
        raise PoseError(f"{name}: must be a finite number of degrees in -180..180, got {value!r}")
    if abs(v) > ANGLE_LIMIT_DEG:
        raise PoseError(f"{name}: {v:g} deg is outside the allowed range -180..180 deg")
    return v


def check_angles(values, name: str) -> np.ndarray:
    """Array version of :func:`check_angle`: a float array, or :class:`PoseError`."""
    try:
        a = np.asarray(values, dtype=float)
    except OverflowError:
        raise PoseError(f"{name}: a value is outside the allowed range -180..180 deg") from None
    except (TypeError, ValueError):
        raise PoseError(f"{name}: expected numbers of degrees in -180..180, got {values!r}") from None
    if np.asarray(values).dtype == bool:
        raise PoseError(f"{name}: expected numbers of degrees, got booleans")
    if not np.all(np.isfinite(a)):
        raise PoseError(f"{name}: every angle must be finite (found NaN or inf)")
    if np.any(np.abs(a) > ANGLE_LIMIT_DEG):
        worst = a.flat[int(np.argmax(np.abs(a)))]
        raise PoseError(f"{name}: {worst:g} deg is outside the allowed range -180..180 deg")
    return a


@dataclass(frozen=True)
class Pose:
    """One hip pose in degrees (validated on construction)."""

    flexion: float = 0.0
    adduction: float = 0.0
    rotation: float = 0.0

    def __post_init__(self):
        for name in COORDINATES:
            object.__setattr__(self, name, check_angle(getattr(self, name), name))

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.flexion, self.adduction, self.rotation)


def _axis_rotation(angle_rad: np.ndarray, axis: int) -> np.ndarray:
    """Rotation matrices about a coordinate axis, shape angle.shape + (3, 3)."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    R = np.zeros(np.shape(angle_rad) + (3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]  # the plane the rotation acts in
    R[..., axis, axis] = 1.0
    R[..., i, i] = c
    R[..., j, j] = c
    R[..., i, j] = -s
    R[..., j, i] = s
    return R


def rotation_matrix(flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> np.ndarray:
    """Femur orientation in the pelvis frame, ``Rz(flex) Rx(add) Ry(rot)``.

    Parameters
    ----------
    flexion_deg, adduction_deg, rotation_deg : array_like
        Broadcastable angles in degrees.

    Returns
    -------
    ndarray, shape broadcast(...) + (3, 3)

    Examples
    --------
    >>> R = rotation_matrix(90.0)
    >>> np.round(R @ [0.0, -1.0, 0.0], 12)  # the shaft points forward at 90 deg flexion
    array([ 1., -0.,  0.])
    """
    f, a, r = np.broadcast_arrays(*(np.radians(np.asarray(x, dtype=float)) for x in (flexion_deg, adduction_deg, rotation_deg)))
    cf, sf, ca, sa, cr, sr = np.cos(f), np.sin(f), np.cos(a), np.sin(a), np.cos(r), np.sin(r)
    # the product Rz(f) Rx(a) Ry(r) written out entry by entry (2-3x faster than three matmuls
    # on a large grid; tests/test_kinematics.py holds it to the product)
    out = np.empty(f.shape + (3, 3))
    out[..., 0, 0] = cf * cr - sf * sa * sr
    out[..., 0, 1] = -sf * ca
    out[..., 0, 2] = cf * sr + sf * sa * cr
    out[..., 1, 0] = sf * cr + cf * sa * sr
    out[..., 1, 1] = cf * ca
    out[..., 1, 2] = sf * sr - cf * sa * cr
    out[..., 2, 0] = -ca * sr
    out[..., 2, 1] = sa
    out[..., 2, 2] = ca * cr
    return out


def joint_axes(flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> np.ndarray:
    """Unit axes of the three hip coordinates in the pelvis frame.

    Returns
    -------
    ndarray, shape broadcast(...) + (3, 3)
        ``axes[..., k, :]`` is the axis of coordinate ``k`` (0 flexion, 1 adduction,
        2 rotation), each pointing so that a positive coordinate change is a
        right-handed turn about it.
    """
    f, a, _ = np.broadcast_arrays(*(np.radians(np.asarray(x, dtype=float)) for x in (flexion_deg, adduction_deg, rotation_deg)))
    Rz = _axis_rotation(f, 2)
    Rzx = Rz @ _axis_rotation(a, 0)
    axes = np.empty(f.shape + (3, 3))
    axes[..., 0, :] = (0.0, 0.0, 1.0)
    axes[..., 1, :] = Rz[..., :, 0]
    axes[..., 2, :] = Rzx[..., :, 1]  # Ry leaves y unchanged, so this is R @ y
    return axes
