"""The hip in 3-D for the browser: a plotly figure whose own slider plays flexion with no server.

Every pose of the sweep (by default every 2 deg from -20 to 120 deg at one rotation and
adduction) is computed here in one vectorised pass and stored in the figure as an
animation frame: the femur mesh, each muscle's path, its lever (the rotation moment arm
drawn to length on the femur's rotation axis, coloured by action), the axis, and a marker
on the linked moment-arm curve, with the value and the action written in the title. The
browser (plotly.js, which Streamlit ships) swaps frames as the slider is dragged.

Coordinates on screen: millimetres from the hip centre, X lateral (the pelvis frame's z),
Y anterior (x), Z superior (y): a right-handed frame with Z up, as plotly's camera expects.
Arrays go into the figure as float32 numpy arrays, which plotly serialises compactly.
"""

from __future__ import annotations

import base64
import textwrap
from dataclasses import dataclass

import numpy as np

from ..bones import bones_or_none, posed_vertices_m
from ..kinematics import check_angle, joint_axes
from ..lever import rotation_lever
from ..mechanics import moment_arms_m, path_points_m
from ..surfaces import Surface, wrap_surfaces
from ..words import ALMOST_NO_LEVER_MM, lever_words
from .style import AXIS_COLOUR, EXTERNAL_COLOUR, INTERNAL_COLOUR, NO_LEVER_COLOUR, PALETTE

__all__ = ["DEFAULT_STEP_DEG", "PLOTLY_CONFIG", "Hip3dFrames", "hip3d_frames", "hip3d_figure", "hip3d_html", "hip3d_spec", "spec_at", "credits_text",
           "to_screen"]

DEFAULT_STEP_DEG = 2.0
BONE_RGB = "rgb(237,224,194)"
BONE_OPACITY = 1.0  # the pelvis opaque: two see-through meshes sort badly in WebGL
FEMUR_OPACITY = 0.55  # the femur see-through: the lever lies inside its neck, and the pelvis shows behind it
WRAP_RGB = "rgb(140,191,242)"  # wrap surfaces of an imported OpenSim model
# plotly's toolbar cut to a picture download and a camera reset: the full bar covered the title's
# first line in a narrow column; the mouse still turns (drag) and zooms (wheel) the hip
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": [
    "zoom3d", "pan3d", "orbitRotation", "tableRotation", "resetCameraLastSave3d", "hoverClosest3d",
    "zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "resetScale2d",
    "hoverClosestCartesian", "hoverCompareCartesian", "toggleSpikelines", "sendDataToCloud", "sendChartToCloud", "editInChartStudio"]}


def to_screen(p_m, hip_m) -> np.ndarray:
    """Pelvis-frame points (m) -> screen (mm from the hip centre): X lateral, Y anterior, Z superior."""
    q = (np.asarray(p_m, float) - np.asarray(hip_m, float)) * 1000.0
    return np.stack([q[..., 2], q[..., 0], q[..., 1]], axis=-1)


def _colour(ma_mm: float) -> str:
    if abs(ma_mm) < ALMOST_NO_LEVER_MM:
        return NO_LEVER_COLOUR
    return INTERNAL_COLOUR if ma_mm > 0 else EXTERNAL_COLOUR


@dataclass(frozen=True)
class Hip3dFrames:
    """Every pose of the sweep, on screen (mm). F flexion angles, M muscles.

    flexion_deg : (F,)   femur : (F, n, 3)   axis : (F, 2, 3)
    paths : list of M arrays (F, k, 3)   levers : (M, F, 2, 3)   reach : (M, F, 3)
    moment_arm_mm : (M, F) signed rotation moment arm
    """

    flexion_deg: np.ndarray
    adduction_deg: float
    rotation_deg: float
    femur: np.ndarray | None
    femur_triangles: np.ndarray | None
    pelvis: list
    axis: np.ndarray
    names: list
    paths: list
    levers: np.ndarray
    reach: np.ndarray
    moment_arm_mm: np.ndarray
    credit: str
    wraps: tuple = ()  # hipmodel.surfaces.Surface over all F poses (vertices (F, n, 3))


def hip3d_frames(model, muscle_ids, adduction_deg: float = 0.0, rotation_deg: float = 0.0,
                 flexion_deg=None) -> Hip3dFrames:
    """Compute every frame in one pass (each array over all flexion angles at once)."""
    add = check_angle(adduction_deg, "adduction")
    rot = check_angle(rotation_deg, "rotation")
    flex = np.arange(-20.0, 120.0 + 1e-9, DEFAULT_STEP_DEG) if flexion_deg is None else np.asarray(flexion_deg, float)
    hip = model.hip_centre
    bones, _ = bones_or_none(model)
    femur = tri = None
    pelvis = []
    credit = ""
    if bones is not None:
        credit = bones.credit
        for b in bones.bones:
            if b.body == "pelvis":
                pelvis.append((b.name, to_screen(b.vertices_m, hip), np.asarray(b.triangles)))
            elif femur is None:
                femur = to_screen(posed_vertices_m(b, model, flex, add, rot), hip)
                tri = np.asarray(b.triangles)
    u = joint_axes(flex, add, rot)[..., 2, :]  # (F, 3)
    knee_y = float(np.asarray(model.knee_centre_m)[1])
    axis = to_screen(hip + np.stack([0.06 * u, knee_y * u], axis=1), hip)
    names, paths, levers, reach, mas = [], [], [], [], []
    for mid in muscle_ids:
        mu = model.muscle(mid)
        names.append(mu.name)
        paths.append(to_screen(path_points_m(model, mu, flex, add, rot), hip))
        lev = rotation_lever(model, mu, flex, add, rot)
        levers.append(to_screen(np.stack([lev.foot_m, lev.tip_m], axis=1), hip))
        reach.append(to_screen(lev.reach_m, hip))
        mas.append(moment_arms_m(model, mu, flex, add, rot)[..., 2] * 1000.0)
    wraps = tuple(Surface(w.name, w.kind, w.body, to_screen(w.vertices_m, hip), w.triangles)
                  for w in wrap_surfaces(model, muscle_ids, flex, add, rot))
    return Hip3dFrames(flex, add, rot, femur, tri, pelvis, axis, names, paths, np.array(levers), np.array(reach),
                       np.array(mas), credit, wraps)


def _title(fr: Hip3dFrames, i: int, model_name: str) -> str:
    parts = [f"{n}: {fr.moment_arm_mm[m, i]:+.1f} mm, {lever_words(fr.moment_arm_mm[m, i])}"
             for m, n in enumerate(fr.names[:3])]
    return (f"<b>Flexion {fr.flexion_deg[i]:g}\u00b0</b>, adduction {fr.adduction_deg:g}\u00b0, rotation "
            f"{fr.rotation_deg:g}\u00b0<br>{model_name}<br>" + "<br>".join(parts))


def _f32(a) -> dict:
    """A float array as plotly.js's typed-array spec (base64 float32): small and fast to write."""
    a = np.ascontiguousarray(a, dtype="<f4")
    return {"dtype": "f4", "bdata": base64.b64encode(a.tobytes()).decode("ascii")}


def _ijk(t) -> dict:
    return dict(i=_i32(t[:, 0]), j=_i32(t[:, 1]), k=_i32(t[:, 2]))


def _i32(a) -> dict:
    a = np.ascontiguousarray(a, dtype="<i4")
    return {"dtype": "i4", "bdata": base64.b64encode(a.tobytes()).decode("ascii")}


def _xyz(v) -> dict:
    v = np.asarray(v)
    return dict(x=_f32(v[..., 0]), y=_f32(v[..., 1]), z=_f32(v[..., 2]))


def _moving_traces(fr: Hip3dFrames, i: int) -> list:
    """The parts that change with flexion, in a fixed order (femur, axis, then per muscle: path,
    lever, dotted rest, marker on the curve), as the plain dicts a frame carries."""
    out = []
    if fr.femur is not None:
        out.append(_xyz(fr.femur[i]))
    out += [_xyz(w.vertices_m[i]) for w in fr.wraps if w.body == "femur"]
    out.append(_xyz(fr.axis[i]))
    for m in range(len(fr.names)):
        lev, c = fr.levers[m, i], _colour(fr.moment_arm_mm[m, i])
        out.append(_xyz(fr.paths[m][i]))
        out.append({**_xyz(lev), "line": {"color": c}, "marker": {"color": c}})
        out.append({**_xyz(np.array([lev[1], fr.reach[m, i]])), "line": {"color": c}})
        out.append({"x": [float(fr.flexion_deg[i])], "y": [round(float(fr.moment_arm_mm[m, i]), 2)],
                    "marker": {"color": c}})
    return out


_LIGHTING = dict(ambient=0.45, diffuse=0.7, specular=0.08, roughness=0.9)


def _traces(fr: Hip3dFrames, start: int) -> tuple[list, list]:
    """Every trace at the starting frame, and the indices of those that the frames update."""
    data = [dict(type="mesh3d", **_xyz(v), i=_i32(t[:, 0]), j=_i32(t[:, 1]), k=_i32(t[:, 2]), color=BONE_RGB, opacity=BONE_OPACITY, flatshading=False,
                 hoverinfo="skip", name=name, lighting=_LIGHTING) for name, v, t in fr.pelvis]
    data += [dict(type="mesh3d", **_xyz(w.vertices_m[0]), **_ijk(w.triangles), color=WRAP_RGB, opacity=0.35,
                  hoverinfo="skip", name=f"wrap surface {w.name}") for w in fr.wraps if w.body != "femur"]
    moving = _moving_traces(fr, start)
    first, k = len(data), 0
    if fr.femur is not None:
        t = fr.femur_triangles
        data.append(dict(type="mesh3d", **moving[0], i=_i32(t[:, 0]), j=_i32(t[:, 1]), k=_i32(t[:, 2]), color=BONE_RGB,
                         opacity=FEMUR_OPACITY, flatshading=False, hoverinfo="skip", name="femur", lighting=_LIGHTING))
        k = 1
    for w in (w for w in fr.wraps if w.body == "femur"):
        data.append(dict(type="mesh3d", **moving[k], **_ijk(w.triangles), color=WRAP_RGB, opacity=0.35,
                         hoverinfo="skip", name=f"wrap surface {w.name}"))
        k += 1
    data.append(dict(type="scatter3d", **moving[k], mode="lines", hoverinfo="skip", name="femur's rotation axis",
                     line=dict(color=AXIS_COLOUR, width=4, dash="dashdot")))
    k += 1
    for m, mname in enumerate(fr.names):
        colour = PALETTE[m % len(PALETTE)]
        path, lever, rest, mark = moving[k:k + 4]
        data.append(dict(type="scatter3d", **path, mode="lines+markers", name=mname, hoverinfo="name",
                         line=dict(color=colour, width=9), marker=dict(size=3, color=colour)))
        # dots at both ends: a lever of a few millimetres is still found at a glance
        data.append({**lever, "type": "scatter3d", "mode": "lines+markers", "hoverinfo": "skip", "name": f"{mname}: lever",
                     "line": {**lever["line"], "width": 12}, "marker": {**lever["marker"], "size": 5}})
        data.append({**rest, "type": "scatter3d", "mode": "lines", "hoverinfo": "skip",
                     "name": f"{mname}: on to the line of pull", "line": {**rest["line"], "width": 3, "dash": "dot"}})
        data.append({**mark, "type": "scatter", "mode": "markers", "name": f"{mname} now", "hoverinfo": "x+y",
                     "marker": {**mark["marker"], "size": 11, "line": {"color": "black", "width": 1}}})
        k += 4
    moving_idx = list(range(first, len(data)))
    data.append(dict(type="scatter", x=[-20, 120], y=[0, 0], mode="lines", hoverinfo="skip",
                     line=dict(color="#999999", width=1)))
    for m, mname in enumerate(fr.names):
        data.append(dict(type="scatter", x=_f32(fr.flexion_deg), y=_f32(fr.moment_arm_mm[m]), mode="lines",
                         name=f"{mname} (curve)", line=dict(color=PALETTE[m % len(PALETTE)], width=3),
                         hovertemplate="%{x:.0f}\u00b0: %{y:+.1f} mm<extra></extra>"))
    return data, moving_idx


def hip3d_spec(model, muscle_ids, adduction_deg: float = 0.0, rotation_deg: float = 0.0,
               flexion_deg: float = 0.0, frames: Hip3dFrames | None = None, arrangement: str = "wide") -> dict:
    """The interactive 3-D hip with its own flexion slider, as the dict plotly.js draws.

    Built from plain dicts, not plotly objects (their validation costs seconds for 71
    frames); :func:`hip3d_figure` gives a validated Figure for scripts.

    Parameters
    ----------
    flexion_deg : float   the frame shown first (the nearest angle of the sweep)
    frames : Hip3dFrames, optional   reuse a computed sweep
    arrangement : {'wide', 'tall'}   the curve beside the 3-D view (a page), or below it (a column)
    """
    if arrangement not in ("wide", "tall"):
        raise ValueError(f"arrangement: must be 'wide' or 'tall', got {arrangement!r}")
    tall = arrangement == "tall"
    fr = frames or hip3d_frames(model, muscle_ids, adduction_deg, rotation_deg)
    start = int(np.argmin(np.abs(fr.flexion_deg - check_angle(flexion_deg, "flexion"))))
    name = model.name.split(" (")[0]
    data, moving_idx = _traces(fr, start)
    frames = [dict(name=f"{f:g}", data=_moving_traces(fr, i), traces=moving_idx,
                   layout=dict(title=dict(text=_title(fr, i, name)))) for i, f in enumerate(fr.flexion_deg)]
    steps = [dict(method="animate", label=f"{f:g}",
                  args=[[f"{f:g}"], dict(mode="immediate", frame=dict(duration=0, redraw=True),
                                         transition=dict(duration=0))]) for f in fr.flexion_deg]
    axis_style = dict(showbackground=False, showgrid=False, zeroline=False, showticklabels=False, showspikes=False,
                      title=dict(text=""))
    lever_note = ("Lever: the rotation moment arm drawn to length on the femur's rotation axis (dash-dot): blue "
                  "external, vermillion internal, grey under 1 mm; dotted: on to the line of pull. Turn the hip with the "
                  "mouse or a finger.")
    two = [model.muscle(m).id for m in muscle_ids if model.muscle(m).id in getattr(model.origin, "two_joint", ())]
    if two:  # an imported .osim's hamstrings etc. hold at one knee angle
        lever_note += (f" The knee is held at {model.origin.knee_flexion_deg:g}\u00b0 of flexion for {', '.join(two)} "
                       "(crossing the knee too).")
    # a page carries every credit inside the figure; in the app the model's citation is written under it
    credit = "<br>".join(textwrap.wrap(f"{lever_note} {fr.credit}." if tall else
                                       f"{lever_note} Geometry: {model.citation()}. {fr.credit}.", 50 if tall else 70))
    if tall:  # 3-D on top, the curve below it, the slider under both, the credits last
        boxes = dict(scene=([0.0, 1.0], [0.47, 1.0]), x=[0.1, 1.0], y=[0.27, 0.41], slider=(0.0, 1.0, 0.175),
                     credit=(0.0, 0.085), legend=(0.1, 0.445), height=960, title_h=115)
    else:
        boxes = dict(scene=([0.0, 0.6], [0.14, 1.0]), x=[0.66, 1.0], y=[0.36, 0.92], slider=(0.0, 0.6, 0.12),
                     credit=(0.62, 0.2), legend=(0.66, 0.97), height=640, title_h=80)
    bottom = 75 if not tall else 20
    if tall:  # the credits hang below the slider: grow the bottom margin (and the figure) to hold every line
        plot_h = boxes["height"] - boxes["title_h"] - bottom
        need = (credit.count("<br>") + 1) * 15.5 - (boxes["credit"][1] * plot_h + bottom) + 8
        if need > 0:
            bottom += int(np.ceil(need))
            boxes["height"] += int(np.ceil(need))
    layout = dict(
        height=boxes["height"], margin=dict(l=10, r=10, t=boxes["title_h"], b=bottom), showlegend=False, paper_bgcolor="white",
        plot_bgcolor="white", font=dict(family="Arial, sans-serif", color="#222222"),
        uirevision="hip3d",  # keep the user's camera when the figure is updated
        title=dict(text=_title(fr, start, name), x=0.01, xanchor="left", y=0.985, font=dict(size=14)),
        sliders=[dict(active=start, steps=steps, x=boxes["slider"][0], len=boxes["slider"][1], y=boxes["slider"][2],
                      yanchor="top", pad=dict(t=0, b=0),
                      # tick labels only every 20 deg would need empty step labels, which the value
                      # display reads: in a column the labels are hidden and the value is written above
                      font=dict(size=9, color="rgba(0,0,0,0)" if tall else "#444444"), currentvalue=dict(prefix="Hip flexion (drag the slider): ", suffix="\u00b0",
                                                           font=dict(size=14, color="#222222")))],
        scene=dict(domain=dict(x=boxes["scene"][0], y=boxes["scene"][1]), aspectmode="manual",
                   aspectratio=dict(x=1.0, y=1.0, z=1.2),
                   xaxis=dict(range=[-250, 150], **axis_style), yaxis=dict(range=[-180, 220], **axis_style),
                   zaxis=dict(range=[-300, 180], **axis_style),
                   camera=dict(eye=dict(x=1.25, y=-0.85, z=0.4), center=dict(x=0, y=0, z=0.1), up=dict(x=0, y=0, z=1))),
        xaxis=dict(title=dict(text="hip flexion (deg)"), range=[-22, 122], domain=boxes["x"], anchor="y",
                   gridcolor="#E5E5E5", linecolor="#888888"),
        yaxis=dict(title=dict(text="rotation moment arm (mm), + internal"), zeroline=False, domain=boxes["y"],
                   anchor="x", gridcolor="#E5E5E5", linecolor="#888888"),
        annotations=[
            dict(text=credit, xref="paper", yref="paper", x=boxes["credit"][0], y=boxes["credit"][1], yanchor="top", showarrow=False,
                 align="left", xanchor="left", font=dict(size=11.5 if tall else 10.5, color="#444444")),
            dict(text=" / ".join(f"<span style='color:{PALETTE[m % len(PALETTE)]}'>\u2501</span> {n}"
                                 for m, n in enumerate(fr.names)),
                 xref="paper", yref="paper", x=boxes["legend"][0], y=boxes["legend"][1], showarrow=False,
                 xanchor="left", font=dict(size=12)),
        ],
    )
    return {"data": data, "layout": layout, "frames": frames}


def spec_at(spec: dict, flexion_deg: float) -> dict:
    """A shallow copy of ``spec`` that opens at the frame nearest ``flexion_deg`` (frames shared)."""
    f = check_angle(flexion_deg, "flexion")
    frames = spec["frames"]
    names = np.array([float(fr["name"]) for fr in frames])
    i = int(np.argmin(np.abs(names - f)))
    frame = frames[i]
    data = list(spec["data"])
    for idx, upd in zip(frame["traces"], frame["data"]):
        merged = {**data[idx], **upd}
        for key in ("line", "marker"):
            if key in upd and key in data[idx]:
                merged[key] = {**data[idx][key], **upd[key]}
        data[idx] = merged
    layout = dict(spec["layout"])
    layout["title"] = {**layout["title"], **frame["layout"]["title"]}
    layout["sliders"] = [{**layout["sliders"][0], "active": i}]
    return {"data": data, "layout": layout, "frames": frames}


def hip3d_figure(model, muscle_ids, adduction_deg: float = 0.0, rotation_deg: float = 0.0,
                 flexion_deg: float = 0.0, frames: Hip3dFrames | None = None, arrangement: str = "wide"):
    """:func:`hip3d_spec` as a validated ``plotly.graph_objects.Figure`` (slower: for scripts)."""
    import plotly.graph_objects as go

    return go.Figure(hip3d_spec(model, muscle_ids, adduction_deg, rotation_deg, flexion_deg, frames, arrangement))


def hip3d_html(spec: dict, title: str = "hipmodel: the hip in 3-D", credits: str = "") -> str:
    """One self-contained HTML page of a spec (plotly.js inside: it opens with no network).

    ``credits`` (plain text: the model's and the meshes' sources) is also written under the
    figure as text a reader can select; the figure itself carries them in its caption.
    """
    import html as html_mod

    import plotly.io as pio

    page = pio.to_html(spec, include_plotlyjs=True, full_html=True, auto_play=False, validate=False,
                       config=dict(PLOTLY_CONFIG, responsive=True))
    page = page.replace("<head>", f"<head><title>{html_mod.escape(title)}</title>", 1)
    if credits:
        note = f'<p style="font:12px Arial,sans-serif;color:#444">{html_mod.escape(credits)}</p>'
        page = page.replace("</body>", note + "</body>", 1)
    return page


def credits_text(model) -> str:
    """The sources of a 3-D figure in one plain sentence: the model geometry and the bone meshes."""
    bones, error = bones_or_none(model)
    meshes = bones.credit if bones is not None else f"no bone meshes ({error})"
    return (f"Made with hipmodel. Muscle geometry: {model.citation()}. {meshes}. Lever: the rotation moment arm "
            "drawn to length on the femur's rotation axis.")
