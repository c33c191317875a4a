"""Widget memory: the pose setters and callbacks, values kept across tabs, the state read from a link.

Streamlit forgets a widget's value at the end of a run in which the widget is not drawn;
these helpers keep each value in a plain session value and give it back only when missing.
"""

from __future__ import annotations

import gc
import itertools
import streamlit as st
import hipmodel as hm
from .state import ANATOMY_VIEWS, RANGES, STEP_DEG, ExplorerState, loadable_models, state_from_query
from .state import TABS as TAB_IDS
from .cache import presets


POSE_KEYS = ("flexion", "adduction", "rotation")


# ----------------------------------------------------------------------------- state
def set_pose(flexion: float, adduction: float, rotation: float) -> None:
    for key, value in zip(POSE_KEYS, (flexion, adduction, rotation)):
        lo, hi = RANGES[key]
        st.session_state[key] = float(min(max(round(value / STEP_DEG) * STEP_DEG, lo), hi))


def apply_preset(pid: str | None) -> None:
    if pid not in presets():
        return
    name, f, a, r, _ = presets()[pid]
    set_pose(f, a, r)
    st.session_state["preset_note"] = pid


def reset() -> None:
    default = ExplorerState()
    if default.model not in loadable_models()[0]:
        default = ExplorerState(model=loadable_models()[0][0])
    set_pose(default.flexion, default.adduction, default.rotation)
    st.session_state["model"] = default.model
    st.session_state["muscles"] = list(default.muscles)
    st.session_state.pop("preset_note", None)
    st.session_state["preset"] = None


def on_model_change() -> None:
    """Keep the chosen muscles that the new model has (by id)."""
    from .upload import app_model

    model = app_model(st.session_state["model"])
    kept = [m for m in st.session_state.get("muscles", []) if m in model.muscle_ids]
    if not kept and model.origin is not None:  # an upload: its ids are OpenSim's (piriformis -> peri_r)
        kept = list(dict.fromkeys(model._index[m.lower()].id for m in st.session_state.get("muscles", [])
                                  if m.lower() in model._index))
    st.session_state["muscles"] = kept or [(model.piriformis or model.muscles[0]).id]


# Streamlit forgets a widget's value at the end of a run in which the widget is not drawn, and
# only the open tab is drawn. So a tab's widgets keep their value in a plain session value of
# their own (never a widget key), and a widget is given it back just before it is drawn, only
# when it has none. Never writing a widget that has a value matters twice: it would send the
# value back to the browser (a slider the user is still pressing jumps back), and a value
# written while its widget is hidden comes back later in place of the user's.
def kept_widget(widget, key: str, store: str, default, *args, **kwargs):
    """Draw ``widget(*args, key=key, **kwargs)`` with its value kept in ``st.session_state[store]``."""
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(store, default)
    value = widget(*args, key=key, **kwargs)
    st.session_state[store] = value
    return value


# the sidebar is drawn in every run, but under load a run can be cut short by the next slider
# move before it is; these are noted each run and put back if they went missing
SIDEBAR_KEYS = ("model", "muscles") + POSE_KEYS


def keep_sidebar_values() -> None:
    memory = st.session_state.setdefault("_sidebar_memory", {})
    for key in SIDEBAR_KEYS:
        if key in st.session_state:
            memory[key] = st.session_state[key]
        elif key in memory:
            st.session_state[key] = memory[key]


def _widget_keys_sent_by_browser() -> set[str]:
    """Keys of the widgets whose values the browser sent with this run.

    A fresh page sends none with its session's first run. A browser whose server died and
    whose websocket was moved to another server (scripts/serve_many.sh) gets a new session
    there, and its first run carries the values the page still shows, including a slider
    the user just moved: those must win over the (older) link. Streamlit has no public
    call for this; if its internals change this returns an empty set (the link wins).
    """
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.state.common import user_key_from_element_id

        ctx = get_script_run_ctx()
        ids = ctx.session_state._state._new_widget_state.keys()  # noqa: SLF001
        return {k for k in (user_key_from_element_id(i) for i in ids) if k}
    except Exception:  # noqa: BLE001 - best effort only
        return set()


RECONNECT_NOTICE_S = 20.0


def reconnect_notice() -> str:
    """The one-line notice after a move to another server ('' when there is none to show)."""
    import time

    t = st.session_state.get("_reconnected_at")
    if t is None or time.time() - t > RECONNECT_NOTICE_S:
        return ""
    return ("Reconnected: the server that held this page stopped, so it continues on another one "
            "with the same settings.")


def initialise_from_url() -> None:
    if st.session_state.get("_initialised"):
        return
    import time

    sent = _widget_keys_sent_by_browser() & set(SIDEBAR_KEYS)
    if sent:
        st.session_state["_reconnected_at"] = time.time()
    state, notices = state_from_query(st.query_params.to_dict())
    for key, value in zip(POSE_KEYS, (state.flexion, state.adduction, state.rotation)):
        if key not in sent:  # the browser's value (perhaps a slider just moved) over the link's
            st.session_state[key] = value
    if "model" not in sent:
        st.session_state["model"] = state.model
    if "muscles" not in sent:
        st.session_state["muscles"] = list(state.muscles)
    st.session_state["nerve"] = state.nerve
    if "tab" in st.query_params or state.tab != "explorer" or "tab" not in st.session_state:
        st.session_state["tab"] = tab_label(state.tab)
    if state.question:
        st.session_state["question"] = state.question
    if "view" in st.query_params or "_kept_anatomy_view" not in st.session_state:
        st.session_state["_kept_anatomy_view"] = ANATOMY_VIEWS[state.view]
    for k in ("f4_flexion", "f4_adduction", "f4_rotation"):  # the figure-4 explainer's final pose, if linked
        if getattr(state, k) is not None:
            st.session_state[f"_kept_{k}"] = getattr(state, k)
    st.session_state["notices"] = notices
    st.session_state["_initialised"] = True


TAB_LABELS = ("Explorer", "Switch in context", "Sciatic nerve", "Stretches", "Questions")  # short: a phone shows them all


def tab_label(tab_id: str) -> str:
    return dict(zip(TAB_IDS, TAB_LABELS))[tab_id]


def tab_id(label: str | None) -> str:
    return dict(zip(TAB_LABELS, TAB_IDS)).get(label, TAB_IDS[0])


GC_EVERY_RERUNS = 20


@st.cache_resource
def rerun_counter() -> itertools.count:
    """One counter for the whole server process (every session's reruns)."""
    return itertools.count(1)


def collect_garbage_now_and_then() -> None:
    """A full garbage collection every GC_EVERY_RERUNS reruns of the process.

    Streamlit's own collection after every rerun (runner.postScriptGC, off in
    .streamlit/config.toml) cost ~80 ms of the one core per rerun; never collecting fully
    let cyclic garbage (matplotlib artists, Streamlit's per-run objects) hold ~15 MB more.
    Every 20th rerun costs ~4 ms per rerun on average (benchmarks/bench_memory.py).
    """
    if next(rerun_counter()) % GC_EVERY_RERUNS == 0:
        gc.collect()


def guarded(fn, *args) -> None:
    """Run one part of the page; a failure shows a message, never a traceback."""
    try:
        fn(*args)
    except (hm.ModelDataError, hm.PoseError, KeyError, ValueError) as e:
        st.error(f"This part could not be shown: {e}")
    except Exception as e:  # noqa: BLE001 - last line of defence for the user
        st.error(f"This part could not be shown ({type(e).__name__}). The rest of the page still works.")
