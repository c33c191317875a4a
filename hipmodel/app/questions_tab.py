"""The readers' questions tab: search, answer, numbers, sources, downloads.
"""

from __future__ import annotations

import streamlit as st
import hipmodel as hm
from .state import ExplorerState
from .cache import answer_bundle
from .memory import kept_widget


# ----------------------------------------------------------------------------- readers' questions
def question_typed() -> None:
    """Show the question the typed words map to in the list as well (out-of-scope ones are not in it)."""
    from .. import questions

    text = (st.session_state.get("q_text") or "").strip()
    if text:
        qid = questions.find_question(text).question_id
        # a question outside the list: the list shows no stale choice, and the link names none
        st.session_state["q_id"] = st.session_state["question"] = qid if qid in questions.question_ids() else ""


def question_chosen() -> None:
    """A question picked from the list replaces the typed one."""
    st.session_state["q_text"] = st.session_state["_kept_q_text"] = ""


def question_picked(qid: str) -> None:
    """A "did you mean" button: that question, in place of the typed one."""
    st.session_state["q_id"] = st.session_state["question"] = qid
    question_chosen()


def questions_tab(state: ExplorerState, model: hm.Model) -> None:
    from .. import questions, plots

    bank = {q.id: q for q in questions.QUESTIONS}

    def short(qid: str) -> str:
        if not qid:
            return "Pick a question from the list"
        title = bank[qid].title
        return ("Reader: " if bank[qid].reader else "") + (title if len(title) <= 110 else title[:107] + "...")

    st.markdown("Questions readers and students ask, answered with numbers the model computes now "
                f"({model.name}). Type your own question, or pick one.")
    asked = kept_widget(st.text_input, "q_text", "_kept_q_text", "", "Your question", max_chars=300,
                 on_change=question_typed,
                 placeholder="e.g. at what angle does the piriformis stop rotating the leg outwards?")
    kept_widget(st.selectbox, "q_id", "question", next(iter(bank)), "Or choose a question", ["", *bank], format_func=short,
         on_change=question_chosen)
    asked = (asked or "").strip()
    b = answer_bundle(model.id, None if asked else st.session_state.get("question") or next(iter(bank)),
                      asked or None)
    ans = b["answer"]
    if asked and ans.question_id in bank:
        conf = f" (match {ans.confidence:.0%})" if ans.confidence is not None else ""
        st.caption(f"Closest question{conf}:")
    st.subheader(ans.question)
    others = questions.find_question(asked).did_you_mean if asked else ()
    if others:
        st.caption("Another question matches your words almost as well; did you mean:")
        for qid in others:
            st.button(short(qid), key=f"dym_{qid}", on_click=question_picked, args=(qid,))
    if ans.out_of_scope:
        st.warning("This is not medical advice: please see a clinician about treatment or symptoms.")
    st.markdown(ans.text)
    if b["png"]:
        st.image(b["png"], caption=b["caption"], width="stretch")
    if ans.numbers:
        with st.expander("The numbers behind this answer"):
            st.dataframe([{"quantity": questions.number_label(k), "value": float(v), "unit": ans.units.get(k, "")}
                          for k, v in ans.numbers.items()], width="stretch", hide_index=True)
    st.caption("Sources: " + "; ".join(dict.fromkeys(ans.sources)))
    c1, c2 = st.columns(2)
    c1.download_button("Answer as Markdown + figure (zip)", on_click="ignore",
                       data=lambda: plots.answer_zip(ans, model),
                       file_name=f"{ans.question_id}.zip", mime="application/zip", key="dl_answer_zip", width="stretch")
    c2.download_button("Markdown only", data=b["markdown"], file_name=f"{ans.question_id}.md", mime="text/markdown",
                       on_click="ignore", key="dl_answer_md", width="stretch")
