"""The hip joint of an OpenSim 4.x model: pelvis -> femur_r through a CustomJoint.

OpenSim places the femur by chaining three transforms (all read from the file):

    pelvis body  --(parent offset frame: translation t_p, XYZ body-fixed orientation R_p)-->  P
    P            --(SpatialTransform: rotation1, rotation2, rotation3, each about its axis,
                    body-fixed, by a function of one coordinate; translations)-->          C
    C            --(child offset frame on the femur: t_c, R_c, inverted)-->                femur body

so a femur-body point ``p_B`` sits at ``t_p + R_p (R_j(q) R_c^T (p_B - t_c) + T_j)`` in the
pelvis frame. hipmodel's convention is ``hip_centre + Rz(flexion) Rx(adduction) Ry(rotation) p``
with ``p`` in a femur frame whose axes are parallel to the pelvis at zero pose. The reader
accepts a hip only when, for every pose tried, ``R_p R_j(q) R_c^T = Rz Rx Ry(q) M`` with one
constant ``M``, with no translation that depends on a coordinate (and none at all: the hip
must turn about one fixed centre). Then the hip centre is ``t_p`` (pelvis frame) and a femur
point in our frame is ``M (p_B - t_c)``. Anything else is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..kinematics import rotation_matrix
from .functions import Constant, LinearFunction, PiecewiseLinearFunction, SimmSpline, FUNCTION_TAGS
from .xmlread import Element, OsimError

__all__ = ["HipJoint", "find_hip_joint", "joint_coordinates", "joint_frame", "body_fixed_xyz", "axis_rotation", "read_function", "floats"]

PELVIS, FEMUR = "pelvis", "femur_r"


def floats(fname: str, e: Element, n: int | None = None, what: str | None = None) -> np.ndarray:
    """The whitespace-separated numbers of an element, or OsimError naming it and its line."""
    try:
        v = np.array([float(t) for t in e.text.split()], dtype=float)
    except ValueError:
        raise OsimError(f"{fname}: line {e.line}: <{e.tag}>{what or ''}: expected numbers, got {e.text[:40]!r}") from None
    if n is not None and v.size != n:
        raise OsimError(f"{fname}: line {e.line}: <{e.tag}>{what or ''}: expected {n} numbers, got {v.size}")
    if not np.all(np.isfinite(v)):
        raise OsimError(f"{fname}: line {e.line}: <{e.tag}>{what or ''}: numbers must be finite")
    return v


def child_vec(fname, e: Element, tag: str, n: int, default=None) -> np.ndarray:
    c = e.find(tag)
    if c is None:
        if default is not None:
            return np.array(default, dtype=float)
        raise OsimError(f"{fname}: line {e.line}: {e.label()}: missing <{tag}>")
    return floats(fname, c, n, f" of {e.label()}")


def axis_rotation(axis, angle):
    """Rotation matrices by ``angle`` (array, radians) about a unit ``axis``: shape angle + (3,3)."""
    a = np.asarray(axis, dtype=float)
    a = a / np.linalg.norm(a)
    ang = np.asarray(angle, dtype=float)
    c, s = np.cos(ang)[..., None, None], np.sin(ang)[..., None, None]
    K = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + s * K + (1 - c) * (K @ K)


def body_fixed_xyz(angles) -> np.ndarray:
    """SimTK's body-fixed X-Y-Z rotation: Rx(a0) Ry(a1) Rz(a2)."""
    a = np.asarray(angles, dtype=float)
    return axis_rotation((1, 0, 0), a[0]) @ axis_rotation((0, 1, 0), a[1]) @ axis_rotation((0, 0, 1), a[2])


def read_function(fname: str, holder: Element):
    """The one function element inside ``holder`` (e.g. <x_location> or a TransformAxis)."""
    funcs = [c for c in holder.children if c.tag in FUNCTION_TAGS]
    others = [c for c in holder.children if c.tag not in FUNCTION_TAGS and c.tag not in ("coordinates", "axis")]
    if not funcs:
        kind = others[0].tag if others else "nothing"
        raise OsimError(f"{fname}: line {holder.line}: {holder.label()}: function type {kind} is not supported "
                        f"(supported: {', '.join(FUNCTION_TAGS)})")
    f = funcs[0]
    try:
        if f.tag == "Constant":
            return Constant(floats(fname, f.find("value") or f, 1)[0])
        if f.tag == "LinearFunction":
            c = floats(fname, f.find("coefficients") or f, 2, f" of {f.label()}")
            return LinearFunction(c[0], c[1])
        x = f.find("x")
        y = f.find("y")
        if x is None or y is None:
            raise OsimError(f"{fname}: line {f.line}: {f.label()}: needs <x> and <y>")
        xv, yv = floats(fname, x, None, f" of {f.label()}"), floats(fname, y, None, f" of {f.label()}")
        if f.tag == "PiecewiseLinearFunction":
            return PiecewiseLinearFunction(xv, yv)
        return SimmSpline(xv, yv, kind=f.tag)
    except ValueError as e:
        if isinstance(e, OsimError):
            raise
        raise OsimError(f"{fname}: line {f.line}: {f.label()}: {e}") from None


@dataclass
class HipJoint:
    name: str
    coordinates: tuple  # (flexion, adduction, rotation) coordinate names, in that order
    ranges: np.ndarray  # (3, 2) radians
    defaults: np.ndarray  # (3,) radians
    hip_centre: np.ndarray  # pelvis frame
    femur_centre: np.ndarray  # hip centre in the femur body frame (t_c)
    M: np.ndarray  # femur body axes -> our femur frame
    joint_line: int

    def femur_point(self, p_body) -> np.ndarray:
        """A femur-body point in our femur frame (relative to the hip centre)."""
        return self.M @ (np.asarray(p_body, dtype=float) - self.femur_centre)

    def coordinate_index(self, path: str):
        """0/1/2 for a socket path naming one of the hip coordinates, else None."""
        name = path.strip().rstrip("/").split("/")[-1]
        return self.coordinates.index(name) if name in self.coordinates else None


def joint_frame(fname, joint: Element, socket: str, bodies: set):
    """(body name, translation, rotation) of a joint's parent or child frame."""
    ref = joint.findtext(socket)
    if ref is None or not ref.strip():
        raise OsimError(f"{fname}: line {joint.line}: {joint.label()}: missing <{socket}>")
    ref = ref.strip()
    frames = joint.find("frames")
    local = ref.split("/")[-1]
    if frames is not None:
        for f in frames.children:
            if f.name == local and f.tag == "PhysicalOffsetFrame":
                parent = (f.findtext("socket_parent") or "").strip().rstrip("/").split("/")[-1]
                t = child_vec(fname, f, "translation", 3, (0, 0, 0))
                o = child_vec(fname, f, "orientation", 3, (0, 0, 0))
                return parent, t, body_fixed_xyz(o)
    body = local
    if body in bodies:
        return body, np.zeros(3), np.eye(3)
    return None, None, None


def joint_coordinates(fname: str, j: Element, default_range) -> dict:
    """A joint's coordinates: name -> (range (2,) radians, default value, motion type)."""
    coords = {}
    for c in (j.path("coordinates") or Element("x", {}, 0)).children:
        if c.tag == "Coordinate":
            rng = c.find("range")
            r = floats(fname, rng, 2) if rng is not None else np.asarray(default_range, dtype=float)
            dv = c.find("default_value")
            coords[c.name] = (r, float(floats(fname, dv, 1)[0]) if dv is not None else 0.0,
                              (c.findtext("motion_type") or "rotational").strip())
    return coords


def find_hip_joint(fname: str, model: Element, bodies: set) -> HipJoint:
    jointset = model.path("JointSet", "objects")
    if jointset is None:
        if any(b.find("Joint") is not None for b in (model.path("BodySet", "objects") or model).children):
            raise OsimError(f"{fname}: OpenSim 3.x layout (joints inside bodies) is not read; open and save the model in OpenSim 4 first")
        raise OsimError(f"{fname}: line {model.line}: {model.label()}: no <JointSet>, so no hip joint")
    candidates = []
    for j in jointset.children:
        pb, tp, Rp = joint_frame(fname, j, "socket_parent_frame", bodies)
        cb, tc, Rc = joint_frame(fname, j, "socket_child_frame", bodies)
        if pb == PELVIS and cb == FEMUR:
            candidates.append((j, tp, Rp, tc, Rc))
    if not candidates:
        raise OsimError(f"{fname}: no joint joins the pelvis (parent) to femur_r (child): no right hip joint found")
    j, tp, Rp, tc, Rc = candidates[0]
    where = f"{fname}: line {j.line}: {j.label()}"
    if j.tag != "CustomJoint":
        raise OsimError(f"{where}: the hip is a {j.tag}; only a CustomJoint with three rotations about the hip centre is read")
    coords = joint_coordinates(fname, j, np.array([-np.inf, np.inf]))
    st = j.find("SpatialTransform")
    if st is None:
        raise OsimError(f"{where}: missing <SpatialTransform>")
    axes = {a.name: a for a in st.findall("TransformAxis")}
    rot = []
    for k in ("rotation1", "rotation2", "rotation3"):
        a = axes.get(k)
        if a is None:
            raise OsimError(f"{where}: SpatialTransform has no {k}")
        names = (a.findtext("coordinates") or "").split()
        if len(names) != 1:
            raise OsimError(f"{fname}: line {a.line}: {a.label()}: a hip rotation must follow exactly one coordinate, found {len(names)}")
        if names[0] not in coords:
            raise OsimError(f"{fname}: line {a.line}: {a.label()}: coordinate {names[0]!r} is not one of the joint's coordinates")
        rot.append((names[0], child_vec(fname, a, "axis", 3), read_function(fname, a)))
    for k in ("translation1", "translation2", "translation3"):
        a = axes.get(k)
        if a is None:
            continue
        names = (a.findtext("coordinates") or "").split()
        f = read_function(fname, a)
        if names or abs(float(f.value(0.0))) > 1e-12:
            raise OsimError(f"{fname}: line {a.line}: {a.label()}: the hip translates "
                            f"({'with ' + ', '.join(names) if names else 'by a constant offset'}); "
                            "only three rotations about one hip centre are read")
    cnames = tuple(r[0] for r in rot)
    if len(set(cnames)) != 3:
        raise OsimError(f"{where}: the three hip rotations must follow three different coordinates, got {', '.join(cnames)}")
    for n in cnames:
        if coords[n][2] not in ("rotational", ""):
            raise OsimError(f"{where}: coordinate {n} has motion_type {coords[n][2]}; expected rotational")

    def R_total(q):  # q: (N, 3) radians, in rotation1..3 order
        Rj = np.eye(3)
        for k, (_, ax, f) in enumerate(rot):
            Rj = Rj @ axis_rotation(ax, f.value(q[:, k]))
        return Rp @ Rj @ Rc.T

    M = R_total(np.zeros((1, 3)))[0]
    rng = np.random.default_rng(7)
    q = np.vstack([rng.uniform(-1.2, 1.2, (24, 3)), np.eye(3) * 0.7])
    ours = rotation_matrix(*np.degrees(q).T) @ M
    err = float(np.abs(R_total(q) - ours).max())
    if err > 1e-9:
        desc = "; ".join(f"{k} about {np.round(ax, 4).tolist()} by {f.kind}({n})" for k, (n, ax, f) in zip(("rotation1", "rotation2", "rotation3"), rot))
        raise OsimError(f"{where}: the hip's rotations ({desc}) are not Rz(flexion) Rx(adduction) Ry(rotation) "
                        f"body-fixed about the hip centre (hipmodel's convention; mismatch {err:.2g})")
    return HipJoint(
        name=j.name,
        coordinates=cnames,
        ranges=np.array([coords[n][0] for n in cnames]),
        defaults=np.array([coords[n][1] for n in cnames]),
        hip_centre=np.asarray(tp, dtype=float),
        femur_centre=np.asarray(tc, dtype=float),
        M=M,
        joint_line=j.line,
    )
