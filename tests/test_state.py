"""URL state: any query gives a valid state; corrections come with a notice."""

import math

import pytest

from hipmodel.app.state import RANGES, ExplorerState, query_from_state, state_from_query


def test_empty_query_gives_defaults_without_notice():
    state, notices = state_from_query({})
    assert state == ExplorerState()
    assert notices == []


def test_round_trip():
    state = ExplorerState(model="rajagopal2016", muscles=("piriformis", "gluteus_medius_3"), flexion=72.5,
                          adduction=-10.0, rotation=30.0, nerve="B")
    again, notices = state_from_query(query_from_state(state))
    assert again == state and notices == []


@pytest.mark.parametrize("key,raw,expected", [
    ("flexion", "500", 120.0), ("flexion", "-1e9", -20.0), ("rotation", "46", 45.0), ("adduction", "-31", -30.0),
])
def test_out_of_range_is_clamped_with_notice(key, raw, expected):
    state, notices = state_from_query({key: raw})
    assert getattr(state, key) == expected
    assert len(notices) == 1 and key in notices[0] and f"{RANGES[key][0]:g}" in notices[0]


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf", "abc", "", "1e999", "0x10", "<script>"])
def test_garbage_angle_gives_default_and_notice(raw):
    state, notices = state_from_query({"flexion": raw})
    assert state.flexion == 0.0 and math.isfinite(state.flexion)
    assert notices and notices[0].startswith("flexion")


def test_unknown_model_and_muscles():
    state, notices = state_from_query({"model": "opensim9000", "muscles": "peri_r,bogus,glmed3_r"})
    assert state.model == "gait2392"
    assert state.muscles == ("piriformis", "gluteus_medius_3")  # source names resolved to ids
    assert any("model" in n for n in notices) and any("bogus" in n for n in notices)


def test_no_valid_muscle_falls_back_to_piriformis():
    state, notices = state_from_query({"muscles": ",,nothing"})
    assert state.muscles == ("piriformis",) and notices


def test_model_without_muscle_keeps_what_exists():
    state, _ = state_from_query({"model": "tlem2", "muscles": "gluteus_medius_1,piriformis"})
    assert state.model == "tlem2" and state.muscles == ("piriformis",)


def test_list_values_take_the_last_and_angles_snap_to_the_slider_step():
    state, notices = state_from_query({"flexion": ["10", "33.3"]})
    assert state.flexion == 33.5 and notices == []


def test_bad_nerve_letter():
    state, notices = state_from_query({"nerve": "z"})
    assert state.nerve == "A" and "nerve" in notices[0]


def test_notices_never_echo_markup_from_the_url():
    _, notices = state_from_query({"model": "[x](javascript:alert(1))", "muscles": "<img src=x>",
                                   "flexion": "**bold**", "nerve": "`"})
    text = " ".join(notices)
    for ch in "<>[]()*`":
        assert ch not in text.replace("(allowed", "").replace("deg)", "")


def test_tab_and_question_round_trip_and_bad_ones_give_notices():
    from hipmodel import questions
    from hipmodel.app.state import TABS

    qid = questions.question_ids()[5]
    state = ExplorerState(tab="questions", question=qid, nerve="C")
    query = query_from_state(state)
    assert query["tab"] == "questions" and query["q"] == qid
    again, notices = state_from_query(query)
    assert again == state and notices == []
    assert "tab" not in query_from_state(ExplorerState())  # the explorer is the default: short links
    assert "q" not in query_from_state(ExplorerState(tab="nerve", question=qid))  # only on its tab
    for t in TABS:
        assert state_from_query({"tab": t})[0].tab == t
    state, notices = state_from_query({"tab": "<script>", "q": "drop_table"})
    assert state.tab == "explorer" and state.question == ""
    assert len(notices) == 2 and all("<" not in n for n in notices)


def test_the_anatomy_view_is_in_the_link_and_garbage_falls_back_to_3d():
    from hipmodel.app.state import ExplorerState, query_from_state, state_from_query

    state, notices = state_from_query({"view": "2d", "flexion": "40"})
    assert state.view == "2d" and not notices and query_from_state(state)["view"] == "2d"
    assert "view" not in query_from_state(ExplorerState())  # the default is not written
    state, notices = state_from_query({"view": "<b>x</b>"})
    assert state.view == "3d" and any(n.startswith("view:") for n in notices)
