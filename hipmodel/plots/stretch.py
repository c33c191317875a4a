"""Stretch figures: the length map over flexion x rotation with the switch line and named poses, and the pose bar chart (the figure-4 steps: figure4.py).
"""

from __future__ import annotations

import textwrap
from typing import NamedTuple
import numpy as np
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from . import style as _style
from ..model import Model, Muscle
from ..stretch import (
    LengthMap,
    NamedPose,
    length_map,
    load_poses,
    pose_table,
    switch_line,
)
from ..words import pose_text
from .captions import _model_name, _with_footer


EXTERNAL_COLOUR = _style.EXTERNAL_COLOUR  # blue: external rotation


INTERNAL_COLOUR = _style.INTERNAL_COLOUR  # vermillion: internal rotation


OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#F0E442")


CATEGORY_COLOURS = {"stretch": "#009E73", "cadaver": "#56B4E9", "everyday": "#E69F00", "test": "#CC79A7"}


CATEGORY_WORDS = {"stretch": "stretch", "cadaver": "cadaver study position", "everyday": "everyday posture",
                  "test": "clinical test position"}




SWITCH_COLOUR = "#000000"


FOOT_FONT = 9.0  # the length map's legend, pose list and caption: readable once the picture is phone-sized
_ENTRY_CHARS = 68  # a pose entry's wrap width: half the 10-inch figure at FOOT_FONT
_CAP_CHARS = 140  # the caption's wrap width at FOOT_FONT


CURRENT_COLOUR = "#D55E00"


def _short_angles(angles) -> str:
    """'90° flex, 30° add, 45° ext rot' (add/abd and int/ext in words)."""
    f, a, r = (float(x) for x in angles)
    add = f"{abs(a):g}\u00b0 {'add' if a >= 0 else 'abd'}"
    rot = "0\u00b0 rot" if r == 0 else f"{abs(r):g}\u00b0 {'int' if r > 0 else 'ext'} rot"
    return f"{f:g}\u00b0 flex, {add}, {rot}"


def _spread(points_pt: np.ndarray, min_sep: float = 15.0) -> np.ndarray:
    """Offsets (points) that move coincident markers apart around their common spot."""
    n = len(points_pt)
    off = np.zeros((n, 2))
    groups: dict = {}
    for i, p in enumerate(points_pt):
        key = next((k for k in groups if np.hypot(*(np.array(k) - p)) < min_sep), None)
        groups.setdefault(key if key is not None else tuple(p), []).append(i)
    for members in groups.values():
        if len(members) > 1:
            for j, i in enumerate(members):
                ang = np.pi / 2 + 2 * np.pi * j / len(members)
                off[i] = (min_sep * 0.95) * np.array([np.cos(ang), np.sin(ang)])
    return off


def length_map_figure(
    lmap: LengthMap,
    poses=(),
    current: tuple[float, float, float] | None = None,
    switch_flexion=None,
    pose_changes: dict | None = None,
    model_name: str = "",
    title: str | None = None,
) -> Figure:
    """Length change over flexion x rotation at one adduction, with contours.

    Parameters
    ----------
    lmap : LengthMap
        From :func:`hipmodel.stretch.length_map`.
    poses : sequence of NamedPose
        Numbered markers, listed under the map with their own length change. A pose at
        a different adduction than the map is drawn hollow (the colour under it is not
        its length).
    current : (flexion, adduction, rotation), optional
        The current pose: a large ring.
    switch_flexion : ndarray (nr,), optional
        For each of ``lmap.rotation_deg``, the flexion where the lengthening rotation
        flips (:func:`hipmodel.stretch.switch_line`); NaN where it does not.
    pose_changes : dict, optional
        pose id -> length change (mm) at the pose's own angles.

    Returns
    -------
    Figure
    """
    F, R = lmap.flexion_deg, lmap.rotation_deg
    shown = [p for p in poses if F.min() <= p.flexion_deg <= F.max() and R.min() <= p.rotation_deg <= R.max()]
    size = _map_footer_size(shown, _map_caption(lmap), switch_flexion is not None, current is not None)
    fig, main, foot = _with_footer(10.0, 6.0, size.height)
    ax = main.subplots()
    _draw_length_colours(main, ax, lmap)
    handles = _draw_switch_line(ax, lmap, switch_flexion, shown, current) if switch_flexion is not None else []
    ax.set_xlim(F.min(), F.max())
    ax.set_ylim(R.min(), R.max())
    if current is not None:
        handles.append(_draw_current_pose(ax, current))
    entries = []
    if shown:
        entries = _draw_pose_markers(main, ax, lmap, shown, pose_changes)
        handles += _category_handles(shown)
    _label_map_axes(ax, lmap, model_name, title)
    _draw_map_footer(foot, handles, entries, size)
    return fig


def _map_caption(lmap: LengthMap) -> str:
    """The length map's caption, naming the muscle."""
    return (f"Colour: how much longer (purple) or shorter (orange) the {lmap.muscle_name.lower()} is than when "
            "standing, over hip flexion (across) and rotation (up and down); the thin lines join poses of equal "
            "length. The dashed line is where the rotation that stretches it flips: left of it, turning the thigh "
            "in stretches the muscle; right of it, turning the thigh out does. Numbered dots: the named poses "
            "(hollow: the pose has a different adduction from this map, so read its length from the list, not "
            "the colour). Straight-line model of published geometry, not a measurement on a person.")


class _FooterSize(NamedTuple):
    """The length map's footer: the wrapped caption and the heights (inches) of its parts."""

    caption: str  # wrapped
    list_rows: int  # pose entries per column
    line_in: float  # one line of text at FOOT_FONT
    legend_in: float
    height: float  # the whole footer


def _map_footer_size(shown, caption: str, has_switch: bool, has_current: bool) -> _FooterSize:
    """The footer's text, all at FOOT_FONT: every pose entry wrapped to half the width, two columns."""
    cap_wrapped = textwrap.fill(caption, _CAP_CHARS)
    list_rows = (len(shown) + 1) // 2
    line_in = FOOT_FONT * 1.25 / 72.0
    n_hand = has_switch + has_current + len({p.category for p in shown})
    legend_in = 0.2 + line_in * 1.45 * ((n_hand + 1) // 2)
    col_lines = [sum(len(textwrap.wrap(f"{i + 1}  {p.name.split(':')[0]} ({_short_angles(p.angles)}) -> +00.0 mm",
                                       _ENTRY_CHARS)) for i, p in enumerate(shown) if (i >= list_rows) == c)
                 for c in (0, 1)]
    list_in = line_in * (max(col_lines) + 0.4 * list_rows) if shown else 0.0
    footer = legend_in + list_in + line_in * (cap_wrapped.count("\n") + 1) + 0.35
    return _FooterSize(cap_wrapped, list_rows, line_in, legend_in, footer)


def _draw_length_colours(main, ax, lmap: LengthMap) -> None:
    """The length change as colour, its contour lines and the colour bar."""
    F, R = lmap.flexion_deg, lmap.rotation_deg
    Z = lmap.change_mm.T  # (nr, nf): rows = rotation (y), columns = flexion (x)
    lim = max(float(np.nanmax(np.abs(Z))), 1.0)
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-lim, vmax=lim)
    mesh = ax.pcolormesh(F, R, Z, cmap="PuOr", norm=norm, shading="gouraud", rasterized=True)
    step = 5.0 if lim > 12 else 2.0
    levels = np.arange(-np.ceil(lim / step) * step, lim + step, step)
    cs = ax.contour(F, R, Z, levels=levels, colors="#333333", linewidths=0.6, alpha=0.7)
    ax.clabel(cs, fmt=lambda v: f"{v:+.0f} mm" if v else "0 mm", fontsize=7, inline_spacing=2)
    cb = main.colorbar(mesh, ax=ax, shrink=0.95, pad=0.01)
    cb.set_label(f"length change against standing (mm)\nstanding length {lmap.standing_mm:.0f} mm", fontsize=9)


def _draw_switch_line(ax, lmap: LengthMap, switch_flexion, shown, current) -> list:
    """The dashed switch line with a word on each side; its legend handle (none if it is nowhere on the map)."""
    R = lmap.rotation_deg
    sw = np.asarray(switch_flexion, dtype=float)
    ok = np.isfinite(sw)
    if not ok.any():
        return []
    ax.plot(sw[ok], R[ok], color=SWITCH_COLOUR, lw=2.6, ls=(0, (6, 2)), zorder=4)
    handle = Line2D([], [], color=SWITCH_COLOUR, lw=2.6, ls=(0, (6, 2)),
                    label="switch line: the rotation that stretches it flips here")
    row = _switch_label_row(lmap, sw, ok, shown, current)
    x0, y0 = float(sw[row]), float(R[row])
    y0 = min(max(y0, R.min() + 0.08 * np.ptp(R)), R.max() - 0.08 * np.ptp(R))
    box = dict(boxstyle="round,pad=0.3", fc="white", ec="none", alpha=0.85)
    ax.text(x0 - 4, y0, "\u2190 turning the thigh IN\nlengthens it here", ha="right", va="center",
            fontsize=8.5, bbox=box, zorder=6)
    ax.text(x0 + 4, y0, "turning the thigh OUT\nlengthens it here \u2192", ha="left", va="center",
            fontsize=8.5, bbox=box, zorder=6)
    return [handle]


def _switch_label_row(lmap: LengthMap, sw: np.ndarray, ok: np.ndarray, shown, current) -> int:
    """The rotation row to label the switch line at: well inside the map, far from the ring and the poses."""
    F, R = lmap.flexion_deg, lmap.rotation_deg
    span = F.max() - F.min()
    inside = np.flatnonzero(ok & (sw > F.min() + 0.25 * span) & (sw < F.max() - 0.25 * span))
    if not inside.size:
        return int(np.flatnonzero(ok)[0])
    marks = [(p.flexion_deg, p.rotation_deg) for p in shown]
    marks += [(current[0], current[2])] * 3 if current is not None else []  # the ring counts most
    if not marks:
        return int(inside[len(inside) // 2])
    m = np.asarray(marks, float)
    d = np.hypot((sw[inside, None] - m[None, :, 0]) / span, (R[inside, None] - m[None, :, 1]) / np.ptp(R))
    inner = np.abs(R[inside] - R.mean()) <= 0.35 * np.ptp(R)  # not at the map's top or bottom
    score = np.sort(d, axis=1)[:, 0] + np.where(inner, 0.05, 0.0)
    return int(inside[np.argmax(score)])


def _draw_current_pose(ax, current) -> Line2D:
    """The current pose: a large labelled ring; its legend handle."""
    f, a, r = current
    ax.plot(f, r, marker="o", ms=26, mfc="none", mec=CURRENT_COLOUR, mew=3.0, ls="none", zorder=9)
    ax.annotate("current pose", (f, r), xytext=(0, 17), textcoords="offset points", ha="center",
                fontsize=8.5, fontweight="bold", color=CURRENT_COLOUR, zorder=10,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    return Line2D([], [], marker="o", ms=12, mfc="none", mec=CURRENT_COLOUR, mew=2.5, ls="none",
                  label=f"current pose: {pose_text(f, a, r)}")


def _draw_pose_markers(main, ax, lmap: LengthMap, shown, pose_changes) -> list[str]:
    """The numbered pose markers (coincident ones spread apart); the list entry of each."""
    entries = []
    main.canvas.draw()  # positions in points, to spread coincident markers apart
    xy = ax.transData.transform([(p.flexion_deg, p.rotation_deg) for p in shown]) * 72.0 / main.dpi
    offsets = _spread(xy)
    for i, (p, off) in enumerate(zip(shown, offsets)):
        same = abs(p.adduction_deg - lmap.adduction_deg) < 0.5
        colour = CATEGORY_COLOURS.get(p.category, "#000000")
        if np.any(off):
            ax.plot(p.flexion_deg, p.rotation_deg, "o", ms=3.5, color="black", zorder=7)
        ax.annotate(str(i + 1), (p.flexion_deg, p.rotation_deg), xytext=tuple(off), textcoords="offset points",
                    ha="center", va="center", fontsize=7.5, fontweight="bold",
                    color="white" if same else "black", zorder=8, annotation_clip=False,
                    bbox=dict(boxstyle="circle,pad=0.25", fc=colour if same else "white", ec=colour if not same
                              else "black", lw=1.8 if not same else 0.8),
                    arrowprops=dict(arrowstyle="-", color="black", lw=0.7, shrinkA=0, shrinkB=0)
                    if np.any(off) else None)
        d = (pose_changes or {}).get(p.id)
        entries.append(f"{i + 1}  {p.name.split(':')[0]} ({_short_angles(p.angles)})"
                       + (f" \u2192 {d:+.1f} mm" if d is not None else ""))
    return entries


def _category_handles(shown) -> list:
    """One legend patch per pose category shown."""
    cats = sorted({p.category for p in shown})
    return [Patch(color=CATEGORY_COLOURS.get(c, "k"), label=CATEGORY_WORDS.get(c, c)) for c in cats]


def _label_map_axes(ax, lmap: LengthMap, model_name: str, title: str | None) -> None:
    """Axis labels and the title, which says the map's adduction in words."""
    ax.set_xlabel("hip flexion (deg)")
    ax.set_ylabel("hip rotation (deg)\n\u2190 external (thigh turned out)  |  internal (turned in) \u2192")
    add_words = (f"{lmap.adduction_deg:g}\u00b0 adduction (knee across)" if lmap.adduction_deg > 0 else
                 f"{-lmap.adduction_deg:g}\u00b0 abduction (knee out)" if lmap.adduction_deg < 0 else
                 "neutral adduction (knee straight over the hip)")
    ax.set_title(title or f"How much longer is the {lmap.muscle_name.lower()} than standing? At {add_words}"
                 + (f"\n{model_name}" if model_name else ""), fontsize=10)


def _draw_map_footer(foot, handles, entries, size: _FooterSize) -> None:
    """The footer: legend, the numbered pose list in two columns, the caption (inches from the footer's top)."""
    if handles:
        foot.legend(handles=handles, loc="upper center", ncol=2, fontsize=FOOT_FONT, frameon=False,
                    bbox_to_anchor=(0.5, 1.0))
    list_rows, line_in = size.list_rows, size.line_in
    for c, start in enumerate((0, list_rows)):
        y_in = size.legend_in + 0.1
        for i in range(start, min(start + list_rows, len(entries))) if list_rows else ():
            text = textwrap.fill(entries[i], _ENTRY_CHARS, subsequent_indent="     ")
            foot.text(0.015 + 0.5 * c, 1.0 - y_in / size.height, text, fontsize=FOOT_FONT, va="top", ha="left",
                      linespacing=1.1)
            y_in += line_in * (text.count("\n") + 1.4)
    foot.text(0.01, 0.01, size.caption, fontsize=FOOT_FONT, va="bottom", ha="left", color="#333333")


def length_map_figure_for(
    model: Model,
    muscle: Muscle,
    adduction_deg: float = 0.0,
    poses: tuple[NamedPose, ...] | None = None,
    current: tuple[float, float, float] | None = None,
    flexion_deg=None,
    rotation_deg=None,
) -> Figure:
    """Compute the map, the switch line and the poses' own length changes, then draw."""
    # a little beyond the usual 0-120 / +-45 range so poses on its edges are not cut in half
    flexion_deg = np.arange(-5.0, 126.0) if flexion_deg is None else flexion_deg
    rotation_deg = np.arange(-50.0, 51.0) if rotation_deg is None else rotation_deg
    lm = length_map(model, muscle, flexion_deg, rotation_deg, adduction_deg)
    sw = switch_line(model, muscle, lm.rotation_deg, adduction_deg, start_deg=float(lm.flexion_deg.min()),
                     stop_deg=float(lm.flexion_deg.max()))
    poses = load_poses() if poses is None else poses
    changes = {r.pose.id: r.change_mm for r in pose_table(model, muscle, poses)} if poses else {}
    return length_map_figure(lm, poses, current, sw, changes, model_name=_model_name(model))


def poses_bar_figure(results, model_name: str = "", muscle_name: str = "piriformis") -> Figure:
    """Length change at each named pose, longest first.

    Parameters
    ----------
    results : sequence of PoseResult
        From :func:`hipmodel.stretch.pose_table`.
    """
    rows = sorted(results, key=lambda r: r.change_mm)
    n = len(rows)
    caption = ("Each bar: the muscle's length at that position minus its length standing, in the straight-line "
               "model. Hatching says where the angles come from; hatched bars use angles we chose because the "
               "sources describe the movement but give no numbers, or angles not yet verified.")
    fig, main, foot = _with_footer(9.0, 1.2 + 0.45 * n, 0.75 + 0.15 * len(textwrap.wrap(caption, 130)))
    ax = main.subplots()
    y = np.arange(n)
    for yi, r in zip(y, rows):
        colour = CATEGORY_COLOURS.get(r.pose.category, "#777777")
        hatch = {"CHOSEN": "//", "PARTLY CHOSEN": "..", "UNVERIFIED": "xx"}.get(r.pose.flag, "")
        ax.barh(yi, r.change_mm, color=colour, edgecolor="black", hatch=hatch, lw=0.6, height=0.65, zorder=3)
        ax.annotate(f"{r.change_mm:+.1f} mm ({r.change_pct:+.0f}%)", (r.change_mm, yi),
                    xytext=(4 if r.change_mm >= 0 else -4, 0), textcoords="offset points", va="center",
                    ha="left" if r.change_mm >= 0 else "right", fontsize=8)
    ax.set_yticks(y, [f"{r.pose.name}\n{r.pose.angles_text()}" for r in rows], fontsize=7.5)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlabel(f"{muscle_name} length change against standing (mm)")
    ax.grid(axis="x", alpha=0.3, zorder=0)
    ax.margins(x=0.22)
    ax.set_title(f"How much each position lengthens the {muscle_name}" + (f"\n{model_name}" if model_name else ""),
                 fontsize=10)
    cats = sorted({r.pose.category for r in rows})
    handles = [Patch(color=CATEGORY_COLOURS.get(c, "#777777"), label=CATEGORY_WORDS.get(c, c)) for c in cats]
    flags = sorted({r.pose.flag for r in rows})
    words = {"VERIFIED": "angles from the source", "PARTLY CHOSEN": "some angles chosen by us",
             "CHOSEN": "angles typical, chosen by us", "UNVERIFIED": "angles unverified"}
    handles += [Patch(fc="white", ec="black", hatch={"CHOSEN": "//", "PARTLY CHOSEN": "..", "UNVERIFIED": "xx"}
                      .get(f, ""), label=words[f]) for f in flags]
    foot.legend(handles=handles, loc="upper center", ncol=4, fontsize=7.5, frameon=False)
    foot.text(0.01, 0.02, textwrap.fill(caption, 130), fontsize=7.5, va="bottom", ha="left", color="#333333")
    return fig
