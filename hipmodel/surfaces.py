"""Triangle meshes of wrap surfaces (cylinders, spheres), posed like the bone they ride on.

Numpy only. An imported OpenSim model's muscles wrap over these surfaces; drawing the surface
shows why a path bends. Drawing only: every number comes from the wrap algorithm itself
(:mod:`hipmodel.osim.wrap`), never from these triangles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kinematics import rotation_matrix

__all__ = ["Surface", "cylinder_mesh", "sphere_mesh", "wrap_surfaces"]

SEGMENTS = 24  # around a cylinder or a sphere's equator


@dataclass(frozen=True)
class Surface:
    """A posed wrap surface: vertices (n, 3) in metres in the pelvis frame, triangles (m, 3)."""

    name: str
    kind: str
    body: str
    vertices_m: np.ndarray
    triangles: np.ndarray


def _basis(axis) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = np.asarray(axis, float)
    a = a / np.linalg.norm(a)
    helper = np.array([1.0, 0.0, 0.0]) if abs(a[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    u = np.cross(a, helper)
    u /= np.linalg.norm(u)
    return a, u, np.cross(a, u)


def cylinder_mesh(centre, axis, radius: float, length: float, segments: int = SEGMENTS):
    """Side of a cylinder centred on ``centre`` along ``axis``: vertices (2s, 3), triangles (2s, 3)."""
    a, u, v = _basis(axis)
    t = np.linspace(0.0, 2 * np.pi, segments, endpoint=False)
    ring = radius * (np.cos(t)[:, None] * u + np.sin(t)[:, None] * v)
    c = np.asarray(centre, float)
    verts = np.vstack([c + ring - 0.5 * length * a, c + ring + 0.5 * length * a])
    i = np.arange(segments)
    j = (i + 1) % segments
    tris = np.vstack([np.column_stack([i, j, i + segments]), np.column_stack([j, j + segments, i + segments])])
    return verts, tris


def sphere_mesh(centre, radius: float, segments: int = SEGMENTS):
    """A UV sphere: vertices (n, 3), triangles (m, 3)."""
    rings = segments // 2
    th = np.linspace(0.0, np.pi, rings + 1)
    ph = np.linspace(0.0, 2 * np.pi, segments, endpoint=False)
    T, P = np.meshgrid(th, ph, indexing="ij")
    verts = np.asarray(centre, float) + radius * np.stack(
        [np.sin(T) * np.cos(P), np.sin(T) * np.sin(P), np.cos(T)], axis=-1).reshape(-1, 3)
    tris = []
    for r in range(rings):
        for s in range(segments):
            a, b = r * segments + s, r * segments + (s + 1) % segments
            c, d = a + segments, b + segments
            tris += [(a, b, c), (b, d, c)]
    return verts, np.array(tris)


def wrap_surfaces(model, muscle_ids, flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> tuple[Surface, ...]:
    """The wrap surfaces the given muscles use, posed (femur ones turn with the femur).

    ``flexion_deg`` etc. may be arrays of shape S: vertices are then S + (n, 3).
    """
    wanted = set(muscle_ids)
    out = []
    R = rotation_matrix(flexion_deg, adduction_deg, rotation_deg)
    for w in getattr(model, "wraps", ()):
        if not wanted & set(w.muscles):
            continue
        if w.kind == "cylinder":
            v, t = cylinder_mesh(w.centre_m, w.axis, w.radius_m, w.length_m)
        elif w.kind == "sphere":
            v, t = sphere_mesh(w.centre_m, w.radius_m)
        else:
            continue
        if w.body == "femur":  # stored relative to the hip centre, in the femur frame
            v = np.einsum("...ij,nj->...ni", R, v) + model.hip_centre
        else:
            v = np.broadcast_to(v, R.shape[:-2] + v.shape).copy()
        out.append(Surface(w.name, w.kind, w.body, v, t))
    return tuple(out)
