"""What the app computes once and keeps (``st.cache_data``): curves, maps and pictures, each keyed by what it depends on.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
import hipmodel as hm
from .. import plots
from ..plots import hip3d
from ..context import switch_context
from ..literature import flag_words
from .state import RANGES
from .upload import app_model  # a bundled model, or this session's upload (its id hashes its bytes)


FLEXION_GRID = np.arange(-20.0, 120.0 + 0.25, 0.5)


PRESETS_FALLBACK = {"standing": ("Standing", 0.0, 0.0, 0.0, "neutral pose")}


# ----------------------------------------------------------------------------- cached data
@st.cache_data(max_entries=64, show_spinner=False)
def curve_data(model_id: str, muscle_ids: tuple[str, ...], adduction: float, rotation: float) -> dict:
    """Moment arms and lengths over the flexion grid, and switch angles, per muscle."""
    model = app_model(model_id)
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
    model = app_model(model_id)
    add = np.arange(RANGES["adduction"][0], RANGES["adduction"][1] + 0.1, 2.5)
    rot = np.arange(RANGES["rotation"][0], RANGES["rotation"][1] + 0.1, 2.5)
    return add, rot, hm.switch_angle_map(model, model.muscle("piriformis"), add, rot)


@st.cache_data(max_entries=64, show_spinner=False)
def switch_context_png(model_id: str, adduction: float, rotation: float) -> tuple[bytes, list, dict]:
    """The switch-in-context figure (PNG), a table of its numbers, and what could not be read."""
    ctx = switch_context(adduction, rotation)
    add, rot, smap = switch_map(model_id)
    fig = plots.switch_context_figure(ctx.model_rows(), ctx.literature, add, rot, smap,
                                        current=(adduction, rotation), model_name=app_model(model_id).name)
    return plots.figure_bytes(fig, dpi=110), ctx.table(), ctx.broken


@st.cache_data(max_entries=1, show_spinner=False)
def load_presets() -> tuple[dict, str]:
    """Named poses from data/poses.json: id -> (name, flexion, adduction, rotation, where from), and an error."""
    try:
        from .. import stretch

        return {p.id: (p.name, p.flexion_deg, p.adduction_deg, p.rotation_deg, p.angles_from)
                for p in stretch.load_poses()}, ""
    except Exception as e:  # noqa: BLE001 - a broken poses file must not take the explorer down
        return PRESETS_FALLBACK, str(e)


def presets() -> dict:
    return load_presets()[0]


def nerve_status() -> str:
    """'' when the sciatic-variant data loads, else the one-line error (the rest of the app works without it).

    Not st.cache_data: the loader keeps the parsed file until it changes, so this is a stat call."""
    from .. import nerve

    try:
        nerve.load_nerve_variants()
        return ""
    except Exception as e:  # noqa: BLE001 - a broken data file must not take the explorer down
        return str(e)


def nerve_data_stamp() -> tuple[str, float]:
    """Which nerve data file, and when it last changed (a cache key for what is drawn from it)."""
    from .. import nerve

    path = nerve.NERVE_DATA_FILE
    return str(path), path.stat().st_mtime


@st.cache_data(max_entries=16, show_spinner=False)
def nerve_pngs(letter: str, stamp: tuple) -> dict:
    """The chosen type large, all six types, the prevalence chart (PNG bytes), and the texts beside them.

    ``stamp`` (:func:`nerve_data_stamp`) makes a changed data file redraw."""
    from .. import nerve, plots

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
        "studies": [{"study": s.short, "n": s.n_text, "reference": s.citation, "how sure": flag_words(s.flag)}
                    for s in v.studies],
    }


def named_poses() -> tuple[tuple, str]:
    """The named poses, or ``((), message naming the file and field)`` if poses.json cannot be read.

    Only the numbered dots on the length map need them: the rest of the stretches tab does not."""
    from .. import stretch

    try:
        return stretch.load_poses(), ""
    except Exception as e:  # noqa: BLE001 - a broken poses file costs the dots, not the tab
        return (), str(e)


@st.cache_data(max_entries=32, show_spinner=False)
def length_map_png(model_id: str, muscle_id: str, adduction: float, pose: tuple, poses_error: str = "") -> bytes:
    """``poses_error`` (from :func:`named_poses`) is a cache key: a mended file redraws the dots."""
    from .. import plots

    model = app_model(model_id)
    fig = plots.length_map_figure_for(model, model.muscle(muscle_id), adduction, named_poses()[0], current=pose)
    return plots.figure_bytes(fig, dpi=100)


@st.cache_data(max_entries=16, show_spinner=False)
def figure4_data(model_id: str, muscle_id: str, final: tuple) -> tuple[bytes, list]:
    from .. import stretch, plots

    model = app_model(model_id)
    steps = stretch.figure4_steps(model, model.muscle(muscle_id), *final)
    png = plots.figure_bytes(plots.figure4_steps_figure(steps, model, muscle_id, with_text=False), dpi=100)
    return png, [dict(number=s.number, title=s.title, sentence=s.sentence, angles=s.angles,
                      change_mm=s.change_mm, rotation_moment_arm_mm=s.rotation_moment_arm_mm) for s in steps]


@st.cache_data(max_entries=32, show_spinner=False)
def answer_bundle(model_id: str, question_id: str | None, asked: str | None) -> dict:
    """An answer (by id, or for the user's own words), its figure as PNG and its Markdown."""
    from .. import questions, plots

    model = app_model(model_id)
    ans = questions.ask(asked, model) if asked else questions.answer(question_id, model)
    fig = plots.answer_figure(ans, model)
    png = plots.figure_bytes(fig, dpi=110) if fig is not None else None
    caption = plots.answer_figure_caption(ans) if fig is not None else ""
    # the Markdown-only download has no image link (the zip has the figure beside its own copy)
    return {"answer": ans, "png": png, "caption": caption, "markdown": questions.answer_markdown(ans)}


@st.cache_resource(max_entries=16, show_spinner=False)
def hip3d_spec(model_id: str, muscle_ids: tuple[str, ...], adduction: float, rotation: float,
               arrangement: str = "tall") -> dict:
    """The 3-D figure with every flexion frame (about 1 MB), kept as one shared object.

    ``cache_resource``, not ``cache_data``: no copy per hit (the spec is never modified;
    :func:`hipmodel.plots.hip3d.spec_at` makes shallow copies).
    """
    return hip3d.hip3d_spec(app_model(model_id), muscle_ids, adduction, rotation, arrangement=arrangement)
