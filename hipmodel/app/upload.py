"""Opening an OpenSim .osim in the app: the sidebar's upload, the session's own models.

An uploaded file is parsed from its bytes (hipmodel.osim.read_osim, at most
``MAX_UPLOAD_BYTES``) into a Model kept in this session's ``st.session_state`` only: it is
never written to disk (nor into data/), and no other session can choose it (its id is not
in their model list; the id holds a hash of the name and bytes, so a cached computation
keyed by it can only ever be the same file's). One upload is kept at a time. A page link
cannot carry an upload: the link then holds the pose only, and the page says so.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import streamlit as st

import hipmodel as hm
from ..model import DEFAULT_MODEL_ID, Model, ModelDataError

__all__ = ["UPLOAD_PREFIX", "MAX_UPLOAD_BYTES", "SESSION_KEY", "is_upload", "parse_upload", "app_model",
           "uploaded_ids", "upload_section", "link_params"]

UPLOAD_PREFIX = "upload-"
SESSION_KEY = "_uploaded_models"  # {model id: Model}; this session's only
ERROR_KEY = "_upload_error"
KNEE_KEY = "upload_knee"  # the knee flexion (deg) the upload's two-joint muscles are read at
WIDGET_KEY = "osim_upload"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the reader's own cap (hipmodel.osim.MAX_BYTES)


def is_upload(model_id: str | None) -> bool:
    return str(model_id or "").startswith(UPLOAD_PREFIX)


def parse_upload(data: bytes, file_name: str, knee_flexion_deg: float | None = None) -> tuple[Model | None, str]:
    """An uploaded file's bytes as a Model with an upload id, or ``(None, one-line error)``;
    muscles that also cross the knee are read at ``knee_flexion_deg`` (default: the file's).

    Pure (no Streamlit): the same function the sidebar's upload handler calls.
    """
    from ..osim import MAX_BYTES
    from ..osim.as_model import load_osim_model

    name = str(file_name or "upload.osim").replace("\n", " ")[:120]
    try:
        if not name.lower().endswith(".osim"):
            return None, f"{name}: not an .osim file (only OpenSim .osim models can be opened here)"
        cap = min(MAX_BYTES, MAX_UPLOAD_BYTES)
        if len(data) > cap:
            return None, f"{name}: {len(data)} bytes; an .osim file may be at most {cap} bytes"
        model = load_osim_model(bytes(data), name=name, cap=cap, knee_flexion_deg=knee_flexion_deg)
    except (ModelDataError, ValueError, KeyError) as e:
        return None, " ".join(str(e).split())
    except Exception as e:  # noqa: BLE001 - a broken upload must never take the page down
        return None, f"{name}: could not be read ({type(e).__name__})"
    knee = b"" if knee_flexion_deg is None else f"\0knee={float(knee_flexion_deg)!r}".encode()
    digest = hashlib.sha256(name.encode() + b"\0" + bytes(data) + knee).hexdigest()[:12]
    return replace(model, id=f"{UPLOAD_PREFIX}{digest}", name=f"Uploaded: {model.name} ({name})"), ""


def app_model(model_id: str) -> Model:
    """The model the app shows: this session's upload, or a bundled model (hm.load_model)."""
    if is_upload(model_id):
        model = st.session_state.get(SESSION_KEY, {}).get(model_id)
        if model is None:
            raise KeyError("the uploaded model is not in this session any more; open the .osim file again")
        return model
    return hm.load_model(model_id)


def uploaded_ids() -> list[str]:
    return list(st.session_state.get(SESSION_KEY, {}))


def _on_upload() -> None:
    """The uploader's callback (before the sidebar is drawn, so it may choose the model)."""
    from .memory import on_model_change

    f = st.session_state.get(WIDGET_KEY)
    st.session_state.pop(ERROR_KEY, None)
    was = st.session_state.get("model")
    if f is None:  # the file was removed: forget it
        st.session_state.pop(SESSION_KEY, None)
        if is_upload(was):
            st.session_state["model"] = DEFAULT_MODEL_ID
            on_model_change()
        return
    size = getattr(f, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        st.session_state[ERROR_KEY] = f"{f.name}: {size} bytes; an .osim file may be at most {MAX_UPLOAD_BYTES} bytes"
        return
    st.session_state.pop(KNEE_KEY, None)  # a new file starts at its own knee angle
    _open(f, None)


def _open(f, knee_flexion_deg) -> None:
    from .memory import on_model_change

    model, err = parse_upload(f.getvalue(), f.name, knee_flexion_deg)
    if model is None:
        st.session_state[ERROR_KEY] = err
        return
    st.session_state[SESSION_KEY] = {model.id: model}
    st.session_state["model"] = model.id
    on_model_change()


def _on_knee() -> None:
    """The knee angle for the two-joint muscles changed: read the same file again at it."""
    f = st.session_state.get(WIDGET_KEY)
    st.session_state.pop(ERROR_KEY, None)
    if f is not None:
        _open(f, st.session_state.get(KNEE_KEY))


def upload_section() -> None:
    """The sidebar's upload widget, its error (one line), and what the upload holds."""
    sb = st.sidebar
    sb.file_uploader("Open an OpenSim model (.osim)", type=["osim"], key=WIDGET_KEY, on_change=_on_upload,
                     max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024),
                     help="Read in your browser session only: never saved, never shared. Its hip muscles (with "
                          "wrap cylinders/spheres, conditional and moving points) are computed as OpenSim 4.6 does.")
    if st.session_state.get(ERROR_KEY):
        sb.error(f"Could not open the file: {st.session_state[ERROR_KEY]}")
    for model in st.session_state.get(SESSION_KEY, {}).values():
        imp = model.origin
        if getattr(imp, "two_joint", ()):
            lo, hi = imp.knee_range_deg
            sb.number_input("Knee flexion for the two-joint muscles (deg)", min_value=float(lo), max_value=float(hi),
                            value=float(imp.knee_flexion_deg), step=5.0, key=KNEE_KEY, on_change=_on_knee,
                            help=f"{imp.knee_text[0].upper()}{imp.knee_text[1:]}. Their hip moment arms and "
                                 "lengths depend on the knee: 0 = straight, + = bent.")
        left = list(getattr(imp, "left_out", []))
        wrapped = [m.id for m in model.muscles if m.path is not None]
        with sb.expander(f"{model.name}: {len(model.muscles)} muscles loaded, {len(left)} left out"):
            st.markdown("**Loaded** (computed as OpenSim does" + ("; * = over a wrap surface or with "
                        "conditional/moving points" if wrapped else "") + "): "
                        + ", ".join(f"{m.id}{' *' if m.path is not None else ''}" for m in model.muscles))
            if getattr(imp, "knee_text", ""):
                st.markdown(f"**Two-joint muscles**: {imp.knee_text}.")
            if model.wraps:
                st.markdown("**Wrap surfaces**: " + "; ".join(
                    f"{w.name} ({w.kind} on the {w.body}, radius {w.radius_m * 1000:.1f} mm)" for w in model.wraps))
            if left:
                st.markdown("**Left out, and why**")
                st.dataframe([{"muscle": n, "reason": r} for n, r in left], hide_index=True, width="stretch")


def link_params(params: dict, model_id: str) -> dict:
    """The link's query parameters: an upload cannot travel in a link, so it keeps the pose only."""
    if not is_upload(model_id):
        return params
    return {k: v for k, v in params.items() if k not in ("model", "muscles")}
