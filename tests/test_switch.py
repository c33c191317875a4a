"""Where the rotation moment arm changes sign (the piriformis 'switch').

Checked against closed forms from hand-made models, the OpenSim reference angles
(hip_geometry.md) and the derived claims of literature.md.
"""

import math

import numpy as np
import pytest

from hipmodel.kinematics import PoseError
from hipmodel.mechanics import moment_arms_m
from hipmodel.model import load_model
from hipmodel.switch import Switch, sign_change_angles, switch_angle_map


def rotation_ma_mm(model, muscle, flexion, adduction=0.0, rotation=0.0):
    return float(moment_arms_m(model, muscle, flexion, adduction, rotation)[2]) * 1000.0


# --- reference and literature angles --------------------------------------------------

@pytest.mark.parametrize(
    "model_id, muscle, expected, tol",
    [
        ("gait2392", "peri_r", 57.19, 0.05),  # OpenSim 4.6, hip_geometry.md
        ("rajagopal2016", "piri_r", 48.52, 0.05),  # OpenSim 4.6, hip_geometry.md
        ("dostal1981", "piriformis", 55.0, 1.5),  # "near 55 deg", hip_geometry.md
        ("tlem2", "piriformis", 49.5, 1.5),  # "near 49 deg" / 49-50, hip_geometry.md and literature.md
    ],
)
def test_piriformis_switch_at_neutral_pose(model_id, muscle, expected, tol):
    model = load_model(model_id)
    found = sign_change_angles(model, model.muscle(muscle))
    assert len(found) == 1
    assert found[0].flexion_deg == pytest.approx(expected, abs=tol)
    assert found[0].direction == "external to internal"


@pytest.mark.parametrize("adduction, rotation, expected", [(-20.0, -30.0, 47.0), (20.0, -30.0, 90.0)])
def test_gait2392_switch_moves_with_the_rest_of_the_pose(gait, adduction, rotation, expected):
    """literature.md (DERIVED): about 47 deg with 30 deg external rotation and 20 deg
    abduction, about 90 deg with 30 deg external rotation and 20 deg adduction."""
    found = sign_change_angles(gait, gait.muscle("piriformis"), adduction, rotation)
    assert [s.direction for s in found] == ["external to internal"]
    assert found[0].flexion_deg == pytest.approx(expected, abs=1.0)


@pytest.mark.parametrize("model_id", ["dostal1981", "gait2392", "rajagopal2016", "tlem2"])
@pytest.mark.parametrize("adduction, rotation", [(0.0, 0.0), (-20.0, -30.0), (20.0, -30.0), (10.0, 30.0)])
def test_returned_angle_is_a_refined_root(model_id, adduction, rotation):
    model = load_model(model_id)
    mu = model.muscle("piriformis")
    for s in sign_change_angles(model, mu, adduction, rotation):
        at = rotation_ma_mm(model, mu, s.flexion_deg, adduction, rotation)
        before = rotation_ma_mm(model, mu, s.flexion_deg - 0.01, adduction, rotation)
        after = rotation_ma_mm(model, mu, s.flexion_deg + 0.01, adduction, rotation)
        assert abs(at) < 1e-4  # mm; the moment arm moves ~0.5 mm per degree here
        assert before < 0 < after if s.direction == "external to internal" else after < 0 < before


def test_switch_prints_two_decimals():
    assert str(Switch(57.194039, "external to internal")) == "57.19 deg (external to internal)"


# --- closed forms ------------------------------------------------------------------------

def line_model(make_model, ox, oy, c=0.04, c_pelvis=0.02):
    """Femur point on the flexion axis (0, 0, c), so flexion does not move it; pelvis
    point (ox, oy, c_pelvis). The rotation moment arm is c (u_x cos f + u_y sin f) with
    u the unit pull, so it is zero where tan f = -ox / oy."""
    model = make_model({"m": [("pelvis", (ox, oy, c_pelvis)), ("femur", (0.0, 0.0, c))]})
    return model, model.muscle("m")


@pytest.mark.parametrize("root_deg", [30.0, 45.0, 57.19, 80.0, 100.0])
def test_switch_matches_closed_form_root(make_model, root_deg):
    t = math.radians(root_deg)
    model, mu = line_model(make_model, ox=-0.05 * math.sin(t), oy=0.05 * math.cos(t))
    found = sign_change_angles(model, mu)
    assert len(found) == 1 and found[0].direction == "external to internal"
    assert found[0].flexion_deg == pytest.approx(root_deg, abs=1e-5)


def test_both_roots_over_a_full_turn_with_directions(make_model):
    model, mu = line_model(make_model, ox=-0.05, oy=0.05)  # zero at 45 and -135 deg
    found = sign_change_angles(model, mu, start_deg=-180.0, stop_deg=180.0)
    assert [s.direction for s in found] == ["internal to external", "external to internal"]
    np.testing.assert_allclose([s.flexion_deg for s in found], [-135.0, 45.0], atol=1e-5)
    # the map reports the first external-to-internal switch only
    m = switch_angle_map(model, mu, [0.0], [0.0], start_deg=-180.0, stop_deg=180.0)
    np.testing.assert_allclose(m, [[45.0]], atol=2e-3)


def test_flexion_axis_switches_of_a_sagittal_line(make_model):
    # vertical line 5 cm in front of the centre, ends 10 cm above and below it: the flexion
    # moment arm is ((h^2 - d^2) sin t + 2 d h cos t) / L, zero at t = -2 atan(d/h) and 180 deg later
    d, h = 0.05, 0.10
    model = make_model({"m": [("pelvis", (d, h, 0.0)), ("femur", (d, -h, 0.0))]})
    found = sign_change_angles(model, model.muscle("m"), start_deg=-90.0, stop_deg=150.0, axis="flexion")
    root = -2 * math.degrees(math.atan(d / h))
    np.testing.assert_allclose([s.flexion_deg for s in found], [root, root + 180.0], atol=1e-5)
    assert [s.direction for s in found] == ["extensor to flexor", "flexor to extensor"]
    # a sagittal line has no rotation leverage at all: no switch, not a spurious one
    assert sign_change_angles(model, model.muscle("m"), start_deg=-90.0, stop_deg=150.0) == []


# --- no switch and ranges ending at a root ------------------------------------------------

def test_no_switch_is_an_empty_list(gait):
    piri = gait.muscle("piriformis")
    assert sign_change_angles(gait, piri, start_deg=0.0, stop_deg=40.0) == []
    assert sign_change_angles(gait, piri, start_deg=60.0, stop_deg=120.0) == []
    assert sign_change_angles(gait, gait.muscle("gluteus_medius_1")) == []
    assert sign_change_angles(gait, piri, axis="adduction") == []  # an abductor throughout


def test_range_edges_just_either_side_of_a_root(gait):
    piri = gait.muscle("piriformis")
    root = sign_change_angles(gait, piri)[0].flexion_deg
    assert sign_change_angles(gait, piri, start_deg=root + 0.01) == []
    assert sign_change_angles(gait, piri, stop_deg=root - 0.01) == []
    near = sign_change_angles(gait, piri, start_deg=root - 0.01, stop_deg=root + 0.01)
    assert len(near) == 1 and near[0].flexion_deg == pytest.approx(root, abs=1e-6)


@pytest.mark.parametrize(
    "start, stop",
    [(0.0, 60.0), (-30.0, 0.0), (-30.0, 30.0), (0.0, 0.3)],
    ids=["begins at the root", "ends at the root", "root on an inner grid point", "short range from the root"],
)
def test_an_exact_zero_at_a_range_end_or_grid_point_counts_once(make_model, start, stop):
    model, mu = line_model(make_model, ox=0.0, oy=0.05)  # moment arm c u_y sin f: exactly 0 at 0 deg
    assert rotation_ma_mm(model, mu, 0.0) == 0.0
    found = sign_change_angles(model, mu, start_deg=start, stop_deg=stop)
    assert len(found) == 1
    assert found[0].flexion_deg == pytest.approx(0.0, abs=1e-6)
    assert start <= found[0].flexion_deg <= stop
    assert found[0].direction == "external to internal"


def test_a_zero_that_is_not_a_crossing_is_not_a_switch(make_model):
    # a line through the centre at every flexion: femur point on the flexion axis, pelvis point on it too
    model = make_model({"m": [("pelvis", (0.0, 0.0, -0.05)), ("femur", (0.0, 0.0, 0.04))]})
    assert sign_change_angles(model, model.muscle("m"), start_deg=0.0, stop_deg=90.0) == []


# --- the map ------------------------------------------------------------------------------

def test_switch_angle_map_agrees_with_sign_change_angles(gait):
    piri = gait.muscle("piriformis")
    add = np.array([-20.0, 0.0, 20.0])
    rot = np.array([-30.0, 0.0, 30.0, 45.0])
    m = switch_angle_map(gait, piri, add, rot, stop_deg=60.0)
    assert m.shape == (3, 4)
    for i, a in enumerate(add):
        for j, r in enumerate(rot):
            up = [s.flexion_deg for s in sign_change_angles(gait, piri, a, r, stop_deg=60.0)
                  if s.direction == "external to internal"]
            if up:
                assert m[i, j] == pytest.approx(up[0], abs=2e-3), (a, r)
            else:
                assert np.isnan(m[i, j]), (a, r)
    assert np.isnan(m).any() and np.isfinite(m).any()  # both kinds of cell are exercised


# --- bad arguments ----------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs, error, field",
    [
        ({"start_deg": 50.0, "stop_deg": 50.0}, ValueError, "stop"),
        ({"start_deg": 60.0, "stop_deg": 10.0}, ValueError, "stop"),
        ({"start_deg": float("nan")}, PoseError, "start"),
        ({"stop_deg": 200.0}, PoseError, "stop"),
        ({"adduction_deg": float("inf")}, PoseError, "adduction"),
        ({"rotation_deg": "x"}, PoseError, "rotation"),
        ({"axis": "abduction"}, ValueError, "axis"),
        ({"grid_step_deg": 0.0}, ValueError, "grid_step_deg"),
        ({"grid_step_deg": -1.0}, ValueError, "grid_step_deg"),
        ({"grid_step_deg": float("nan")}, ValueError, "grid_step_deg"),
    ],
)
def test_bad_arguments_name_the_field(gait, kwargs, error, field):
    with pytest.raises(error) as info:
        sign_change_angles(gait, gait.muscle("piriformis"), **kwargs)
    assert str(info.value).startswith(f"{field}:")
