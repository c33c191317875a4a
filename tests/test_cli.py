"""The command line: ``python -m hipmodel ...``, through ``main(argv, out)`` and once
through a real subprocess."""

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

from hipmodel.cli import main

from conftest import EXAMPLE_MODEL_FILE, run_cli
from conftest import run_main as run

REPO = Path(__file__).resolve().parent.parent
CURVE_COLUMNS = ["flexion_deg", "rotation_moment_arm_mm", "adduction_moment_arm_mm", "flexion_moment_arm_mm", "length_mm"]




def csv_rows(text):
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


# --- curve ------------------------------------------------------------------------------

def test_curve_csv_has_the_documented_columns_and_reference_values(capsys):
    code, out, err = run(["curve", "--csv"], capsys)
    assert code == 0 and err == ""
    header, rows = csv_rows(out)
    assert header == CURVE_COLUMNS
    assert len(rows) == 121  # 0..120 deg in 1 deg steps
    table = {float(r[0]): [float(v) for v in r[1:]] for r in rows}
    # hip_geometry.md, Gait2392 piriformis (OpenSim 4.6)
    got = [table[f][0] for f in (0.0, 30.0, 60.0, 90.0, 120.0)]
    np.testing.assert_allclose(got, [-29.17, -14.47, 1.42, 14.68, 22.87], atol=0.01)
    np.testing.assert_allclose([table[0.0][3], table[90.0][3]], [136.3, 151.2], atol=0.05)


def test_curve_range_and_step(capsys):
    code, out, _ = run(["curve", "--csv", "--start", "-20", "--stop", "40", "--step", "0.5"], capsys)
    assert code == 0
    _, rows = csv_rows(out)
    assert [float(r[0]) for r in rows] == list(np.arange(-20.0, 40.25, 0.5))


def test_curve_with_several_muscles_adds_a_muscle_column(capsys):
    code, out, _ = run(["curve", "--csv", "--muscle", "piriformis", "--muscle", "gem_r", "--muscle", "Quadratus femoris",
                        "--stop", "10"], capsys)
    assert code == 0
    header, rows = csv_rows(out)
    assert header == ["muscle"] + CURVE_COLUMNS
    assert [r[0] for r in rows] == ["piriformis"] * 11 + ["gemelli"] * 11 + ["quadratus_femoris"] * 11


def test_curve_other_model_and_pose(capsys):
    code, out, _ = run(["curve", "--csv", "--model", "rajagopal2016", "--stop", "90", "--step", "30",
                        "--adduction", "0", "--rotation", "0"], capsys)
    assert code == 0
    _, rows = csv_rows(out)
    np.testing.assert_allclose([float(r[1]) for r in rows], [-26.39, -10.24, 5.92, 18.52], atol=0.01)


def test_curve_table_is_readable_text(capsys):
    code, out, _ = run(["curve", "--stop", "2", "--rotation", "-30", "--adduction", "10"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("# model gait2392; adduction 10 deg, rotation -30 deg")
    assert lines[1].split() == CURVE_COLUMNS
    assert len(lines) == 5


# --- switch -----------------------------------------------------------------------------

def test_switch_prints_the_reference_angle(capsys):
    code, out, err = run(["switch"], capsys)
    assert code == 0 and err == ""
    assert "changes sign at 57.19 deg flexion" in out and "external to internal" in out


@pytest.mark.parametrize(
    "argv, expected, tol",
    [
        (["switch", "--model", "rajagopal2016"], 48.52, 0.005),
        (["switch", "--muscle", "peri_r", "--adduction", "20", "--rotation", "-30"], 90.0, 1.0),
        (["switch", "--muscle", "piriformis", "--adduction", "-20", "--rotation", "-30"], 47.0, 1.0),
    ],
)
def test_switch_other_models_and_poses(capsys, argv, expected, tol):
    code, out, _ = run(argv, capsys)
    assert code == 0
    angle = float(re.search(r"changes sign at (-?[\d.]+) deg", out).group(1))
    assert angle == pytest.approx(expected, abs=tol)


def test_switch_says_when_there_is_none(capsys):
    code, out, _ = run(["switch", "--start", "0", "--stop", "40"], capsys)
    assert code == 0
    assert "no switch in this range" in out and "external rotator" in out


# --- models and muscles -----------------------------------------------------------------

def test_models_lists_every_model_with_its_sources(capsys):
    code, out, _ = run(["models"], capsys)
    assert code == 0
    for mid in ("dostal1981", "gait2392", "rajagopal2016", "tlem2"):
        assert re.search(rf"^{mid}: ", out, re.M), mid
    assert out.count("source: ") >= 4
    assert "Delp SL, Loan JP" in out and "Rajagopal A" in out and "Carbone V" in out and "Dostal WF" in out
    flagged = [line.split(":")[0] for line in out.splitlines() if "[approximate frame alignment]" in line]
    assert flagged == ["dostal1981", "tlem2"]
    assert "left out: Gluteus maximus" in out


def test_muscles_lists_ids_names_and_source_names(capsys):
    code, out, _ = run(["muscles", "--model", "gait2392"], capsys)
    assert code == 0
    assert "piriformis | Piriformis | peri_r" in out
    assert "gluteus_medius_3 | Gluteus medius, posterior part | glut_med3_r" in out
    assert out.rstrip().splitlines()[-1].startswith("# source: Delp SL")


# --- a model file of your own -------------------------------------------------------------

def test_model_file_works_for_every_command(capsys):
    path = str(EXAMPLE_MODEL_FILE)
    code, out, _ = run(["curve", "--csv", "--model-file", path, "--stop", "90", "--step", "30"], capsys)
    assert code == 0
    _, rows = csv_rows(out)
    np.testing.assert_allclose([float(r[1]) for r in rows], [-29.17, -14.47, 1.42, 14.68], atol=0.01)
    code, out, _ = run(["switch", "--model-file", path], capsys)
    assert code == 0 and "Piriformis (example_custom): rotation moment arm changes sign at 57.19 deg" in out
    code, out, _ = run(["muscles", "--model-file", path], capsys)
    assert code == 0 and "gluteus_medius_2 | Gluteus medius, middle part | glut_med2_r" in out


def test_broken_model_file_is_one_line_naming_file_and_field(capsys, tmp_path):
    d = json.loads(EXAMPLE_MODEL_FILE.read_text())
    d["muscles"][0]["path"][2]["body"] = "femur_r"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(d))
    code, out, err = run(["curve", "--model-file", str(path)], capsys)
    assert code == 2 and out == ""
    assert err == ("hipmodel: error: mine.json: field 'muscles[0] (piriformis).path[2].body': "
                   "unknown body 'femur_r' (allowed: pelvis, femur)\n")


# --- bad arguments ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "argv, words",
    [
        ([], "required: command"),
        (["dance"], "invalid choice: 'dance'"),
        (["curve", "--muscle", "piriformus"], "closest: piriformis"),
        (["switch", "--muscle", "glut_med"], "closest: "),
        (["curve", "--model", "gait2393"], "closest: gait2392"),
        (["muscles", "--model", "rajagopal"], "closest: rajagopal2016"),
        (["curve", "--start", "200"], "--start: start: 200 deg is outside"),
        (["curve", "--stop", "nan"], "--stop: stop: must be a finite number"),
        (["curve", "--adduction", "inf"], "--adduction: adduction: must be a finite number"),
        (["curve", "--rotation", "left"], "--rotation: rotation: expected a number"),
        (["curve", "--step", "0"], "--step: must be a positive number"),
        (["curve", "--step", "-1"], "--step: must be a positive number"),
        (["curve", "--step", "nan"], "--step: must be a positive number"),
        (["curve", "--step", "abc"], "invalid float value: 'abc'"),
        (["curve", "--step", "0.0001"], "at most 100000"),
        (["curve", "--start", "50", "--stop", "10"], "--stop: must be >= --start"),
        (["switch", "--start", "50", "--stop", "50"], "stop: must be greater than start"),
        (["curve", "--model", "gait2392", "--model-file", "x.json"], "not allowed with argument --model"),
        (["curve", "--model-file", "/no/such/model.json"], "model.json: cannot read file"),
        (["curve", "--flexion", "30"], "unrecognized arguments: --flexion 30"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_code_2(capsys, argv, words):
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith("hipmodel") and "error: " in err
    assert "Traceback" not in err
    assert words in err


def test_help_exits_cleanly():
    with pytest.raises(SystemExit) as info:
        main(["--help"], out=io.StringIO())
    assert info.value.code == 0


# --- the real thing ----------------------------------------------------------------------

def test_python_dash_m_hipmodel_in_a_subprocess():
    ok = run_cli("curve", "--csv", "--stop", "60", "--step", "30")
    assert ok.returncode == 0, ok.stderr
    header, rows = csv_rows(ok.stdout)
    assert header == CURVE_COLUMNS and [r[0] for r in rows] == ["0", "30", "60"]
    bad = run_cli("switch", "--muscle", "piriformus")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "closest: piriformis" in bad.stderr and "Traceback" not in bad.stderr


def test_a_refusal_states_no_match_confidence(capsys):
    from conftest import run_main

    code, out, _ = run_main(["answer", "how do I fix my sore knee"], capsys)
    assert code == 0 and "Outside what an anatomy model can answer" in out and "confidence" not in out
    code, out, _ = run_main(["answer", "why does the figure-4 stretch work"], capsys)
    assert code == 0 and "match confidence" in out  # a real match keeps it
