"""Labels that overlap nothing: each placed near its point, off every line and other label.

A greedy search: for each label in turn, candidate positions on rings around its point,
nearest first; the first whose box stays inside the axes and clear of the placed labels and
of the given lines (muscles, levers, the axis) wins, and a thin leader line joins it to its
point. Text sizes are estimated from the font size (no renderer needed), with a margin.
"""

from __future__ import annotations

import numpy as np

from .geometry import densify

__all__ = ["place_labels"]

_CHAR_W = 0.58  # mean character width, in font sizes (DejaVu Sans, lower case)
_LINE_H = 1.3   # line height, in font sizes
_RINGS_PT = (10.0, 18.0, 28.0, 40.0, 54.0)
_ANGLES = np.deg2rad(np.arange(0, 360, 22.5))


def _points_per_unit(ax) -> tuple[float, float]:
    fig = ax.get_figure(root=True)  # the whole figure, also for axes inside a subfigure
    pos = ax.get_position()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return (pos.width * fig.get_figwidth() * 72.0 / (x1 - x0), pos.height * fig.get_figheight() * 72.0 / (y1 - y0))


def _box(cx, cy, w, h):
    return np.array([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])


def _overlaps(a, b) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def _hits(box, pts) -> bool:
    return bool(np.any((pts[:, 0] > box[0]) & (pts[:, 0] < box[2]) & (pts[:, 1] > box[1]) & (pts[:, 1] < box[3])))


def place_labels(ax, anchors: dict, obstacles, fontsize: float = 9.0, zorder: float = 8.0,
                 colour: str = "#3B2F1A", avoid_texts=()) -> list:
    """Write each ``name`` of ``anchors`` (name -> screen point) where it overlaps nothing.

    Parameters
    ----------
    obstacles : sequence of (k, 2) polylines in data units that no label may cover.
    avoid_texts : Text artists already drawn, whose boxes no label may cover.

    Returns
    -------
    list of the Annotation artists drawn.
    """
    ppx, ppy = _points_per_unit(ax)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    pad = 2.0  # points around every box
    step = min(fontsize / ppx, fontsize / ppy) / 3.0
    lines = [densify(o, step) for o in obstacles if len(o)]
    line_pts = np.vstack(lines) if lines else np.zeros((0, 2))
    placed, out = [], []
    for t in avoid_texts:  # texts already drawn (e.g. the nerve's labels): their estimated boxes
        tx, ty = t.get_position()
        fs = t.get_fontsize()
        lines = t.get_text().splitlines() or [""]
        tw = (max(len(x) for x in lines) * _CHAR_W * fs + 2 * pad) / ppx
        th = (len(lines) * _LINE_H * fs + 2 * pad) / ppy
        ha = {"left": 0.5, "right": -0.5}.get(t.get_ha(), 0.0)
        placed.append(_box(tx + ha * tw, ty, tw, th))
    for name, p in anchors.items():
        w = (len(name) * _CHAR_W * fontsize + 2 * pad) / ppx
        h = (_LINE_H * fontsize + 2 * pad) / ppy
        best, best_cost = None, np.inf
        for r in _RINGS_PT:
            for ang in _ANGLES:
                # the nearest edge of the box r points from the anchor, in the direction ang
                cx = p[0] + (r / ppx + w / 2) * np.cos(ang)
                cy = p[1] + (r / ppy + h / 2) * np.sin(ang)
                box = _box(cx, cy, w, h)
                if box[0] < x0 or box[2] > x1 or box[1] < y0 or box[3] > y1:
                    continue
                cost = 3 * sum(_overlaps(box, q) for q in placed) + 2 * _hits(box, line_pts)
                cost += 0.2 * _hits(box, np.array([p]))
                if cost < best_cost:
                    best, best_cost = (cx, cy, box), cost
                if cost == 0:
                    break
            if best_cost == 0:
                break
        if best is None:
            continue
        cx, cy, box = best
        placed.append(box)
        # the leader: from the anchor to the nearest point of the box (a plain line draws fast)
        ex, ey = np.clip(p[0], box[0], box[2]), np.clip(p[1], box[1], box[3])
        out += ax.plot([p[0], ex], [p[1], ey], "-", color=colour, lw=0.6, zorder=zorder)
        out.append(ax.text(cx, cy, name, ha="center", va="center", fontsize=fontsize, color=colour, zorder=zorder,
                           bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8)))
        out.append(ax.plot(*p, "o", ms=2.5, color=colour, zorder=zorder)[0])
    return out
