"""Shared fixtures: the bundled models and a builder for small in-memory models.

The in-memory models are what the closed-form tests use: a few points placed by hand,
so every expected number can be worked out on paper.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from hipmodel.model import load_model, model_from_json

BUNDLED_IDS = ("dostal1981", "gait2392", "rajagopal2016", "tlem2")
TESTS_DIR = Path(__file__).resolve().parent
REPO = TESTS_DIR.parent
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
