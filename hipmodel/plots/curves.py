"""The moment-arm curve against flexion (with the current pose marked) and the switch-in-context chart.
"""

from __future__ import annotations

import hashlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import offset_copy
from .style import EXTERNAL_COLOUR, INTERNAL_COLOUR, PALETTE, wrap_text
from .blit import _CURVE_BLITS

# The curve's text sizes (points). Every text on it is at least CURVE_MIN_FONT: on screen a
# figure w inches wide shown p pixels wide draws it CURVE_MIN_FONT * p / (72 w) pixels high,
# whatever the dpi (hipmodel.app.explorer picks w for a phone's column).
CURVE_MIN_FONT = 9.0
CURVE_TITLE_FONT = 10.0
CURVE_WIDTH_IN = 7.5
_CHAR_W = 0.6  # mean character width in font sizes (DejaVu Sans), a little generous
_LEFT_IN, _RIGHT_IN = 0.8, 0.22  # tick labels and y label; the last x tick label and the pose dot at 120 deg
_NOW_IN = 0.22  # the row above the main panel where the 'now' label sits
_PANEL_IN, _PANEL_GAP_IN = 1.15, 0.3  # an extra panel and the gap above it (for its caption)
_XLABEL_IN = 0.5  # x tick labels and the x label below the last panel


def moment_arm_figure(flexion_deg, series, current_flexion=None, switches=None, show_adduction=False,
                      show_flexion=False, show_length=False, title=None, reference=None,
                      width_in=CURVE_WIDTH_IN, marker_word: str = "now") -> Figure:
    """Rotation moment arm against flexion for one or more muscles.

    Parameters
    ----------
    flexion_deg : ndarray (n,)
    series : dict
        muscle name -> dict with arrays (n,) ``rotation_moment_arm_mm`` and optionally
        ``adduction_moment_arm_mm``, ``flexion_moment_arm_mm``, ``length_mm``.
    current_flexion : float, optional
        Marked with a vertical line and a dot on every curve, and labelled just above the plot.
    switches : dict, optional
        muscle name -> list of switch flexion angles (deg), annotated.
    show_adduction, show_flexion, show_length : bool
        Extra panels below the main one, sharing the flexion axis.
    reference : dict, optional
        A kept earlier curve to compare: name -> dict like ``series`` (drawn dashed).
    marker_word : str
        The word before the marked flexion: 'now' for the app's current pose; an answer's
        figure marks the pose it talks about ('this answer: 90\u00b0'), not the user's.
    width_in : float
        Figure width in inches. Text sizes are fixed in points (the smallest is
        :data:`CURVE_MIN_FONT`), so a narrower figure shown at the same width on screen has
        larger text; the height follows from the panels and the legend.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axs = _curve_skeleton(flexion_deg, series, switches, show_adduction, show_flexion, show_length, title,
                               reference, width_in)
    if current_flexion is not None:
        _curve_moving(axs, flexion_deg, series, current_flexion,
                      _curve_panels(show_adduction, show_flexion, show_length), switches, marker_word)
    else:
        _switch_labels(axs[0], flexion_deg, series, switches, None)
    return fig


def moment_arm_png(flexion_deg, series, current_flexion, switches=None, show_adduction=False, show_flexion=False,
                   show_length=False, title=None, reference=None, dpi=90, width_in=CURVE_WIDTH_IN) -> bytes:
    """The same picture as :func:`moment_arm_figure`, as PNG bytes, drawn fast for a slider.

    The curves are drawn once per data set and kept; each call draws only the
    current-pose marks on top (see :func:`anatomy_png`).
    """
    digest = hashlib.blake2b(np.asarray(flexion_deg, dtype=float).tobytes(), digest_size=16)
    for group in (series, reference or {}):
        for name, d in group.items():
            digest.update(name.encode())
            for k in sorted(d):
                if isinstance(d[k], np.ndarray):
                    digest.update(k.encode() + d[k].tobytes())
    sw = tuple((k, tuple(v)) for k, v in (switches or {}).items())
    key = ("curve", digest.hexdigest(), sw, show_adduction, show_flexion, show_length, title, dpi, float(width_in))

    def build():
        return _curve_skeleton(flexion_deg, series, switches, show_adduction, show_flexion, show_length, title,
                               reference, width_in)

    def moving(fig, axs):
        return _curve_moving(axs, flexion_deg, series, current_flexion,
                             _curve_panels(show_adduction, show_flexion, show_length), switches)

    return _CURVE_BLITS.png(key, build, moving, dpi)


def _curve_panels(show_adduction, show_flexion, show_length):
    """(data key, y label, caption above the panel) for each panel, the main one first."""
    panels = [("rotation_moment_arm_mm", "rotation moment arm (mm)", None)]
    if show_adduction:
        panels.append(("adduction_moment_arm_mm", "mm", "adduction moment arm (+ adductor, \u2212 abductor)"))
    if show_flexion:
        panels.append(("flexion_moment_arm_mm", "mm", "flexion moment arm (+ flexor, \u2212 extensor)"))
    if show_length:
        panels.append(("length_mm", "mm", "musculotendon length"))
    return panels


def _legend_rows(labels, width_in) -> tuple[int, int]:
    """(columns, rows) of a legend of ``labels`` that fits ``width_in`` (estimated from the font size)."""
    pt = CURVE_MIN_FONT
    widest = max((len(s) for s in labels), default=0) * _CHAR_W * pt + 2.8 * pt  # text, handle and pad
    ncol = max(1, min(len(labels), int((width_in * 72 - 0.1 * 72) // (widest + 2.0 * pt))))
    return ncol, -(-len(labels) // ncol)


def _curve_skeleton(flexion_deg, series, switches, show_adduction, show_flexion, show_length, title, reference,
                    width_in=CURVE_WIDTH_IN):
    """The curves, zones and switch marks: everything that does not move with the flexion slider.

    Fixed margins in inches, worked out from the text sizes (no layout engine: faster, and the
    plot does not shift between reruns): the title, a row for the 'now' label, the main panel,
    each extra panel with its caption above it, the x labels, the legend below.
    """
    x = np.asarray(flexion_deg, dtype=float)
    panels = _curve_panels(show_adduction, show_flexion, show_length)
    title = title or "Rotation moment arm against hip flexion (+ internal, \u2212 external)"
    title = wrap_text(title, max(20, int((width_in - 0.2) * 72 / (_CHAR_W * CURVE_TITLE_FONT))))
    title_in = 0.1 + (title.count("\n") + 1) * CURVE_TITLE_FONT * 1.25 / 72
    labels = list(series) + [f"kept: {name}" for name in (reference or {})]
    ncol, rows = _legend_rows(labels, width_in)
    legend_in = rows * CURVE_MIN_FONT * 1.75 / 72 + 0.08
    main_in = float(np.clip(0.4 * width_in, 2.2, 2.8))
    extra = len(panels) - 1
    top_in = title_in + _NOW_IN
    bottom_in = _XLABEL_IN + legend_in
    height_in = top_in + main_in + extra * (_PANEL_GAP_IN + _PANEL_IN) + bottom_in
    fig = Figure(figsize=(width_in, height_in))
    heights = [main_in] + [_PANEL_IN] * extra
    axs = fig.subplots(len(panels), 1, sharex=True, squeeze=False,
                       gridspec_kw={"height_ratios": heights, "hspace": _PANEL_GAP_IN / float(np.mean(heights))})[:, 0]
    fig.subplots_adjust(left=_LEFT_IN / width_in, right=1 - _RIGHT_IN / width_in, top=1 - top_in / height_in,
                        bottom=bottom_in / height_in)
    fig.text(0.5, 1 - 0.06 / height_in, title, ha="center", va="top", fontsize=CURVE_TITLE_FONT)

    main = axs[0]
    ys = [np.asarray(s["rotation_moment_arm_mm"]) for s in series.values()]
    lim = max(5.0, *(float(np.nanmax(np.abs(y))) for y in ys)) * 1.15 if ys else 30.0
    main.axhspan(0, lim, color=INTERNAL_COLOUR, alpha=0.07, lw=0)
    main.axhspan(-lim, 0, color=EXTERNAL_COLOUR, alpha=0.07, lw=0)
    # 7 pt in from the left edge: clear of a pose dot at the start of the range
    inset = offset_copy(main.transAxes, fig=fig, x=7, units="points")
    main.text(0.0, 0.97, "internal rotation", transform=inset, va="top", fontsize=CURVE_MIN_FONT,
              color=INTERNAL_COLOUR, fontweight="bold")
    main.text(0.0, 0.03, "external rotation", transform=inset, va="bottom", fontsize=CURVE_MIN_FONT,
              color=EXTERNAL_COLOUR, fontweight="bold")
    main.axhline(0, color="k", lw=0.8)
    main.set_ylim(-lim, lim)
    for ax, (key, label, caption) in zip(axs, panels):
        for i, (name, s) in enumerate(series.items()):
            if key in s:
                ax.plot(x, s[key], color=PALETTE[i % len(PALETTE)], lw=2.2, label=name)
        for name, s in (reference or {}).items():
            if key in s:
                ax.plot(np.asarray(s.get("flexion_deg", x)), s[key], color="#777777", lw=1.5, ls="--",
                        label=f"kept: {name}")
        ax.set_ylabel(label, fontsize=CURVE_MIN_FONT)
        if caption:
            ax.set_title(caption, fontsize=CURVE_MIN_FONT, loc="left", pad=3)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=CURVE_MIN_FONT)
        ax.yaxis.get_major_locator().set_params(nbins=4 if ax is not main else "auto")
    fig.align_ylabels(axs)
    # the switch marks; their labels move with the pose (_switch_labels), to keep clear of the 'now' line
    for i, (name, angles) in enumerate((switches or {}).items()):
        colour = PALETTE[list(series).index(name) % len(PALETTE)] if name in series else "k"
        for a in angles:
            main.plot([a], [0], marker="D", ms=7, color="white", mec=colour, mew=2, zorder=6)
    axs[-1].set_xlabel("hip flexion (deg)", fontsize=CURVE_MIN_FONT)
    axs[-1].set_xlim(x.min(), x.max())
    # the legend below the plot, out of the way of the curves and labels; it follows the last panel
    handles, hl = main.get_legend_handles_labels()
    if handles:
        below = offset_copy(axs[-1].transAxes, fig=fig, x=-_LEFT_IN + 0.05, y=-_XLABEL_IN, units="inches")
        fig.legend(handles, hl, loc="upper left", bbox_to_anchor=(0, 0), bbox_transform=below, ncol=ncol,
                   fontsize=CURVE_MIN_FONT, frameon=False, borderaxespad=0, borderpad=0.2, handlelength=2.0,
                   columnspacing=2.0)
    return fig, list(axs)


def _switch_labels(main, flexion_deg, series, switches, current_flexion) -> list:
    """'switch 57.2 deg' beside each switch mark, one below the other, on the side with room and
    away from the 'now' line (a label is about a quarter of the axis wide)."""
    x = np.asarray(flexion_deg, dtype=float)
    span = x.max() - x.min()
    reach = 0.27 * span  # a label's width, in degrees, with a margin
    out, n = [], 0
    for name, angles in (switches or {}).items():
        colour = PALETTE[list(series).index(name) % len(PALETTE)] if name in series else "k"
        for a in angles:
            left_of = a > x.max() - reach  # no room on the right
            if current_flexion is not None:
                if not left_of and a <= current_flexion <= a + reach and a - reach >= x.min():
                    left_of = True  # the now line would cross it on the right
                elif left_of and a - reach <= current_flexion <= a and a + reach <= x.max():
                    left_of = False
            # on the side of the zero line the curve leaves free there: below it where the curve runs above
            y = series.get(name, {}).get("rotation_moment_arm_mm")
            side = -1.0 if left_of else 1.0
            curve_above = y is not None and float(np.interp(a + side * 3.0, x, y)) > 0
            dy = -15 - 12 * n if curve_above else 6 + 12 * n
            out.append(main.annotate(f"switch {a:.1f}\u00b0", (a, 0), xytext=(-6 if left_of else 6, dy),
                                     textcoords="offset points", fontsize=CURVE_MIN_FONT, color=colour,
                                     fontweight="bold", ha="right" if left_of else "left",
                                     va="top" if curve_above else "bottom"))
            n += 1
    return out


def _curve_moving(axs, flexion_deg, series, current_flexion, panels, switches=None, marker_word="now") -> list:
    """The current pose: a dotted line in every panel, a dot on every curve, a 'now' label above the plot.

    The label sits in its own row above the main panel, so it never covers the zone or switch
    labels; the dots are not clipped, so one at either end of the range is drawn whole.
    """
    x = np.asarray(flexion_deg, dtype=float)
    out = []
    for ax, (key, *_) in zip(axs, panels):
        out.append(ax.axvline(current_flexion, color="k", lw=1, ls=":"))
        for i, s in enumerate(series.values()):
            if key in s:
                out += ax.plot([current_flexion], [np.interp(current_flexion, x, s[key])], "o", ms=7,
                               color=PALETTE[i % len(PALETTE)], mec="k", zorder=5, clip_on=False)
    main = axs[0]
    frac = (current_flexion - x.min()) / max(x.max() - x.min(), 1e-9)
    ha = "left" if frac < 0.25 else "right" if frac > 0.75 else "center"
    out.append(main.annotate(f"{marker_word} {current_flexion:g}\u00b0", (float(np.clip(frac, 0, 1)), 1.0),
                             xycoords="axes fraction", xytext=({"left": -2, "right": 2, "center": 0}[ha], 3),
                             textcoords="offset points", fontsize=CURVE_MIN_FONT, ha=ha, va="bottom",
                             annotation_clip=False))
    return out + _switch_labels(main, flexion_deg, series, switches, current_flexion)


def switch_context_figure(model_switches, literature, map_adduction=None, map_rotation=None, switch_map=None,
                          current=None, model_name="") -> Figure:
    """Where the piriformis switch falls: the models beside the literature, and how the pose moves it.

    Parameters
    ----------
    model_switches : list of (label, angle_deg or None, approximate: bool[, uncertainty_deg])
        Each model's switch at the current adduction and rotation; a non-zero uncertainty is
        drawn as a whisker of that many degrees either side of the dot.
    literature : sequence of hipmodel.literature.SwitchStatement
        Entries with ``label``, ``low``, ``high`` (deg or None), ``kind``.
    map_adduction, map_rotation : ndarray (na,), (nr,), optional
    switch_map : ndarray (na, nr), optional
        Switch angle (deg) over adduction x rotation; NaN = no switch in range.
    current : (adduction, rotation), optional
    """
    has_map = switch_map is not None
    fig = Figure(figsize=(11 if has_map else 7, 4.2), layout="constrained")
    axs = fig.subplots(1, 2 if has_map else 1, squeeze=False, gridspec_kw={"width_ratios": [1.25, 1] if has_map else [1]})[0]
    ax = axs[0]
    rows = []
    spread = {}  # row -> the model's +/- uncertainty (deg)
    for label, angle, approx, *unc in model_switches:
        spread[len(rows)] = float(unc[0]) if unc and unc[0] else 0.0
        rows.append((label + (" *" if approx else ""), angle, angle, "model"))
    notes = {}  # literature rows without an angle: each entry's own chart note (what it saw or measured)
    for e in literature:
        notes[len(rows)] = getattr(e, "chart_note", "") or "no angle given"
        rows.append((e.label, e.low, e.high, e.kind))
    y = np.arange(len(rows))[::-1]
    for i, (yi, (label, lo, hi, kind)) in enumerate(zip(y, rows)):
        colour = {"model": PALETTE[1], "measurement": PALETTE[0], "cadaver estimate": PALETTE[0],
                  "rule of thumb": PALETTE[2], "indirect": "#999999"}.get(kind, "k")
        if lo is None and hi is None:
            ax.text(60, yi, notes.get(i, "no angle given"), va="center", ha="center", fontsize=8,
                    color="#666666", style="italic")
        elif kind == "model":
            if spread.get(i):
                ax.errorbar([lo], [yi], xerr=[[spread[i]], [spread[i]]], fmt="none", ecolor="k", elinewidth=1.4,
                            capsize=5, capthick=1.4, zorder=2, gid="uncertainty")
            ax.plot([lo], [yi], "o", ms=9, color=colour, mec="k", zorder=3)
            # beside the whisker's end, not on it
            ax.annotate(f"{lo:.1f}\u00b0", (lo + spread.get(i, 0.0), yi), xytext=(8, -3), textcoords="offset points",
                        fontsize=8)
        else:
            a = lo if lo is not None else hi
            b = hi if hi is not None else 120
            if a == b:
                ax.plot([a], [yi], "s", ms=9, color=colour, mec="k")
            else:
                ax.plot([a, b], [yi, yi], "-", lw=7, color=colour, alpha=0.8, solid_capstyle="butt")
                if hi is None:
                    ax.annotate("", (b, yi), xytext=(b - 8, yi), arrowprops=dict(arrowstyle="->", color=colour))
    ax.set_yticks(y, [r[0] for r in rows], fontsize=8)
    ax.set_xlim(0, 120)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("hip flexion at which the piriformis turns internal rotator (deg)")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Models (dots) beside the literature\n(bars: ranges, squares: single values)", fontsize=9)
    if any(r[3] == "model" for r in rows):
        ax.text(0.0, -0.2, "* approximate frame alignment (axes inferred from the source)", transform=ax.transAxes,
                fontsize=7, color="#444444")

    if has_map:
        ax2 = axs[1]
        A, Rr = np.meshgrid(np.asarray(map_adduction), np.asarray(map_rotation), indexing="ij")
        masked = np.ma.masked_invalid(switch_map)
        mesh = ax2.pcolormesh(Rr, A, masked, cmap="cividis", vmin=20, vmax=120, shading="nearest")
        levels = [40, 50, 60, 70, 80, 90, 100]
        cs = ax2.contour(Rr, A, masked, levels=levels, colors="white", linewidths=0.8)
        ax2.clabel(cs, fmt="%d\u00b0", fontsize=7)
        cb = fig.colorbar(mesh, ax=ax2, shrink=0.9)
        cb.set_label("switch angle (deg flexion)", fontsize=8)
        if current is not None:
            ax2.plot([current[1]], [current[0]], "o", ms=10, mfc="none", mec=INTERNAL_COLOUR, mew=2.5)
            ax2.annotate("current pose", (current[1], current[0]), xytext=(8, 8), textcoords="offset points",
                         fontsize=8, color=INTERNAL_COLOUR, fontweight="bold")
        ax2.set_xlabel("hip rotation (deg; + internal, \u2212 external)")
        ax2.set_ylabel("hip adduction (deg; + adduction, \u2212 abduction)")
        ax2.set_title(f"Switch angle over the rest of the pose\n{model_name}; blank: no switch in -20..120\u00b0",
                      fontsize=9)
    return fig
