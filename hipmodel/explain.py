"""Plain-language readouts of the model's state (numbers computed, never typed in)."""

from __future__ import annotations


from .kinematics import rotation_matrix
from .lever import rotation_lever
from .mechanics import curves
from .words import action_in_words
from .model import Model
from .switch import sign_change_angles

__all__ = ["Readout", "readout"]


class Readout:
    """What the explorer shows for one muscle at one pose.

    Attributes
    ----------
    rotation_moment_arm_mm, length_mm, length_standing_mm, length_change_mm,
    length_change_pct : float
    action : str            e.g. 'external rotator, 14.5 mm'
    switches : list[Switch] over -20..120 deg at this adduction and rotation
    sentence : str          one plain sentence on what the line of pull does
    """

    def __init__(self, model: Model, muscle_id: str, flexion: float, adduction: float = 0.0, rotation: float = 0.0):
        mu = model.muscle(muscle_id)
        now = curves(model, mu, flexion, adduction, rotation)
        standing = curves(model, mu, 0.0, 0.0, 0.0)
        self.muscle_name = mu.name
        self.rotation_moment_arm_mm = float(now.rotation_moment_arm_mm)
        self.adduction_moment_arm_mm = float(now.adduction_moment_arm_mm)
        self.length_mm = float(now.length_mm)
        self.length_standing_mm = float(standing.length_mm)
        self.length_change_mm = self.length_mm - self.length_standing_mm
        self.length_change_pct = 100.0 * self.length_change_mm / self.length_standing_mm
        self.action = action_in_words(self.rotation_moment_arm_mm)
        self.switches = sign_change_angles(model, mu, adduction, rotation)
        self.sentence = _sentence(model, mu, flexion, adduction, rotation, self.rotation_moment_arm_mm, self.switches)


def readout(model: Model, muscle_id: str, flexion: float, adduction: float = 0.0, rotation: float = 0.0) -> Readout:
    return Readout(model, muscle_id, flexion, adduction, rotation)


def _sentence(model, mu, flexion, adduction, rotation, ma, switches) -> str:
    lever = rotation_lever(model, mu, flexion, adduction, rotation)
    perp = None if lever.shortest_distance_mm < 1e-9 else (lever.foot_m, lever.reach_m)
    name = mu.name if mu.name.isupper() else mu.name[0].lower() + mu.name[1:]
    if perp is None or abs(ma) < 0.05:
        side = "runs through"
        turn = "has no lever to turn the thigh about its long axis"
    else:
        # which side of the axis the line passes, in the thigh's own frame
        ahead = (rotation_matrix(flexion, adduction, rotation).T @ (perp[1] - perp[0]))[0] > 0
        side = "passes in front of" if ahead else "passes behind"
        turn = "turns the front of the thigh " + ("inwards (internal rotation)" if ma > 0 else "outwards (external rotation)")
    text = (f"At {flexion:g}\u00b0 flexion the {name}'s line of pull {side} the femur's long axis, "
            f"so its pull {turn}: {action_in_words(ma)} of lever.")
    later = [s for s in switches if s.flexion_deg > flexion]
    earlier = [s for s in switches if s.flexion_deg <= flexion]
    if later:
        s = later[0]
        text += (f" Flexing further swings the thigh's front up towards the muscle's origin, and past "
                 f"{s.flexion_deg:.1f}\u00b0 the line crosses the axis: the same pull then turns the thigh the other way.")
    elif earlier:
        s = earlier[-1]
        text += f" Below {s.flexion_deg:.1f}\u00b0 flexion the line lies on the other side of the axis and the action reverses."
    else:
        text += " In this model it keeps this action from -20\u00b0 to 120\u00b0 of flexion at this rotation and adduction."
    return text
