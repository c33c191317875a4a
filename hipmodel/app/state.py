"""The explorer's state and its URL form (pure Python; no streamlit here).

A shared link holds the pose, the model, the muscles, the nerve type, the open tab
and (on the questions tab) the question. :func:`state_from_query`
turns any mapping of strings (a URL's query parameters) into a valid
:class:`ExplorerState` plus one-line notices for whatever it had to correct; it
never raises on bad input. :func:`query_from_state` is its inverse.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..model import DEFAULT_MODEL_ID, ModelDataError, load_bundled_models, load_model

__all__ = ["RANGES", "F4_RANGES", "STEP_DEG", "ExplorerState", "state_from_query", "query_from_state",
           "loadable_models"]

# slider ranges, degrees: (min, max)
RANGES = {"flexion": (-20.0, 120.0), "adduction": (-30.0, 30.0), "rotation": (-45.0, 45.0)}
# the figure-4 explainer's final pose (stretches tab): its sliders' ranges; absent = the 'figure4' pose of poses.json
F4_RANGES = {"f4_flexion": (0.0, 120.0), "f4_adduction": RANGES["adduction"], "f4_rotation": RANGES["rotation"]}
STEP_DEG = 0.5
from ..limits import MAX_MUSCLES  # noqa: E402 - the one budget (hipmodel/limits.py)
NERVE_TYPES = ("A", "B", "C", "D", "E", "F")
# the app's tabs, as they appear in a link (?tab=...), in order
TABS = ("explorer", "context", "nerve", "stretches", "questions")
# the explorer's anatomy views, as they appear in a link (?view=...) -> their labels on the page
ANATOMY_VIEWS = {"3d": "3-D: drag flexion in your browser", "2d": "From behind, the side and above"}


@dataclass(frozen=True)
class ExplorerState:
    model: str = DEFAULT_MODEL_ID
    muscles: tuple[str, ...] = ("piriformis",)
    flexion: float = 0.0
    adduction: float = 0.0
    rotation: float = 0.0
    nerve: str = "A"
    tab: str = "explorer"
    question: str = ""  # a question id from hipmodel.questions, shown on the questions tab
    view: str = "3d"  # the explorer's anatomy: the 3-D hip or the 2-D views
    # the figure-4 explainer's final pose; None = the default (the 'figure4' pose of data/poses.json)
    f4_flexion: float | None = None
    f4_adduction: float | None = None
    f4_rotation: float | None = None
    extra: dict = field(default_factory=dict, compare=False)


_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,+-")


def _quote(value, limit: int = 40) -> str:
    """A URL value made safe to echo in a notice: short, no markup characters, and no dot
    except between digits (Markdown turns a bare ``www.example.com`` into a link)."""
    text = "".join(c if c in _SAFE else "?" for c in str(value)[:limit])
    return re.sub(r"\.(?!(?<=\d\.)\d)", "?", text)


def _first(value):
    if isinstance(value, (list, tuple)):
        return value[-1] if value else None
    return value


def _angle(raw, name, notices):
    lo, hi = {**RANGES, **F4_RANGES}[name]
    if raw is None:
        return 0.0
    text = str(raw).strip()[:40]
    try:
        v = float(text)
        text = _quote(text)
    except ValueError:
        text = _quote(text)
        notices.append(f"{name}: '{text}' is not a number; using 0 (allowed {lo:g} to {hi:g} deg)")
        return 0.0
    if not math.isfinite(v):
        notices.append(f"{name}: '{text}' is not a finite number; using 0 (allowed {lo:g} to {hi:g} deg)")
        return 0.0
    if v < lo or v > hi:
        near = min(max(v, lo), hi)
        notices.append(f"{name}: {v:g} is outside {lo:g} to {hi:g} deg; using {near:g}")
        v = near
    return round(v / STEP_DEG) * STEP_DEG + 0.0


def _choice(raw, name: str, allowed, default: str, why: str, notices: list, upper: bool = False) -> str:
    """One of ``allowed`` from a URL value, else ``default`` and a notice ending in ``why``."""
    if raw is None:
        return default
    key = str(raw).strip()[:60]
    key = key.upper() if upper else key.lower()
    if key in allowed:
        return key
    notices.append(f"{name}: '{_quote(key)}' {why}")
    return default


def state_from_query(params) -> tuple[ExplorerState, list[str]]:
    """A valid state from query parameters, and notices for what was corrected.

    Parameters
    ----------
    params : mapping of str to str (or list of str)
        Missing keys take their defaults silently.
    """
    notices: list[str] = []
    get = lambda k: _first(params.get(k)) if hasattr(params, "get") else None  # noqa: E731

    usable, broken = loadable_models()
    if not usable:
        raise ModelDataError("no model file in data/ could be loaded: " + "; ".join(broken.values()))
    default = DEFAULT_MODEL_ID if DEFAULT_MODEL_ID in usable else usable[0]
    model_id = default
    raw_model = get("model")
    if raw_model is not None:
        key = str(raw_model).strip().lower()[:60]
        if key in usable:
            model_id = key
        elif key in broken:
            notices.append(f"model: {key} could not be loaded; using {default}")
        else:
            notices.append(f"model: '{_quote(key)}' is not one of {', '.join(usable)}; using {default}")
    model = load_model(model_id)

    muscles: list[str] = []
    raw_muscles = get("muscles")
    if raw_muscles is not None:
        for name in str(raw_muscles).split(",")[:MAX_MUSCLES * 2]:
            name = name.strip()[:60]
            if not name:
                continue
            try:
                mid = model.muscle(name).id
            except KeyError:
                notices.append(f"muscles: '{_quote(name)}' is not a muscle of {model_id}; left out")
                continue
            if mid not in muscles:
                muscles.append(mid)
        muscles = muscles[:MAX_MUSCLES]
    if not muscles:
        fallback = (model.piriformis or model.muscles[0]).id
        if raw_muscles is not None:
            notices.append(f"muscles: none valid; showing {fallback}")
        muscles = [fallback]

    nerve = _choice(get("nerve"), "nerve", NERVE_TYPES, "A", "is not a type A-F; using A", notices, upper=True)
    tab = _choice(get("tab"), "tab", TABS, "explorer", f"is not one of {', '.join(TABS)}; showing explorer",
                  notices)
    view = _choice(get("view"), "view", tuple(ANATOMY_VIEWS), "3d", "is not 3d or 2d; showing 3d", notices)
    question = ""
    if get("q") is not None:
        from ..questions import question_ids  # here, not at the top: the URL rarely names one

        question = _choice(get("q"), "q", question_ids(), "", "is not a question id; ignored", notices)
        if question and get("tab") is None:
            tab = "questions"  # a link to a question opens it
        elif question and tab != "questions":
            notices.append(f"q: a question is shown on the questions tab only, not on {tab}; ignored")
            question = ""

    state = ExplorerState(
        model=model_id,
        muscles=tuple(muscles),
        flexion=_angle(get("flexion"), "flexion", notices),
        adduction=_angle(get("adduction"), "adduction", notices),
        rotation=_angle(get("rotation"), "rotation", notices),
        nerve=nerve,
        tab=tab,
        question=question,
        view=view,
        **{k: (None if get(k) is None else _angle(get(k), k, notices)) for k in F4_RANGES},
    )
    return state, notices


def loadable_models() -> tuple[list[str], dict[str, str]]:
    """Bundled model ids that load, and the error of each one that does not."""
    usable, broken = load_bundled_models()
    return list(usable), broken


def query_from_state(state: ExplorerState) -> dict[str, str]:
    """The query parameters that reproduce ``state``."""
    return {
        "model": state.model,
        "muscles": ",".join(state.muscles),
        "flexion": f"{state.flexion:g}",
        "adduction": f"{state.adduction:g}",
        "rotation": f"{state.rotation:g}",
        "nerve": state.nerve,
    } | ({"tab": state.tab} if state.tab != "explorer" else {}) | ({"view": state.view} if state.view != "3d" else {}) | (
        {"q": state.question} if state.tab == "questions" and state.question else {}) | {
        k: f"{getattr(state, k):g}" for k in F4_RANGES if getattr(state, k) is not None}
