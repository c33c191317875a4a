"""The rotation lever: its 3-D length is the rotation moment arm, for every muscle.

Checked against the geometric moment arm (mechanics.moment_arms_m), against the
independent length-excursion moment arm -dL/dq (mechanics.moment_arms_numeric_m), and
against the closed-form piriformis values in shared/reference/hip_geometry.md.
"""

from __future__ import annotations

import numpy as np
import pytest

from hipmodel.kinematics import PoseError, joint_axes
from hipmodel.lever import crossing_segment, rotation_lever
from hipmodel.mechanics import moment_arms_m, moment_arms_numeric_m, path_points_m
from hipmodel.model import available_model_ids, load_model

# flexion -20..120, adduction -30..30, rotation -45..45
GRID = np.meshgrid(np.arange(-20.0, 121.0, 10.0), np.arange(-30.0, 31.0, 15.0), np.arange(-45.0, 46.0, 15.0),
                   indexing="ij")
CASES = [(mid, mu.id) for mid in available_model_ids() for mu in load_model(mid).muscles]


def _norm(v):
    return np.sqrt(np.einsum("...i,...i->...", v, v))


@pytest.mark.parametrize("model_id,muscle_id", CASES)
def test_lever_length_is_the_rotation_moment_arm(model_id, muscle_id):
    model = load_model(model_id)
    mu = model.muscle(muscle_id)
    lv = rotation_lever(model, mu, *GRID)
    assert lv.foot_m.shape == GRID[0].shape + (3,)
    length_mm = _norm(lv.tip_m - lv.foot_m) * 1000.0
    geometric = moment_arms_m(model, mu, *GRID)[..., 2] * 1000.0
    numeric = moment_arms_numeric_m(model, mu, *GRID)[..., 2] * 1000.0
    np.testing.assert_allclose(lv.moment_arm_mm, geometric, atol=1e-9)
    np.testing.assert_allclose(length_mm, np.abs(geometric), atol=0.01)
    np.testing.assert_allclose(length_mm, np.abs(numeric), atol=0.01)


@pytest.mark.parametrize("model_id,muscle_id", CASES)
def test_lever_geometry(model_id, muscle_id):
    model = load_model(model_id)
    mu = model.muscle(muscle_id)
    lv = rotation_lever(model, mu, *GRID)
    hip = model.hip_centre
    a = joint_axes(*GRID)[..., 2, :]
    pts = path_points_m(model, mu, *GRID)
    fem, pel = crossing_segment(mu)
    p, q = pts[..., fem, :], pts[..., pel, :]
    f = (q - p) / _norm(q - p)[..., None]
    # the foot lies on the rotation axis through the hip centre
    v = lv.foot_m - hip
    assert np.max(_norm(v - np.einsum("...i,...i->...", v, a)[..., None] * a)) < 1e-9
    # reach lies on the line of pull
    u = lv.reach_m - p
    assert np.max(_norm(u - np.einsum("...i,...i->...", u, f)[..., None] * f)) < 1e-9
    # the common perpendicular is perpendicular to both lines
    d = lv.reach_m - lv.foot_m
    assert np.max(np.abs(np.einsum("...i,...i->...", d, a))) < 1e-12
    assert np.max(np.abs(np.einsum("...i,...i->...", d, f))) < 1e-12
    np.testing.assert_allclose(_norm(d) * 1000.0, lv.shortest_distance_mm, atol=1e-9)
    # ... and it is the shortest: no pair of points on the two lines is closer
    s = np.linspace(-0.3, 0.3, 61)
    sample = (hip + s[:, None, None] * a.reshape(-1, 3)[None])[:, None] - (p.reshape(-1, 3) + s[:, None, None] * f.reshape(-1, 3))[None]
    assert np.all(_norm(sample).min(axis=(0, 1)) * 1000.0 >= lv.shortest_distance_mm.ravel() - 1e-9)
    # the tip lies on the common perpendicular, between foot and reach; |MA| = D sin(theta)
    t = lv.tip_m - lv.foot_m
    assert np.max(_norm(np.cross(t, d))) < 1e-12
    assert np.all(np.einsum("...i,...i->...", t, d) >= -1e-15)
    np.testing.assert_allclose(np.abs(lv.moment_arm_mm),
                               lv.shortest_distance_mm * np.sin(np.radians(lv.angle_deg)), atol=1e-9)
    assert np.all((lv.angle_deg >= 0) & (lv.angle_deg <= 90))


def test_gait2392_piriformis_closed_form():
    """hip_geometry.md: standing D = 34.0 mm at 59 deg, MA 29.2 mm; 90 deg flexion D = 17.4, MA = 14.7."""
    model = load_model("gait2392")
    lv = rotation_lever(model, model.muscle("piriformis"), [0.0, 90.0])
    assert np.round(lv.shortest_distance_mm, 1).tolist() == [34.0, 17.4]
    assert round(float(lv.angle_deg[0])) == 59
    assert np.round(lv.moment_arm_mm, 1).tolist() == [-29.2, 14.7]
    np.testing.assert_allclose(_norm(lv.tip_m - lv.foot_m) * 1000.0, [29.17, 14.68], atol=0.01)


def test_reference_table_both_models():
    """OpenSim 4.6 values from hip_geometry.md (0, 30, 60, 90, 120 deg flexion)."""
    ref = {"gait2392": [-29.17, -14.47, 1.42, 14.68, 22.87], "rajagopal2016": [-26.39, -10.24, 5.92, 18.52, 25.38]}
    for mid, want in ref.items():
        model = load_model(mid)
        lv = rotation_lever(model, model.muscle("piriformis"), [0, 30, 60, 90, 120])
        np.testing.assert_allclose(lv.moment_arm_mm, want, atol=0.011)


def test_parallel_and_intersecting_lines_give_zero_without_nan(make_model):
    # pull along the femur's long axis (parallel to the rotation axis at zero pose)
    par = make_model({"par": [("pelvis", (0.03, 0.10, 0.02)), ("femur", (0.03, -0.10, 0.02))]})
    # line of pull in the plane z = 0 with the axis (the lines intersect at any flexion)
    cut = make_model({"cut": [("pelvis", (-0.05, 0.02, 0.0)), ("femur", (0.04, -0.01, 0.0))]})
    for model, flexion in ((par, [0.0]), (cut, [0.0, 40.0, 100.0])):
        lv = rotation_lever(model, model.muscles[0], flexion)
        for arr in (lv.foot_m, lv.tip_m, lv.reach_m, lv.moment_arm_mm, lv.shortest_distance_mm, lv.angle_deg):
            assert np.all(np.isfinite(arr))
        np.testing.assert_allclose(lv.moment_arm_mm, 0.0, atol=1e-12)
        np.testing.assert_allclose(lv.tip_m, lv.foot_m, atol=1e-15)
    lv = rotation_lever(par, par.muscles[0], 0.0)
    assert float(lv.angle_deg) == 0.0
    np.testing.assert_allclose(lv.shortest_distance_mm, np.hypot(30.0, 20.0), atol=1e-9)
    lv = rotation_lever(cut, cut.muscles[0], 0.0)
    np.testing.assert_allclose(lv.shortest_distance_mm, 0.0, atol=1e-9)


def test_scalar_pose_gives_scalar_shapes_and_read_only_arrays():
    model = load_model("gait2392")
    lv = rotation_lever(model, model.muscle("piriformis"), 45.0, 10.0, -5.0)
    assert lv.foot_m.shape == (3,) and lv.moment_arm_mm.shape == ()
    with pytest.raises(ValueError):
        lv.tip_m[0] = 1.0


def test_bad_pose_and_double_crossing_are_refused(make_model):
    model = load_model("gait2392")
    with pytest.raises(PoseError):
        rotation_lever(model, model.muscle("piriformis"), float("nan"))
    twice = make_model({"twice": [("pelvis", (-0.05, 0.02, 0.03)), ("femur", (-0.02, -0.01, 0.05)),
                                  ("pelvis", (-0.03, -0.06, 0.03))]})
    with pytest.raises(ValueError, match="crosses the hip 2 times"):
        rotation_lever(twice, twice.muscles[0], 0.0)
