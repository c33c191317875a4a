"""Muscles that cross the hip and the knee, read from an .osim at a chosen knee angle: the knee's
transform, lengths and hip moment arms against OpenSim 4.6 itself (imported at test time, with
the knee coordinate set), the knee range, and what is still left out and why."""

from __future__ import annotations

import numpy as np
import pytest

from hipmodel.osim import read_osim
from hipmodel.osim.knee import find_knee_joint
from hipmodel.osim.xmlread import OsimError, parse_xml, read_bytes

from conftest import OSIM_DIR, run_main

FILES = {"gait2392": OSIM_DIR / "gait2392_thelen2003muscle.osim", "rajagopal2016": OSIM_DIR / "Rajagopal2016.osim"}
TWO_JOINT = {"gait2392": {"semimem_r", "semiten_r", "bifemlh_r", "sar_r", "tfl_r", "grac_r", "rect_fem_r"},
             "rajagopal2016": {"bflh_r", "grac_r", "sart_r", "semimem_r", "semiten_r", "tfl_r"}}
# Gait2392's knee coordinate falls as the knee bends (range -120..10 deg), Rajagopal's rises (0..120)
KNEE_SIGN = {"gait2392": -1.0, "rajagopal2016": 1.0}
GRID = np.meshgrid(np.linspace(-20, 120, 8), np.linspace(-30, 30, 3), np.linspace(-45, 45, 3), indexing="ij")
TOL_M = 1e-9  # a millionth of a millimetre (measured: at most 7e-12 m, from Rajagopal's knee splines)


def _knee(key):
    path = FILES[key]
    root = parse_xml(read_bytes(path, 30_000_000), path.name, 30_000_000)
    return find_knee_joint(path.name, root.find("Model"), {"pelvis", "femur_r", "tibia_r", "ground"})


@pytest.mark.parametrize("key", sorted(FILES))
def test_the_knee_carries_tibia_points_where_opensim_puts_them(key):
    import opensim

    opensim.Logger.setLevelString("error")
    knee = _knee(key)
    assert knee.coordinate == "knee_angle_r" and knee.flexion_sign == KNEE_SIGN[key]
    m = opensim.Model(str(FILES[key]))
    s = m.initSystem()
    coord = m.getCoordinateSet().get("knee_angle_r")
    tibia, femur = m.getBodySet().get("tibia_r"), m.getBodySet().get("femur_r")
    points = np.array([[0.02, -0.1, 0.03], [-0.03, -0.35, 0.0], [0.0, 0.0, 0.0]])
    for flexion in (0.0, 30.0, 60.0, 90.0, 118.0):
        q = knee.coordinate_value(flexion)
        coord.setValue(s, q, True)
        m.realizePosition(s)
        R, t = knee.tibia_to_femur(q)
        for p in points:
            v = tibia.findStationLocationInAnotherFrame(s, opensim.Vec3(*p), femur)
            assert np.abs(R @ p + t - np.array([v.get(i) for i in range(3)])).max() < TOL_M, (key, flexion, p)


@pytest.mark.parametrize("key", sorted(FILES))
@pytest.mark.parametrize("flexion", [0.0, 45.0, 90.0])
def test_two_joint_muscles_match_opensim_at_each_knee_angle(key, flexion):
    from hipmodel.osim.reference import OpenSimReference

    imp = read_osim(FILES[key], knee_flexion_deg=flexion)
    assert set(imp.two_joint) == TWO_JOINT[key] and imp.knee_flexion_deg == flexion
    ref = OpenSimReference(FILES[key], fixed={"knee_angle_r": KNEE_SIGN[key] * np.radians(flexion)})
    for name in imp.two_joint:
        L, ma = imp.muscle(name).length_and_moment_arms_m(*GRID)[:2]
        L_ref, ma_ref = ref.evaluate(name, *GRID)
        assert np.abs(L - L_ref).max() < TOL_M, (key, flexion, name, "length")
        assert np.abs(ma - ma_ref).max() < TOL_M, (key, flexion, name, "moment arms")


def test_the_knee_angle_changes_the_hip_numbers_and_the_condyle_wraps():
    """Bending the knee slackens the hamstrings (shorter) and lifts them off Rajagopal's condyle
    cylinders on the tibia: wrapped at every hip pose with the knee straight, at none at 90 deg."""
    straight = read_osim(FILES["rajagopal2016"], knee_flexion_deg=0.0)
    bent = read_osim(FILES["rajagopal2016"], knee_flexion_deg=90.0)
    for name in ("semimem_r", "semiten_r", "grac_r"):
        assert straight.muscle(name).wraps(*GRID).all() and not bent.muscle(name).wraps(*GRID).any(), name
        assert (bent.muscle(name).length_m(*GRID) < straight.muscle(name).length_m(*GRID)).all(), name
    # a hip-only muscle does not move with the knee
    assert np.array_equal(straight.muscle("piri_r").length_m(*GRID), bent.muscle("piri_r").length_m(*GRID))


def test_what_is_still_left_out_says_why():
    raj = dict(read_osim(FILES["rajagopal2016"]).left_out)
    assert "patella_r" in raj["recfem_r"]  # the patella moves by a constraint: not read
    gait = dict(read_osim(FILES["gait2392"]).left_out)
    assert gait["semimem_l"].startswith("does not cross the right hip")  # the left leg's hamstring


@pytest.mark.parametrize("bad", [150.0, -40.0])
def test_a_knee_angle_outside_the_models_range_is_refused_with_the_range(bad):
    with pytest.raises(OsimError, match=r"knee flexion .* outside this model's knee range \(-10 to 120"):
        read_osim(FILES["gait2392"], knee_flexion_deg=bad)


def test_cli_knee_flexion(capsys):
    args = ["curve", "--model-file", FILES["gait2392"], "--muscle", "semimem_r", "--step", "60"]
    rc, out, _ = run_main(args + ["--knee-flexion", "90"], capsys)
    assert rc == 0 and "knee 90 deg flexion for semimem_r" in out
    imp = read_osim(FILES["gait2392"], knee_flexion_deg=90.0)
    L = imp.muscle("semimem_r").length_m(np.array([0.0, 60.0, 120.0])) * 1000
    rows = [line.split() for line in out.splitlines()[2:]]
    assert [float(r[-1]) for r in rows] == pytest.approx(L, abs=1e-4)
    for extra, words in ((["--knee-flexion", "nan"], "finite"), (["--knee-flexion", "200"], "outside this model's knee range")):
        rc, _, err = run_main(args + extra, capsys)
        assert rc == 2 and words in err and err.count("\n") == 1, err
    rc, _, err = run_main(["curve", "--knee-flexion", "30"], capsys)  # a bundled model has no knee muscles
    assert rc == 2 and "--model-file" in err


def test_pictures_say_the_knee_angle_of_a_two_joint_muscle():
    from hipmodel.anatomy import anatomy_scene
    from hipmodel.osim.as_model import load_osim_model

    m = load_osim_model(FILES["rajagopal2016"], knee_flexion_deg=90.0)
    text = anatomy_scene(m, ["piri_r", "semimem_r"], 30.0).caption_text()
    assert "The knee is held at 90\u00b0 of flexion for semimem_r" in text, text
    assert "knee" not in anatomy_scene(m, ["piri_r"], 30.0).caption_text()


def test_the_3d_figure_says_the_knee_angle_of_a_two_joint_muscle():
    from hipmodel.osim.as_model import load_osim_model
    from hipmodel.plots.hip3d import hip3d_spec

    m = load_osim_model(FILES["rajagopal2016"], knee_flexion_deg=90.0)
    texts = " ".join(a["text"] for a in hip3d_spec(m, ["piri_r", "semimem_r"])["layout"]["annotations"])
    assert "The knee is held at 90\u00b0 of flexion for semimem_r" in texts.replace("<br>", " ")
    texts = " ".join(a["text"] for a in hip3d_spec(m, ["piri_r"])["layout"]["annotations"])
    assert "knee is held" not in texts.replace("<br>", " ")
