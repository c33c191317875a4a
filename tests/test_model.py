"""Model files: the bundled data against the published numbers, lookup, and a loader
that refuses every broken file with a message naming the file and the field."""

import copy
import dataclasses
import json
import os

import numpy as np
import pytest

import hipmodel
from hipmodel import curves, moment_arms_numeric_m
from hipmodel.model import ModelDataError, available_model_ids, load_model, load_model_file, model_from_json

from conftest import BUNDLED_IDS, EXAMPLE_MODEL_FILE

# hip_geometry.md (read from opensim-org/opensim-models @ 20a888b9), metres, each point in its body's frame
REFERENCE_PATHS = {
    "gait2392": {
        "glut_med1_r": [('pelvis', (-0.0408, 0.0304, 0.1209)), ('femur', (-0.0218, -0.0117, 0.0555))],
        "glut_med2_r": [('pelvis', (-0.0855, 0.0445, 0.0766)), ('femur', (-0.0258, -0.0058, 0.0527))],
        "glut_med3_r": [('pelvis', (-0.1223, 0.0105, 0.0648)), ('femur', (-0.0309, -0.0047, 0.0518))],
        "glut_min1_r": [('pelvis', (-0.0467, -0.008, 0.1056)), ('femur', (-0.0072, -0.0104, 0.056))],
        "glut_min2_r": [('pelvis', (-0.0633, -0.0065, 0.0991)), ('femur', (-0.0096, -0.0104, 0.056))],
        "glut_min3_r": [('pelvis', (-0.0834, -0.0063, 0.0856)), ('femur', (-0.0135, -0.0083, 0.055))],
        "glut_max1_r": [('pelvis', (-0.1195, 0.0612, 0.07)), ('pelvis', (-0.1291, 0.0012, 0.0886)), ('femur', (-0.0457, -0.0248, 0.0392)), ('femur', (-0.0277, -0.0566, 0.047))],
        "glut_max2_r": [('pelvis', (-0.1349, 0.0176, 0.0563)), ('pelvis', (-0.1376, -0.052, 0.0914)), ('femur', (-0.0426, -0.053, 0.0293)), ('femur', (-0.0156, -0.1016, 0.0419))],
        "glut_max3_r": [('pelvis', (-0.1556, -0.0314, 0.0058)), ('pelvis', (-0.1529, -0.1052, 0.0403)), ('femur', (-0.0299, -0.1041, 0.0135)), ('femur', (-0.006, -0.1419, 0.0411))],
        "quad_fem_r": [('pelvis', (-0.1143, -0.1151, 0.052)), ('femur', (-0.0381, -0.0359, 0.0366))],
        "gem_r": [('pelvis', (-0.1133, -0.082, 0.0714)), ('femur', (-0.0142, -0.0033, 0.0443))],
        "peri_r": [('pelvis', (-0.1396, 0.0003, 0.0235)), ('pelvis', (-0.1193, -0.0276, 0.0657)), ('femur', (-0.0148, -0.0036, 0.0437))],
    },
    "rajagopal2016": {
        "glmed1_r": [('pelvis', (-0.0445, 0.0245, 0.1172)), ('femur', (-0.0218, -0.0117, 0.0555))],
        "glmed2_r": [('pelvis', (-0.085, 0.0316, 0.0675)), ('femur', (-0.0258, -0.0058, 0.0527))],
        "glmed3_r": [('pelvis', (-0.1152, -0.0073, 0.0526)), ('femur', (-0.0309, -0.0047, 0.0518))],
        "glmin1_r": [('pelvis', (-0.0464, -0.0149, 0.1042)), ('femur', (-0.0072, -0.0104, 0.056))],
        "glmin2_r": [('pelvis', (-0.0616, -0.0142, 0.0971)), ('femur', (-0.0096, -0.0104, 0.056))],
        "glmin3_r": [('pelvis', (-0.0789, -0.0155, 0.0798)), ('femur', (-0.0135, -0.0083, 0.055))],
        "piri_r": [('pelvis', (-0.10181, -0.00653, 0.01351)), ('pelvis', (-0.10202, -0.03066, 0.06092)), ('femur', (-0.0148, -0.0036, 0.0437))],
    },
}
REFERENCE_CENTRES = {  # hip centre in the pelvis frame, knee centre in the femur frame (origin at the hip)
    "gait2392": ((-0.0707, -0.0661, 0.0835), (-0.0045, -0.39582, 0.0)),
    "rajagopal2016": ((-0.056276, -0.07849, 0.07726), (-0.00809, -0.40796, -0.00275)),
}


# --- the bundled models ------------------------------------------------------------------

def test_every_bundled_model_loads_with_sources():
    assert tuple(available_model_ids()) == BUNDLED_IDS
    for mid in BUNDLED_IDS:
        m = load_model(mid)
        assert m.id == mid and m.name and m.muscles
        assert m.path.endswith(f"model_{mid}.json")
        assert all(mu.source in m.sources for mu in m.muscles)
        assert all(src["citation"] for src in m.sources.values())
        assert "piriformis" in m.muscle_ids


@pytest.mark.parametrize("model_id", ["gait2392", "rajagopal2016"])
def test_opensim_models_hold_exactly_the_published_points(model_id):
    model = load_model(model_id)
    hip, knee = REFERENCE_CENTRES[model_id]
    np.testing.assert_allclose(model.hip_centre_m, hip, atol=1e-12)
    np.testing.assert_allclose(model.knee_centre_m, knee, atol=1e-12)
    assert not model.approximate_frame_alignment
    by_source = {mu.source_name: mu for mu in model.muscles}
    assert set(by_source) == set(REFERENCE_PATHS[model_id])
    for name, path in REFERENCE_PATHS[model_id].items():
        mu = by_source[name]
        assert mu.bodies == tuple(b for b, _ in path), name
        np.testing.assert_allclose(mu.locations_m, [xyz for _, xyz in path], atol=1e-12, err_msg=name)


def test_rajagopal_leaves_out_the_wrapping_gluteus_maximus():
    raj = load_model("rajagopal2016")
    assert "glmax1_r" in raj.left_out
    with pytest.raises(KeyError):
        raj.muscle("glmax1_r")
    with pytest.raises(KeyError):
        raj.muscle("gluteus_maximus_1")


def test_tlem2_femur_points_are_moved_to_the_hip_centre():
    # Table A3/A6: insertion (0.00153, 0.36326, 0.05249), hip centre (0, 0.3590877, 0) in the femur frame
    tlem = load_model("tlem2")
    assert tlem.approximate_frame_alignment
    np.testing.assert_allclose(tlem.hip_centre_m, (0, 0, 0))
    pts = tlem.muscle("piriformis").locations_m
    np.testing.assert_allclose(pts, [[-0.07157, 0.0579, -0.05668], [0.00153, 0.36326 - 0.3590877, 0.05249]], atol=1e-12)
    np.testing.assert_allclose(tlem.knee_centre_m, (0.0, -0.3590877, 0.0), atol=1e-12)
    assert tlem.muscle("piriformis").architecture["pcsa_cm2"] == 6.214


def test_dostal_centimetres_are_converted_to_metres():
    dostal = load_model("dostal1981")
    assert dostal.approximate_frame_alignment
    np.testing.assert_allclose(dostal.muscle("piriformis").locations_m, [[-0.078, 0.055, -0.047], [-0.001, -0.001, 0.055]], atol=1e-12)


def test_models_are_frozen_and_cached():
    m = load_model("gait2392")
    assert load_model("gait2392") is m
    assert load_model(" GAIT2392 ") is m
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.id = "other"
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.muscles[0].name = "other"


def test_citation_shows_file_or_table():
    g = load_model("gait2392")
    assert g.citation().startswith("Delp SL")
    assert "gait2392_thelen2003muscle.osim]" in g.citation()
    assert "Table A3" in load_model("tlem2").citation("tlem2")


# --- muscle lookup ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "model_id, name, expected",
    [
        ("gait2392", "piriformis", "piriformis"),
        ("gait2392", "Piriformis", "piriformis"),
        ("gait2392", "  PIRIFORMIS ", "piriformis"),
        ("gait2392", "peri_r", "piriformis"),
        ("gait2392", "PERI_R", "piriformis"),
        ("gait2392", "glut_med3_r", "gluteus_medius_3"),
        ("gait2392", "gluteus medius, posterior part", "gluteus_medius_3"),
        ("gait2392", "glmed3_r", "gluteus_medius_3"),  # Rajagopal's name, typed for Gait2392
        ("gait2392", "piri_r", "piriformis"),
        ("rajagopal2016", "peri_r", "piriformis"),  # and the other way round
        ("rajagopal2016", "glut_min2_r", "gluteus_minimus_2"),
        ("rajagopal2016", "glmin2_r", "gluteus_minimus_2"),
        ("tlem2", "peri_r", "piriformis"),
    ],
)
def test_muscle_lookup(model_id, name, expected):
    assert load_model(model_id).muscle(name).id == expected


def test_unknown_muscle_lists_the_closest_names(gait):
    with pytest.raises(KeyError) as info:
        gait.muscle("piriformus")
    msg = info.value.args[0]
    assert "unknown muscle 'piriformus'" in msg and "gait2392" in msg
    assert "closest: " in msg and "piriformis" in msg.split("closest: ")[1].split("(")[0]
    assert "valid ids: gluteus_medius_1" in msg


def test_unknown_model_lists_the_closest_ids():
    with pytest.raises(KeyError) as info:
        load_model("gait2393")
    msg = info.value.args[0]
    assert "unknown model 'gait2393'" in msg and "closest: gait2392" in msg
    assert "available: dostal1981, gait2392, rajagopal2016, tlem2" in msg


# --- the example file of docs/model_schema.md -------------------------------------------

def test_example_custom_model_loads_and_equals_gait2392():
    """The example re-expresses two Gait2392 muscles in mm with the femur origin at the
    knee; every result must come out as Gait2392's."""
    ex = load_model_file(EXAMPLE_MODEL_FILE)
    gait = load_model("gait2392")
    assert ex.id == "example_custom" and ex.muscle_ids == ("piriformis", "gluteus_medius_2")
    np.testing.assert_allclose(ex.hip_centre_m, gait.hip_centre_m, atol=1e-15)
    np.testing.assert_allclose(ex.knee_centre_m, gait.knee_centre_m, atol=1e-15)
    np.testing.assert_allclose(ex.landmarks[0].location_m, (0.00953047, 0.0180816, 0.128464), atol=1e-15)
    f, a, r = np.arange(-20.0, 121.0, 10.0)[:, None, None], np.array([-20.0, 0.0, 20.0])[:, None], np.array([-30.0, 0.0, 30.0])
    for name in ex.muscle_ids:
        mine, ref = curves(ex, ex.muscle(name), f, a, r), curves(gait, gait.muscle(name), f, a, r)
        for col in ("length_mm", "rotation_moment_arm_mm", "adduction_moment_arm_mm", "flexion_moment_arm_mm"):
            np.testing.assert_allclose(getattr(mine, col), getattr(ref, col), atol=1e-9, err_msg=f"{name} {col}")
        np.testing.assert_allclose(moment_arms_numeric_m(ex, ex.muscle(name), f, a, r) * 1000,
                                   np.stack([mine.flexion_moment_arm_mm, mine.adduction_moment_arm_mm, mine.rotation_moment_arm_mm], -1),
                                   atol=1e-6)
    c = curves(ex, ex.muscle("peri_r"), [0.0, 30.0, 60.0, 90.0, 120.0])
    np.testing.assert_allclose(c.rotation_moment_arm_mm, [-29.17, -14.47, 1.42, 14.68, 22.87], atol=0.01)


# --- broken files -------------------------------------------------------------------------

def example_dict():
    return json.loads(EXAMPLE_MODEL_FILE.read_text())


def mutated(change):
    d = example_dict()
    change(d)
    return json.dumps(d)


def _set(path, value):
    def change(d):
        obj = d
        for key in path[:-1]:
            obj = obj[key]
        obj[path[-1]] = value
    return change


def _delete(path):
    def change(d):
        obj = d
        for key in path[:-1]:
            obj = obj[key]
        del obj[path[-1]]
    return change


EXAMPLE_TEXT = EXAMPLE_MODEL_FILE.read_text()

BROKEN = {
    # name: (file text, field the message must name, words it must hold)
    "missing key": (mutated(_delete(["hip_centre", "pelvis"])), "hip_centre.pelvis", "missing"),
    "missing top-level key": (mutated(_delete(["muscles"])), "muscles", "missing"),
    "missing muscle name": (mutated(_delete(["muscles", 1, "name"])), "muscles[1] (gluteus_medius_2).name", "missing"),
    "wrong vector length": (mutated(_set(["muscles", 0, "path", 2, "location"], [1.0, 2.0])),
                            "muscles[0] (piriformis).path[2].location", "expected a list of 3 numbers, got 2"),
    "vector not a list": (mutated(_set(["knee_centre", "femur"], "0,0,0")), "knee_centre.femur", "expected a list of 3 numbers"),
    "overflowing number 1e999": (EXAMPLE_TEXT.replace("-139.6", "1e999"), "muscles[0].path[0].location[0]", "finite"),
    "NaN literal": (EXAMPLE_TEXT.replace("-10.3", "NaN"), "muscles[0].path[2].location[0]", "finite"),
    "-Infinity literal": (EXAMPLE_TEXT.replace("-66.1", "-Infinity"), "hip_centre.pelvis[1]", "finite"),
    "NaN in an unchecked field": (EXAMPLE_TEXT.replace('"pennation_deg": 10', '"pennation_deg": NaN'),
                                  "muscles[0].architecture.pennation_deg", "finite"),
    "number as a string": (mutated(_set(["hip_centre", "pelvis", 0], "-70.7")), "hip_centre.pelvis[0]", "expected a number"),
    "boolean as a number": (mutated(_set(["hip_centre", "pelvis", 2], True)), "hip_centre.pelvis[2]", "expected a number"),
    "implausibly large": (mutated(_set(["hip_centre", "pelvis", 0], 20000.0)), "hip_centre.pelvis[0]", "implausibly large"),
    "unknown body": (mutated(_set(["muscles", 0, "path", 2, "body"], "femur_r")),
                     "muscles[0] (piriformis).path[2].body", "unknown body 'femur_r'"),
    "unknown landmark body": (mutated(_set(["landmarks", 0, "body"], "tibia")), "landmarks[0].body", "unknown body 'tibia'"),
    "does not cross the hip": (mutated(_set(["muscles", 1, "path", 1, "body"], "pelvis")),
                               "muscles[1] (gluteus_medius_2).path", "does not cross the hip"),
    "one path point": (mutated(lambda d: d["muscles"][1]["path"].pop()), "muscles[1] (gluteus_medius_2).path", "at least 2 points"),
    "zero-length segment": (mutated(_set(["muscles", 0, "path", 1, "location"], [-139.6, 0.3, 23.5])),
                            "muscles[0] (piriformis).path[1]", "zero-length"),
    "duplicate id": (mutated(_set(["muscles", 1, "id"], "piriformis")), "muscles[1] (piriformis)", "duplicate"),
    "duplicate name across fields": (mutated(_set(["muscles", 1, "source_name"], "PERI_R")),
                                     "muscles[1] (gluteus_medius_2)", "duplicate muscle id or name 'peri_r'"),
    "unknown source key": (mutated(_set(["muscles", 0, "source"], "gait2392")),
                           "muscles[0] (piriformis).source", "unknown source 'gait2392'"),
    "unknown hip source": (mutated(_set(["hip_centre", "source"], "delp")), "hip_centre.source", "unknown source 'delp'"),
    "unknown landmark source": (mutated(_set(["landmarks", 0, "source"], 3)), "landmarks[0].source", "unknown source 3"),
    "source without citation": (mutated(_delete(["sources", "gait2392_osim", "citation"])), "sources.gait2392_osim.citation", "missing"),
    "source not an object": (mutated(_set(["sources", "gait2392_osim"], "Delp 1990")), "sources.gait2392_osim", "expected an object"),
    "no sources": (mutated(_set(["sources"], {})), "sources", "at least one source"),
    "no muscles": (mutated(_set(["muscles"], [])), "muscles", "at least one muscle"),
    "unknown units": (mutated(_set(["units"], "inch")), "units", "'inch' is not one of m, cm, mm"),
    "newer schema": (mutated(_set(["schema_version"], 2)), "schema_version", "unsupported version 2"),
    "schema version as boolean": (mutated(_set(["schema_version"], True)), "schema_version", "expected int"),
    "empty name": (mutated(_set(["name"], "  ")), "name", "must not be empty"),
    "id not a string": (mutated(_set(["id"], 7)), "id", "expected str"),
    "flag as a string": (mutated(_set(["approximate_frame_alignment"], "false")), "approximate_frame_alignment", "expected bool"),
    "group not a string": (mutated(_set(["muscles", 0, "group"], 5)), "muscles[0] (piriformis).group", "expected str"),
    "architecture not an object": (mutated(_set(["muscles", 0, "architecture"], [1, 2])),
                                   "muscles[0] (piriformis).architecture", "expected dict"),
    "top level not an object": ("[1, 2, 3]", "(top level)", "expected a JSON object"),
    "muscle not an object": (mutated(_set(["muscles", 0], "piriformis")), "muscles[0]", "expected an object"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_file_names_the_file_and_the_field(tmp_path, case):
    text, field, words = BROKEN[case]
    path = tmp_path / "my_model.json"
    path.write_text(text)
    with pytest.raises(ModelDataError) as info:
        load_model_file(path)
    msg = str(info.value)
    assert msg.startswith("my_model.json: "), msg
    assert f"field '{field}'" in msg, msg
    assert words in msg, msg
    assert "\n" not in msg


@pytest.mark.parametrize(
    "content, words",
    [
        (b'{"schema_version": 1,', "not valid JSON (line 1"),
        (b'{"schema_version": 1}\n}', "not valid JSON (line 2"),
        (b"", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b"[" * 200_000, "not a usable JSON document"),  # nesting deeper than the parser allows
    ],
)
def test_unreadable_files_name_the_file(tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ModelDataError) as info:
        load_model_file(path)
    assert str(info.value).startswith("bad.json: ") and words in str(info.value)


def test_missing_and_oversized_files(tmp_path):
    with pytest.raises(ModelDataError, match=r"^nope\.json: cannot read file"):
        load_model_file(tmp_path / "nope.json")
    big = tmp_path / "big.json"
    big.write_text(" " * 1_000_001)
    with pytest.raises(ModelDataError, match=r"^big\.json: file is larger than 1000000 bytes"):
        load_model_file(big)


def test_unknown_keys_are_ignored_and_optional_ones_default():
    d = example_dict()
    for key in ("description", "left_out", "approximate_frame_alignment"):
        del d[key]
    del d["muscles"][0]["group"], d["muscles"][0]["architecture"], d["landmarks"][0]["note"]
    d["comment"] = "anything"
    m = model_from_json(json.dumps(d), "x.json")
    assert (m.description, m.left_out, m.approximate_frame_alignment) == ("", "", False)
    assert m.muscles[0].group == "" and m.muscles[0].architecture is None and m.landmarks[0].note == ""


def test_model_from_json_default_name_in_messages():
    with pytest.raises(ModelDataError, match=r"^<model>: not valid JSON"):
        model_from_json("{")


def test_nothing_half_loaded_and_no_stale_cache(tmp_path):
    good = example_dict()
    good["id"] = "mine"
    path = tmp_path / "model_mine.json"
    path.write_text(json.dumps(good))
    first = load_model("mine", data_dir=tmp_path)
    stamp = os.stat(path).st_mtime_ns

    broken = copy.deepcopy(good)
    broken["muscles"][1]["path"][1]["body"] = "femur_r"
    path.write_text(json.dumps(broken))
    os.utime(path, ns=(stamp, stamp))  # as if rewritten within one file-system clock tick
    with pytest.raises(ModelDataError, match="femur_r"):
        load_model("mine", data_dir=tmp_path)
    with pytest.raises(ModelDataError):  # and again: the failure was not cached as a model
        load_model("mine", data_dir=tmp_path)

    path.write_text(json.dumps(good))
    again = load_model("mine", data_dir=tmp_path)
    assert again == first and again.muscle_ids == ("piriformis", "gluteus_medius_2")


def test_bundled_file_id_must_match_its_name(tmp_path):
    d = example_dict()  # id "example_custom"
    (tmp_path / "model_other.json").write_text(json.dumps(d))
    assert available_model_ids(tmp_path) == ["other"]
    with pytest.raises(ModelDataError, match=r"model_other\.json: field 'id': 'example_custom' does not match"):
        load_model("other", data_dir=tmp_path)


def test_a_broken_model_is_caught_as_a_value_error():
    """Callers (the CLI, the app) catch ValueError: a broken model file must be one."""
    with pytest.raises(ValueError, match="not valid JSON"):
        model_from_json("{")
    assert hipmodel.ModelDataError is ModelDataError


def test_schema_doc_shows_the_example_file_verbatim():
    doc = (EXAMPLE_MODEL_FILE.parents[2] / "docs" / "model_schema.md").read_text()
    block = doc.split("## The example file", 1)[1].split("```json\n", 1)[1].split("\n```", 1)[0]
    assert json.loads(block) == example_dict()


def test_schema_doc_error_examples_are_real(tmp_path):
    d = example_dict()
    d["hip_centre"]["source"] = "delp"
    path = tmp_path / "my_model.json"
    path.write_text(json.dumps(d))
    with pytest.raises(ModelDataError) as info:
        load_model_file(path)
    doc = (EXAMPLE_MODEL_FILE.parents[2] / "docs" / "model_schema.md").read_text()
    assert f"hipmodel: error: {info.value}" in doc
