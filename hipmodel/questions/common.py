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
        "complete_citation": complete[3],
    }


def _pose_words(n: _Numbers, prefix: str, flexion: float, adduction: float, rotation: float) -> str:
    """A computed pose in words, e.g. '120° flexion, 30° adduction, 45° external rotation'; registers the angles."""
    f = n(f"{prefix}_flexion_deg", flexion, "deg", ".0f")
    a = n(f"{prefix}_adduction_deg", adduction, "deg", ".0f").lstrip("-")
    r = n(f"{prefix}_rotation_deg", rotation, "deg", ".0f").lstrip("-")
    add = f"{a}° {'adduction' if adduction >= -0.5 else 'abduction'}"
    rot = "neutral rotation" if abs(rotation) < 0.5 else f"{r}° {'internal' if rotation > 0 else 'external'} rotation"
    return f"{f}° flexion, {add}, {rot}"


# ----------------------------------------------------------------------------- literature facts
def literature_facts() -> dict:
    """``data/literature_facts.json`` as {id: fact dict}, or {} if the file is missing or broken."""
    from ..datafile import DATA_DIR, DataFileError, read_json

    try:
        data = read_json(DATA_DIR / "literature_facts.json", 200_000)
        return {f["id"]: f for f in data.get("facts", []) if isinstance(f, dict) and "id" in f}
    except (DataFileError, AttributeError, TypeError):
        return {}


def fact(fid: str) -> dict | None:
    """One literature fact (value, unit, source, flag), or None."""
    return literature_facts().get(fid)


def _length_models() -> list[Model]:
    """The bundled models whose lengths can be compared with measurement (``use_for_length``)."""
    return [m for m in _bundled_models() if m.use_for_length]


def _attachment_distances_mm(model: Model, reference: Model) -> tuple[float, float]:
    """How far (mm) the piriformis origin and insertion of ``model`` lie from those of ``reference``.

    Both measured from each model's hip centre at the zero pose (origin = first path point,
    insertion = last path point).
    """
    from ..mechanics import path_points_m

    def ends(m):
        p = path_points_m(m, _piri(m), 0.0) - m.hip_centre
        return p[0], p[-1]

    (o, i), (o0, i0) = ends(model), ends(reference)
    return float(np.linalg.norm(o - o0) * 1000.0), float(np.linalg.norm(i - i0) * 1000.0)


def _length_notice(model: Model, n: _Numbers) -> tuple[Model, str]:
    """The model whose lengths an answer uses, and a notice when it is not ``model``.

    A model with ``use_for_length`` false (Dostal 1981, TLEM 2.0) gives almost no length
    change with flexion, against a measured lengthening; its lengths are not shown and
    the answer uses Gait2392's, saying why (numbers computed now).
    """
    if model.use_for_length:
        return model, ""
    from ..mechanics import muscle_length_m
    from ..model import DEFAULT_MODEL_ID, load_model

    ref = load_model(DEFAULT_MODEL_ID)

    def flex_change(m):
        L = muscle_length_m(m, _piri(m), np.array([0.0, FLEXED]))
        return float((L[1] - L[0]) * 1000.0)

    ins = path_points_m_insertion_distance(model)
    text = (f"{model.name} is not used for lengths: its piriformis insertion lies "
            f"{n('length_notice_insertion_mm', ins)} mm from the hip's flexion axis, so its length changes by only "
            f"{n('length_notice_change_mm', flex_change(model), sign=True)} mm from {n('standing_flexion_deg', 0.0, 'deg', '.0f')}° to "
            f"{n('flexed_deg', FLEXED, 'deg', '.0f')}° of flexion, against "
            f"{n('length_notice_ref_change_mm', flex_change(ref), sign=True)} mm in {ref.name}")
    va = fact("vaarbakken_piriformis_lengthening")
    if va:
        text += (f" and a lengthening of {n('vaarbakken_measured_mm', va['value'], 'mm', '.0f')} mm measured in "
                 "cadaver hips in deep flexion (Vaarbakken et al. 2014)")
    text += f". The numbers below are {ref.name}'s.\n\n"
    return ref, text


def path_points_m_insertion_distance(model: Model) -> float:
    """Distance (mm) of the piriformis insertion from the hip's flexion axis (pelvis z through the hip centre), zero pose."""
    from ..mechanics import path_points_m

    p = path_points_m(model, _piri(model), 0.0)[-1] - model.hip_centre
    return float(math.hypot(p[0], p[1]) * 1000.0)


def cited_sources(text: str, sources) -> tuple:
    """Only the sources the text cites: a source counts when its first author's surname (or, for a
    source cited by title, its first title word) appears in the text."""
    out = []
    for s in sources:
        key = source_key(s)
        if key and key.lower() in text.lower():
            out.append(s)
    return tuple(dict.fromkeys(out))


def source_key(source: str) -> str:
    """The word a text uses to cite ``source``: the first author's surname, or for a work cited
    by title (no author names, e.g. the 2016 meta-analysis) 'meta-analysis'."""
    import re

    s = str(source).strip()
    if s.lower().startswith("surgical anatomy of the sciatic nerve: a meta-analysis"):
        return "meta-analysis"
    m = re.match(r"([A-Z][A-Za-z'\-]+)", s)
    return m.group(1) if m else ""


def literature_name(entry: dict) -> str:
    """A literature statement's name as a text cites it: the label's part before the colon
    ('Ito 2025'), with the short source added where that part has no year ('Stretching handbooks
    (BIOMCH-L mailing list, 2000)')."""
    import re

    name = str(entry.get("label") or entry.get("id") or "a source").split(":")[0].strip()
    src = str(entry.get("source") or "")
    if not re.search(r"\d{4}", name) and src and source_key(src).lower() not in name.lower():
        short = src.split(";")[0].split(" (")[0].strip()
        if short and short not in name:
            name += f" ({short})"
    return name


def literature_by_id() -> dict:
    """Literature statements of the switch angle by id (for number labels)."""
    return {e["id"]: e for e in _switch_literature() if e.get("id")}


_FILE_REF = None


def dedupe_sources(sources) -> tuple:
    """The sources once each: exact repeats, and a second citation of the same file
    ('owner/repo @ commit: path') as one already listed, are dropped (the first is kept)."""
    import re

    global _FILE_REF
    if _FILE_REF is None:
        _FILE_REF = re.compile(r"[\w.-]+/[\w.-]+ @ [0-9a-f]{7,40}: [^\]\s)]+")
    out, seen = [], set()
    for s in sources:
        refs = set(_FILE_REF.findall(str(s)))
        if s in out or (refs and refs & seen):
            continue
        out.append(s)
        seen |= refs
    return tuple(out)
