"""Draw bone meshes on a matplotlib Axes from behind, from the side or from above.

No pyplot: the functions take an Axes (or return artists), so many users of one server
process never share state. All triangles of all bones go into ONE PolyCollection in
painter's order (farthest first, by the depth of each triangle's centroid), so the femur
is in front of or behind the pelvis where it really is at any pose; each triangle is
shaded by Lambert's law from a fixed light at the viewer's upper front-left.

The views are those of :mod:`hipmodel.figures` (none is mirrored):

============  ==================  ==============  ===========================
view          screen right        screen up       towards the viewer
============  ==================  ==============  ===========================
posterior     +z (lateral)        +y (superior)   -x (the viewer is behind)
lateral       +x (anterior)       +y (superior)   +z (the viewer is at right)
superior      +z (lateral)        +x (anterior)   +y (the viewer is above)
============  ==================  ==============  ===========================

Screen coordinates are ``scale * (p - origin_m)`` projected, by default millimetres
from the pelvis-frame origin; pass ``origin_m=model.hip_centre`` to match the figures,
which are drawn in millimetres relative to the hip centre. "Near" is the coordinate
towards the viewer, in the same units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Sequence

import numpy as np
from matplotlib.collections import PolyCollection

__all__ = ["VIEW_BASES", "BONE_COLOUR", "LIGHT_DIRECTION", "project", "Occluder", "BoneDrawing",
           "subdivide", "bone_collection", "draw_bones"]

# rows: screen right, screen up, towards the viewer (each a right-handed basis)
VIEW_BASES = {
    "posterior": np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]]),
    "lateral": np.eye(3),
    "superior": np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
}
BONE_COLOUR = (0.93, 0.88, 0.76)  # ivory
# towards the light in screen coordinates: from the viewer's upper front-left
LIGHT_DIRECTION = np.array([-0.35, 0.5, 0.8]) / np.linalg.norm([-0.35, 0.5, 0.8])
_CHUNK = 256  # points tested against all triangles at once in the hidden-point test


def _basis(view: str) -> np.ndarray:
    try:
        return VIEW_BASES[view]
    except KeyError:
        raise ValueError(f"view: must be one of {', '.join(VIEW_BASES)}, got {view!r}") from None


def project(points_m, view: str, origin_m=None, scale: float = 1000.0) -> np.ndarray:
    """Screen coordinates of pelvis-frame points.

    Parameters
    ----------
    points_m : array_like (..., 3), metres, pelvis frame
    view : {'posterior', 'lateral', 'superior'}
    origin_m : array_like (3,), optional; subtracted first (default: the frame origin)
    scale : float   units per metre (1000: millimetres)

    Returns
    -------
    ndarray (..., 3): screen x, screen y, near (towards the viewer), in scaled units
    """
    p = np.asarray(points_m, dtype=float)
    if origin_m is not None:
        p = p - np.asarray(origin_m, dtype=float)
    return scale * (p @ _basis(view).T)


@dataclass(frozen=True)
class Occluder:
    """Which screen points lie behind the drawn bones (vectorised, no pixels).

    Attributes
    ----------
    triangles : ndarray (T, 3, 3)   projected triangles (x, y, near), in drawing order
    view, origin_m, scale : the projection used
    """

    triangles: np.ndarray
    view: str
    origin_m: np.ndarray | None
    scale: float

    def covering(self, xy) -> tuple[np.ndarray, np.ndarray]:
        """Triangles covering each point and the bone's depth there.

        Parameters
        ----------
        xy : array_like (P, 2), screen units

        Returns
        -------
        inside : ndarray (P, T) bool    True where triangle t covers point p
        near : ndarray (P, T) float     the triangle's near coordinate at the point (NaN outside)
        """
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        t = self.triangles
        a = t[:, 0, :2]
        e1, e2 = t[:, 1, :2] - a, t[:, 2, :2] - a
        det = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
        ok = np.abs(det) > 1e-12  # triangles seen edge-on cover no area
        inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
        d = xy[:, None, :] - a[None]
        u = (d[..., 0] * e2[:, 1] - d[..., 1] * e2[:, 0]) * inv
        v = (e1[:, 0] * d[..., 1] - e1[:, 1] * d[..., 0]) * inv
        inside = ok & (u >= 0) & (v >= 0) & (u + v <= 1)
        z = t[:, 0, 2] + u * (t[:, 1, 2] - t[:, 0, 2]) + v * (t[:, 2, 2] - t[:, 0, 2])
        return inside, np.where(inside, z, np.nan)

    def hidden_xy(self, xy, near, tolerance: float = 1.0) -> np.ndarray:
        """True where a point is behind bone.

        Parameters
        ----------
        xy : array_like (P, 2), screen units
        near : array_like (P,), the points' own near coordinate
        tolerance : float, screen units (mm by default); bone closer than this in
            front of a point does not hide it (a point on the bone surface stays visible)

        Returns
        -------
        ndarray (P,) bool
        """
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        near = np.asarray(near, dtype=float).reshape(-1)
        out = np.zeros(len(xy), dtype=bool)
        lo, hi = self.triangles[..., :2].min(axis=1), self.triangles[..., :2].max(axis=1)
        for s in range(0, len(xy), _CHUNK):
            p = xy[s:s + _CHUNK]
            # only triangles whose bounding box holds at least one point of the chunk
            box = ((lo[None] <= p[:, None]) & (p[:, None] <= hi[None])).all(axis=2)
            cand = np.flatnonzero(box.any(axis=0))
            if not len(cand):
                continue
            sub = Occluder(self.triangles[cand], self.view, self.origin_m, self.scale)
            inside, z = sub.covering(p)
            front = inside & (np.nan_to_num(z, nan=-np.inf) > near[s:s + _CHUNK, None] + tolerance)
            out[s:s + _CHUNK] = front.any(axis=1)
        return out

    def hidden(self, points_m, tolerance: float = 1.0) -> np.ndarray:
        """:meth:`hidden_xy` for pelvis-frame points (..., 3) in metres; returns shape (...)."""
        p = np.asarray(points_m, dtype=float)
        s = project(p.reshape(-1, 3), self.view, self.origin_m, self.scale)
        return self.hidden_xy(s[:, :2], s[:, 2], tolerance).reshape(p.shape[:-1])

    def runs(self, polyline_m, step: float = 1.0, tolerance: float = 1.0) -> list[tuple[np.ndarray, bool]]:
        """Split a polyline into visible and hidden pieces for drawing.

        Parameters
        ----------
        polyline_m : array_like (k, 3), metres, pelvis frame
        step : float   sampling step along the line, screen units

        Returns
        -------
        list of (xy (j, 2) screen coordinates, hidden) in order along the line; neighbouring
        pieces share their end point, so drawn one after the other they join up.
        """
        pts = np.asarray(polyline_m, dtype=float)
        s = project(pts, self.view, self.origin_m, self.scale)
        samples = [s[:1]]
        for a, b in zip(s[:-1], s[1:]):
            n = max(1, int(np.ceil(np.linalg.norm(b - a) / step)))
            samples.append(a + (b - a) * (np.arange(1, n + 1) / n)[:, None])
        s = np.vstack(samples)
        hid = self.hidden_xy(s[:, :2], s[:, 2], tolerance)
        cuts = np.flatnonzero(np.diff(hid.astype(int))) + 1
        out, start = [], 0
        for c in list(cuts) + [len(s)]:
            out.append((s[start:min(c + 1, len(s)), :2], bool(hid[start])))
            start = c
        return out


class BoneDrawing(NamedTuple):
    """What :func:`draw_bones` drew: the collection, the occluder, the order.

    order : ndarray (T,) int   index of each drawn triangle among all the bones' triangles
        (concatenated in the order given, after any splitting), farthest first
    """

    collection: PolyCollection
    occluder: Occluder
    order: np.ndarray


def _vertex_normals(v: np.ndarray, tri: np.ndarray) -> np.ndarray:
    """Area-weighted unit vertex normals (n, 3) of one mesh (zero where undefined)."""
    face = np.cross(v[tri[:, 1]] - v[tri[:, 0]], v[tri[:, 2]] - v[tri[:, 0]])  # length = 2 * area
    n = np.zeros_like(v)
    for k in range(3):
        np.add.at(n, tri[:, k], face)
    length = np.linalg.norm(n, axis=1)
    return n / np.where(length > 0, length, 1.0)[:, None]


def _gather(bones_posed) -> np.ndarray:
    """All bones' triangles as one (T, 3, 6) array: corner positions (m), then smooth normals."""
    out = []
    for i, b in enumerate(bones_posed):
        v = np.asarray(b.vertices_m, dtype=float)
        tri = np.asarray(b.triangles)
        if v.ndim != 2 or v.shape[1] != 3:
            raise ValueError(f"bone {i}: vertices must have shape (n, 3) (one pose), got {v.shape}")
        out.append(np.concatenate([v[tri], _vertex_normals(v, tri)[tri]], axis=2))
    return np.concatenate(out) if out else np.zeros((0, 3, 6))


def subdivide(triangles_m: np.ndarray, max_edge_m: float) -> np.ndarray:
    """Split triangles in two across their longest edge until no edge exceeds ``max_edge_m``.

    Parameters
    ----------
    triangles_m : ndarray (T, 3, k), k >= 3: corner coordinates (any length unit) in the
        first 3 columns, then any attributes (e.g. normals), interpolated linearly
    max_edge_m : float > 0, same unit

    Returns
    -------
    ndarray (T', 3, k), the same surface with the same winding
    """
    if not max_edge_m > 0:
        raise ValueError(f"max_edge_m: must be a positive length, got {max_edge_m!r}")
    done, todo = [], np.asarray(triangles_m, dtype=float)
    while len(todo):
        edge = np.stack([np.linalg.norm(todo[:, (k + 1) % 3, :3] - todo[:, (k + 2) % 3, :3], axis=1)
                         for k in range(3)], axis=1)
        big = edge.max(axis=1) > max_edge_m
        done.append(todo[~big])
        t, k = todo[big], edge[big].argmax(axis=1)  # k: the corner opposite the longest edge
        i = np.arange(len(t))
        a, b, c = t[i, k], t[i, (k + 1) % 3], t[i, (k + 2) % 3]
        m = 0.5 * (b + c)
        todo = np.concatenate([np.stack([a, b, m], axis=1), np.stack([a, m, c], axis=1)])
    return np.concatenate(done)


def bone_collection(bones_posed: Sequence, view: str, *, origin_m=None, scale: float = 1000.0,
                    colour=BONE_COLOUR, light=LIGHT_DIRECTION, ambient: float = 0.42, alpha: float = 1.0,
                    edge_width: float = 0.3, zorder: float = 1.0, cull_back_faces: bool = True,
                    max_edge_m: float | None = 0.01) -> BoneDrawing:
    """Build the shaded, depth-sorted PolyCollection of posed bones (no Axes needed).

    Parameters
    ----------
    bones_posed : sequence of objects with ``vertices_m`` (n, 3) and ``triangles`` (m, 3)
        e.g. :func:`hipmodel.bones.posed_bones`; pelvis frame, metres, one pose.
    view : {'posterior', 'lateral', 'superior'}
    origin_m, scale : see :func:`project`
    colour : RGB in 0..1, the lit bone colour
    light : (3,) direction towards the light in screen coordinates (right, up, viewer)
    ambient : float in 0..1, the share of light that reaches every face
    alpha : float, opacity of the bones
    edge_width : float, points; edges are drawn in each face's own colour, only to close
        the hairline seams antialiasing leaves between neighbouring triangles (0: none)
    zorder : float
    cull_back_faces : bool
        Leave out triangles facing away from the viewer (the meshes are closed and wound
        outwards, so the front faces hide them anyway); halves the work and removes most
        painter's-order conflicts. With False, back faces are lit as if seen from outside.
    max_edge_m : float or None, metres
        Split triangles until no edge is longer than this (default 10 mm) before sorting:
        the depth of a small triangle's centroid is close to its depth everywhere, so the
        painter's order is right almost everywhere (see tests/test_bones.py for the
        residual). None keeps the meshes' own triangles.

    Returns
    -------
    BoneDrawing
        ``order`` then indexes the triangles after splitting and culling.
    """
    world = _gather(bones_posed)
    if max_edge_m is not None and len(world):
        world = subdivide(world, max_edge_m)
    t = project(world[..., :3], view, origin_m, scale)  # (T, 3, 3)
    facing = np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0])[:, 2]  # > 0: the outside faces the viewer
    keep = np.flatnonzero(facing > 0) if cull_back_faces else np.arange(len(t))
    order = keep[np.argsort(t[keep, :, 2].mean(axis=1), kind="stable")]  # farthest (smallest near) first
    t = t[order]
    # smooth shading: the mean of the corners' vertex normals, in screen coordinates
    normal = world[order, :, 3:].mean(axis=1) @ _basis(view).T
    length = np.linalg.norm(normal, axis=1)
    normal = normal / np.where(length > 0, length, 1.0)[:, None]
    normal *= np.where(facing[order] < 0, -1.0, 1.0)[:, None]  # two-sided: a back face seen is lit
    lam = np.clip(normal @ (np.asarray(light, float) / np.linalg.norm(light)), 0.0, 1.0)
    shade = ambient + (1.0 - ambient) * lam
    rgba = np.empty((len(t), 4))
    rgba[:, :3] = np.clip(np.asarray(colour, float)[None] * shade[:, None], 0.0, 1.0)
    rgba[:, 3] = alpha
    coll = PolyCollection(t[:, :, :2], closed=True, facecolors=rgba, edgecolors=rgba if edge_width else "none",
                          linewidths=edge_width, antialiaseds=True, zorder=zorder)
    origin = None if origin_m is None else np.asarray(origin_m, float)
    t.setflags(write=False)
    return BoneDrawing(coll, Occluder(t, view, origin, scale), order)


def draw_bones(ax, bones_posed: Sequence, view: str, **kwargs) -> BoneDrawing:
    """Draw posed bones on ``ax`` (keyword arguments as :func:`bone_collection`).

    Returns
    -------
    BoneDrawing
        ``collection`` (added to ``ax``), an :class:`Occluder` to test which points of a
        muscle line lie behind bone, and the drawing ``order``.
    """
    drawing = bone_collection(bones_posed, view, **kwargs)
    ax.add_collection(drawing.collection, autolim=False)
    return drawing
