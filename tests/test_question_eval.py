"""The question-search evaluation set (tests/data/question_eval.json): well formed, and the matcher's
confusion counts on it stay at or above the levels reached (issue 14, item 15).

A fixed split: the items whose index is 2 mod 3 are HELD OUT; the cut-offs in
hipmodel.questions.search (MATCH_THRESHOLD, MIN_CONFIDENCE, OUT_OF_SCOPE_THRESHOLD, the domain
gate and the out-of-scope words) were set on the other two thirds only, and the held-out counts
were computed once, afterwards. Counts at that point (correct / total):

    tuning:   paraphrase 35/38 (3 to the wrong question), out of scope 16/16, off-topic 18/18
    held out: paraphrase 18/19 (1 to the wrong question), out of scope 9/9,
              off-topic 7/8 (1 given the out-of-scope answer, none a bank answer)
    (before: tuning 33/38, 12/16, 5/18; held out 18/19, 8/9, 4/8)
    After one wording added to switch_angle (session 4, from an outside reviewer's query, not from
    this set): tuning paraphrase 36/38, held out unchanged (18/19).

``python tests/test_question_eval.py`` prints the confusion counts per split.
"""

import collections
import json
import re
from pathlib import Path

import pytest

import hipmodel.questions as Q

EVAL_FILE = Path(__file__).resolve().parent / "data" / "question_eval.json"
KINDS = {"off_topic", "symptom", "treatment", "safety", "diagnosis", "paraphrase"}


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def _load():
    return json.loads(EVAL_FILE.read_text(encoding="utf-8"))


def test_eval_file_is_well_formed():
    d = _load()
    assert d["header"]["how_written"] and d["header"]["labels"]
    ids = set(Q.question_ids())
    outcomes = ids | {Q.NO_MATCH_ID, Q.OUT_OF_SCOPE_ID}
    texts = set()
    for it in d["items"]:
        assert set(it) <= {"text", "expected", "kind", "also_ok", "note"}, it
        assert it["text"].strip() and it["kind"] in KINDS, it
        assert it["expected"] in outcomes, it
        assert set(it.get("also_ok", [])) <= outcomes, it
        assert (it["kind"] == "paraphrase") == (it["expected"] in ids), it
        assert (it["kind"] == "off_topic") == (it["expected"] == Q.NO_MATCH_ID), it
        assert _norm(it["text"]) not in texts, it["text"]  # no duplicates
        texts.add(_norm(it["text"]))
    kinds = collections.Counter("paraphrase" if it["kind"] == "paraphrase" else "negative" for it in d["items"])
    assert kinds["paraphrase"] >= 45 and kinds["negative"] >= 45
    # every bank question has at least two paraphrases
    per_q = collections.Counter(it["expected"] for it in d["items"] if it["kind"] == "paraphrase")
    assert all(per_q[q] >= 2 for q in ids), per_q


def test_paraphrases_are_not_copies_of_the_bank():
    bank = {_norm(w) for q in Q.QUESTIONS for w in q.wordings}
    copies = [it["text"] for it in _load()["items"] if _norm(it["text"]) in bank]
    assert not copies


def split(part: str) -> list[dict]:
    """'tuning' (index not 2 mod 3) or 'held_out' (index 2 mod 3): fixed, never reshuffled."""
    items = _load()["items"]
    return [it for i, it in enumerate(items) if (i % 3 == 2) == (part == "held_out")]


def _group(it) -> str:
    return "paraphrase" if it["kind"] == "paraphrase" else it["expected"]


def confusion(items) -> collections.Counter:
    """(expected group, outcome group) counts; outcome group: 'right question', 'wrong question',
    'out_of_scope' or 'no_match' (a reader's own out-of-scope question counts as out_of_scope)."""
    out = collections.Counter()
    for it in items:
        m = Q.find_question(it["text"])
        ok = m.question_id == it["expected"] or m.question_id in it.get("also_ok", [])
        if it["kind"] == "paraphrase" and ok:
            got = "right question"
        elif m.question_id == Q.NO_MATCH_ID:
            got = "no_match"
        elif m.out_of_scope:
            got = "out_of_scope"
        else:
            got = "right question" if ok else "wrong question"
        if it["kind"] != "paraphrase" and ok:
            got = it["expected"]
        out[(_group(it), got)] += 1
    return out


# minimum correct share per group, each split: the levels reached, rounded down
FLOORS = {
    "tuning": {"paraphrase": 0.92, "out_of_scope": 1.0, "no_match": 1.0},
    "held_out": {"paraphrase": 0.94, "out_of_scope": 1.0, "no_match": 0.87},
}


def _correct(conf: collections.Counter, group: str) -> tuple[int, int]:
    total = sum(v for (g, _), v in conf.items() if g == group)
    right = conf[(group, "right question" if group == "paraphrase" else group)]
    return right, total


@pytest.mark.parametrize("part", ["tuning", "held_out"])
def test_matcher_confusion_counts_stay_above_the_floors(part):
    conf = confusion(split(part))
    for group, floor in FLOORS[part].items():
        right, total = _correct(conf, group)
        assert total and right / total >= floor - 1e-9, (part, group, right, total, dict(conf))
    # an off-topic question is never answered as if it were a bank question, nor a symptom question
    assert conf[("no_match", "right question")] + conf[("no_match", "wrong question")] == 0
    assert conf[("out_of_scope", "wrong question")] + conf[("out_of_scope", "right question")] == 0


def test_did_you_mean_offers_the_right_question_for_most_misses_and_never_an_out_of_scope_one():
    """A paraphrase sent to the wrong question should find the right one among the "did you mean"
    suggestions. Counted on the whole set (the ratio was chosen looking at all four misses): 3 of 4."""
    items = [it for it in _load()["items"] if it["kind"] == "paraphrase"]
    misses = offered = 0
    for it in items:
        m = Q.find_question(it["text"])
        assert m.question_id not in m.did_you_mean and len(m.did_you_mean) <= 2
        assert not any(Q.answer(qid).out_of_scope for qid in m.did_you_mean)
        if m.question_id != it["expected"]:
            misses += 1
            offered += it["expected"] in m.did_you_mean
    assert misses <= 4 and offered >= misses - 1, (misses, offered)
    # noisy suggestions stay rare: most right matches offer nothing else
    right = [it for it in items if Q.find_question(it["text"]).question_id == it["expected"]]
    assert sum(bool(Q.find_question(it["text"]).did_you_mean) for it in right) <= len(right) // 8
    # no suggestions for an off-topic or out-of-scope question
    for text in ("What is the best running shoe?", "does piriformis syndrome need surgery"):
        assert Q.find_question(text).did_you_mean == ()


@pytest.mark.parametrize("text,expected", [
    ("What is the best running shoe?", Q.NO_MATCH_ID),
    ("best", Q.NO_MATCH_ID),
    ("Can stretching the piriformis irritate the sciatic nerve?", Q.OUT_OF_SCOPE_ID),
    ("Why does my knee cave in when I squat?", Q.OUT_OF_SCOPE_ID),
    ("does piriformis syndrome need surgery", Q.OUT_OF_SCOPE_ID),
])
def test_the_issue_examples(text, expected):
    m = Q.find_question(text)
    assert m.question_id == expected, (text, m)
    if expected == Q.NO_MATCH_ID:
        assert m.confidence < 0.5


def test_no_match_answer_lists_the_questions_to_pick_from():
    a = Q.ask("What is the best running shoe?")
    assert a.question_id == Q.NO_MATCH_ID
    assert all(q.title in a.text for q in Q.QUESTIONS if not q.out_of_scope)


def evaluate() -> dict:
    """Share correct per group with the current matcher, and the misses."""
    res, misses = collections.Counter(), []
    for it in _load()["items"]:
        m = Q.find_question(it["text"])
        ok = m.question_id == it["expected"] or m.question_id in it.get("also_ok", [])
        group = "paraphrase" if it["kind"] == "paraphrase" else it["expected"]
        res[(group, ok)] += 1
        if not ok:
            misses.append((it["expected"], m.question_id, m.confidence, m.out_of_scope_score, it["text"]))
    groups = sorted({g for g, _ in res})
    return {"accuracy": {g: f"{res[(g, True)]}/{res[(g, True)] + res[(g, False)]}" for g in groups}, "misses": misses}


if __name__ == "__main__":
    for part in ("tuning", "held_out"):
        c = confusion(split(part))
        print(part, {g: "%d/%d" % _correct(c, g) for g in ("paraphrase", "out_of_scope", "no_match")})
        print("   ", dict(sorted(c.items())))
