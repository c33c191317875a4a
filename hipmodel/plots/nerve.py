"""Figures for the sciatic nerve variants: schematics of the six Beaton & Anson types
(the prevalence chart is in :mod:`.prevalence`, re-exported here).

Every function builds a :class:`matplotlib.figure.Figure` directly (never pyplot: no
global state, safe across app users) from plain values and returns it. The ``*_from_data``
helpers read the bundled data (:mod:`hipmodel.nerve`) and call the plain-value builders.

The schematic is a posterior view of a right hip (x lateral to the right, y superior),
in centimetres of a sketch: bones are drawn for orientation only. Colours are from the
Okabe-Ito palette (colour-blind safe); the two divisions also differ in label and the
undivided nerve in width.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.patheffects as pe
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Patch, Polygon

from .. import nerve
from .prevalence import prevalence_figure, prevalence_figure_from_data  # re-exported: callers import them here
from .style import NERVE_COLOURS, wrap_text

__all__ = [
    "COLOURS",
    "SCHEMATIC_MUSCLE",
    "draw_nerve_schematic",
    "variant_figure",
    "all_variants_figure",
    "prevalence_figure",
    "variant_figure_from_data",
    "all_variants_figure_from_data",
    "prevalence_figure_from_data",
]

COLOURS = NERVE_COLOURS
NERVE_LABELS = {"sciatic": "sciatic nerve", "tibial": "tibial", "common fibular": "common fibular"}

# the piriformis of the sketch (metres): sacral origin, trochanteric insertion, half width
SCHEMATIC_MUSCLE = {"start": (0.005, 0.005), "end": (0.15, -0.028), "half_width": 0.018}
SCHEMATIC_CROSSING = 0.45
_CM = 100.0
_MIDLINE_CM = -2.0

# bone outlines of the sketch, centimetres, right hip from behind (orientation only)
_SACRUM = np.array([
    (3.2, 8.0), (3.6, 5.0), (3.2, 2.0), (2.0, -1.0), (0.3, -3.5), (-1.0, -4.8), (-1.2, -7.5),
    (-2.8, -7.5), (-3.0, -4.8), (-4.3, -3.5), (-6.0, -1.0), (-7.2, 2.0), (-7.6, 5.0), (-7.2, 8.0),
])
_SACRAL_FORAMINA = [(2.3, 5.6), (2.1, 3.2), (1.8, 0.9), (1.4, -1.3)]  # half spacing, height
_HIP_BONE = np.array([
    (3.0, 9.0), (4.0, 11.5), (7.0, 14.0), (11.0, 15.3), (15.0, 15.0), (18.5, 13.0), (20.5, 10.0),
    (20.5, 7.0), (19.0, 4.0), (17.5, 1.5), (16.0, -1.0), (15.2, -4.0), (12.0, -7.5), (8.5, -9.5),
    (5.0, -11.5), (3.2, -13.0), (1.0, -11.8), (1.2, -10.0), (2.4, -8.3), (1.6, -6.4), (3.2, -5.6),
    (5.2, -4.6), (7.2, -2.6), (8.4, 0.0), (8.0, 2.5), (6.0, 4.2), (3.8, 4.6),
])
_FEMUR = np.array([
    (10.6, -2.3), (9.5, -3.2), (9.2, -4.6), (9.7, -6.0), (10.8, -6.8), (12.4, -7.0), (13.3, -9.3),
    (12.8, -10.6), (13.4, -12.0), (13.8, -18.0), (16.8, -18.0), (17.1, -11.0), (17.7, -6.5),
    (17.4, -3.4), (16.5, -2.0), (15.4, -2.3), (14.6, -3.4), (13.2, -2.9), (11.8, -2.1),
])


def nerve_effects(lw: float):
    return [pe.Stroke(linewidth=lw + 2.2, foreground=COLOURS["nerve_edge"]), pe.Normal()]




def draw_bones(ax, alpha: float = 1.0, labels: bool = False) -> None:
    """Sketch the sacrum, hip bone and proximal femur of the schematic (orientation only).

    The sacrum is drawn over the muscle's origin (zorder 3.5): the piriformis arises from
    its front surface and appears from under its lateral border when seen from behind.
    """
    kw = dict(facecolor=COLOURS["bone"], edgecolor=COLOURS["bone_edge"], lw=1.0, alpha=alpha)
    ax.add_patch(Polygon(_HIP_BONE, closed=True, zorder=1, **kw))
    ax.add_patch(Polygon(_FEMUR, closed=True, zorder=1.2, **kw))
    ax.add_patch(Polygon(_SACRUM, closed=True, zorder=3.5, **kw))
    for dx, y in _SACRAL_FORAMINA:
        for x in (_MIDLINE_CM - dx, _MIDLINE_CM + dx):
            ax.add_patch(Ellipse((x, y), 0.9, 0.7, facecolor="#D8D0BC", edgecolor=COLOURS["bone_edge"], lw=0.6,
                                 zorder=3.6, alpha=alpha))
    ax.plot([_MIDLINE_CM, _MIDLINE_CM], [7.2, -4.0], color=COLOURS["bone_edge"], lw=0.8, ls=(0, (3, 2)),
            zorder=3.6, alpha=alpha)
    if labels:
        tk = dict(color="#5A5548", fontsize=9, ha="center", va="center", zorder=6, style="italic")
        ax.text(_MIDLINE_CM, 9.3, "sacrum", **tk)
        ax.text(12.0, 10.5, "ilium", **tk)
        ax.text(17.9, -4.2, "greater\ntrochanter", ha="left", va="center", color="#5A5548", fontsize=9,
                style="italic", zorder=6)
        ax.text(15.3, -16.0, "femur", **tk)
        ax.text(2.9, -14.4, "ischial tuberosity", **tk)
        ax.text(_MIDLINE_CM - 0.3, -9.0, "midline", rotation=90, **{**tk, "fontsize": 7})


def draw_nerve_schematic(ax, schematic: nerve.NerveSchematic, *, scale: float = _CM, nerve_lw: float = 6.0,
                         labels: bool = True, fibres: bool = True, label_size: float = 9.0,
                         zorder: float = 2.0, muscle_alpha: float = 1.0) -> list:
    """Draw a :class:`hipmodel.nerve.NerveSchematic` on ``ax``; returns the artists drawn.

    The pelvic part of each division is dashed and drawn under the muscle (it lies deep
    to it); from its crossing point on the division is solid and over the muscle.
    ``scale`` multiplies the schematic's coordinates (100: metres to centimetres).
    ``zorder`` is the z-order of the deep parts; the muscle sits 1 above, the outer
    parts 2 above and the labels 4 above.
    """
    sch = schematic
    out = []
    # pelvic (deep) parts, under the muscle
    for d in sch.divisions:
        lw = nerve_lw * d.relative_width
        xy = d.pelvic_xy * scale
        out += ax.plot(xy[:, 0], xy[:, 1], color=COLOURS[d.name], lw=lw * 0.75, ls=(0, (1.6, 1.1)),
                       solid_capstyle="round", zorder=zorder, alpha=0.9,
                       path_effects=[pe.Stroke(linewidth=lw * 0.75 + 1.6, foreground="#55555588"), pe.Normal()])
    # the slit between two heads, dark: a division seen in it comes up from deep to the muscle
    if sch.gap_outline is not None:
        out.append(ax.add_patch(Polygon(sch.gap_outline * scale, closed=True, facecolor=COLOURS["gap"],
                                        edgecolor="none", zorder=zorder + 1, alpha=muscle_alpha)))
    # the muscle: one band or two heads
    for poly in sch.muscle_outlines:
        patch = Polygon(poly * scale, closed=True, facecolor=COLOURS["muscle"], edgecolor=COLOURS["muscle_edge"],
                        lw=1.2, zorder=zorder + 1, alpha=muscle_alpha)
        out.append(ax.add_patch(patch))
        if fibres:
            t = np.linspace(0.0, 1.0, 40)
            for frac in np.linspace(-0.8, 0.8, 7):
                pts = (sch.muscle_start + np.outer(t * sch.length, sch.axis)
                       + np.outer(frac * sch.half_width_at(t), sch.normal)) * scale
                line, = ax.plot(pts[:, 0], pts[:, 1], color=COLOURS["muscle_fibre"], lw=0.6, zorder=zorder + 1.1)
                line.set_clip_path(patch)
                out.append(line)
    # outer (superficial) parts, over the muscle
    for d in sch.divisions:
        lw = nerve_lw * d.relative_width
        xy = d.outer_xy * scale
        out += ax.plot(xy[:, 0], xy[:, 1], color=COLOURS[d.name], lw=lw, solid_capstyle="round", zorder=zorder + 2,
                       path_effects=nerve_effects(lw))
    if labels:
        out += _label_divisions(ax, sch, scale, label_size, zorder + 4)
    return out


def _label_divisions(ax, sch, scale, size, zorder=6):
    # beside each line, a little over half way down the thigh
    top = min(d.crossing_xy[1] for d in sch.divisions) * scale
    bottom = min(d.xy[-1, 1] for d in sch.divisions) * scale
    y = top + 0.45 * (bottom - top)
    span = sch.length * scale
    lateral = 1.0 if sch.axis[0] >= 0 else -1.0  # a left hip seen from behind has lateral on the left
    out = []
    for d in sch.divisions:
        x = d.xy[-1, 0] * scale
        side = -lateral if d.name == "tibial" else lateral  # tibial label on the medial side
        out.append(ax.text(x + side * 0.04 * span, y, NERVE_LABELS[d.name], ha="right" if side < 0 else "left", va="center",
                fontsize=size, fontweight="bold", color="#000000", zorder=zorder,
                bbox=dict(boxstyle="round,pad=0.2", fc="white", ec=COLOURS[d.name], lw=1.5, alpha=0.9)))
    return out


def _schematic(letter, relations):
    m = SCHEMATIC_MUSCLE
    if relations is None:
        return nerve.nerve_paths_2d(letter, m["start"], m["end"], m["half_width"],
                                    crossing_fraction=SCHEMATIC_CROSSING, thigh_y=-0.165)
    return nerve.nerve_paths_from_relations(relations, m["start"], m["end"], m["half_width"], type_letter=letter,
                                            crossing_fraction=SCHEMATIC_CROSSING, thigh_y=-0.165)


def _orientation(ax, x, y, size=2.2, fontsize=8):
    kw = dict(arrowprops=dict(arrowstyle="-|>", color="#444444", lw=1.0), zorder=6)
    ax.annotate("", xy=(x + size, y), xytext=(x, y), **kw)
    ax.annotate("", xy=(x, y + size), xytext=(x, y), **kw)
    ax.text(x + size + 0.3, y, "lateral", fontsize=fontsize, va="center", color="#444444")
    ax.text(x, y + size + 0.4, "superior", fontsize=fontsize, ha="center", color="#444444")


def _frame(ax, ticks: bool = True):
    ax.set_aspect("equal")
    ax.set_xlim(-8.5, 22.5)
    ax.set_ylim(-18.0, 16.5)
    if ticks:
        ax.set_xlabel("medial  \u2190  x (cm, sketch)  \u2192  lateral")
        ax.set_ylabel("inferior  \u2190  y (cm, sketch)  \u2192  superior")
    else:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("medial \u2190   \u2192 lateral", fontsize=7, labelpad=2)
        ax.set_ylabel("inferior \u2190   \u2192 superior", fontsize=7, labelpad=2)
    for s in ax.spines.values():
        s.set_color("#BBBBBB")


def _legend_handles(names, with_deep=True):
    h = [Line2D([], [], color=COLOURS[n], lw=5 if n == "sciatic" else 4,
                path_effects=nerve_effects(5 if n == "sciatic" else 4), label=NERVE_LABELS[n]) for n in names]
    h.append(Patch(facecolor=COLOURS["muscle"], edgecolor=COLOURS["muscle_edge"], label="piriformis"))
    if with_deep:
        h.append(Line2D([], [], color="#666666", lw=2.5, ls=(0, (1.6, 1.1)), label="inside the pelvis (deep)"))
    return h


def variant_figure(letter: str, description: str, prevalence_lines: Sequence[str] = (),
                   relations: Mapping[str, str] | None = None, *, title_short: str = "") -> Figure:
    """One Beaton & Anson type, large, with its letter, description and prevalence.

    Parameters
    ----------
    letter : str
        Type letter, ``'A'`` to ``'F'``.
    description : str
        A sentence or two saying what the type is.
    prevalence_lines : sequence of str
        One line per study, e.g. ``'Natsis 2014: 12/294 (4.1%)'``.
    relations : mapping, optional
        ``{'sciatic': rel}`` or ``{'tibial': rel, 'common fibular': rel}``; default read
        from the bundled data for ``letter``.
    title_short : str, optional
        A few words after the letter in the title.

    Returns
    -------
    Figure
        One axes (the schematic) with axis labels, a legend, and a caption.
    """
    sch = _schematic(letter, relations)
    fig = Figure(figsize=(7.6, 9.6), layout="constrained")
    ax = fig.add_subplot()
    draw_bones(ax, labels=True)
    draw_nerve_schematic(ax, sch, nerve_lw=7.0, label_size=10)
    _frame(ax)
    # name the muscle (and its heads, if split) beside it
    mid = (sch.muscle_start + 0.78 * (sch.muscle_end - sch.muscle_start)) * _CM
    ax.annotate("piriformis", xy=mid, xytext=(mid[0] + 1.5, mid[1] + 5.5), fontsize=10, fontweight="bold",
                color=COLOURS["muscle_edge"], zorder=7, ha="center",
                arrowprops=dict(arrowstyle="-", color=COLOURS["muscle_edge"], lw=1.0))
    if sch.split:
        for sign, name in ((1, "upper head"), (-1, "lower head")):
            p = (sch.muscle_start + 0.2 * sch.length * sch.axis + sign * 0.62 * sch.half_width * sch.normal) * _CM
            ax.text(p[0], p[1], name, fontsize=7.5, va="center", ha="left", color="white", zorder=7,
                    fontweight="bold", rotation=np.degrees(np.arctan2(sch.axis[1], sch.axis[0])),
                    rotation_mode="anchor")
    _orientation(ax, -4.5, 10.5)
    ax.set_title(f"Type {letter}" + (f": {title_short}" if title_short else ""), fontsize=14, fontweight="bold",
                 loc="left")
    names = [d.name for d in sch.divisions]
    ax.legend(handles=_legend_handles(names), loc="lower left", fontsize=8, framealpha=0.95)
    prev = "\n".join(prevalence_lines) if prevalence_lines else "no prevalence figures in the data"
    caption = (
        f"{description}\n"
        f"Prevalence: {prev.replace(chr(10), '; ')}.\n"
        "Schematic posterior view of a right hip (bones sketched for orientation). Dashed: the nerve inside "
        "the pelvis, deep to the muscle; solid: where it runs outside the pelvis, over the muscle."
    )
    fig.text(0.02, 0.0, wrap_text(caption, 110), fontsize=8.5, va="bottom", ha="left")
    fig.get_layout_engine().set(rect=(0, 0.11, 1, 0.89))
    return fig




def all_variants_figure(panels: Sequence[Mapping]) -> Figure:
    """All types side by side as small multiples.

    Parameters
    ----------
    panels : sequence of mapping
        One per type, in order, each with ``letter`` (str), ``short`` (one-line
        description), ``prevalence`` (a line per study, joined by newlines) and
        optionally ``relations`` (see :func:`variant_figure`; default from the data).

    Returns
    -------
    Figure
        One axes per panel (2 rows x 3 columns for six types), each titled with its
        letter and description, its prevalence in a box; a shared legend and a caption.
    """
    k = len(panels)
    if k == 0:
        raise ValueError("panels: at least one type is needed")
    ncols = 3 if k > 4 else k
    nrows = -(-k // ncols)
    # cells sized to the sketch's aspect, so the equal-aspect axes fill them
    fig = Figure(figsize=(3.9 * ncols, 4.7 * nrows + 1.5), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    names_seen = []
    for i, p in enumerate(panels):
        ax = axes.flat[i]
        sch = _schematic(p["letter"], p.get("relations"))
        draw_bones(ax)
        draw_nerve_schematic(ax, sch, nerve_lw=5.0, fibres=True, label_size=7.5)
        _frame(ax, ticks=False)
        ax.set_xlim(-8.0, 21.0)
        ax.set_ylim(-17.0, 15.5)
        ax.set_title(wrap_text(f"Type {p['letter']}: {p['short']}", 44), fontsize=9.5, loc="left", fontweight="bold")
        ax.text(0.985, 0.985, p.get("prevalence", ""), transform=ax.transAxes, ha="right", va="top",
                fontsize=7, zorder=8, linespacing=1.3,
                bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="#BBBBBB", alpha=0.95))
        ax.text(0.02, 0.985, p["letter"], transform=ax.transAxes, fontsize=22, fontweight="bold", va="top",
                ha="left", zorder=8, color="#222222")
        for d in sch.divisions:
            if d.name not in names_seen:
                names_seen.append(d.name)
    for ax in axes.flat[k:]:
        ax.set_visible(False)
    order = [n for n in ("sciatic", "tibial", "common fibular") if n in names_seen]
    fig.legend(handles=_legend_handles(order), loc="lower center", bbox_to_anchor=(0.5, 0.04),
               ncols=len(order) + 2, fontsize=8.5, frameon=False)
    fig.suptitle("Sciatic nerve and piriformis: Beaton & Anson types A-F\n"
                 "schematic posterior view of a right hip", fontsize=12, fontweight="bold")
    caption = ("Each panel shows where the nerve, or each of its two divisions, leaves the pelvis: below the "
               "piriformis, through it (between two heads) or above it. Dashed: inside the pelvis, deep to the "
               "muscle. Boxes: the type's share in each study (count over limbs dissected, or pooled percentage).")
    fig.text(0.5, 0.005, wrap_text(caption, 150), ha="center", va="bottom", fontsize=8.5)
    fig.get_layout_engine().set(rect=(0, 0.075, 1, 0.925))
    return fig


# --- convenience: build from the bundled data ---------------------------------------


def _short_prevalence(letter: str, variants) -> str:
    lines = nerve.type_prevalence_lines(letter, variants)
    return "\n".join(lines[:2]) if lines else "no figures in the data"


def variant_figure_from_data(letter: str, variants: nerve.NerveVariants | None = None) -> Figure:
    """:func:`variant_figure` for one type, with description and prevalence from the data."""
    v = variants or nerve.load_nerve_variants()
    t = v.type(letter)
    return variant_figure(t.letter, t.description, nerve.type_prevalence_lines(t.letter, v), t.relations,
                          title_short=t.short)


def all_variants_figure_from_data(variants: nerve.NerveVariants | None = None) -> Figure:
    """:func:`all_variants_figure` for the six types in the data."""
    v = variants or nerve.load_nerve_variants()
    panels = [dict(letter=t.letter, short=t.short, relations=t.relations, prevalence=_short_prevalence(t.letter, v))
              for t in v.types]
    return all_variants_figure(panels)
