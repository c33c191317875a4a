"""Readers' questions answered by the model: plain language, every number computed now.

* :mod:`.common`: the Answer record, the number collector, shared helpers;
* :mod:`.answers_action`, :mod:`.answers_stretch`: one builder per question;
* :mod:`.bank`: the questions and :func:`answer`;
* :mod:`.search`: the closest bank question for one typed in a reader's own words;
* :mod:`.export`: an answer as Markdown.
"""

from .bank import QUESTIONS, Question, answer, question_ids
from .common import FIGURE_KINDS, NO_MATCH_ID, OUT_OF_SCOPE_ID, Answer, FigureSpec, nerve_variant_summary
from .export import answer_markdown, format_value, number_label
from .search import MATCH_THRESHOLD, Match, ask, find_question

__all__ = [
    "FIGURE_KINDS", "FigureSpec", "Answer", "Question", "Match", "QUESTIONS", "OUT_OF_SCOPE_ID", "NO_MATCH_ID",
    "MATCH_THRESHOLD", "question_ids", "answer", "find_question", "ask", "answer_markdown", "format_value", "number_label",
    "nerve_variant_summary",
]
