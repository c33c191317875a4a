"""The readout and its sentence follow the model, not fixed text."""

import pytest

import hipmodel as hm
from hipmodel.explain import readout


@pytest.mark.parametrize("flexion,word,side", [(0, "outwards", "behind"), (30, "outwards", "behind"),
                                               (90, "inwards", "in front of")])
def test_sentence_follows_the_sign(flexion, word, side):
    r = readout(hm.load_model(), "piriformis", flexion)
    assert word in r.sentence and side in r.sentence
    assert f"{abs(r.rotation_moment_arm_mm):.1f} mm" in r.sentence
    assert "57.2" in r.sentence  # the Gait2392 switch (hip_geometry.md: 57.19 deg)


def test_numbers_change_with_the_model():
    a = readout(hm.load_model("gait2392"), "piriformis", 0)
    b = readout(hm.load_model("rajagopal2016"), "piriformis", 0)
    assert abs(a.rotation_moment_arm_mm - (-29.17)) < 0.01 and abs(b.rotation_moment_arm_mm - (-26.39)) < 0.01
    assert "48.5" in b.sentence and "57.2" in a.sentence


def test_length_change_against_standing():
    r = readout(hm.load_model(), "piriformis", 90)
    # hip_geometry.md: 136.3 mm at 0 deg, 151.2 mm at 90 deg
    assert abs(r.length_change_mm - (151.2 - 136.3)) < 0.1
    assert abs(r.length_change_pct - 100 * 14.9 / 136.3) < 0.1


def test_no_switch_is_said_plainly():
    r = readout(hm.load_model(), "gluteus_medius_1", 30)
    assert r.switches == [] and "keeps this action" in r.sentence
