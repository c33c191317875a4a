"""The named poses of ``data/poses.json`` (everyday postures, stretches, cadaver and test positions), validated.

Every pose carries its source and a flag (VERIFIED, PARTLY CHOSEN, CHOSEN, UNVERIFIED);
a broken file raises :class:`PoseFileError` naming the file and the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from ..datafile import DataFileError, FieldChecker, cached, parse_json, read_text
from ..words import pose_text
from ..model import DATA_DIR, closest_names


POSES_FILE = DATA_DIR / "poses.json"


POSE_FLAGS = ("VERIFIED", "PARTLY CHOSEN", "CHOSEN", "UNVERIFIED")


POSE_CATEGORIES = ("everyday", "stretch", "cadaver", "test")


STANDING = (0.0, 0.0, 0.0)


MAX_FILE_BYTES = 1_000_000


SCHEMA_VERSION = 1


class PoseFileError(DataFileError):
    """A pose file is missing, malformed or inconsistent; names the file and field."""


@dataclass(frozen=True)
class NamedPose:
    """A named hip pose with where its angles come from.

    Attributes
    ----------
    id, name : str
        Identifier (``figure4``) and readable name.
    category : str
        One of ``everyday``, ``stretch``, ``cadaver``, ``test``.
    flexion_deg, adduction_deg, rotation_deg : float
        Joint angles, degrees (+ flexion, + adduction, + internal rotation).
    source : str
        Source key; ``source_citation`` is its full citation.
    flag : str
        ``VERIFIED``, ``PARTLY CHOSEN``, ``CHOSEN`` or ``UNVERIFIED``.
    angles_from : str
        Where the angles come from, or why we chose them.
    how_to : str
        A short description for coaches of how the position is done.
    """

    id: str
    name: str
    category: str
    flexion_deg: float
    adduction_deg: float
    rotation_deg: float
    source: str
    source_citation: str
    flag: str
    angles_from: str
    how_to: str

    @property
    def angles(self) -> tuple[float, float, float]:
        """(flexion, adduction, rotation) in degrees."""
        return (self.flexion_deg, self.adduction_deg, self.rotation_deg)

    def angles_text(self) -> str:
        """E.g. ``'100° flexion, 0° adduction, 45° external rotation'``."""
        return pose_text(*self.angles)


def poses_from_json(text: str, fname: str = "<poses>") -> tuple[NamedPose, ...]:
    """Parse and validate a pose file's JSON text.

    Everything is checked before anything is returned, so a file is loaded whole or
    not at all.

    Raises
    ------
    PoseFileError
        Naming the file and the field at fault.
    """
    c = FieldChecker(fname, PoseFileError)
    data = parse_json(text, fname, PoseFileError)
    if not isinstance(data, dict):
        c.fail("(top level)", "expected a JSON object")
    if data.get("schema_version") != SCHEMA_VERSION:
        c.fail("schema_version", f"expected {SCHEMA_VERSION}, got {data.get('schema_version')!r}")
    sources = data.get("sources")
    if not isinstance(sources, dict) or not sources:
        c.fail("sources", "expected a non-empty object of sources")
    for key, src in sources.items():
        if not isinstance(src, dict):
            c.fail(f"sources.{key}", "expected an object")
        c.text(src, "citation", f"sources.{key}")
    raw = data.get("poses")
    if not isinstance(raw, list) or not raw:
        c.fail("poses", "expected a non-empty list of poses")
    out, seen = [], {}
    for i, p in enumerate(raw):
        w = f"poses[{i}]"
        if not isinstance(p, dict):
            c.fail(w, f"expected an object, got {type(p).__name__}")
        pid = c.text(p, "id", w)
        w = f"poses[{i}] ({pid})"
        name = c.text(p, "name", w)
        for key in {pid.lower(), name.lower()}:
            if key in seen:
                c.fail(w, f"duplicate pose id or name {key!r} (also used by '{seen[key]}')")
            seen[key] = pid
        category = c.text(p, "category", w)
        if category not in POSE_CATEGORIES:
            c.fail(f"{w}.category", f"{category!r} is not one of {', '.join(POSE_CATEGORIES)}")
        angles = []
        for coord in ("flexion", "adduction", "rotation"):
            key = f"{coord}_deg"
            if key not in p:
                c.fail(f"{w}.{key}", "missing")
            v = p[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                c.fail(f"{w}.{key}", f"expected a number of degrees, got {v!r}")
            if not math.isfinite(v) or abs(v) > 180:
                c.fail(f"{w}.{key}", f"{v!r} is outside the allowed range -180..180 deg")
            angles.append(float(v))
        source = c.text(p, "source", w)
        if source not in sources:
            c.fail(f"{w}.source", f"unknown source {source!r} (defined: {', '.join(sources)})")
        flag = c.text(p, "flag", w)
        if flag not in POSE_FLAGS:
            c.fail(f"{w}.flag", f"{flag!r} is not one of {', '.join(POSE_FLAGS)}")
        out.append(
            NamedPose(
                id=pid,
                name=name,
                category=category,
                flexion_deg=angles[0],
                adduction_deg=angles[1],
                rotation_deg=angles[2],
                source=source,
                source_citation=sources[source]["citation"],
                flag=flag,
                angles_from=c.text(p, "angles_from", w),
                how_to=c.text(p, "how_to", w),
            )
        )
    return tuple(out)


def load_poses_file(path: str | Path) -> tuple[NamedPose, ...]:
    """Load and validate a pose file (see :func:`poses_from_json`)."""
    return poses_from_json(read_text(path, MAX_FILE_BYTES, PoseFileError), Path(path).name)


_CACHE: dict = {}


def load_poses(path: str | Path = POSES_FILE) -> tuple[NamedPose, ...]:
    """The named poses (cached; reloaded when the file changes)."""
    return cached(_CACHE, path, load_poses_file, PoseFileError)


def _norm(name: str) -> str:
    return "".join(ch for ch in str(name).lower().replace("four", "4") if ch.isalnum())


def find_pose(name: str, poses: tuple[NamedPose, ...] | None = None) -> NamedPose:
    """A pose by id or readable name (case, spaces and hyphens ignored).

    Raises
    ------
    KeyError
        With the closest pose ids, if nothing matches.
    """
    poses = load_poses() if poses is None else poses
    key = _norm(name)
    for p in poses:
        if key in (_norm(p.id), _norm(p.name)):
            return p
    ids = [p.id for p in poses]
    near = closest_names(str(name).lower(), ids) or [p.id for p in poses if key and key in _norm(p.name)][:3]
    hint = f"; closest: {', '.join(near)}" if near else ""
    raise KeyError(f"unknown pose '{name}'{hint} (poses: {', '.join(ids)})")
