"""The question-search evaluation set (tests/data/question_eval.json) is well formed.

This checks the file only: the labels, that every expected id is in the bank, that there are
enough items of each kind and that no paraphrase copies a bank wording. How well the matcher
does on it is reported by running this file directly (``python tests/test_question_eval.py``);
it is not asserted here (see NOTES_issue14.md, item 15, for the thresholds idea).
"""

import collections
import json
import re
from pathlib import Path

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
    r = evaluate()
    print(r["accuracy"])
    for miss in r["misses"]:
        print(miss)
