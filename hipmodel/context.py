"""The switch in context: every bundled model's switch angle beside the published statements.

One computation for the app's context tab, the answers' figure and the CLI: a row per
model (its switch at the given rotation and adduction) and a row per literature statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from .literature import LiteratureDataError, SwitchStatement, flag_words, load_switch_literature
from .model import Model, load_bundled_models
from .switch import sign_change_angles

__all__ = ["ModelSwitch", "SwitchContext", "first_switch", "switch_context", "angle_text", "models_range_text",
           "literature_range_text"]


@dataclass(frozen=True)
class ModelSwitch:
    """One model's first external-to-internal switch of the piriformis (None: none in range)."""

    model_id: str
    name: str
    angle_deg: float | None
    approximate_frame_alignment: bool
    citation: str
    uncertainty_deg: float = 0.0


@dataclass(frozen=True)
class SwitchContext:
    models: tuple[ModelSwitch, ...]
    literature: tuple[SwitchStatement, ...]
    broken: dict  # model id or file name -> error, each shown to the user

    def model_rows(self) -> list[tuple[str, float | None, bool]]:
        """(name, angle or None, approximate) per model, as the context figure takes them."""
        return [((f"{_short(m.name)} (\u00b1{m.uncertainty_deg:.0f}\u00b0)" if m.uncertainty_deg else m.name),
                 m.angle_deg, m.approximate_frame_alignment, m.uncertainty_deg)
                for m in self.models]

    def table(self) -> list[dict]:
        """The figure's numbers as rows: source, switch (deg flexion), kind, reference."""
        rows = []
        for m in self.models:
            name = _with_note(m.name, "approximate frame alignment") if m.approximate_frame_alignment else m.name
            angle = angle_text(m.angle_deg, m.uncertainty_deg) if m.angle_deg is not None else "none in -20..120"
            rows.append({"source": name, "switch (deg flexion)": angle, "kind": "model (computed here)",
                         "what was measured": "computed from the model's attachment points (straight line)",
                         "reference": m.citation, "how sure": "computed here from the published geometry"})
        for e in self.literature:
            lo, hi = e.low, e.high
            span = "-" if lo is None and hi is None else (f"{lo:g}" if lo == hi else
                                                         f"{'' if lo is None else f'{lo:g}'}..{'' if hi is None else f'{hi:g}'}")
            rows.append({"source": e.label, "switch (deg flexion)": span if span != "-" else "no angle given",
                         "kind": e.kind, "what was measured": e.evidence, "reference": e.source,
                         "how sure": flag_words(e.flag)})
        return rows


def first_switch(model: Model, muscle_id: str = "piriformis", adduction_deg: float = 0.0,
                 rotation_deg: float = 0.0) -> float | None:
    """The first flexion (deg, -20..120) where the muscle turns from external to internal rotator."""
    found = [s for s in sign_change_angles(model, model.muscle(muscle_id), adduction_deg, rotation_deg)
             if s.direction == "external to internal"]
    return found[0].flexion_deg if found else None


def switch_context(adduction_deg: float = 0.0, rotation_deg: float = 0.0) -> SwitchContext:
    """Every bundled model's piriformis switch at this adduction and rotation, and the literature."""
    usable, broken = load_bundled_models()
    rows = []
    for mid, m in usable.items():
        if "piriformis" not in m.muscle_ids:
            continue
        rows.append(ModelSwitch(mid, m.name, first_switch(m, "piriformis", adduction_deg, rotation_deg),
                                m.approximate_frame_alignment, m.citation(), m.switch_uncertainty_deg))
    try:
        lit = load_switch_literature()
    except LiteratureDataError as e:
        lit, broken = (), {**broken, "switch_literature.json": str(e)}
    return SwitchContext(tuple(rows), lit, broken)


def _with_note(name: str, note: str) -> str:
    """'Dostal 1981 (straight line)' + 'approximate frame alignment' -> one bracket, not two."""
    return f"{name[:-1]}; {note})" if name.endswith(")") else f"{name} ({note})"


def _short(name: str) -> str:
    return name.split(" (")[0].replace("OpenSim ", "")


def angle_text(angle_deg: float, uncertainty_deg: float = 0.0) -> str:
    """A switch angle as shown everywhere: one decimal, with its uncertainty where it has one."""
    if uncertainty_deg:
        return f"about {angle_deg:.0f} \u00b1 {uncertainty_deg:.0f}"
    return f"{angle_deg:.1f}"


_COUNT = {2: "two", 3: "three", 4: "four"}


def literature_range_text(ctx: SwitchContext) -> str:
    """The published angles beside the models, in one sentence, each with what it is and how
    sure it is (from data/switch_literature.json; nothing typed in)."""
    def span(e):
        if e.low is not None and e.high is not None:
            return f"about {e.low:g}\u00b0" if e.low == e.high else f"{e.low:g}-{e.high:g}\u00b0"
        return f"above about {e.low:g}\u00b0" if e.low is not None else f"below about {e.high:g}\u00b0"

    with_angle = [e for e in ctx.literature if e.low is not None or e.high is not None]
    measured = [e for e in with_angle if e.kind in ("measurement", "cadaver estimate")]
    thumbs = [e for e in with_angle if e.kind == "rule of thumb"]
    parts = []
    for e in measured:
        who = e.label.split(":")[0]
        parts.append(f"{e.label.split(': ', 1)[-1]} put it at {span(e)} ({who}; {flag_words(e.flag)})")
    if thumbs:
        parts.append("rules of thumb say " + " or ".join(span(e) for e in thumbs) + " (quoted, not measured)")
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def models_range_text(ctx: SwitchContext) -> str:
    """The models' switch angles in one sentence, the certain ones as a range (one decimal).

    Models with an uncertain zero-flexion reference are named apart with their +/- (their
    data files say why), so the range is not widened by a frame-alignment guess.
    """
    firm = [m for m in ctx.models if m.angle_deg is not None and not m.uncertainty_deg]
    loose = [m for m in ctx.models if m.angle_deg is not None and m.uncertainty_deg]
    parts = []
    if firm:
        lo, hi = min(m.angle_deg for m in firm), max(m.angle_deg for m in firm)
        names = [_short(m.name) for m in sorted(firm, key=lambda m: m.angle_deg)]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        span = f"{lo:.1f}\u00b0" if len(firm) == 1 else f"{lo:.1f}\u00b0 to {hi:.1f}\u00b0"
        parts.append(f"{who} put it at {span} of flexion")
    if loose:
        each = [f"{angle_text(m.angle_deg, m.uncertainty_deg)}\u00b0 ({_short(m.name)})" for m in loose]
        each = each[0] if len(each) == 1 else ", ".join(each[:-1]) + " and " + each[-1]
        which = "the geometry" if len(loose) == 1 else f"the {_COUNT.get(len(loose), len(loose))} geometries"
        parts.append(f"{which} transcribed from papers' coordinate tables (their zero-flexion reference is "
                     f"uncertain) put it at {each}")
    return "; ".join(parts) if parts else "no bundled model has a switch in -20..120\u00b0 of flexion"
