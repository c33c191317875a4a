"""hipmodel: a geometric model of the hip rotators, after published OpenSim geometry.

>>> import hipmodel
>>> model = hipmodel.load_model("gait2392")
>>> piri = model.muscle("piriformis")
>>> round(float(hipmodel.curves(model, piri, 0.0).rotation_moment_arm_mm), 2)
-29.17

The pose and sign convention is stated once, in :mod:`hipmodel.kinematics`.
The core imports numpy only; figures live in :mod:`hipmodel.figures`.
"""

from .kinematics import COORDINATES, Pose, PoseError, check_angle, joint_axes, rotation_matrix
from .mechanics import (
    MuscleCurves,
    curves,
    curves_for_muscles,
    moment_arms_m,
    moment_arms_numeric_m,
    muscle_length_m,
    path_points_m,
)
from .model import (
    DATA_DIR,
    DEFAULT_MODEL_ID,
    Model,
    ModelDataError,
    Muscle,
    available_model_ids,
    load_model,
    load_model_file,
)
from .words import ACTION_WORDS, action_in_words
from .switch import Switch, sign_change_angles, switch_angle_map

__all__ = [
    "COORDINATES", "Pose", "PoseError", "check_angle", "joint_axes", "rotation_matrix",
    "MuscleCurves", "action_in_words", "curves", "curves_for_muscles", "moment_arms_m", "moment_arms_numeric_m",
    "muscle_length_m", "path_points_m",
    "DATA_DIR", "DEFAULT_MODEL_ID", "Model", "ModelDataError", "Muscle", "available_model_ids",
    "load_model", "load_model_file",
    "Switch", "sign_change_angles", "switch_angle_map", "ACTION_WORDS",
]
