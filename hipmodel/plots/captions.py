"""Caption and footer helpers shared by the stretch and answer figures.
"""

from __future__ import annotations

import textwrap
from matplotlib.figure import Figure
from ..model import Model


def _caption(fig, text: str, width: int = 130, size: float = 8.0) -> None:
    fig.text(0.01, 0.005, textwrap.fill(text, width), ha="left", va="bottom", fontsize=size, color="#333333")


def _reserve(fig: Figure, text: str, width: int, per_line: float = 0.028) -> None:
    """Leave room at the bottom for a caption of ``text`` wrapped at ``width``."""
    bottom = min(0.4, per_line * len(textwrap.wrap(text, width)) + 0.01)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set") and "rect" in engine.get():
        engine.set(rect=(0, bottom, 1, 1 - bottom))
    else:
        fig.subplots_adjust(bottom=max(bottom, fig.subplotpars.bottom + bottom))


def _with_footer(width_in: float, main_in: float, footer_in: float):
    """A figure split into a main part and a footer (legend, pose list, caption), in inches."""
    fig = Figure(figsize=(width_in, main_in + footer_in), layout="constrained")
    main, foot = fig.subfigures(2, 1, height_ratios=[main_in, footer_in])
    return fig, main, foot


def _model_name(model: Model) -> str:
    return model.name + (" [approximate frame alignment]" if model.approximate_frame_alignment else "")
