"""The sidebar and the explorer tab: sliders, readouts, the curve, the anatomy, downloads; and the switch-in-context tab.
"""

from __future__ import annotations

import base64
import io
import numpy as np
import streamlit as st
import hipmodel as hm
from .. import plots
from ..plots import hip3d
import plotly.graph_objects as go
from ..context import literature_range_text, models_range_text, switch_context
from ..explain import readout
from .state import ANATOMY_VIEWS, RANGES, STEP_DEG, ExplorerState, loadable_models
from .cache import FLEXION_GRID, curve_data, hip3d_spec, load_presets, nerve_status, presets, switch_context_png
from .memory import apply_preset, kept_widget, on_model_change, reset, tab_id
from .upload import app_model, is_upload, upload_section, uploaded_ids


# ----------------------------------------------------------------------------- figure sizes
# Sized for a phone. On a narrow screen Streamlit stacks the columns and an image fills the
# page's width, PHONE_COLUMN_PX on a 390 px phone (measured by tests/test_phone.py). A figure
# w inches wide shown p px wide draws an f-point text f * p / (72 w) px high whatever its dpi,
# so each figure's width is chosen from its smallest text: at least MIN_TEXT_PX on the phone.
# On a desktop the same picture fills a wider column and its text is larger (about 15 px, the
# page's own text size). One picture for both: one render per slider move, no HTML of our own.
PHONE_COLUMN_PX = 358
MIN_TEXT_PX = 9.0
FIGURE_DPI = 130  # about one image pixel per screen pixel in a desktop column (560-600 px)


def width_for_phone(smallest_pt: float) -> float:
    """The widest figure (inches) whose ``smallest_pt`` text is MIN_TEXT_PX high on the phone, 3 % to spare."""
    return round(0.97 * smallest_pt * PHONE_COLUMN_PX / (72.0 * MIN_TEXT_PX), 2)


CURVE_WIDTH_IN = width_for_phone(plots.curves.CURVE_MIN_FONT)  # 9 pt -> 4.82 in
ANATOMY_SMALLEST_PT = 7.5  # the nerve's labels on the view from behind (hipmodel/plots/anatomy.py)
ANATOMY_WIDTH_IN = width_for_phone(ANATOMY_SMALLEST_PT)  # 4.02 in


# ----------------------------------------------------------------------------- layout
def sidebar() -> ExplorerState:
    sb = st.sidebar
    sb.header("Pose and muscles")
    models, broken = loadable_models()
    for mid, err in broken.items():
        sb.warning(f"Model '{mid}' is unavailable (its data file is broken): {err}")
    upload_section()  # an .osim of the user's own, this session only
    models = models + uploaded_ids()
    if st.session_state.get("model") not in models:
        st.session_state["model"] = hm.DEFAULT_MODEL_ID if hm.DEFAULT_MODEL_ID in models else models[0]
        on_model_change()
    names = {mid: app_model(mid).name for mid in models}
    sb.selectbox("Model", models, key="model", on_change=on_model_change, format_func=lambda mid: names.get(mid, mid))
    model = app_model(st.session_state["model"])
    if is_upload(model.id):
        sb.caption("The page's link cannot carry an uploaded model: it keeps the pose only and opens with "
                   f"{hm.DEFAULT_MODEL_ID}. The upload stays in this browser session only.")
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


def inline_png(png: bytes) -> str:
    """A picture redrawn on every slider move, sent inside the page (a data URI) instead of as a
    Streamlit media file: a quick rerun can drop a media file before the browser fetches it, and
    when the next run sends the same picture (the same address) the browser keeps the broken one.
    Inline, there is nothing to fetch, nothing to lose, and no backend to stick to."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _short_name(model: hm.Model) -> str:
    """'gait2392' for a bundled model (as in a link); an upload's own model name, not its internal id."""
    if model.origin is not None:
        return getattr(model.origin, "model_name", "") or model.id
    return model.id


def png_svg_buttons(make_fig, stem: str, key: str, stacked: bool = False) -> None:
    """Download buttons that render the figure only when clicked (one above the other in a
    narrow place, such as a popover: side by side there they were cut to 'P...')."""
    c1, c2 = (st.container(), st.container()) if stacked else st.columns(2)
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
                  help="+ internal rotation, \u2212 external rotation (OpenSim sign: \u2212dL/dq). Lever = shortest "
                       "distance between the line of pull and the thigh's long axis \u00d7 sine of the angle between them")
        m2.metric("Action now", r.action.split(",")[0])
        m3, m4 = st.columns(2)
        m3.metric("Switch (external \u2192 internal)", switch_text,
                  help="Flexion where the rotation moment arm changes sign, at this rotation and adduction")
        m4.metric("Length vs standing", f"{r.length_change_mm:+.1f} mm",
                  f"{r.length_change_pct:+.1f} % ({r.length_mm:.1f} mm now)", delta_color="off", delta_arrow="off")
        st.info(r.sentence)
        t1, t2, t3 = st.columns([1.25, 1.0, 1.0])  # room for "Adduction" in a narrow window
        show_add = kept_widget(t1.toggle, "show_adduction", "_kept_show_adduction", False, "Adduction")
        show_flex = kept_widget(t2.toggle, "show_flexion", "_kept_show_flexion", False, "Flexion")
        show_len = kept_widget(t3.toggle, "show_length", "_kept_show_length", False, "Length")

        kept = st.session_state.get("kept") or None
        curve_args = dict(
            reference=kept,
            switches={name: d["switches"] for name, d in data.items()},
            show_adduction=show_add, show_flexion=show_flex, show_length=show_len,
            title=f"Rotation moment arm against flexion ({_short_name(model)}, add {state.adduction:g}\u00b0, "
                  f"rot {state.rotation:g}\u00b0)")

        def curve():
            return plots.moment_arm_figure(FLEXION_GRID, data, current_flexion=state.flexion, width_in=CURVE_WIDTH_IN,
                                           **curve_args)
        st.image(inline_png(plots.moment_arm_png(FLEXION_GRID, data, state.flexion, dpi=FIGURE_DPI,
                                                 width_in=CURVE_WIDTH_IN, **curve_args)), width="stretch",
                 caption="Rotation moment arm against flexion: the curve at this rotation and adduction")
        # the downloads folded into one button (four full-width buttons pushed the bone pictures down)
        with st.popover("Download the curve", width="stretch"):
            png_svg_buttons(curve, f"moment_arm_{model.id}", "dl_curve", stacked=True)
            st.download_button("Curve as CSV", data=lambda: curve_csv(model.id, state),
                               file_name=f"curve_{model.id}.csv", mime="text/csv", key="dl_csv", on_click="ignore",
                               width="stretch")
        k1, k2 = st.columns(2)
        k1.button("Keep to compare", key="keep_curve", on_click=keep_curves, args=(model.id, state),
                  width="stretch", help="Draws the current curves dashed, so you can change the model, rotation "
                                        "or adduction and compare")
        k2.button("Clear kept", key="clear_kept", on_click=lambda: st.session_state.pop("kept", None),
                  width="stretch", disabled=not kept)
    with right:
        anatomy_views(state, model)
    if model.approximate_frame_alignment:
        st.caption(f"{model.name}: approximate frame alignment (axis directions inferred from the source).")
    st.caption(f"Geometry: {model.citation()}")


VIEW_3D, VIEW_2D = ANATOMY_VIEWS["3d"], ANATOMY_VIEWS["2d"]


class _TrustedSpec(go.Figure):
    """A plotly Figure that hands Streamlit a spec built and checked by hipmodel.plots.hip3d.

    st.plotly_chart re-validates a dict figure trace by trace (seconds for 71 frames); a
    Figure is converted with ``to_dict()``, which here returns the prebuilt spec as it is.
    """

    def __init__(self, spec: dict):
        super().__init__()
        self._hip_spec = spec

    def to_dict(self):
        return self._hip_spec


def anatomy_views(state: ExplorerState, model: hm.Model) -> None:
    """The 3-D hip (drawn by the browser) or the three 2-D views (drawn here), one at a time."""
    view = kept_widget(st.radio, "anatomy_view", "_kept_anatomy_view", VIEW_3D, "Anatomy", [VIEW_3D, VIEW_2D],
                       horizontal=True, label_visibility="collapsed")
    pose = (state.flexion, state.adduction, state.rotation)
    if view == VIEW_3D:
        spec = hip3d_spec(model.id, state.muscles, state.adduction, state.rotation)
        st.plotly_chart(_TrustedSpec(hip3d.spec_at(spec, state.flexion)), key="hip3d", width="stretch",
                        config=hip3d.PLOTLY_CONFIG)
        st.caption("The figure's own slider plays flexion in your browser, in 2-degree steps, with no wait for the "
                   "server; it starts at the step nearest the sidebar's flexion and leaves the sidebar as it is. Rotation, adduction, model "
                   "and muscles come from the sidebar.")
        st.download_button("The 3-D figure as one HTML file (opens offline)", key="dl_hip3d", on_click="ignore",
                           data=lambda: hip3d.hip3d_html(hip3d.spec_at(
                               hip3d_spec(model.id, state.muscles, state.adduction, state.rotation, "wide"),
                               state.flexion), credits=hip3d.credits_text(model)),
                           file_name=f"hip3d_{model.id}.html", mime="text/html", width="stretch")
        return
    nerve_type = explorer_nerve_controls(model, state)

    def anatomy():
        return plots.anatomy_figure(model, state.muscles, *pose, layout="main", width_in=ANATOMY_WIDTH_IN,
                                    nerve_type=nerve_type)
    st.image(inline_png(plots.anatomy_png(model, state.muscles, *pose, layout="main", width_in=ANATOMY_WIDTH_IN,
                                          dpi=FIGURE_DPI, nerve_type=nerve_type)), width="stretch",
             caption="The hip from behind (large), from the side and from above, at this pose")
    png_svg_buttons(anatomy, f"hip_{model.id}_f{state.flexion:g}", "dl_anatomy")


def explorer_nerve_controls(model: hm.Model, state: ExplorerState) -> str | None:
    """The sciatic nerve on the view from behind: on/off and the type; returns the type to draw or None."""
    from .state import NERVE_TYPES

    if nerve_status():
        st.caption(f"Sciatic nerve not drawn: its data could not be read ({nerve_status()}).")
        return None
    c1, c2 = st.columns([1, 1])
    show = kept_widget(c1.toggle, "show_nerve", "_kept_show_nerve", True, "Sciatic nerve, from behind",
                     help="Beaton & Anson type: where the nerve passes the piriformis (tab 'Sciatic nerve')")
    # plain letters, no format_func: AppTest's record of format functions is not thread-safe
    # (tests/test_concurrency.py runs twenty sessions in threads of one process)
    kept_widget(c2.selectbox, "nerve_select", "nerve", "A", "Beaton & Anson type", NERVE_TYPES, disabled=not show,
         label_visibility="collapsed")
    piri = model.piriformis
    if show and (piri is None or piri.id not in state.muscles):
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
        f"neutral, {models_range_text(switch_context())}. {literature_range_text(switch_context())} The map shows "
        "one reason why the numbers differ: the answer depends on the rest of the pose. Rotation and adduction move "
        "the switch by tens of degrees.")
    png, table, broken = switch_context_png(model.id, state.adduction, state.rotation)
    for what, err in broken.items():
        st.warning(f"Left out of this chart: {what}: {err}")
    st.image(png, width="stretch")
    st.table(table, hide_index=True, border="horizontal")  # a static table wraps its long cells
