"""Figures whose text must fit and not collide: the stretch length map, the figure-4 steps, the switch context."""

from __future__ import annotations

import itertools

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from hipmodel import plots
from hipmodel import stretch as S


def _unshown_ticklabels(fig) -> set:
    """Tick labels matplotlib keeps but does not draw (their tick lies outside the axis's view)."""
    out = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    out |= {id(tick.label1), id(tick.label2)}
    return out


def _drawn_texts(fig):
    FigureCanvasAgg(fig).draw()
    r = fig.canvas.get_renderer()
    skip = _unshown_ticklabels(fig)
    return [(t, t.get_window_extent(r)) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and id(t) not in skip], r


def test_length_map_every_text_inside_the_figure_and_footer_at_least_9pt(gait):
    fig = plots.length_map_figure_for(gait, gait.muscle("piriformis"), 0.0, S.load_poses(), current=(100.0, 0.0, -45.0))
    texts, _ = _drawn_texts(fig)
    for t, bb in texts:
        for corner in ((bb.x0, bb.y0), (bb.x0, bb.y1), (bb.x1, bb.y0), (bb.x1, bb.y1)):
            assert fig.bbox.contains(*corner), (t.get_text()[:60], bb, fig.bbox)
    foot = fig.subfigs[1]
    small = [t.get_text()[:40] for t in foot.findobj(Text) if t.get_text().strip() and t.get_fontsize() < 9]
    assert not small
    assert any("+26.0 mm" in t.get_text() for t, _ in texts)  # the longest entry, whole


def test_figure4_steps_texts_apart_and_every_muscle_and_lever_inside_its_view(rajagopal):
    steps = S.figure4_steps(rajagopal, rajagopal.muscle("piriformis"))
    fig = plots.figure4_steps_figure(steps, rajagopal)
    texts, _ = _drawn_texts(fig)
    views = [ax for ax in fig.axes if ax.get_aspect() == 1.0]
    # each anatomy view's own frame texts (orientation arrows, scale bar) are anatomy.py's layout: only pairs
    # not both inside one view are this figure's spacing
    owner = {id(t): i for i, ax in enumerate(views) for t in ax.texts}
    boxes = [(t.get_text()[:30], bb, owner.get(id(t))) for t, bb in texts]
    for (a, ba, oa), (b, bbx, ob) in itertools.combinations(boxes, 2):
        if oa is not None and oa == ob:
            continue
        assert not ba.overlaps(bbx), (a, b)
    assert len(views) == 3 * len(steps)  # from the side, from behind (the piriformis in full), from above
    for ax in views:
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        # the hip fills the view: a window of the explorer's size, not one stretched to the knee
        assert x1 - x0 <= 500 and y1 - y0 <= 500, (ax.get_xlim(), ax.get_ylim())
        for ln in ax.get_lines():
            if ln.get_linestyle() == "-.":  # the thigh's long axis runs on to the knee, out of the window
                continue
            x, y = np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)
            assert np.all((x >= x0) & (x <= x1)) and np.all((y >= y0) & (y <= y1)), ax.get_ylabel()


def test_switch_context_whiskers_span_each_models_uncertainty():
    from hipmodel.context import switch_context

    ctx = switch_context()
    fig = plots.switch_context_figure(ctx.model_rows(), ctx.literature)
    ax = fig.axes[0]
    whiskers = [c for c in ax.collections if c.get_gid() == "uncertainty" or
                (getattr(c, "get_segments", None) and len(c.get_segments()) == 1)]
    spans = sorted((round(float(s[:, 0].min()), 3), round(float(s[:, 0].max()), 3))
                   for c in whiskers for s in c.get_segments() if np.ptp(s[:, 0]) > 0)
    want = sorted((round(m.angle_deg - m.uncertainty_deg, 3), round(m.angle_deg + m.uncertainty_deg, 3))
                  for m in ctx.models if m.uncertainty_deg and m.angle_deg is not None)
    assert want and spans == want
    assert all(m.uncertainty_deg == 10 for m in ctx.models if m.uncertainty_deg)


def test_switch_context_figure_takes_rows_without_uncertainty():
    fig = plots.switch_context_figure([("A", 50.0, False)], [])
    assert not fig.axes[0].collections


def test_context_table_switch_cells_are_short():
    """The context tab's table: the switch column holds an angle, a range or 'no angle given', not a sentence."""
    from hipmodel.context import switch_context

    cells = [row["switch (deg flexion)"] for row in switch_context().table()]
    assert "no angle given" in cells and max(map(len, cells)) <= 16, cells
