"""The hip at one pose, ready to draw: bones, muscles, the rotation axis and each muscle's lever.

Numpy only. One pose is computed once here (its rotation, the path points, the levers)
and handed to the figures. Everything is in the pelvis frame, in millimetres relative to
the hip centre, so a figure can project it onto any view.

Bones are the OpenSim meshes of the model (:mod:`hipmodel.bones`), or meshes borrowed
from Gait2392 and placed by the hip centre (said in ``notes``). If no mesh can be read,
the scene carries a sketch made from the model's own points instead, and says why: a
broken mesh file never stops a picture.

The lever of a muscle is its rotation moment arm drawn to length: from the foot of the
common perpendicular on the femur's rotation axis, towards the line of pull, ``|moment
arm|`` long (the shortest distance between the two lines times the sine of the angle
between them; :mod:`hipmodel.lever`). The rest of the common perpendicular, up to the
line of pull, is ``reach_mm``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bones import PosedBone, bones_or_none, posed_bones
from .datafile import DataFileError
from .kinematics import check_angle, joint_axes, rotation_matrix
from .lever import rotation_lever
from .mechanics import moment_arms_m, path_points_m
from .model import DEFAULT_MODEL_ID, Model, load_model
from .surfaces import wrap_surfaces
from .words import ALMOST_NO_LEVER_MM

__all__ = ["MusclePath", "AnatomyScene", "anatomy_scene", "ALMOST_NO_LEVER_MM", "LANDMARK_NAMES"]

LANDMARK_NAMES = ("sacrum", "iliac crest", "greater trochanter", "ischial tuberosity", "femoral head")
# Sketch sizes (mm) for the fallback drawing only, typical adult values; no number uses them.
FEMORAL_HEAD_RADIUS_MM = 23.0
TROCHANTER_MUSCLES = ("gluteus_medius_1", "gluteus_medius_2", "gluteus_medius_3",
                      "gluteus_minimus_1", "gluteus_minimus_2", "gluteus_minimus_3", "piriformis")


@dataclass(frozen=True)
class MusclePath:
    """One muscle at the pose (mm, pelvis frame, relative to the hip centre).

    Attributes
    ----------
    points_mm : ndarray (k, 3)   path points, origin first
    moment_arms_mm : ndarray (3,)   about the flexion, adduction and rotation axes (signed)
    lever_mm : ndarray (2, 3)   foot on the rotation axis, tip: ``|tip - foot|`` = |rotation moment arm|
    reach_mm : ndarray (3,)   end of the common perpendicular on the line of pull
    shortest_distance_mm, angle_deg : float   between the axis and the line of pull
    """

    id: str
    name: str
    points_mm: np.ndarray
    moment_arms_mm: np.ndarray
    lever_mm: np.ndarray
    reach_mm: np.ndarray
    shortest_distance_mm: float
    angle_deg: float

    @property
    def rotation_moment_arm_mm(self) -> float:
        return float(self.moment_arms_mm[2])

    @property
    def almost_no_lever(self) -> bool:
        return abs(self.rotation_moment_arm_mm) < ALMOST_NO_LEVER_MM


@dataclass(frozen=True)
class AnatomyScene:
    """Bones and muscles at one pose.

    ``bones`` are posed meshes in metres in the pelvis frame (None when no mesh could be
    read; then ``sketch`` holds outline points in mm and ``notes`` says why).
    """

    model_id: str
    pose: tuple[float, float, float]
    hip_centre_m: np.ndarray
    bones: tuple[PosedBone, ...] | None
    bone_credit: str
    sketch: dict | None
    landmarks_mm: dict
    rotation_axis_mm: np.ndarray  # (2, 3) a segment of the femur's long (rotation) axis
    muscles: tuple[MusclePath, ...]
    notes: tuple[str, ...] = ()
    wraps: tuple = ()  # hipmodel.surfaces.Surface: the wrap surfaces these muscles use, posed
    piriformis_id: str | None = None  # the model's piriformis (an imported .osim's 'peri_r'), if it has one

    def caption_text(self) -> str:
        """The notes and the bones' credit as caption sentences, each said once (the credit of
        borrowed bones already says they are borrowed)."""
        notes = [n for n in self.notes if not (self.bone_credit and n.startswith("bones borrowed"))]
        parts = [n[:1].upper() + n[1:] + "." for n in notes] + ([self.bone_credit + "."] if self.bone_credit else [])
        return " ".join(parts)

    @property
    def piriformis(self) -> MusclePath | None:
        """The piriformis among this scene's muscles, or None."""
        return next((m for m in self.muscles if m.id == self.piriformis_id), None)


def _landmarks(bones: tuple[PosedBone, ...], hip: np.ndarray) -> dict:
    """The labelled points, picked from the posed meshes by position (mm, relative to the hip)."""
    by = {b.name: (b.vertices_m - hip) * 1000.0 for b in bones}
    out = {"femoral head": np.zeros(3)}
    if "sacrum" in by:
        s = by["sacrum"]
        out["sacrum"] = s[np.argmin(s[:, 0])]  # its most posterior point: the sacrum seen from behind
    if "pelvis_r" in by:
        p = by["pelvis_r"]
        out["iliac crest"] = p[np.argmax(p[:, 1])]
        low = p[p[:, 1] < np.min(p[:, 1]) + 15.0]  # the lowest 15 mm of the hip bone ...
        out["ischial tuberosity"] = low[np.argmin(low[:, 0])]  # ... its posterior end
    if "femur_r" in by:
        f = by["femur_r"]
        top = f[np.linalg.norm(f, axis=1) < 90.0]  # the upper end of the femur, near the hip
        out["greater trochanter"] = top[np.argmax(top[:, 2])] if len(top) else f[np.argmax(f[:, 2])]
    return out


def _sketch(model: Model, R: np.ndarray) -> tuple[dict, dict]:
    """Outline points from the model's own points, when no mesh can be drawn (mm, rel. hip)."""
    hip = model.hip_centre
    own = [np.array(lm.location_m) - hip for lm in model.landmarks if lm.body == "pelvis" and lm.location_m[2] > 0]
    own += [np.array(p.location_m) - hip for m in model.muscles for p in m.points if p.body == "pelvis"]
    if len(own) < 8 and model.id != DEFAULT_MODEL_ID:
        try:  # a donor for the outline; if its file is broken too, the model's own few points must do
            ref = load_model(DEFAULT_MODEL_ID)
            own += [np.array(p.location_m) - ref.hip_centre for m in ref.muscles for p in m.points
                    if p.body == "pelvis"]
        except (KeyError, DataFileError):
            pass
    right = np.array(own) * 1000.0
    ins = [m.points[-1].location_m for m in model.muscles if m.id in TROCHANTER_MUSCLES and m.points[-1].body == "femur"]
    gt = np.mean(ins, axis=0) if ins else np.array([-0.02, -0.007, 0.054])
    knee = np.array(model.knee_centre_m)
    femur = {"head": np.zeros(3), "trochanter": R @ gt * 1000.0, "knee": R @ knee * 1000.0}
    marks = {"femoral head": np.zeros(3), "greater trochanter": femur["trochanter"],
             "iliac crest": right[np.argmax(right[:, 1])], "ischial tuberosity": right[np.argmin(right[:, 1])]}
    return {"pelvis_right_mm": right, "femur_mm": femur}, marks


def anatomy_scene(model: Model, muscle_ids, flexion: float, adduction: float = 0.0, rotation: float = 0.0,
                  with_bones: bool = True) -> AnatomyScene:
    """Build the scene for one pose (angles in degrees, validated)."""
    f, a, r = (check_angle(v, n) for v, n in ((flexion, "flexion"), (adduction, "adduction"), (rotation, "rotation")))
    R = rotation_matrix(f, a, r)
    u = joint_axes(f, a, r)[2]
    hip = model.hip_centre
    knee_y = float(np.asarray(model.knee_centre_m)[1])
    # the femur's long axis, from 60 mm above the head down to the knee's level
    axis_seg = np.array([0.06 * u, knee_y * u]) * 1000.0

    notes, bones, sketch, credit = [], None, None, ""
    bone_set, error = bones_or_none(model) if with_bones else (None, None)
    if bone_set is not None:
        bones = tuple(posed_bones(bone_set, model, f, a, r))
        credit = bone_set.credit
        if bone_set.borrowed_from:
            notes.append(f"bones borrowed from {bone_set.borrowed_from}, placed by this model's hip centre")
        landmarks = _landmarks(bones, hip)
    else:
        sketch, landmarks = _sketch(model, R)
        if error:
            notes.append(f"bone meshes could not be read ({error}); the bones are a sketch from the model's points")

    two = set(getattr(model.origin, "two_joint", ()))
    shown_two = [model.muscle(m).id for m in muscle_ids if model.muscle(m).id in two]
    if shown_two:  # an imported .osim's hamstrings etc.: their numbers hold at one knee angle
        notes.append(f"the knee is held at {model.origin.knee_flexion_deg:g}\u00b0 of flexion for {', '.join(shown_two)} "
                     f"(crossing the knee too: drawn and computed at that knee angle)")
    muscles = []
    for mid in muscle_ids:
        mu = model.muscle(mid)
        pts = (path_points_m(model, mu, f, a, r) - hip) * 1000.0
        ma = moment_arms_m(model, mu, f, a, r) * 1000.0
        lev = rotation_lever(model, mu, f, a, r)
        muscles.append(MusclePath(
            mu.id, mu.name, pts, ma,
            lever_mm=(np.array([lev.foot_m, lev.tip_m]) - hip) * 1000.0,
            reach_mm=(np.asarray(lev.reach_m) - hip) * 1000.0,
            shortest_distance_mm=float(lev.shortest_distance_mm), angle_deg=float(lev.angle_deg)))
    wraps = wrap_surfaces(model, [m.id for m in muscles], f, a, r)
    return AnatomyScene(model.id, (f, a, r), hip, bones, credit, sketch, landmarks, axis_seg, tuple(muscles),
                        tuple(notes), wraps, getattr(model.piriformis, "id", None))
