"""The 3-D figure: every frame is the model at that pose, drawn to scale, small enough to send.

Frames are decoded from the spec the browser gets (base64 float32), and checked against an
independent construction of the femur's rotation (hip_geometry.md: R = Rz(flexion) Rx(adduction)
Ry(rotation) about the hip centre) and against the moment arms of hipmodel.mechanics.
"""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

import hipmodel as hm
from hipmodel.bones import bones_for_model
from hipmodel.plots.hip3d import credits_text, hip3d_html, hip3d_spec, spec_at
from conftest import run_cli


def decode(a):
    if isinstance(a, dict):
        return np.frombuffer(base64.b64decode(a["bdata"]), dtype={"f4": "<f4", "i4": "<i4"}[a["dtype"]])
    return np.asarray(a, dtype=float)


def xyz(trace):
    return np.column_stack([decode(trace["x"]), decode(trace["y"]), decode(trace["z"])])


def rot(axis, deg):
    c, s = np.cos(np.deg2rad(deg)), np.sin(np.deg2rad(deg))
    return {"x": np.array([[1, 0, 0], [0, c, -s], [0, s, c]]), "y": np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]),
            "z": np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])}[axis]


def to_screen_mm(p_rel_m):
    """Pelvis frame (x anterior, y superior, z right), relative to the hip -> screen: lateral, anterior, up (mm)."""
    return 1000.0 * np.asarray(p_rel_m)[:, [2, 0, 1]]


@pytest.fixture(scope="module")
def gait():
    return hm.load_model("gait2392")


@pytest.fixture(scope="module")
def spec(gait):
    return hip3d_spec(gait, ["piriformis", "gemelli", "quadratus_femoris"], adduction_deg=10.0, rotation_deg=-20.0)


def test_every_frame_holds_the_femur_mesh_turned_by_the_joint(gait, spec):
    femur = next(b for b in bones_for_model(gait).bones if b.body == "femur")
    idx = next(i for i, t in enumerate(spec["data"]) if t.get("name") == "femur")
    for frame in spec["frames"]:
        f = float(frame["name"])
        R = rot("z", f) @ rot("x", 10.0) @ rot("y", -20.0)
        expected = to_screen_mm(femur.vertices_m @ R.T)  # femur vertices are relative to the hip centre
        got = xyz(frame["data"][frame["traces"].index(idx)])
        assert np.abs(got - expected).max() < 0.01, f  # float32 of mm: well under a hundredth of a mm


def test_the_camera_sees_flexion_from_the_side_and_the_piriformis_from_behind(gait):
    """Flexion swings the femur in the plane at right angles to the lateral axis (screen X): the
    opening camera looks within 50 deg of that axis, so the swing crosses the screen (from
    straight behind, 70 deg off, the flexed femur pointed away from the viewer and seemed not to
    move); and it looks from behind (Y < 0), where the piriformis lies."""
    sc = hip3d_spec(gait, ["piriformis"])["layout"]["scene"]
    # plotly.js scales each axis to its aspect ratio: one scene unit is (range width / ratio) mm
    per_unit = np.array([(sc[a]["range"][1] - sc[a]["range"][0]) / sc["aspectratio"][k]
                         for a, k in (("xaxis", "x"), ("yaxis", "y"), ("zaxis", "z"))])
    cam = sc["camera"]
    view = np.array([cam["eye"][k] - cam.get("center", {}).get(k, 0.0) for k in "xyz"]) * per_unit
    view /= np.linalg.norm(view)
    assert np.degrees(np.arccos(abs(view[0]))) < 50.0, view
    assert view[1] < 0.0 and view[0] > 0.0, view  # behind, and on the right hip's own side


def test_every_lever_is_the_rotation_moment_arm_at_that_pose(gait, spec):
    for m_id in ("piriformis", "gemelli", "quadratus_femoris"):
        mu = gait.muscle(m_id)
        idx = next(i for i, t in enumerate(spec["data"]) if t.get("name") == f"{mu.name}: lever")
        for frame in spec["frames"][::5]:
            f = float(frame["name"])
            lever = xyz(frame["data"][frame["traces"].index(idx)])
            ma = abs(float(hm.moment_arms_m(gait, mu, f, 10.0, -20.0)[2])) * 1000
            assert abs(np.linalg.norm(lever[1] - lever[0]) - ma) < 0.01, (m_id, f)


def test_titles_say_the_value_and_action_of_each_frame(gait, spec):
    for frame in spec["frames"]:
        f = float(frame["name"])
        ma = float(hm.moment_arms_m(gait, gait.muscle("piriformis"), f, 10.0, -20.0)[2]) * 1000
        title = frame["layout"]["title"]["text"]
        assert f"Flexion {f:g}\u00b0" in title and f"Piriformis: {ma:+.1f} mm" in title
        word = "almost no rotation lever" if abs(ma) < 1 else "internal rotator" if ma > 0 else "external rotator"
        assert re.search(rf"Piriformis: [^<]*{word}", title), (f, title)


def test_the_figure_is_small_and_opens_at_the_chosen_flexion(spec):
    assert len(spec["frames"]) == 71  # every 2 deg from -20 to 120
    assert len(json.dumps(spec)) < 2_000_000  # one model, three muscles
    s = spec_at(spec, 57.3)
    assert s["layout"]["sliders"][0]["active"] == 39 and "Flexion 58\u00b0" in s["layout"]["title"]["text"]
    assert s["frames"] is spec["frames"] and spec["layout"]["sliders"][0]["active"] == 10  # the cached spec untouched


def test_html_is_self_contained_with_its_credits(gait):
    html = hip3d_html(spec_at(hip3d_spec(gait, ["piriformis"]), 30.0), credits=credits_text(gait))
    assert "<script src=" not in html and "cdn.plot.ly" not in html.split("Plotly.newPlot")[-1]
    assert "plotly.js v" in html or "plotly.js" in html[:20000]
    assert "Delp SL" in html and "opensim-org/opensim-models" in html  # the model's and the meshes' credits


def test_cli_writes_the_html_and_refuses_a_bad_name(tmp_path):
    out = tmp_path / "hip.html"
    run = run_cli("figure3d", "--muscle", "piriformis", "--flexion", "60", "--out", out)
    assert run.returncode == 0 and out.stat().st_size > 3_000_000 and "71 flexion frames" in run.stdout
    assert "Flexion 60\\u00b0" in out.read_text()  # the frame shown first (JSON escapes the degree sign)
    bad = run_cli("figure3d", "--out", tmp_path / "x.png")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and ".html" in bad.stderr


def test_a_long_caption_grows_the_tall_figure_instead_of_running_off_it():
    """The explorer's column figure: with an upload's borrowed-bones credit and a knee note the
    caption had more lines than its space (cut off in the app)."""
    from hipmodel.osim.as_model import load_osim_model
    from conftest import OSIM_DIR

    m = load_osim_model(OSIM_DIR / "Rajagopal2016.osim", knee_flexion_deg=90.0)
    for model, muscles in ((m, ["piri_r", "semimem_r"]), (hm.load_model("gait2392"), ["piriformis"])):
        lay = hip3d_spec(model, muscles, arrangement="tall")["layout"]
        credit = next(a for a in lay["annotations"] if a["text"].startswith("Lever:"))
        lines = credit["text"].count("<br>") + 1
        plot_h = lay["height"] - lay["margin"]["t"] - lay["margin"]["b"]
        room = credit["y"] * plot_h + lay["margin"]["b"]  # from the caption's top down to the figure's bottom
        assert lines * 15.5 <= room, (lines, room)
