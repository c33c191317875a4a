"""The moment-arm curve against flexion (with the current pose marked) and the switch-in-context chart.
"""

from __future__ import annotations

import hashlib
import numpy as np
from matplotlib.figure import Figure
from .style import EXTERNAL_COLOUR, INTERNAL_COLOUR, PALETTE
from .blit import _CURVE_BLITS


def moment_arm_figure(flexion_deg, series, current_flexion=None, switches=None, show_adduction=False,
                      show_flexion=False, show_length=False, title=None, reference=None) -> Figure:
    """Rotation moment arm against flexion for one or more muscles.

    Parameters
    ----------
    flexion_deg : ndarray (n,)
    series : dict
        muscle name -> dict with arrays (n,) ``rotation_moment_arm_mm`` and optionally
        ``adduction_moment_arm_mm``, ``flexion_moment_arm_mm``, ``length_mm``.
    current_flexion : float, optional
        Marked with a vertical line and a dot on every curve.
    switches : dict, optional
        muscle name -> list of switch flexion angles (deg), annotated.
    show_adduction, show_flexion, show_length : bool
        Extra panels below the main one, sharing the flexion axis.
    reference : dict, optional
        A kept earlier curve to compare: name -> dict like ``series`` (drawn dashed).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axs = _curve_skeleton(flexion_deg, series, switches, show_adduction, show_flexion, show_length, title,
                               reference)
    if current_flexion is not None:
        _curve_moving(axs, flexion_deg, series, current_flexion,
                      _curve_panels(show_adduction, show_flexion, show_length))
    return fig


def moment_arm_png(flexion_deg, series, current_flexion, switches=None, show_adduction=False, show_flexion=False,
                   show_length=False, title=None, reference=None, dpi=90) -> bytes:
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
    key = ("curve", digest.hexdigest(), sw, show_adduction, show_flexion, show_length, title, dpi)

    def build():
        return _curve_skeleton(flexion_deg, series, switches, show_adduction, show_flexion, show_length, title,
                               reference)

    def moving(fig, axs):
        return _curve_moving(axs, flexion_deg, series, current_flexion,
                             _curve_panels(show_adduction, show_flexion, show_length))

    return _CURVE_BLITS.png(key, build, moving, dpi)


def _curve_panels(show_adduction, show_flexion, show_length):
    panels = [("rotation_moment_arm_mm", "rotation moment arm (mm)")]
    if show_adduction:
        panels.append(("adduction_moment_arm_mm", "adduction moment arm (mm)\n+ adductor / \u2212 abductor"))
    if show_flexion:
        panels.append(("flexion_moment_arm_mm", "flexion moment arm (mm)\n+ flexor / \u2212 extensor"))
    if show_length:
        panels.append(("length_mm", "musculotendon length (mm)"))
    return panels


def _curve_skeleton(flexion_deg, series, switches, show_adduction, show_flexion, show_length, title, reference):
    """The curves, zones and switch marks: everything that does not move with the flexion slider."""
    x = np.asarray(flexion_deg, dtype=float)
    panels = _curve_panels(show_adduction, show_flexion, show_length)
    heights = [2.2] + [1.0] * (len(panels) - 1)
    height_in = 3.6 + 1.4 * (len(panels) - 1)
    fig = Figure(figsize=(7.5, height_in))
    axs = fig.subplots(len(panels), 1, sharex=True, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    # fixed margins in inches (no layout engine: faster, and the plot does not shift between reruns)
    fig.subplots_adjust(left=0.9 / 7.5, right=0.98, top=1 - 0.35 / height_in, bottom=0.55 / height_in, hspace=0.12)

    main = axs[0]
    ys = [np.asarray(s["rotation_moment_arm_mm"]) for s in series.values()]
    lim = max(5.0, *(float(np.nanmax(np.abs(y))) for y in ys)) * 1.15 if ys else 30.0
    main.axhspan(0, lim, color=INTERNAL_COLOUR, alpha=0.07, lw=0)
    main.axhspan(-lim, 0, color=EXTERNAL_COLOUR, alpha=0.07, lw=0)
    main.text(0.01, 0.97, "internal rotation", transform=main.transAxes, va="top", fontsize=9, color=INTERNAL_COLOUR,
              fontweight="bold")
    main.text(0.01, 0.03, "external rotation", transform=main.transAxes, va="bottom", fontsize=9,
              color=EXTERNAL_COLOUR, fontweight="bold")
    main.axhline(0, color="k", lw=0.8)
    main.set_ylim(-lim, lim)
    for ax, (key, label) in zip(axs, panels):
        for i, (name, s) in enumerate(series.items()):
            if key in s:
                ax.plot(x, s[key], color=PALETTE[i % len(PALETTE)], lw=2.2, label=name)
        for name, s in (reference or {}).items():
            if key in s:
                ax.plot(np.asarray(s.get("flexion_deg", x)), s[key], color="#777777", lw=1.5, ls="--",
                        label=f"kept: {name}")
        ax.set_ylabel(label, fontsize=8)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8)
    for i, (name, angles) in enumerate((switches or {}).items()):
        colour = PALETTE[list(series).index(name) % len(PALETTE)] if name in series else "k"
        for k, a in enumerate(angles):
            main.plot([a], [0], marker="D", ms=7, color="white", mec=colour, mew=2, zorder=6)
            main.annotate(f"switch {a:.1f}\u00b0", (a, 0), xytext=(6, -14 - 12 * i - 12 * k),
                          textcoords="offset points", fontsize=8, color=colour, fontweight="bold")
    axs[-1].set_xlabel("hip flexion (deg)")
    axs[-1].set_xlim(x.min(), x.max())
    main.legend(loc="lower right", fontsize=8, framealpha=0.9)
    main.set_title(title or "Rotation moment arm against hip flexion (+ internal, \u2212 external)", fontsize=10)
    return fig, list(axs)


def _curve_moving(axs, flexion_deg, series, current_flexion, panels) -> list:
    """The current pose: a dotted line in every panel, a dot on every curve, a 'now' label."""
    x = np.asarray(flexion_deg, dtype=float)
    out = []
    for ax, (key, _) in zip(axs, panels):
        out.append(ax.axvline(current_flexion, color="k", lw=1, ls=":"))
        for i, s in enumerate(series.values()):
            if key in s:
                out += ax.plot([current_flexion], [np.interp(current_flexion, x, s[key])], "o", ms=7,
                               color=PALETTE[i % len(PALETTE)], mec="k", zorder=5)
    main = axs[0]
    right_side = current_flexion < x.min() + 0.8 * (x.max() - x.min())
    out.append(main.annotate(f"now {current_flexion:g}\u00b0", (current_flexion, main.get_ylim()[1]),
                             xytext=(3 if right_side else -3, -12), textcoords="offset points", fontsize=8,
                             ha="left" if right_side else "right"))
    return out


def switch_context_figure(model_switches, literature, map_adduction=None, map_rotation=None, switch_map=None,
                          current=None, model_name="") -> Figure:
    """Where the piriformis switch falls: the models beside the literature, and how the pose moves it.

    Parameters
    ----------
    model_switches : list of (label, angle_deg or None, approximate: bool)
        Each model's switch at the current adduction and rotation.
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
    for label, angle, approx in model_switches:
        rows.append((label + (" *" if approx else ""), angle, angle, "model"))
    notes = {}  # literature rows without an angle: each entry's own chart note (what it saw or measured)
    for e in literature:
        notes[len(rows)] = getattr(e, "chart_note", "") or "no angle given"
        rows.append((e.label, e.low, e.high, e.kind))
    y = np.arange(len(rows))[::-1]
    for i, (yi, (label, lo, hi, kind)) in enumerate(zip(y, rows)):
        colour = {"model": PALETTE[1], "measurement": PALETTE[0], "rule of thumb": PALETTE[2],
                  "indirect": "#999999"}.get(kind, "k")
        if lo is None and hi is None:
            ax.text(60, yi, notes.get(i, "no angle given"), va="center", ha="center", fontsize=8,
                    color="#666666", style="italic")
        elif kind == "model":
            ax.plot([lo], [yi], "o", ms=9, color=colour, mec="k")
            ax.annotate(f"{lo:.1f}\u00b0", (lo, yi), xytext=(8, -3), textcoords="offset points", fontsize=8)
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
