"""The explorer's other tabs through AppTest: nerve variants, stretches, readers' questions.

Every number on the page is checked against the library computing it afresh (or against
the data file), never against a value copied from the page.
"""

import io
import re
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import hipmodel as hm
from hipmodel import nerve, questions, stretch, plots
from hipmodel.app.explorer import VIEW_2D
from hipmodel.words import rotation_words
from conftest import captioned_image

APP = str(Path(__file__).resolve().parent.parent / "app.py")
NERVE_TAB, STRETCH_TAB, QUESTIONS_TAB = "Sciatic nerve", "Stretches", "Questions"


def open_tab(tab: str, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.session_state["tab"] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def switch_tab(at: AppTest, tab: str) -> AppTest:
    at.session_state["tab"] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at, label_start):
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def expected_moment_arm(flexion, adduction=0.0, rotation=0.0, model="gait2392") -> float:
    m = hm.load_model(model)
    # the sliders' 0.5 deg step: the explorer shows the pose rounded to it
    f, a, r = (round(v / 0.5) * 0.5 for v in (flexion, adduction, rotation))
    return float(hm.curves(m, m.muscle("piriformis"), f, a, r).rotation_moment_arm_mm)


def image_urls(at) -> list[str]:
    return [i.proto.imgs[0].url for i in at.get("image")]


# --------------------------------------------------------------------------- nerve variants

@pytest.mark.parametrize("letter", list("ABCDEF"))
def test_nerve_tab_shows_the_chosen_type_with_its_prevalence_from_the_data(letter):
    at = open_tab(NERVE_TAB, nerve=letter)
    v = nerve.load_nerve_variants()
    vt = v.type(letter)
    assert at.radio(key="nerve_radio").value == letter
    assert at.subheader[0].value == f"Type {letter}: {vt.short}"
    page = " ".join(m.value for m in at.markdown)
    for line in nerve.type_prevalence_lines(letter, v):
        assert line in page
    assert any(i.value == nerve.share_through(v).summary for i in at.info)
    for caption in (f"Type {letter}: the right hip from behind", "Prevalence by study", "All six types"):
        captioned_image(at, caption)  # the type, the prevalence chart, all six: each once


def test_choosing_a_type_in_the_nerve_tab_carries_to_the_explorer_and_the_link():
    at = open_tab(NERVE_TAB)
    at.radio(key="nerve_radio").set_value("E").run()
    assert at.subheader[0].value.startswith("Type E:")
    switch_tab(at, "Explorer")
    at.radio(key="anatomy_view").set_value(VIEW_2D).run()  # the nerve is drawn on the 2-D view from behind
    assert at.selectbox(key="nerve_select").value == "E"
    assert at.query_params["nerve"] in ("E", ["E"])


def test_explorer_draws_the_nerve_overlay_and_it_follows_the_type_and_toggle():
    at = open_tab("Explorer", nerve="B")
    at.radio(key="anatomy_view").set_value(VIEW_2D).run()
    # the explorer's pictures have no caption or key yet (explorer.py is another session's): [1] is the anatomy
    anatomy = lambda: captioned_image(at, "The hip from behind")  # noqa: E731
    with_b = anatomy()
    at.selectbox(key="nerve_select").set_value("F").run()
    with_f = anatomy()
    at.toggle(key="show_nerve").set_value(False).run()
    without = anatomy()
    assert len({with_b, with_f, without}) == 3
    assert at.selectbox(key="nerve_select").disabled


def test_a_broken_nerve_file_is_reported_and_the_explorer_still_works(tmp_path, monkeypatch):
    bad = tmp_path / "sciatic_variants.json"
    bad.write_text('{"schema_version": 1, "types": [')  # truncated
    monkeypatch.setattr(nerve.data, "NERVE_DATA_FILE", bad)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert metric(at, "Piriformis: rotation moment arm") == "-29.2 mm"
    at.radio(key="anatomy_view").set_value(VIEW_2D).run()  # where the nerve would be drawn
    assert any("sciatic_variants.json" in c.value for c in at.caption)
    switch_tab(at, NERVE_TAB)
    assert any("sciatic_variants.json" in e.value for e in at.error)


# --------------------------------------------------------------------------- stretches

@pytest.mark.parametrize("flexion, words", [(20.0, "in (internal rotation)"), (100.0, "out (external rotation)")])
def test_stretch_tab_says_which_rotation_lengthens_it_at_the_current_flexion(flexion, words):
    """Below the switch (57.2 deg in Gait2392) turning the thigh in lengthens the piriformis;
    above it turning it out does (hip_geometry.md: the moment arm changes sign there)."""
    at = open_tab(STRETCH_TAB, flexion=str(flexion))
    m = hm.load_model()
    mu = m.muscle("piriformis")
    assert metric(at, f"To lengthen it at {flexion:g}\u00b0 flexion, turn the thigh") == words
    assert rotation_words(stretch.lengthening_rotation(m, mu, flexion)) == words.split("(")[1].rstrip(")")
    lc = stretch.length_change(m, mu, flexion, 0.0, 0.0)
    assert metric(at, "Length vs standing, now") == f"{float(lc.change_mm):+.1f} mm"
    flips = stretch.rotation_flip_angles(m, mu)
    assert any(f"{flips[0]:.1f}\u00b0" in c.value for c in at.caption)
    assert flips[0] == pytest.approx(57.19, abs=0.01)  # hip_geometry.md


def test_longest_length_in_the_box_matches_the_search_and_can_be_shown_in_the_explorer():
    at = open_tab(STRETCH_TAB)
    at.slider(key="box_flexion").set_value((0.0, 60.0)).run()
    at.slider(key="box_rotation").set_value((-45.0, 0.0)).run()
    m = hm.load_model()
    best = stretch.longest_length(m, m.muscle("piriformis"), (0.0, 60.0), (-30.0, 30.0), (-45.0, 0.0))
    text = at.success[0].value
    assert f"{best.flexion_deg:.1f}\u00b0 flexion" in text and f"{best.change_mm:+.1f} mm" in text
    # the box is kept while another tab is open
    switch_tab(at, "Explorer")
    switch_tab(at, STRETCH_TAB)
    assert at.slider(key="box_flexion").value == (0.0, 60.0)
    at.button(key="apply_longest").click().run()
    assert at.session_state["tab"] == "Explorer"  # the button takes the user there
    assert metric(at, "Piriformis: rotation moment arm") == f"{expected_moment_arm(*best.angles):+.1f} mm"
    for key, value in zip(("flexion", "adduction", "rotation"), best.angles):
        assert at.slider(key=key).value == pytest.approx(value, abs=0.25)  # the sliders' 0.5 deg step


def test_figure4_steps_are_the_library_sentences_for_the_chosen_final_pose():
    at = open_tab(STRETCH_TAB)
    at.slider(key="f4_flexion").set_value(90.0).run()
    m = hm.load_model()
    steps = stretch.figure4_steps(m, m.muscle("piriformis"), 90.0, *stretch.FIGURE4_FINAL_POSE[1:])
    page = " ".join(md.value for md in at.markdown)
    for s in steps:
        assert s.sentence in page
    assert "**2. Flex the hip to 90\u00b0.**" in page  # the step titles follow the chosen pose too


def test_values_set_on_a_tab_reached_from_the_explorer_survive_a_visit_elsewhere():
    """The usual path: open the link (explorer), go to a tab, set things, look elsewhere, come back."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.toggle(key="show_length").set_value(True).run()
    switch_tab(at, STRETCH_TAB)
    at.slider(key="box_flexion").set_value((0.0, 60.0)).run()
    at.slider(key="f4_flexion").set_value(30.0).run()
    longest = at.success[0].value
    switch_tab(at, QUESTIONS_TAB)
    at.text_input(key="q_text").input("is it an abductor").run()
    switch_tab(at, "Explorer")
    assert at.toggle(key="show_length").value is True
    switch_tab(at, STRETCH_TAB)
    assert at.slider(key="box_flexion").value == (0.0, 60.0)
    assert at.slider(key="f4_flexion").value == 30.0
    assert at.success[0].value == longest
    switch_tab(at, QUESTIONS_TAB)
    assert at.text_input(key="q_text").value == "is it an abductor"
    assert at.selectbox(key="q_id").value == "abductor"
    # and again, so a value restored once is not replaced by an older one the second time
    switch_tab(at, STRETCH_TAB)
    at.slider(key="box_flexion").set_value((30.0, 90.0)).run()
    switch_tab(at, "Explorer")
    switch_tab(at, STRETCH_TAB)
    assert at.slider(key="box_flexion").value == (30.0, 90.0)


# --------------------------------------------------------------------------- readers' questions

def test_questions_tab_answers_a_question_typed_in_own_words():
    at = open_tab(QUESTIONS_TAB)
    text = "why does crossing my ankle over my knee stretch the piriformis"
    at.text_input(key="q_text").input(text).run()
    expected = questions.ask(text, hm.load_model())
    assert at.subheader[0].value == expected.question
    assert any(md.value == expected.text for md in at.markdown)
    assert questions.find_question(text).question_id == "why_figure4"
    assert at.selectbox(key="q_id").value == "why_figure4"  # the list shows the same question
    # picking from the list replaces the typed words
    at.selectbox(key="q_id").set_value("abductor").run()
    assert at.text_input(key="q_text").value == ""
    assert at.subheader[0].value == questions.answer("abductor", hm.load_model()).question


def test_did_you_mean_buttons_open_the_other_close_question():
    at = open_tab(QUESTIONS_TAB)
    text = "How many millimetres longer does the piriformis get when stretched?"
    at.text_input(key="q_text").input(text).run()
    m = questions.find_question(text)
    assert m.question_id == "sitting" and "length" in m.did_you_mean  # a near miss of the matcher
    assert any("did you mean" in c.value for c in at.caption)
    at.button(key="dym_length").click().run()
    assert not at.exception
    assert at.subheader[0].value == questions.answer("length", hm.load_model()).question
    assert at.text_input(key="q_text").value == "" and at.selectbox(key="q_id").value == "length"
    assert not any(b.key and b.key.startswith("dym_") for b in at.button)  # a picked question offers none


def test_an_out_of_scope_question_gets_the_honest_notice():
    at = open_tab(QUESTIONS_TAB)
    at.selectbox(key="q_id").set_value("abductor").run()
    assert at.query_params["q"] in ("abductor", ["abductor"])
    at.text_input(key="q_text").input("what pills should I take for my sciatica pain").run()
    assert any("not medical advice" in w.value for w in at.warning)
    # the list shows no stale choice and the link names no question: it would open another answer
    assert at.selectbox(key="q_id").value == "" and "q" not in at.query_params
    shown = " ".join([at.subheader[0].value] + [w.value for w in at.warning] + [m.value for m in at.markdown])
    assert shown.count("utside what an anatomy model can answer") <= 2, shown  # not three times


@pytest.mark.parametrize("qid", questions.question_ids())
def test_every_bank_question_renders_with_its_live_numbers(qid):
    at = open_tab(QUESTIONS_TAB)
    at.selectbox(key="q_id").set_value(qid).run()
    assert not at.exception and not at.error
    ans = questions.answer(qid, hm.load_model())
    assert at.subheader[0].value == ans.question
    assert any(md.value == ans.text for md in at.markdown)  # the whole answer, every number in it
    if ans.numbers:
        table = at.dataframe[0].value
        shown = dict(zip(table["quantity"], table["value"]))
        assert shown == {questions.number_label(k): pytest.approx(float(v)) for k, v in ans.numbers.items()}


def test_the_answer_follows_the_model():
    qid = "switch_angle"
    at = open_tab(QUESTIONS_TAB, model="rajagopal2016")
    at.selectbox(key="q_id").set_value(qid).run()
    page = " ".join(md.value for md in at.markdown)
    raj = questions.answer(qid, hm.load_model("rajagopal2016"))
    gait = questions.answer(qid, hm.load_model("gait2392"))
    assert raj.text != gait.text
    assert raj.text in page and gait.text not in page


def test_answer_zip_holds_the_markdown_and_the_figure_it_links():
    ans = questions.answer("why_figure4", hm.load_model())
    z = zipfile.ZipFile(io.BytesIO(plots.answer_zip(ans)))
    names = set(z.namelist())
    assert names == {"why_figure4.md", "why_figure4.png"}
    md = z.read("why_figure4.md").decode()
    assert re.search(r"!\[[^\]]+\]\(why_figure4\.png\)", md)
    assert z.read("why_figure4.png")[:8] == b"\x89PNG\r\n\x1a\n"
    for key in ans.numbers:  # the table of numbers carries every number the answer computed
        assert f"| {questions.number_label(key)} |" in md


def test_a_link_opens_a_tab_and_a_question_and_the_page_writes_them_back():
    """A writer sends a link to one answer."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["tab"] = "questions"
    at.query_params["q"] = "abductor"
    at.run()
    assert not at.exception
    assert at.subheader[0].value == questions.answer("abductor", hm.load_model()).question
    assert at.query_params["tab"] in ("questions", ["questions"]) and at.query_params["q"] in ("abductor", ["abductor"])
    switch_tab(at, "Stretches")
    assert at.query_params["tab"] in ("stretches", ["stretches"]) and "q" not in at.query_params


def test_a_link_to_a_question_alone_opens_the_questions_tab():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["q"] = "why_figure4"
    at.run()
    assert not at.exception and not at.warning
    assert at.subheader[0].value == questions.answer("why_figure4", hm.load_model()).question
