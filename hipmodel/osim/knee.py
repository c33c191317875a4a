"""The right knee of an OpenSim 4.x model, read only to carry tibia points onto the femur.

A muscle that crosses the hip and the knee (the hamstrings, sartorius, gracilis, tensor fasciae
latae) has points on the tibia. With the knee held at one angle the tibia is fixed to the
femur, so each tibia point (and a wrap object on the tibia) becomes a femur point, and the hip
machinery computes the muscle unchanged: its hip moment arms and length at that knee angle.

OpenSim places the tibia through the knee's CustomJoint, all read from the file:

    femur body --(parent offset frame: t_p, XYZ body-fixed R_p)--> P
    P          --(rotation1..3 about their axes, body-fixed, each by a function of the
                  knee coordinate; then translation1..3 along their axes, in P)--> C
    C          --(child offset frame on the tibia: t_c, R_c, inverted)--> tibia body

so a tibia-body point ``p_T`` sits at ``t_p + R_p (R_j(q) R_c^T (p_T - t_c) + T_j(q))`` in the
femur body frame (checked against OpenSim 4.6 in tests/test_osim_knee.py). Only a knee whose
transform follows one rotational coordinate is read; anything else gives the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .joint import FEMUR, joint_frame, axis_rotation, child_vec, joint_coordinates, read_function
from .xmlread import Element, OsimError

__all__ = ["TIBIA", "KneeJoint", "find_knee_joint"]

TIBIA = "tibia_r"


@dataclass
class KneeJoint:
    name: str
    coordinate: str  # the knee coordinate's name (knee_angle_r)
    range_rad: tuple  # its range in the file (radians)
    default_rad: float
    flexion_sign: float  # +1 if the coordinate grows as the knee bends (Rajagopal), -1 if it falls (Gait2392)
    parent: tuple  # (t_p, R_p) on the femur body
    child: tuple  # (t_c, R_c) on the tibia body
    rotations: tuple  # ((axis, function, follows the coordinate), ...) rotation1..3
    translations: tuple  # the same for translation1..3
    line: int

    def coordinate_value(self, knee_flexion_deg: float) -> float:
        """The knee coordinate (radians) for a knee flexion in degrees (0 = straight, + = bent)."""
        return self.flexion_sign * float(np.radians(knee_flexion_deg))

    def flexion_range_deg(self) -> tuple[float, float]:
        """The knee flexion range (degrees, + = bent) the file allows."""
        a, b = (self.flexion_sign * float(np.degrees(v)) for v in self.range_rad)
        return (min(a, b), max(a, b))

    def tibia_to_femur(self, q: float):
        """(R, t): a tibia-body point p goes to ``R @ p + t`` in the femur body frame at knee coordinate q."""
        def value(f, follows):
            return float(f.value(np.array([q if follows else 0.0]))[0])

        Rj = np.eye(3)
        for ax, f, follows in self.rotations:
            Rj = Rj @ axis_rotation(ax, value(f, follows))
        Tj = np.zeros(3)
        for ax, f, follows in self.translations:
            Tj = Tj + np.asarray(ax, float) / np.linalg.norm(ax) * value(f, follows)
        (tp, Rp), (tc, Rc) = self.parent, self.child
        R = Rp @ Rj @ Rc.T
        return R, tp + Rp @ (Tj - Rj @ Rc.T @ tc)


def find_knee_joint(fname: str, model: Element, bodies: set) -> KneeJoint | str:
    """The joint from femur_r (parent) to tibia_r (child), or a sentence saying why it cannot be read."""
    jointset = model.path("JointSet", "objects")
    for j in (jointset.children if jointset is not None else []):
        try:
            pb, tp, Rp = joint_frame(fname, j, "socket_parent_frame", bodies)
            cb, tc, Rc = joint_frame(fname, j, "socket_child_frame", bodies)
        except OsimError:
            continue
        if pb == FEMUR and cb == TIBIA:
            try:
                return _read(fname, j, (tp, Rp), (tc, Rc))
            except OsimError as e:
                return str(e).split(": ", 1)[-1] if str(e).startswith(fname) else str(e)
    return "no joint joins femur_r (parent) to tibia_r (child)"


def _read(fname: str, j: Element, parent, child) -> KneeJoint | str:
    where = f"line {j.line}: {j.label()}"
    if j.tag not in ("CustomJoint", "PinJoint"):
        return f"{where}: the knee is a {j.tag}; only a CustomJoint or PinJoint knee is read"
    coords = {n: (tuple(float(v) for v in r), d, m)
              for n, (r, d, m) in joint_coordinates(fname, j, (-np.pi, np.pi)).items()}
    if j.tag == "PinJoint":  # one rotation about the frames' common z axis
        if len(coords) != 1:
            return f"{where}: a PinJoint knee needs one coordinate"
        from .functions import LinearFunction
        rotations = (((0.0, 0.0, 1.0), LinearFunction(1.0, 0.0), True),)
        translations = ()
    else:
        st = j.find("SpatialTransform")
        if st is None:
            return f"{where}: missing <SpatialTransform>"
        axes = {a.name: a for a in st.findall("TransformAxis")}
        followed, parts = set(), {}
        for k in ("rotation1", "rotation2", "rotation3", "translation1", "translation2", "translation3"):
            a = axes.get(k)
            if a is None:
                continue
            names = (a.findtext("coordinates") or "").split()
            if len(names) > 1:
                return f"line {a.line}: {a.label()}: follows {len(names)} coordinates; only one knee coordinate is read"
            followed.update(names)
            parts[k] = (tuple(child_vec(fname, a, "axis", 3)), read_function(fname, a), bool(names))
        rotations = tuple(parts[k] for k in ("rotation1", "rotation2", "rotation3") if k in parts)
        translations = tuple(parts[k] for k in ("translation1", "translation2", "translation3") if k in parts)
        if len(followed) != 1 or next(iter(followed)) not in coords:
            return (f"{where}: the knee's transform follows {', '.join(sorted(followed)) or 'no coordinate'}; "
                    "exactly one of the joint's own coordinates is read")
        coords = {n: coords[n] for n in followed}
    (name, (rng, default, motion)), = coords.items()
    if motion not in ("rotational", ""):
        return f"{where}: coordinate {name} has motion_type {motion}; expected rotational"
    # the side the range reaches further is bending: Gait2392 -120..10 deg (bends negative), Rajagopal 0..120
    sign = -1.0 if abs(rng[0]) > abs(rng[1]) else 1.0
    return KneeJoint(name=j.name, coordinate=name, range_rad=rng, default_rad=default, flexion_sign=sign,
                     parent=parent, child=child, rotations=rotations, translations=translations, line=j.line)
