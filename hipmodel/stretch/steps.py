"""The figure-4 stretch step by step: the pose, length and lever at each step, and a sentence made from those numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import numpy as np
from ..words import change_word
from ..kinematics import check_angle
from ..model import Model, Muscle
from ..switch import bisect_roots, sign_change_angles, sign_change_brackets
from .maths import length_change, length_slope_mm_per_deg


def rotation_reversal_deg(model: Model, muscle: Muscle, flexion_deg: float, adduction_deg: float,
                          towards_deg: float, search_deg: float = 90.0, grid_step_deg: float = 0.5) -> float | None:
    """The rotation, from 0 towards the side of ``towards_deg``, where turning further stops changing the
    length the same way: the first sign change of ``dL/d rotation`` (the rotation moment arm's sign)
    at this flexion and adduction, searched up to ``search_deg`` of turn. None if there is none.
    """
    side = -1.0 if towards_deg < 0 else 1.0
    grid = side * np.linspace(0.0, search_deg, int(round(search_deg / grid_step_deg)) + 1)

    def fun(rot):
        return length_slope_mm_per_deg(model, muscle, flexion_deg, adduction_deg, rot)

    vals = fun(grid)
    lo, hi = sign_change_brackets(vals)
    if lo.size == 0:
        return None
    roots = bisect_roots(fun, grid[lo[:1]], grid[hi[:1]], vals[lo[:1]], 1e-6)
    return float(roots[0])


def figure4_final_pose() -> tuple[float, float, float]:
    """The explainer's default final pose (flexion, adduction, rotation): the ``figure4`` pose of
    ``data/poses.json``, the figure-4 as done (hip flexed, crossed knee fallen out into abduction,
    thigh turned out). One source for the explainer and the explorer's preset.
    """
    from .poses import find_pose

    return tuple(float(x) for x in find_pose("figure4").angles)


def __getattr__(name: str):
    if name == "FIGURE4_FINAL_POSE":  # read from the pose file each time: one source
        return figure4_final_pose()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Figure4Step:
    """One step of the figure-4 explainer.

    ``change_mm``/``change_pct`` are against standing; ``step_change_mm`` against the
    previous step. ``sentence`` is generated from these numbers; ``shown`` holds each
    number the sentence shows (name -> value, unrounded; lengths in mm, angles in deg,
    magnitudes where the sentence says the direction in words).
    """

    number: int
    title: str
    flexion_deg: float
    adduction_deg: float
    rotation_deg: float
    length_mm: float
    change_mm: float
    change_pct: float
    step_change_mm: float
    rotation_moment_arm_mm: float
    adduction_moment_arm_mm: float
    sentence: str
    shown: dict = field(default_factory=dict, compare=False)

    @property
    def angles(self) -> tuple[float, float, float]:
        return (self.flexion_deg, self.adduction_deg, self.rotation_deg)


def figure4_steps(
    model: Model,
    muscle: Muscle,
    flexion_deg: float | None = None,
    adduction_deg: float | None = None,
    rotation_deg: float | None = None,
) -> tuple[Figure4Step, ...]:
    """The figure-4 stretch as four steps, with the length and moment arm at each.

    Steps: 1 standing; 2 flex the hip to ``flexion_deg``; 3 turn the thigh to
    ``rotation_deg`` (negative = external, the crossed ankle); 4 the knee's sideways
    position, ``adduction_deg``: negative = the crossed knee falls out to the side
    (abduction, the figure-4 as done), positive = the knee pulled towards the opposite
    shoulder (a different stretch). Angles left out are those of :func:`figure4_final_pose`.

    Returns
    -------
    tuple of 4 Figure4Step; every sentence is built from that step's numbers.
    """
    F, A, R = _final_angles(flexion_deg, adduction_deg, rotation_deg)
    n = _step_numbers(model, muscle, F, A, R)
    sentences = (_standing_sentence(n), _flexion_sentence(n), _turn_sentence(n), _knee_sentence(n))
    return _make_steps(n, _step_titles(F, A, R), sentences)


def _final_angles(flexion_deg, adduction_deg, rotation_deg) -> tuple[float, float, float]:
    """The final pose's angles, checked: those left out from :func:`figure4_final_pose`."""
    d = figure4_final_pose() if None in (flexion_deg, adduction_deg, rotation_deg) else (0.0, 0.0, 0.0)
    flexion_deg = d[0] if flexion_deg is None else flexion_deg
    adduction_deg = d[1] if adduction_deg is None else adduction_deg
    rotation_deg = d[2] if rotation_deg is None else rotation_deg
    F = check_angle(flexion_deg, "flexion")
    A = check_angle(adduction_deg, "adduction")
    R = check_angle(rotation_deg, "rotation")
    return F, A, R


@dataclass
class _StepNumbers:
    """The four steps' numbers, and the numbers each step's sentence has shown so far."""

    model: Model
    muscle: Muscle
    F: float
    A: float
    R: float
    name: str
    poses: np.ndarray
    L: np.ndarray
    d: np.ndarray
    pct: np.ndarray
    rma: np.ndarray
    ama: np.ndarray
    step: np.ndarray
    switches: list
    shown: list[dict] = field(default_factory=lambda: [{}, {}, {}, {}])

    def v(self, i: int, key: str, value: float, fmt: str, record: float | None = None) -> str:
        """Format a number for step i's sentence and record it (or ``record``, e.g. the signed value
        where the sentence says the direction in words) in that step's ``shown``."""
        self.shown[i][key] = float(value if record is None else record)
        return format(float(value), fmt)

    def action(self, i: int, r_mm: float, key: str = "rotation_moment_arm_mm") -> str:
        """'an internal rotator (8.0 mm lever arm)', or neither for a lever under 0.05 mm."""
        if abs(r_mm) < 0.05:
            return "neither an internal nor an external rotator"
        kind = "an internal" if r_mm > 0 else "an external"
        return f"{kind} rotator ({self.v(i, key, abs(r_mm), '.1f')} mm lever arm)"

    def by(self, i: int) -> str:
        """'lengthens it by 8.0 mm', or 'leaves its length unchanged' for less than 0.05 mm."""
        step = self.step
        if abs(step[i]) < 0.05:
            return "leaves its length unchanged"
        return f"{change_word(step[i])} it by {self.v(i, 'step_change_mm', abs(step[i]), '.1f', step[i])} mm"


def _step_numbers(model: Model, muscle: Muscle, F: float, A: float, R: float) -> _StepNumbers:
    """The four poses; length, length change, moment arms and step change at each; the switches on the way."""
    poses = np.array([[0.0, 0.0, 0.0], [F, 0.0, 0.0], [F, 0.0, R], [F, A, R]])
    lc = length_change(model, muscle, poses[:, 0], poses[:, 1], poses[:, 2])
    L = lc.length_mm
    step = np.diff(L, prepend=L[0])
    switches = sign_change_angles(model, muscle, 0.0, 0.0, start_deg=0.0, stop_deg=max(F, 1.0))
    return _StepNumbers(model, muscle, F, A, R, muscle.name.lower(), poses, L, lc.change_mm, lc.change_pct,
                        lc.rotation_moment_arm_mm, lc.adduction_moment_arm_mm, step, switches)


def _standing_sentence(n: _StepNumbers) -> str:
    """Step 1: the length standing and which way turning the thigh would stretch it."""
    L, rma = n.L, n.rma
    return (f"Standing, the {n.name} is {n.v(0, 'length_mm', L[0], '.0f')} mm long and {n.action(0, rma[0])}. "
            + ("Turning the thigh inwards would stretch it; turning it outwards slackens it."
               if rma[0] < 0 else "Turning the thigh outwards would stretch it."))


def _flexion_sentence(n: _StepNumbers) -> str:
    """Step 2: what bending the hip does, and whether the muscle switches to an internal rotator on the way."""
    F, rma, switches, v = n.F, n.rma, n.switches, n.v
    s2 = (f"Bending the hip to {v(1, 'flexion_deg', F, 'g')}° {n.by(1)}. "
          if F != 0 else f"The hip stays straight in this version ({v(1, 'flexion_deg', F, 'g')}° flexion). ")
    if switches and rma[0] < 0 < rma[1]:
        s2 += (f"On the way, at {v(1, 'switch_deg', switches[0].flexion_deg, '.1f')}° flexion, its line of pull "
               f"crosses the thigh's long axis: it is now {n.action(1, rma[1])}, so turning the thigh outwards now "
               "stretches it.")
    else:
        s2 += (f"It is {n.action(1, rma[1])} here, so turning the thigh "
               f"{'outwards' if rma[1] > 0 else 'inwards'} is what stretches it.")
    return s2


def _turn_sentence(n: _StepNumbers) -> str:
    """Step 3: what turning the thigh does, and why."""
    F, R, step = n.F, n.R, n.step
    turn = "outwards" if R < 0 else "inwards"
    turn_key = "external_rotation_deg" if R < 0 else "internal_rotation_deg"
    if R == 0:
        return "No rotation in this version: the thigh is not turned, so the length does not change."
    how = " (crossing the ankle over the other thigh)" if R < 0 else ""
    more = " more" if abs(step[2]) >= 0.05 and F != 0 and np.sign(step[2]) == np.sign(step[1]) else ""
    s3 = (f"Turning the thigh {turn} by {n.v(2, turn_key, abs(R), 'g')}°{how} {n.by(2)}{more}")
    if abs(step[2]) >= 0.05:
        s3 += _turn_lever_words(n)
    else:
        s3 += "."
    return s3


def _turn_lever_words(n: _StepNumbers) -> str:
    """Step 3, after a length change: the rotation lever at the turn's start and end, and where it reverses."""
    R, rma, v = n.R, n.rma, n.v
    lengthens0 = (rma[1] > 0) == (R < 0)  # an internal rotator is lengthened by turning out
    s3 = (f": it starts the turn as {n.action(2, rma[1], 'rotation_moment_arm_before_turn_mm')}, so turning "
          f"{'out' if R < 0 else 'in'} {'pulls it longer' if lengthens0 else 'lets it slacken'}")
    if abs(rma[2]) < 0.05 or (rma[2] > 0) != (rma[1] > 0):
        s3 += f", but ends it as {n.action(2, rma[2])}"
    else:
        grew = abs(rma[2]) > abs(rma[1])
        s3 += (f", {'and' if grew else 'but'} that lever {'grows' if grew else 'falls'} to "
               f"{v(2, 'rotation_moment_arm_mm', abs(rma[2]), '.1f')} mm by the end")
    s3 += "."
    rev = rotation_reversal_deg(n.model, n.muscle, n.F, 0.0, R)
    if rev is not None:
        at = v(2, 'rotation_where_lever_crosses_zero_deg', abs(rev), '.0f', rev)
        side = "out" if R < 0 else "in"
        if abs(rev) > abs(R):
            s3 += (f" Beyond about {at}° {side}, where its line of pull crosses the rotation axis, turning "
                   f"further would {'shorten' if lengthens0 else 'lengthen'} it.")
        else:
            s3 += (f" It {'lengthens' if lengthens0 else 'slackens'} only up to about {at}° {side}, where "
                   "its line of pull crosses the rotation axis.")
    return s3


def _knee_sentence(n: _StepNumbers) -> str:
    """Step 4: what moving the knee does, the total, and the rotation lever in the final pose."""
    return _knee_move_words(n) + _total_words(n) + _final_lever_words(n)


def _knee_move_words(n: _StepNumbers) -> str:
    """Step 4's first clause: the knee's sideways move and what it does to the length (abductor or not)."""
    A, ama, step, v = n.A, n.ama, n.step, n.v
    if A == 0:
        s4 = f"Leaving the knee over the hip ({v(3, 'adduction_deg', A, 'g')}° adduction) {n.by(3)}"
    elif A > 0:
        s4 = (f"Pulling the knee towards the opposite shoulder ({v(3, 'adduction_deg', abs(A), 'g')}° adduction) "
              f"{n.by(3)}")
        if ama[2] < 0 and step[3] > 0:
            s4 += (f", because the {n.name} is an abductor ({v(3, 'abduction_moment_arm_mm', abs(ama[2]), '.1f')} mm "
                   "lever) and moving the knee across pulls its ends apart")
    else:
        s4 = (f"Letting the crossed knee fall out to the side ({v(3, 'abduction_deg', abs(A), 'g')}° abduction) "
              f"{n.by(3)}")
        if ama[2] < 0 and step[3] < 0:
            s4 += (f", because the {n.name} is an abductor ({v(3, 'abduction_moment_arm_mm', abs(ama[2]), '.1f')} mm "
                   "lever) and the knee moving out brings its ends closer")
    return s4


def _total_words(n: _StepNumbers) -> str:
    """Step 4: the total length change against standing."""
    return (f". In total it is {n.v(3, 'change_mm', n.d[3], '+.1f')} mm ({n.v(3, 'change_pct', n.pct[3], '+.1f')}%) "
            "against standing.")


def _final_lever_words(n: _StepNumbers) -> str:
    """Step 4's end: an external rotator again past the switch, or still an internal rotator ('' otherwise)."""
    F, A, R, rma, ama, v = n.F, n.A, n.R, n.rma, n.ama, n.v
    neutral_switch = [x.flexion_deg for x in n.switches if x.direction == "external to internal"]
    if rma[3] < -0.05 and neutral_switch and F > neutral_switch[0]:
        here = [x.flexion_deg for x in sign_change_angles(n.model, n.muscle, A, R)
                if x.direction == "external to internal"]
        moved = (f"at {v(3, 'adduction_deg' if A > 0 else 'abduction_deg', abs(A), 'g')}° "
                 f"{'adduction' if A > 0 else 'abduction'} with the thigh "
                 f"turned {'out' if R < 0 else 'in'} the switch comes only at "
                 f"{v(3, 'final_switch_deg', here[0], '.1f')}° of flexion, beyond this {v(3, 'flexion_deg', F, 'g')}°"
                 if here else "in this pose the switch lies beyond the flexion range")
        return (f" Here the {n.name} is an external rotator again "
                f"({v(3, 'rotation_moment_arm_mm', abs(rma[3]), '.1f')} mm of lever): {moved}. "
                + ("It is still stretched, mostly by the flexion"
                   + (" and the knee moving across (it is an abductor)" if A > 0 and ama[3] < 0 else "")
                   + ", not by the outward turn." if n.d[3] > 0 else "The outward turn no longer stretches it."))
    if rma[3] > 0.05 and R < 0 and F != 0:
        return (f" In this final pose it is still an internal rotator "
                f"({v(3, 'rotation_moment_arm_mm', abs(rma[3]), '.1f')} mm of lever), so the outward turn of the "
                "crossed ankle keeps stretching it.")
    return ""


def _step_titles(F: float, A: float, R: float) -> tuple[str, str, str, str]:
    """The four steps' short titles."""
    return ("Standing", f"Flex the hip to {F:g}°" if F != 0 else "Hip stays straight",
            f"Turn the thigh {'out' if R < 0 else 'in'} {abs(R):g}°" if R != 0 else "No turn of the thigh",
            f"Knee towards the opposite shoulder ({A:g}° adduction)" if A > 0
            else f"Crossed knee falls out ({-A:g}° abduction)" if A < 0 else "Knee stays over the hip")


def _make_steps(n: _StepNumbers, titles, sentences) -> tuple[Figure4Step, ...]:
    """The four :class:`Figure4Step` from the numbers, titles and sentences."""
    poses, L, d, pct, step, rma, ama = n.poses, n.L, n.d, n.pct, n.step, n.rma, n.ama
    return tuple(
        Figure4Step(
            number=i + 1, title=titles[i],
            flexion_deg=float(poses[i, 0]), adduction_deg=float(poses[i, 1]), rotation_deg=float(poses[i, 2]),
            length_mm=float(L[i]), change_mm=float(d[i]), change_pct=float(pct[i]), step_change_mm=float(step[i]),
            rotation_moment_arm_mm=float(rma[i]), adduction_moment_arm_mm=float(ama[i]), sentence=s,
            shown=n.shown[i],
        )
        for i, s in enumerate(sentences)
    )
