"""A simplified 3-D scene of the pelvis, femur and muscles at one pose (numpy only).

Everything is in the pelvis frame, in millimetres, relative to the hip centre, so the
figures can project it onto any view. The bones are sketched from the model's own
points: its landmarks, the muscles' attachment points, the hip and knee centres.
Where a model carries too few points to outline the pelvis (Dostal 1981, TLEM 2.0),
the Gait2392 sketch points are borrowed, placed at the model's hip centre, and the
scene says so in ``notes``. No computation of moment arms or lengths uses the sketch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kinematics import joint_axes, rotation_matrix
from .mechanics import crossing_m, moment_arms_m, path_points_m
from .model import DEFAULT_MODEL_ID, Model, load_model

__all__ = ["MusclePath", "AnatomyScene", "anatomy_scene", "common_perpendicular"]

# Drawing-only sizes (mm), typical adult values; they change no computed number.
FEMORAL_HEAD_RADIUS_MM = 23.0
CONDYLE_HALF_WIDTH_MM = 30.0
# muscles whose femoral attachment marks the greater trochanter
TROCHANTER_MUSCLES = ("gluteus_medius_1", "gluteus_medius_2", "gluteus_medius_3",
                      "gluteus_minimus_1", "gluteus_minimus_2", "gluteus_minimus_3", "piriformis")


@dataclass(frozen=True)
class MusclePath:
    """One muscle at the pose.

    Attributes
    ----------
    points_mm : ndarray (k, 3)   path points, origin first
    moment_arms_mm : ndarray (3,)   about flexion, adduction, rotation axes
    perpendicular_mm : ndarray (2, 3) or None
        Common perpendicular from the femur's rotation axis (first point) to the line
        of pull of the segment that crosses the joint (second point); None if parallel.
    """

    id: str
    name: str
    points_mm: np.ndarray
    moment_arms_mm: np.ndarray
    perpendicular_mm: np.ndarray | None


@dataclass(frozen=True)
class AnatomyScene:
    """Bones and muscles at one pose, pelvis frame, mm, origin at the hip centre."""

    pose: tuple[float, float, float]
    pelvis_right_mm: np.ndarray  # (n, 3) right hemipelvis sketch points
    pelvis_left_mm: np.ndarray  # (n, 3) mirrored across the midline
    sacrum_mm: np.ndarray  # (m, 3) sacrum sketch points (both sides)
    landmarks_mm: dict  # name -> (3,) labelled points: iliac crest, sacrum, ischium, ASIS, PSIS
    femur_mm: dict  # head, neck_base, trochanter, knee, condyle_lateral, condyle_medial -> (3,)
    rotation_axis_mm: np.ndarray  # (2, 3) a segment of the femur's long (rotation) axis
    muscles: tuple[MusclePath, ...]
    midline_z_mm: float
    notes: tuple[str, ...] = ()


def common_perpendicular(p0, u, q0, f):
    """Closest points between line ``p0 + s u`` and line ``q0 + t f``.

    Returns
    -------
    ndarray (2, 3) or None
        The point on the first line, then the point on the second; None if parallel.
    """
    u = np.asarray(u, float) / np.linalg.norm(u)
    f = np.asarray(f, float) / np.linalg.norm(f)
    w0 = np.asarray(p0, float) - np.asarray(q0, float)
    b = u @ f
    den = 1.0 - b * b
    if den < 1e-12:
        return None
    d, e = u @ w0, f @ w0
    s = (b * e - d) / den
    t = (e - b * d) / den
    return np.array([p0 + s * u, q0 + t * f])


def _pelvis_points(model: Model) -> tuple[np.ndarray, list[str]]:
    """Sketch points of the right hemipelvis (m, relative to the hip centre)."""
    hip = model.hip_centre
    own = [np.array(lm.location_m) - hip for lm in model.landmarks if lm.body == "pelvis" and lm.location_m[2] > 0]
    own += [np.array(p.location_m) - hip for m in model.muscles for p in m.points if p.body == "pelvis"]
    notes = []
    if len(own) < 8 and model.id != DEFAULT_MODEL_ID:
        ref = load_model(DEFAULT_MODEL_ID)
        ref_pts, _ = _pelvis_points(ref)
        own = list(ref_pts) + own
        notes.append("pelvis outline borrowed from Gait2392, placed at this model's hip centre (drawing only)")
    return np.array(own), notes


def _midline_z(model: Model) -> float:
    lms = {lm.id: lm for lm in model.landmarks}
    if "RASI" in lms and "LASI" in lms:
        return 0.5 * (lms["RASI"].location_m[2] + lms["LASI"].location_m[2]) - model.hip_centre_m[2]
    if model.id != DEFAULT_MODEL_ID:
        return _midline_z(load_model(DEFAULT_MODEL_ID))
    return -model.hip_centre_m[2]


def anatomy_scene(model: Model, muscle_ids, flexion: float, adduction: float = 0.0, rotation: float = 0.0) -> AnatomyScene:
    """Build the scene for one pose (angles in degrees, validated)."""
    R = rotation_matrix(flexion, adduction, rotation)
    axes = joint_axes(flexion, adduction, rotation)
    u = axes[2]
    hip = model.hip_centre

    right_m, notes = _pelvis_points(model)
    mid = _midline_z(model)
    mirror = np.array([1.0, 1.0, -1.0])
    right = right_m * 1000.0
    left = (right_m - [0, 0, mid]) * mirror + [0, 0, mid]
    left = left * 1000.0

    # labelled pelvis landmarks, chosen from the sketch points by position
    lm = {
        "iliac crest": right[np.argmax(right[:, 1])],
        "ischium": right[np.argmin(right[:, 1])],
        "sacrum": right[np.argmin(np.abs(right[:, 2] - mid * 1000.0) + 0.3 * np.abs(right[:, 1]))],
    }
    near_mid = right[np.abs(right[:, 2] - mid * 1000.0) < 45.0]
    sacrum = np.vstack([near_mid, (near_mid - [0, 0, mid * 1000]) * mirror + [0, 0, mid * 1000]]) if len(near_mid) else np.zeros((0, 3))

    def femur_point(p_rel_m):
        return (R @ np.asarray(p_rel_m, float)) * 1000.0

    ins = [m.points[-1].location_m for m in model.muscles if m.id in TROCHANTER_MUSCLES and m.points[-1].body == "femur"]
    gt = np.mean(ins, axis=0) if ins else np.array([-0.02, -0.007, 0.054])
    knee = np.array(model.knee_centre_m)
    shaft_top = gt + 0.12 * (knee - gt)
    lat = np.array([0.0, 0.0, CONDYLE_HALF_WIDTH_MM / 1000.0])
    femur = {
        "head": femur_point([0.0, 0.0, 0.0]),
        "neck_base": femur_point(shaft_top),
        "trochanter": femur_point(gt),
        "knee": femur_point(knee),
        "condyle_lateral": femur_point(knee + lat),
        "condyle_medial": femur_point(knee - lat),
    }
    # femur +y runs from the knee to the hip: from 60 mm above the head down to knee level
    axis_seg = np.array([0.06 * u, knee[1] * u]) * 1000.0

    muscles = []
    for mid_ in muscle_ids:
        mu = model.muscle(mid_)
        pts = path_points_m(model, mu, flexion, adduction, rotation)
        ma = moment_arms_m(model, mu, flexion, adduction, rotation) * 1000.0
        rel = (pts - hip) * 1000.0
        perp = None
        fem = mu.on_femur if mu.path is None else ()
        if mu.path is not None:  # a wrapped path: its first piece between the bodies
            b, a = ((e - hip) * 1000.0 for e in crossing_m(model, mu, flexion, adduction, rotation))
            perp = common_perpendicular(np.zeros(3), u, b, a - b)
        for j in range(len(fem) - 1):
            if fem[j] != fem[j + 1]:
                b, a = (rel[j], rel[j + 1]) if fem[j] else (rel[j + 1], rel[j])
                perp = common_perpendicular(np.zeros(3), u, b, a - b)
                break
        muscles.append(MusclePath(mu.id, mu.name, rel, ma, perp))

    return AnatomyScene(
        pose=(float(flexion), float(adduction), float(rotation)),
        pelvis_right_mm=right,
        pelvis_left_mm=left,
        sacrum_mm=sacrum,
        landmarks_mm=lm,
        femur_mm=femur,
        rotation_axis_mm=axis_seg,
        muscles=tuple(muscles),
        midline_z_mm=mid * 1000.0,
        notes=tuple(notes),
    )
