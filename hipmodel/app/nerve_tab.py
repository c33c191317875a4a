"""The sciatic nerve variants tab.
"""

from __future__ import annotations

import streamlit as st
import hipmodel as hm
from .state import ExplorerState
from .cache import nerve_data_stamp, nerve_pngs, nerve_status
from ..nerve import units_text
from .memory import kept_widget
from .explorer import png_svg_buttons


# ----------------------------------------------------------------------------- sciatic nerve variants
def nerve_tab(state: ExplorerState, model: hm.Model) -> None:
    from .. import plots
    from .state import NERVE_TYPES

    if nerve_status():
        st.error(f"The sciatic-nerve data could not be read, so this tab is empty: {nerve_status()}")
        return
    st.markdown(
        "The sciatic nerve leaves the pelvis through the greater sciatic notch, usually **below** the piriformis "
        "as one trunk (type A). In some people the whole nerve, or one of its two divisions (the tibial or the common "
        "fibular), runs **through** the muscle (which is then split into two heads) or **above** it. Beaton & Anson's letters "
        "A to F name the six courses. The type chosen here is also drawn on the explorer's view from behind.")
    kept_widget(st.radio, "nerve_radio", "nerve", "A", "Type", NERVE_TYPES, horizontal=True,
             help="Beaton & Anson type; the explorer draws the chosen one on its view from behind")
    d = nerve_pngs(st.session_state.get("nerve", "A"), nerve_data_stamp())
    letter = st.session_state.get("nerve", "A")
    left, right = st.columns([1, 1])
    with left:
        st.image(d["type"], caption=f"Type {letter}: the right hip from behind", width="stretch")
        png_svg_buttons(lambda: plots.variant_figure_from_data(letter), f"sciatic_type_{letter}", "dl_nerve")
    with right:
        st.subheader(d["title"])
        st.write(d["description"])
        units = units_text()
        st.markdown(f"**How often, study by study.** These are {units}; a person has two limbs.\n\n"
                    + "\n".join(f"- {line}" for line in d["lines"]))
        st.caption(f"Classification: {d['type_source']}")
    st.info(d["share"])
    st.image(d["prevalence"], caption=f"Prevalence by study ({units_text()}): single studies with a "
                                      "Wilson 95% interval computed from their counts, pooled figures with the "
                                      "interval their source gives", width="stretch")
    st.image(d["all"], caption="All six types: the right hip from behind; a division is dashed where it runs "
                               "inside the pelvis, deep to the muscle", width="stretch")
    st.table(d["studies"], hide_index=True, border="horizontal")  # a static table wraps the long references
