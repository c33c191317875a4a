"""Stretch core: poses file, length change, the length map, the lengthening rotation and its flip,
the longest-length search and the figure-4 steps."""

from __future__ import annotations

import re

import json

import numpy as np
import pytest

from hipmodel import stretch as S
from hipmodel.mechanics import curves, muscle_length_m
from hipmodel.model import load_model
from hipmodel.switch import sign_change_angles
from hipmodel.words import rotation_words
from conftest import GAIT2392_HIP, GAIT2392_PATHS, hand_length_mm, hand_moment_arm_mm, run_main

MODELS = ("gait2392", "rajagopal2016", "dostal1981", "tlem2")
REQUIRED_POSES = {"standing", "sitting", "figure4", "knee_to_opposite_shoulder", "mcgovern1", "mcgovern2",
                  "mcgovern3", "mcgovern4", "fair", "deep_squat"}


def piri(model):
    return model.muscle("piriformis")


# ---------------------------------------------------------------------------------
# The pose file
# ---------------------------------------------------------------------------------


def test_bundled_poses_load_with_sources_and_honest_flags():
    poses = S.load_poses()
    ids = {p.id for p in poses}
    assert REQUIRED_POSES <= ids
    by = {p.id: p for p in poses}
    assert by["standing"].angles == (0.0, 0.0, 0.0)
    # the McGovern angles are the paper's
    assert by["mcgovern1"].angles == (0.0, 0.0, 45.0) and by["mcgovern1"].flag == "VERIFIED"
    assert by["mcgovern2"].angles == (90.0, 0.0, -45.0)
    assert by["mcgovern3"].angles == (90.0, 30.0, 0.0)
    assert by["mcgovern4"].adduction_deg == 30.0 and by["mcgovern4"].flag == "PARTLY CHOSEN"
    # FAIR angles are not verified, and the file says so
    assert by["fair"].flag == "UNVERIFIED" and "UNVERIFIED" in by["fair"].angles_from
    for p in poses:
        assert p.how_to and p.angles_from and p.source_citation
        if p.flag == "CHOSEN":
            assert "chosen by us" in p.angles_from
        # flexion +, internal rotation +: the figure-4 and McGovern 2 turn the thigh out
    assert by["figure4"].rotation_deg < 0 and by["figure4"].flexion_deg >= 90


def _pose_file(tmp_path, mutate, name="poses_test.json"):
    data = json.loads(S.POSES_FILE.read_text(encoding="utf-8"))
    mutate(data)
    p = tmp_path / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


@pytest.mark.parametrize("mutate,match", [
    (lambda d: d["poses"][2].__setitem__("flexion_deg", 200), r"poses\[2\] \(figure4\)\.flexion_deg'.*-180\.\.180"),
    (lambda d: d["poses"][0].__setitem__("rotation_deg", "ten"), r"poses\[0\] \(standing\)\.rotation_deg'.*number"),
    (lambda d: d["poses"][1].pop("adduction_deg"), r"poses\[1\] \(sitting\)\.adduction_deg': missing"),
    (lambda d: d["poses"][3].__setitem__("flag", "PROBABLY"), r"flag'.*'PROBABLY' is not one of"),
    (lambda d: d["poses"][3].__setitem__("source", "nowhere"), r"source'.*unknown source 'nowhere'"),
    (lambda d: d["poses"][4].__setitem__("id", "standing"), r"duplicate pose id or name 'standing'"),
    (lambda d: d["poses"][5].__setitem__("how_to", "  "), r"how_to': must not be empty"),
    (lambda d: d["poses"][5].__setitem__("category", "yoga"), r"category'.*'yoga' is not one of"),
    (lambda d: d["poses"][0].__setitem__("flexion_deg", True), r"flexion_deg'.*number"),
    (lambda d: d.__setitem__("poses", []), r"field 'poses'"),
    (lambda d: d.__setitem__("schema_version", 7), r"schema_version"),
])
def test_bad_pose_files_give_clear_errors_naming_file_and_field(tmp_path, mutate, match):
    p = _pose_file(tmp_path, mutate)
    with pytest.raises(S.PoseFileError, match=match) as e:
        S.load_poses_file(p)
    assert str(e.value).startswith("poses_test.json: ")


def test_pose_file_not_json_missing_or_nan(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(S.PoseFileError, match=r"broken\.json: not valid JSON \(line 1"):
        S.load_poses_file(bad)
    with pytest.raises(S.PoseFileError, match=r"absent\.json: cannot read file"):
        S.load_poses(tmp_path / "absent.json")
    nan = tmp_path / "nan.json"
    nan.write_text(S.POSES_FILE.read_text().replace('"flexion_deg": 90', '"flexion_deg": NaN', 1))
    with pytest.raises(S.PoseFileError, match=r"poses\[1\]\.flexion_deg.: must be a finite number"):
        S.load_poses_file(nan)


def test_nothing_half_loaded(tmp_path):
    """A file with one bad pose at the end yields an error, not the good poses before it."""
    p = _pose_file(tmp_path, lambda d: d["poses"][-1].__setitem__("rotation_deg", -999))
    with pytest.raises(S.PoseFileError):
        S.load_poses(p)
    assert str(p) not in S.poses._CACHE


def test_find_pose_by_id_or_name_and_closest_names():
    assert S.find_pose("figure-4").id == "figure4"
    assert S.find_pose("Figure four").id == "figure4"
    assert S.find_pose("Deep squat").id == "deep_squat"
    with pytest.raises(KeyError, match=r"unknown pose 'figure5'; closest: figure4"):
        S.find_pose("figure5")


# ---------------------------------------------------------------------------------
# Length change, table and map
# ---------------------------------------------------------------------------------


def test_length_change_against_standing_broadcasts(gait):
    mu = piri(gait)
    flex = np.array([0.0, 45.0, 90.0])[:, None]
    rot = np.array([-30.0, 0.0, 30.0])[None, :]
    lc = S.length_change(gait, mu, flex, 10.0, rot)
    assert lc.length_mm.shape == lc.change_mm.shape == lc.change_pct.shape == (3, 3)
    L0 = float(muscle_length_m(gait, mu, 0, 0, 0)) * 1000
    assert lc.standing_mm == pytest.approx(L0)
    direct = muscle_length_m(gait, mu, flex, 10.0, rot) * 1000
    np.testing.assert_allclose(lc.change_mm, direct - L0)
    np.testing.assert_allclose(lc.change_pct, 100 * (direct - L0) / L0)
    assert S.length_change(gait, mu, 0.0).change_mm == pytest.approx(0.0, abs=1e-12)
    # hip_geometry.md: Gait2392 piriformis 136.3 mm standing, 151.2 mm at 90 deg flexion
    assert lc.standing_mm == pytest.approx(136.3, abs=0.05)
    assert float(S.length_change(gait, mu, 90.0).length_mm) == pytest.approx(151.2, abs=0.05)


def test_pose_table_against_the_hand_written_path(gait):
    """Every named pose's change, moment arm and words against the Gait2392 piriformis written out by
    hand from hip_geometry.md (conftest.hand_length_mm), not against length_change, which pose_table calls."""
    mu = piri(gait)
    pelvis, femur = GAIT2392_PATHS["piriformis"]
    standing = hand_length_mm(pelvis, femur, GAIT2392_HIP, 0.0)
    assert standing == pytest.approx(136.3, abs=0.05)  # hip_geometry.md's own figure
    rows = S.pose_table(gait, mu)
    assert len(rows) >= 3
    for r in rows:
        length = hand_length_mm(pelvis, femur, GAIT2392_HIP, *r.pose.angles)
        assert r.length_mm == pytest.approx(length, abs=1e-9)
        assert r.change_mm == pytest.approx(length - standing, abs=1e-9)
        assert r.change_pct == pytest.approx(100 * (length - standing) / standing, abs=1e-9)
        arm = hand_moment_arm_mm("piriformis", *r.pose.angles)
        assert r.rotation_moment_arm_mm == pytest.approx(arm, abs=1e-4)
        # a muscle that pulls towards internal rotation (arm > 0) is lengthened by external rotation
        assert r.lengthening_rotation == ("external rotation" if arm > 0 else "internal rotation"), r.pose.id


def test_length_map_is_one_grid_equal_to_pointwise(gait):
    mu = piri(gait)
    m = S.length_map(gait, mu, np.arange(0, 121, 10.0), np.arange(-45, 46, 15.0), adduction_deg=10.0)
    assert m.length_mm.shape == (13, 7) and m.rotation_moment_arm_mm.shape == (13, 7)
    for i in (0, 6, 12):
        for j in (0, 3, 6):
            c = curves(gait, mu, m.flexion_deg[i], 10.0, m.rotation_deg[j])
            assert m.length_mm[i, j] == pytest.approx(float(c.length_mm))
            assert m.rotation_moment_arm_mm[i, j] == pytest.approx(float(c.rotation_moment_arm_mm))
    assert m.change_mm[0, 3] == pytest.approx(float(S.length_change(gait, mu, 0, 10, 0).change_mm))
    default = S.length_map(gait, mu)
    assert default.length_mm.shape == (121, 91)
    with pytest.raises(ValueError, match="adduction"):
        S.length_map(gait, mu, adduction_deg=400)


# ---------------------------------------------------------------------------------
# Which rotation lengthens it, and where that flips
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model_id", MODELS)
@pytest.mark.parametrize("add,rot", [(0.0, 0.0), (20.0, -30.0), (-20.0, -30.0), (10.0, 20.0)])
def test_lengthening_rotation_flips_at_the_switch_angle(model_id, add, rot):
    model = load_model(model_id)
    mu = piri(model)
    flips = S.rotation_flip_angles(model, mu, add, rot)
    switches = [s.flexion_deg for s in sign_change_angles(model, mu, add, rot)]
    assert len(flips) == len(switches) >= 1
    for f, s in zip(flips, switches):
        assert f == pytest.approx(s, abs=0.05)
    # on either side of the flip, the lengthening rotation is opposite, and equals sign(-moment arm)
    f0 = flips[0]
    before, after = S.lengthening_rotation(model, mu, [f0 - 2.0, f0 + 2.0], add, rot)
    assert before == 1 and after == -1  # internal below the switch, external above
    slope = S.length_slope_mm_per_deg(model, mu, [f0 - 2.0, f0 + 2.0], add, rot)
    r = curves(model, mu, [f0 - 2.0, f0 + 2.0], add, rot).rotation_moment_arm_mm
    np.testing.assert_array_equal(np.sign(slope), np.sign(-r))


def test_slope_is_minus_moment_arm_in_mm_per_degree(gait):
    mu = piri(gait)
    flex = np.linspace(0, 120, 25)
    slope = S.length_slope_mm_per_deg(gait, mu, flex, 5.0, -10.0)
    r = curves(gait, mu, flex, 5.0, -10.0).rotation_moment_arm_mm
    np.testing.assert_allclose(slope, -r * np.pi / 180.0, atol=1e-6)
    assert rotation_words(1) == "internal rotation" and rotation_words(-1) == "external rotation"
    assert rotation_words(0) == "neither"


def test_switch_line_matches_the_switch_finder_per_rotation(rajagopal):
    mu = piri(rajagopal)
    rots = np.array([-45.0, -20.0, 0.0, 25.0, 45.0])
    line = S.switch_line(rajagopal, mu, rots, adduction_deg=10.0)
    for r, f in zip(rots, line):
        expect = sign_change_angles(rajagopal, mu, 10.0, r, start_deg=0.0, stop_deg=120.0)
        assert f == pytest.approx(expect[0].flexion_deg, abs=0.01)
    # no flip in range -> NaN, not an invented angle
    assert np.isnan(S.switch_line(rajagopal, mu, [0.0], start_deg=70.0, stop_deg=120.0)[0])


def test_flip_angles_empty_when_it_never_flips(gait):
    assert S.rotation_flip_angles(gait, piri(gait), start_deg=70.0, stop_deg=120.0) == []
    with pytest.raises(ValueError, match="stop"):
        S.rotation_flip_angles(gait, piri(gait), start_deg=50.0, stop_deg=10.0)


# ---------------------------------------------------------------------------------
# The longest piriformis in a joint-range box
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model_id", MODELS)
def test_longest_length_beats_a_dense_independent_grid_and_stays_in_the_box(model_id):
    model = load_model(model_id)
    mu = piri(model)
    box = ((10.0, 110.0), (-25.0, 15.0), (-40.0, 35.0))
    best = S.longest_length(model, mu, *box)
    for v, (lo, hi) in zip(best.angles, box):
        assert lo <= v <= hi
    f = np.arange(10.0, 110.0 + 1e-9, 1.0)
    a = np.arange(-25.0, 15.0 + 1e-9, 1.0)
    r = np.arange(-40.0, 35.0 + 1e-9, 1.0)
    grid = muscle_length_m(model, mu, f[:, None, None], a[None, :, None], r[None, None, :]) * 1000
    assert best.length_mm >= grid.max() - 1e-9
    assert best.length_mm == pytest.approx(float(muscle_length_m(model, mu, *best.angles)) * 1000)
    assert best.change_mm == pytest.approx(best.length_mm - best.standing_mm)


def test_longest_length_random_boxes(gait):
    rng = np.random.default_rng(3)
    mu = piri(gait)
    for _ in range(5):
        box = [tuple(sorted(rng.uniform(lo, hi, 2))) for lo, hi in ((-10, 130), (-40, 40), (-60, 60))]
        best = S.longest_length(gait, mu, *box)
        pts = [rng.uniform(lo, hi, 4000) for lo, hi in box]
        sample = muscle_length_m(gait, mu, *pts) * 1000
        assert best.length_mm >= sample.max() - 1e-9
        assert all(lo - 1e-12 <= v <= hi + 1e-12 for v, (lo, hi) in zip(best.angles, box))


def test_longest_length_fixed_angle_and_bad_ranges(gait):
    best = S.longest_length(gait, piri(gait), (90.0, 90.0), (0.0, 0.0), (-45.0, 45.0))
    assert best.flexion_deg == 90.0 and best.adduction_deg == 0.0
    with pytest.raises(ValueError, match="flexion range: high"):
        S.longest_length(gait, piri(gait), (100.0, 10.0))
    with pytest.raises(ValueError, match="rotation range"):
        S.longest_length(gait, piri(gait), rotation_range=(0.0, 500.0))
    with pytest.raises(ValueError, match="adduction range"):
        S.longest_length(gait, piri(gait), adduction_range=5.0)


@pytest.mark.parametrize("model_id", MODELS)
def test_literature_derived_claim_longest_at_max_flexion_adduction_external(model_id):
    """literature.md section 4 (DERIVED): within 0-120 flexion, +/-30 adduction, +/-45 rotation the
    piriformis is longest at maximal flexion with 30 adduction and 45 external rotation, +18..+29 mm."""
    model = load_model(model_id)
    best = S.longest_length(model, piri(model), (0, 120), (-30, 30), (-45, 45))
    assert best.flexion_deg >= 115.0  # at or just short of the end of the flexion range
    assert best.adduction_deg == pytest.approx(30.0)
    assert best.rotation_deg == pytest.approx(-45.0)
    assert 17.5 <= best.change_mm <= 29.5  # "+18 to +29 mm", rounded
    assert {"adduction max", "rotation min"} <= set(best.at_limits)


# ---------------------------------------------------------------------------------
# The figure-4 explainer
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model_id", MODELS)
def test_figure4_steps_numbers_and_sentences(model_id):
    model = load_model(model_id)
    mu = piri(model)
    steps = S.figure4_steps(model, mu)
    assert [s.number for s in steps] == [1, 2, 3, 4]
    assert steps[0].angles == (0.0, 0.0, 0.0)
    F, A, R = S.FIGURE4_FINAL_POSE
    assert steps[1].angles == (F, 0.0, 0.0) and steps[2].angles == (F, 0.0, R) and steps[3].angles == (F, A, R)
    for st in steps:
        c = curves(model, mu, *st.angles)
        assert st.length_mm == pytest.approx(float(c.length_mm))
        assert st.rotation_moment_arm_mm == pytest.approx(float(c.rotation_moment_arm_mm))
        assert st.change_mm == pytest.approx(st.length_mm - steps[0].length_mm)
        for v in st.shown.values():  # each recorded number is in the sentence, as shown
            assert any(re.search(rf"(?<![\d.]){re.escape(f'{abs(v):.{d}f}')}(?!\d|\.\d)", st.sentence)
                       for d in (0, 1)), (v, st.sentence)
    assert sum(s.step_change_mm for s in steps) == pytest.approx(steps[-1].change_mm)
    # why the stretch works: deep flexion turns the piriformis into an internal rotator, so turning out lengthens
    assert steps[0].rotation_moment_arm_mm < 0 < steps[1].rotation_moment_arm_mm
    assert steps[2].step_change_mm > 0 and "lengthens" in steps[2].sentence
    # issue 14: the figure-4 as done lets the crossed knee fall out (abduction): it gives back a little length,
    # and the piriformis stays an internal rotator there, so the crossed ankle keeps stretching it
    assert A < 0 and "Crossed knee falls out" in steps[3].title
    assert steps[3].step_change_mm < 0 and "fall out to the side" in steps[3].sentence
    assert "abductor" in steps[3].sentence and "opposite shoulder" not in steps[3].sentence
    assert steps[3].rotation_moment_arm_mm > 0 and "still an internal rotator" in steps[3].sentence
    assert "external rotator" in steps[0].sentence and "internal rotator" in steps[1].sentence


def test_figure4_default_final_pose_is_the_pose_file_figure4():
    """One source: the explainer's default final pose is the explorer preset 'figure4' of data/poses.json."""
    assert S.FIGURE4_FINAL_POSE == S.figure4_final_pose() == S.find_pose("figure4").angles
    assert S.find_pose("figure4").adduction_deg < 0  # ABduction: the crossed knee falls out


@pytest.mark.parametrize("model_id", MODELS)
def test_figure4_knee_across_says_external_rotator_again(model_id):
    """Pulling the knee across (the old final pose, now its own stretch) leaves the piriformis an external
    rotator again: the sentence says so and why (the switch moved past the flexion)."""
    model = load_model(model_id)
    p = S.find_pose("crossed_knee_to_opposite_shoulder")
    steps = S.figure4_steps(model, piri(model), *p.angles)
    last = steps[3]
    assert last.rotation_moment_arm_mm < 0
    assert "external rotator again" in last.sentence and "switch comes only at" in last.sentence
    sw = [x.flexion_deg for x in sign_change_angles(model, piri(model), p.adduction_deg, p.rotation_deg)
          if x.direction == "external to internal"]
    assert last.shown["final_switch_deg"] == pytest.approx(sw[0]) and sw[0] > p.flexion_deg


def test_figure4_steps_below_the_switch_say_the_opposite(gait):
    """With the hip bent only 30 deg, turning out shortens the piriformis; the sentence must say so."""
    steps = S.figure4_steps(gait, piri(gait), flexion_deg=30.0, adduction_deg=-10.0, rotation_deg=-30.0)
    assert steps[2].step_change_mm < 0 and "shortens" in steps[2].sentence and "slacken" in steps[2].sentence
    assert "external rotator" in steps[1].sentence
    assert "out to the side" in steps[3].sentence
    with pytest.raises(ValueError, match="flexion"):
        S.figure4_steps(gait, piri(gait), flexion_deg=float("nan"))


# ---------------------------------------------------------------------------------
# Figures (Figure objects, never pyplot) and the stretch command
# ---------------------------------------------------------------------------------




def _texts(fig):
    """Every text on the figure: figure-level, subfigure-level and inside axes."""
    out = [t.get_text() for t in fig.texts]
    for sub in getattr(fig, "subfigs", []):
        out += _texts(sub)
    if not getattr(fig, "_parent", None):  # the top figure: add the axes' own texts once
        out += [t.get_text() for ax in fig.axes for t in ax.texts]
    return out


def _axes(fig):
    return list(fig.axes)


def test_length_map_figure_marks_poses_switch_line_and_current_pose(gait):
    from matplotlib.figure import Figure

    from hipmodel import plots

    fig = plots.length_map_figure_for(gait, piri(gait), 0.0, S.load_poses(), current=(100.0, 0.0, -45.0))
    assert isinstance(fig, Figure)
    ax = _axes(fig)[0]
    assert ax.get_xlabel() == "hip flexion (deg)" and "rotation (deg)" in ax.get_ylabel()
    texts = " ".join(_texts(fig))
    assert "Colour:" in texts and "dashed line" in texts  # the caption
    assert "Supine figure-4 stretch" in texts and "+23.8 mm" in texts  # the pose list with its own change
    labels = [h.get_label() for h in fig.subfigs[1].legends[0].legend_handles]
    assert any("switch line" in s for s in labels) and any("current pose" in s for s in labels)
    # every axis with data has a label with units
    cb = [a for a in _axes(fig) if "length change" in a.get_ylabel()]
    assert cb and "(mm)" in cb[0].get_ylabel()
    assert plots.figure_bytes(fig, "png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_figure4_steps_figure_has_a_view_per_step_and_both_bar_charts(rajagopal):
    from hipmodel import plots

    steps = S.figure4_steps(rajagopal, piri(rajagopal))
    fig = plots.figure4_steps_figure(steps, rajagopal)
    titles = [a.get_title() for a in _axes(fig)]
    for st in steps:
        assert any(t.startswith(f"{st.number}. ") for t in titles)
    ylabels = " ".join(a.get_ylabel() for a in _axes(fig))
    assert "length change against standing (mm)" in ylabels and "rotation moment arm (mm)" in ylabels
    texts = " ".join(_texts(fig))
    for st in steps:
        assert st.sentence.split(".")[0] in texts.replace("\n", " ").replace("    ", " ")
    assert "Top:" in texts  # caption


def test_poses_bar_figure_and_every_answer_figure(gait):
    import hipmodel.questions as Q
    from hipmodel import plots

    fig = plots.poses_bar_figure(S.pose_table(gait, piri(gait)), gait.name)
    assert "(mm)" in _axes(fig)[0].get_xlabel()
    kinds = set()
    for qid in Q.question_ids():
        a = Q.answer(qid, gait)
        f = plots.answer_figure(a, gait)
        assert (f is None) == (a.figure.kind == "none"), qid
        kinds.add(a.figure.kind)
        assert plots.answer_figure_caption(a) or a.figure.kind == "none"
    assert {"length_map", "figure4_steps", "poses_bar", "moment_arm_curve", "switch_context"} <= kinds
    assert plots.answer_figure(Q.answer(Q.OUT_OF_SCOPE_ID, gait)) is None


def test_cli_stretch_pose(capsys):
    rc, out, err = run_main(["stretch", "--pose", "figure4"], capsys)
    assert rc == 0 and not err
    g = load_model("gait2392")
    lc = S.length_change(g, piri(g), *S.find_pose("figure4").angles)
    assert f"{float(lc.change_mm):+.1f} mm" in out
    assert f"{float(lc.rotation_moment_arm_mm):.1f} mm" in out and "internal rotator" in out
    assert "CHOSEN" in out and "how:" in out


def test_cli_stretch_unknown_pose_lists_closest_and_exits_2(capsys):
    rc, out, err = run_main(["stretch", "--pose", "figure5"], capsys)
    assert rc == 2 and not out
    assert "unknown pose 'figure5'; closest: figure4" in err and err.count("\n") == 1


@pytest.mark.parametrize("argv,msg", [
    (["stretch"], "give --pose"),
    (["stretch", "--flexion", "400"], "outside the allowed range"),
    (["stretch", "--pose", "figure4", "--flexion", "90"], "not both"),
    (["stretch", "--pose", "figure4", "--list"], "not allowed with"),
    (["stretch", "--muscle", "bicep", "--pose", "figure4"], "unknown muscle"),
    (["stretch", "--model", "nope", "--list"], "unknown model"),
    (["stretch", "--longest", "--flexion-range", "100", "10"], "flexion range: high"),
])
def test_cli_stretch_errors_are_one_line_exit_2(argv, msg, capsys):
    rc, out, err = run_main(argv, capsys)
    assert rc == 2 and msg in err and err.count("\n") == 1


def test_cli_stretch_list_longest_steps_and_angles(capsys):
    rc, out, _ = run_main(["stretch", "--list", "--model", "rajagopal2016"], capsys)
    assert rc == 0 and all(p.id in out for p in S.load_poses())
    rc, out, _ = run_main(["stretch", "--longest"], capsys)
    g = load_model("gait2392")
    best = S.longest_length(g, piri(g))
    assert rc == 0 and f"{best.change_mm:+.1f} mm" in out and "adduction max" in out
    rc, out, _ = run_main(["stretch", "--steps"], capsys)
    assert rc == 0 and out.count("\n") >= 4 and "fall out to the side" in out
    rc, out, _ = run_main(["stretch", "--flexion", "30", "--rotation", "20"], capsys)
    lc = S.length_change(g, piri(g), 30.0, 0.0, 20.0)
    assert rc == 0 and f"{float(lc.change_mm):+.1f} mm" in out and "internal rotation lengthens it" in out


def test_figure4_sentences_read_right_at_the_edges():
    """A coach may set the final pose to zero flexion, rotation or adduction, or turn the thigh in."""
    from hipmodel import load_model
    from hipmodel.stretch import figure4_steps

    m = load_model()
    mu = m.muscle("piriformis")
    flat = figure4_steps(m, mu, 0.0, 0.0, 0.0)
    text = " ".join(s.sentence for s in flat)
    assert "by 0.0 mm" not in text and "does not change it by" not in text
    assert [s.title for s in flat][1:] == ["Hip stays straight", "No turn of the thigh", "Knee stays over the hip"]
    inward = figure4_steps(m, mu, 90.0, 20.0, 30.0)
    assert "crossing the ankle" not in inward[2].sentence  # that describes turning out, not in
    assert "crossing the ankle" in figure4_steps(m, mu, 90.0, 20.0, -30.0)[2].sentence


def test_figure4_sentences_are_in_the_picture_only_when_no_page_prints_them(rajagopal):
    from hipmodel import plots
    import hipmodel.questions as Q

    steps = S.figure4_steps(rajagopal, piri(rajagopal))
    first = steps[0].sentence.split(".")[0]
    alone = " ".join(_texts(plots.figure4_steps_figure(steps, rajagopal))).replace("\n", " ")
    assert first in alone.replace("    ", " ")  # a PNG on its own carries them
    beside = " ".join(_texts(plots.figure4_steps_figure(steps, rajagopal, with_text=False))).replace("\n", " ")
    assert first not in beside.replace("    ", " ")
    a = Q.answer("why_figure4", rajagopal)
    in_answer = " ".join(_texts(plots.answer_figure(a, rajagopal))).replace("\n", " ")
    assert steps[0].sentence in a.text and first not in in_answer.replace("    ", " ")  # said once, in the text
