"""What every answer shares: the Answer record, the number collector, and helpers that compute a model's switch or read the literature and nerve data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
import numpy as np
from ..literature import LiteratureDataError, load_switch_literature
from ..nerve import NerveDataError, load_nerve_variants
from ..model import Model, load_bundled_models
from ..switch import sign_change_angles


FIGURE_KINDS = (
    "moment_arm_curve",  # rotation (and adduction) moment arm against flexion, one or more models/muscles
    "length_map",        # length change over flexion x rotation with the switch line and poses
    "figure4_steps",     # the figure-4 explainer, step by step
    "poses_bar",         # length change at the named poses
    "switch_context",    # the switch angle: models beside the literature
    "nerve_variants",    # sciatic nerve variant prevalence
    "anatomy",           # the hip at a pose, with the lever drawn
    "none",
)


OUT_OF_SCOPE_ID = "out_of_scope"


NO_MATCH_ID = "no_match"


FLEX_RANGE = (0.0, 120.0)  # the flexion range every answer talks about


FLEXED = 90.0               # "hip bent to a right angle", the reference flexed pose


BOX = ((0.0, 120.0), (-30.0, 30.0), (-45.0, 45.0))  # the usual joint-range box for "most stretch"


GRID = np.linspace(FLEX_RANGE[0], FLEX_RANGE[1], 241)


# "how the rest of the pose moves the switch": thigh turned out, knee out to the side / across
CONTEXT_ROTATION = -30.0


CONTEXT_ADDUCTION = 20.0


FIG4 = (100.0, -45.0)  # figure-4 flexion and rotation used in the knee-across answer
TURN = 30.0           # the thigh turned in or out by this much in the which-way answer


@dataclass(frozen=True)
class FigureSpec:
    """Which figure to show with an answer: a kind from FIGURE_KINDS and plain parameters."""

    kind: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """A question's answer for one model.

    Attributes
    ----------
    question_id, question : str
    text : str
        Plain language; paragraphs separated by blank lines.
    numbers : dict[str, float]
        Every number the text uses, as computed (not rounded).
    units : dict[str, str]
    figure : FigureSpec
    sources : tuple of str
        Citations for the model geometry and any literature used.
    model_id, model_name, muscle_id : str
    out_of_scope : bool
        True for questions an anatomy model cannot settle (treatment, diagnosis...).
    confidence : float or None
        How well the asked text matched (set by :func:`ask`), 0..1.
    asked : str or None
        The user's own words, if the answer came from :func:`ask`.
    """

    question_id: str
    question: str
    text: str
    numbers: dict
    units: dict
    figure: FigureSpec
    sources: tuple
    model_id: str
    model_name: str
    muscle_id: str
    out_of_scope: bool = False
    confidence: float | None = None
    asked: str | None = None


class _Numbers:
    """Collects named numbers and formats them for the text."""

    def __init__(self):
        self.values: dict[str, float] = {}
        self.units: dict[str, str] = {}

    def __call__(self, key: str, value, unit: str = "mm", fmt: str = ".1f", sign: bool = False) -> str:
        v = float(value)
        if not math.isfinite(v):
            raise ValueError(f"answer number {key!r} is not finite")
        self.values[key] = v
        self.units[key] = unit
        text = format(v, ("+" if sign else "") + fmt)
        return text


def _piri(model: Model):
    return model.muscle("piriformis")


def _switch(model: Model, muscle=None, adduction=0.0, rotation=0.0):
    """First external-to-internal switch in the flexion range, or None."""
    mu = muscle or _piri(model)
    found = [s for s in sign_change_angles(model, mu, adduction, rotation, start_deg=-20.0, stop_deg=120.0)
             if s.direction == "external to internal"]
    return found[0].flexion_deg if found else None


def _bundled_models() -> list[Model]:
    """The bundled models that load (a broken file is reported by 'hipmodel models' and the app)."""
    return list(load_bundled_models()[0].values())


def _switch_literature() -> list[dict]:
    """Literature statements of the switch angle as dicts.

    If the file cannot be read, one entry of kind ``"unreadable"`` whose ``source`` says so,
    naming the file and the field: an answer that cites the literature then lists that line
    among its sources instead of silently dropping them (no rule-of-thumb numbers are made up).
    """
    try:
        return [e.as_dict() for e in load_switch_literature()]
    except LiteratureDataError as e:
        return [{"kind": "unreadable", "low": None, "high": None,
                 "source": f"The published switch angles could not be read, so they are left out: {e}"}]


def nerve_variant_summary() -> dict | None:
    """Sciatic-nerve variant prevalence from the validated nerve data, or None if it is broken.

    Returns
    -------
    dict or None
        ``any_variant``: list of (study label, percent, sample size or None, sample unit);
        ``complete``: the largest study with a full type breakdown, as
        (label, n, {letter: percent}); ``through_letters``: the types where the nerve
        or a division passes through the muscle; ``type_short``: letter -> short text;
        ``sources``: citations used.
    """
    try:
        data = load_nerve_variants()
    except NerveDataError:
        return None
    through = sorted(t.letter for t in data.types if t.has_division_through)
    any_variant, cites, complete = [], [], None
    for s in data.studies:
        for f in s.findings:
            if f.measure == "any_variant" and not f.subgroup:
                any_variant.append((s.short, float(f.percent), s.sample_size, s.sample_unit))
                cites.append(s.citation)
        if s.complete_breakdown and s.sample_size and (complete is None or s.sample_size > complete[1]):
            complete = (s.short, int(s.sample_size), {t.key: float(t.percent) for t in s.types
                                                       if t.percent is not None}, s.citation)
    if not any_variant or complete is None:
        return None
    if complete[3] not in cites:
        cites.append(complete[3])
    return {
        "any_variant": any_variant,
        "complete": complete[:3],
        "through_letters": through,
        "type_short": {t.letter: t.short for t in data.types},
        "sources": cites,
    }


def _pose_words(n: _Numbers, prefix: str, flexion: float, adduction: float, rotation: float) -> str:
    """A computed pose in words, e.g. '120° flexion, 30° adduction, 45° external rotation'; registers the angles."""
    f = n(f"{prefix}_flexion_deg", flexion, "deg", ".0f")
    a = n(f"{prefix}_adduction_deg", adduction, "deg", ".0f").lstrip("-")
    r = n(f"{prefix}_rotation_deg", rotation, "deg", ".0f").lstrip("-")
    add = f"{a}° {'adduction' if adduction >= -0.5 else 'abduction'}"
    rot = "neutral rotation" if abs(rotation) < 0.5 else f"{r}° {'internal' if rotation > 0 else 'external'} rotation"
    return f"{f}° flexion, {add}, {rot}"
