"""Kinematics: the OpenSim hip convention R = Rz(flexion) Rx(adduction) Ry(rotation).

Checked against an independent construction (Rodrigues rotations about the moving
axes), the sign conventions of the reference (hip_geometry.md), and finite differences.
"""

import doctest
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import hipmodel
import hipmodel.kinematics as kin
from hipmodel.kinematics import Pose, PoseError, check_angle, check_angles, joint_axes, rotation_matrix

X, Y, Z = np.eye(3)
angles = st.floats(-180.0, 180.0, allow_nan=False, allow_infinity=False)


def rodrigues(axis, angle_deg):
    """Right-handed rotation by ``angle_deg`` about the unit ``axis`` (closed form)."""
    a = np.asarray(axis, float) / np.linalg.norm(axis)
    t = math.radians(angle_deg)
    return math.cos(t) * np.eye(3) + math.sin(t) * skew(a) + (1 - math.cos(t)) * np.outer(a, a)


def skew(v):
    return np.array([[0.0, -v[2], v[1]], [v[2], 0.0, -v[0]], [-v[1], v[0], 0.0]])


def intrinsic_zxy(f, a, r):
    """Body-fixed z, then the new x, then the newer y, built from world-frame turns."""
    R1 = rodrigues(Z, f)
    R2 = rodrigues(R1 @ X, a) @ R1
    return rodrigues(R2 @ Y, r) @ R2


GRID = np.array(np.meshgrid(np.arange(-180, 181, 45.0), np.arange(-90, 91, 30.0), np.arange(-180, 181, 60.0), indexing="ij"))


# --- the matrices ------------------------------------------------------------------

def test_orthonormal_with_det_one_over_a_broadcast_grid():
    f = np.arange(-180, 181, 15.0)[:, None, None]
    a = np.arange(-90, 91, 15.0)[None, :, None]
    r = np.arange(-180, 181, 20.0)[None, None, :]
    R = rotation_matrix(f, a, r)
    assert R.shape == (f.size, a.size, r.size, 3, 3)
    RtR = np.swapaxes(R, -1, -2) @ R
    np.testing.assert_allclose(RtR, np.broadcast_to(np.eye(3), RtR.shape), atol=1e-14)
    np.testing.assert_allclose(np.linalg.det(R), 1.0, atol=1e-13)


@given(angles, angles, angles)
def test_matches_independent_body_fixed_construction(f, a, r):
    np.testing.assert_allclose(rotation_matrix(f, a, r), intrinsic_zxy(f, a, r), atol=1e-13)


def test_single_axis_matrices_are_the_textbook_ones():
    t = 30.0
    c, s = math.cos(math.radians(t)), math.sin(math.radians(t))
    np.testing.assert_allclose(rotation_matrix(t), [[c, -s, 0], [s, c, 0], [0, 0, 1]], atol=1e-15)
    np.testing.assert_allclose(rotation_matrix(0, t), [[1, 0, 0], [0, c, -s], [0, s, c]], atol=1e-15)
    np.testing.assert_allclose(rotation_matrix(0, 0, t), [[c, 0, s], [0, 1, 0], [-s, 0, c]], atol=1e-15)


def test_zero_pose_is_identity():
    np.testing.assert_array_equal(rotation_matrix(0.0, 0.0, 0.0), np.eye(3))


# --- shapes ----------------------------------------------------------------------------

@pytest.mark.parametrize("func", [rotation_matrix, joint_axes])
def test_shape_rules(func):
    assert func(10.0).shape == (3, 3)
    assert func(10.0, 5.0, -5.0).shape == (3, 3)
    assert func(np.linspace(0, 90, 7)).shape == (7, 3, 3)
    assert func(np.zeros((4, 1)), 0.0, np.zeros(5)).shape == (4, 5, 3, 3)
    assert func(np.zeros((4, 1)), np.zeros((1, 5)), np.zeros((2, 1, 1))).shape == (2, 4, 5, 3, 3)
    assert func([0.0, 10.0]).shape == (2, 3, 3)  # lists work as arrays


@pytest.mark.parametrize("func", [rotation_matrix, joint_axes])
def test_broadcast_result_equals_elementwise_result(func):
    f = np.array([[0.0], [35.0], [-20.0]])
    r = np.array([-40.0, 0.0, 25.0, 45.0])
    batch = func(f, 12.0, r)
    for i in range(f.shape[0]):
        for j in range(r.size):
            np.testing.assert_allclose(batch[i, j], func(float(f[i, 0]), 12.0, float(r[j])), atol=1e-15)


# --- sign conventions (hip_geometry.md) ------------------------------------------------

KNEE = np.array([-0.0045, -0.39582, 0.0])  # Gait2392 knee centre, femur frame (hip centre at origin)


@pytest.mark.parametrize("flexion", [10.0, 30.0, 60.0, 90.0])
def test_flexion_moves_the_knee_forward(flexion):
    before, after = KNEE, rotation_matrix(flexion) @ KNEE
    assert after[0] > before[0] + 0.05  # + x = anterior
    np.testing.assert_allclose(rotation_matrix(90.0) @ [0.0, -1.0, 0.0], [1.0, 0.0, 0.0], atol=1e-15)


@pytest.mark.parametrize("adduction", [5.0, 20.0])
def test_adduction_moves_the_knee_medially(adduction):
    after = rotation_matrix(0.0, adduction) @ KNEE
    assert after[2] < -0.01  # - z = medial for the right leg
    assert (rotation_matrix(0.0, -adduction) @ KNEE)[2] > 0.01  # abduction: laterally


@pytest.mark.parametrize("flexion", [0.0, 45.0, 90.0])
def test_internal_rotation_turns_the_front_of_the_femur_medially(flexion):
    front = np.array([0.03, -0.2, 0.0])  # a point on the anterior femur
    base = rotation_matrix(flexion) @ front
    turned = rotation_matrix(flexion, 0.0, 20.0) @ front
    assert turned[2] < base[2] - 0.005
    # and the shaft axis itself does not move: rotation is about the femur's long axis
    np.testing.assert_allclose(rotation_matrix(flexion, 0.0, 20.0) @ Y, rotation_matrix(flexion) @ Y, atol=1e-15)


# --- joint axes --------------------------------------------------------------------------

def test_joint_axes_are_pelvis_z_moving_x_and_femur_long_axis():
    f, a, r = GRID
    axes = joint_axes(f, a, r)
    R = rotation_matrix(f, a, r)
    np.testing.assert_allclose(axes[..., 0, :], np.broadcast_to(Z, f.shape + (3,)), atol=0)
    np.testing.assert_allclose(axes[..., 1, :], rotation_matrix(f) @ X, atol=1e-15)
    np.testing.assert_allclose(axes[..., 2, :], R @ Y, atol=1e-15)
    np.testing.assert_allclose(np.linalg.norm(axes, axis=-1), 1.0, atol=1e-15)


def test_derivative_of_R_is_skew_axis_times_R():
    f, a, r = (g.ravel() for g in GRID)
    keep = np.abs(f) < 180  # keep the finite-difference steps inside -180..180
    f, a, r = f[keep], a[keep], r[keep]
    h_deg = 1e-5
    h = math.radians(h_deg)
    R = rotation_matrix(f, a, r)
    axes = joint_axes(f, a, r)
    q = [f, a, r]
    for k in range(3):
        plus, minus = list(q), list(q)
        plus[k] = q[k] + h_deg
        minus[k] = q[k] - h_deg
        dR = (rotation_matrix(*plus) - rotation_matrix(*minus)) / (2 * h)
        expected = np.array([skew(ax) for ax in axes[:, k, :]]) @ R
        np.testing.assert_allclose(dR, expected, atol=1e-9)


def test_moving_femur_point_has_velocity_axis_cross_r():
    p = np.array([-0.015, -0.004, 0.044])
    f, a, r = 40.0, -10.0, 25.0
    h_deg = 1e-5
    for k in range(3):
        q_plus, q_minus = [f, a, r], [f, a, r]
        q_plus[k] += h_deg
        q_minus[k] -= h_deg
        v = (rotation_matrix(*q_plus) @ p - rotation_matrix(*q_minus) @ p) / (2 * math.radians(h_deg))
        np.testing.assert_allclose(v, np.cross(joint_axes(f, a, r)[k], rotation_matrix(f, a, r) @ p), atol=1e-11)


# --- validation --------------------------------------------------------------------------

BAD_ANGLES = [
    (float("nan"), "finite"),
    (float("inf"), "finite"),
    (-float("inf"), "finite"),
    ("forty", "expected a number"),
    ("", "expected a number"),
    (None, "expected a number"),
    (True, "expected a number"),
    (False, "expected a number"),
    ([10.0], "expected a number"),
    (180.5, "outside"),
    (-181.0, "outside"),
    (1e300, "outside"),
]


@pytest.mark.parametrize("value, words", BAD_ANGLES)
@pytest.mark.parametrize("field", ["flexion", "adduction", "rotation"])
def test_pose_rejects_bad_angles_naming_the_field(value, words, field):
    with pytest.raises(PoseError, match=words) as info:
        Pose(**{field: value})
    assert str(info.value).startswith(f"{field}:")


@pytest.mark.parametrize("value, words", BAD_ANGLES)
def test_check_angle_rejects_bad_values(value, words):
    with pytest.raises(PoseError, match=words):
        check_angle(value, "start")


def test_a_bad_angle_is_caught_as_a_value_error():
    """Callers (the CLI, the app) catch ValueError: a bad angle must be one."""
    with pytest.raises(ValueError, match="start"):
        check_angle(float("nan"), "start")


@pytest.mark.parametrize("value", [-180, -180.0, 0, 45.5, 180.0, np.float64(30.0), np.int64(7), "12.5"])
def test_good_angles_pass_as_floats(value):
    out = check_angle(value, "flexion")
    assert isinstance(out, float) and out == float(value)
    assert Pose(flexion=value).flexion == float(value)


def test_pose_is_frozen_and_keeps_order():
    p = Pose(30, -10, 20)
    assert p.as_tuple() == (30.0, -10.0, 20.0)
    with pytest.raises(AttributeError):
        p.flexion = 40.0


@pytest.mark.parametrize(
    "values, words",
    [
        ([0.0, float("nan")], "finite"),
        (np.array([0.0, np.inf]), "finite"),
        ([0.0, 190.0], "190 deg is outside"),
        (np.array([True, False]), "booleans"),
        (["a", "b"], "expected numbers"),
        ([[0.0, 1.0], [2.0]], "expected numbers"),
    ],
)
def test_check_angles_rejects_bad_arrays(values, words):
    with pytest.raises(PoseError, match=words) as info:
        check_angles(values, "rotation")
    assert str(info.value).startswith("rotation:")


# --- docstring examples -----------------------------------------------------------------

@pytest.mark.parametrize("module", [kin, hipmodel], ids=["hipmodel.kinematics", "hipmodel"])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
