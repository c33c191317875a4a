"""An .osim used everywhere a model is: ``--model-file x.osim``, ``convert``, the app's upload,
and wrapped muscles through hipmodel.mechanics, the switch finder, the lever, the stretch
maths and the anatomy scene, against the bundled JSON models, the import itself and
OpenSim 4.6 (imported at test time)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from hipmodel import anatomy, lever, mechanics, stretch
from hipmodel.model import load_model, load_model_file
from hipmodel.osim import read_osim
from hipmodel.osim.as_model import WrapObject, load_any_model_file, load_osim_model, model_from_osim
from hipmodel.switch import bisect_roots, sign_change_angles, sign_change_brackets

from conftest import OSIM_DIR, run_main

FILES = {"gait2392": OSIM_DIR / "gait2392_thelen2003muscle.osim", "rajagopal2016": OSIM_DIR / "Rajagopal2016.osim"}
RAJ = FILES["rajagopal2016"]
WRAPPED = ("addbrev_r", "addlong_r", "addmagDist_r", "addmagIsch_r", "addmagMid_r", "addmagProx_r",
           "glmax1_r", "glmax2_r", "glmax3_r", "iliacus_r", "psoas_r")
GRID = np.meshgrid(np.linspace(-20, 120, 15), np.linspace(-30, 30, 7), np.linspace(-45, 45, 7), indexing="ij")
COLS = ("length_mm", "flexion_moment_arm_mm", "adduction_moment_arm_mm", "rotation_moment_arm_mm")


run = run_main


@pytest.fixture(scope="module")
def raj():
    return load_osim_model(RAJ)


@pytest.fixture(scope="module")
def raj_ref():
    import opensim  # noqa: F401
    from hipmodel.osim.reference import OpenSimReference

    return OpenSimReference(RAJ)


# ------------------------------------------------------------------ the CLI and the bundled JSON
@pytest.mark.parametrize("key", sorted(FILES))
def test_cli_curve_on_the_osim_equals_the_bundled_json(key, capsys):
    bundled = load_model(key)
    flags = ["--csv", "--start", "-20", "--stop", "120", "--step", "5", "--adduction", "10", "--rotation", "-15"]
    for bm in bundled.muscles:
        c1, osim_out, err = run(["curve", "--model-file", FILES[key], "--muscle", bm.source_name, *flags], capsys)
        c2, json_out, _ = run(["curve", "--model", key, "--muscle", bm.id, *flags], capsys)
        assert c1 == c2 == 0, err
        assert osim_out == json_out, bm.id  # every digit of every column
    # the bundled readable name finds the OpenSim muscle too
    c, out, _ = run(["curve", "--model-file", FILES[key], "--muscle", "piriformis", "--stop", "0", "--csv"], capsys)
    assert c == 0 and out == run(["curve", "--model", key, "--stop", "0", "--csv"], capsys)[1]


def test_straight_muscles_are_plain_and_wrapped_ones_carry_their_path(raj):
    # + the hamstrings and gracilis over the condyle cylinders of the tibia (knee straight)
    assert {m.id for m in raj.muscles if m.path is not None} == set(WRAPPED) | {"grac_r", "semimem_r", "semiten_r"}
    assert all(m.path is None for m in raj.muscles if m.id not in WRAPPED + ("grac_r", "semimem_r", "semiten_r"))
    assert raj.origin.file_name == "Rajagopal2016.osim" and raj.left_out
    assert load_any_model_file(RAJ).muscle_ids == raj.muscle_ids


# ------------------------------------------------------------------ wrapped muscles, everywhere
@pytest.mark.parametrize("name", ["glmax1_r", "iliacus_r", "addlong_r", "psoas_r"])
def test_wrapped_muscle_through_mechanics_equals_the_import_and_opensim(raj, raj_ref, name):
    mu = raj.muscle(name)
    om = raj.origin.muscle(name)
    f, a, r = GRID
    c = mechanics.curves(raj, mu, f, a, r)
    L, ma = om.length_and_moment_arms_m(f, a, r)
    assert np.array_equal(c.length_mm, L * 1000) and np.array_equal(c.rotation_moment_arm_mm, ma[..., 2] * 1000)
    assert np.array_equal(mechanics.muscle_length_m(raj, mu, f, a, r), L)
    assert np.array_equal(mechanics.moment_arms_m(raj, mu, f, a, r), ma)
    (c2,) = mechanics.curves_for_muscles(raj, [mu], f, a, r)
    assert np.array_equal(c2.flexion_moment_arm_mm, c.flexion_moment_arm_mm)
    Lref, MAref = raj_ref.evaluate(name, f, a, r)
    assert np.max(np.abs(c.length_mm - Lref * 1000)) < 0.1
    for k, col in enumerate(("flexion_moment_arm_mm", "adduction_moment_arm_mm", "rotation_moment_arm_mm")):
        assert np.max(np.abs(getattr(c, col) - MAref[..., k] * 1000)) < 0.1, col
    # the drawn path includes the wrap arc
    pts = mechanics.path_points_m(raj, mu, f, a, r)
    assert pts.shape == f.shape + (len(om.points) + 12, 3)
    drawn = np.linalg.norm(np.diff(pts, axis=-2), axis=-1).sum(-1)
    assert np.all(drawn <= L + 1e-9) and np.max(L - drawn) < 2e-3  # chords of the arc: a little shorter


def _opensim_switches(ref, name, start=-20.0, stop=120.0, step=0.5):
    grid = np.arange(start, stop + step / 2, step)
    vals = ref.evaluate(name, grid, 0.0, 0.0)[1][..., 2]
    lo, hi = sign_change_brackets(vals)
    fun = lambda x: ref.evaluate(name, x, np.zeros_like(x), np.zeros_like(x))[1][..., 2]  # noqa: E731
    return bisect_roots(fun, grid[lo], grid[hi], vals[lo], 1e-4) if lo.size else np.array([])


def test_switch_angles_of_wrapped_muscles_match_opensim(raj, raj_ref):
    checked = 0
    for name in WRAPPED:
        ours = [s.flexion_deg for s in sign_change_angles(raj, raj.muscle(name))]
        theirs = _opensim_switches(raj_ref, name)
        assert len(ours) == len(theirs), (name, ours, theirs)
        assert np.all(np.abs(np.array(ours) - theirs) < 0.1), (name, ours, theirs)
        checked += len(ours)
    assert checked >= 3  # glmax1_r switches near 46 deg, and others


def test_lever_of_wrapped_muscles_is_the_rotation_moment_arm(raj):
    """|lever| == |rotation moment arm| wherever the path crosses the hip once (every pose of the
    grid but one). Rajagopal's glmax1_r at flexion -20, adduction 30, rotation -30 wraps its
    femur-to-femur segment over the pelvis cylinder Gmax1_at_pelvis_r: the path then crosses the
    hip three times (femur -> cylinder -> femur) and OpenSim's moment arm is the sum of three
    pulls; the lever drawn is the first (the pull of the muscle's pelvis part on the femur)."""
    f, a, r = GRID
    singles = 0
    for name in WRAPPED:
        mu = raj.muscle(name)
        lv = lever.rotation_lever(raj, mu, f, a, r)
        ma = mechanics.moment_arms_m(raj, mu, f, a, r)[..., 2] * 1000
        length = np.linalg.norm(lv.tip_m - lv.foot_m, axis=-1) * 1000
        once = mu.path.crossings(f, a, r) == 1
        assert np.allclose(length[once], np.abs(ma[once]), atol=1e-9, rtol=0), name
        assert np.allclose(lv.moment_arm_mm[once], ma[once], atol=1e-9, rtol=0), name
        assert np.allclose(length, np.abs(lv.moment_arm_mm), atol=1e-9, rtol=0)  # the drawn lever is its own arm
        singles += int((~once).sum())
        if name != "glmax1_r":
            assert once.all(), name
    assert singles == 1


def test_stretch_and_anatomy_work_on_wrapped_muscles(raj):
    mu = raj.muscle("glmax1_r")
    best = stretch.longest_length(raj, mu, (0, 120), (-30, 30), (-45, 45), grid_points=9)
    pose = (best.flexion_deg, best.adduction_deg, best.rotation_deg)
    assert best.length_mm == pytest.approx(float(mechanics.muscle_length_m(raj, mu, *pose)) * 1000, abs=1e-6)
    scene = anatomy.anatomy_scene(raj, ["glmax1_r", "iliacus_r", "piri_r"], 60.0, 5.0, -10.0)
    assert [m.id for m in scene.muscles] == ["glmax1_r", "iliacus_r", "piri_r"]
    gm = scene.muscles[0]
    assert gm.points_mm.shape == (4 + 12, 3)
    assert np.linalg.norm(gm.lever_mm[1] - gm.lever_mm[0]) == pytest.approx(abs(gm.rotation_moment_arm_mm), abs=1e-9)


def test_wrap_surfaces_are_exposed_for_drawing(raj):
    names = {w.name: w for w in raj.wraps}
    assert len(names) == 11 + 3 and all(isinstance(w, WrapObject) for w in raj.wraps)  # + the three on the tibia
    w = names["Gmax1_at_pelvis_r"]
    assert w.kind == "cylinder" and w.body == "pelvis" and w.radius_m > 0 and w.muscles == ("glmax1_r",)
    assert np.isclose(np.linalg.norm(w.axis), 1.0)
    # a wrapped path's arc lies on the cylinder: distance to the axis == radius
    om = raj.origin.muscle("glmax1_r")
    pts = om.path_points_m(0.0)
    c, ax = np.array(w.centre_m), np.array(w.axis)
    arc = pts[2:2 + 12] if om.wraps(0.0) else None
    if arc is not None:
        d = arc - c
        dist = np.linalg.norm(d - np.outer(d @ ax, ax), axis=-1)
        assert np.allclose(dist, w.radius_m, atol=1e-9)


# ------------------------------------------------------------------ convert
def test_convert_round_trip(tmp_path, capsys):
    out = tmp_path / "raj.json"
    code, _, err = run(["convert", RAJ, "-o", out], capsys)
    assert code == 0, err
    assert "glmax1_r" in err and "iliacus_r" in err and "recfem_r: crosses the knee" in err
    assert "they cross the knee too" in err and "tfl_r" in err
    converted = load_model_file(out)
    imp = read_osim(RAJ)
    assert json.loads(out.read_text()) == json.loads(json.dumps(imp.to_json_dict()))
    full = model_from_osim(imp)
    f, a, r = GRID
    assert converted.muscle_ids == tuple(m.id for m in full.muscles if m.path is None and m.id not in imp.two_joint)
    for mu in converted.muscles:
        c1, c2 = mechanics.curves(converted, mu, f, a, r), mechanics.curves(full, full.muscle(mu.id), f, a, r)
        for col in COLS:
            assert np.array_equal(getattr(c1, col), getattr(c2, col)), (mu.id, col)
    # the CLI on the converted file: the same numbers as on the .osim
    args = ["curve", "--muscle", "piri_r", "--csv", "--step", "7"]
    assert run(args + ["--model-file", out], capsys)[1] == run(args + ["--model-file", RAJ], capsys)[1]
    # no overwrite without --force; nothing read, nothing written
    before = out.read_bytes()
    code, _, err = run(["convert", RAJ, "-o", out], capsys)
    assert code == 2 and err.count("\n") == 1 and "--force" in err and out.read_bytes() == before
    assert run(["convert", RAJ, "-o", out, "--force"], capsys)[0] == 0
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind
    code, text, _ = run(["convert", RAJ], capsys)  # stdout
    assert code == 0 and json.loads(text)["id"] == "rajagopal2016"


# ------------------------------------------------------------------ bad files through the CLI
def _bad_files(tmp_path) -> dict:
    gait = FILES["gait2392"].read_text()
    raj = RAJ.read_text()
    files = {
        "notxml.osim": b"this is not XML at all",
        "bomb.osim": b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<OpenSimDocument Version="40000"><Model name="&lol3;"/></OpenSimDocument>""",
        "cut.osim": gait.encode()[: len(gait) // 2],
        "nohip.osim": re.sub(r'<CustomJoint name="hip_r">.*?</CustomJoint>', "", gait, count=1, flags=re.S).encode(),
        "sniffed.model": b"<?xml version='1.0'?>\n<OpenSimDocument Version='40000'><Model",  # no .osim suffix
    }
    i = raj.index('<WrapCylinder name="Gmax1_at_pelvis_r">')
    j = raj.index("</WrapCylinder>", i)
    files["negradius.osim"] = (raj[:i] + re.sub(r"<radius>[^<]*</radius>", "<radius>-0.04</radius>", raj[i:j])
                               + raj[j:]).encode()
    old = re.search(r'<PathPoint name="peri_r-P3">.*?</PathPoint>', gait, re.S).group(0)
    c = "/jointset/hip_r/hip_flexion_r"
    files["onepoint.osim"] = gait.replace(old, f"""<MovingPathPoint name="peri_r-P3">
<socket_parent_frame>/bodyset/femur_r</socket_parent_frame>
<socket_x_coordinate>{c}</socket_x_coordinate><socket_y_coordinate>{c}</socket_y_coordinate><socket_z_coordinate>{c}</socket_z_coordinate>
<x_location><SimmSpline><x>0.5</x><y>-0.0148</y></SimmSpline></x_location>
<y_location><Constant><value>-0.0036</value></Constant></y_location>
<z_location><Constant><value>0.0437</value></Constant></z_location>
</MovingPathPoint>""").encode()
    paths = {}
    for n, data in files.items():
        paths[n] = tmp_path / n
        paths[n].write_bytes(data)
    huge = tmp_path / "huge.osim"
    with open(huge, "wb") as fh:
        fh.write(b"<OpenSimDocument>")
        fh.truncate(50 * 1024 * 1024)
    paths["huge.osim"] = huge
    return paths


@pytest.mark.parametrize("case,muscle,words", [
    ("notxml.osim", "piriformis", ["notxml.osim", "not well-formed"]),
    ("bomb.osim", "piriformis", ["bomb.osim", "unsafe XML"]),
    ("cut.osim", "piriformis", ["cut.osim", "not well-formed"]),
    ("nohip.osim", "piriformis", ["nohip.osim", "no right hip joint"]),
    ("sniffed.model", "piriformis", ["sniffed.model", "not well-formed"]),
    ("huge.osim", "piriformis", ["huge.osim", "at most"]),
    ("negradius.osim", "glmax1_r", ["glmax1_r", "left out", "radius -0.04 must be positive", "Gmax1_at_pelvis_r"]),
    ("onepoint.osim", "piriformis", ["peri_r", "left out", "at least 2 points"]),
])
def test_bad_files_through_the_cli_give_one_line_and_exit_2(tmp_path, capsys, case, muscle, words):
    p = _bad_files(tmp_path)[case]
    for cmd in (["curve", "--model-file", p, "--muscle", muscle], ["switch", "--model-file", p, "--muscle", muscle]):
        code, out, err = run(cmd, capsys)
        assert code == 2 and out == "", (case, err)
        assert err.count("\n") == 1 and err.startswith("hipmodel: error: "), err
        for w in words:
            assert w in err, (w, err)
    if case in ("negradius.osim", "onepoint.osim"):  # nothing else affected: the other muscles still work
        other = "glmax2_r" if case == "negradius.osim" else "gem_r"
        assert run(["curve", "--model-file", p, "--muscle", other, "--stop", "10"], capsys)[0] == 0
    else:
        assert run(["convert", p], capsys)[0] == 2


# ------------------------------------------------------------------ the app
def test_upload_handler_parses_bytes_and_never_touches_disk(tmp_path):
    from hipmodel.app.upload import MAX_UPLOAD_BYTES, is_upload, parse_upload

    model, err = parse_upload(RAJ.read_bytes(), "Rajagopal2016.osim")
    assert err == "" and is_upload(model.id) and model.name.startswith("Uploaded: ")
    assert model.path == "Rajagopal2016.osim" and model.muscle("glmax1_r").path is not None
    again, _ = parse_upload(RAJ.read_bytes(), "other.osim")
    assert again.id != model.id  # the id hashes the name and the bytes
    for data, name, words in ((b"junk", "junk.osim", "not well-formed"), (RAJ.read_bytes(), "raj.txt", "not an .osim"),
                              (b" " * (MAX_UPLOAD_BYTES + 1), "big.osim", "at most")):
        m, err = parse_upload(data, name)
        assert m is None and "\n" not in err and words in err, err


def test_app_opens_an_uploaded_osim():
    from streamlit.testing.v1 import AppTest

    import hipmodel as hm

    app = str(Path(__file__).resolve().parent.parent / "app.py")
    at = AppTest.from_file(app, default_timeout=120)
    at.run()
    assert not at.exception
    at.file_uploader(key="osim_upload").set_value(("Rajagopal2016.osim", RAJ.read_bytes(), "application/xml")).run()
    assert not at.exception, [e.value for e in at.exception]
    mid = at.selectbox(key="model").value
    assert mid.startswith("upload-")
    assert at.multiselect(key="muscles").value == ["piri_r"]  # the piriformis, by its bundled name
    assert "model" not in at.query_params and "flexion" in at.query_params  # the link keeps the pose only
    assert any("cannot carry an uploaded model" in c.value for c in at.sidebar.caption)
    panel = next(e for e in at.sidebar.expander if "24 muscles loaded" in e.label)  # 18 hip + 6 two-joint
    assert "56 left out" in panel.label
    # the two-joint muscles follow the knee angle: read again at 90 deg, the numbers are those of the import at 90
    at.multiselect(key="muscles").set_value(["semimem_r"]).run()
    at.slider(key="flexion").set_value(30.0).run()
    at.number_input(key="upload_knee").set_value(90.0).run()
    assert not at.exception and not at.sidebar.error, [e.value for e in at.sidebar.error]
    bent = load_osim_model(RAJ, knee_flexion_deg=90.0)
    straight = load_osim_model(RAJ)
    want = float(hm.curves(bent, bent.muscle("semimem_r"), 30.0).rotation_moment_arm_mm)
    other = float(hm.curves(straight, straight.muscle("semimem_r"), 30.0).rotation_moment_arm_mm)
    shown = next(m.value for m in at.metric if m.label.startswith("semimem_r: rotation moment arm"))
    assert shown == f"{want:+.1f} mm" and f"{want:+.1f}" != f"{other:+.1f}", (shown, want, other)
    assert at.selectbox(key="model").value != mid  # a new id: caches keyed by it cannot mix the two
    mid = at.selectbox(key="model").value
    at.multiselect(key="muscles").set_value(["glmax1_r", "iliacus_r"]).run()
    at.slider(key="flexion").set_value(60.0).run()
    assert not at.exception and not at.error
    raj = load_osim_model(RAJ)
    expected = float(hm.curves(raj, raj.muscle("glmax1_r"), 60.0).rotation_moment_arm_mm)
    value = next(m.value for m in at.metric if m.label.startswith("glmax1_r: rotation moment arm"))
    assert value == f"{expected:+.1f} mm"
    # a broken file: one line in the sidebar, the uploaded model and the page keep working
    at.file_uploader(key="osim_upload").set_value(("bad.osim", b"<OpenSimDocument><Model", "application/xml")).run()
    assert not at.exception
    assert [e.value for e in at.sidebar.error] == ["Could not open the file: bad.osim: line 1: not well-formed XML (unclosed token)"]
    assert at.selectbox(key="model").value == mid
    # a fresh session never sees another session's upload
    other = AppTest.from_file(app, default_timeout=120)
    other.run()
    assert not any(o.startswith("upload-") for o in other.selectbox(key="model").options)
    # removing the file forgets it and goes back to the default model
    at.file_uploader(key="osim_upload").set_value(None).run()
    assert not at.exception and at.selectbox(key="model").value == "gait2392"


def test_stretches_tab_and_nerve_overlay_find_an_uploaded_models_piriformis():
    """An uploaded .osim names its piriformis 'piri_r': the Stretches tab shows its numbers (it
    used to say the model had no piriformis) and the nerve overlay is drawn around it."""
    from streamlit.testing.v1 import AppTest

    from hipmodel import anatomy
    from hipmodel.plots.anatomy import nerve_overlay

    app = str(Path(__file__).resolve().parent.parent / "app.py")
    at = AppTest.from_file(app, default_timeout=120)
    at.query_params["flexion"] = "100"
    at.run()
    at.file_uploader(key="osim_upload").set_value(("Rajagopal2016.osim", RAJ.read_bytes(), "application/xml")).run()
    at.session_state["tab"] = "Stretches"
    at.run()
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    raj = load_osim_model(RAJ)
    piri = raj.piriformis
    assert piri is not None and piri.id == "piri_r"
    lc = stretch.length_change(raj, piri, 100.0, 0.0, 0.0)
    shown = next(m.value for m in at.metric if m.label.startswith("Length vs standing, now"))
    assert shown == f"{float(lc.change_mm):+.1f} mm"
    # the same numbers as the bundled Rajagopal JSON: the import is the same model
    bundled = load_model("rajagopal2016")
    assert float(lc.change_mm) == pytest.approx(
        float(stretch.length_change(bundled, bundled.muscle("piriformis"), 100.0, 0.0, 0.0).change_mm), abs=1e-9)
    # the nerve overlay finds it too
    sc = anatomy.anatomy_scene(raj, [piri.id], 30.0, 0.0, 0.0)
    assert sc.piriformis is not None and sc.piriformis.id == "piri_r"
    assert nerve_overlay(sc, "A") is not None
