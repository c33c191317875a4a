"""Bad .osim input: each case raises OsimError with one line naming what is wrong (and the
element and line where there is one), or, when only one muscle is bad, leaves that muscle
out with the reason while the rest loads. No OpenSim needed."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from hipmodel.model import ModelDataError
from hipmodel.osim import MAX_BYTES, OsimError, read_osim
from hipmodel.osim.functions import Constant, LinearFunction, PiecewiseLinearFunction, SimmSpline

from conftest import OSIM_DIR
GAIT_PATH = OSIM_DIR / "gait2392_thelen2003muscle.osim"
RAJ_PATH = OSIM_DIR / "Rajagopal2016.osim"
def need_files(f):  # the reference files must be there (CI puts ../shared beside the checkout)
    return f


def one_line_error(fn, *words):
    with pytest.raises(OsimError) as ei:
        fn()
    msg = str(ei.value)
    assert "\n" not in msg, msg
    for w in words:
        assert w in msg, (w, msg)
    assert isinstance(ei.value, ModelDataError)
    return msg


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_not_xml():
    one_line_error(lambda: read_osim(b"this is not XML at all", name="junk.osim"), "junk.osim", "line 1", "not well-formed")


def test_billion_laughs_is_refused():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<OpenSimDocument Version="40000"><Model name="&lol9;"/></OpenSimDocument>"""
    one_line_error(lambda: read_osim(bomb, name="bomb.osim"), "bomb.osim", "line 3", "unsafe XML")


def test_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    doc = f"""<?xml version="1.0"?>
<!DOCTYPE m [<!ENTITY x SYSTEM "file://{secret}">]>
<OpenSimDocument Version="40000"><Model name="&x;"/></OpenSimDocument>""".encode()
    one_line_error(lambda: read_osim(doc, name="ext.osim"), "ext.osim", "unsafe XML")


@need_files
def test_truncated_file(tmp_path):
    data = GAIT_PATH.read_bytes()
    p = tmp_path / "cut.osim"
    p.write_bytes(data[: len(data) // 2])
    msg = one_line_error(lambda: read_osim(p), "cut.osim", "not well-formed")
    assert re.search(r"line \d+", msg)


@need_files
def test_no_hip_joint(tmp_path):
    text = GAIT_PATH.read_text()
    text = re.sub(r'<CustomJoint name="hip_r">.*?</CustomJoint>', "", text, count=1, flags=re.S)
    p = tmp_path / "nohip.osim"
    p.write_text(text)
    one_line_error(lambda: read_osim(p), "nohip.osim", "no right hip joint")


@need_files
def test_hip_in_another_convention_is_refused(tmp_path):
    text = GAIT_PATH.read_text()
    i = text.index('<CustomJoint name="hip_r">')
    j = text.index("</CustomJoint>", i)
    block = text[i:j].replace("<axis>0 0 1</axis>", "<axis>TMP</axis>", 1).replace("<axis>1 0 0</axis>", "<axis>0 0 1</axis>", 1).replace("<axis>TMP</axis>", "<axis>1 0 0</axis>", 1)
    p = tmp_path / "swapped.osim"
    p.write_text(text[:i] + block + text[j:])
    hip_line = line_of(text, '<CustomJoint name="hip_r">')
    one_line_error(lambda: read_osim(p), "swapped.osim", f"line {hip_line}",
                   '<CustomJoint name="hip_r">', "not Rz(flexion) Rx(adduction) Ry(rotation)")


@need_files
def test_hip_that_translates_is_refused(tmp_path):
    text = GAIT_PATH.read_text()
    i = text.index('<CustomJoint name="hip_r">')
    j = text.index("</CustomJoint>", i)
    block = text[i:j].replace("<value>0</value>", "<value>0.01</value>", 1)
    p = tmp_path / "moves.osim"
    p.write_text(text[:i] + block + text[j:])
    one_line_error(lambda: read_osim(p), "moves.osim", 'TransformAxis name="translation1"', "translates")


@need_files
def test_negative_wrap_radius_leaves_only_that_muscle_out(tmp_path):
    text = RAJ_PATH.read_text()
    i = text.index('<WrapCylinder name="Gmax1_at_pelvis_r">')
    j = text.index("</WrapCylinder>", i)
    block = re.sub(r"<radius>[^<]*</radius>", "<radius>-0.04</radius>", text[i:j])
    p = tmp_path / "negradius.osim"
    p.write_text(text[:i] + block + text[j:])
    line = line_of(text, '<WrapCylinder name="Gmax1_at_pelvis_r">')
    imp = read_osim(p)
    left = dict(imp.left_out)
    assert "glmax1_r" in left
    assert f"line {line}" in left["glmax1_r"] and "Gmax1_at_pelvis_r" in left["glmax1_r"] and "radius" in left["glmax1_r"]
    assert "glmax2_r" in imp.muscle_names and "piri_r" in imp.muscle_names and len(imp.muscles) == 17 + 6  # + the six two-joint muscles
    one_line_error(lambda: read_osim(p, strict=True), "negradius.osim", f"line {line}", "radius -0.04 must be positive")


@need_files
def test_spline_with_one_point_leaves_only_that_muscle_out(tmp_path):
    text = GAIT_PATH.read_text()
    old = re.search(r'<PathPoint name="peri_r-P3">.*?</PathPoint>', text, re.S).group(0)
    c = "/jointset/hip_r/hip_flexion_r"
    new = f"""<MovingPathPoint name="peri_r-P3">
<socket_parent_frame>/bodyset/femur_r</socket_parent_frame>
<socket_x_coordinate>{c}</socket_x_coordinate><socket_y_coordinate>{c}</socket_y_coordinate><socket_z_coordinate>{c}</socket_z_coordinate>
<x_location><SimmSpline><x>0.5</x><y>-0.0148</y></SimmSpline></x_location>
<y_location><Constant><value>-0.0036</value></Constant></y_location>
<z_location><Constant><value>0.0437</value></Constant></z_location>
</MovingPathPoint>"""
    text = text.replace(old, new)
    p = tmp_path / "onepoint.osim"
    p.write_text(text)
    line = line_of(text, "<SimmSpline><x>0.5</x>")
    imp = read_osim(p)
    left = dict(imp.left_out)
    assert "peri_r" in left and f"line {line}" in left["peri_r"] and "at least 2 points" in left["peri_r"]
    assert len(imp.muscles) == 19 + 7  # + the seven two-joint muscles
    one_line_error(lambda: read_osim(p, strict=True), "onepoint.osim", f"line {line}", "<SimmSpline>", "at least 2 points")


@need_files
def test_bad_number_names_element_and_line(tmp_path):
    text = GAIT_PATH.read_text()
    old = re.search(r'<PathPoint name="gem_r-P1">.*?</PathPoint>', text, re.S).group(0)
    new = re.sub(r"<location>[^<]*</location>", "<location>-0.1133 oops 0.0714</location>", old)
    text = text.replace(old, new)
    p = tmp_path / "nan.osim"
    p.write_text(text)
    imp = read_osim(p)
    reason = dict(imp.left_out)["gem_r"]
    assert "<location>" in reason and f"line {line_of(text, 'oops') }" in reason
    assert len(imp.muscles) == 19 + 7


def test_fifty_megabyte_file(tmp_path):
    p = tmp_path / "huge.osim"
    with open(p, "wb") as f:
        f.write(b"<OpenSimDocument>")
        f.truncate(50 * 1024 * 1024)
    one_line_error(lambda: read_osim(p), "huge.osim", "at most", str(MAX_BYTES))
    one_line_error(lambda: read_osim(b" " * (MAX_BYTES + 1), name="big.osim"), "big.osim", "at most")


def test_not_a_regular_file(tmp_path):
    one_line_error(lambda: read_osim(tmp_path), "not a regular file")
    if Path("/dev/zero").exists():
        one_line_error(lambda: read_osim("/dev/zero"), "zero", "not a regular file")
    one_line_error(lambda: read_osim(tmp_path / "missing.osim"), "missing.osim", "cannot open")


def test_not_an_opensim_document():
    one_line_error(lambda: read_osim(b"<svg><g/></svg>", name="pic.osim"), "pic.osim", "<svg>", "not an OpenSim model")
    one_line_error(lambda: read_osim(b'<OpenSimDocument Version="30000"><Model/></OpenSimDocument>', name="old.osim"), "3.x")


# ---------------------------------------------------------------- functions, closed forms
def test_linear_and_constant():
    x = np.linspace(-3, 3, 13)
    assert np.allclose(LinearFunction(2.5, -1.0).value(x), 2.5 * x - 1.0)
    assert np.allclose(LinearFunction(2.5, -1.0).derivative(x), 2.5)
    assert np.all(Constant(0.3).value(x) == 0.3) and np.all(Constant(0.3).derivative(x) == 0)


@pytest.mark.parametrize("n", [2, 3, 4, 7])
def test_spline_through_its_points(n):
    rng = np.random.default_rng(n)
    x = np.sort(rng.uniform(-2, 2, n))
    y = rng.normal(size=n)
    s = SimmSpline(x, y)
    assert np.allclose(s.value(x), y, atol=1e-12)
    # two points: the straight line, extrapolated along its slope
    if n == 2:
        slope = (y[1] - y[0]) / (x[1] - x[0])
        assert np.allclose(s.value([x[0] - 1, x[1] + 1]), [y[0] - slope, y[1] + slope])


def test_spline_reproduces_a_cubic_with_four_or_more_points():
    # matching third divided differences at both ends makes the spline exact for cubics
    x = np.array([-1.0, -0.3, 0.2, 0.9, 1.5, 2.0])
    f = lambda t: 0.5 * t**3 - t**2 + 0.25 * t - 2
    s = SimmSpline(x, f(x))
    t = np.linspace(-1, 2, 31)
    assert np.allclose(s.value(t), f(t), atol=1e-12)
    assert np.allclose(s.derivative(t[1:-1]), 1.5 * t[1:-1] ** 2 - 2 * t[1:-1] + 0.25, atol=1e-10)


def test_piecewise_linear():
    p = PiecewiseLinearFunction([0, 1, 3], [0, 2, 3])
    assert np.allclose(p.value([-1, 0, 0.5, 1, 2, 3, 4]), [-2, 0, 1, 2, 2.5, 3, 3.5])
    assert np.allclose(p.derivative([-1, 0.5, 2, 4]), [2, 2, 0.5, 0.5])


@pytest.mark.parametrize("bad", [([0.0], [1.0]), ([0, 1], [1.0]), ([1, 0], [0, 1]), ([0, np.nan], [0, 1])])
def test_bad_knots_refused(bad):
    with pytest.raises(ValueError):
        SimmSpline(*bad)
