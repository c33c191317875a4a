"""Property tests (hypothesis): what must hold for every input, not just the ones we thought of.

* Any finite pose the library accepts gives finite paths, lengths and moment arms for every
  muscle of every bundled model, and the two independent moment-arm methods agree within
  1e-6 mm; anything else is refused with ``PoseError``, never another exception.
* ``state_from_query`` turns any mapping of strings (a URL anybody can type) into a valid
  state inside the slider ranges plus notices, and never raises.
* ``model_from_json`` on any text, any JSON document or a damaged bundled model either
  builds a Model or raises ``ModelDataError``: never another exception type.

The examples are derandomised in CI (tests/conftest.py); ``HYPOTHESIS_PROFILE=explore``
draws 2000 fresh ones per test.
"""

from __future__ import annotations

import copy
import json
import math
import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import hipmodel as hm
from hipmodel.kinematics import ANGLE_LIMIT_DEG
from hipmodel.model import MAX_FILE_BYTES, ModelDataError, model_from_json
from hipmodel.app.state import MAX_MUSCLES, NERVE_TYPES, RANGES, STEP_DEG, ExplorerState, query_from_state, state_from_query

MODELS = {mid: hm.load_model(mid) for mid in hm.available_model_ids()}
ALL_MUSCLES = [(model, muscle) for model in MODELS.values() for muscle in model.muscles]
AGREE_MM = 1e-6


def angles(limit: float = ANGLE_LIMIT_DEG, lo: float | None = None):
    return st.floats(-limit if lo is None else lo, limit, allow_nan=False, allow_infinity=False)


poses = st.lists(st.tuples(angles(), angles(), angles()), min_size=1, max_size=6).map(np.array)
slider_poses = st.lists(
    st.tuples(*(angles(hi, lo) for lo, hi in (RANGES["flexion"], RANGES["adduction"], RANGES["rotation"]))),
    min_size=1, max_size=6).map(np.array)


# ----------------------------------------------------------------------------- poses
def test_every_bundled_model_is_covered():
    assert set(MODELS) == {"dostal1981", "gait2392", "rajagopal2016", "tlem2"}
    assert len(ALL_MUSCLES) >= 20


@given(poses)
def test_any_accepted_pose_gives_finite_results_and_the_two_methods_agree(pose):
    f, a, r = pose.T
    for model, muscle in ALL_MUSCLES:
        pts = hm.path_points_m(model, muscle, f, a, r)
        assert pts.shape == (len(f), len(muscle.points), 3) and np.all(np.isfinite(pts))
        length = hm.muscle_length_m(model, muscle, f, a, r)
        assert length.shape == f.shape and np.all(np.isfinite(length)) and np.all(length > 0)
        geometric = hm.moment_arms_m(model, muscle, f, a, r)
        numeric = hm.moment_arms_numeric_m(model, muscle, f, a, r)
        assert geometric.shape == numeric.shape == f.shape + (3,)
        assert np.all(np.isfinite(geometric)) and np.all(np.isfinite(numeric))
        worst_mm = float(np.max(np.abs(geometric - numeric))) * 1000.0
        assert worst_mm <= AGREE_MM, f"{model.id}/{muscle.id}: methods differ by {worst_mm:.2e} mm at {pose.tolist()}"
        # a moment arm can never exceed the distance from the hip centre to the path
        reach = np.max(np.linalg.norm(pts - model.hip_centre, axis=-1), axis=-1)
        assert np.all(np.abs(geometric) <= reach[:, None] + 1e-12)


@given(slider_poses)
def test_any_slider_pose_gives_the_readout_numbers_the_app_shows(pose):
    f, a, r = pose.T
    for model, muscle in ALL_MUSCLES:
        c = hm.curves(model, muscle, f, a, r)
        for name in ("length_mm", "rotation_moment_arm_mm", "adduction_moment_arm_mm", "flexion_moment_arm_mm"):
            values = getattr(c, name)
            assert values.shape == f.shape and np.all(np.isfinite(values)), (model.id, muscle.id, name)
        # one pose at a time gives the same numbers as the vectorised call
        one = hm.curves(model, muscle, float(f[0]), float(a[0]), float(r[0]))
        assert float(one.rotation_moment_arm_mm) == pytest.approx(float(c.rotation_moment_arm_mm[0]), abs=1e-12)
        for v in np.ravel(c.rotation_moment_arm_mm):
            assert hm.action_in_words(v)  # never raises on a value the model produces


# Integers beyond float range (|n| > 1.8e308) are left out while kinematics.py raises OverflowError on
# them: see test_an_angle_too_big_for_a_float_is_a_pose_error.
@given(st.one_of(st.floats(), st.integers(-(10 ** 300), 10 ** 300), st.text(max_size=12), st.booleans(), st.none(),
                 st.lists(st.floats(), max_size=3), st.sampled_from([[1, "a"], {}, [[]], "1_0", " 12 ", b"1"])))
def test_any_other_angle_is_refused_with_a_pose_error(value):
    ok = (not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)
          and abs(value) <= ANGLE_LIMIT_DEG)
    model = MODELS["gait2392"]
    muscle = model.muscle("piriformis")
    for args in ((value, 0.0, 0.0), (0.0, value, 0.0), (0.0, 0.0, value)):
        if ok:
            assert np.isfinite(hm.moment_arms_m(model, muscle, *args)).all()
        else:
            try:
                hm.moment_arms_m(model, muscle, *args)
            except hm.PoseError:
                continue
            # a numeric string such as '12' or a list of angles is accepted; then the numbers are finite
            assert np.isfinite(hm.moment_arms_m(model, muscle, *args)).all(), value
            assert isinstance(value, (str, bytes, list)), value


def test_an_angle_too_big_for_a_float_is_a_pose_error():
    model = MODELS["gait2392"]
    with pytest.raises(hm.PoseError):
        hm.moment_arms_m(model, model.muscle("piriformis"), 10 ** 400)


# ----------------------------------------------------------------------------- URL state
KEYS = ("model", "muscles", "flexion", "adduction", "rotation", "nerve", "tab", "q")
NUMBERISH = st.one_of(
    st.floats().map(repr),
    st.floats().map(str),
    st.integers().map(str),
    st.sampled_from(["nan", "NaN", "-nan", "inf", "-Infinity", "1e999", "-1e400", "1e-400", "0x10", "1_000",
                     "\u0661\u0662", "\uff11\uff12", " 12.25 ", "12,5", "+", "-", ".", "", "9" * 400,
                     "1" * 5000, "1e" + "9" * 50, "\x00", "<script>alert(1)</script>"]),
)
MODEL_NAMES = st.sampled_from(sorted(MODELS) + ["GAIT2392", " tlem2 ", "nope", "", "model_gait2392", "../etc/passwd"])
MUSCLE_NAMES = st.sampled_from(sorted({m.id for _, m in ALL_MUSCLES} | {m.source_name for _, m in ALL_MUSCLES}
                                      | {m.name for _, m in ALL_MUSCLES} | {"", " ", ",", "x", "<b>"}))
from hipmodel.questions import question_ids  # noqa: E402
from hipmodel.app.state import TABS  # noqa: E402

QUESTION_IDS = set(question_ids())

VALUES = st.one_of(
    st.text(),
    NUMBERISH,
    MODEL_NAMES,
    st.lists(MUSCLE_NAMES, max_size=30).map(",".join),
    st.sampled_from(list(NERVE_TYPES) + ["a", "f", "G", "AB", "\u00df"]),
    st.sampled_from(list(TABS) + ["Questions", "tab", "www.example.com"]),
    st.sampled_from(sorted(QUESTION_IDS) + ["WHY_FIGURE4", "why figure4", "www.evil.example.org/x"]),
)
QUERY = st.dictionaries(
    st.one_of(st.sampled_from(KEYS), st.text(max_size=10)),
    st.one_of(VALUES, st.lists(VALUES, max_size=3)),  # a repeated URL key arrives as a list
    max_size=8,
)


def check_valid_state(state, notices) -> None:
    assert isinstance(state, ExplorerState)
    assert state.model in MODELS
    model = MODELS[state.model]
    assert isinstance(state.muscles, tuple) and 1 <= len(state.muscles) <= MAX_MUSCLES
    assert all(m in model.muscle_ids for m in state.muscles) and len(set(state.muscles)) == len(state.muscles)
    for key, (lo, hi) in RANGES.items():
        v = getattr(state, key)
        assert isinstance(v, float) and math.isfinite(v) and lo <= v <= hi, (key, v)
        assert (v / STEP_DEG).is_integer(), (key, v)  # on the slider's grid
    assert state.nerve in NERVE_TYPES
    assert state.tab in TABS and (state.question == "" or state.question in QUESTION_IDS)
    assert isinstance(notices, list) and all(isinstance(n, str) and n for n in notices)
    for n in notices:  # shown with st.warning (markdown): nothing from the URL may become markup
        assert not set(n) & set("<>[]`*_\\|#"), n
        assert not re.search(r"www\.|[A-Za-z]\.[A-Za-z]|://", n), n  # nor a bare address Markdown would link
        assert len(n) < 400, n


@given(QUERY)
def test_any_query_gives_a_valid_state_and_notices(params):
    state, notices = state_from_query(params)
    check_valid_state(state, notices)
    # the state's own URL reads back to the same state, silently
    again, more = state_from_query(query_from_state(state))
    assert again == state and more == []


@given(st.dictionaries(st.text(), st.text()))
def test_any_mapping_of_arbitrary_strings_gives_a_valid_state(params):
    check_valid_state(*state_from_query(params))


@given(st.sampled_from(KEYS), NUMBERISH)
def test_a_number_in_the_url_lands_on_the_slider_or_is_named_in_a_notice(key, raw):
    state, notices = state_from_query({key: raw})
    check_valid_state(state, notices)
    if key in RANGES:
        lo, hi = RANGES[key]
        try:
            v = float(raw.strip()[:40])
        except ValueError:
            v = None
        if v is not None and math.isfinite(v) and lo <= v <= hi:
            assert getattr(state, key) == round(v / STEP_DEG) * STEP_DEG and not notices
        else:
            assert len(notices) == 1 and notices[0].startswith(key)


@given(st.sampled_from(sorted(MODELS)), st.data())
def test_a_valid_state_round_trips_through_its_url(model_id, data):
    model = MODELS[model_id]
    muscles = data.draw(st.lists(st.sampled_from(model.muscle_ids), min_size=1, max_size=MAX_MUSCLES, unique=True))
    pose = {k: data.draw(st.integers(int(lo / STEP_DEG), int(hi / STEP_DEG))) * STEP_DEG for k, (lo, hi) in RANGES.items()}
    tab = data.draw(st.sampled_from(TABS))
    question = data.draw(st.sampled_from(sorted(QUESTION_IDS))) if tab == "questions" else ""
    state = ExplorerState(model=model_id, muscles=tuple(muscles), nerve=data.draw(st.sampled_from(NERVE_TYPES)),
                          tab=tab, question=question, **pose)
    assert state_from_query(query_from_state(state)) == (state, [])


# ----------------------------------------------------------------------------- model files
BUNDLED_TEXT = (hm.DATA_DIR / "model_gait2392.json").read_text(encoding="utf-8")
BUNDLED = json.loads(BUNDLED_TEXT)
# JSON numbers as Python reads them. Integers too big for a float (|n| > 1.8e308) are left out here
# while model.py raises OverflowError on them: see test_an_integer_too_big_for_a_float_is_a_model_data_error.
FLOAT_SAFE_INTS = st.integers()  # any size: huge integers must give ModelDataError too
LEAVES = st.one_of(
    st.none(), st.booleans(), FLOAT_SAFE_INTS, st.floats(), st.text(max_size=20),
    st.sampled_from(["pelvis", "femur", "m", "cm", "mm", "gait", "", " ", 1, 0, -1, 1e308, -1e-308, 0.5]),
)
JSON_VALUES = st.recursive(LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                           st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                           max_leaves=20)


def model_or_model_data_error(text: str) -> None:
    """The contract: a Model, or ModelDataError naming the file; any other exception fails the test."""
    try:
        model = model_from_json(text, "fuzz.json")
    except ModelDataError as e:
        assert str(e).startswith("fuzz.json:"), e
        return
    assert isinstance(model, hm.Model) and model.muscles
    for muscle in model.muscles:  # a model that loads is usable
        assert np.all(np.isfinite(hm.moment_arms_m(model, muscle, 30.0)))


def paths_of(obj, here=()):
    """Every JSON path (tuple of keys and indices) in ``obj``, the root included."""
    yield here
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from paths_of(v, here + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from paths_of(v, here + (i,))


BUNDLED_PATHS = list(paths_of(BUNDLED))


@given(st.text(max_size=200))
def test_any_text_is_a_model_or_a_model_data_error(text):
    model_or_model_data_error(text)


@given(JSON_VALUES)
def test_any_json_document_is_a_model_or_a_model_data_error(value):
    model_or_model_data_error(json.dumps(value))


@given(st.lists(st.tuples(st.sampled_from(BUNDLED_PATHS), st.one_of(JSON_VALUES, st.just("<delete>"))),
                min_size=1, max_size=4))
def test_a_damaged_bundled_model_is_a_model_or_a_model_data_error(edits):
    doc = copy.deepcopy(BUNDLED)
    for path, value in edits:
        if not path:
            doc = value
            continue
        parent = doc
        try:
            for k in path[:-1]:
                parent = parent[k]
            if value == "<delete>":
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this part of the document
    model_or_model_data_error(json.dumps(doc))


@given(st.sampled_from([p for p in BUNDLED_PATHS if p and isinstance(p[-1], int) and p[-2] == "location"]),
       st.one_of(st.floats(), FLOAT_SAFE_INTS, st.text(max_size=5), st.none(), st.booleans()))
def test_a_damaged_coordinate_is_named_in_the_error(path, value):
    doc = copy.deepcopy(BUNDLED)
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    parent[path[-1]] = value
    text = json.dumps(doc)  # NaN and Infinity become the JavaScript literals, which json.loads reads back
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and abs(value) <= 10
    try:
        model_from_json(text, "fuzz.json")
    except ModelDataError as e:
        assert not ok or "implausibly large" in str(e) or "repeats" in str(e), e
        assert "location" in str(e), e
        return
    assert ok, f"{value!r} at {path} was accepted"


@pytest.mark.parametrize("text", [
    "[" * 100_000, "{\"a\":" * 50_000, "1" * 5000, "NaN", "-Infinity", "1e999", "\"\"", "\ufeff{}", "{}" * 2,
    BUNDLED_TEXT.replace("0.", "1e999*", 1), BUNDLED_TEXT[: len(BUNDLED_TEXT) // 2],
    BUNDLED_TEXT.replace("\"schema_version\": 1", "\"schema_version\": 1e400"),
])
def test_hostile_json_texts_are_model_data_errors(text):
    with pytest.raises(ModelDataError):
        model_from_json(text, "fuzz.json")


def test_an_integer_too_big_for_a_float_is_a_model_data_error():
    doc = copy.deepcopy(BUNDLED)
    doc["hip_centre"]["pelvis"][0] = 10 ** 400
    with pytest.raises(ModelDataError, match="hip_centre.pelvis"):
        model_from_json(json.dumps(doc), "fuzz.json")


def test_the_size_limit_is_the_loader_s_not_the_parser_s():
    assert MAX_FILE_BYTES >= len(BUNDLED_TEXT)  # the bundled files load, so the fuzzing above starts from a valid file
    model_or_model_data_error(BUNDLED_TEXT)


@settings(max_examples=25)
@given(st.integers(0, len(BUNDLED_TEXT) - 1), st.characters())
def test_one_character_changed_in_a_bundled_file_is_a_model_or_a_model_data_error(at, char):
    assume(BUNDLED_TEXT[at] != char)
    model_or_model_data_error(BUNDLED_TEXT[:at] + char + BUNDLED_TEXT[at + 1:])
