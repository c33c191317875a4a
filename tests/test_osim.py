"""hipmodel.osim against OpenSim 4.6 itself (imported at test time), on both reference models.

Every accepted hip muscle of Gait2392 and Rajagopal 2016, over a grid of poses (flexion
-20..120, adduction -30..30, rotation -45..45 deg; 8 x 5 x 5): length and the three moment
arms within 0.05 mm for straight-line paths and 0.1 mm for wrapping ones; the piriformis
switch angle within 0.1 deg; the straight-line muscles equal to the bundled JSON models;
then modified copies of the models exercise what the originals do not (every cylinder
quadrant, wrap spheres, moving and conditional points driven by hip coordinates).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from hipmodel import mechanics
from hipmodel.model import load_model
from hipmodel.osim import read_osim

import opensim  # noqa: F401  (the test-time reference; in requirements-test.txt)
from hipmodel.osim.reference import OpenSimReference, bisect_sign_change  # noqa: E402

from conftest import OSIM_DIR  # noqa: E402

FILES = {"gait2392": "gait2392_thelen2003muscle.osim", "rajagopal2016": "Rajagopal2016.osim"}

GRID = np.meshgrid(np.linspace(-20, 120, 8), np.linspace(-30, 30, 5), np.linspace(-45, 45, 5), indexing="ij")
SMALL = np.meshgrid(np.linspace(-20, 120, 6), np.linspace(-30, 30, 3), np.linspace(-45, 45, 3), indexing="ij")
TOL_STRAIGHT_M = 0.05e-3
TOL_WRAP_M = 0.1e-3


@pytest.fixture(scope="module", params=sorted(FILES))
def model_pair(request):
    """(our import, OpenSim's values for every accepted muscle over GRID)."""
    path = OSIM_DIR / FILES[request.param]
    imp = read_osim(path)
    ref = OpenSimReference(path)
    values = {m.name: ref.evaluate(m.name, *GRID) for m in imp.muscles}
    return request.param, imp, values


def test_expected_muscles_accepted(model_pair):
    key, imp, _ = model_pair
    names = set(imp.muscle_names)
    # the hip-only muscles, and the two-joint ones (hip and knee) read at the knee's default (straight)
    if key == "gait2392":
        assert {"peri_r", "iliacus_r", "psoas_r", "glut_max1_r", "gem_r", "quad_fem_r"} <= names
        two = {"semimem_r", "semiten_r", "bifemlh_r", "sar_r", "tfl_r", "grac_r", "rect_fem_r"}
        assert len(names) == 20 + 7
    else:
        assert {"piri_r", "glmax1_r", "iliacus_r", "psoas_r", "addmagMid_r"} <= names
        two = {"bflh_r", "grac_r", "sart_r", "semimem_r", "semiten_r", "tfl_r"}
        assert len(names) == 18 + 6
        assert sum(m.wrap is not None for m in imp.muscles) == 11 + 3  # + the condyle cylinders on the tibia
    assert set(imp.two_joint) == two and imp.knee_flexion_deg == 0.0
    assert all(imp.muscle(n).crosses_knee for n in two)
    # nothing silently dropped: every path actuator is accepted or listed with a reason
    left = dict(imp.left_out)
    assert all(reason for reason in left.values())
    if key == "rajagopal2016":  # on the patella, which OpenSim moves by a constraint: named, not read
        assert "patella_r" in left["recfem_r"]
    assert not names & set(left)


def test_lengths_and_moment_arms_match_opensim(model_pair):
    key, imp, values = model_pair
    worst = {}
    for m in imp.muscles:
        L_ref, ma_ref = values[m.name]
        L, ma = m.length_and_moment_arms_m(*GRID)
        tol = TOL_WRAP_M if m.wrap is not None else TOL_STRAIGHT_M
        err_L = np.abs(L - L_ref).max()
        err_ma = np.abs(ma - ma_ref).max(axis=(0, 1, 2))
        worst[m.name] = (err_L, *err_ma)
        assert err_L < tol, f"{key} {m.name}: length off by {err_L * 1e3:.4f} mm"
        for k, axis in enumerate(("flexion", "adduction", "rotation")):
            assert err_ma[k] < tol, f"{key} {m.name}: {axis} moment arm off by {err_ma[k] * 1e3:.4f} mm"


def test_wrapping_is_exercised(model_pair):
    """The grid must include poses with and without the wrap for every wrapping muscle
    (else the comparison above would not test the wrap decision)."""
    _, imp, _ = model_pair
    for m in imp.muscles:  # a two-joint muscle's wrap follows the knee: tests/test_osim_knee.py
        if m.wrap is not None and m.name != "addmagIsch_r" and not m.crosses_knee:
            w = m.wraps(*GRID)
            assert w.any() and not w.all(), m.name


def test_moment_arms_are_minus_dl_dq_for_straight_paths(model_pair):
    _, imp, _ = model_pair
    for m in imp.muscles:
        if m.wrap is None:
            f, a, r = (g[1:-1:2, ::2, ::2] for g in GRID)  # keep away from a conditional point's switch
            num = m.moment_arms_numeric_m(f + 0.37, a, r)
            ana = m.moment_arms_m(f + 0.37, a, r)
            assert np.abs(num - ana).max() < 1e-6, m.name


def test_path_points_for_drawing(model_pair):
    _, imp, _ = model_pair
    for m in imp.muscles:
        pts = m.path_points_m(*GRID)
        assert pts.shape[:3] == GRID[0].shape and pts.shape[-1] == 3
        poly = np.linalg.norm(np.diff(pts, axis=-2), axis=-1).sum(-1)
        L = m.length_m(*GRID)
        # the polyline is the path (wrap arcs as 11 chords: shorter by at most a little)
        assert np.all(poly <= L + 1e-9), m.name
        assert np.all(L - poly < 0.5e-3), m.name
        assert np.allclose(pts[..., 0, :], pts[0, 0, 0, 0, :])  # the origin stays on the pelvis


@pytest.mark.parametrize("key, muscle, published", [("gait2392", "peri_r", 57.19), ("rajagopal2016", "piri_r", 48.52)])
def test_piriformis_switch_angle(key, muscle, published):
    path = OSIM_DIR / FILES[key]
    m = read_osim(path).muscle(muscle)
    ref = OpenSimReference(path)
    ours = bisect_sign_change(lambda f: m.moment_arms_m(f)[2])
    theirs = bisect_sign_change(lambda f: ref.evaluate(muscle, f)[1][2])
    assert abs(ours - theirs) < 0.1
    assert abs(ours - published) < 0.01  # the value in shared/reference/hip_geometry.md


@pytest.mark.parametrize("key", sorted(FILES))
def test_straight_line_muscles_equal_bundled_json(key):
    imp = read_osim(OSIM_DIR / FILES[key])
    ours = imp.straight_line_model()
    bundled = load_model(key)
    assert np.allclose(ours.hip_centre, bundled.hip_centre, atol=1e-12)
    f, a, r = GRID
    for bm in bundled.muscles:
        om = ours.muscle(bm.source_name)
        assert om.bodies == bm.bodies
        assert np.allclose(om.locations_m, bm.locations_m, atol=1e-12), bm.source_name
        c1 = mechanics.curves(ours, om, f, a, r)
        c2 = mechanics.curves(bundled, bm, f, a, r)
        for col in ("length_mm", "flexion_moment_arm_mm", "adduction_moment_arm_mm", "rotation_moment_arm_mm"):
            assert np.allclose(getattr(c1, col), getattr(c2, col), atol=1e-9), (bm.source_name, col)
        # and the .osim path itself (not only its JSON) gives the same numbers
        L = imp.muscle(bm.source_name).length_m(f, a, r)
        assert np.allclose(L * 1000, c2.length_mm, atol=1e-9)


def test_json_has_sources_and_only_straight_lines():
    imp = read_osim(OSIM_DIR / FILES["rajagopal2016"])
    d = imp.to_json_dict()
    (key, src), = d["sources"].items()
    assert src["file"] == "Rajagopal2016.osim"
    assert all(m["source"] == key for m in d["muscles"])
    assert {m["id"] for m in d["muscles"]} == {"glmed1_r", "glmed2_r", "glmed3_r", "glmin1_r", "glmin2_r", "glmin3_r", "piri_r"}
    assert "glmax1_r" in d["left_out"] and "sart_r" in d["left_out"]  # wrapped; two-joint (knee angle)


# ---------------------------------------------------------------- modified copies of the models
RAJ = (OSIM_DIR / FILES["rajagopal2016"]).read_text()
GAIT = (OSIM_DIR / FILES["gait2392"]).read_text()


def set_wrap(text, name, quadrant=None, sphere=False, radius=None):
    i = text.index(f'<WrapCylinder name="{name}">')
    j = text.index("</WrapCylinder>", i) + len("</WrapCylinder>")
    block = text[i:j]
    if quadrant:
        block = re.sub(r"<quadrant>[^<]*</quadrant>", f"<quadrant>{quadrant}</quadrant>", block)
    if radius is not None:
        block = re.sub(r"<radius>[^<]*</radius>", f"<radius>{radius}</radius>", block)
    if sphere:
        block = re.sub(r"<length>[^<]*</length>", "", block.replace("WrapCylinder", "WrapSphere"))
    return text[:i] + block + text[j:]


def moving_variant(text):
    """Gait2392 with hip-driven moving points (all five function types) and a conditional point on adduction."""
    old = re.search(r'<PathPoint name="peri_r-P3">.*?</PathPoint>', text, re.S).group(0)
    text = text.replace(old, """<MovingPathPoint name="peri_r-P3">
<socket_parent_frame>/bodyset/femur_r</socket_parent_frame>
<socket_x_coordinate>/jointset/hip_r/hip_flexion_r</socket_x_coordinate>
<socket_y_coordinate>/jointset/hip_r/hip_flexion_r</socket_y_coordinate>
<socket_z_coordinate>/jointset/hip_r/hip_flexion_r</socket_z_coordinate>
<x_location><SimmSpline><x>-0.5 0 0.6 1.2 2.0</x><y>-0.0168 -0.0148 -0.0135 -0.0120 -0.0150</y></SimmSpline></x_location>
<y_location><NaturalCubicSpline><x>-0.5 0.5 2.0</x><y>-0.0030 -0.0036 -0.0050</y></NaturalCubicSpline></y_location>
<z_location><PiecewiseLinearFunction><x>-1 0 1</x><y>0.0420 0.0437 0.0460</y></PiecewiseLinearFunction></z_location>
</MovingPathPoint>""")
    old = re.search(r'<PathPoint name="gem_r-P1">.*?</PathPoint>', text, re.S).group(0)
    c = "/jointset/hip_r/hip_adduction_r"
    text = text.replace(old, f"""<MovingPathPoint name="gem_r-P1">
<socket_parent_frame>/bodyset/pelvis</socket_parent_frame>
<socket_x_coordinate>{c}</socket_x_coordinate><socket_y_coordinate>{c}</socket_y_coordinate><socket_z_coordinate>{c}</socket_z_coordinate>
<x_location><LinearFunction><coefficients>0.01 -0.1133</coefficients></LinearFunction></x_location>
<y_location><Constant><value>-0.082</value></Constant></y_location>
<z_location><Constant><value>0.0714</value></Constant></z_location>
</MovingPathPoint>""")
    old = re.search(r'<PathPoint name="quad_fem_r-P2">.*?</PathPoint>', text, re.S).group(0)
    return text.replace(old, f"""<ConditionalPathPoint name="quad_fem_r-Pc">
<socket_parent_frame>/bodyset/pelvis</socket_parent_frame>
<location>-0.09 -0.12 0.07</location>
<socket_coordinate>{c}</socket_coordinate>
<range>-0.2 0.3</range>
</ConditionalPathPoint>
""" + old)


def _compare_variant(tmp_path, text, names, tol=TOL_WRAP_M):
    p = tmp_path / "variant.osim"
    p.write_text(text)
    imp = read_osim(p)
    ref = OpenSimReference(p)
    for n in names:
        m = imp.muscle(n)
        L_ref, ma_ref = ref.evaluate(n, *SMALL)
        L, ma = m.length_and_moment_arms_m(*SMALL)
        assert np.abs(L - L_ref).max() < tol, n
        assert np.abs(ma - ma_ref).max() < tol, n
    return imp


@pytest.mark.parametrize("quadrant", ["x", "-y", "z", "-z"])
def test_cylinder_quadrants_match_opensim(tmp_path, quadrant):
    t = RAJ
    for w in ("Gmax1_at_pelvis_r", "AMmid_at_femshaft_r", "PS_at_brim_r"):
        t = set_wrap(t, w, quadrant=quadrant)
    _compare_variant(tmp_path, t, ["glmax1_r", "addmagMid_r", "psoas_r"])


@pytest.mark.parametrize("quadrant", ["all", "-x", "y"])
def test_wrap_spheres_match_opensim(tmp_path, quadrant):
    t = RAJ
    for w in ("Gmax1_at_pelvis_r", "PS_at_brim_r"):
        t = set_wrap(t, w, quadrant=quadrant, sphere=True)
    imp = _compare_variant(tmp_path, t, ["glmax1_r", "psoas_r"])
    w = imp.muscle("glmax1_r").wraps(*SMALL)
    assert w.any() and not w.all()


def test_moving_and_conditional_points_match_opensim(tmp_path):
    imp = _compare_variant(tmp_path, moving_variant(GAIT), ["peri_r", "gem_r", "quad_fem_r"], TOL_STRAIGHT_M)
    assert imp.muscle("peri_r").points[-1].kind == "MovingPathPoint"
    assert not imp.muscle("peri_r").straight_line
    assert "peri_r" not in {m["id"] for m in imp.to_json_dict()["muscles"]}
