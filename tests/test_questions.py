"""Readers' questions: answers computed live from the model, question search, scope, export, CLI."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipmodel import questions as Q
from hipmodel.questions.common import literature_name
import hipmodel.nerve.data as nerve_data
from hipmodel.literature import SWITCH_LITERATURE_FILE, load_switch_literature
from hipmodel.mechanics import curves
from hipmodel.model import load_bundled_models, load_model, model_from_json
from hipmodel.stretch import figure4_steps, find_pose, length_change, load_poses, longest_length
from hipmodel.switch import sign_change_angles
from conftest import run_main

MODELS = ("gait2392", "rajagopal2016", "dostal1981", "tlem2")


def piri(model):
    return model.muscle("piriformis")


def switch(model, add=0.0, rot=0.0):
    return sign_change_angles(model, piri(model), add, rot)[0].flexion_deg


# ---------------------------------------------------------------------------------
# The bank and the answers
# ---------------------------------------------------------------------------------


def test_bank_has_the_three_readers_questions_and_at_least_ten_more():
    readers = [q for q in Q.QUESTIONS if q.reader]
    assert len(readers) == 3
    assert len([q for q in Q.QUESTIONS if not q.reader]) >= 10
    assert len(set(Q.question_ids())) == len(Q.QUESTIONS)
    # the two clinical readers' questions are answered as out of scope
    assert {q.id for q in readers if q.out_of_scope} == {"reader_beyond_stretches", "reader_achilles"}


def stands_whole(v: float, text: str, decimals=(0, 1, 2)) -> bool:
    """``|v|`` rounded to one of ``decimals`` is a whole number token of ``text`` (a sign before it is fine)."""
    return any(re.search(rf"(?<![\d.]){re.escape(f'{abs(v):.{d}f}')}(?!\d|\.\d)", text) for d in decimals)


@pytest.mark.parametrize("model_id", MODELS)
@pytest.mark.parametrize("qid", Q.question_ids() + [Q.OUT_OF_SCOPE_ID, Q.NO_MATCH_ID])
def test_every_answer_builds_with_its_numbers_in_the_text(qid, model_id):
    model = load_model(model_id)
    a = Q.answer(qid, model)
    assert a.text.strip() and a.figure.kind in Q.FIGURE_KINDS
    assert a.model_id == model_id and (a.sources or qid == Q.NO_MATCH_ID)
    assert set(a.numbers) == set(a.units)
    for key, v in a.numbers.items():
        assert math.isfinite(v), key
        # each number stands whole in the text (not inside a longer number), to 0, 1 or 2 decimals
        assert stands_whole(v, a.text), (key, v)


def test_no_digits_typed_into_the_prose():
    """Every number in an answer is a computed one (or part of a name or a data-file text)."""
    for model_id in ("gait2392", "tlem2"):
        model = load_model(model_id)
        for qid in Q.question_ids() + [Q.OUT_OF_SCOPE_ID]:
            a = Q.answer(qid, model)
            allowed = set()
            for v in a.numbers.values():
                allowed |= {f"{v:.0f}", f"{v:.1f}", f"{v:.2f}", f"{abs(v):.1f}", f"{abs(v):.0f}", f"{v:g}", f"{abs(v):g}"}
            text = a.text
            for e in load_switch_literature():  # labels and notes read from data/switch_literature.json
                for t in (e.statement, e.label, e.evidence, e.chart_note, literature_name(e.as_dict())):
                    text = text.replace(t, "") if t else text
            for p in load_poses():
                for t in (p.angles_text(), p.how_to, p.name):
                    text = re.sub(r"(?<![\d.])" + re.escape(t), "", text)
            from hipmodel.nerve import load_nerve_variants

            for study in load_nerve_variants().studies:  # study names and sample sizes read from the nerve data
                text = text.replace(study.n_text, "").replace(study.short, "")
            # names that contain digits, and texts read from the pose file
            text = re.sub(r"\([^)]*\b(19|20)\d\d\b[^)]*\)", "", text)  # citations like (Delp et al. 1990)
            text = re.sub(r"(?m)^\d+\. ", "", text)  # numbered steps
            names = [m.name for m in load_bundled_models()[0].values()]
            names += [nm.split(" (")[0].replace("OpenSim ", "") for nm in names]
            for name in (*names, "Gait2392", "Rajagopal 2016", "TLEM 2.0", "figure-4", "Delp and colleagues, 1999", "3-D"):
                text = text.replace(name, "")
            for m in re.finditer(r"\d+(?:\.\d+)?", text):
                assert m.group() in allowed, (model_id, qid, m.group(), text[max(0, m.start() - 60): m.end() + 20])


@pytest.mark.parametrize("model_id", ["gait2392", "rajagopal2016"])
def test_contradiction_answer_numbers_equal_the_model(model_id):
    model = load_model(model_id)
    mu = piri(model)
    a = Q.answer("reader_rotation_contradiction", model)
    c = curves(model, mu, np.linspace(0, 120, 241))
    assert a.numbers["switch_deg"] == pytest.approx(switch(model), abs=1e-6)
    assert a.numbers["rot_ma_standing_mm"] == pytest.approx(-float(curves(model, mu, 0.0).rotation_moment_arm_mm))
    assert a.numbers["rot_ma_flexed_mm"] == pytest.approx(float(curves(model, mu, 90.0).rotation_moment_arm_mm))
    assert a.numbers["abd_ma_min_mm"] == pytest.approx(float((-c.adduction_moment_arm_mm).min()))
    assert a.numbers["abd_ma_max_mm"] == pytest.approx(float((-c.adduction_moment_arm_mm).max()))
    assert f"{switch(model):.1f}°" in a.text  # one rounding rule (issue 14 item 9)


def test_answers_follow_the_model_rajagopal_vs_gait():
    g, r = load_model("gait2392"), load_model("rajagopal2016")
    for qid, key in [("switch_angle", "switch_deg"), ("why_figure4", "total_change_mm"),
                     ("best_stretch", "best_change_mm"), ("abductor", "abd_ma_standing_mm"),
                     ("length", "standing_mm"), ("sitting", "change_mm")]:
        ag, ar = Q.answer(qid, g), Q.answer(qid, r)
        assert ag.numbers[key] != pytest.approx(ar.numbers[key], abs=1e-3), qid
        assert ag.text != ar.text
    assert Q.answer("switch_angle", g).numbers["switch_deg"] == pytest.approx(57.19, abs=0.01)
    assert Q.answer("switch_angle", r).numbers["switch_deg"] == pytest.approx(48.52, abs=0.01)


def test_answer_changes_when_the_model_file_changes(gait):
    """Move the piriformis insertion: the answer's numbers move with it, nothing is cached or typed."""
    data = json.loads(Path(gait.path).read_text(encoding="utf-8"))
    for m in data["muscles"]:
        if m["id"] == "piriformis":
            m["path"][-1]["location"][0] += 0.01 * (1 if data["units"] == "m" else 1000)
    moved = model_from_json(json.dumps(data), "moved.json")
    a0, a1 = Q.answer("switch_angle", gait), Q.answer("switch_angle", moved)
    assert a1.numbers["switch_deg"] == pytest.approx(switch(moved), abs=1e-6)
    assert abs(a1.numbers["switch_deg"] - a0.numbers["switch_deg"]) > 1.0
    f0, f1 = Q.answer("why_figure4", gait), Q.answer("why_figure4", moved)
    steps = figure4_steps(moved, piri(moved))
    assert f1.numbers["total_change_mm"] == pytest.approx(steps[-1].change_mm)
    assert f1.numbers["total_change_mm"] != pytest.approx(f0.numbers["total_change_mm"])


@pytest.mark.parametrize("model_id", MODELS)
def test_figure4_answer_matches_the_steps(model_id):
    asked = load_model(model_id)
    a = Q.answer("why_figure4", asked)
    model = asked if asked.use_for_length else load_model("gait2392")  # lengths: issue 14 item 10
    steps = figure4_steps(model, piri(model))
    for step in steps:
        assert step.sentence in a.text
        for value in step.shown.values():  # every number the sentence shows is among the answer's numbers
            assert any(abs(v - value) < 1e-6 for v in a.numbers.values())
    assert a.numbers["step1_length_mm"] == pytest.approx(steps[0].length_mm)
    assert len(set(a.numbers.values())) == len(a.numbers)  # each number once
    assert a.numbers["step2_step_change_mm"] == pytest.approx(abs(steps[1].step_change_mm))
    assert a.numbers["total_change_mm"] == pytest.approx(steps[3].change_mm)
    assert a.numbers["total_change_pct"] == pytest.approx(steps[3].change_pct)
    straight = float(length_change(model, piri(model), 0.0, 0.0, steps[2].rotation_deg).change_mm)
    assert a.numbers["ext_rot_straight_mm"] == pytest.approx(abs(straight))
    assert straight < 0  # turning out with the hip straight slackens it in every geometry
    assert a.figure.kind == "figure4_steps"


def test_best_stretch_answer_matches_the_search(rajagopal):
    a = Q.answer("best_stretch", rajagopal)
    best = longest_length(rajagopal, piri(rajagopal), (0, 120), (-30, 30), (-45, 45))
    assert a.numbers["best_change_mm"] == pytest.approx(best.change_mm)
    assert a.numbers["rank1_change_mm"] >= a.numbers["rank2_change_mm"] >= a.numbers["rank3_change_mm"]
    knee_out = float(length_change(rajagopal, piri(rajagopal), best.flexion_deg, -30, best.rotation_deg).change_mm)
    assert a.numbers["best_knee_out_change_mm"] == pytest.approx(knee_out)


def test_pose_answers_use_the_pose_file(gait):
    for qid, pid in [("sitting", "sitting"), ("fair_test", "fair"), ("deep_squat", "deep_squat")]:
        a = Q.answer(qid, gait)
        p = find_pose(pid)
        lc = length_change(gait, piri(gait), *p.angles)
        assert a.numbers["change_mm"] == pytest.approx(float(lc.change_mm))
        assert a.numbers["switch_deg"] == pytest.approx(switch(gait, p.adduction_deg, p.rotation_deg), abs=1e-6)
    assert "unverified" in Q.answer("fair_test", gait).text.lower()


def test_which_rotation_answer_signs_flip_with_the_switch(gait):
    a = Q.answer("which_rotation", gait)
    assert a.numbers["straight_turn_in_mm"] > 0 > a.numbers["straight_turn_out_mm"]
    assert a.numbers["flexed_turn_out_mm"] > 0 > a.numbers["flexed_turn_in_mm"]


def test_other_muscles_lists_every_switch(gait):
    a = Q.answer("other_muscles", gait)
    n = 0
    for mu in gait.muscles:
        for j, s in enumerate(sign_change_angles(gait, mu, 0.0, 0.0, start_deg=0.0, stop_deg=120.0)):
            assert a.numbers[f"{mu.id}_switch{j + 1}_deg"] == pytest.approx(s.flexion_deg)
            n += j == 0
    assert a.numbers["n_switching"] == n
    # a model with only the piriformis says so instead of inventing a list
    assert "only the piriformis" in Q.answer("other_muscles", load_model("tlem2")).text


def test_disagreement_answer_reads_the_literature_file(gait):
    a = Q.answer("why_disagree", gait)
    lit = json.loads(SWITCH_LITERATURE_FILE.read_text())  # the raw file, not the loader
    ito = next(e for e in lit["entries"] if e["id"] == "ito2025")
    assert a.numbers["lit_ito2025_low_deg"] == ito["low"] and a.numbers["lit_ito2025_high_deg"] == ito["high"]
    assert a.numbers["switch_turned_out_knee_across_deg"] == pytest.approx(switch(gait, 20.0, -30.0), abs=1e-6)
    assert any("Ito" in s for s in a.sources)


def test_sciatic_answer_reads_the_variants_file_or_degrades(monkeypatch, tmp_path, gait):
    a = Q.answer("sciatic_through", gait)
    summary = Q.nerve_variant_summary()
    if summary is not None:
        label, n, types = summary["complete"]
        assert a.numbers["nerve_type_a_pct"] == types["A"]
        assert a.numbers["nerve_sample_n"] == n
        assert a.figure.kind == "nerve_variants"
    # without the file: an honest answer with no invented prevalence numbers
    monkeypatch.setattr(nerve_data, "NERVE_DATA_FILE", tmp_path / "absent.json")
    assert Q.nerve_variant_summary() is None
    b = Q.answer("sciatic_through", gait)
    assert "not installed" in b.text and not b.numbers
    assert not re.search(r"\d", b.text)
    # a file of the wrong shape is treated as absent, not a crash
    bad = tmp_path / "bad.json"
    bad.write_text('{"studies": 3}')
    monkeypatch.setattr(nerve_data, "NERVE_DATA_FILE", bad)
    assert Q.nerve_variant_summary() is None
    assert Q.answer("reader_achilles", gait).out_of_scope


def test_unknown_question_id_is_a_clear_key_error():
    with pytest.raises(KeyError, match="unknown question 'nope'"):
        Q.answer("nope")


# ---------------------------------------------------------------------------------
# Finding the question in the user's own words
# ---------------------------------------------------------------------------------

PARAPHRASES = {
    "reader_rotation_contradiction": [
        "the piriformis turns the leg out when standing but in when flexed, yet I read it stops the knee caving in "
        "- how can both be true?",
        "isnt it contradictory that the piriformis is an external and an internal rotator",
        "why does the piriformis become an internal rotator",
    ],
    "reader_beyond_stretches": [
        "apart from stretching what else can I do for this",
        "what else besides stretches helps with the piriformis problem",
    ],
    "reader_achilles": [
        "could my piriformis syndrome be related to my sore achilles tendon",
        "is my achilles pain connected to piriformis syndrome",
    ],
    "switch_angle": [
        "at which flexion angle does the piriformis flip to an internal rotator",
        "how many degrees of hip bend before the piriformis reverses its action",
        "when does it switch",
    ],
    "abductor": ["does the piriformis abduct the thigh", "is piriformis an abductor of the hip"],
    "why_figure4": [
        "how come the figure 4 stretch hits the piriformis",
        "why does putting my ankle on the opposite knee stretch my buttock",
        "Why does the figure-4 stretch work",
    ],
    "best_stretch": ["what is the most effective piriformis stretch", "which position makes the piriformis the longest"],
    "sciatic_through": [
        "does the sciatic nerve pierce the piriformis in all people",
        "how often does the sciatic nerve pass through the muscle",
    ],
    "other_muscles": [
        "do other hip muscles also switch rotation",
        "do the glutes change from external to internal rotators too",
    ],
    "why_disagree": [
        "why do different books give different angles for the switch",
        "why is there disagreement in the literature about 60 or 90 degrees",
    ],
    "which_rotation": [
        "to stretch the piriformis should the thigh be turned in or out",
        "does internal or external rotation lengthen the piriformis",
    ],
    "sitting": ["is the piriformis stretched when I sit at a desk", "what does sitting in a chair do to the piriformis"],
    "fair_test": ["what is the FAIR test", "how does the flexion adduction internal rotation test work"],
    "deep_squat": ["does squatting deep stretch the piriformis", "what happens to the piriformis in a full squat"],
    "knee_across": [
        "why bring the knee towards the opposite shoulder",
        "does pulling the knee across the body add to the stretch",
    ],
    "cadaver_agreement": [
        "do cadaver measurements agree with the model",
        "how does the model compare with the McGovern cadaver study",
    ],
    "length": ["how long is the piriformis in millimetres", "by how much does the piriformis lengthen"],
    "moment_arm": ["what does moment arm mean", "what is a lever arm"],
}


def test_every_question_has_paraphrase_tests():
    assert set(PARAPHRASES) == set(Q.question_ids())
    assert all(len(v) >= 2 for v in PARAPHRASES.values())


@pytest.mark.parametrize("qid,text", [(q, t) for q, ts in PARAPHRASES.items() for t in ts])
def test_paraphrases_find_the_intended_question(qid, text):
    m = Q.find_question(text)
    assert m.question_id == qid, (m, text)
    assert 0.3 <= m.confidence <= 1.0


@pytest.mark.parametrize("q", Q.QUESTIONS, ids=lambda q: q.id)
def test_own_wordings_find_their_question(q):
    for w in q.wordings:
        assert Q.find_question(w).question_id == q.id


OUT_OF_SCOPE = [
    "what medication should I take for piriformis syndrome",
    "I have pain in my lower back, what should I do about it",
    "how do I treat sciatica",
    "do I have piriformis syndrome",
    "is ibuprofen good for buttock pain",
    "my knee hurts when I squat",
    "Does the piriformis cause sciatica?",
    "should I get a botox injection in my piriformis",
    "how can I get rid of the tingling in my foot",
    "what should I do about my hip pain",
]


@pytest.mark.parametrize("text", OUT_OF_SCOPE)
def test_out_of_scope_questions_are_recognised(text, gait):
    m = Q.find_question(text)
    assert m.out_of_scope, m
    a = Q.ask(text, gait)
    assert a.out_of_scope
    low = a.text.lower()
    assert "clinician" in low or "doctor" in low or "physiotherapist" in low
    # never advice: no doses, drugs or exercise prescriptions in the answer
    for word in ("ibuprofen", "mg", "take ", "dose", "injection", "surgery"):
        assert word not in low.replace("take this to", "")


def test_readers_out_of_scope_questions_need_their_own_topic():
    assert Q.find_question("What can I do about this problem apart from stretches?").question_id == \
        "reader_beyond_stretches"
    assert Q.find_question("I have lower back pain, what should I do?").question_id == Q.OUT_OF_SCOPE_ID
    # an in-scope question with 'cause' is not sent to the Achilles answer
    assert Q.find_question("what causes the piriformis to switch").question_id != "reader_achilles"


@pytest.mark.parametrize("text", ["what is the capital of France", "banana", "", "   ", "x" * 5000, "12345"])
def test_nonsense_gets_no_match_with_low_confidence(text):
    m = Q.find_question(text)
    assert m.question_id == Q.NO_MATCH_ID and not m.out_of_scope
    assert m.confidence < 0.3


def test_ask_sets_confidence_and_the_asked_words(gait):
    a = Q.ask("why does the figure four stretch work?", gait)
    assert a.question_id == "why_figure4" and a.asked.startswith("why does")
    assert 0 < a.confidence <= 1
    b = Q.ask("how do I treat sciatica", gait)
    assert b.question_id == Q.OUT_OF_SCOPE_ID
    assert "related question the model can answer" in b.text


# ---------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------


def test_markdown_has_question_text_numbers_figure_and_sources(gait):
    a = dataclasses.replace(Q.answer("why_figure4", gait), asked="why does the fig 4 work", confidence=0.8)
    md = Q.answer_markdown(a, "why_figure4.png", "The figure-4 step by step")
    assert md.startswith("# Why does the figure-4 stretch work?")
    assert "![The figure-4 step by step](why_figure4.png)" in md
    assert "## The numbers" in md and "## Sources" in md
    assert "why does the fig 4 work" in md and "80%" in md
    assert gait.citation() in md
    oos = Q.answer_markdown(Q.answer("reader_achilles", gait))
    assert "not medical advice" in oos


# ---------------------------------------------------------------------------------
# Export and the answer command
# ---------------------------------------------------------------------------------


def test_export_writes_markdown_with_its_png_beside_it(tmp_path, rajagopal):
    from hipmodel.plots import export_answer

    a = Q.ask("why does the figure-4 stretch work", rajagopal)
    md, png = export_answer(a, tmp_path / "out", rajagopal)
    assert md.parent == png.parent == tmp_path / "out"
    assert png.read_bytes()[:4] == b"\x89PNG"
    text = md.read_text(encoding="utf-8")
    assert "![" in text and f"]({png.name})" in text
    assert f"{a.numbers['total_change_mm']:+.1f} mm" in text
    assert rajagopal.citation() in text
    md2, png2 = export_answer(Q.answer(Q.OUT_OF_SCOPE_ID, rajagopal), tmp_path / "out", rajagopal)
    assert png2 is None and "![" not in md2.read_text(encoding="utf-8")


def test_cli_answer_prints_the_best_match_with_its_numbers(capsys):
    rc, out, err = run_main(["answer", "why does the figure-4 stretch work"], capsys)
    assert rc == 0 and not err
    a = Q.answer("why_figure4", load_model("gait2392"))
    assert out.startswith("Q: Why does the figure-4 stretch work?")
    assert f"{a.numbers['total_change_mm']:+.1f} mm" in out and "Sources:" in out


def test_cli_answer_out_dir_and_other_model(tmp_path, capsys):
    rc, out, _ = run_main(["answer", "is", "the", "piriformis", "an", "abductor", "--model", "rajagopal2016",
                           "--out", str(tmp_path / "ans")], capsys)
    assert rc == 0
    assert (tmp_path / "ans" / "abductor.md").is_file() and (tmp_path / "ans" / "abductor.png").is_file()
    a = Q.answer("abductor", load_model("rajagopal2016"))
    assert f"{a.numbers['abd_ma_standing_mm']:.1f} mm" in out


def test_cli_answer_out_of_scope_is_honest_and_exit_0(capsys):
    rc, out, _ = run_main(["answer", "what medication should I take for my sciatica"], capsys)
    assert rc == 0 and "not medical advice" in out and "physiotherapist or a doctor" in out


@pytest.mark.parametrize("argv,msg", [
    (["answer"], "ask a question"),
    (["answer", "--id", "nope"], "unknown question 'nope'"),
    (["answer", "why", "--id", "abductor"], "not both"),
    (["answer", "why", "--model", "nope"], "unknown model"),
])
def test_cli_answer_errors_exit_2(argv, msg, capsys):
    rc, out, err = run_main(argv, capsys)
    assert rc == 2 and msg in err and err.count("\n") == 1


def test_cli_answer_out_that_is_a_file_exits_2(tmp_path, capsys):
    f = tmp_path / "file.txt"
    f.write_text("x")
    rc, _, err = run_main(["answer", "why does the figure-4 stretch work", "--out", str(f)], capsys)
    assert rc == 2 and "is a file" in err
    rc, _, err = run_main(["answer", "why", "--out", str(tmp_path / "no" / "such" / "dir")], capsys)
    assert rc == 2 and "does not exist" in err


def test_cli_answer_list(capsys):
    rc, out, _ = run_main(["answer", "--list"], capsys)
    assert rc == 0 and all(q in out for q in Q.question_ids())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_find_question_never_fails_on_any_text(text):
    m = Q.find_question(text)
    assert m.question_id in set(Q.question_ids()) | {Q.OUT_OF_SCOPE_ID, Q.NO_MATCH_ID}
    assert 0.0 <= m.confidence <= 1.0
    assert m.out_of_scope == (m.question_id == Q.OUT_OF_SCOPE_ID or any(q.out_of_scope for q in Q.QUESTIONS if q.id == m.question_id))
