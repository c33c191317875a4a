"""Bone surface meshes (pelvis, sacrum, right femur): a validating loader and posing.

The meshes come from the OpenSim models Gait2392 and Rajagopal 2016 (repository
opensim-org/opensim-models, converted by ``scripts/convert_meshes.py`` into
``data/meshes/<model>.json``; the file's ``source`` block names the commit, each original
path and the credit). Every picture that shows them must show :attr:`BoneSet.credit`.

Frames, as in :mod:`hipmodel.model`: pelvis bones are in the pelvis frame (x anterior,
y superior, z right), femur bones are in the femur frame relative to the hip centre, all
in metres. A model without meshes of its own (Dostal 1981, TLEM 2.0, a user's file)
borrows Gait2392's: the pelvis meshes are translated so that the donor's hip centre lands
on the model's hip centre and the femur meshes (already relative to the hip centre) are
used as they are; :attr:`BoneSet.borrowed_from` then names the donor for the label.

Numpy and the standard library only (no drawing here: see :mod:`hipmodel.bone_drawing`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .kinematics import check_angles, rotation_matrix
from .datafile import DATA_DIR, DataFileError, FieldChecker, read_json
from .model import Model

__all__ = [
    "MESH_DIR",
    "DONOR_MODEL_ID",
    "MAX_MESH_FILE_BYTES",
    "MeshDataError",
    "Bone",
    "BoneSet",
    "PosedBone",
    "mesh_model_ids",
    "load_mesh_file",
    "bones_for_model",
    "bones_or_none",
    "posed_vertices_m",
    "posed_bones",
]

MESH_DIR = DATA_DIR / "meshes"
DONOR_MODEL_ID = "gait2392"
MAX_MESH_FILE_BYTES = 2_000_000  # the bundled files are 30-45 kB
MAX_ABS_COORD_MM = 1000.0  # a sane box: no bone point is a metre from its body's origin
MAX_VERTICES = 200_000
BODIES = ("pelvis", "femur")
SCHEMA_VERSION = 1
_HIP_MATCH_M = 1e-6  # a model "owns" its meshes only if its hip centre is the meshes' hip centre


class MeshDataError(DataFileError):
    """A mesh file is missing, too large, malformed or inconsistent.

    The message names the file and the field (JSON path) at fault.
    """


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class Bone:
    """One bone surface.

    Attributes
    ----------
    name : str   e.g. ``'pelvis_r'``, ``'sacrum'``, ``'femur_r'``
    body : {'pelvis', 'femur'}
    vertices_m : ndarray (n, 3), float, read-only, metres
        Pelvis bones: pelvis frame. Femur bones: femur frame relative to the hip centre.
    triangles : ndarray (m, 3), int, read-only; indices into ``vertices_m``
    source_path : str   the original file's path in the source repository
    """

    name: str
    body: str
    vertices_m: np.ndarray = field(repr=False)
    triangles: np.ndarray = field(repr=False)
    source_path: str = ""


@dataclass(frozen=True)
class BoneSet:
    """The bones to draw for one model.

    Attributes
    ----------
    bones : tuple of Bone
    source_credit : str   where the meshes come from and their licence or credit
    borrowed_from : str or None   the donor model's name when the meshes are borrowed
    mesh_model_id : str   the id of the mesh file used
    hip_centre_m : tuple of 3 floats   hip centre in the pelvis frame the pelvis bones are in
    source : dict   the mesh file's ``source`` block
    """

    bones: tuple
    source_credit: str
    borrowed_from: str | None
    mesh_model_id: str
    hip_centre_m: tuple
    source: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def credit(self) -> str:
        """One line to print next to a picture: borrowing (if any) and the source."""
        src = self.source
        where = f"{src.get('repository', '?')} @ {str(src.get('commit', '?'))[:7]}"
        if self.borrowed_from:
            return f"Bones borrowed from {self.borrowed_from}, placed by the hip centre ({where})"
        return f"Bone meshes: {self.source.get('name', self.mesh_model_id)} ({where})"

    @property
    def triangle_count(self) -> int:
        return int(sum(len(b.triangles) for b in self.bones))


class PosedBone(NamedTuple):
    """A bone at a pose: vertices (n, 3) in the pelvis frame, metres; triangles (m, 3)."""

    name: str
    body: str
    vertices_m: np.ndarray
    triangles: np.ndarray


# --------------------------------------------------------------------------- loading

class _Checker(FieldChecker):
    """The one field checker (hipmodel.datafile), plus the mesh's own rows of three numbers."""

    error = MeshDataError

    def vectors(self, rows, where: str, integer: bool) -> np.ndarray:
        """A list of 3-lists of numbers (ints only if ``integer``) as an (n, 3) array."""
        if not isinstance(rows, list) or not rows:
            self.fail(where, "expected a non-empty list of [a, b, c] triples")
        allowed = (int,) if integer else (int, float)
        for i, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != 3:
                self.fail(f"{where}[{i}]", "expected a list of 3 numbers")
            for v in row:
                if isinstance(v, bool) or not isinstance(v, allowed):
                    kind = "an integer index" if integer else "a number"
                    self.fail(f"{where}[{i}]", f"expected {kind}, got {v!r:.20}")
        try:
            return np.array(rows, dtype=np.int64 if integer else float)
        except OverflowError:
            self.fail(where, "an index does not fit in 64 bits")


def _parse(data, fname: str) -> BoneSet:
    c = _Checker(fname)
    if not isinstance(data, dict):
        c.fail("(top level)", "expected a JSON object")
    if c.get(data, "schema_version", "", int) != SCHEMA_VERSION:
        c.fail("schema_version", f"expected {SCHEMA_VERSION}, got {data['schema_version']!r}")
    model_id = c.get(data, "model", "", str)
    if not re.fullmatch(r"[a-z0-9_]{1,40}", model_id):
        c.fail("model", f"expected a lower-case id (letters, digits, _), got {model_id!r:.50}")
    name = c.get(data, "name", "", str)
    if c.get(data, "units", "", str) != "mm":
        c.fail("units", f"expected 'mm', got {data['units']!r:.20}")
    hip = c.get(data, "hip_centre", "", dict)
    hips = {}
    for body in BODIES:
        h = c.vectors([c.get(hip, body, "hip_centre", list)], f"hip_centre.{body}", integer=False)[0]
        if not np.all(np.isfinite(h)) or np.any(np.abs(h) > MAX_ABS_COORD_MM):
            c.fail(f"hip_centre.{body}", f"must be finite and within +-{MAX_ABS_COORD_MM:g} mm")
        hips[body] = h / 1000.0
    src = c.get(data, "source", "", dict)
    for key in ("repository", "commit", "credit"):
        c.get(src, key, "source", str)
    if not re.fullmatch(r"[0-9a-f]{40}", src["commit"]):
        c.fail("source.commit", "expected 40 lower-case hex digits")
    raw = c.items(data, "bones", "", "bone")
    bones, seen = [], set()
    for i, b in enumerate(raw):
        w = f"bones[{i}]"
        if not isinstance(b, dict):
            c.fail(w, "expected an object")
        bname = c.get(b, "name", w, str)
        if bname in seen:
            c.fail(f"{w}.name", f"duplicate bone name {bname!r:.40}")
        seen.add(bname)
        body = c.get(b, "body", w, str)
        if body not in BODIES:
            c.fail(f"{w}.body", f"expected one of {', '.join(BODIES)}, got {body!r:.20}")
        spath = c.get(b, "source_path", w, str)
        rows = c.get(b, "vertices", w, list)
        if len(rows) > MAX_VERTICES:
            c.fail(f"{w}.vertices", f"{len(rows)} vertices; at most {MAX_VERTICES}")
        v = c.vectors(rows, f"{w}.vertices", integer=False)
        bad = ~np.isfinite(v).all(axis=1) | (np.abs(v) > MAX_ABS_COORD_MM).any(axis=1)
        if bad.any():
            c.fail(f"{w}.vertices[{int(np.argmax(bad))}]",
                   f"must be finite and within +-{MAX_ABS_COORD_MM:g} mm of the body's origin")
        if len(v) < 3:
            c.fail(f"{w}.vertices", f"needs at least 3 vertices, got {len(v)}")
        t = c.vectors(c.get(b, "triangles", w, list), f"{w}.triangles", integer=True)
        bad = ((t < 0) | (t >= len(v))).any(axis=1)
        if bad.any():
            c.fail(f"{w}.triangles[{int(np.argmax(bad))}]", f"index out of range 0..{len(v) - 1}")
        bad = (t[:, 0] == t[:, 1]) | (t[:, 1] == t[:, 2]) | (t[:, 0] == t[:, 2])
        if bad.any():
            c.fail(f"{w}.triangles[{int(np.argmax(bad))}]", "repeats a vertex (degenerate triangle)")
        v_m = v / 1000.0 - (hips["femur"] if body == "femur" else 0.0)  # femur: relative to the hip centre
        bones.append(Bone(bname, body, _readonly(v_m), _readonly(t.astype(np.intp)), spath))
    if not any(b.body == "pelvis" for b in bones) or not any(b.body == "femur" for b in bones):
        c.fail("bones", "needs at least one pelvis bone and one femur bone")
    source = dict(src, name=name)
    return BoneSet(tuple(bones), src["credit"], None, model_id, tuple(float(x) for x in hips["pelvis"]), source)


_CACHE: dict[str, tuple[tuple[int, int], BoneSet]] = {}


def load_mesh_file(path: str | Path) -> BoneSet:
    """Load and validate one mesh file (cached; reloaded when the file changes).

    Returns
    -------
    BoneSet
        In the file's own frames (``borrowed_from`` None).

    Raises
    ------
    MeshDataError
        Missing, not a regular file, over :data:`MAX_MESH_FILE_BYTES`, not UTF-8 JSON, or
        any field wrong (NaN, out of the box, index out of range, ...); the message names
        the file and the field.
    """
    p = Path(path)
    try:
        st = p.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None
    cached = _CACHE.get(str(p))
    if stamp is not None and cached and cached[0] == stamp:
        return cached[1]
    data = read_json(p, MAX_MESH_FILE_BYTES, MeshDataError)  # regular files only; NaN, 1e999 named by field
    bones = _parse(data, p.name)
    if stamp is not None:
        _CACHE[str(p)] = (stamp, bones)
    return bones


def mesh_model_ids(mesh_dir: str | Path | None = None) -> list[str]:
    """Ids of the models with a mesh file in ``mesh_dir`` (default :data:`MESH_DIR`)."""
    return sorted(p.stem for p in Path(mesh_dir or MESH_DIR).glob("*.json"))


def bones_for_model(model: Model, mesh_dir: str | Path | None = None) -> BoneSet:
    """The bones to draw for ``model``: its own meshes, or Gait2392's borrowed.

    A model owns the mesh file named after its id if the file's hip centre is the
    model's (within 1 micrometre); otherwise the meshes (its id's if there are any, else
    :data:`DONOR_MODEL_ID`'s) are borrowed: pelvis bones translated by
    ``model.hip_centre - donor hip centre``, femur bones unchanged (they are relative to
    the hip centre), ``borrowed_from`` set to the donor's name.

    Raises
    ------
    MeshDataError
        The mesh file needed is missing or broken.
    """
    mesh_dir = Path(mesh_dir or MESH_DIR)
    donor = model.id if (mesh_dir / f"{model.id}.json").is_file() else DONOR_MODEL_ID
    own = load_mesh_file(mesh_dir / f"{donor}.json")
    shift = model.hip_centre - np.array(own.hip_centre_m)
    if donor == model.id and np.all(np.abs(shift) <= _HIP_MATCH_M):
        return own
    bones = tuple(
        Bone(b.name, b.body, _readonly(b.vertices_m + shift) if b.body == "pelvis" else b.vertices_m,
             b.triangles, b.source_path)
        for b in own.bones
    )
    return BoneSet(bones, own.source_credit, own.source.get("name", donor), own.mesh_model_id,
                   tuple(float(x) for x in model.hip_centre), own.source)


def bones_or_none(model: Model, mesh_dir: str | Path | None = None) -> tuple[BoneSet | None, str | None]:
    """:func:`bones_for_model`, or ``(None, message)`` so a view can fall back to a sketch."""
    try:
        return bones_for_model(model, mesh_dir), None
    except MeshDataError as e:
        return None, f"bone meshes unavailable: {e}"


# --------------------------------------------------------------------------- posing

def posed_vertices_m(bone: Bone, model: Model, flexion_deg=0.0, adduction_deg=0.0, rotation_deg=0.0) -> np.ndarray:
    """A bone's vertices in the pelvis frame at a pose.

    Pelvis bones do not move. Femur bones turn about the hip centre like the femur path
    points in :mod:`hipmodel.mechanics`: ``hip_centre + R @ v`` with
    ``R = Rz(flexion) Rx(adduction) Ry(rotation)``.

    Parameters
    ----------
    bone : Bone
    model : Model   supplies the hip centre
    flexion_deg, adduction_deg, rotation_deg : array_like, degrees, broadcast to shape S

    Returns
    -------
    ndarray, shape S + (n, 3), metres
    """
    f, a, r = np.broadcast_arrays(check_angles(flexion_deg, "flexion"), check_angles(adduction_deg, "adduction"),
                                  check_angles(rotation_deg, "rotation"))
    v = bone.vertices_m
    if bone.body == "pelvis":
        return np.broadcast_to(v, f.shape + v.shape).copy()
    R = rotation_matrix(f, a, r)
    return np.einsum("...ij,nj->...ni", R, v) + model.hip_centre


def posed_bones(bones: BoneSet, model: Model, flexion_deg=0.0, adduction_deg=0.0, rotation_deg=0.0) -> list[PosedBone]:
    """Every bone of ``bones`` at one pose (scalar angles, degrees), pelvis frame, metres."""
    return [PosedBone(b.name, b.body, posed_vertices_m(b, model, flexion_deg, adduction_deg, rotation_deg),
                      b.triangles) for b in bones.bones]
