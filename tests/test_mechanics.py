"""Path points, length and moment arms.

Every expected number here comes from hand geometry, the published reference values
(hip_geometry.md, from OpenSim 4.6) or a second, independent method; none is copied
from this code's own output.
"""

import math

import numpy as np
from hipmodel.model import ModelDataError
import pytest
from hypothesis import given
from hypothesis import strategies as st

import hipmodel
from hipmodel.kinematics import PoseError, rotation_matrix
from hipmodel.words import action_in_words
from hipmodel.mechanics import (
    curves,
    curves_for_muscles,
    moment_arms_m,
    moment_arms_numeric_m,
    muscle_length_m,
    path_points_m,
)
from hipmodel.model import available_model_ids, load_model

from conftest import BUNDLED_IDS, GAIT2392_HIP, GAIT2392_PATHS, hand_length_mm, hand_moment_arm_mm

HIP_G2392 = (-0.0707, -0.0661, 0.0835)  # hip_geometry.md, pelvis frame


def ma_mm(model, name, *pose):
    return moment_arms_m(model, model.muscle(name), *pose) * 1000.0


# --- the two methods agree everywhere --------------------------------------------------

def test_bundled_models_are_the_four_published_geometries():
    assert tuple(available_model_ids()) == BUNDLED_IDS


@pytest.mark.parametrize("model_id", BUNDLED_IDS)
def test_geometric_and_length_excursion_moment_arms_agree_on_every_muscle(model_id):
    model = load_model(model_id)
    f = np.arange(-20.0, 121.0, 10.0)[:, None, None]
    a = np.arange(-30.0, 31.0, 10.0)[None, :, None]
    r = np.arange(-45.0, 46.0, 15.0)[None, None, :]
    for muscle in model.muscles:
        geometric = moment_arms_m(model, muscle, f, a, r)
        numeric = moment_arms_numeric_m(model, muscle, f, a, r)
        assert geometric.shape == numeric.shape == (15, 7, 7, 3)
        worst_mm = np.max(np.abs(geometric - numeric)) * 1000.0
        assert worst_mm < 1e-6, f"{model_id}/{muscle.id}: methods differ by {worst_mm:.2e} mm"
        assert np.max(np.abs(geometric)) > 1e-3, "a muscle with no leverage anywhere would make this test empty"


@given(
    pelvis=st.lists(st.floats(-0.15, 0.15), min_size=3, max_size=3),
    femur=st.lists(st.floats(-0.15, 0.15), min_size=3, max_size=3),
    pose=st.tuples(st.floats(-170, 170), st.floats(-170, 170), st.floats(-170, 170)),
)
def test_methods_agree_for_arbitrary_straight_lines(make_model, pelvis, femur, pose):
    try:
        model = make_model({"m": [("pelvis", pelvis), ("femur", femur)]}, hip_pelvis=HIP_G2392)
    except ModelDataError as e:  # a point at the hip centre, or ends that meet in the joint range
        assert "from the hip centre" in str(e) or "crosses the hip" in str(e), e
        return
    muscle = model.muscle("m")
    hip = np.array(HIP_G2392)
    gap = np.linalg.norm(np.array(pelvis) - hip - rotation_matrix(*pose) @ femur)
    if gap < 0.01:  # the derivative of |x| blows up as the two ends meet
        return
    g = moment_arms_m(model, muscle, *pose)
    n = moment_arms_numeric_m(model, muscle, *pose)
    np.testing.assert_allclose(g, n, atol=1e-10)


# --- closed forms from small hand-made models -----------------------------------------

D, H = 0.05, 0.10  # a sagittal flexor: vertical line 5 cm in front of the hip, 20 cm long
SAGITTAL = {"flexor": [("pelvis", (D, H, 0.0)), ("femur", (D, -H, 0.0))]}


def test_sagittal_flexor_at_zero_and_ninety_degrees(make_model):
    model = make_model(SAGITTAL)
    # at 0 deg the line x = d runs at perpendicular distance d in front of the centre: a flexor
    np.testing.assert_allclose(ma_mm(model, "flexor", 0.0), [D * 1000, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(muscle_length_m(model, model.muscle("flexor"), 0.0), 2 * H, rtol=1e-15)
    # at 90 deg the femur point (d, -h) has turned to (h, d): the line x + y = d + h,
    # whose distance from the centre is (d + h)/sqrt(2); the length is sqrt(2) |h - d|
    np.testing.assert_allclose(ma_mm(model, "flexor", 90.0), [(D + H) / math.sqrt(2) * 1000, 0, 0], atol=1e-12)
    np.testing.assert_allclose(muscle_length_m(model, model.muscle("flexor"), 90.0), math.sqrt(2) * (H - D), rtol=1e-14)


def test_sagittal_flexor_over_a_sweep_matches_law_of_cosines(make_model):
    model = make_model(SAGITTAL)
    theta = np.radians(np.arange(-20.0, 121.0, 2.5))
    o, p = np.array([D, H]), np.array([D, -H])
    # L^2 = |o|^2 + |p|^2 - 2 o . Rz(t) p, so -dL/dt = o . (dRz/dt p) / L
    rp = np.stack([p[0] * np.cos(theta) - p[1] * np.sin(theta), p[0] * np.sin(theta) + p[1] * np.cos(theta)], -1)
    drp = np.stack([-p[0] * np.sin(theta) - p[1] * np.cos(theta), p[0] * np.cos(theta) - p[1] * np.sin(theta)], -1)
    length = np.sqrt(o @ o + p @ p - 2 * rp @ o)
    c = curves(model, model.muscle("flexor"), np.degrees(theta))
    np.testing.assert_allclose(c.length_mm, length * 1000, rtol=1e-13)
    np.testing.assert_allclose(c.flexion_moment_arm_mm, (drp @ o) / length * 1000, atol=1e-10)
    # a line in the sagittal plane has no leverage about the other two axes
    np.testing.assert_allclose(c.adduction_moment_arm_mm, 0.0, atol=1e-12)
    np.testing.assert_allclose(c.rotation_moment_arm_mm, 0.0, atol=1e-12)


def test_frontal_plane_abductor_has_negative_adduction_moment_arm(make_model):
    c = 0.06  # 6 cm lateral of the centre, pulling straight up: an abductor
    model = make_model({"abd": [("pelvis", (0.0, 0.10, c)), ("femur", (0.0, -0.05, c))]})
    np.testing.assert_allclose(ma_mm(model, "abd", 0.0), [0.0, -c * 1000, 0.0], atol=1e-12)


@pytest.mark.parametrize("front, expected_sign", [(+1, +1), (-1, -1)])
def test_horizontal_line_to_the_midline_rotates_by_its_lever(make_model, front, expected_sign):
    a, m = 0.04, 0.08  # femur point 4 cm in front of (or behind) the centre, pulled 8 cm medially
    model = make_model({"rot": [("pelvis", (front * a, 0.0, -m)), ("femur", (front * a, 0.0, 0.0))]})
    # anterior pull medially = internal rotator (+); posterior = external rotator (-)
    np.testing.assert_allclose(ma_mm(model, "rot", 0.0), [0.0, 0.0, expected_sign * a * 1000], atol=1e-12)
    # -dL/dq by hand: rotating by t moves the femur point's z to -front*a*sin(t)
    t = np.radians(1e-3)
    L = lambda t: math.hypot(front * a - front * a * math.cos(t), -m + front * a * math.sin(t))  # noqa: E731
    np.testing.assert_allclose(-(L(t) - L(-t)) / (2 * t) * 1000, expected_sign * a * 1000, rtol=1e-6)


POSES = [(0, 0, 0), (35, -10, 20), (90, 15, -40), (-20, 25, 45), (120, -30, -45), (60, 0, 30)]


@pytest.mark.parametrize("pose", POSES)
def test_a_line_through_the_joint_centre_has_no_moment_arm(make_model, pose):
    hip = np.array(HIP_G2392)
    femur_point = np.array([0.02, -0.03, 0.05])
    pelvis_point = hip - 1.5 * rotation_matrix(*pose) @ femur_point  # opposite side, same line
    model = make_model({"thru": [("pelvis", pelvis_point), ("femur", femur_point)]}, hip_pelvis=hip)
    mu = model.muscle("thru")
    np.testing.assert_allclose(moment_arms_m(model, mu, *pose), 0.0, atol=1e-15)
    np.testing.assert_allclose(moment_arms_numeric_m(model, mu, *pose), 0.0, atol=1e-10)
    np.testing.assert_allclose(muscle_length_m(model, mu, *pose), 2.5 * np.linalg.norm(femur_point), rtol=1e-14)


@given(
    pose=st.tuples(st.floats(-170, 170), st.floats(-170, 170), st.floats(-170, 170)),
    slide_pelvis=st.floats(-0.3, 1.0),
    slide_femur=st.floats(-0.5, 0.3),
)
def test_sliding_points_along_the_line_of_action_changes_no_moment_arm(make_model, pose, slide_pelvis, slide_femur):
    """Slides are fractions of the segment length (at least 40 % of it is left)."""
    hip = np.array(HIP_G2392)
    origin = np.array([-0.1193, -0.0276, 0.0657])  # Gait2392 piriformis, pelvis frame
    insertion = np.array([-0.0148, -0.0036, 0.0437])  # femur frame
    R = rotation_matrix(*pose)
    u = origin - (hip + R @ insertion)
    length = np.linalg.norm(u)
    u /= length
    tp, tf = slide_pelvis * length, slide_femur * length
    base = make_model({"m": [("pelvis", origin), ("femur", insertion)]}, hip_pelvis=hip)
    slid = make_model({"m": [("pelvis", origin + tp * u), ("femur", insertion + tf * R.T @ u)]}, hip_pelvis=hip)
    mb, ms = base.muscle("m"), slid.muscle("m")
    np.testing.assert_allclose(moment_arms_m(slid, ms, *pose), moment_arms_m(base, mb, *pose), atol=1e-15)
    np.testing.assert_allclose(moment_arms_numeric_m(slid, ms, *pose), moment_arms_m(base, mb, *pose), atol=1e-10)
    np.testing.assert_allclose(muscle_length_m(slid, ms, *pose), length + tp - tf, atol=1e-15)


@pytest.mark.parametrize("units, scale", [("m", 1.0), ("cm", 100.0), ("mm", 1000.0)])
@pytest.mark.parametrize(
    "pose, length_mm",
    [((0, 0, 0), 50.0), ((90, 0, 0), 10.0), ((-90, 0, 0), 70.0), ((0, 90, 0), 50.0), ((0, 0, 90), 50.0), ((0, 0, -90), 50.0)],
)
def test_length_is_the_hand_computed_distance(make_model, units, scale, pose, length_mm):
    # pelvis point 4 above the centre, femur point 3 in front: a 3-4-5 triangle at zero pose;
    # the hip centre sits off the origin in both frames so both offsets are exercised
    hip_p = np.array(HIP_G2392) * scale
    hip_f = np.array([0.0, 0.4, 0.0]) * scale
    model = make_model(
        {"m": [("pelvis", hip_p + np.array([0, 0.04, 0]) * scale), ("femur", hip_f + np.array([0.03, 0, 0]) * scale)]},
        hip_pelvis=hip_p, hip_femur=hip_f, units=units,
    )
    assert muscle_length_m(model, model.muscle("m"), *pose) * 1000 == pytest.approx(length_mm, abs=1e-9)


def test_path_points_in_the_pelvis_frame(make_model):
    hip = np.array(HIP_G2392)
    model = make_model({"m": [("pelvis", (0.01, 0.02, 0.03)), ("femur", (0.03, 0.0, 0.0))]}, hip_pelvis=hip)
    pts = path_points_m(model, model.muscle("m"), 90.0)
    np.testing.assert_allclose(pts[0], [0.01, 0.02, 0.03], atol=0)  # pelvis points stay put
    np.testing.assert_allclose(pts[1], hip + [0.0, 0.03, 0.0], atol=1e-15)  # turned 90 deg about z


def test_segments_within_one_body_add_length_but_no_moment_arm(gait, make_model):
    # Gait2392 glut_max1_r (hip_geometry.md): pelvis, pelvis, femur, femur
    p0, p1 = np.array([-0.1195, 0.0612, 0.07]), np.array([-0.1291, 0.0012, 0.0886])
    f0, f1 = np.array([-0.0457, -0.0248, 0.0392]), np.array([-0.0277, -0.0566, 0.047])
    crossing = make_model({"m": [("pelvis", p1), ("femur", f0)]}, hip_pelvis=HIP_G2392)
    f = np.arange(-20.0, 121.0, 5.0)[:, None]
    r = np.array([-45.0, 0.0, 45.0])
    full = gait.muscle("glut_max1_r")
    np.testing.assert_allclose(moment_arms_m(gait, full, f, 10.0, r), moment_arms_m(crossing, crossing.muscle("m"), f, 10.0, r), atol=1e-15)
    fixed = np.linalg.norm(p1 - p0) + np.linalg.norm(f1 - f0)
    np.testing.assert_allclose(
        muscle_length_m(gait, full, f, 10.0, r), muscle_length_m(crossing, crossing.muscle("m"), f, 10.0, r) + fixed, rtol=1e-14
    )


def test_a_path_crossing_the_joint_twice_sums_both_crossings(make_model):
    a, b, fem = (-0.10, 0.02, 0.03), (0.05, 0.03, 0.06), (0.0, -0.05, 0.04)
    twice = make_model({"m": [("pelvis", a), ("femur", fem), ("pelvis", b)]})
    one = make_model({"m": [("pelvis", a), ("femur", fem)]})
    other = make_model({"m": [("pelvis", b), ("femur", fem)]})
    pose = (np.arange(0.0, 121.0, 20.0), -15.0, 25.0)
    total = moment_arms_m(one, one.muscle("m"), *pose) + moment_arms_m(other, other.muscle("m"), *pose)
    np.testing.assert_allclose(moment_arms_m(twice, twice.muscle("m"), *pose), total, atol=1e-15)
    np.testing.assert_allclose(moment_arms_numeric_m(twice, twice.muscle("m"), *pose), total, atol=1e-10)


# --- reference values (hip_geometry.md, OpenSim 4.6) ---------------------------------

FLEXIONS = [0.0, 30.0, 60.0, 90.0, 120.0]


@pytest.mark.parametrize(
    "model_id, muscle, expected_mm",
    [
        ("gait2392", "peri_r", [-29.17, -14.47, 1.42, 14.68, 22.87]),
        ("rajagopal2016", "piri_r", [-26.39, -10.24, 5.92, 18.52, 25.38]),
    ],
)
def test_piriformis_rotation_moment_arm_matches_opensim(model_id, muscle, expected_mm):
    model = load_model(model_id)
    c = curves(model, model.muscle(muscle), FLEXIONS)
    np.testing.assert_allclose(c.rotation_moment_arm_mm, expected_mm, atol=0.01)
    num = moment_arms_numeric_m(model, model.muscle(muscle), FLEXIONS)[:, 2] * 1000
    np.testing.assert_allclose(num, expected_mm, atol=0.01)


def test_gait2392_piriformis_length_matches_opensim(gait):
    c = curves(gait, gait.muscle("peri_r"), [0.0, 90.0])
    np.testing.assert_allclose(c.length_mm, [136.3, 151.2], atol=0.05)


@pytest.mark.parametrize("model_id", BUNDLED_IDS)
def test_piriformis_matches_the_derived_literature_ranges(model_id):
    """literature.md: 26-31 mm external at 0 deg, 15-22 mm internal at 90 deg, an abductor throughout."""
    model = load_model(model_id)
    c = curves(model, model.muscle("piriformis"), np.arange(0.0, 121.0, 1.0))
    assert -31.5 < c.rotation_moment_arm_mm[0] < -25.5
    assert 14.5 < c.rotation_moment_arm_mm[90] < 22.5
    assert np.all(c.adduction_moment_arm_mm < 0)


@pytest.mark.parametrize("model_id", BUNDLED_IDS)
def test_piriformis_is_longest_in_deep_flexion_adduction_and_external_rotation(model_id):
    """literature.md section 4: longest at (near) maximal flexion, 30 deg adduction, 45 deg
    external rotation, +18 to +29 mm over standing."""
    model = load_model(model_id)
    mu = model.muscle("piriformis")
    f = np.arange(0.0, 121.0, 2.0)[:, None, None]
    a = np.arange(-30.0, 31.0, 5.0)[None, :, None]
    r = np.arange(-45.0, 46.0, 5.0)[None, None, :]
    L = muscle_length_m(model, mu, f, a, r) * 1000
    i, j, k = np.unravel_index(np.argmax(L), L.shape)
    assert f.ravel()[i] >= 110 and a.ravel()[j] == 30 and r.ravel()[k] == -45
    assert 18.0 <= L.max() - muscle_length_m(model, mu, 0.0) * 1000 < 29.5


# --- shapes and vectorisation ---------------------------------------------------------

def test_shapes_follow_the_broadcast_pose(gait):
    mu = gait.muscle("glut_max1_r")
    assert moment_arms_m(gait, mu, 10.0).shape == (3,)
    assert moment_arms_numeric_m(gait, mu, 10.0).shape == (3,)
    assert muscle_length_m(gait, mu, 10.0).shape == ()
    assert path_points_m(gait, mu, 10.0).shape == (4, 3)
    f = np.linspace(0, 120, 7)
    assert moment_arms_m(gait, mu, f).shape == (7, 3)
    assert muscle_length_m(gait, mu, f).shape == (7,)
    assert path_points_m(gait, mu, f).shape == (7, 4, 3)
    assert moment_arms_m(gait, mu, f[:, None], 0.0, np.zeros(5)).shape == (7, 5, 3)
    assert moment_arms_numeric_m(gait, mu, f[:, None], 0.0, np.zeros(5)).shape == (7, 5, 3)
    c = curves(gait, mu, f[:, None], 0.0, np.zeros(5))
    for name in ("length_mm", "flexion_moment_arm_mm", "adduction_moment_arm_mm", "rotation_moment_arm_mm",
                 "flexion_deg", "adduction_deg", "rotation_deg"):
        assert getattr(c, name).shape == (7, 5), name
    cols = c.columns()
    assert list(cols) == ["flexion_deg", "adduction_deg", "rotation_deg", "rotation_moment_arm_mm",
                          "adduction_moment_arm_mm", "flexion_moment_arm_mm", "length_mm"]
    assert all(v.shape == (35,) for v in cols.values())


def test_one_vectorised_call_equals_pose_by_pose(gait):
    mu = gait.muscle("piriformis")
    f = np.arange(-20.0, 121.0, 0.5)
    c = curves(gait, mu, f, -12.0, 17.0)
    for i in range(0, f.size, 37):
        one = curves(gait, mu, float(f[i]), -12.0, 17.0)
        assert c.rotation_moment_arm_mm[i] == pytest.approx(float(one.rotation_moment_arm_mm), abs=1e-12)
        assert c.length_mm[i] == pytest.approx(float(one.length_mm), abs=1e-12)


def test_curves_against_the_hand_written_path_of_hip_geometry_md(gait):
    """curves' lengths and moment arms against the path written out by hand from the reference file
    (conftest.hand_length_mm and its central difference), not against the functions curves calls."""
    for name in GAIT2392_PATHS:
        pelvis, femur = GAIT2392_PATHS[name]
        for f in (0.0, 30.0, 75.0, 120.0):
            c = curves(gait, gait.muscle(name), f, 5.0, -10.0)
            assert float(c.length_mm) == pytest.approx(hand_length_mm(pelvis, femur, GAIT2392_HIP, f, 5.0, -10.0), abs=1e-9)
            got = (c.flexion_moment_arm_mm, c.adduction_moment_arm_mm, c.rotation_moment_arm_mm)
            for q in range(3):
                assert float(got[q]) == pytest.approx(hand_moment_arm_mm(name, f, 5.0, -10.0, q), abs=1e-4), (name, f, q)


def test_curves_for_muscles_equals_curves_one_by_one(gait):
    f, a, r = np.arange(0.0, 121.0, 10.0)[:, None], -5.0, np.arange(-45.0, 46.0, 15.0)
    many = curves_for_muscles(gait, gait.muscles, f, a, r)
    assert [c.muscle_id for c in many] == list(gait.muscle_ids)
    for c, mu in zip(many, gait.muscles):
        one = curves(gait, mu, f, a, r)
        for col, v in one.columns().items():
            np.testing.assert_array_equal(c.columns()[col], v, err_msg=f"{mu.id} {col}")
    with pytest.raises(PoseError, match="^rotation:"):
        curves_for_muscles(gait, gait.muscles, 0.0, 0.0, 190.0)


# --- bad input ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"flexion_deg": float("nan")}, "flexion"),
        ({"flexion_deg": [0.0, np.inf]}, "flexion"),
        ({"flexion_deg": 0.0, "adduction_deg": 200.0}, "adduction"),
        ({"flexion_deg": 0.0, "rotation_deg": "left"}, "rotation"),
        ({"flexion_deg": True}, "flexion"),
        ({"flexion_deg": [0.0, -181.0]}, "flexion"),
    ],
)
@pytest.mark.parametrize("func", [curves, moment_arms_m, moment_arms_numeric_m, muscle_length_m, path_points_m])
def test_bad_angles_raise_pose_error_naming_the_field(gait, func, kwargs, field):
    with pytest.raises(PoseError) as info:
        func(gait, gait.muscle("piriformis"), **kwargs)
    assert str(info.value).startswith(f"{field}:")


# --- words for a moment arm ---------------------------------------------------------------

@pytest.mark.parametrize(
    "value, axis, words",
    [
        (-29.17, "rotation", "external rotator, 29.2 mm"),
        (14.68, "rotation", "internal rotator, 14.7 mm"),
        (-20.0, "adduction", "abductor, 20.0 mm"),
        (3.0, "adduction", "adductor, 3.0 mm"),
        (12.0, "flexion", "flexor, 12.0 mm"),
        (-0.5, "flexion", "extensor, 0.5 mm"),
    ],
)
def test_action_in_words(value, axis, words):
    assert action_in_words(value, axis) == words


def test_action_in_words_near_zero_and_non_finite():
    assert action_in_words(0.01).startswith("no rotation action")
    with pytest.raises(ValueError):
        action_in_words(float("nan"))


def test_public_names_are_exported():
    for name in hipmodel.__all__:
        assert hasattr(hipmodel, name), name
