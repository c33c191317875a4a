"""The records of a hip model: frozen dataclasses, lengths in metres.

:mod:`hipmodel.model` reads and validates the files that fill them (and re-exports every
name here, which is where callers import them from).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np

from .datafile import DataFileError

__all__ = ["DEFAULT_MODEL_ID", "BODIES", "ModelDataError", "PathPoint", "Muscle", "Landmark", "Model", "closest_names"]

DEFAULT_MODEL_ID = "gait2392"
BODIES = ("pelvis", "femur")


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

    def find(self, name: str) -> Muscle | None:
        """:meth:`muscle`, or None where the model has no such muscle."""
        try:
            return self.muscle(name)
        except KeyError:
            return None

    @property
    def piriformis(self) -> Muscle | None:
        """The model's piriformis whatever its id (an imported .osim names it 'peri_r' or
        'piri_r'), or None if it has none."""
        return self.find("piriformis")

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
        from .model import bundled_aliases  # the loader imports this module: look it up at call time

        alias = bundled_aliases().get(key)  # e.g. Rajagopal's 'glmed3_r' typed for Gait2392
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
