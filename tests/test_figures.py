"""Figures: Figure objects (never pyplot), with what the reader needs on them."""


import numpy as np
import pytest
from matplotlib.figure import Figure

import hipmodel as hm
from hipmodel.literature import SwitchStatement
from hipmodel import plots


@pytest.fixture(scope="module")
def model():
    return hm.load_model()



def test_anatomy_figure_views_and_lever_colour(model):
    fig = plots.anatomy_figure(model, ["piriformis"], 0.0)
    assert isinstance(fig, Figure)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["From behind", "From the right side", "From above"]
    # at 0 deg the piriformis is an external rotator: its lever is drawn in the external colour
    colours = {line.get_color() for ax in fig.axes for line in ax.get_lines()}
    assert plots.EXTERNAL_COLOUR in colours and plots.INTERNAL_COLOUR not in colours
    fig90 = plots.anatomy_figure(model, ["piriformis"], 90.0, layout="main")
    colours = {line.get_color() for ax in fig90.axes for line in ax.get_lines()}
    assert plots.INTERNAL_COLOUR in colours and plots.EXTERNAL_COLOUR not in colours


def test_anatomy_muscle_line_is_the_model_path(model):
    fig = plots.anatomy_figure(model, ["piriformis"], 30.0, 5.0, -10.0)
    behind = fig.axes[0]
    pts = (hm.path_points_m(model, model.muscle("piriformis"), 30.0, 5.0, -10.0) - model.hip_centre) * 1000
    # the muscle is drawn in pieces (solid where seen, dashed behind bone): together they are the path
    runs = [ln for ln in behind.get_lines() if ln.get_color() == plots.PALETTE[0] and ln.get_marker() in ("None", "")]
    xy = np.vstack([np.column_stack(ln.get_data()) for ln in runs])
    path = pts[:, [2, 1]]  # from behind: x = lateral (z), y = superior

    def distance(p):  # from p to the projected path polyline
        a, b = path[:-1], path[1:]
        t = np.clip(((p - a) * (b - a)).sum(1) / ((b - a) ** 2).sum(1), 0, 1)
        return np.min(np.linalg.norm(a + t[:, None] * (b - a) - p, axis=1))

    assert max(distance(p) for p in xy) < 1e-6
    assert np.allclose(xy[0], path[0]) and np.allclose(xy[-1], path[-1])


def test_moment_arm_figure_marks_pose_switch_and_zones(model):
    x = np.arange(-20, 120.5, 0.5)
    c = hm.curves(model, model.muscle("piriformis"), x)
    fig = plots.moment_arm_figure(x, {"Piriformis": {"rotation_moment_arm_mm": c.rotation_moment_arm_mm,
                                                       "length_mm": c.length_mm}},
                                    current_flexion=30.0, switches={"Piriformis": [57.19]}, show_length=True)
    main, length = fig.axes
    texts = [t.get_text() for t in main.texts]
    assert "internal rotation" in texts and "external rotation" in texts
    assert any("57.2" in t for t in texts)
    assert "mm" in main.get_ylabel() and "mm" in length.get_ylabel() and "deg" in length.get_xlabel()
    # the current-pose dot sits on the curve at 30 deg: -14.47 mm (hip_geometry.md)
    dots = [ln for ln in main.get_lines() if ln.get_marker() == "o"]
    assert abs(dots[0].get_ydata()[0] - (-14.47)) < 0.05


def test_switch_context_figure(model):
    add = np.array([-10.0, 0.0, 10.0])
    rot = np.array([-20.0, 0.0, 20.0])
    smap = hm.switch_angle_map(model, model.muscle("piriformis"), add, rot)
    fig = plots.switch_context_figure([("Gait2392", 57.19, False), ("TLEM", 50.0, True)],
                                        [SwitchStatement("c", "Cadaver", "measurement", 75.0, 90.0, "s", "src", "VERIFIED")],
                                        add, rot, smap, current=(0.0, 0.0), model_name="Gait2392")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "TLEM *" in labels and "Cadaver" in labels
    assert "deg" in fig.axes[1].get_xlabel()


@pytest.mark.parametrize("fmt,magic", [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_figure_bytes(model, fmt, magic):
    assert plots.figure_bytes(plots.anatomy_figure(model, ["piriformis"], 10.0), fmt).startswith(magic)
    with pytest.raises(ValueError, match="format"):
        plots.figure_bytes(Figure(), "gif")


def _pixels(png: bytes) -> np.ndarray:
    from io import BytesIO

    from PIL import Image

    return np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(int)


@pytest.mark.parametrize("pose", [(0.0, 0.0, 0.0), (75.0, 10.0, -20.0), (120.0, -30.0, 45.0)])
def test_fast_anatomy_png_matches_the_full_figure(model, pose):
    """Two ways to the same picture: the blitted PNG and the Figure drawn whole."""
    fast = _pixels(plots.anatomy_png(model, ["piriformis", "gemelli"], *pose, layout="main", width_in=6, dpi=72))
    full = _pixels(plots.figure_bytes(
        plots.anatomy_figure(model, ["piriformis", "gemelli"], *pose, layout="main", width_in=6), dpi=72))
    assert fast.shape == full.shape
    assert (np.abs(fast - full).sum(-1) > 60).mean() < 0.002  # antialiasing seams only (measured < 0.03%)


def test_fast_curve_png_matches_the_full_figure(model):
    x = np.arange(-20, 120.5, 0.5)
    c = hm.curves(model, model.muscle("piriformis"), x)
    series = {"Piriformis": {"rotation_moment_arm_mm": c.rotation_moment_arm_mm, "length_mm": c.length_mm}}
    for flexion in (10.0, 100.0):  # the second call reuses the kept background
        fast = _pixels(plots.moment_arm_png(x, series, flexion, {"Piriformis": [57.19]}, show_length=True, dpi=72))
        full = _pixels(plots.figure_bytes(plots.moment_arm_figure(x, series, flexion, {"Piriformis": [57.19]},
                                                                      show_length=True), dpi=72))
        assert fast.shape == full.shape
        assert (np.abs(fast - full).sum(-1) > 60).mean() < 0.01


# --- the nerve overlay on the posterior view -----------------------------------------

@pytest.mark.parametrize("flexion", [0.0, 60.0, 110.0])
@pytest.mark.parametrize("letter", list("ABCDEF"))
def test_nerve_overlay_runs_below_through_or_above_the_muscle_at_the_pose(model, letter, flexion):
    """The band lies on the piriformis as seen from behind at this pose, and each division
    passes it on the side its type says (checked in the band's own coordinates)."""
    from hipmodel import nerve
    from hipmodel.anatomy import anatomy_scene

    sc = anatomy_scene(model, ["piriformis"], flexion, 5.0, -10.0)
    sch = plots.nerve_overlay(sc, letter)
    assert isinstance(sch, nerve.NerveSchematic)
    # the band's ends are the piriformis ends seen from behind (x: lateral, y: superior, mm)
    piri = sc.muscles[0].points_mm
    xy = plots.anatomy.project_mm(piri, "posterior")
    np.testing.assert_allclose(sch.muscle_start, xy[0], atol=1e-9)
    np.testing.assert_allclose(sch.muscle_end, xy[-1], atol=1e-9)
    expected = nerve.load_nerve_variants().type(letter).relations
    assert {d.name: d.relation for d in sch.divisions} == expected
    for d in sch.divisions:
        t, off = sch.muscle_coordinates(d.crossing_xy)
        hw = float(sch.half_width_at(t))
        if d.relation == "below":
            assert off < -hw
        elif d.relation == "above":
            assert off > hw
        else:
            assert abs(off) < hw
        assert d.xy[-1, 1] < min(sch.muscle_start[1], sch.muscle_end[1])  # it ends in the thigh


def test_nerve_overlay_moves_with_the_pose(model):
    from hipmodel.anatomy import anatomy_scene

    a = plots.nerve_overlay(anatomy_scene(model, ["piriformis"], 0.0), "B")
    b = plots.nerve_overlay(anatomy_scene(model, ["piriformis"], 90.0), "B")
    np.testing.assert_allclose(a.muscle_start, b.muscle_start)  # the sacral origin does not move
    assert np.linalg.norm(a.muscle_end - b.muscle_end) > 5.0  # the trochanter does (mm)


def test_nerve_overlay_needs_a_known_type_and_the_piriformis(model):
    from hipmodel.anatomy import anatomy_scene

    with pytest.raises(ValueError, match="unknown Beaton & Anson type 'Z'"):
        plots.nerve_overlay(anatomy_scene(model, ["piriformis"], 0.0), "Z")
    assert plots.nerve_overlay(anatomy_scene(model, ["gemelli"], 0.0), "B") is None


def test_nerve_overlay_is_drawn_in_the_posterior_view_only_with_a_legend(model):
    from hipmodel import plots

    fig = plots.anatomy_figure(model, ["piriformis"], 30.0, nerve_type="B")
    colours = {ax.get_title(loc="left"): {ln.get_color() for ln in ax.get_lines()} for ax in fig.axes}
    # the tibial blue is also the external lever's colour: test the vermillion (internal) which
    # the 30 degree piriformis (an external rotator) does not use
    assert plots.nerve.COLOURS["common fibular"] in colours["From behind"]
    assert plots.nerve.COLOURS["common fibular"] not in colours["From the right side"]
    labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert "tibial nerve (type B)" in labels and "common fibular nerve (type B)" in labels
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"tibial", "common fibular"} <= texts  # each division labelled on the drawing


def test_fast_anatomy_png_with_nerve_matches_the_full_figure(model):
    fast = _pixels(plots.anatomy_png(model, ["piriformis"], 40.0, nerve_type="E", layout="main", width_in=6,
                                       dpi=72))
    full = _pixels(plots.figure_bytes(
        plots.anatomy_figure(model, ["piriformis"], 40.0, nerve_type="E", layout="main", width_in=6), dpi=72))
    without = _pixels(plots.anatomy_png(model, ["piriformis"], 40.0, layout="main", width_in=6, dpi=72))
    assert fast.shape == full.shape
    # antialiasing seams only (measured 0.03%); the division labels alone are 0.5%, the overlay 1.6%
    assert (np.abs(fast - full).sum(-1) > 60).mean() < 0.002
    # the nerve's legend entries may add a legend row: compare the views, above the legend
    h = int(0.6 * min(fast.shape[0], without.shape[0]))
    assert (np.abs(fast[:h] - without[:h]).sum(-1) > 60).mean() > 0.01


def test_the_kept_figure_backgrounds_are_bounded_and_kept_apart(model):
    """However many poses, muscles and curves a class tries, each cache keeps at most its
    max_entries figures (least recently used go first), and curves never push out anatomy."""
    plots.blit._ANATOMY_BLITS.clear()
    plots.blit._CURVE_BLITS.clear()
    x = np.arange(-20, 120.5, 5.0)
    anatomy_max, curve_max = plots.blit._ANATOMY_BLITS.max_entries, plots.blit._CURVE_BLITS.max_entries
    first = plots.anatomy_png(model, ["piriformis"], 10.0, width_in=3, dpi=40)
    for i in range(curve_max + 5):
        c = hm.curves(model, model.muscle("piriformis"), x, 0.0, -40.0 + i)
        plots.moment_arm_png(x, {"P": {"rotation_moment_arm_mm": c.rotation_moment_arm_mm}}, 10.0, dpi=40)
    assert len(plots.blit._CURVE_BLITS._entries) == curve_max
    assert len(plots.blit._ANATOMY_BLITS._entries) == 1  # the curves did not evict it
    for mid in model.muscle_ids[: anatomy_max + 2]:
        plots.anatomy_png(model, [mid], 10.0, width_in=3, dpi=40)
    assert len(plots.blit._ANATOMY_BLITS._entries) == anatomy_max
    # an evicted background is rebuilt on demand and gives the same picture
    assert plots.anatomy_png(model, ["piriformis"], 10.0, width_in=3, dpi=40) == first


def test_a_failed_drawing_leaves_nothing_in_the_cache(model):
    """A bad request must not push good backgrounds out, nor leave parts on a kept Figure."""
    cache = plots.blit._BlitCache(max_entries=2)
    calls = {"moving": 0}

    def build():
        fig = Figure(figsize=(2, 2))
        return fig, {"a": fig.add_subplot()}

    def moving(fig, axes, fail=False):
        calls["moving"] += 1
        line, = axes["a"].plot([0, 1], [0, 1])
        if fail:
            raise ValueError("flexion: broken on purpose")
        return [line]

    good = cache.png("good", build, moving, 40)
    for i in range(3):
        with pytest.raises(ValueError):
            cache.png(f"bad{i}", lambda: (_ for _ in ()).throw(ValueError("layout: bad")), moving, 40)
    assert list(cache._entries) == ["good"]  # the failed builds left no entries behind
    with pytest.raises(ValueError):
        cache.png("good", build, lambda fig, axes: moving(fig, axes, fail=True), 40)
    assert "good" not in cache._entries  # its Figure had a stray line on it: dropped, rebuilt next time
    assert cache.png("good", build, moving, 40) == good
