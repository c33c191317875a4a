"""Model data: a validating JSON loader of the records in :mod:`hipmodel.model_types`.

A model file (``data/model_<id>.json``, schema in ``docs/model_schema.md``) holds the
hip and knee centres, drawing landmarks and the muscles' straight-line path points,
each with its source. The loader checks everything before it builds anything, so a
model is either loaded whole or not at all: every problem raises
:class:`ModelDataError` naming the file and the field.

Inside a :class:`Model` all lengths are metres and every femur point is stored
relative to the hip centre (the femur frame's rotation centre), whatever the file's
units and femur origin.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .datafile import DATA_DIR, FieldChecker, parse_json, read_text
from .geometry_check import geometry_problem
from .limits import MAX_PATH_POINTS
from .model_types import (
    BODIES,
    DEFAULT_MODEL_ID,
    Landmark,
    Model,
    ModelDataError,
    Muscle,
    PathPoint,
    closest_names,
)

__all__ = [
    "DATA_DIR",
    "DEFAULT_MODEL_ID",
    "BODIES",
    "ModelDataError",
    "PathPoint",
    "Muscle",
    "Landmark",
    "Model",
    "load_model",
    "load_model_file",
    "available_model_ids",
    "load_bundled_models",
    "closest_names",
]

UNIT_TO_METRES = {"m": 1.0, "cm": 0.01, "mm": 0.001}
SCHEMA_VERSION = 1
MAX_FILE_BYTES = 1_000_000  # a model is a few kB; refuse anything absurd before parsing


# ---------------------------------------------------------------------------------
# Loading and validation
# ---------------------------------------------------------------------------------


class _Checker(FieldChecker):
    error = ModelDataError

    def optional(self, obj: dict, key: str, where: str, kind, default):
        """An optional field: ``default`` when absent, else it must be of ``kind`` (text may be empty)."""
        return self.get(obj, key, where, kind, optional=True, default=default, allow_empty=True)

    def vec3(self, value, where: str, scale: float) -> tuple[float, float, float]:
        if not isinstance(value, list) or len(value) != 3:
            n = len(value) if isinstance(value, list) else type(value).__name__
            self.fail(where, f"expected a list of 3 numbers, got {n}")
        out = []
        for i, v in enumerate(value):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                self.fail(f"{where}[{i}]", f"expected a number, got {v!r}")
            try:
                v = float(v)
            except OverflowError:
                self.fail(f"{where}[{i}]", "is too large to be a number of metres (|value| <= 10 m)")
            if not math.isfinite(v):
                self.fail(f"{where}[{i}]", f"must be finite, got {v!r}")
            if abs(v) * scale > 10.0:  # a hip model fits in a 10 m box; catches unit slips
                self.fail(f"{where}[{i}]", f"{v!r} is implausibly large for units (|value| <= 10 m)")
            out.append(float(v) * scale)
        return tuple(out)

    def body(self, value: str, where: str) -> str:
        if value not in BODIES:
            self.fail(where, f"unknown body {value!r} (allowed: {', '.join(BODIES)})")
        return value


class _Frame:
    """Units and femur origin of one file: turns its numbers into the :class:`Model`'s metres."""

    def __init__(self, c: _Checker, scale: float, hip_femur: np.ndarray):
        self.c, self.scale, self.hip_femur = c, scale, hip_femur

    def point(self, raw: dict, where: str) -> tuple[str, tuple[float, float, float]]:
        """A point's body and location (m); femur points relative to the hip centre."""
        body = self.c.body(self.c.get(raw, "body", where, str), f"{where}.body")
        loc = np.array(self.c.vec3(self.c.get(raw, "location", where), f"{where}.location", self.scale))
        v = loc - (self.hip_femur if body == "femur" else 0.0)
        return body, tuple(float(x) for x in v)


def _landmarks(c: _Checker, frame: _Frame, data: dict, sources: dict) -> list[Landmark]:
    landmarks = []
    for i, lm in enumerate(c.get(data, "landmarks", "", list)):
        w = f"landmarks[{i}]"
        body, location = frame.point(lm, w)
        landmarks.append(
            Landmark(
                id=c.get(lm, "id", w, str),
                name=c.get(lm, "name", w, str),
                body=body,
                location_m=location,
                source=c.source_key(c.get(lm, "source", w), f"{w}.source", sources),
                note=c.optional(lm, "note", w, str, ""),
            )
        )
    return landmarks


def _path_points(c: _Checker, frame: _Frame, mr: dict, w: str, hip_pelvis) -> tuple[PathPoint, ...]:
    """A muscle's path: 2 to MAX_PATH_POINTS points crossing the hip, usable at every pose."""
    path_raw = c.get(mr, "path", w, list)
    if len(path_raw) < 2:
        c.fail(f"{w}.path", f"needs at least 2 points, got {len(path_raw)}")
    if len(path_raw) > MAX_PATH_POINTS:
        c.fail(f"{w}.path", f"{len(path_raw)} points; at most {MAX_PATH_POINTS} per muscle (the work limit)")
    points = [PathPoint(*frame.point(pr, f"{w}.path[{j}]")) for j, pr in enumerate(path_raw)]
    bodies = [p.body for p in points]
    if "pelvis" not in bodies or "femur" not in bodies:
        c.fail(f"{w}.path", "the muscle does not cross the hip: it needs a point on the pelvis and one on the femur")
    for j in range(len(points) - 1):
        if np.allclose(points[j].location_m, points[j + 1].location_m) and points[j].body == points[j + 1].body:
            c.fail(f"{w}.path[{j + 1}]", "repeats the previous point (zero-length segment)")
    bad = geometry_problem(hip_pelvis, bodies, [p.location_m for p in points])
    if bad is not None:  # usable at every pose of the joint range, or refused here
        c.fail(f"{w}.path[{bad[0]}]", bad[1])
    return tuple(points)


def _muscles(c: _Checker, frame: _Frame, data: dict, sources: dict, hip_pelvis) -> tuple[list[Muscle], dict]:
    """The muscles, and the index of their ids and names (lower case) that :meth:`Model.muscle` reads."""
    muscles_raw = c.get(data, "muscles", "", list)
    if not muscles_raw:
        c.fail("muscles", "at least one muscle is required")
    muscles, index = [], {}
    for i, mr in enumerate(muscles_raw):
        mid = c.get(mr, "id", f"muscles[{i}]", str)
        w = f"muscles[{i}] ({mid})"
        points = _path_points(c, frame, mr, w, hip_pelvis)
        arch = c.optional(mr, "architecture", w, dict, None)
        muscle = Muscle(
            id=mid,
            name=c.get(mr, "name", w, str),
            source_name=c.get(mr, "source_name", w, str),
            group=c.optional(mr, "group", w, str, ""),
            source=c.source_key(c.get(mr, "source", w), f"{w}.source", sources),
            points=points,
            architecture=arch,
        )
        for key in {muscle.id.lower(), muscle.name.lower(), muscle.source_name.lower()}:
            if key in index:
                c.fail(f"{w}", f"duplicate muscle id or name {key!r} (also used by '{index[key].id}')")
            index[key] = muscle
        muscles.append(muscle)
    return muscles, index


def _parse(data, fname: str, path: str = "") -> Model:
    c = _Checker(fname)
    c.document(data, SCHEMA_VERSION)
    model_id = c.get(data, "id", "", str)
    name = c.get(data, "name", "", str)
    units = c.get(data, "units", "", str)
    if units not in UNIT_TO_METRES:
        c.fail("units", f"{units!r} is not one of {', '.join(UNIT_TO_METRES)}")
    scale = UNIT_TO_METRES[units]
    c.get(data, "frame_convention", "", str)
    sources = c.sources(data)

    hip = c.get(data, "hip_centre", "", dict)
    hip_pelvis = c.vec3(c.get(hip, "pelvis", "hip_centre"), "hip_centre.pelvis", scale)
    hip_femur = np.array(c.vec3(c.get(hip, "femur", "hip_centre"), "hip_centre.femur", scale))
    c.source_key(c.get(hip, "source", "hip_centre"), "hip_centre.source", sources)
    knee = c.get(data, "knee_centre", "", dict)
    knee_femur = np.array(c.vec3(c.get(knee, "femur", "knee_centre"), "knee_centre.femur", scale))
    c.source_key(c.get(knee, "source", "knee_centre"), "knee_centre.source", sources)

    frame = _Frame(c, scale, hip_femur)
    landmarks = _landmarks(c, frame, data, sources)
    muscles, index = _muscles(c, frame, data, sources, hip_pelvis)
    return Model(
        id=model_id,
        name=name,
        description=c.optional(data, "description", "", str, ""),
        sources=sources,
        hip_centre_m=hip_pelvis,
        knee_centre_m=tuple(float(x) for x in knee_femur - hip_femur),
        muscles=tuple(muscles),
        landmarks=tuple(landmarks),
        approximate_frame_alignment=c.optional(data, "approximate_frame_alignment", "", bool, False),
        left_out=c.optional(data, "left_out", "", str, ""),
        use_for_length=c.optional(data, "use_for_length", "", bool, True),
        switch_uncertainty_deg=c.number(c.optional(data, "switch_uncertainty_deg", "", (int, float), 0.0),
                                        "switch_uncertainty_deg", 0.0, 45.0, "deg"),
        path=path,
        _index=index,
    )


def load_model_file(path: str | Path) -> Model:
    """Load and validate one model file (a regular file of at most ``MAX_FILE_BYTES``).

    Raises
    ------
    ModelDataError
        If the file is missing, not a regular file, too large, not JSON, or fails
        validation; the message names the file and the field.
    """
    text = read_text(path, MAX_FILE_BYTES, ModelDataError)
    return model_from_json(text, Path(path).name, str(path))


def model_from_json(text: str, fname: str = "<model>", path: str = "") -> Model:
    """Parse and validate a model from JSON text (no file access)."""
    return _parse(parse_json(text, fname, ModelDataError), fname, path)


def available_model_ids(data_dir: Path | None = None) -> list[str]:
    """Model ids present in ``data_dir`` (default: :data:`DATA_DIR`, read at call time)."""
    return sorted(p.stem[len("model_"):] for p in Path(data_dir or DATA_DIR).glob("model_*.json"))


def load_bundled_models(data_dir: Path | None = None) -> tuple[dict[str, Model], dict[str, str]]:
    """Every bundled model that loads, by id, and the error of each one that does not.

    The one place that loops over the bundled models: a broken file is reported by
    whoever shows the result, never hidden, and never takes the others down.
    """
    usable, broken = {}, {}
    if not (Path(data_dir or DATA_DIR) / f"model_{DEFAULT_MODEL_ID}.json").exists():
        # the default model, and the donor of the outline other models borrow: missing is news
        broken[DEFAULT_MODEL_ID] = f"model_{DEFAULT_MODEL_ID}.json: file is missing from the data folder"
    for mid in available_model_ids(data_dir):
        try:
            usable[mid] = load_model(mid, data_dir)
        except (ModelDataError, KeyError) as e:
            broken[mid] = str(e).strip("'\"")
    return usable, broken


def bundled_aliases() -> dict[str, str]:
    """Every bundled model's muscle names and source names, mapped to the muscle id."""
    out = {}
    for model in load_bundled_models()[0].values():  # a broken file is reported where it is loaded
        for key, muscle in model._index.items():
            out.setdefault(key, muscle.id)
    return out


_CACHE: dict[tuple[str, str], tuple[tuple[int, int], Model]] = {}


def load_model(model_id: str = DEFAULT_MODEL_ID, data_dir: Path | None = None) -> Model:
    """Load a bundled model by id (cached; reloaded if the file changes).

    Raises
    ------
    KeyError
        Unknown id, with the closest valid ids.
    ModelDataError
        The file exists but is broken.
    """
    data_dir = Path(data_dir or DATA_DIR)
    ids = available_model_ids(data_dir)
    key = str(model_id).strip().lower()
    if key not in ids:
        near = closest_names(key, ids)
        hint = f"; closest: {', '.join(near)}" if near else ""
        raise KeyError(f"unknown model '{model_id}'{hint} (available: {', '.join(ids)})")
    p = Path(data_dir) / f"model_{key}.json"
    st = p.stat()
    stamp = (st.st_mtime_ns, st.st_size)  # size too: mtime ticks are coarse on some file systems
    cached = _CACHE.get((str(data_dir), key))
    if cached and cached[0] == stamp:
        return cached[1]
    model = load_model_file(p)
    if model.id != key:
        raise ModelDataError(f"{p.name}: field 'id': {model.id!r} does not match the file name (expected {key!r})")
    _CACHE[(str(data_dir), key)] = (stamp, model)
    return model
