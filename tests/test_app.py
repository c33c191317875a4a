"""The explorer through Streamlit's AppTest: widgets by key, readouts checked against the model."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import hipmodel as hm

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at, label_start):
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def expected_moment_arm(flexion, adduction=0.0, rotation=0.0, model="gait2392"):
    m = hm.load_model(model)
    return float(hm.curves(m, m.muscle("piriformis"), flexion, adduction, rotation).rotation_moment_arm_mm)


@pytest.fixture(scope="module")
def at():
    return run_app()


def test_opens_at_standing_with_the_reference_value(at):
    assert metric(at, "Piriformis: rotation moment arm") == "-29.2 mm"  # hip_geometry.md: -29.17
    assert metric(at, "Action now") == "external rotator"
    assert metric(at, "Switch") == "57.2\u00b0"


def test_flexion_slider_moves_the_readout_and_flips_the_action(at):
    for flexion in (30.0, 56.5, 58.0, 90.0, 117.5):
        at.slider(key="flexion").set_value(flexion).run()
        assert not at.exception
        assert metric(at, "Piriformis: rotation moment arm") == f"{expected_moment_arm(flexion):+.1f} mm"
        ma = expected_moment_arm(flexion)  # within 1 mm of zero no action is named (words.ALMOST_NO_LEVER_MM)
        action = "almost no rotation lever" if abs(ma) < 1 else "external rotator" if ma < 0 else "internal rotator"
        assert metric(at, "Action now") == action
        assert (flexion in (56.5, 58.0)) == (action == "almost no rotation lever")  # either side of the 57.19 switch
        assert at.query_params["flexion"] in (f"{flexion:g}", [f"{flexion:g}"])
    sentence = at.info[0].value
    assert "inwards" in sentence and "117.5" in sentence


def test_rotation_and_adduction_move_the_switch():
    at = run_app(rotation="-30", adduction="20")
    assert metric(at, "Switch") == "89.5\u00b0"  # literature.md derived: about 90 deg
    at = run_app(rotation="-30", adduction="-20")
    assert metric(at, "Switch") == "47.0\u00b0"  # literature.md derived: about 47 deg


def test_every_preset_sets_the_sliders():
    from hipmodel import stretch

    at = run_app()
    for pose in stretch.load_poses():
        at.selectbox(key="preset").set_value(pose.id).run()
        assert not at.exception
        for key, value in (("flexion", pose.flexion_deg), ("adduction", pose.adduction_deg),
                           ("rotation", pose.rotation_deg)):
            lo, hi = at.slider(key=key).min, at.slider(key=key).max
            assert at.slider(key=key).value == min(max(value, lo), hi), (pose.id, key)
    at.button(key="reset").click().run()
    assert [at.slider(key=k).value for k in ("flexion", "adduction", "rotation")] == [0.0, 0.0, 0.0]


def test_query_params_round_trip():
    at = run_app(model="rajagopal2016", muscles="piri_r,glmed3_r", flexion="75", adduction="-10", rotation="20")
    assert at.selectbox(key="model").value == "rajagopal2016"
    assert at.multiselect(key="muscles").value == ["piriformis", "gluteus_medius_3"]
    assert [at.slider(key=k).value for k in ("flexion", "adduction", "rotation")] == [75.0, -10.0, 20.0]
    assert metric(at, "Piriformis: rotation moment arm") == f"{expected_moment_arm(75, -10, 20, 'rajagopal2016'):+.1f} mm"
    assert not at.warning
    # the URL now holds the same state, so a second browser opens the same view
    again = run_app(**{k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()})
    assert metric(again, "Piriformis: rotation moment arm") == metric(at, "Piriformis: rotation moment arm")


@pytest.mark.parametrize("query", [
    {"flexion": "banana", "rotation": "nan", "adduction": "1e999"},
    {"flexion": "9999", "model": "<b>bold</b>", "muscles": "';drop table"},
    {"muscles": "", "nerve": "Q"},
])
def test_garbage_query_gives_a_notice_and_no_exception(query):
    at = run_app(**query)
    assert at.warning, "a one-line notice is shown"
    assert all(w.value.startswith("Link corrected:") for w in at.warning)
    assert metric(at, "Action now") in ("external rotator", "internal rotator")
    flex = at.slider(key="flexion").value
    assert -20 <= flex <= 120


def test_model_change_keeps_the_muscles_it_can():
    at = run_app(muscles="piriformis,gluteus_maximus_1")
    at.selectbox(key="model").set_value("tlem2").run()
    assert not at.exception
    assert at.multiselect(key="muscles").value == ["piriformis"]
    assert metric(at, "Switch").startswith("50.0")


def test_switch_context_tab_lists_every_model_and_the_literature():
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["tab"] = "Switch in context"  # only the open tab runs
    at.run()
    assert not at.exception and len(at.table) == 1  # a static table: its long cells wrap
    table = at.table[0].value
    sources = " ".join(map(str, table["source"]))
    for m in hm.available_model_ids():
        assert hm.load_model(m).name.rstrip(")") in sources  # a note may join the name's bracket
    assert "Ito 2025" in sources and "90" in " ".join(map(str, table["switch (deg flexion)"]))


def test_kept_curve_is_drawn_beside_the_new_one():
    at = run_app()
    at.button(key="keep_curve").click().run()
    assert list(at.session_state["kept"]) == ["Piriformis, gait2392, add 0\u00b0, rot 0\u00b0"]
    at.slider(key="rotation").set_value(-30.0).run()
    assert not at.exception and len(at.session_state["kept"]) == 1
    at.button(key="clear_kept").click().run()
    assert "kept" not in at.session_state


def test_a_broken_model_file_is_reported_and_the_rest_works(tmp_path, monkeypatch):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(hm.DATA_DIR, data)
    (data / "model_tlem2.json").write_text('{"schema_version": 1, "id": "tlem2"')  # truncated JSON
    monkeypatch.setattr(hm.model, "DATA_DIR", data)
    monkeypatch.setattr(hm, "DATA_DIR", data)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["model"] = "tlem2"
    at.run()
    assert not at.exception
    assert any("tlem2" in w.value and "model_tlem2.json" in w.value for w in at.sidebar.warning)
    assert at.selectbox(key="model").value == "gait2392"
    assert "tlem2" not in at.selectbox(key="model").options
    assert metric(at, "Piriformis: rotation moment arm") == "-29.2 mm"


def test_only_the_open_tab_runs(at):
    """The other tabs cost a second or more to draw; a slider move must not pay for them."""
    assert len(at.table) == 0  # the switch-in-context table is not built while the explorer is open
    assert not any(s.value.startswith("Type ") for s in at.subheader)
