"""The anatomy scene and its picture: the lever drawn to length, bones in place, labels clear.

Checked against the moment arm of mechanics (both methods), the joint's own axis, and the
drawn figure's own text boxes (measured by the renderer, not estimated).
"""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import hipmodel as hm
from hipmodel import plots
from hipmodel.anatomy import anatomy_scene
from hipmodel.mechanics import moment_arms_numeric_m

MODELS = ["gait2392", "rajagopal2016", "tlem2", "dostal1981"]
POSES = [(f, a, r) for f in (-20, 0, 57, 90, 120) for a in (-30, 0, 30) for r in (-45, 0, 45)]


@pytest.mark.parametrize("model_id", MODELS)
def test_drawn_lever_is_the_moment_arm_and_stands_on_the_axis(model_id):
    """For every muscle at every pose: |lever| = |rotation moment arm| (0.01 mm), foot on the axis."""
    model = hm.load_model(model_id)
    for pose in POSES:
        sc = anatomy_scene(model, model.muscle_ids, *pose, with_bones=False)
        u = hm.joint_axes(*pose)[2]
        for m in sc.muscles:
            ma = float(hm.moment_arms_m(model, model.muscle(m.id), *pose)[2]) * 1000
            ma_numeric = float(moment_arms_numeric_m(model, model.muscle(m.id), *pose)[2]) * 1000
            length = np.linalg.norm(m.lever_mm[1] - m.lever_mm[0])
            assert abs(length - abs(ma)) < 0.01 and abs(length - abs(ma_numeric)) < 0.01, (m.id, pose)
            # the foot lies on the axis through the hip centre (the scene's origin)
            assert np.linalg.norm(np.cross(m.lever_mm[0], u)) < 1e-6, (m.id, pose)


def test_lever_closed_form_gait2392_piriformis():
    """hip_geometry.md: standing 34.0 mm at 59 deg -> 29.2 mm; at 90 deg flexion 17.4 mm -> 14.7 mm."""
    model = hm.load_model()
    m0 = anatomy_scene(model, ["piriformis"], 0.0).muscles[0]
    m90 = anatomy_scene(model, ["piriformis"], 90.0).muscles[0]
    assert round(m0.shortest_distance_mm, 1) == 34.0 and round(m0.angle_deg) == 59
    assert abs(np.linalg.norm(np.diff(m0.lever_mm, axis=0)) - 29.17) < 0.01
    assert m0.shortest_distance_mm * np.sin(np.deg2rad(m0.angle_deg)) == pytest.approx(29.17, abs=0.01)
    assert round(m90.shortest_distance_mm, 1) == 17.4 and abs(m90.rotation_moment_arm_mm - 14.68) < 0.01
    # the dotted rest reaches the line of pull: the whole perpendicular is D long
    assert np.linalg.norm(m0.reach_mm - m0.lever_mm[0]) == pytest.approx(m0.shortest_distance_mm, abs=1e-6)


def test_femur_bones_move_with_the_pose_and_the_pelvis_does_not():
    model = hm.load_model()
    a = {b.name: b.vertices_m for b in anatomy_scene(model, ["piriformis"], 0).bones}
    b = {b.name: b.vertices_m for b in anatomy_scene(model, ["piriformis"], 90).bones}
    assert np.array_equal(a["pelvis_r"], b["pelvis_r"]) and np.array_equal(a["sacrum"], b["sacrum"])
    # at 90 deg flexion the femur turns about z through the hip centre: (x, y) -> (-y, x)
    rel0, rel90 = a["femur_r"] - model.hip_centre, b["femur_r"] - model.hip_centre
    assert np.allclose(rel90, np.column_stack([-rel0[:, 1], rel0[:, 0], rel0[:, 2]]), atol=1e-12)


def test_borrowed_and_missing_bones_are_said(monkeypatch, tmp_path):
    assert "borrowed from Gait2392" in anatomy_scene(hm.load_model("tlem2"), ["piriformis"], 0).notes[0]
    assert not anatomy_scene(hm.load_model("gait2392"), ["piriformis"], 0).notes
    import hipmodel.bones as bones

    monkeypatch.setattr(bones, "MESH_DIR", tmp_path)  # no mesh files at all
    (tmp_path / "gait2392.json").write_text("{broken")
    sc = anatomy_scene(hm.load_model("gait2392"), ["piriformis"], 30)
    assert sc.bones is None and "gait2392.json" in sc.notes[0] and "sketch" in sc.notes[0]
    fig = plots.anatomy_figure(hm.load_model("gait2392"), ["piriformis"], 30)  # still drawn
    assert any("gait2392.json" in t.get_text() for t in fig.texts)


def _label_boxes(fig):
    FigureCanvasAgg(fig).draw()
    r = fig.canvas.get_renderer()
    out = {}
    for ax in fig.axes:
        for t in ax.texts:
            if t.get_text() in hm.anatomy.LANDMARK_NAMES:
                out[(ax.get_title(loc="left"), t.get_text())] = (ax, t.get_bbox_patch().get_window_extent(r)
                                                                 if t.get_bbox_patch() else t.get_window_extent(r))
    return out


@pytest.mark.parametrize("model_id", ["gait2392", "rajagopal2016"])
@pytest.mark.parametrize("flexion", [0, 60, 90, 120])
@pytest.mark.parametrize("view", list(plots.VIEWS))
def test_labels_overlap_neither_each_other_nor_the_levers(model_id, flexion, view):
    model = hm.load_model(model_id)
    views = (view,) + tuple(v for v in plots.VIEWS if v != view)  # this view large, labelled
    fig = plots.anatomy_figure(model, ["piriformis", model.muscle_ids[-1]], flexion, views=views,
                               nerve_type="B" if view == "posterior" else None)
    boxes = _label_boxes(fig)
    assert len(boxes) == len(plots.anatomy.VIEW_LABELS[view])
    items = list(boxes.items())
    for i, ((view, name), (ax, bb)) in enumerate(items):
        for (view2, name2), (ax2, bb2) in items[i + 1:]:
            if ax is ax2:
                assert not bb.overlaps(bb2), (view, name, name2)
        # no label covers a lever (thick bars in an action colour) or a muscle (lines in the muscle colours)
        for line in ax.get_lines():
            lever = line.get_linewidth() >= 3.0 and line.get_color() in (plots.EXTERNAL_COLOUR,
                                                                          plots.INTERNAL_COLOUR, "#888888")
            muscle = line.get_linewidth() >= 2.0 and line.get_color() in plots.PALETTE[:2] and line.get_marker() in (
                "None", "", None)
            if lever or muscle:
                xy = ax.transData.transform(np.column_stack(line.get_data()))
                seg = np.vstack([xy] + [np.linspace(a, b, 50) for a, b in zip(xy[:-1], xy[1:])])
                inside = (seg[:, 0] > bb.x0) & (seg[:, 0] < bb.x1) & (seg[:, 1] > bb.y0) & (seg[:, 1] < bb.y1)
                assert not inside.any(), (view, name, "lever" if lever else "muscle")


def test_almost_no_lever_is_grey_and_named_so():
    model = hm.load_model()
    # find a pose where the piriformis lever is under 1 mm: at its switch angle
    sw = hm.sign_change_angles(model, model.muscle("piriformis"))[0].flexion_deg
    fig = plots.anatomy_figure(model, ["piriformis"], round(sw, 1))
    assert "almost no rotation lever" in fig.texts[-1].get_text() or any(
        "almost no rotation lever" in t.get_text() for t in fig.texts)
    colours = {ln.get_color() for ln in fig.axes[0].get_lines() if ln.get_linewidth() >= 3.0}
    assert "#888888" in colours and plots.EXTERNAL_COLOUR not in colours and plots.INTERNAL_COLOUR not in colours


def test_the_caption_says_borrowed_bones_once():
    for mid in ("tlem2", "dostal1981"):
        text = anatomy_scene(hm.load_model(mid), ["piriformis"], 90.0).caption_text()
        assert text.lower().count("borrowed") == 1, text
    own = anatomy_scene(hm.load_model("gait2392"), ["piriformis"], 90.0).caption_text()
    assert "borrowed" not in own and "Gait2392" in own
