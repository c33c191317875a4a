"""hipmodel explorer: a thin Streamlit shell over the hipmodel library.

Widgets, layout, caching and URL state only; every number comes from ``hipmodel``.
Run with ``streamlit run app.py``.
"""

from __future__ import annotations

import gc
import io
import itertools
from dataclasses import replace

import numpy as np
import streamlit as st

import hipmodel as hm
from hipmodel import plots
from hipmodel.context import models_range_text, switch_context
from hipmodel.words import rotation_words
from hipmodel.explain import readout
from hipmodel.state import RANGES, STEP_DEG, ExplorerState, loadable_models, query_from_state, state_from_query
from hipmodel.state import TABS as TAB_IDS

FLEXION_GRID = np.arange(-20.0, 120.0 + 0.25, 0.5)
PRESETS_FALLBACK = {"standing": ("Standing", 0.0, 0.0, 0.0, "neutral pose")}
POSE_KEYS = ("flexion", "adduction", "rotation")

st.set_page_config(page_title="hipmodel: the piriformis and the hip rotators", layout="wide")


# ----------------------------------------------------------------------------- cached data
@st.cache_data(max_entries=64, show_spinner=False)
def curve_data(model_id: str, muscle_ids: tuple[str, ...], adduction: float, rotation: float) -> dict:
    """Moment arms and lengths over the flexion grid, and switch angles, per muscle."""
    model = hm.load_model(model_id)
    out = {}
    for mid in muscle_ids:
        mu = model.muscle(mid)
        c = hm.curves(model, mu, FLEXION_GRID, adduction, rotation)
        out[mu.name] = {
            "id": mu.id,
            "rotation_moment_arm_mm": c.rotation_moment_arm_mm,
            "adduction_moment_arm_mm": c.adduction_moment_arm_mm,
            "flexion_moment_arm_mm": c.flexion_moment_arm_mm,
            "length_mm": c.length_mm,
            "switches": [s.flexion_deg for s in hm.sign_change_angles(model, mu, adduction, rotation)],
        }
    return out


@st.cache_data(max_entries=8, show_spinner=False)
def switch_map(model_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    model = hm.load_model(model_id)
    add = np.arange(RANGES["adduction"][0], RANGES["adduction"][1] + 0.1, 2.5)
    rot = np.arange(RANGES["rotation"][0], RANGES["rotation"][1] + 0.1, 2.5)
    return add, rot, hm.switch_angle_map(model, model.muscle("piriformis"), add, rot)


@st.cache_data(max_entries=64, show_spinner=False)
def switch_context_png(model_id: str, adduction: float, rotation: float) -> tuple[bytes, list, dict]:
    """The switch-in-context figure (PNG), a table of its numbers, and what could not be read."""
    ctx = switch_context(adduction, rotation)
    add, rot, smap = switch_map(model_id)
    fig = plots.switch_context_figure(ctx.model_rows(), ctx.literature, add, rot, smap,
                                        current=(adduction, rotation), model_name=hm.load_model(model_id).name)
    return plots.figure_bytes(fig, dpi=110), ctx.table(), ctx.broken


@st.cache_data(max_entries=1, show_spinner=False)
def load_presets() -> tuple[dict, str]:
    """Named poses from data/poses.json: id -> (name, flexion, adduction, rotation, where from), and an error."""
    try:
        from hipmodel import stretch

        return {p.id: (p.name, p.flexion_deg, p.adduction_deg, p.rotation_deg, p.angles_from)
                for p in stretch.load_poses()}, ""
    except Exception as e:  # noqa: BLE001 - a broken poses file must not take the explorer down
        return PRESETS_FALLBACK, str(e)


def presets() -> dict:
    return load_presets()[0]


def nerve_status() -> str:
    """'' when the sciatic-variant data loads, else the one-line error (the rest of the app works without it).

    Not st.cache_data: the loader keeps the parsed file until it changes, so this is a stat call."""
    from hipmodel import nerve

    try:
        nerve.load_nerve_variants()
        return ""
    except Exception as e:  # noqa: BLE001 - a broken data file must not take the explorer down
        return str(e)


def nerve_data_stamp() -> tuple[str, float]:
    """Which nerve data file, and when it last changed (a cache key for what is drawn from it)."""
    from hipmodel import nerve

    path = nerve.NERVE_DATA_FILE
    return str(path), path.stat().st_mtime


@st.cache_data(max_entries=16, show_spinner=False)
def nerve_pngs(letter: str, stamp: tuple) -> dict:
    """The chosen type large, all six types, the prevalence chart (PNG bytes), and the texts beside them.

    ``stamp`` (:func:`nerve_data_stamp`) makes a changed data file redraw."""
    from hipmodel import nerve, plots

    v = nerve.load_nerve_variants()
    vt = v.type(letter)
    return {
        "type": plots.figure_bytes(plots.variant_figure_from_data(vt.letter, v), dpi=110),
        "all": plots.figure_bytes(plots.all_variants_figure_from_data(v), dpi=100),
        "prevalence": plots.figure_bytes(plots.prevalence_figure_from_data(v), dpi=100),
        "title": f"Type {vt.letter}: {vt.short}",
        "description": vt.description,
        "type_source": v.citation(vt.source),
        "lines": nerve.type_prevalence_lines(vt.letter, v),
        "share": nerve.share_through(v).summary,
        "studies": [{"study": s.short, "n": s.n_text, "reference": s.citation} for s in v.studies],
    }


@st.cache_data(max_entries=32, show_spinner=False)
def length_map_png(model_id: str, muscle_id: str, adduction: float, pose: tuple) -> bytes:
    from hipmodel import stretch, plots

    model = hm.load_model(model_id)
    fig = plots.length_map_figure_for(model, model.muscle(muscle_id), adduction, stretch.load_poses(),
                                                current=pose)
    return plots.figure_bytes(fig, dpi=100)


@st.cache_data(max_entries=16, show_spinner=False)
def figure4_data(model_id: str, muscle_id: str, final: tuple) -> tuple[bytes, list]:
    from hipmodel import stretch, plots

    model = hm.load_model(model_id)
    steps = stretch.figure4_steps(model, model.muscle(muscle_id), *final)
    png = plots.figure_bytes(plots.figure4_steps_figure(steps, model, muscle_id), dpi=100)
    return png, [dict(number=s.number, title=s.title, sentence=s.sentence, angles=s.angles,
                      change_mm=s.change_mm, rotation_moment_arm_mm=s.rotation_moment_arm_mm) for s in steps]


@st.cache_data(max_entries=32, show_spinner=False)
def answer_bundle(model_id: str, question_id: str | None, asked: str | None) -> dict:
    """An answer (by id, or for the user's own words), its figure as PNG and its Markdown."""
    from hipmodel import questions, plots

    model = hm.load_model(model_id)
    ans = questions.ask(asked, model) if asked else questions.answer(question_id, model)
    fig = plots.answer_figure(ans, model)
    png = plots.figure_bytes(fig, dpi=110) if fig is not None else None
    caption = plots.answer_figure_caption(ans) if fig is not None else ""
    # the Markdown-only download has no image link (the zip has the figure beside its own copy)
    return {"answer": ans, "png": png, "caption": caption, "markdown": questions.answer_markdown(ans)}


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
    model = hm.load_model(st.session_state["model"])
    kept = [m for m in st.session_state.get("muscles", []) if m in model.muscle_ids]
    st.session_state["muscles"] = kept or ["piriformis" if "piriformis" in model.muscle_ids else model.muscle_ids[0]]


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


def initialise_from_url() -> None:
    if st.session_state.get("_initialised"):
        return
    state, notices = state_from_query(st.query_params.to_dict())
    set_pose(state.flexion, state.adduction, state.rotation)
    st.session_state["model"] = state.model
    st.session_state["muscles"] = list(state.muscles)
    st.session_state["nerve"] = state.nerve
    if "tab" in st.query_params or state.tab != "explorer" or "tab" not in st.session_state:
        st.session_state["tab"] = tab_label(state.tab)
    if state.question:
        st.session_state["question"] = state.question
    st.session_state["notices"] = notices
    st.session_state["_initialised"] = True


def tab_label(tab_id: str) -> str:
    return dict(zip(TAB_IDS, TABS))[tab_id]


def tab_id(label: str | None) -> str:
    return dict(zip(TABS, TAB_IDS)).get(label, TAB_IDS[0])


# ----------------------------------------------------------------------------- layout
def sidebar() -> ExplorerState:
    sb = st.sidebar
    sb.header("Pose and muscles")
    models, broken = loadable_models()
    for mid, err in broken.items():
        sb.warning(f"Model '{mid}' is unavailable (its data file is broken): {err}")
    if st.session_state.get("model") not in models:
        st.session_state["model"] = hm.DEFAULT_MODEL_ID if hm.DEFAULT_MODEL_ID in models else models[0]
        on_model_change()
    names = {mid: hm.load_model(mid).name for mid in models}
    sb.selectbox("Model", models, key="model", on_change=on_model_change, format_func=lambda mid: names.get(mid, mid))
    model = hm.load_model(st.session_state["model"])
    sb.multiselect("Muscles", model.muscle_ids, key="muscles",
                   format_func=lambda mid: model.muscle(mid).name, max_selections=12,
                   help="Several at once for comparison; the first is the one the readouts describe.")
    for key, label, helptext in (
        ("flexion", "Hip flexion (deg)", "+ knee forward (flexion), \u2212 extension"),
        ("rotation", "Hip rotation (deg)", "+ internal rotation (kneecap turns in), \u2212 external"),
        ("adduction", "Hip adduction (deg)", "+ adduction (knee towards the midline), \u2212 abduction"),
    ):
        lo, hi = RANGES[key]
        sb.slider(label, lo, hi, step=STEP_DEG, key=key, help=helptext)
    sb.subheader("Poses")
    poses = presets()
    sb.selectbox("Pose preset", list(poses), key="preset", format_func=lambda pid: poses[pid][0],
                 on_change=lambda: apply_preset(st.session_state["preset"]), index=None,
                 placeholder="Choose a pose to set the sliders")
    c1, c2 = sb.columns(2)
    c1.button("Apply pose", key="apply_preset", width="stretch",
              on_click=lambda: apply_preset(st.session_state.get("preset")))
    c2.button("Reset", key="reset", on_click=reset, type="primary", width="stretch")
    chosen = st.session_state.get("preset_note")
    if chosen in poses:
        name, f, a, r, where = poses[chosen]
        sb.caption(f"**{name}**: flexion {f:g}\u00b0, adduction {a:g}\u00b0, rotation {r:g}\u00b0. Angles: {where}")
    if load_presets()[1]:
        sb.warning(f"Poses file could not be read, so only 'Standing' is offered: {load_presets()[1]}")
    muscles = tuple(st.session_state["muscles"]) or ("piriformis",)
    return ExplorerState(model=model.id, muscles=muscles, flexion=st.session_state["flexion"],
                         adduction=st.session_state["adduction"], rotation=st.session_state["rotation"],
                         nerve=st.session_state.get("nerve", "A"), tab=tab_id(st.session_state.get("tab")),
                         question=st.session_state.get("question") or "")


def png_svg_buttons(make_fig, stem: str, key: str) -> None:
    """Download buttons that render the figure only when clicked."""
    c1, c2 = st.columns(2)
    c1.download_button("PNG", data=lambda: plots.figure_bytes(make_fig(), "png", dpi=200), file_name=f"{stem}.png",
                       mime="image/png", key=f"{key}_png", on_click="ignore", width="stretch")
    c2.download_button("SVG", data=lambda: plots.figure_bytes(make_fig(), "svg"), file_name=f"{stem}.svg",
                       mime="image/svg+xml", key=f"{key}_svg", on_click="ignore", width="stretch")


def explorer_tab(state: ExplorerState, model: hm.Model) -> None:
    first = state.muscles[0]
    r = readout(model, first, state.flexion, state.adduction, state.rotation)
    switch_text = ", ".join(f"{s.flexion_deg:.1f}\u00b0" for s in r.switches) or "none in -20..120\u00b0"
    data = curve_data(model.id, state.muscles, state.adduction, state.rotation)
    left, right = st.columns([1, 1])
    with left:
        m1, m2 = st.columns([0.9, 1.1])  # room for "internal rotator" in a narrow window
        m1.metric(f"{r.muscle_name}: rotation moment arm", f"{r.rotation_moment_arm_mm:+.1f} mm",
                  help="+ internal rotation, \u2212 external rotation (OpenSim sign: \u2212dL/dq)")
        m2.metric("Action now", r.action.split(",")[0])
        m3, m4 = st.columns(2)
        m3.metric("Switch (external \u2192 internal)", switch_text,
                  help="Flexion where the rotation moment arm changes sign, at this rotation and adduction")
        m4.metric("Length vs standing", f"{r.length_change_mm:+.1f} mm",
                  f"{r.length_change_pct:+.1f} % ({r.length_mm:.1f} mm now)", delta_color="off")
        st.info(r.sentence)
        t1, t2, t3 = st.columns(3)
        show_add = kept_widget(t1.toggle, "show_adduction", "_kept_show_adduction", False, "Ab/adduction")
        show_flex = kept_widget(t2.toggle, "show_flexion", "_kept_show_flexion", False, "Flexion")
        show_len = kept_widget(t3.toggle, "show_length", "_kept_show_length", False, "Length")

        kept = st.session_state.get("kept") or None
        curve_args = dict(
            reference=kept,
            switches={name: d["switches"] for name, d in data.items()},
            show_adduction=show_add, show_flexion=show_flex, show_length=show_len,
            title=f"Rotation moment arm against flexion ({model.id}, add {state.adduction:g}\u00b0, "
                  f"rot {state.rotation:g}\u00b0)")

        def curve():
            return plots.moment_arm_figure(FLEXION_GRID, data, current_flexion=state.flexion, **curve_args)
        st.image(plots.moment_arm_png(FLEXION_GRID, data, state.flexion, dpi=90, **curve_args), width="stretch")
        png_svg_buttons(curve, f"moment_arm_{model.id}", "dl_curve")
        st.download_button("Curve as CSV", data=lambda: curve_csv(model.id, state), file_name=f"curve_{model.id}.csv",
                           mime="text/csv", key="dl_csv", on_click="ignore", width="stretch")
        k1, k2 = st.columns(2)
        k1.button("Keep these curves to compare", key="keep_curve", on_click=keep_curves, args=(model.id, state),
                  width="stretch", help="Draws the current curves dashed, so you can change the model, rotation "
                                        "or adduction and compare")
        k2.button("Clear kept curves", key="clear_kept", on_click=lambda: st.session_state.pop("kept", None),
                  width="stretch", disabled=not kept)
    with right:
        pose = (state.flexion, state.adduction, state.rotation)
        nerve_type = explorer_nerve_controls(state)

        def anatomy():
            return plots.anatomy_figure(model, state.muscles, *pose, layout="grid", width_in=7.0,
                                          nerve_type=nerve_type)
        st.image(plots.anatomy_png(model, state.muscles, *pose, layout="grid", width_in=7.0, dpi=90,
                                     nerve_type=nerve_type), width="stretch")
        png_svg_buttons(anatomy, f"hip_{model.id}_f{state.flexion:g}", "dl_anatomy")
    if model.approximate_frame_alignment:
        st.caption(f"{model.name}: approximate frame alignment (axis directions inferred from the source).")
    st.caption(f"Geometry: {model.citation()}")


def explorer_nerve_controls(state: ExplorerState) -> str | None:
    """The sciatic nerve on the view from behind: on/off and the type; returns the type to draw or None."""
    from hipmodel.state import NERVE_TYPES

    if nerve_status():
        st.caption(f"Sciatic nerve not drawn: its data could not be read ({nerve_status()}).")
        return None
    c1, c2 = st.columns([1, 1])
    show = kept_widget(c1.toggle, "show_nerve", "_kept_show_nerve", True, "Sciatic nerve, from behind",
                     help="Beaton & Anson type: where the nerve passes the piriformis (tab 'Sciatic nerve variants')")
    # plain letters, no format_func: AppTest's record of format functions is not thread-safe
    # (tests/test_concurrency.py runs twenty sessions in threads of one process)
    kept_widget(c2.selectbox, "nerve_select", "nerve", "A", "Beaton & Anson type", NERVE_TYPES, disabled=not show,
         label_visibility="collapsed")
    if show and "piriformis" not in state.muscles:
        st.caption("The nerve is drawn around the piriformis: add it to the muscles to see it.")
    return st.session_state["nerve"] if show else None


def keep_curves(model_id: str, state: ExplorerState) -> None:
    data = curve_data(model_id, state.muscles, state.adduction, state.rotation)
    kept = dict(st.session_state.get("kept") or {})
    for name, d in data.items():
        label = f"{name}, {model_id}, add {state.adduction:g}\u00b0, rot {state.rotation:g}\u00b0"
        kept[label] = {k: v for k, v in d.items() if isinstance(v, np.ndarray)}
    st.session_state["kept"] = dict(list(kept.items())[-4:])  # the last few only


def curve_csv(model_id: str, state: ExplorerState) -> str:
    data = curve_data(model_id, state.muscles, state.adduction, state.rotation)
    buf = io.StringIO()
    buf.write("muscle,flexion_deg,adduction_deg,rotation_deg,rotation_moment_arm_mm,adduction_moment_arm_mm,"
              "flexion_moment_arm_mm,length_mm\n")
    for d in data.values():
        for i, f in enumerate(FLEXION_GRID):
            buf.write(f"{d['id']},{f:g},{state.adduction:g},{state.rotation:g},{d['rotation_moment_arm_mm'][i]:.4f},"
                      f"{d['adduction_moment_arm_mm'][i]:.4f},{d['flexion_moment_arm_mm'][i]:.4f},"
                      f"{d['length_mm'][i]:.4f}\n")
    return buf.getvalue()


def context_tab(state: ExplorerState, model: hm.Model) -> None:
    st.markdown(
        "Where does the piriformis turn from an external into an internal rotator? With the rest of the hip "
        f"neutral, {models_range_text(switch_context())}. Torque estimated on cadaver hips and rules of thumb "
        "say later, up to 90\u00b0. The map shows one reason: the answer depends on the rest of the pose. "
        "Rotation and adduction move the switch by tens of degrees.")
    png, table, broken = switch_context_png(model.id, state.adduction, state.rotation)
    for what, err in broken.items():
        st.warning(f"Left out of this chart: {what}: {err}")
    st.image(png, width="stretch")
    st.dataframe(table, width="stretch", hide_index=True)


# ----------------------------------------------------------------------------- sciatic nerve variants
def nerve_tab(state: ExplorerState, model: hm.Model) -> None:
    from hipmodel import plots
    from hipmodel.state import NERVE_TYPES

    if nerve_status():
        st.error(f"The sciatic-nerve data could not be read, so this tab is empty: {nerve_status()}")
        return
    st.markdown(
        "The sciatic nerve leaves the pelvis through the greater sciatic notch, usually **below** the piriformis "
        "as one trunk (type A). In some people one of its two divisions, the tibial or the common fibular, runs "
        "**through** the muscle (which is then split into two heads) or **above** it. Beaton & Anson's letters "
        "A to F name the six courses. The type chosen here is also drawn on the explorer's view from behind.")
    kept_widget(st.radio, "nerve_radio", "nerve", "A", "Type", NERVE_TYPES, horizontal=True,
             help="Beaton & Anson type; the explorer draws the chosen one on its view from behind")
    d = nerve_pngs(st.session_state.get("nerve", "A"), nerve_data_stamp())
    letter = st.session_state.get("nerve", "A")
    left, right = st.columns([1, 1])
    with left:
        st.image(d["type"], width="stretch")
        png_svg_buttons(lambda: plots.variant_figure_from_data(letter), f"sciatic_type_{letter}", "dl_nerve")
    with right:
        st.subheader(d["title"])
        st.write(d["description"])
        st.markdown("**How often, study by study**\n\n" + "\n".join(f"- {line}" for line in d["lines"]))
        st.caption(f"Classification: {d['type_source']}")
    st.info(d["share"])
    st.image(d["prevalence"], caption="Prevalence by study, with 95% intervals where the source gives them",
             width="stretch")
    st.image(d["all"], caption="All six types: the right hip from behind; a division is dashed where it runs "
                               "inside the pelvis, deep to the muscle", width="stretch")
    st.dataframe(d["studies"], width="stretch", hide_index=True)


# ----------------------------------------------------------------------------- stretches
def stretch_tab(state: ExplorerState, model: hm.Model) -> None:
    from hipmodel import stretch

    if "piriformis" not in model.muscle_ids:
        st.warning(f"{model.name} has no piriformis, so this tab has nothing to show.")
        return
    mu = model.muscle("piriformis")
    pose = (state.flexion, state.adduction, state.rotation)
    st.markdown(
        "How much longer is the piriformis than when standing, over hip flexion and rotation? A stretch works "
        "by making the muscle longer, so the map shows where to go. The dashed line is the switch: to its right "
        "(deeper flexion) turning the thigh **out** lengthens the piriformis, to its left turning it **in** does. "
        "That is why the figure-4 stretch bends the hip well past the switch before it turns the thigh out.")
    left, right = st.columns([3, 2])
    with left:
        st.image(length_map_png(model.id, mu.id, state.adduction, pose), width="stretch",
                 caption=f"At {state.adduction:g}\u00b0 adduction (the adduction slider); the ringed point is the current pose")
    with right:
        sign = int(stretch.lengthening_rotation(model, mu, *pose))
        lc = stretch.length_change(model, mu, *pose)
        st.metric("Length vs standing, now", f"{float(lc.change_mm):+.1f} mm", f"{float(lc.change_pct):+.1f} %",
                  delta_color="off")
        st.metric(f"At {state.flexion:g}\u00b0 flexion, to lengthen it turn the thigh",
                  rotation_words(sign))
        flips = stretch.rotation_flip_angles(model, mu, state.adduction, state.rotation)
        flip_text = ", ".join(f"{f:.1f}\u00b0" for f in flips) or "nowhere in the range"
        st.caption(f"The lengthening rotation flips at {flip_text} flexion (at this adduction and rotation): "
                   "the same angle as the switch, because the moment arm is minus the change of length "
                   "with rotation.")
        longest_box(model, mu)
    st.divider()
    figure4_section(model, mu)


def longest_box(model: hm.Model, mu) -> None:
    from hipmodel import stretch

    st.markdown("**Where is it longest?** Set the joint range you allow:")
    fr = kept_widget(st.slider, "box_flexion", "_kept_box_flexion", (0.0, 120.0), "Flexion range (deg)", 0.0, 120.0,
              step=5.0)
    ar = kept_widget(st.slider, "box_adduction", "_kept_box_adduction", RANGES["adduction"], "Adduction range (deg)",
              *RANGES["adduction"], step=5.0)
    rr = kept_widget(st.slider, "box_rotation", "_kept_box_rotation", RANGES["rotation"], "Rotation range (deg)",
              *RANGES["rotation"], step=5.0)
    best = stretch.longest_length(model, mu, fr, ar, rr)
    st.success(f"Longest at {best.flexion_deg:.1f}\u00b0 flexion, {best.adduction_deg:.1f}\u00b0 adduction, "
               f"{best.rotation_deg:.1f}\u00b0 rotation: {best.change_mm:+.1f} mm ({best.change_pct:+.1f} %) "
               "against standing." + (f" On the box's edge: {', '.join(best.at_limits)}." if best.at_limits else ""))
    st.button("Show this pose in the explorer", key="apply_longest", on_click=show_in_explorer, args=best.angles)


def show_in_explorer(flexion: float, adduction: float, rotation: float) -> None:
    set_pose(flexion, adduction, rotation)
    st.session_state["tab"] = "Explorer"


def figure4_section(model: hm.Model, mu) -> None:
    from hipmodel import stretch

    st.subheader("Why the figure-4 stretch works, step by step")
    with st.expander("Change the final pose (default: flexion {:g}\u00b0, adduction {:g}\u00b0, rotation {:g}\u00b0)"
                     .format(*stretch.FIGURE4_FINAL_POSE)):
        c1, c2, c3 = st.columns(3)
        f0, a0, r0 = stretch.FIGURE4_FINAL_POSE
        f = kept_widget(c1.slider, "f4_flexion", "_kept_f4_flexion", f0, "Flexion (deg)", 0.0, 120.0, step=5.0)
        r = kept_widget(c2.slider, "f4_rotation", "_kept_f4_rotation", r0, "Rotation (deg)", *RANGES["rotation"], step=5.0)
        a = kept_widget(c3.slider, "f4_adduction", "_kept_f4_adduction", a0, "Adduction (deg)", *RANGES["adduction"],
                 step=5.0)
    png, steps = figure4_data(model.id, mu.id, (f, a, r))
    st.image(png, width="stretch")
    for s in steps:
        st.markdown(f"**{s['number']}. {s['title']}.** {s['sentence']}")


# ----------------------------------------------------------------------------- readers' questions
def question_typed() -> None:
    """Show the question the typed words map to in the list as well (out-of-scope ones are not in it)."""
    from hipmodel import questions

    text = (st.session_state.get("q_text") or "").strip()
    if text:
        qid = questions.find_question(text).question_id
        if qid in questions.question_ids():
            st.session_state["q_id"] = st.session_state["question"] = qid


def question_chosen() -> None:
    """A question picked from the list replaces the typed one."""
    st.session_state["q_text"] = st.session_state["_kept_q_text"] = ""


def questions_tab(state: ExplorerState, model: hm.Model) -> None:
    from hipmodel import questions, plots

    bank = {q.id: q for q in questions.QUESTIONS}

    def short(qid: str) -> str:
        title = bank[qid].title
        return ("Reader: " if bank[qid].reader else "") + (title if len(title) <= 110 else title[:107] + "...")

    st.markdown("Questions readers and students ask, answered with numbers the model computes now "
                f"({model.name}). Type your own question, or pick one.")
    asked = kept_widget(st.text_input, "q_text", "_kept_q_text", "", "Your question", max_chars=300,
                 on_change=question_typed,
                 placeholder="e.g. at what angle does the piriformis stop rotating the leg outwards?")
    kept_widget(st.selectbox, "q_id", "question", next(iter(bank)), "Or choose a question", list(bank), format_func=short,
         on_change=question_chosen)
    asked = (asked or "").strip()
    b = answer_bundle(model.id, None if asked else st.session_state.get("question") or next(iter(bank)),
                      asked or None)
    ans = b["answer"]
    if asked and ans.question_id in bank:
        conf = f" (match {ans.confidence:.0%})" if ans.confidence is not None else ""
        st.caption(f"Closest question{conf}:")
    st.subheader(ans.question)
    if ans.out_of_scope:
        st.warning("Outside what an anatomy model can answer. This is not medical advice; please see a clinician "
                   "about treatment or symptoms.")
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


def main() -> None:
    collect_garbage_now_and_then()
    if not loadable_models()[0]:
        st.error("No model file in data/ could be loaded, so there is nothing to show. "
                 + " ".join(loadable_models()[1].values()))
        st.stop()
    initialise_from_url()
    keep_sidebar_values()
    state = sidebar()
    model = hm.load_model(state.model)

    st.title("The piriformis and the hip rotators")
    st.caption("Right hip, OpenSim convention: + flexion, + adduction, + internal rotation. Moment arms in mm; "
               "negative rotation moment arm = external rotator.")
    for notice in st.session_state.get("notices", []):
        st.warning(f"Link corrected: {notice}")

    # only the open tab runs (the others would cost a second or more per slider move)
    tabs = st.tabs(list(TABS), key="tab", on_change="rerun")
    for tab, part in zip(tabs, TABS.values()):
        if tab.open:
            with tab:
                guarded(part, state, model)
    # the link, last: a tab's widgets (nerve type, question) have just stored their values
    st.query_params.from_dict(query_from_state(replace(
        state, nerve=st.session_state.get("nerve", state.nerve), question=st.session_state.get("question") or "")))


TABS = {  # labels, in the order of hipmodel.state.TABS (their ids in a link)
    "Explorer": explorer_tab,
    "The switch in context": context_tab,
    "Sciatic nerve variants": nerve_tab,
    "Stretches": stretch_tab,
    "Readers' questions": questions_tab,
}


def guarded(fn, *args) -> None:
    """Run one part of the page; a failure shows a message, never a traceback."""
    try:
        fn(*args)
    except (hm.ModelDataError, hm.PoseError, KeyError, ValueError) as e:
        st.error(f"This part could not be shown: {e}")
    except Exception as e:  # noqa: BLE001 - last line of defence for the user
        st.error(f"This part could not be shown ({type(e).__name__}). The rest of the page still works.")


main()
