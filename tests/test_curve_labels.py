"""The moment-arm curve's labels: after drawing, no two texts overlap and the current-pose dots lie inside the figure, at either end of the flexion range and in between, with one panel or all four, wide (the CLI, the downloads) and narrow (the app on a phone)."""

import itertools

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

import hipmodel as hm
from hipmodel import plots
from hipmodel.plots.curves import CURVE_MIN_FONT

X = np.arange(-20.0, 120.25, 0.5)
TITLE = "Rotation moment arm against flexion (gait2392, add 0\u00b0, rot 0\u00b0)"


@pytest.fixture(scope="module")
def data():
    model = hm.load_model()
    out, switches = {}, {}
    for mid in ("piriformis", "gemelli"):
        mu = model.muscle(mid)
        c = hm.curves(model, mu, X)
        out[mu.name] = {"rotation_moment_arm_mm": c.rotation_moment_arm_mm,
                        "adduction_moment_arm_mm": c.adduction_moment_arm_mm,
                        "flexion_moment_arm_mm": c.flexion_moment_arm_mm, "length_mm": c.length_mm}
        switches[mu.name] = [s.flexion_deg for s in hm.sign_change_angles(model, mu, 0.0, 0.0, -20.0, 120.0)]
    return out, switches


def drawn_texts(fig):
    """Every visible, non-empty text drawn: titles, axis labels, annotations, legend texts, and
    the tick labels of ticks inside the view (matplotlib keeps labels for ticks outside it)."""
    ticks = set()
    for ax in fig.axes:
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = min(lo, hi), max(lo, hi)
            for t in axis.get_major_ticks():
                ticks.update((t.label1, t.label2))
                if lo - 1e-9 <= t.get_loc() <= hi + 1e-9 and t.label1.get_visible() and axis.get_tick_params().get(
                        "labelbottom" if axis is ax.xaxis else "labelleft", True):
                    yield t.label1
    for t in fig.findobj(Text):
        if t not in ticks and t.get_visible() and t.get_text().strip():
            yield t


def overlaps(fig):
    r = fig.canvas.get_renderer()
    boxes = [(t.get_text().replace("\n", " / "), t.get_window_extent(r)) for t in drawn_texts(fig)]
    return [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]


@pytest.mark.parametrize("width_in", [plots.curves.CURVE_WIDTH_IN, 4.6])
@pytest.mark.parametrize("panels", [False, True], ids=["main only", "every panel"])
@pytest.mark.parametrize("flexion", [-20.0, 0.0, 57.0, 120.0])
def test_no_label_covers_another_and_the_pose_dots_are_whole(data, flexion, panels, width_in):
    series, switches = data
    kept = {"Piriformis, gait2392, add 10\u00b0, rot -20\u00b0": series["Piriformis"]}
    for muscles, reference in ((["Piriformis"], None), (list(series), kept)):
        fig = plots.moment_arm_figure(X, {k: series[k] for k in muscles}, current_flexion=flexion,
                                      switches={k: switches[k] for k in muscles}, show_adduction=panels,
                                      show_flexion=panels, show_length=panels, title=TITLE, reference=reference,
                                      width_in=width_in)
        FigureCanvasAgg(fig).draw()
        assert overlaps(fig) == []
        texts = {t.get_text() for t in drawn_texts(fig)}
        assert {"internal rotation", "external rotation", f"now {flexion:g}\u00b0"} <= texts
        assert any(t.startswith("switch ") for t in texts) and set(muscles) <= texts  # the legend
        # every text inside the figure, at least the smallest size
        r = fig.canvas.get_renderer()
        for t in drawn_texts(fig):
            assert t.get_fontsize() >= CURVE_MIN_FONT, t.get_text()
            assert fig.bbox.contains(*t.get_window_extent(r).min) and fig.bbox.contains(*t.get_window_extent(r).max), \
                t.get_text()
        # the current-pose dots, whole, inside the figure
        dots = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_marker() == "o"]
        assert len(dots) == len(muscles) * (4 if panels else 1)
        for d in dots:
            box = d.get_window_extent(r)
            assert not d.get_clip_on()
            assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1
            assert box.width > 7  # a whole dot (7 pt at 100 dpi), not a half one


def test_fast_png_is_the_full_figure_at_the_phone_width(data):
    from PIL import Image
    import io

    series, switches = data
    args = dict(switches=switches, show_adduction=True, show_flexion=True, show_length=True, title=TITLE,
                width_in=4.6)
    for flexion in (120.0, -20.0):
        fast = np.asarray(Image.open(io.BytesIO(plots.moment_arm_png(X, series, flexion, dpi=80, **args))),
                          dtype=int)
        full = np.asarray(Image.open(io.BytesIO(plots.figure_bytes(plots.moment_arm_figure(
            X, series, current_flexion=flexion, **args), "png", dpi=80))), dtype=int)
        assert fast.shape == full.shape
        assert (np.abs(fast - full).sum(-1) > 60).mean() < 0.01


@pytest.mark.parametrize("width_in", [plots.curves.CURVE_WIDTH_IN, 4.6])
@pytest.mark.parametrize("offset", [-8.0, -3.0, 0.5, 3.0, 8.0, 20.0])
def test_the_now_line_never_runs_through_a_switch_label(data, offset, width_in):
    """The slider at or near a switch (60 deg beside Gait2392's 57.2): each 'switch' label sits on
    the side away from the dotted 'now' line."""
    series, switches = data
    one = {"Piriformis": series["Piriformis"]}
    sw = {"Piriformis": switches["Piriformis"]}
    now = sw["Piriformis"][0] + offset
    fig = plots.moment_arm_figure(X, one, now, sw, width_in=width_in)
    FigureCanvasAgg(fig).draw()
    r = fig.canvas.get_renderer()
    main = fig.axes[0]
    x_now = main.transData.transform((now, 0.0))[0]
    labels = [t for t in fig.findobj(Text) if t.get_text().startswith("switch ")]
    assert labels
    curve = main.transData.transform(np.column_stack([X, one["Piriformis"]["rotation_moment_arm_mm"]]))
    for t in labels:
        box = t.get_window_extent(r)
        assert not (box.x0 - 2 <= x_now <= box.x1 + 2), (t.get_text(), now, box)
        # nor does the curve itself run through it (at 59-60 deg it ran through '57.2')
        inside = (curve[:, 0] >= box.x0) & (curve[:, 0] <= box.x1) & (curve[:, 1] >= box.y0) & (curve[:, 1] <= box.y1)
        assert not inside.any(), (t.get_text(), now)
