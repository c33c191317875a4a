"""The stretches tab: the length map, the lengthening rotation, the longest pose in a box, the figure-4 step by step.
"""

from __future__ import annotations

import streamlit as st
import hipmodel as hm
from ..words import turn_thigh_words
from .state import RANGES, ExplorerState
from .cache import figure4_data, length_map_png, named_poses
from .memory import kept_widget, set_pose


# ----------------------------------------------------------------------------- stretches
def stretch_tab(state: ExplorerState, model: hm.Model) -> None:
    from .. import stretch

    mu = model.piriformis  # an imported .osim's 'peri_r' or 'piri_r' too
    if mu is None:
        st.warning(f"{model.name} has no piriformis, so this tab has nothing to show.")
        return
    pose = (state.flexion, state.adduction, state.rotation)
    st.markdown(
        "How much longer is the piriformis than when standing, over hip flexion and rotation? A stretch works "
        "by making the muscle longer, so the map shows where to go. The dashed line is the switch: to its right "
        "(deeper flexion) turning the thigh **out** lengthens the piriformis, to its left turning it **in** does. "
        "That is why the figure-4 stretch bends the hip well past the switch before it turns the thigh out.")
    # the numbers first, then the map across the whole width (in a column its labels were too small to read)
    sign = int(stretch.lengthening_rotation(model, mu, *pose))
    lc = stretch.length_change(model, mu, *pose)
    c1, c2 = st.columns(2)
    c1.metric("Length vs standing, now", f"{float(lc.change_mm):+.1f} mm", f"{float(lc.change_pct):+.1f} %",
              delta_color="off", delta_arrow="off")
    c2.metric(f"To lengthen it at {state.flexion:g}\u00b0 flexion, turn the thigh", turn_thigh_words(sign))
    flips = stretch.rotation_flip_angles(model, mu, state.adduction, state.rotation)
    flip_text = ", ".join(f"{f:.1f}\u00b0" for f in flips) or "nowhere in the range"
    st.caption(f"Which way to turn the thigh flips at {flip_text} flexion (at this adduction and rotation): the same "
               "angle as the switch, because turning the thigh against a muscle's action is what stretches it.")
    poses_error = named_poses()[1]
    if poses_error:
        st.warning(f"The named poses are not marked on this map: the poses file could not be read "
                   f"({poses_error}).")
    st.image(length_map_png(model.id, mu.id, state.adduction, pose, poses_error), width="stretch",
             caption=f"At {state.adduction:g}\u00b0 adduction (the adduction slider); the ringed point is the current pose")
    longest_box(model, mu)
    st.divider()
    figure4_section(model, mu)


def longest_box(model: hm.Model, mu) -> None:
    from .. import stretch

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
    from .. import stretch

    st.subheader("Why the figure-4 stretch works, step by step")
    try:
        f0, a0, r0 = stretch.figure4_final_pose()  # the 'figure4' pose of the pose file, as the explorer's preset
    except stretch.PoseFileError as e:
        st.warning(f"The figure-4 explainer needs the figure-4 pose of poses.json, which could not be read: {e}")
        return
    st.markdown("The figure-4 as usually done: lying on your back, the ankle crossed over the other thigh and the "
                "crossed knee allowed to fall out to the side (hip flexion, ABduction and external rotation, as in the "
                "FABER test), then the other thigh drawn in to add flexion. Set adduction above zero to see the "
                "different stretch where the knee is pulled towards the opposite shoulder.")
    with st.expander("Change the final pose (default, the figure-4 as done: flexion {:g}\u00b0, adduction {:g}\u00b0 "
                     "(negative = abduction, the knee fallen out), rotation {:g}\u00b0)".format(f0, a0, r0)):
        c1, c2, c3 = st.columns(3)
        f = kept_widget(c1.slider, "f4_flexion", "_kept_f4_flexion", f0, "Flexion (deg)", 0.0, 120.0, step=5.0)
        r = kept_widget(c2.slider, "f4_rotation", "_kept_f4_rotation", r0, "Rotation (deg)", *RANGES["rotation"], step=5.0)
        a = kept_widget(c3.slider, "f4_adduction", "_kept_f4_adduction", a0, "Adduction (deg)", *RANGES["adduction"],
                 step=5.0)
    if not model.use_for_length:
        st.info(f"{model.name} is not used for lengths (its data file says why): the lengths below are this "
                "geometry's own and disagree with cadaver measurements; compare with Gait2392 or Rajagopal 2016.")
    png, steps = figure4_data(model.id, mu.id, (f, a, r))
    st.image(png, width="stretch")
    for s in steps:
        st.markdown(f"**{s['number']}. {s['title']}.** {s['sentence']}")
