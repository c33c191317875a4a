"""The question bank: the readers' questions and those students ask, each tied to its answer builder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ..model import DEFAULT_MODEL_ID, Model, load_model
from .common import Answer, NO_MATCH_ID, OUT_OF_SCOPE_ID, _Numbers, _piri, dedupe_sources
from .answers_action import _a_abductor, _a_contradiction, _a_disagree, _a_knee_across, _a_moment_arm, _a_other_muscles, _a_switch_angle, _a_which_rotation
from .answers_stretch import _a_achilles, _a_best_stretch, _a_beyond_stretches, _a_cadaver, _a_figure4, _a_length, _a_no_match, _a_out_of_scope, _a_pose, _a_sciatic


@dataclass(frozen=True)
class Question:
    """A question in the bank.

    ``wordings`` are ways people ask it (the first is the title); ``keywords`` are
    extra terms that point to it. ``out_of_scope`` marks questions the model cannot
    settle (its answer says so).
    """

    id: str
    wordings: tuple
    keywords: str
    build: object = field(repr=False)
    out_of_scope: bool = False
    reader: bool = False  # one of the three readers' questions from literature.md section 5
    requires: tuple = ()  # out-of-scope questions: concepts the text must contain to map here

    @property
    def title(self) -> str:
        return self.wordings[0]


QUESTIONS: tuple[Question, ...] = (
    Question(
        "reader_rotation_contradiction",
        ("The piriformis rotates the leg outward when the hip is straight but inward and into abduction when it is "
         "flexed; I thought it stops the knee collapsing inward. Isn't that contradictory?",
         "How can the piriformis be both an external and an internal rotator?",
         "If the piriformis stops the knee caving in, how can it turn the thigh inward?",
         "Doesn't the piriformis switching contradict it stabilising the knee?",
         "Why does the piriformis change from an external to an internal rotator?",
         "What makes the piriformis switch its action?"),
        "contradiction contradictory confusing both stop prevent knee collapse cave valgus inward stabilise "
        "away midline explain",
        _a_contradiction, reader=True),
    Question(
        "reader_beyond_stretches",
        ("What can I do about this problem apart from stretches?",
         "Besides stretching, what else helps piriformis syndrome?",
         "Is there anything other than stretching I can do?"),
        "besides apart other than instead alternative stretching help treatment what can i do problem",
        _a_beyond_stretches, out_of_scope=True, reader=True, requires=("besides", "stretch")),
    Question(
        "reader_achilles",
        ("I have piriformis syndrome and now a sore Achilles, which I never had before. Are these related?",
         "Could my piriformis problem cause Achilles or heel pain?",
         "Is my Achilles pain linked to my piriformis?"),
        "achilles heel calf ankle sore related linked connected cause",
        _a_achilles, out_of_scope=True, reader=True, requires=("achilles",)),
    Question(
        "switch_angle",
        ("At what hip angle does the piriformis switch from external to internal rotation?",
         "At how many degrees of flexion does the piriformis change its action?",
         "When does the piriformis become an internal rotator?",
         "At what point does the piriformis reverse its function?",
         "As I bend my hip, when does the piriformis stop being an external rotator?"),
        "angle degrees switch flip reverse change become internal rotator flexion point when",
        _a_switch_angle),
    Question(
        "abductor",
        ("Is the piriformis an abductor?",
         "Does the piriformis move the leg out to the side?",
         "Does the piriformis abduct the hip when it is flexed?",
         "Does the piriformis ever become an adductor?"),
        "abductor abduction abduct sideways side away midline horizontal adductor",
        _a_abductor),
    Question(
        "why_figure4",
        ("Why does the figure-4 stretch work?",
         "How does crossing the ankle over the knee stretch the piriformis?",
         "What makes the figure four stretch target the piriformis?"),
        "figure4 cross ankle knee pigeon stretch work why target",
        _a_figure4),
    Question(
        "best_stretch",
        ("Which stretch lengthens the piriformis the most?",
         "What is the best position to stretch the piriformis?",
         "Which position gives the longest piriformis?"),
        "best most longest maximum greatest effective position stretch lengthen which",
        _a_best_stretch),
    Question(
        "sciatic_through",
        ("Does the sciatic nerve go through the piriformis in everyone?",
         "How common is it for the sciatic nerve to pass through the piriformis?",
         "Does the sciatic nerve run below or through the piriformis?"),
        "sciatic nerve through pierce pass split variant variation everyone common percent people",
        _a_sciatic),
    Question(
        "other_muscles",
        ("Which other hip muscles switch their rotation action with flexion?",
         "Do the gluteal muscles also change from external to internal rotation?",
         "Is the piriformis the only muscle that switches?"),
        "other muscles gluteus glute medius minimus maximus gemelli quadratus only also",
        _a_other_muscles),
    Question(
        "why_disagree",
        ("Why do sources disagree about the angle at which the piriformis switches?",
         "Why do some books say 60 degrees and others 90?",
         "Why are the published switch angles different?"),
        "disagree differ different sources books studies published literature inconsistent vary why",
        _a_disagree),
    Question(
        "which_rotation",
        ("Does turning the thigh in or out stretch the piriformis?",
         "Do you stretch the piriformis with internal or external rotation?",
         "Which way do I rotate my leg to stretch the piriformis?"),
        "internal external rotation rotate turn in out inward outward way direction stretch",
        _a_which_rotation),
    Question(
        "sitting",
        ("Does sitting stretch or shorten the piriformis?",
         "What happens to the piriformis when I sit on a chair?",
         "Is the piriformis longer when sitting?"),
        "sit sitting chair desk seated",
        _a_pose("sitting", "Sitting upright bends the hip to about a right angle.")),
    Question(
        "fair_test",
        ("What does the FAIR test position do to the piriformis?",
         "Why does the FAIR test stretch the piriformis?",
         "What is the flexion adduction internal rotation test?"),
        "fair test flexion adduction internal rotation provocation position",
        _a_pose("fair", "The FAIR test combines flexion, adduction and internal rotation, usually lying on the side.")),
    Question(
        "deep_squat",
        ("Does a deep squat stretch the piriformis?",
         "What happens to the piriformis at the bottom of a squat?",
         "Is the piriformis stretched when squatting?"),
        "squat squatting deep bottom",
        _a_pose("deep_squat", "A deep squat takes the hip into its deepest flexion, usually with the knees out.")),
    Question(
        "knee_across",
        ("Why pull the knee towards the opposite shoulder?",
         "Does bringing the knee across the body stretch the piriformis more?",
         "Is pulling the knee across a different stretch from letting it fall out to the side?"),
        "knee opposite shoulder across chest pull fall out side adduction hug",
        _a_knee_across),
    Question(
        "cadaver_agreement",
        ("Does the model agree with cadaver studies of stretch positions?",
         "How do the model's lengths compare with cadaver measurements?",
         "What did cadaver studies find about piriformis stretches?"),
        "cadaver cadaveric study studies measured mcgovern vaarbakken agree compare real experiment",
        _a_cadaver),
    Question(
        "length",
        ("How long is the piriformis and how much can it be stretched?",
         "How many millimetres does the piriformis lengthen in a stretch?",
         "What is the length of the piriformis?"),
        "length long how much millimetres mm size stretched percent",
        _a_length),
    Question(
        "moment_arm",
        ("What is a moment arm?",
         "What does the lever arm of a muscle mean?",
         "What do the millimetres of moment arm mean?"),
        "moment arm lever leverage torque mean definition what is",
        _a_moment_arm),
)


_SPECIAL = {
    OUT_OF_SCOPE_ID: Question(OUT_OF_SCOPE_ID, ("Outside what an anatomy model can answer",), "", _a_out_of_scope,
                              out_of_scope=True),
    NO_MATCH_ID: Question(NO_MATCH_ID, ("No matching question",), "", _a_no_match),
}


_BY_ID = {q.id: q for q in QUESTIONS} | _SPECIAL


def question_ids() -> list[str]:
    """The ids of the question bank, in order."""
    return [q.id for q in QUESTIONS]


def _model_sources(model: Model) -> tuple[str, ...]:
    return tuple(model.citation(k) for k in model.sources)


def _facts_cited(text: str, listed) -> tuple[str, ...]:
    """Sources of data/literature_facts.json that the text cites but the builder did not list."""
    from .common import literature_facts, source_key

    have = {source_key(s) for s in listed}
    out = []
    for f in literature_facts().values():
        key = source_key(f.get("source", ""))
        if key and key not in have and re.search(rf"\b{re.escape(key)}\b", text):
            out.append(f["source"])
            have.add(key)
    return tuple(out)


def _named_model_sources(text: str, model: Model) -> tuple[str, ...]:
    """The geometry sources of every model the text names (a model's name cites its sources)."""
    from ..model import load_bundled_models

    models = [model] + [m for m in load_bundled_models()[0].values() if m.id != model.id]
    out: list[str] = []
    for m in models:
        short = m.name.split(" (")[0].replace("OpenSim ", "")
        if m.name in text or short in text:
            out += _model_sources(m)
    return tuple(dict.fromkeys(out))


def answer(question_id: str, model: Model | None = None) -> Answer:
    """One question's answer, with every number computed from ``model`` now.

    Parameters
    ----------
    question_id : str
        An id from :data:`QUESTIONS` (or ``'out_of_scope'``, ``'no_match'``).
    model : Model, optional
        Default: the bundled default model.

    Raises
    ------
    KeyError
        Unknown id, with the valid ids.
    """
    q = _BY_ID.get(question_id)
    if q is None:
        raise KeyError(f"unknown question '{question_id}' (questions: {', '.join(question_ids())})")
    model = model or load_model(DEFAULT_MODEL_ID)
    n = _Numbers()
    text, fig, extra = q.build(model, n)
    extra = tuple(extra) + _facts_cited(text, extra)
    return Answer(
        question_id=q.id, question=q.title, text=text, numbers=dict(n.values), units=dict(n.units), figure=fig,
        sources=dedupe_sources(_named_model_sources(text, model) + tuple(extra)), model_id=model.id, model_name=model.name,
        muscle_id=_piri(model).id, out_of_scope=q.out_of_scope,
    )
