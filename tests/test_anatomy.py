"""The anatomy scene: geometry checked against the model and closed forms."""

import numpy as np
import pytest

import hipmodel as hm
from hipmodel.anatomy import anatomy_scene, common_perpendicular


def test_common_perpendicular_closed_form():
    # x axis and a line parallel to y through (0, 0, 5): closest points (0,0,0) and (0,0,5)
    pq = common_perpendicular([0, 0, 0], [1, 0, 0], [0, 3, 5], [0, 1, 0])
    assert np.allclose(pq, [[0, 0, 0], [0, 0, 5]])
    assert common_perpendicular([0, 0, 0], [1, 0, 0], [0, 1, 0], [2, 0, 0]) is None  # parallel


@pytest.mark.parametrize("model_id", ["gait2392", "rajagopal2016", "tlem2", "dostal1981"])
@pytest.mark.parametrize("pose", [(0, 0, 0), (57, 0, 0), (90, 20, -30), (-15, -25, 40)])
def test_drawn_lever_matches_the_moment_arm(model_id, pose):
    """|moment arm| = distance between the axis and the line of pull x sin(angle between them)."""
    model = hm.load_model(model_id)
    sc = anatomy_scene(model, ["piriformis"], *pose)
    m = sc.muscles[0]
    p, q = m.perpendicular_mm
    u = hm.joint_axes(*pose)[2]
    pts = m.points_mm
    f = pts[-2] - pts[-1]
    f /= np.linalg.norm(f)
    expected = np.linalg.norm(q - p) * np.sqrt(1 - (u @ f) ** 2)
    assert abs(abs(m.moment_arms_mm[2]) - expected) < 1e-9
    # the foot points lie on the axis and on the line of pull, and the segment is perpendicular to both
    assert np.allclose(np.cross(p, u), 0, atol=1e-9)
    assert abs((q - p) @ u) < 1e-9 and abs((q - p) @ f) < 1e-9


def test_femur_moves_with_the_pose_and_pelvis_does_not():
    model = hm.load_model()
    a = anatomy_scene(model, ["piriformis"], 0)
    b = anatomy_scene(model, ["piriformis"], 90)
    assert np.allclose(a.pelvis_right_mm, b.pelvis_right_mm)
    # the knee swings forward (+x) by the femur length at 90 deg flexion
    knee = np.array(model.knee_centre_m) * 1000
    assert np.allclose(b.femur_mm["knee"], [-knee[1], knee[0], knee[2]], atol=1e-9)
    # the rotation axis is the femur's long axis: it runs through the head and the knee line
    assert np.allclose(np.cross(b.rotation_axis_mm[1] - b.rotation_axis_mm[0], [1, 0, 0]), 0, atol=1e-9)


def test_pelvis_mirror_is_symmetric_about_the_midline():
    sc = anatomy_scene(hm.load_model(), ["piriformis"], 0)
    mid = sc.midline_z_mm
    assert np.allclose(sc.pelvis_left_mm[:, 2] - mid, -(sc.pelvis_right_mm[:, 2] - mid))
    assert np.isclose(mid, -83.5)  # Gait2392: ASIS midpoint z = 0, hip centre z = 83.5 mm


def test_models_without_landmarks_say_the_outline_is_borrowed():
    assert anatomy_scene(hm.load_model("tlem2"), ["piriformis"], 0).notes
    assert not anatomy_scene(hm.load_model("gait2392"), ["piriformis"], 0).notes
