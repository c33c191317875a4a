"""Model data: frozen dataclasses and a validating JSON loader.

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

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .datafile import DATA_DIR, DataFileError, FieldChecker, parse_json, read_text
from .geometry_check import geometry_problem
from .limits import MAX_PATH_POINTS

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

DEFAULT_MODEL_ID = "gait2392"
BODIES = ("pelvis", "femur")
UNIT_TO_METRES = {"m": 1.0, "cm": 0.01, "mm": 0.001}
SCHEMA_VERSION = 1
MAX_FILE_BYTES = 1_000_000  # a model is a few kB; refuse anything absurd before parsing


class ModelDataError(DataFileError):
    """A model file is missing, malformed or inconsistent.

    The message names the file and the field (JSON path) at fault.
    """



@dataclass(frozen=True)
class PathPoint:
    """One fixed path point: the body it is attached to and its location (m).

    For femur points the location is relative to the hip centre.
    """

    body: str
    location_m: tuple[float, float, float]


@dataclass(frozen=True)
class Muscle:
    """A muscle as a polyline of fixed path points, origin first.

    ``path``: a general path (e.g. a :class:`hipmodel.osim.OsimMuscle` with wrapping,
    conditional or moving points) with ``length_m``, ``moment_arms_m``, ``path_points_m``,
    ``moment_arms_numeric_m`` and ``crossing_m``; :mod:`hipmodel.mechanics` then computes
    through it, and ``points`` are its path points at the neutral pose (drawing hints only).
    """

    id: str
    name: str
    source_name: str
    group: str
    source: str
    points: tuple[PathPoint, ...]
    architecture: dict | None = None
    path: object | None = field(default=None, repr=False, compare=False)

    @property
    def bodies(self) -> tuple[str, ...]:
        return tuple(p.body for p in self.points)

    @property
    def locations_m(self) -> np.ndarray:
        """Path point locations, shape (k, 3), in metres in each point's body frame."""
        return np.array([p.location_m for p in self.points], dtype=float)

    @property
    def on_femur(self) -> np.ndarray:
        """Boolean mask, shape (k,): True where the point is on the femur."""
        return np.array([b == "femur" for b in self.bodies])


@dataclass(frozen=True)
class Landmark:
    id: str
    name: str
    body: str
    location_m: tuple[float, float, float]
    source: str
    note: str = ""


@dataclass(frozen=True)
class Model:
    """A hip model: frames, centres, landmarks and muscles, lengths in metres."""

    id: str
    name: str
    description: str
    sources: dict
    hip_centre_m: tuple[float, float, float]  # in the pelvis frame
    knee_centre_m: tuple[float, float, float]  # in the femur frame, relative to the hip centre
    muscles: tuple[Muscle, ...]
    landmarks: tuple[Landmark, ...] = ()
    approximate_frame_alignment: bool = False
    left_out: str = ""
    use_for_length: bool = True  # False: the geometry's lengths contradict measurement (reason in the file)
    switch_uncertainty_deg: float = 0.0  # +/- on its switch angle (an uncertain zero-flexion reference)
    path: str = ""
    _index: dict = field(default_factory=dict, repr=False, compare=False)
    wraps: tuple = ()  # wrap surfaces (hipmodel.osim.WrapObject) of an imported .osim, for drawing
    origin: object | None = field(default=None, repr=False, compare=False)  # e.g. the OsimImport it came from

    @property
    def hip_centre(self) -> np.ndarray:
        return np.array(self.hip_centre_m)

    @property
    def muscle_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.muscles)

    def citation(self, key: str | None = None) -> str:
        """The full citation for a source key (default: the first source)."""
        src = self.sources[key] if key else next(iter(self.sources.values()))
        extra = src.get("file") or src.get("table") or ""
        return f"{src['citation']}" + (f" [{extra}]" if extra else "")

    def muscle(self, name: str) -> Muscle:
        """Find a muscle by id, readable name (case-insensitive) or source-model name.

        Raises
        ------
        KeyError
            With the closest valid names, if nothing matches.
        """
        key = str(name).strip().lower()
        if key in self._index:
            return self._index[key]
        alias = _bundled_aliases().get(key)  # e.g. Rajagopal's 'glmed3_r' typed for Gait2392
        if alias in self._index:
            return self._index[alias]
        near = closest_names(key, self._index.keys())
        hint = f"; closest: {', '.join(near)}" if near else ""
        raise KeyError(
            f"unknown muscle '{name}' in model '{self.id}'{hint} "
            f"(valid ids: {', '.join(self.muscle_ids)})"
        )


def closest_names(name: str, candidates, n: int = 3) -> list[str]:
    """Up to ``n`` candidates that look like ``name`` (difflib ratio >= 0.5)."""
    return difflib.get_close_matches(str(name).lower(), list(candidates), n=n, cutoff=0.5)


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


def _parse(data, fname: str, path: str = "") -> Model:
    c = _Checker(fname)
    if not isinstance(data, dict):
        c.fail("(top level)", "expected a JSON object")
    version = c.get(data, "schema_version", "", int)
    if version != SCHEMA_VERSION:
        c.fail("schema_version", f"unsupported version {version} (this hipmodel reads {SCHEMA_VERSION})")
    model_id = c.get(data, "id", "", str)
    name = c.get(data, "name", "", str)
    units = c.get(data, "units", "", str)
    if units not in UNIT_TO_METRES:
        c.fail("units", f"{units!r} is not one of {', '.join(UNIT_TO_METRES)}")
    scale = UNIT_TO_METRES[units]
    c.get(data, "frame_convention", "", str)

    sources = c.get(data, "sources", "", dict)
    if not sources:
        c.fail("sources", "at least one source is required")
    for key, src in sources.items():
        c.get(src, "citation", f"sources.{key}", str)

    hip = c.get(data, "hip_centre", "", dict)
    hip_pelvis = c.vec3(c.get(hip, "pelvis", "hip_centre"), "hip_centre.pelvis", scale)
    hip_femur = np.array(c.vec3(c.get(hip, "femur", "hip_centre"), "hip_centre.femur", scale))
    c.source_key(c.get(hip, "source", "hip_centre"), "hip_centre.source", sources)
    knee = c.get(data, "knee_centre", "", dict)
    knee_femur = np.array(c.vec3(c.get(knee, "femur", "knee_centre"), "knee_centre.femur", scale))
    c.source_key(c.get(knee, "source", "knee_centre"), "knee_centre.source", sources)

    def on_body(body, where):
        if body not in BODIES:
            c.fail(where, f"unknown body {body!r} (allowed: {', '.join(BODIES)})")
        return body

    def located(body: str, loc) -> tuple[float, float, float]:
        # femur points are kept relative to the hip centre (the joint's rotation centre)
        v = np.array(loc) - (hip_femur if body == "femur" else 0.0)
        return tuple(float(x) for x in v)

    landmarks = []
    for i, lm in enumerate(c.get(data, "landmarks", "", list)):
        w = f"landmarks[{i}]"
        body = on_body(c.get(lm, "body", w, str), f"{w}.body")
        landmarks.append(
            Landmark(
                id=c.get(lm, "id", w, str),
                name=c.get(lm, "name", w, str),
                body=body,
                location_m=located(body, c.vec3(c.get(lm, "location", w), f"{w}.location", scale)),
                source=c.source_key(c.get(lm, "source", w), f"{w}.source", sources),
                note=c.optional(lm, "note", w, str, ""),
            )
        )

    muscles_raw = c.get(data, "muscles", "", list)
    if not muscles_raw:
        c.fail("muscles", "at least one muscle is required")
    muscles, index = [], {}
    for i, mr in enumerate(muscles_raw):
        w = f"muscles[{i}]"
        mid = c.get(mr, "id", w, str)
        w = f"muscles[{i}] ({mid})"
        points = []
        path_raw = c.get(mr, "path", w, list)
        if len(path_raw) < 2:
            c.fail(f"{w}.path", f"needs at least 2 points, got {len(path_raw)}")
        if len(path_raw) > MAX_PATH_POINTS:
            c.fail(f"{w}.path", f"{len(path_raw)} points; at most {MAX_PATH_POINTS} per muscle (the work limit)")
        for j, pr in enumerate(path_raw):
            pw = f"{w}.path[{j}]"
            body = on_body(c.get(pr, "body", pw, str), f"{pw}.body")
            loc = c.vec3(c.get(pr, "location", pw), f"{pw}.location", scale)
            points.append(PathPoint(body, located(body, loc)))
        bodies = [p.body for p in points]
        if "pelvis" not in bodies or "femur" not in bodies:
            c.fail(f"{w}.path", "the muscle does not cross the hip: it needs a point on the pelvis and one on the femur")
        for j in range(len(points) - 1):
            if np.allclose(points[j].location_m, points[j + 1].location_m) and points[j].body == points[j + 1].body:
                c.fail(f"{w}.path[{j + 1}]", "repeats the previous point (zero-length segment)")
        bad = geometry_problem(hip_pelvis, bodies, [p.location_m for p in points])
        if bad is not None:  # usable at every pose of the joint range, or refused here
            c.fail(f"{w}.path[{bad[0]}]", bad[1])
        arch = c.optional(mr, "architecture", w, dict, None)
        muscle = Muscle(
            id=mid,
            name=c.get(mr, "name", w, str),
            source_name=c.get(mr, "source_name", w, str),
            group=c.optional(mr, "group", w, str, ""),
            source=c.source_key(c.get(mr, "source", w), f"{w}.source", sources),
            points=tuple(points),
            architecture=arch,
        )
        for key in {muscle.id.lower(), muscle.name.lower(), muscle.source_name.lower()}:
            if key in index:
                c.fail(f"{w}", f"duplicate muscle id or name {key!r} (also used by '{index[key].id}')")
            index[key] = muscle
        muscles.append(muscle)

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


def _bundled_aliases() -> dict[str, str]:
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
