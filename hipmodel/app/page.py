"""The page: the title, the tabs (only the open one runs), the link.
"""

from __future__ import annotations

from dataclasses import replace
import streamlit as st
from .state import ANATOMY_VIEWS, loadable_models, query_from_state
from .memory import (TAB_LABELS, collect_garbage_now_and_then, guarded, initialise_from_url, keep_sidebar_values,
                     reconnect_notice)
from .explorer import context_tab, explorer_tab, sidebar
from .nerve_tab import nerve_tab
from .stretches import stretch_tab
from .questions_tab import questions_tab
from .upload import app_model, link_params


def main() -> None:
    collect_garbage_now_and_then()
    if not loadable_models()[0]:
        st.error("No model file in data/ could be loaded, so there is nothing to show. "
                 + " ".join(loadable_models()[1].values()))
        st.stop()
    initialise_from_url()
    keep_sidebar_values()
    state = sidebar()
    model = app_model(state.model)

    st.html(WRAP_METRIC_LABELS)
    st.title("The piriformis and the hip rotators")
    st.caption("Right hip, OpenSim convention: + flexion, + adduction, + internal rotation. Moment arms in mm; "
               "negative rotation moment arm = external rotator.")
    for notice in st.session_state.get("notices", []):
        st.warning(f"Link corrected: {notice}")
    if reconnect_notice():
        st.info(reconnect_notice(), icon="\U0001F504")

    # only the open tab runs (the others would cost a second or more per slider move)
    tabs = st.tabs(list(TABS), key="tab", on_change="rerun")
    for tab, part in zip(tabs, TABS.values()):
        if tab.open:
            with tab:
                guarded(part, state, model)
    # the link, last: a tab's widgets (nerve type, question) have just stored their values
    st.query_params.from_dict(link_params(query_from_state(replace(
        state, nerve=st.session_state.get("nerve", state.nerve), question=st.session_state.get("question") or "",
        view={v: k for k, v in ANATOMY_VIEWS.items()}.get(st.session_state.get("_kept_anatomy_view"), "3d"),
        **{k: st.session_state.get(f"_kept_{k}") for k in ("f4_flexion", "f4_adduction", "f4_rotation")})),
        state.model))


# A readout's label, value and note wrap onto a second line instead of being cut short
# ("Piriformis: rotation moment..." at 1400 px, "+18.1 ..." and "internal ..." at 1100 px); style only.
_METRIC_PARTS = ", ".join(f"[data-testid='{t}'], [data-testid='{t}'] *"
                          for t in ("stMetricLabel", "stMetricValue", "stMetricDelta"))
WRAP_METRIC_LABELS = (f"<style>{_METRIC_PARTS} {{white-space: normal !important; overflow: visible !important; "
                      "text-overflow: clip !important;}</style>")


# in the order of TAB_LABELS and of hipmodel.app.state.TABS (their ids in a link)
TABS = dict(zip(TAB_LABELS, (explorer_tab, context_tab, nerve_tab, stretch_tab, questions_tab)))
