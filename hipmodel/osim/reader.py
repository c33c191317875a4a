"""Read an OpenSim 4.x .osim file into hip muscles hipmodel can compute and draw.

``read_osim(path_or_bytes)`` returns an :class:`OsimImport`: the model's name and credits,
the hip joint (checked against hipmodel's convention), every muscle or path actuator whose
path lies on the pelvis and the right femur (with conditional and moving points and a wrap
cylinder or sphere), and the list of what was left out with the reason. A problem inside one
muscle (a bad number, a one-point spline, a wrap cylinder with a negative radius) leaves that
muscle out, naming the element and the line; the rest loads. Problems with the file itself
(not XML, unsafe XML, too large, no right hip joint, a hip that is not three rotations about
one centre) raise :class:`OsimError`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..model import Model, model_from_json
from .joint import FEMUR, PELVIS, HipJoint, body_fixed_xyz, child_vec, find_hip_joint, floats, read_function
from .knee import TIBIA, find_knee_joint
from .paths import OsimMuscle, OsimPoint
from .wrap import QUADRANTS, WrapSurface
from .xmlread import MAX_BYTES, Element, OsimError, parse_xml, read_bytes

__all__ = ["OsimImport", "read_osim", "OsimError"]

POINT_TAGS = ("PathPoint", "ConditionalPathPoint", "MovingPathPoint")
KNEE_SIDE = ("tibia", "patella", "talus", "calcn", "toes", "fibula")
OUR_BODY = {PELVIS: "pelvis", FEMUR: "femur"}


@dataclass
class OsimImport:
    """What was read from one .osim file (lengths in metres, pelvis frame / our femur frame)."""

    file_name: str
    model_name: str
    model_id: str
    credits: str
    publications: str
    joint: HipJoint
    muscles: list
    left_out: list  # [(name, reason)]
    knee_centre: np.ndarray
    landmarks: list = field(default_factory=list)  # [(name, body, location)]
    knee_flexion_deg: float | None = None  # the knee angle two-joint muscles are read at (None: no knee read)
    two_joint: tuple = ()  # names of the muscles that cross the knee too
    knee_range_deg: tuple | None = None  # the knee flexion the file allows (+ = bent)
    knee_coordinate: tuple | None = None  # (name, value in the file's convention, radians) at the angle read

    @property
    def knee_text(self) -> str:
        """'semimem_r, ... at 0 deg knee flexion (knee straight)', or '' when no muscle crosses the knee."""
        if not self.two_joint:
            return ""
        k = self.knee_flexion_deg
        bent = "knee straight" if abs(k) < 1e-9 else "knee bent" if k > 0 else "knee overstretched"
        return (f"{len(self.two_joint)} muscles also cross the knee ({', '.join(self.two_joint)}): read with the knee "
                f"held at {k:g}\u00b0 of flexion ({bent}), their tibia points carried onto the femur by the model's "
                "own knee joint")

    @property
    def hip_centre(self) -> np.ndarray:
        return self.joint.hip_centre

    @property
    def muscle_names(self) -> tuple:
        return tuple(m.name for m in self.muscles)

    def muscle(self, name: str) -> OsimMuscle:
        for m in self.muscles:
            if m.name.lower() == str(name).lower():
                return m
        why = dict((n.lower(), r) for n, r in self.left_out).get(str(name).lower())
        raise KeyError(f"no muscle {name!r} in {self.file_name}" + (f" (left out: {why})" if why else ""))

    # ---------------------------------------------------------------- conversion
    def to_json_dict(self) -> dict:
        """A dict that :func:`hipmodel.model.model_from_json` accepts: the straight-line
        muscles (fixed path points only, no wrap), each number sourced to this file."""
        key = re.sub(r"[^a-z0-9_]+", "_", self.model_id.lower()).strip("_") + "_osim"
        straight = [m for m in self.muscles if m.straight_line and not m.crosses_knee]
        if not straight:
            raise OsimError(f"{self.file_name}: no straight-line hip muscle to convert")
        others = [m.name for m in self.muscles if not m.straight_line and not m.crosses_knee]
        left = [f"{n}: {r}" for n, r in self.left_out]
        if self.two_joint:  # valid at one knee angle only: the JSON schema has no knee
            left.insert(0, "Crossing the knee too, so read by hipmodel.osim at a chosen knee angle and not written "
                           "here: " + ", ".join(self.two_joint))
        if others:
            left.insert(0, "Read from the .osim but not straight lines (wrap, conditional or moving points; "
                           "use hipmodel.osim for these): " + ", ".join(others))
        citation = self.credits.strip() or self.model_name
        if self.publications.strip():
            citation += "; " + self.publications.strip()
        muscles = []
        for m in straight:
            arch = {k: v for k, v in m.architecture.items()} if getattr(m, "architecture", None) else None
            d = {"id": m.name, "name": m.name, "source_name": m.name, "group": "", "source": key,
                 "path": [{"body": p.body, "location": [float(x) for x in p.location]} for p in m.points]}
            if arch:
                d["architecture"] = dict(arch, source=key)
            muscles.append(d)
        return {
            "schema_version": 1,
            "id": self.model_id,
            "name": self.model_name,
            "description": f"Straight-line right hip muscles read from {self.file_name} by hipmodel.osim.",
            "units": "m",
            "frame_convention": "Pelvis frame: x anterior, y superior, z right. Femur frame: origin at the hip centre, "
                                "parallel to the pelvis frame at zero pose. Hip: R = Rz(flexion) Rx(adduction) "
                                "Ry(rotation), body-fixed (OpenSim " + self.joint.name + ").",
            "approximate_frame_alignment": False,
            "left_out": " | ".join(left),
            "sources": {key: {"citation": " ".join(citation.split()), "file": self.file_name}},
            "hip_centre": {"pelvis": [float(x) for x in self.hip_centre], "femur": [0.0, 0.0, 0.0], "source": key},
            "knee_centre": {"femur": [float(x) for x in self.knee_centre], "source": key},
            "landmarks": [{"id": n, "name": n, "body": b, "location": [float(x) for x in loc], "source": key}
                          for n, b, loc in self.landmarks],
            "muscles": muscles,
        }

    def straight_line_model(self) -> Model:
        """hipmodel's own :class:`~hipmodel.model.Model` of the straight-line muscles."""
        return model_from_json(json.dumps(self.to_json_dict()), self.file_name)


# --------------------------------------------------------------------------- reading
def read_osim(source, name: str | None = None, cap: int = MAX_BYTES, strict: bool = False,
              knee_flexion_deg: float | None = None) -> OsimImport:
    """Read an .osim file (a path, or the file's bytes) into an :class:`OsimImport`.

    Parameters
    ----------
    source : str, Path or bytes
    name : the file name to use in messages and as the source (default: the path's name).
    cap : the size limit in bytes (default 20 MB).
    strict : raise on the first muscle that cannot be read instead of leaving it out.
    knee_flexion_deg : the knee angle (0 = straight, + = bent) at which muscles that also cross
        the knee are read (default: the knee coordinate's default in the file, usually 0).
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        fname = name or "<osim>"
        data = bytes(source)
        if len(data) > cap:
            raise OsimError(f"{fname}: document is {len(data)} bytes; an .osim file may be at most {cap} bytes")
    else:
        fname = name or Path(source).name
        data = read_bytes(source, cap)
    root = parse_xml(data, fname, cap)
    return _Reader(fname, root, strict, knee_flexion_deg).run(name)


class _Reader:
    def __init__(self, fname: str, root: Element, strict: bool, knee_flexion_deg: float | None = None):
        self.fname, self.root, self.strict = fname, root, strict
        self.knee_flexion_deg = knee_flexion_deg

    def err(self, e: Element, msg: str) -> OsimError:
        return OsimError(f"{self.fname}: line {e.line}: {e.label()}: {msg}")

    def run(self, name):
        fname, root = self.fname, self.root
        if root.tag != "OpenSimDocument":
            raise OsimError(f"{fname}: line {root.line}: the document's root is <{root.tag}>, not <OpenSimDocument>: not an OpenSim model")
        version = root.attrib.get("Version", "")
        model = root.find("Model")
        if model is None:
            raise OsimError(f"{fname}: line {root.line}: <OpenSimDocument> has no <Model>")
        try:
            vnum = int(version)
        except ValueError:
            vnum = None
        if vnum is not None and vnum < 40000:
            raise OsimError(f"{fname}: line {root.line}: OpenSim document version {version} (3.x) is not read; "
                            "open and save the model in OpenSim 4 first")
        units = (model.findtext("length_units") or "meters").strip().lower()
        if units not in ("meters", "m", "meter"):
            raise self.err(model, f"length_units {units!r}: only meters are read")
        bodyset = model.path("BodySet", "objects")
        self.bodies = {b.name: b for b in (bodyset.children if bodyset is not None else []) if b.tag == "Body"}
        for b in (PELVIS, FEMUR):
            if b not in self.bodies:
                raise OsimError(f"{fname}: line {model.line}: {model.label()}: no body named {b!r}, so no right hip")
        self.joint = find_hip_joint(fname, model, set(self.bodies) | {"ground"})
        self._read_knee(model)
        self.wraps = {}
        for b in (PELVIS, FEMUR) + ((TIBIA,) if self.knee_T is not None and TIBIA in self.bodies else ()):
            ws = self.bodies[b].path("WrapObjectSet", "objects")
            for w in (ws.children if ws is not None else []):
                self.wraps[w.name] = (b, w)
        self.other_wraps = {}
        for bname, body in self.bodies.items():
            ws = body.path("WrapObjectSet", "objects")
            for w in (ws.children if ws is not None else []):
                self.other_wraps.setdefault(w.name, (bname, w))

        muscles, left_out = [], []
        forces = model.path("ForceSet", "objects")
        for f in (forces.children if forces is not None else []):
            gp = f.find("GeometryPath")
            if gp is None:
                continue
            try:
                m, why = self.muscle(f, gp)
            except OsimError as e:
                if self.strict:
                    raise
                m, why = None, str(e).split(": ", 1)[1] if str(e).startswith(fname) else str(e)
            if m is None:
                left_out.append((f.name, why))
            else:
                muscles.append(m)

        model_name = model.name or Path(fname).stem
        mid = name or Path(fname).stem
        mid = re.sub(r"[^A-Za-z0-9_]+", "_", Path(mid).stem if "." in mid else mid).strip("_").lower() or "osim"
        return OsimImport(
            file_name=fname,
            model_name=model_name,
            model_id=mid,
            credits=model.findtext("credits") or "",
            publications=model.findtext("publications") or "",
            joint=self.joint,
            muscles=muscles,
            left_out=left_out,
            knee_centre=self.knee_centre(model),
            landmarks=self.landmarks(model),
            knee_flexion_deg=self.knee_deg_used,
            two_joint=tuple(m.name for m in muscles if m.crosses_knee),
            knee_range_deg=None if self.knee_T is None else self.knee.flexion_range_deg(),
            knee_coordinate=None if self.knee_T is None else (self.knee.coordinate, float(self.knee_q)),
        )

    def _read_knee(self, model: Element) -> None:
        """The knee, and the tibia-to-femur transform at the knee angle asked for (or the file's default)."""
        self.knee = find_knee_joint(self.fname, model, set(self.bodies) | {"ground"}) if TIBIA in self.bodies else \
            "the model has no tibia_r"
        self.knee_T, self.knee_q, self.knee_deg_used = None, None, None
        if isinstance(self.knee, str):
            return
        k = self.knee
        flex = self.knee_flexion_deg
        if flex is None:
            q = k.default_rad
            flex = k.flexion_sign * float(np.degrees(q)) + 0.0  # + 0.0: never '-0'

        else:
            flex = float(flex)
            if not np.isfinite(flex):
                raise OsimError(f"{self.fname}: knee flexion must be a finite number of degrees, got {flex}")
            lo, hi = k.flexion_range_deg()
            if not lo - 1e-6 <= flex <= hi + 1e-6:
                raise OsimError(f"{self.fname}: knee flexion {flex:g}\u00b0 is outside this model's knee range "
                                f"({lo:.0f} to {hi:.0f}\u00b0, {k.coordinate})")
            q = k.coordinate_value(flex)
        self.knee_q, self.knee_deg_used = q, flex
        self.knee_T = k.tibia_to_femur(q)

    def _tibia_to_femur_body(self, p) -> np.ndarray:
        R, t = self.knee_T
        return R @ np.asarray(p, dtype=float) + t

    def _knee_active(self, lo: float, hi: float) -> bool:
        """A point active on the knee coordinate: in or out at the knee angle read (OpenSim's slack)."""
        return lo - 1e-5 <= self.knee_q <= hi + 1e-5

    # ------------------------------------------------------------------ pieces
    def body_of(self, e: Element, socket: str = "socket_parent_frame") -> str:
        ref = (e.findtext(socket) or "").strip()
        if not ref:
            raise self.err(e, f"missing <{socket}>")
        parts = ref.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "bodyset":
            return parts[1]
        if len(parts) == 1:
            return parts[0]
        return ref  # some other frame (offset frame, ground...)

    def muscle(self, f: Element, gp: Element):
        fname = self.fname
        pts_el = gp.path("PathPointSet", "objects")
        if pts_el is None or not pts_el.children:
            return None, "no path points"
        bodies = []
        for p in pts_el.children:
            if p.tag not in POINT_TAGS:
                return None, f"line {p.line}: path point type <{p.tag}> is not supported"
            bodies.append(self.body_of(p))
        bset = set(bodies)
        others = sorted(bset - {PELVIS, FEMUR})
        listed = ", ".join(sorted(bset))
        knee = [o for o in others if o.startswith(KNEE_SIDE)]
        # the right hip and the right knee: a left-leg body anywhere makes it a left-leg muscle
        two_joint = PELVIS in bset and knee != [] and not any(o.endswith("_l") for o in others)
        if two_joint:
            beyond = sorted(bset - {PELVIS, FEMUR, TIBIA})
            if beyond:
                return None, (f"crosses the knee as well as the hip, and lies on {', '.join(beyond)} (points on "
                              f"{listed}); only points on the pelvis, femur_r and tibia_r are read")
            if self.knee_T is None:
                return None, (f"crosses the knee as well as the hip (points on {listed}); the knee joint could not "
                              f"be read: {self.knee}")
        elif PELVIS not in bset or FEMUR not in bset:
            if FEMUR in bset and knee:
                return None, f"does not cross the hip (crosses the knee: points on {listed})"
            return None, f"does not cross the right hip (points on {listed})"
        elif others:
            return None, f"lies on other bodies too (points on {listed}); only pelvis-femur paths are read"
        points = []
        for p, b in zip(pts_el.children, bodies):
            pt = self.point(p, b)
            if isinstance(pt, str):
                return None, pt
            if pt is not None:  # None: a point off at the knee angle read
                points.append(pt)
        if len(points) < 2:
            return None, "fewer than two path points are active at the knee angle read"
        wraps = [w for w in (gp.path("PathWrapSet", "objects") or Element("x", {}, 0)).children if w.tag == "PathWrap"]
        wrap = None
        if len(wraps) > 1:
            return None, f"wraps over {len(wraps)} objects ({', '.join(w.findtext('wrap_object') or '?' for w in wraps)}); only one wrap object per path is read"
        if wraps:
            wrap = self.wrap(wraps[0])
            if isinstance(wrap, str):
                return None, wrap
        m = OsimMuscle(name=f.name, kind=f.tag, points=points, wrap=wrap, hip_centre=self.joint.hip_centre,
                       ranges=self.joint.ranges, source=fname, line=f.line, crosses_knee=two_joint)
        m.architecture = self.architecture(f)
        return m, None

    def _is_knee(self, ref: str) -> bool:
        return self.knee_T is not None and ref.strip().rstrip("/").split("/")[-1] == self.knee.coordinate

    def _body_point(self, loc, body: str) -> np.ndarray:
        """A location in its body's file frame -> our frame of the pelvis or the femur (a tibia point
        is carried onto the femur at the knee angle read)."""
        if body == TIBIA:
            loc, body = self._tibia_to_femur_body(loc), FEMUR
        return self.joint.femur_point(loc) if body == FEMUR else np.asarray(loc, dtype=float)

    def point(self, p: Element, body: str):
        """An OsimPoint, None for a point switched off at the knee angle read, or a reason (str)."""
        fname, j = self.fname, self.joint
        ours = "femur" if body == TIBIA else OUR_BODY[body]
        if p.tag == "MovingPathPoint":
            funcs, coords = [], []
            for ax in "xyz":
                holder = p.find(f"{ax}_location")
                if holder is None:
                    raise self.err(p, f"missing <{ax}_location>")
                funcs.append(read_function(fname, holder))
                ref = (p.findtext(f"socket_{ax}_coordinate") or "").strip()
                if ref and self._is_knee(ref):
                    coords.append("knee")
                elif ref:
                    c = j.coordinate_index(ref)
                    if c is None:
                        return f"line {p.line}: {p.label()} moves with {ref.split('/')[-1]}, not a hip coordinate (crosses another joint)"
                    coords.append(c)
                else:
                    coords.append(None)
            if len(set(coords)) != 1:
                raise self.err(p, "x, y and z must follow the same coordinate (as OpenSim requires)")
            if coords[0] == "knee":  # moves with the knee only: fixed at the knee angle read
                lo, hi = self.knee.range_rad
                q = np.array([min(max(self.knee_q, lo), hi)])
                loc = np.array([float(fn.value(q)[0]) for fn in funcs])
                return OsimPoint(p.name, ours, self._body_point(loc, body), "PathPoint", line=p.line)
            if body == TIBIA:
                return f"line {p.line}: {p.label()} on the tibia moves with a hip coordinate; not read"
            to_ours = j.M if ours == "femur" else np.eye(3)
            offset = j.femur_centre if ours == "femur" else np.zeros(3)
            return OsimPoint(p.name, ours, np.zeros(3), "MovingPathPoint", functions=tuple(funcs), coords=tuple(coords),
                             to_ours=to_ours, offset=offset, line=p.line)
        loc = self._body_point(child_vec(fname, p, "location", 3), body)
        cond = None
        if p.tag == "ConditionalPathPoint":
            ref = (p.findtext("socket_coordinate") or "").strip()
            rng = child_vec(fname, p, "range", 2)
            if ref and self._is_knee(ref):  # on or off for good at the knee angle read
                if not self._knee_active(float(rng[0]), float(rng[1])):
                    return None
                return OsimPoint(p.name, ours, loc, "PathPoint", line=p.line)
            c = j.coordinate_index(ref) if ref else None
            if c is None:
                return f"line {p.line}: {p.label()} is active depending on {ref.split('/')[-1] or 'no coordinate'}, not a hip coordinate"
            cond = (c, float(rng[0]), float(rng[1]))
        return OsimPoint(p.name, ours, loc, p.tag, condition=cond, line=p.line)

    def wrap(self, pw: Element):
        fname = self.fname
        wname = (pw.findtext("wrap_object") or "").strip()
        if wname not in self.wraps:
            if wname in self.other_wraps:
                return (f"wraps over {wname} on {self.other_wraps[wname][0]} (only wrap objects on the pelvis, femur_r "
                        "and, for muscles crossing the knee, tibia_r are read)")
            raise self.err(pw, f"wrap object {wname!r} is not on any body")
        body, w = self.wraps[wname]
        if w.tag not in ("WrapCylinder", "WrapSphere"):
            return f"wraps over {w.tag} {wname} (line {w.line}), which is not supported (WrapCylinder and WrapSphere are)"
        active = (w.findtext("active") or "true").strip().lower()
        if active in ("false", "0"):
            return None  # OpenSim skips an inactive wrap object: the path is straight
        radius = float(child_vec(fname, w, "radius", 1)[0])
        if not radius > 0:
            raise self.err(w, f"radius {radius:g} must be positive")
        length = 0.0
        if w.tag == "WrapCylinder":
            length = float(child_vec(fname, w, "length", 1)[0])
            if not length > 0:
                raise self.err(w, f"length {length:g} must be positive")
        rot = child_vec(fname, w, "xyz_body_rotation", 3, (0, 0, 0))
        trans = child_vec(fname, w, "translation", 3, (0, 0, 0))
        quad = (w.findtext("quadrant") or "all").strip().lower()
        if quad not in QUADRANTS:
            raise self.err(w, f"quadrant {quad!r} is not one of all, x, -x, y, -y, z, -z")
        ax, sg = QUADRANTS[quad]
        rng = pw.find("range")
        se = floats(fname, rng, 2) if rng is not None else np.array([-1.0, -1.0])
        R = body_fixed_xyz(rot)
        if body == TIBIA:  # fixed to the femur at the knee angle read
            R, trans, body = self.knee_T[0] @ R, self._tibia_to_femur_body(trans), FEMUR
        if body == FEMUR:
            R = self.joint.M @ R
            trans = self.joint.femur_point(trans)
        return WrapSurface(name=wname, kind="cylinder" if w.tag == "WrapCylinder" else "sphere", body=OUR_BODY[body],
                           R=R, t=np.asarray(trans, dtype=float), radius=radius, length=length, wrap_axis=ax,
                           wrap_sign=sg, start=int(se[0]), end=int(se[1]), line=w.line)

    def architecture(self, f: Element) -> dict:
        out = {}
        for tag, key, scale in (("max_isometric_force", "max_isometric_force_n", 1.0),
                                ("optimal_fiber_length", "optimal_fibre_length_cm", 100.0),
                                ("tendon_slack_length", "tendon_slack_length_cm", 100.0),
                                ("pennation_angle_at_optimal", "pennation_deg", 180.0 / np.pi)):
            t = f.findtext(tag)
            try:
                v = float(t) * scale if t is not None else None
            except ValueError:
                v = None
            if v is not None and np.isfinite(v):
                out[key] = round(v, 6)
        return out

    def knee_centre(self, model: Element) -> np.ndarray:
        """Drawing only: the origin of the first joint whose parent frame is on femur_r,
        with its translations evaluated at the coordinates' zero."""
        js = model.path("JointSet", "objects")
        for jn in (js.children if js is not None else []):
            ref = (jn.findtext("socket_parent_frame") or "").strip().split("/")[-1]
            frames = jn.find("frames")
            for fr in (frames.children if frames is not None else []):
                if fr.name == ref and (fr.findtext("socket_parent") or "").strip().split("/")[-1] == FEMUR:
                    try:
                        t = child_vec(self.fname, fr, "translation", 3, (0, 0, 0))
                        st = jn.find("SpatialTransform")
                        Rf = body_fixed_xyz(child_vec(self.fname, fr, "orientation", 3, (0, 0, 0)))
                        for a in (st.findall("TransformAxis") if st is not None else []):
                            if a.name.startswith("translation"):
                                t = t + Rf @ (child_vec(self.fname, a, "axis", 3) * float(read_function(self.fname, a).value(0.0)))
                        return self.joint.femur_point(t)
                    except OsimError:
                        break
        return self.joint.femur_point(np.array([0.0, -0.4, 0.0]))

    def landmarks(self, model: Element) -> list:
        out = []
        ms = model.path("MarkerSet", "objects")
        for mk in (ms.children if ms is not None else []):
            try:
                b = self.body_of(mk)
                if b in OUR_BODY:
                    loc = child_vec(self.fname, mk, "location", 3)
                    out.append((mk.name, OUR_BODY[b], self.joint.femur_point(loc) if b == FEMUR else loc))
            except OsimError:
                continue
        return out
