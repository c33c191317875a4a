"""hipmodel explorer: a thin Streamlit shell over the hipmodel library.

Widgets, layout, caching and URL state only; every number comes from ``hipmodel``.
Run with ``streamlit run app.py``.
"""

from __future__ import annotations

import io
import json

import numpy as np
import streamlit as st

import hipmodel as hm
from hipmodel import figures
from hipmodel.explain import readout
from hipmodel.state import RANGES, STEP_DEG, ExplorerState, loadable_models, query_from_state, state_from_query

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
def switch_context_png(model_id: str, adduction: float, rotation: float) -> tuple[bytes, list]:
    """The switch-in-context figure (PNG) and a table of its numbers."""
    rows, table = [], []
    for mid in hm.available_model_ids():
        try:
            m = hm.load_model(mid)
            found = hm.sign_change_angles(m, m.muscle("piriformis"), adduction, rotation)
        except (hm.ModelDataError, KeyError) as e:
            table.append({"source": mid, "switch (deg flexion)": f"unavailable: {e}", "kind": "model"})
            continue
        angle = found[0].flexion_deg if found else None
        rows.append((m.name, angle, m.approximate_frame_alignment))
        table.append({"source": m.name + (" (approximate frame alignment)" if m.approximate_frame_alignment else ""),
                      "switch (deg flexion)": f"{angle:.1f}" if angle is not None else "none in -20..120",
                      "kind": "model (computed here)", "reference": m.citation()})
    lit = literature()
    for e in lit:
        lo, hi = e.get("low"), e.get("high")
        span = "-" if lo is None and hi is None else (f"{lo}" if lo == hi else f"{lo or ''}..{hi or ''}")
        table.append({"source": e["label"], "switch (deg flexion)": span, "kind": e["kind"],
                      "reference": f"{e['source']} [{e['flag']}]"})
    add, rot, smap = switch_map(model_id)
    fig = figures.switch_context_figure(rows, lit, add, rot, smap, current=(adduction, rotation),
                                        model_name=hm.load_model(model_id).name)
    return figures.figure_bytes(fig, dpi=110), table


@st.cache_data(max_entries=1, show_spinner=False)
def literature() -> list:
    with open(hm.DATA_DIR / "switch_literature.json", encoding="utf-8") as fh:
        return json.load(fh)["entries"]


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


def initialise_from_url() -> None:
    if st.session_state.get("_initialised"):
        return
    state, notices = state_from_query(st.query_params.to_dict())
    set_pose(state.flexion, state.adduction, state.rotation)
    st.session_state["model"] = state.model
    st.session_state["muscles"] = list(state.muscles)
    st.session_state["nerve"] = state.nerve
    st.session_state["notices"] = notices
    st.session_state["_initialised"] = True


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
                         nerve=st.session_state.get("nerve", "A"))


def png_svg_buttons(make_fig, stem: str, key: str) -> None:
    """Download buttons that render the figure only when clicked."""
    c1, c2 = st.columns(2)
    c1.download_button("PNG", data=lambda: figures.figure_bytes(make_fig(), "png", dpi=200), file_name=f"{stem}.png",
                       mime="image/png", key=f"{key}_png", on_click="ignore", width="stretch")
    c2.download_button("SVG", data=lambda: figures.figure_bytes(make_fig(), "svg"), file_name=f"{stem}.svg",
                       mime="image/svg+xml", key=f"{key}_svg", on_click="ignore", width="stretch")


def explorer_tab(state: ExplorerState, model: hm.Model) -> None:
    first = state.muscles[0]
    r = readout(model, first, state.flexion, state.adduction, state.rotation)
    switch_text = ", ".join(f"{s.flexion_deg:.1f}\u00b0" for s in r.switches) or "none in -20..120\u00b0"
    data = curve_data(model.id, state.muscles, state.adduction, state.rotation)
    left, right = st.columns([1, 1])
    with left:
        m1, m2 = st.columns(2)
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
        show_add = t1.toggle("Ab/adduction", key="show_adduction")
        show_flex = t2.toggle("Flexion", key="show_flexion")
        show_len = t3.toggle("Length", key="show_length")

        kept = st.session_state.get("kept") or None
        curve_args = dict(
            reference=kept,
            switches={name: d["switches"] for name, d in data.items()},
            show_adduction=show_add, show_flexion=show_flex, show_length=show_len,
            title=f"Rotation moment arm against flexion ({model.id}, add {state.adduction:g}\u00b0, "
                  f"rot {state.rotation:g}\u00b0)")

        def curve():
            return figures.moment_arm_figure(FLEXION_GRID, data, current_flexion=state.flexion, **curve_args)
        st.image(figures.moment_arm_png(FLEXION_GRID, data, state.flexion, dpi=90, **curve_args), width="stretch")
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

        def anatomy():
            return figures.anatomy_figure(model, state.muscles, *pose, layout="grid", width_in=7.0)
        st.image(figures.anatomy_png(model, state.muscles, *pose, layout="grid", width_in=7.0, dpi=90), width="stretch")
        png_svg_buttons(anatomy, f"hip_{model.id}_f{state.flexion:g}", "dl_anatomy")
    if model.approximate_frame_alignment:
        st.caption(f"{model.name}: approximate frame alignment (axis directions inferred from the source).")
    st.caption(f"Geometry: {model.citation()}")


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
        "Where does the piriformis turn from an external into an internal rotator? The four published "
        "geometries put it between about 48\u00b0 and 57\u00b0 of flexion with the rest of the hip neutral; "
        "cadaver torque and rules of thumb say later, up to 90\u00b0. The map shows one reason: the answer "
        "depends on the rest of the pose. Rotation and adduction move the switch by tens of degrees.")
    png, table = switch_context_png(model.id, state.adduction, state.rotation)
    st.image(png, width="stretch")
    st.dataframe(table, width="stretch", hide_index=True)


def main() -> None:
    if not loadable_models()[0]:
        st.error("No model file in data/ could be loaded, so there is nothing to show. "
                 + " ".join(loadable_models()[1].values()))
        st.stop()
    initialise_from_url()
    state = sidebar()
    model = hm.load_model(state.model)
    st.query_params.from_dict(query_from_state(state))

    st.title("The piriformis and the hip rotators")
    st.caption("Right hip, OpenSim convention: + flexion, + adduction, + internal rotation. Moment arms in mm; "
               "negative rotation moment arm = external rotator.")
    for notice in st.session_state.get("notices", []):
        st.warning(f"Link corrected: {notice}")

    tabs = st.tabs(["Explorer", "The switch in context"])
    with tabs[0]:
        guarded(explorer_tab, state, model)
    with tabs[1]:
        guarded(context_tab, state, model)


def guarded(fn, *args) -> None:
    """Run one part of the page; a failure shows a message, never a traceback."""
    try:
        fn(*args)
    except (hm.ModelDataError, hm.PoseError, KeyError, ValueError) as e:
        st.error(f"This part could not be shown: {e}")
    except Exception as e:  # noqa: BLE001 - last line of defence for the user
        st.error(f"This part could not be shown ({type(e).__name__}). The rest of the page still works.")


main()
