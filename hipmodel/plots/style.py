"""The house style of every figure: the colour-blind-safe palette (Okabe-Ito), the action colours, text wrapping, and the one Figure-to-bytes renderer.

Never pyplot anywhere in plots/: a Figure built directly holds no global state, so many
users of one server process cannot step on each other.
"""

from __future__ import annotations

import io
import numpy as np
from matplotlib.figure import Figure

from ..words import ALMOST_NO_LEVER_MM


# Okabe-Ito. Action colours are reserved: blue = external rotation, vermillion = internal.
EXTERNAL_COLOUR = "#0072B2"


INTERNAL_COLOUR = "#D55E00"


PALETTE = ("#CC79A7", "#009E73", "#E69F00", "#56B4E9", "#000000", "#F0E442")


AXIS_COLOUR = "#555555"
NO_LEVER_COLOUR = "#888888"  # a rotation lever under ALMOST_NO_LEVER_MM: no action named


# Okabe-Ito, plus muscle and bone tones that no nerve colour is confused with
NERVE_COLOURS = {
    "tibial": "#0072B2",          # blue
    "common fibular": "#D55E00",  # vermillion
    "sciatic": "#F0E442",         # yellow, the atlas colour for an undivided nerve
    "nerve_edge": "#1A1A1A",
    "muscle": "#C98B7B",
    "muscle_edge": "#6B3328",
    "muscle_fibre": "#A86A5A",
    "gap": "#4A2A24",
    "bone": "#EEE8DA",
    "bone_edge": "#9C9484",
    "type_a": "#000000",
    "through": "#CC79A7",         # reddish purple
    "any_variant": "#009E73",     # bluish green
    "quoted": "#E69F00",          # orange
}


def action_colour(ma_mm: float) -> str:
    """Vermillion for an internal rotator, blue for an external one, grey under 1 mm."""
    if abs(ma_mm) < ALMOST_NO_LEVER_MM:
        return NO_LEVER_COLOUR
    return INTERNAL_COLOUR if ma_mm > 0 else EXTERNAL_COLOUR


def _encode_png(rgba: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="png", compress_level=1)
    return buf.getvalue()


def wrap_text(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 150) -> bytes:
    """Render a Figure to PNG or SVG bytes."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"format: must be png or svg, got {fmt!r}")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi)
    return buf.getvalue()
