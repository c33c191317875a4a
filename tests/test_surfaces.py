"""Wrap surfaces drawn for an imported OpenSim model: the right shape, on the right bone, posed."""

import numpy as np
import pytest
from conftest import OSIM_DIR

from hipmodel import plots
from hipmodel.kinematics import rotation_matrix
from hipmodel.osim.as_model import load_any_model_file
from hipmodel.surfaces import cylinder_mesh, sphere_mesh, wrap_surfaces


def test_cylinder_and_sphere_meshes_lie_on_their_surfaces():
    axis = np.array([1.0, 2.0, 2.0]) / 3.0
    v, t = cylinder_mesh([0.1, 0.2, 0.3], axis, 0.04, 0.1)
    rel = v - [0.1, 0.2, 0.3]
    along = rel @ axis
    radial = np.linalg.norm(rel - along[:, None] * axis, axis=1)
    assert np.allclose(radial, 0.04) and np.allclose(np.abs(along), 0.05)
    assert t.max() < len(v) and len(t) == len(v)  # two triangles per side quad
    v, t = sphere_mesh([0.0, -0.1, 0.0], 0.02)
    assert np.allclose(np.linalg.norm(v - [0.0, -0.1, 0.0], axis=1), 0.02) and t.max() < len(v)


@pytest.fixture(scope="module")
def rajagopal():
    return load_any_model_file(OSIM_DIR / "Rajagopal2016.osim")


def test_only_the_chosen_muscles_surfaces_and_femur_ones_turn_with_the_femur(rajagopal):
    surfaces = wrap_surfaces(rajagopal, ["addlong_r"], 60.0, 10.0, -20.0)
    assert [s.name for s in surfaces] == ["AL_at_femshaft_r"]
    w = next(w for w in rajagopal.wraps if w.name == "AL_at_femshaft_r")
    assert w.body == "femur"
    local, _ = cylinder_mesh(w.centre_m, w.axis, w.radius_m, w.length_m)
    R = rotation_matrix(60.0, 10.0, -20.0)
    assert np.allclose(surfaces[0].vertices_m, local @ R.T + rajagopal.hip_centre)
    pelvis_one = wrap_surfaces(rajagopal, ["glmax1_r"], [0.0, 90.0])
    assert pelvis_one and all(s.body == "pelvis" for s in pelvis_one)
    assert np.array_equal(pelvis_one[0].vertices_m[0], pelvis_one[0].vertices_m[1])  # the pelvis does not move


def test_the_views_and_the_3d_figure_draw_them(rajagopal):
    fig = plots.anatomy_figure(rajagopal, ["glmax1_r", "addlong_r"], 30.0)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("wrap surface" in s for s in labels)
    from hipmodel.plots.hip3d import hip3d_spec

    spec = hip3d_spec(rajagopal, ["addlong_r"])
    names = [t.get("name", "") for t in spec["data"]]
    femur_wrap = names.index("wrap surface AL_at_femshaft_r")
    assert femur_wrap in spec["frames"][0]["traces"]  # it moves with the femur, frame by frame
