"""An answer as Markdown, with a numbers table whose labels say what each number is.
"""

from __future__ import annotations

import re
from .common import Answer


def format_value(v: float, unit: str) -> str:
    if unit in ("", "limbs") or float(v).is_integer():
        return f"{v:.0f} {unit}".strip()
    if unit in ("%", "deg"):
        return f"{v:.1f} {unit}"
    return f"{v:.2f} {unit}"


_LABEL_WORDS = (
    (r"^step(\d)_", r"step \1: "), (r"rot_ma", "rotation lever arm"), (r"abd_ma", "abduction lever arm"),
    (r"rotation_moment_arm", "rotation lever arm"), (r"abduction_moment_arm", "abduction lever arm"),
    (r"ext_rot", "external rotation"), (r"_pct$", " (%)"), (r"_(mm|deg)$", ""), (r"\bn_", "number of "),
    (r"lit_", "literature: "), (r"meas(\d)", r"measurement \1"), (r"rule(\d)", r"rule of thumb \1"),
    (r"_", " "),
)


_LABELS = {
    "switch_deg": "switch angle (hip flexion)",
    "switch_models_min_deg": "lowest switch angle among the bundled models",
    "switch_models_max_deg": "highest switch angle among the bundled models",
    "context_ext_rot_deg": "thigh turned out by",
    "context_add_deg": "knee moved sideways by",
    "switch_turned_out_knee_out_deg": "switch angle, thigh turned out, knee out to the side",
    "switch_turned_out_knee_across_deg": "switch angle, thigh turned out, knee across",
    "ext_rot_straight_mm": "the same outward turn with the hip straight (shortening)",
    "total_change_mm": "total length change against standing",
    "total_change_pct": "total length change against standing (%)",
    "turn_deg": "thigh turned in or out by",
    "straight_turn_in_mm": "hip straight, thigh turned in: length change",
    "straight_turn_out_mm": "hip straight, thigh turned out: length change",
    "flexed_turn_in_mm": "hip bent, thigh turned in: length change",
    "flexed_turn_out_mm": "hip bent, thigh turned out: length change",
    "flexed_deg": "hip bent to",
    "change_mm": "length change against standing",
    "change_pct": "length change against standing (%)",
    "standing_mm": "length standing",
    "best_change_mm": "longest in the joint range: change against standing",
    "best_change_pct": "longest in the joint range: change against standing (%)",
}


def number_label(key: str) -> str:
    """A readable label for an answer number's key, e.g. 'step 2: rotation lever arm'."""
    if key in _LABELS:
        return _LABELS[key]
    text = key
    for pat, rep in _LABEL_WORDS:
        text = re.sub(pat, rep, text)
    return text.strip()


def answer_markdown(ans: Answer, figure_file: str | None = None, figure_caption: str | None = None) -> str:
    """The answer as a Markdown document; ``figure_file`` is a PNG path beside it."""
    lines = [f"# {ans.question}", ""]
    if ans.asked and ans.asked.strip() != ans.question:
        conf = f" (match confidence {ans.confidence:.0%})" if ans.confidence is not None else ""
        lines += [f"*Asked:* \u201c{ans.asked.strip()}\u201d{conf}", ""]
    if ans.out_of_scope:
        lines += ["> **Outside what an anatomy model can answer.** This is not medical advice; please see a "
                  "clinician about treatment or symptoms.", ""]
    lines += [ans.text, ""]
    if figure_file:
        cap = figure_caption or "Figure"
        lines += [f"![{cap}]({figure_file})", "", f"*{cap}*", ""]
    if ans.numbers:
        lines += ["## The numbers", "",
                  f"Computed from the {ans.model_name} geometry (and, where named, the bundled literature data) "
                  "when this answer was made. Lever arms and changes are shown as sizes; the text says which way.",
                  "", "| quantity | value |", "|---|---|"]
        lines += [f"| {number_label(k)} | {format_value(v, ans.units.get(k, ''))} |" for k, v in ans.numbers.items()]
        lines.append("")
    lines += ["## Sources", ""] + [f"- {s}" for s in dict.fromkeys(ans.sources)] + [""]
    lines += ["---", "*Made with hipmodel: a simplified straight-line model of published hip geometry. "
              "Muscle paths are straight lines between attachment points; real muscles wrap and spread. "
              "Anatomy education, not medical advice.*", ""]
    return "\n".join(lines)
