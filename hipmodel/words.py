"""Every rule that turns a sign into a word, in one place.

The signs are OpenSim's (see :mod:`hipmodel.kinematics`): a moment arm is ``-dL/dq``, so
+ rotation moment arm = internal rotator, + adduction = adductor, + flexion = flexor;
+ rotation angle = internal (the thigh turned in), + adduction = towards the midline.
"""

from __future__ import annotations

import math

__all__ = [
    "ALMOST_NO_LEVER_MM", "lever_words", "ACTION_WORDS", "DIRECTION_WORDS", "action_word", "action_in_words", "rotation_word", "rotation_words",
    "turn_word", "turn_thigh_words", "change_word", "pose_text",
]

# Below this a rotation lever is "almost none": no action is named for it, whatever its sign
# (a moment arm of 0.3 mm turns the thigh with 1% of the force a 30 mm one does).
ALMOST_NO_LEVER_MM = 1.0
# (positive word, negative word) for each axis
ACTION_WORDS = {
    "flexion": ("flexor", "extensor"),
    "adduction": ("adductor", "abductor"),
    "rotation": ("internal rotator", "external rotator"),
}
# what a moment arm changes from -> to when it crosses zero with increasing flexion: (negative, positive)
DIRECTION_WORDS = {
    "rotation": ("external", "internal"),
    "adduction": ("abductor", "adductor"),
    "flexion": ("extensor", "flexor"),
}


def _finite(value, name: str) -> float:
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def action_word(moment_arm_mm: float, axis: str = "rotation", tolerance_mm: float = 0.05) -> str:
    """'internal rotator', 'abductor', ... or 'no rotation action' within ``tolerance_mm`` of zero."""
    v = _finite(moment_arm_mm, "moment arm")
    positive, negative = ACTION_WORDS[axis]
    if abs(v) < tolerance_mm:
        return f"no {axis} action"
    return positive if v > 0 else negative


def action_in_words(moment_arm_mm: float, axis: str = "rotation", tolerance_mm: float = 0.05) -> str:
    """The action a moment arm stands for, e.g. ``'external rotator, 29.2 mm'``.

    Within ``tolerance_mm`` of zero the muscle has no leverage on that axis.
    """
    v = _finite(moment_arm_mm, "moment arm")
    if abs(v) < tolerance_mm:
        return f"no {axis} action (line of pull through the axis), {abs(v):.1f} mm"
    return f"{action_word(v, axis, tolerance_mm)}, {abs(v):.1f} mm"


def rotation_word(angle_or_sign: float) -> str:
    """'internal' for a positive rotation (or moment arm), 'external' for a negative one."""
    return "internal" if _finite(angle_or_sign, "rotation") > 0 else "external"


def rotation_words(sign) -> str:
    """``+1`` -> 'internal rotation', ``-1`` -> 'external rotation', ``0`` -> 'neither'."""
    s = _finite(sign, "rotation")
    return "internal rotation" if s > 0 else "external rotation" if s < 0 else "neither"


def turn_thigh_words(sign) -> str:
    """``+1`` -> 'in (internal rotation)', ``-1`` -> 'out (external rotation)': after "turn the thigh"."""
    s = _finite(sign, "rotation")
    return "in (internal rotation)" if s > 0 else "out (external rotation)" if s < 0 else "neither way"


def turn_word(angle_or_sign: float) -> str:
    """'in' for a positive (internal) rotation, 'out' for a negative one."""
    return "in" if _finite(angle_or_sign, "rotation") > 0 else "out"


def change_word(delta: float) -> str:
    """'lengthens', 'shortens' or 'does not change' for a change of length."""
    d = _finite(delta, "length change")
    return "lengthens" if d > 0 else "shortens" if d < 0 else "does not change"


def pose_text(flexion_deg: float, adduction_deg: float, rotation_deg: float) -> str:
    """A pose in words, e.g. ``'90° flexion, 10° adduction, 45° external rotation'``."""
    f, a, r = (_finite(v, n) for v, n in ((flexion_deg, "flexion"), (adduction_deg, "adduction"),
                                          (rotation_deg, "rotation")))
    flex = f"{f:g}° flexion" if f >= 0 else f"{-f:g}° extension"
    add = f"{a:g}° adduction" if a >= 0 else f"{-a:g}° abduction"
    rot = "neutral rotation" if r == 0 else f"{abs(r):g}° {rotation_word(r)} rotation"
    return f"{flex}, {add}, {rot}"


def lever_words(moment_arm_mm: float) -> str:
    """'external rotator', 'internal rotator', or 'almost no rotation lever' under 1 mm."""
    v = _finite(moment_arm_mm, "moment arm")
    return "almost no rotation lever" if abs(v) < ALMOST_NO_LEVER_MM else action_word(v, "rotation")
