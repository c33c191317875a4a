"""Plain-language readouts of the model's state (numbers computed, never typed in)."""

from __future__ import annotations


from .kinematics import rotation_matrix
from .lever import rotation_lever
from .mechanics import curves
from .words import ALMOST_NO_LEVER_MM, action_in_words, lever_words
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
        # under 1 mm no action is named, the same rule as the pictures' levers (words.ALMOST_NO_LEVER_MM)
        ma = self.rotation_moment_arm_mm
        self.action = (f"{lever_words(ma)}, {ma:+.1f} mm" if abs(ma) < ALMOST_NO_LEVER_MM
                       else action_in_words(ma))
        self.switches = sign_change_angles(model, mu, adduction, rotation)
        self.sentence = _sentence(model, mu, flexion, adduction, rotation, self.rotation_moment_arm_mm, self.switches)


def readout(model: Model, muscle_id: str, flexion: float, adduction: float = 0.0, rotation: float = 0.0) -> Readout:
    return Readout(model, muscle_id, flexion, adduction, rotation)


def _sentence(model, mu, flexion, adduction, rotation, ma, switches) -> str:
    """What the line of pull does, in words a student can picture: the kneecap turning in or out.

    "Behind"/"in front of" the thigh bone are said in the thigh's own frame (the kneecap is
    its front), and with the hip bent that front faces up, so the sentence says so.
    """
    lever = rotation_lever(model, mu, flexion, adduction, rotation)
    perp = None if lever.shortest_distance_mm < 1e-9 else (lever.foot_m, lever.reach_m)
    name = mu.name if mu.name.isupper() else mu.name[0].lower() + mu.name[1:]
    bent = flexion >= 60.0
    if perp is None or abs(ma) < ALMOST_NO_LEVER_MM:  # the readout's rule: no action named under 1 mm
        where = "has almost no lever about the thigh bone's long axis"
        turn = "barely turns the thigh either way"
        kneecap = ""
    else:
        # which side of the axis the line passes, in the thigh's own frame (+x = the kneecap side)
        ahead = (rotation_matrix(flexion, adduction, rotation).T @ (perp[1] - perp[0]))[0] > 0
        if ahead:
            where = ("passes in front of the thigh bone's long axis, on its kneecap side"
                     + (" (with the hip bent the kneecap faces up, so the line runs above the bone)" if bent else ""))
        else:
            where = ("passes behind the thigh bone's long axis, on the side away from the kneecap"
                     + (" (with the hip bent that is the underside of the bone)" if bent else ""))
        kneecap = "inwards (internal rotation)" if ma > 0 else "outwards (external rotation)"
        turn = f"turns the kneecap {kneecap}"
    lever_text = (f"{action_in_words(ma)} of lever" if abs(ma) >= ALMOST_NO_LEVER_MM else
                  f"{abs(ma):.1f} mm of lever, under the {ALMOST_NO_LEVER_MM:g} mm below which no action is named")
    if mu is model.piriformis and abs(flexion) < 10.0:
        text = (f"At {flexion:g}\u00b0 flexion, standing, the piriformis runs from the front of the sacrum, out through "
                f"the sciatic notch, to the top of the greater trochanter; its line of pull {where}, "
                f"so its pull {turn}: {lever_text}.")
    else:
        text = (f"At {flexion:g}\u00b0 flexion the {name}'s line of pull {where}, "
                f"so its pull {turn}: {lever_text}.")
    later = [s for s in switches if s.flexion_deg > flexion]
    earlier = [s for s in switches if s.flexion_deg <= flexion]
    small = abs(ma) < ALMOST_NO_LEVER_MM
    if small and (later or earlier):  # near the switch "the other way" would have nothing to refer to: name both
        s = min(later + earlier, key=lambda x: abs(x.flexion_deg - flexion))
        before, after = (("outwards", "inwards") if s.direction == "external to internal" else ("inwards", "outwards"))
        text += (f" At {s.flexion_deg:.1f}\u00b0 the line of pull crosses the bone's long axis: with the hip straighter "
                 f"the pull turns the kneecap {before}, bent further {after}.")
    elif later:
        s = later[0]
        text += (f" Bend the hip{' further' if flexion > 0 else ''} and the thigh bone swings forward and up under the muscle; at "
                 f"{s.flexion_deg:.1f}\u00b0 the line of pull crosses the bone's long axis, and beyond that the same "
                 "pull turns the kneecap the other way.")
    elif earlier:
        s = earlier[-1]
        back = "outwards" if ma > 0 else "inwards"
        text += (f" It changed sides at {s.flexion_deg:.1f}\u00b0 flexion; straighten the hip below that and the "
                 f"same pull turns the kneecap {back} again.")
    else:
        text += " In this model it keeps this action from -20\u00b0 to 120\u00b0 of flexion at this rotation and adduction."
    return text
