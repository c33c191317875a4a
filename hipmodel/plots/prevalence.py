"""The prevalence chart of the sciatic nerve variants: each study's share, with n and intervals.

Like every figure here, a :class:`matplotlib.figure.Figure` built directly (never pyplot)
from plain values; :func:`prevalence_figure_from_data` reads the bundled data. The
schematics of the six types are in :mod:`.nerve`.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import nerve
from .style import NERVE_COLOURS as COLOURS, wrap_text

__all__ = ["prevalence_figure", "prevalence_figure_from_data"]

_CAPTION = ("Each row is one study's figure, with its sample size; {units}. "
            "Circles: single dissection or MRI series, with a Wilson 95% interval computed here from the counts; "
            "diamonds: pooled estimates from meta-analyses, with 95% confidence intervals where published; "
            "hollow markers: a subgroup, an approximate figure, or only type B reported (a lower bound for "
            "'through'). The shaded band is the often-quoted share 'through the muscle'.")


def _row_label(r: Mapping) -> str:
    sub = f", {r['subgroup']}" if r.get("subgroup") else ""
    return f"{r['study']}{sub}\n({r['n_text']})"


def _plot_rows(ax, rs: Sequence[Mapping], ys, colour: str) -> None:
    """One marker a study (diamond if pooled, hollow if partial), its interval and its value as printed."""
    for r, y in zip(rs, ys):
        marker = "D" if r["pooled"] else "o"
        hollow = r.get("approximate") or r.get("partial") or r.get("subgroup")
        if r.get("ci95"):
            ax.plot(r["ci95"], [y, y], color=colour, lw=2.0, solid_capstyle="butt", zorder=3)
            for xv in r["ci95"]:
                ax.plot([xv, xv], [y - 0.15, y + 0.15], color=colour, lw=1.5, zorder=3)
        ax.plot(r["percent"], y, marker=marker, ms=8, color=colour, mfc="white" if hollow else colour,
                mew=2.0, ls="none", zorder=4)
        val = f"{'~' if r.get('approximate') else ''}{nerve.percent_text(r['percent'])}%"  # as printed: 90%, 9.8%
        if r.get("ci95"):
            val += f" ({r['ci95'][0]:.1f}-{r['ci95'][1]:.1f})"
        if r.get("partial"):
            val += ", type B only"
        xt = max(r["percent"], r["ci95"][1] if r.get("ci95") else r["percent"])
        ax.annotate(val, (xt, y), xytext=(7, 0), textcoords="offset points", va="center", fontsize=8,
                    zorder=5)


def _usual_course_axis(ax, top: Sequence[Mapping]) -> None:
    ax.set_xlim(70, 100)
    ys = np.arange(len(top))[::-1]
    _plot_rows(ax, top, ys, COLOURS["type_a"])
    ax.set_yticks(ys, [_row_label(r) for r in top], fontsize=8)
    ax.set_ylim(-0.7, len(top) - 0.3)
    ax.set_xlabel("share of limbs with the usual course, type A (%)")
    ax.set_title("Usual course: one trunk below the piriformis (type A)", loc="left", fontsize=10, fontweight="bold")
    ax.grid(axis="x", color="#E5E5E5", zorder=0)


def _variants_axis(ax, through: Sequence[Mapping], anyv: Sequence[Mapping], n_bot: int,
                   quoted_range: tuple[float, float]) -> None:
    ax.set_xlim(0, 36)
    q0, q1 = quoted_range
    ax.axvspan(q0, q1, color=COLOURS["quoted"], alpha=0.18, zorder=1, lw=0)
    # the band's name in a row of its own under the last study, where no value label can reach it
    ax.text((q0 + q1) / 2, -1.05, f"often quoted:\n'{q0:g}-{q1:g}% through the muscle'", ha="center",
            va="center", fontsize=7.5, color="#8A5A00", zorder=5)
    y_any = np.arange(len(anyv))[::-1]
    y_thr = np.arange(len(through))[::-1] + len(anyv) + 1
    _plot_rows(ax, through, y_thr, COLOURS["through"])
    _plot_rows(ax, anyv, y_any, COLOURS["any_variant"])
    ticks = list(y_thr) + list(y_any)
    ax.set_yticks(ticks, [_row_label(r) for r in through] + [_row_label(r) for r in anyv], fontsize=8)
    for t, r in zip(ax.get_yticklabels(), list(through) + list(anyv)):
        t.set_color(COLOURS["through"] if r["measure"] == "through" else "#006B4F")
    ax.axhline(len(anyv), color="#CCCCCC", lw=0.8)
    ax.set_ylim(-1.6, n_bot - 0.3)
    ax.set_xlabel("share of limbs (%)")
    ax.set_title("Variants: division through the muscle (B, D, E) vs any variant",
                 loc="left", fontsize=10, fontweight="bold")
    ax.grid(axis="x", color="#E5E5E5", zorder=0)


def _legend_handles() -> list[Line2D]:
    return [
        Line2D([], [], marker="o", color="#555555", ls="none", ms=7, label="single study (count / n)"),
        Line2D([], [], marker="D", color="#555555", ls="none", ms=7, label="pooled (meta-analysis)"),
        Line2D([], [], marker="o", color="#555555", mfc="white", ls="none", ms=7,
               label="subgroup, partial or approximate"),
        Line2D([], [], color="#555555", lw=2, label="95% confidence interval"),
        Line2D([], [], marker="s", color=COLOURS["through"], ls="none", ms=7, label="division through"),
        Line2D([], [], marker="s", color=COLOURS["any_variant"], ls="none", ms=7, label="any variant"),
    ]


def prevalence_figure(rows: Sequence[Mapping], quoted_range: tuple[float, float] = nerve.QUOTED_THROUGH_RANGE_PERCENT
                      ) -> Figure:
    """Prevalence per study (with n) and pooled values with their 95% intervals.

    Parameters
    ----------
    rows : sequence of mapping
        As :func:`hipmodel.nerve.prevalence_rows`: ``study``, ``n_text``, ``measure``
        (``'type A'``, ``'through'`` or ``'any variant'``; other measures are skipped),
        ``label``, ``percent``, ``ci95`` (tuple or None), ``pooled`` (bool),
        ``approximate`` (bool), ``subgroup`` (str), optionally ``partial`` (bool).
    quoted_range : (float, float)
        The often-quoted share 'through the muscle', percent, shaded for comparison.

    Returns
    -------
    Figure
        Two axes: the usual course (type A), and the variants (a division through the
        muscle; any variant), one row per study, x in percent of limbs.
    """
    top = [r for r in rows if r["measure"] == "type A"]
    through = [r for r in rows if r["measure"] == "through"]
    anyv = sorted([r for r in rows if r["measure"] == "any variant"], key=lambda r: (bool(r.get("subgroup")), r["percent"]))
    if not (top or through or anyv):
        raise ValueError("rows: nothing to plot (no 'type A', 'through' or 'any variant' rows)")
    n_top, n_bot = max(len(top), 1), len(through) + len(anyv) + 1
    odd = dict.fromkeys(f"{r['study']} ({r['n_text']}: {r['share_of'].split('(', 1)[-1].rstrip(')')})" for r in rows
                        if r.get("share_of") and r["share_of"] not in ("limbs", "hips"))
    units = "shares are of limbs (hips), not of people" + (f", except {'; '.join(odd)}" if odd else "")
    caption = wrap_text(_CAPTION.format(units=units), 125)
    # below the charts, in inches from the bottom: the caption, then the legend's two rows above it
    caption_in = (caption.count("\n") + 1) * 8.0 * 1.25 / 72.0 + 0.05
    legend_in = 0.45
    charts_in = 1.3 + 0.42 * (n_top + n_bot)
    height = charts_in + legend_in + caption_in + 0.1
    fig = Figure(figsize=(9.5, height), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, gridspec_kw=dict(height_ratios=[n_top + 0.8, n_bot + 0.8]))
    _usual_course_axis(ax1, top)
    _variants_axis(ax2, through, anyv, n_bot, quoted_range)
    fig.legend(handles=_legend_handles(), loc="lower center", bbox_to_anchor=(0.5, (caption_in + 0.05) / height),
               ncols=3, fontsize=8, frameon=False)
    fig.text(0.01, 0.02 / height, caption, fontsize=8, va="bottom", ha="left")
    bottom = (caption_in + legend_in + 0.05) / height
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))
    return fig


def prevalence_figure_from_data(variants: nerve.NerveVariants | None = None) -> Figure:
    """:func:`prevalence_figure` from the data."""
    return prevalence_figure(nerve.prevalence_rows(variants))
