"""Shared fixtures: the bundled models and a builder for small in-memory models.

The in-memory models are what the closed-form tests use: a few points placed by hand,
so every expected number can be worked out on paper.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from hipmodel.model import load_model, model_from_json

BUNDLED_IDS = ("dostal1981", "gait2392", "rajagopal2016", "tlem2")
TESTS_DIR = Path(__file__).resolve().parent
REPO = TESTS_DIR.parent
# The headless chromium every browser test launches, and how (no sandbox in a container, no network chatter).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
EXAMPLE_MODEL_FILE = TESTS_DIR / "data" / "example_custom_model.json"
# ../shared/reference beside the checkout (CI puts it there): the OpenSim models and bone meshes.
REFERENCE_DIR = Path(os.environ.get("HIPMODEL_REFERENCE_DIR", TESTS_DIR.parent.parent / "shared" / "reference"))
OSIM_DIR = REFERENCE_DIR / "osim"
MESH_DIR = REFERENCE_DIR / "meshes"


def run_cli(*argv, timeout: float = 120, cwd=None, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """``python -m hipmodel ARGV`` in a real subprocess (this checkout first on the path), text captured.

    ``stdout``/``stderr`` may be given to send either elsewhere; other keywords go to :func:`subprocess.run`.
    """
    env = dict(os.environ, PYTHONPATH=str(REPO), **(env or {}))
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "hipmodel", *map(str, argv)], text=True, timeout=timeout,
                          cwd=cwd or REPO, env=env, **kw)


def run_main(argv, capsys) -> tuple[int, str, str]:
    """The CLI in this process: (exit code, stdout text, stderr text)."""
    from hipmodel.cli import main

    out = io.StringIO()
    code = main([str(a) for a in argv], out=out)
    return code, out.getvalue(), capsys.readouterr().err


# Gait2392 from /work/shared/reference/hip_geometry.md, copied by hand (metres): the hip centre in the
# pelvis frame and two muscles' points, pelvis points in the pelvis frame, femur points in the femur frame.
GAIT2392_HIP = (-0.0707, -0.0661, 0.0835)
GAIT2392_PATHS = {
    "piriformis": ([(-0.1396, 0.0003, 0.0235), (-0.1193, -0.0276, 0.0657)], (-0.0148, -0.0036, 0.0437)),
    "gemelli": ([(-0.1133, -0.082, 0.0714)], (-0.0142, -0.0033, 0.0443)),
}


def hand_length_mm(pelvis_points, femur_point, hip, flexion_deg, adduction_deg=0.0, rotation_deg=0.0) -> float:
    """A two- or three-point path's length written out from hip_geometry.md, independent of hipmodel:
    femur point at hip + Rz(flexion) Rx(adduction) Ry(rotation) p_f, straight segments, in mm."""
    import numpy as np

    f, a, r = np.radians([flexion_deg, adduction_deg, rotation_deg])
    rz = np.array([[np.cos(f), -np.sin(f), 0], [np.sin(f), np.cos(f), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(r), 0, np.sin(r)], [0, 1, 0], [-np.sin(r), 0, np.cos(r)]])
    pts = [np.array(p) for p in pelvis_points] + [np.array(hip) + rz @ rx @ ry @ np.array(femur_point)]
    return 1000.0 * sum(float(np.linalg.norm(q - p)) for p, q in zip(pts, pts[1:]))


def hand_moment_arm_mm(name: str, flexion_deg, adduction_deg=0.0, rotation_deg=0.0, coordinate: int = 2) -> float:
    """-dL/dq (mm per radian) of a GAIT2392_PATHS muscle by a central difference of :func:`hand_length_mm`."""
    pelvis, femur = GAIT2392_PATHS[name]
    h = 1e-4  # degrees
    pose = [flexion_deg, adduction_deg, rotation_deg]
    up, down = list(pose), list(pose)
    up[coordinate] += h
    down[coordinate] -= h
    dl = hand_length_mm(pelvis, femur, GAIT2392_HIP, *up) - hand_length_mm(pelvis, femur, GAIT2392_HIP, *down)
    return -dl / math.radians(2 * h)


def captioned_image(at, words: str) -> str:
    """The URL of the one picture on an AppTest page whose caption contains ``words``."""
    found = [img.url for el in at.get("image") for img in el.proto.imgs if words in img.caption]
    assert len(found) == 1, f"{len(found)} pictures captioned with {words!r}"
    return found[0]


def model_dict(muscles: dict, hip_pelvis=(0.0, 0.0, 0.0), hip_femur=(0.0, 0.0, 0.0), units="m", model_id="handmade"):
    """A complete, valid model file as a dict.

    ``muscles`` maps an id to its path, a list of ``(body, (x, y, z))`` in ``units``.
    """
    return {
        "schema_version": 1,
        "id": model_id,
        "name": "Hand-made test model",
        "units": units,
        "frame_convention": "pelvis x anterior, y superior, z right; R = Rz(flex) Rx(add) Ry(rot)",
        "sources": {"hand": {"citation": "worked out on paper for the tests", "table": "none"}},
        "hip_centre": {"pelvis": list(hip_pelvis), "femur": list(hip_femur), "source": "hand"},
        "knee_centre": {"femur": [0.0, -0.4 / {"m": 1, "cm": 0.01, "mm": 0.001}[units], 0.0], "source": "hand"},
        "landmarks": [],
        "muscles": [
            {
                "id": mid,
                "name": mid.replace("_", " ").capitalize(),
                "source_name": f"{mid}_src",
                "group": "test",
                "source": "hand",
                "path": [{"body": body, "location": list(xyz)} for body, xyz in path],
            }
            for mid, path in muscles.items()
        ],
    }


@pytest.fixture(scope="module")
def server():
    """The URL of a real ``streamlit run`` of the app, one per test module; a failed start fails the test."""
    from hipmodel.app.server import AppStartError, running_app

    try:
        with running_app() as (_, url):
            yield url
    except AppStartError as e:
        pytest.fail(str(e))


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (no browser download), one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def make_model():
    """Build a Model through the real JSON loader from ``model_dict`` arguments."""

    def build(muscles: dict, **kwargs):
        return model_from_json(json.dumps(model_dict(muscles, **kwargs)), "handmade.json")

    return build


@pytest.fixture(scope="session")
def gait():
    return load_model("gait2392")


@pytest.fixture(scope="session")
def rajagopal():
    return load_model("rajagopal2016")


# Property tests draw the same examples on every run, so a CI failure is reproducible;
# HYPOTHESIS_PROFILE=explore draws fresh, more numerous ones.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
