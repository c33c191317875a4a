"""The joint ranges, slider step and angle grids: typed once, used everywhere.

Degrees throughout. The ranges are the explorer's sliders and the CLI's defaults: the
usual passive range of the hip in the models' convention (see :mod:`hipmodel.kinematics`).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "RANGES", "FLEXION_RANGE", "ADDUCTION_RANGE", "ROTATION_RANGE", "STEP_DEG",
    "FLEXION_GRID", "ANSWER_FLEXION_RANGE", "ANSWER_GRID", "STRETCH_BOX", "MAP_STEP_DEG", "map_axes",
]

FLEXION_RANGE = (-20.0, 120.0)    # extension to deep flexion
ADDUCTION_RANGE = (-30.0, 30.0)   # + adduction / - abduction
ROTATION_RANGE = (-45.0, 45.0)    # + internal / - external
RANGES = {"flexion": FLEXION_RANGE, "adduction": ADDUCTION_RANGE, "rotation": ROTATION_RANGE}
STEP_DEG = 0.5                    # slider step, and the grid of the curves

# the explorer's curve: every slider step over the whole flexion range (281 angles)
FLEXION_GRID = np.arange(FLEXION_RANGE[0], FLEXION_RANGE[1] + STEP_DEG / 2, STEP_DEG)
# the answers talk about standing to deep flexion
ANSWER_FLEXION_RANGE = (0.0, 120.0)
ANSWER_GRID = np.arange(ANSWER_FLEXION_RANGE[0], ANSWER_FLEXION_RANGE[1] + STEP_DEG / 2, STEP_DEG)
# the joint-range box searched for "the longest piriformis"
STRETCH_BOX = (ANSWER_FLEXION_RANGE, ADDUCTION_RANGE, ROTATION_RANGE)
MAP_STEP_DEG = 2.5                # the switch map over adduction x rotation


def map_axes() -> tuple[np.ndarray, np.ndarray]:
    """Adduction and rotation values of the switch map, degrees, shapes (25,) and (37,)."""
    add = np.arange(ADDUCTION_RANGE[0], ADDUCTION_RANGE[1] + MAP_STEP_DEG / 2, MAP_STEP_DEG)
    rot = np.arange(ROTATION_RANGE[0], ROTATION_RANGE[1] + MAP_STEP_DEG / 2, MAP_STEP_DEG)
    return add, rot
