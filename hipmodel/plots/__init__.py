"""Figures: functions that take plain values and return ``matplotlib.figure.Figure``.

The only package that imports matplotlib. Never pyplot: a Figure built directly holds
no global state, so many users of one server process cannot step on each other.

* :mod:`.style`: palette (Okabe-Ito; blue = external, vermillion = internal rotation), bytes;
* :mod:`.anatomy`: the pelvis, femur and muscles at a pose, with the axis and the levers;
* :mod:`.curves`: the moment arm against flexion, and the switch in context;
* :mod:`.blit`: the cached fast path for figures redrawn on every slider move;
* :mod:`.nerve`: the sciatic nerve variants (:mod:`.prevalence`: their chart); :mod:`.stretch`: length map, figure-4 steps;
* :mod:`.answers`: the figure with each answer, and an answer's export.
"""

from .anatomy import VIEWS, anatomy_figure, anatomy_png, draw_anatomy, nerve_overlay
from .answers import answer_figure, answer_figure_caption, answer_zip, export_answer
from .curves import moment_arm_figure, moment_arm_png, switch_context_figure
from .nerve import (
    all_variants_figure,
    all_variants_figure_from_data,
    draw_nerve_schematic,
    prevalence_figure,
    prevalence_figure_from_data,
    variant_figure,
    variant_figure_from_data,
)
from .figure4 import figure4_steps_figure
from .stretch import length_map_figure, length_map_figure_for, poses_bar_figure
from .style import EXTERNAL_COLOUR, INTERNAL_COLOUR, PALETTE, figure_bytes

__all__ = [
    "EXTERNAL_COLOUR", "INTERNAL_COLOUR", "PALETTE", "VIEWS", "figure_bytes",
    "draw_anatomy", "anatomy_figure", "anatomy_png", "nerve_overlay",
    "moment_arm_figure", "moment_arm_png", "switch_context_figure",
    "variant_figure", "variant_figure_from_data", "all_variants_figure", "all_variants_figure_from_data",
    "prevalence_figure", "prevalence_figure_from_data", "draw_nerve_schematic",
    "length_map_figure", "length_map_figure_for", "figure4_steps_figure", "poses_bar_figure",
    "answer_figure", "answer_figure_caption", "export_answer", "answer_zip",
]
