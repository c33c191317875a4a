"""Hostile inputs to the command line and the model loader (issue items 1-5, 9, 10).

Every CLI case runs `python -m hipmodel` as a subprocess under a memory limit
(RLIMIT_AS, :data:`MEMORY_LIMIT`) and a timeout, and checks exit code 2 with one line on
stderr: a device, a pipe, an absurd step, a pile of muscles or a degenerate model must be
refused before it costs anything, never end in a traceback or a MemoryError.
"""

from __future__ import annotations

import errno
import json
import os
import re
import resource
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, strategies as st

import hipmodel as hm
from hipmodel.kinematics import rotation_matrix
from hipmodel.limits import MAX_PATH_POINTS, MAX_WORK, WorkLimitError, check_work
from hipmodel.model import ModelDataError, model_from_json
from conftest import model_dict, run_cli

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = 1_500_000_000  # bytes of address space for each hostile run
HIP = (-0.0707, -0.0661, 0.0835)  # the Gait2392 hip centre in the pelvis frame, m


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def cli(*argv, timeout=60, **kw) -> subprocess.CompletedProcess:
    """:func:`conftest.run_cli` under the memory limit, warnings shown."""
    return run_cli(*argv, timeout=timeout, preexec_fn=_limit_memory, env={"PYTHONWARNINGS": "default"}, **kw)


def refused(run: subprocess.CompletedProcess, *words: str) -> str:
    """Exit 2, nothing on stdout, one line on stderr holding every word; that line."""
    err = run.stderr
    assert run.returncode == 2, (run.returncode, err[-2000:])
    assert err.count("\n") == 1 and err.startswith("hipmodel"), err[-2000:]
    assert "Traceback" not in err and "Warning" not in err and len(err) < 600, err
    for w in words:
        assert w in err, (w, err)
    return err


def write_model(path: Path, muscles: dict, **kw) -> Path:
    path.write_text(json.dumps(model_dict(muscles, **kw)))
    return path


# --- 1. devices and pipes ---------------------------------------------------------------

@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("command", [["curve"], ["stretch", "--longest"], ["muscles"]])
def test_a_device_as_model_file_is_refused_under_a_memory_limit(device, command):
    refused(cli(*command, "--model-file", device, timeout=30), Path(device).name, "not a regular file")


def test_a_fifo_as_model_file_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    refused(cli("curve", "--model-file", fifo, timeout=30), "model.json", "not a regular file")


def test_a_folder_as_model_file_is_refused(tmp_path):
    refused(cli("curve", "--model-file", tmp_path, timeout=30), "not a regular file")


# --- 2. output paths --------------------------------------------------------------------

def _listing(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir())


@pytest.mark.parametrize("argv, name", [
    (["nerve", "--type", "B", "--out"], "b.png"),
    (["curve", "--csv", "--out"], "c.csv"),
])
def test_output_onto_a_directory_a_device_a_loop_or_a_long_name_is_one_line(tmp_path, argv, name):
    (tmp_path / name).mkdir()  # an existing directory by that name
    refused(cli(*argv, tmp_path / name), "is a directory")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / name).symlink_to("/dev/full")  # a full "disk"
    refused(cli(*argv, tmp_path / "full" / name), "not a regular file")
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    refused(cli(*argv, tmp_path / "a" / name), "symbolic links")
    refused(cli(*argv, tmp_path / ("x" * 300 + name)), "too long")
    refused(cli(*argv, tmp_path / "missing" / name), "does not exist")
    assert _listing(tmp_path) == sorted([name, "full", "a", "b"])  # nothing half-written left


def test_output_into_a_directory_without_write_permission(tmp_path, monkeypatch, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    if os.geteuid() != 0:
        refused(cli("nerve", "--type", "B", "--out", locked / "b.png"), "b.png", "permission")
    else:  # root writes anywhere (and nobody cannot run this venv): the file system says no instead
        from hipmodel.cli import args, main

        def denied(*a, **k):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

        monkeypatch.setattr(args.os, "access", lambda *a: False)
        assert main(["nerve", "--type", "B", "--out", str(locked / "b.png")]) == 2
        monkeypatch.undo()
        monkeypatch.setattr(args.tempfile, "mkstemp", denied)
        assert main(["answer", "--id", "switch_angle", "--out", str(locked / "a")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 2 and "b.png" in err and "no write permission" in err and "Permission denied" in err
    assert _listing(locked) == []


def test_stdout_on_a_full_disk_is_one_line():
    with open("/dev/full", "w") as full:
        run = run_cli("curve", "--csv", stdout=full, timeout=60)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "No space left" in run.stderr, run.stderr


def test_a_disk_that_fills_while_writing_leaves_nothing_behind(tmp_path, monkeypatch, capsys):
    from hipmodel.cli import args, main

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(args.os, "fsync", full)
    assert main(["curve", "--csv", "--out", str(tmp_path / "c.csv")]) == 2
    assert main(["answer", "--id", "switch_angle", "--out", str(tmp_path / "answer")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and err.count("No space left on device") == 2 and "c.csv" in err, err
    assert _listing(tmp_path) == []  # no temp file, no half file, not even the answer's new folder


def test_output_replaces_a_file_whole(tmp_path):
    target = tmp_path / "c.csv"
    target.write_text("old")
    run = cli("curve", "--csv", "--step", "30", "--out", target)
    assert run.returncode == 0, run.stderr
    assert target.read_text().startswith("flexion_deg,") and _listing(tmp_path) == ["c.csv"]


# --- 3. --step extremes -----------------------------------------------------------------

@pytest.mark.parametrize("step, words", [
    ("5e-324", ["--step", "at most 100000"]), ("1e-300", ["--step", "at most 100000"]),
    ("inf", ["--step", "positive number"]), ("1e309", ["--step", "positive number"]),
    ("nan", ["--step", "positive number"]), ("-1", ["--step", "positive number"]),
])
def test_step_extremes_are_one_short_line(step, words):
    err = refused(cli("curve", f"--step={step}", timeout=30), *words)
    assert "every angle must be finite" not in err
    assert not re.search(r"\d{12}", err), "no 300-digit row count"


# --- 4. work that multiplies ------------------------------------------------------------

def test_repeated_muscles_are_computed_once(tmp_path):
    run = cli("curve", *["--muscle", "piriformis"] * 100, "--step", "0.0013", "--csv", "--out", tmp_path / "c.csv")
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "c.csv") as fh:
        assert fh.readline().startswith("flexion_deg,")  # one muscle: no muscle column
        assert sum(1 for _ in fh) == 92308


def test_the_total_work_of_a_command_is_bounded():
    ids = hm.load_model("gait2392").muscle_ids
    err = refused(cli("curve", *[a for m in ids for a in ("--muscle", m)], "--step", "0.0013", timeout=60),
                  "curve:", f"{MAX_WORK:,}")
    assert "limit" in err
    with pytest.raises(WorkLimitError, match="limit"):
        check_work(10**6, hm.load_model("gait2392").muscles, "x")


def test_a_path_with_too_many_points_is_refused_at_load(tmp_path):
    far = [("pelvis", (0.05 + 1e-4 * i, 0.1, 0.05)) for i in range(10_000)] + [("femur", (0.05, -0.2, 0.05))]
    path = write_model(tmp_path / "long.json", {"m": far}, hip_pelvis=HIP)
    assert path.stat().st_size < 1_000_000  # fits under the file limit
    refused(cli("stretch", "--longest", "--muscle", "m", "--model-file", path, timeout=60),
            "long.json", "muscles[0] (m).path", f"at most {MAX_PATH_POINTS}")
    ok = [("pelvis", (0.05 + 1e-3 * i, 0.1, 0.05)) for i in range(MAX_PATH_POINTS - 1)] + [("femur", (0.05, -0.2, 0.05))]
    run = cli("stretch", "--longest", "--muscle", "m", "--model-file",
              write_model(tmp_path / "ok.json", {"m": ok}, hip_pelvis=HIP))
    assert run.returncode == 0 and "longest" in run.stdout, run.stderr


# --- 5. degenerate geometry -------------------------------------------------------------

def _coinciding(pose) -> tuple:
    """A pelvis point where the femur point (0.03, -0.04, 0.02) (from the hip) lands at ``pose``."""
    femur = np.array([0.03, -0.04, 0.02])
    return tuple(np.array(HIP) + rotation_matrix(*pose) @ femur), tuple(femur)


@pytest.mark.parametrize("path, words", [
    ([("pelvis", (0.0, 0.1, 0.1)), ("femur", (0.0, 0.0, 0.0))], ["path[1]", "mm from the hip centre"]),
    ([("pelvis", HIP), ("femur", (0.03, -0.1, 0.0))], ["path[0]", "mm from the hip centre"]),
    ([("pelvis", HIP), ("femur", (0.0, 0.0, 0.0))], ["path[0]", "mm from the hip centre"]),
    ([("pelvis", _coinciding((60, 10, -20))[0]), ("femur", _coinciding((60, 10, -20))[1])],
     ["path[1]", "crosses the hip", "flexion 60, adduction 10, rotation -20"]),
    ([("pelvis", (0.0, 0.05, 0.1)), ("pelvis", _coinciding((-20, -30, 45))[0]),
      ("femur", _coinciding((-20, -30, 45))[1])], ["path[2]", "flexion -20, adduction -30, rotation 45"]),
])
def test_degenerate_geometry_is_refused_naming_the_muscle_and_the_pose(tmp_path, path, words):
    f = write_model(tmp_path / "bad.json", {"wrong_one": path}, hip_pelvis=HIP)
    refused(cli("curve", "--muscle", "wrong_one", "--model-file", f, timeout=30),
            "bad.json", "muscles[0] (wrong_one)", *words)


def test_ends_that_meet_only_outside_the_joint_range_load_and_work_in_range():
    pelvis, femur = _coinciding((150, 0, 0))  # beyond 120 deg of flexion
    m = model_from_json(json.dumps(model_dict({"m": [("pelvis", pelvis), ("femur", femur)]}, hip_pelvis=HIP)))
    f, a, r = np.meshgrid(np.arange(-20, 121, 5.0), np.arange(-30, 31, 10.0), np.arange(-45, 46, 15.0))
    c = hm.curves(m, m.muscle("m"), f, a, r)
    assert np.all(np.isfinite(c.rotation_moment_arm_mm)) and np.min(c.length_mm) >= 1.0


def test_the_bundled_models_pass_the_geometry_check():
    usable, broken = hm.model.load_bundled_models()
    assert not broken and len(usable) == 4


@given(
    femur=st.lists(st.floats(-0.12, 0.12), min_size=3, max_size=3),
    pelvis=st.one_of(
        st.lists(st.floats(-0.12, 0.12), min_size=3, max_size=3).map(tuple),
        st.just("hip"), st.just("femur at pose"), st.just("same point"),
    ),
    pose=st.tuples(st.floats(-20, 120), st.floats(-30, 30), st.floats(-45, 45)),
)
def test_a_model_that_loads_is_usable_at_every_pose_in_range(femur, pelvis, pose):
    """The generators make coincident points on purpose: at the hip centre, the pelvis point
    where the femur point lands at a pose in range, or the same coordinates on both bodies."""
    hip, fem = np.array(HIP), np.array(femur)
    if pelvis == "hip":
        pelvis = tuple(hip)
    elif pelvis == "femur at pose":
        pelvis = tuple(hip + rotation_matrix(*pose) @ fem)
    elif pelvis == "same point":
        pelvis = tuple(hip + fem)
    text = json.dumps(model_dict({"m": [("pelvis", pelvis), ("femur", femur)]}, hip_pelvis=HIP))
    try:
        m = model_from_json(text, "gen.json")
    except ModelDataError as e:
        assert "gen.json: field 'muscles[0] (m).path[" in str(e), e
        return
    f, a, r = np.meshgrid(np.arange(-20, 121, 2.5), np.arange(-30, 31, 7.5), np.arange(-45, 46, 7.5))
    c = hm.curves(m, m.muscle("m"), f, a, r)
    assert np.min(c.length_mm) >= 0.999
    for col in (c.rotation_moment_arm_mm, c.adduction_moment_arm_mm, c.flexion_moment_arm_mm):
        assert np.all(np.isfinite(col)) and np.all(np.abs(col) <= c.length_mm + 250.0)
    flips = np.sum(np.diff(np.sign(c.rotation_moment_arm_mm), axis=1) != 0)
    assert flips <= 4 * f.shape[0] * f.shape[2], "no storm of spurious sign changes"


# --- 9. empty names and lone surrogates -------------------------------------------------

@pytest.mark.parametrize("argv, words", [
    (["curve", "--model", ""], ["--model", "empty"]),
    (["curve", "--model-file", ""], ["--model-file", "empty"]),
    (["answer", "--id", "switch_angle", "--out", ""], ["--out", "empty"]),
    (["nerve", "--type", "B", "--out", ""], ["--out", "empty"]),
    (["curve", "--out", " "], ["--out", "empty"]),
])
def test_empty_names_are_refused_not_defaulted(argv, words):
    refused(cli(*argv, timeout=30), *words)


def test_a_lone_surrogate_in_a_muscle_name_is_refused_at_load_naming_file_and_field(tmp_path):
    d = model_dict({"m": [("pelvis", (0.05, 0.1, 0.05)), ("femur", (0.05, -0.2, 0.05))]}, hip_pelvis=HIP)
    text = json.dumps(d).replace('"M"', '"M\\ud800"')
    assert "\\ud800" in text
    (tmp_path / "sur.json").write_text(text)
    with pytest.raises(ModelDataError, match=r"sur\.json: field 'muscles\[0\] \(m\)\.name': .*lone surrogate"):
        hm.load_model_file(tmp_path / "sur.json")
    refused(cli("muscles", "--model-file", tmp_path / "sur.json", timeout=30), "sur.json", "lone surrogate")


# --- 10. a number in a sentence is a whole number there, not a stray digit --------------

NUMBER = re.compile(r"(?<![\d.])[+\-\u2212]?\d+(?:\.\d+)?(?![\d.])")


@pytest.mark.parametrize("model_id", ["gait2392", "rajagopal2016"])
def test_every_number_of_a_figure4_step_stands_whole_in_its_sentence(model_id):
    from hipmodel import stretch

    m = hm.load_model(model_id)
    for step in stretch.figure4_steps(m, m.muscle("piriformis"), *stretch.FIGURE4_FINAL_POSE):
        tokens = {t.replace("\u2212", "-").lstrip("+") for t in NUMBER.findall(step.sentence)}
        tokens |= {t.lstrip("-") for t in tokens}
        for key, v in step.shown.items():
            forms = {f"{v:.0f}", f"{v:.1f}", f"{v:g}", f"{abs(v):.0f}", f"{abs(v):.1f}", f"{abs(v):g}"}
            assert forms & tokens, (key, v, step.sentence)
