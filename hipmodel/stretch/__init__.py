"""Stretch positions and muscle length: why the figure-4 stretch works, in numbers.

Numpy only; angles in degrees (+ flexion, + adduction, + internal rotation), lengths in mm.

* :mod:`.poses`: the named poses of ``data/poses.json``, validated;
* :mod:`.maths`: length change against standing, the length map, which rotation
  lengthens the muscle and where that flips, the longest muscle in a joint-range box;
* :mod:`.steps`: the figure-4 stretch step by step, with a sentence per step.
"""

from .maths import (
    LengthChange,
    LengthMap,
    LongestResult,
    PoseResult,
    length_change,
    length_map,
    length_slope_mm_per_deg,
    lengthening_rotation,
    longest_length,
    pose_table,
    rotation_flip_angles,
    standing_length_mm,
    switch_line,
)
from .poses import (
    POSE_CATEGORIES,
    POSE_FLAGS,
    POSES_FILE,
    NamedPose,
    PoseFileError,
    find_pose,
    load_poses,
    load_poses_file,
    poses_from_json,
)
from .steps import Figure4Step, figure4_final_pose, figure4_steps

__all__ = [
    "POSES_FILE", "POSE_FLAGS", "POSE_CATEGORIES", "PoseFileError", "NamedPose", "poses_from_json",
    "load_poses_file", "load_poses", "find_pose", "LengthChange", "standing_length_mm", "length_change",
    "PoseResult", "pose_table", "LengthMap", "length_map", "length_slope_mm_per_deg", "lengthening_rotation",
    "rotation_flip_angles", "switch_line", "LongestResult", "longest_length", "Figure4Step", "figure4_steps",
    "FIGURE4_FINAL_POSE", "figure4_final_pose",
]


def __getattr__(name: str):
    if name == "FIGURE4_FINAL_POSE":  # the 'figure4' pose of data/poses.json, read when asked
        return figure4_final_pose()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
