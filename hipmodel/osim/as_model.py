"""An imported .osim as a :class:`hipmodel.model.Model`, so every feature (curves, CSV, switch
finder, stretch maths, lever, anatomy views) works on it without knowing where it came from.

* Straight-line muscles (fixed points, no wrap) become ordinary :class:`~hipmodel.model.Muscle`
  objects: the same numbers, to the last bit, as the bundled JSON models.
* Every other accepted muscle (a wrap surface, conditional or moving points) becomes a
  ``Muscle`` whose ``path`` is its :class:`~hipmodel.osim.OsimMuscle`; ``hipmodel.mechanics``
  computes through it (OpenSim's lengths and moment arms; a drawable polyline with the arc
  over the wrap surface). Its ``points`` are the path points at the neutral pose (hints for
  sketches only).
* ``Model.wraps`` lists the wrap surfaces (:class:`WrapObject`) for drawing, and
  ``Model.origin`` keeps the :class:`~hipmodel.osim.OsimImport` (its ``left_out`` list).

Muscle ids are the OpenSim names (``peri_r``); a muscle whose OpenSim name is the source
name of a bundled model's muscle takes that muscle's readable name and group, and its id and
name are accepted as aliases (``--muscle piriformis`` finds ``peri_r``), and so is the
OpenSim name without its ``_r`` (``iliacus``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..model import Landmark, Model, Muscle, PathPoint, load_bundled_models, load_model_file
from .reader import OsimImport, read_osim
from .xmlread import MAX_BYTES, OsimError

__all__ = ["WrapObject", "model_from_osim", "left_out_reason", "load_osim_model", "looks_like_osim", "load_any_model_file"]


@dataclass(frozen=True)
class WrapObject:
    """A wrap surface for drawing, in its body's frame (femur: relative to the hip centre), metres.

    ``kind`` is 'cylinder' (``axis``: the cylinder's axis, unit; ``length_m``: its length,
    centred on ``centre_m``) or 'sphere' (``axis`` is the wrap frame's z, ``length_m`` 0).
    ``rotation`` is the wrap frame's axes in the body frame (3x3, columns x, y, z).
    ``quadrant`` is OpenSim's ('all', 'x', '-y', ...); ``muscles`` the ids that use it.
    A femur object turns with the femur: ``hip_centre + R @ centre_m`` in the pelvis frame.
    """

    name: str
    kind: str
    body: str
    centre_m: tuple
    axis: tuple
    radius_m: float
    length_m: float
    rotation: tuple
    quadrant: str
    muscles: tuple


def _quadrant(axis: int, sign: int) -> str:
    return "all" if sign == 0 else ("-" if sign < 0 else "") + "xyz"[axis]


def _neutral_points(m) -> tuple:
    """The path points at the neutral pose (moving points evaluated there), in our body frames."""
    q = np.zeros((1, 3))
    return tuple(PathPoint(p.body, tuple(float(x) for x in m._local(p, q)[0][0])) for p in m.points)


def _bundled_matches() -> dict:
    """OpenSim name (lower case) -> the first bundled muscle with that source name."""
    out = {}
    for mid, model in sorted(load_bundled_models()[0].items()):
        for mu in model.muscles:
            out.setdefault(mu.source_name.lower(), mu)
    return out


def model_from_osim(imp: OsimImport) -> Model:
    """The :class:`~hipmodel.model.Model` of an :class:`OsimImport` (see the module's text).

    Raises
    ------
    OsimError
        If no hip muscle could be read (the message lists why, in short).
    """
    if not imp.muscles:
        why = "; ".join(f"{n}: {r}" for n, r in imp.left_out[:3]) or "no force has a path"
        raise OsimError(f"{imp.file_name}: no hip muscle could be read ({len(imp.left_out)} left out; {why})")
    key = re.sub(r"[^a-z0-9_]+", "_", imp.model_id.lower()).strip("_") + "_osim"
    citation = imp.credits.strip() or imp.model_name
    if imp.publications.strip():
        citation += "; " + imp.publications.strip()
    sources = {key: {"citation": " ".join(citation.split()), "file": imp.file_name}}
    known = _bundled_matches()
    muscles, index = [], {}
    for m in imp.muscles:
        twin = known.get(m.name.lower())
        arch = dict(m.architecture, source=key) if getattr(m, "architecture", None) else None
        mu = Muscle(
            id=m.name,
            name=twin.name if twin else m.name,
            source_name=m.name,
            group=twin.group if twin else "",
            source=key,
            points=_neutral_points(m),
            architecture=arch,
            path=None if m.straight_line else m,
        )
        muscles.append(mu)
        for k in (mu.id.lower(), mu.name.lower()):
            index.setdefault(k, mu)
    for mu in muscles:  # aliases last: a name of this model always wins
        twin = known.get(mu.id.lower())
        for k in ((twin.id.lower(), twin.name.lower()) if twin else ()) + (re.sub(r"_r$", "", mu.id.lower()),):
            index.setdefault(k, mu)

    wraps = {}
    for m in imp.muscles:
        w = m.wrap
        if w is None:
            continue
        if w.name not in wraps:
            wraps[w.name] = dict(
                name=w.name, kind=w.kind, body=w.body, centre_m=tuple(float(x) for x in w.t),
                axis=tuple(float(x) for x in w.R[:, 2]), radius_m=float(w.radius), length_m=float(w.length),
                rotation=tuple(tuple(float(x) for x in row) for row in w.R), quadrant=_quadrant(w.wrap_axis, w.wrap_sign),
                muscles=[])
        wraps[w.name]["muscles"].append(m.name)
    wrap_objects = tuple(WrapObject(**dict(d, muscles=tuple(d["muscles"]))) for d in wraps.values())

    left = [f"{n}: {r}" for n, r in imp.left_out]
    return Model(
        id=imp.model_id,
        name=imp.model_name,
        description=f"Right hip muscles read from {imp.file_name} by hipmodel.osim "
                    f"({sum(m.path is not None for m in muscles)} of {len(muscles)} over wrap surfaces or "
                    "with conditional/moving points, computed as OpenSim 4.6 does).",
        sources=sources,
        hip_centre_m=tuple(float(x) for x in imp.hip_centre),
        knee_centre_m=tuple(float(x) for x in imp.knee_centre),
        muscles=tuple(muscles),
        landmarks=tuple(Landmark(id=n, name=n, body=b, location_m=tuple(float(x) for x in loc), source=key)
                        for n, b, loc in imp.landmarks),
        left_out=" | ".join(left),
        path=imp.file_name,
        _index=index,
        wraps=wrap_objects,
        origin=imp,
    )


def left_out_reason(model: Model, name: str) -> str:
    """Why an imported model has no muscle ``name`` (its OpenSim name, a bundled twin's id or
    name, or the OpenSim name without ``_r``), or '' if it was not left out."""
    left = {n.lower(): r for n, r in getattr(model.origin, "left_out", ())}
    key = str(name).strip().lower()
    keys = [key, key + "_r"] + [src for src, mu in _bundled_matches().items() if key in (mu.id.lower(), mu.name.lower())]
    for k in keys:
        if k in left:
            return f"{k if k == key else name + ' (' + k + ')'}: {left[k]}"
    return ""


def load_osim_model(source, name: str | None = None, cap: int = MAX_BYTES,
                    knee_flexion_deg: float | None = None) -> Model:
    """Read an .osim (a path, or its bytes with ``name``) straight into a Model; muscles that
    also cross the knee are read with the knee at ``knee_flexion_deg`` (default: the file's).

    Raises OsimError (a ModelDataError, a ValueError) with a one-line message.
    """
    return model_from_osim(read_osim(source, name=name, cap=cap, knee_flexion_deg=knee_flexion_deg))


def looks_like_osim(path) -> bool:
    """True for a ``.osim`` name, or a regular file (not ``.json``) whose first 4 kB hold ``<OpenSimDocument``."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".osim":
        return True
    if suffix == ".json":
        return False
    try:
        if not os.path.isfile(p):
            return False
        with open(p, "rb") as fh:
            return b"<OpenSimDocument" in fh.read(4096)
    except OSError:
        return False


def load_any_model_file(path, knee_flexion_deg: float | None = None) -> Model:
    """A model file of either kind: an OpenSim .osim (by suffix or content) or hipmodel JSON.
    ``knee_flexion_deg`` applies to an .osim's two-joint muscles; a JSON model has no knee."""
    if looks_like_osim(path):
        return load_osim_model(path, knee_flexion_deg=knee_flexion_deg)
    if knee_flexion_deg is not None:
        raise ValueError(f"--knee-flexion: {Path(path).name} is a JSON model, whose muscles do not cross the knee; "
                         "it applies to an OpenSim .osim only")
    return load_model_file(path)
