"""Small 2-D helpers for drawing (numpy only)."""

from __future__ import annotations

import numpy as np

__all__ = ["convex_hull", "densify"]


def _cross2(o, a, b) -> float:
    """z of (a - o) x (b - o): > 0 for a counter-clockwise turn."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def convex_hull(xy: np.ndarray) -> np.ndarray:
    """Convex hull of 2-D points (monotone chain), counter-clockwise, shape (h, 2)."""
    pts = sorted(set(map(tuple, np.round(np.asarray(xy, float), 6))))
    if len(pts) < 3:
        return np.array(pts)

    def half(points):
        out = []
        for p in points:
            while len(out) >= 2 and _cross2(out[-2], out[-1], p) <= 0:
                out.pop()
            out.append(p)
        return out

    lower, upper = half(pts), half(pts[::-1])
    return np.array(lower[:-1] + upper[:-1])


def densify(polyline: np.ndarray, step: float) -> np.ndarray:
    """Points along a 2-D polyline no further apart than ``step``, ends included, shape (m, 2)."""
    p = np.asarray(polyline, float).reshape(-1, 2)
    if len(p) < 2:
        return p
    out = [p[:1]]
    for a, b in zip(p[:-1], p[1:]):
        n = max(1, int(np.ceil(np.linalg.norm(b - a) / step)))
        out.append(a + (b - a) * (np.arange(1, n + 1) / n)[:, None])
    return np.vstack(out)
