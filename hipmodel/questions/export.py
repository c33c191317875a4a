"""An answer as Markdown, with a numbers table whose labels say what each number is.
"""

from __future__ import annotations

import re
from .common import Answer, NO_MATCH_ID


def format_value(v: float, unit: str) -> str:
    if unit in ("", "limbs") or float(v).is_integer():
        return f"{v:.0f} {unit}".strip()
    if unit in ("%", "deg"):
        return f"{v:.1f} {unit}"
    return f"{v:.2f} {unit}"


_LABEL_WORDS = (
    (r"^step(\d)_", r"step \1: "), (r"step_change_mm$", "length change in this step (+ longer, − shorter)"),
    (r"rotation_moment_arm_before_turn", "rotation lever arm before the turn"),
    (r"rotation_where_lever_crosses_zero", "rotation where the rotation lever crosses zero (+ in, − out)"),
    (r"^(step \d: )internal_rotation_deg$", r"\1thigh turned in by"),
    (r"^(step \d: )external_rotation_deg$", r"\1thigh turned out by"),
    (r"^(step \d: )abduction_deg$", r"\1abduction (knee out to the side)"),
    (r"^(step \d: )adduction_deg$", r"\1adduction (knee across)"),
    (r"rot_ma", "rotation lever arm"), (r"abd_ma", "abduction lever arm"),
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
    "lit_rule_min_deg": "lowest rule-of-thumb switch angle (literature)",
    "lit_rule_max_deg": "highest rule-of-thumb switch angle (literature)",
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
    m = re.fullmatch(r"lit_(.+?)_(low_|high_|)deg", key)
    if m and m.group(1) not in ("rule_min", "rule_max"):
        from .common import literature_by_id, literature_name

        e = literature_by_id().get(m.group(1))
        if e is not None:
            end = {"low_": "lower end" if e.get("high") is not None else "lower bound ('above about')",
                   "high_": "upper end", "": "switch angle"}[m.group(2)]
            return f"{literature_name(e)}, {end}"
    text = key
    for pat, rep in _LABEL_WORDS:
        text = re.sub(pat, rep, text)
    return text.strip()


def answer_markdown(ans: Answer, figure_file: str | None = None, figure_caption: str | None = None) -> str:
    """The answer as a Markdown document; ``figure_file`` is a PNG path beside it."""
    lines = [f"# {ans.question}", ""]
    if ans.asked and ans.asked.strip() != ans.question and not ans.question.endswith(": " + ans.asked.strip()):
        # a confidence only means something for a matched question, not for 'outside' or 'no match'
        unmatched = ans.out_of_scope or ans.question_id == NO_MATCH_ID
        conf = f" (match confidence {ans.confidence:.0%})" if ans.confidence is not None and not unmatched else ""
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
                  "when this answer was made. Lever arms are shown as sizes (the text says which way); a length change in "
                  "one step carries its sign (+ longer, − shorter).",
                  "", "| quantity | value |", "|---|---|"]
        lines += [f"| {number_label(k)} | {format_value(v, ans.units.get(k, ''))} |" for k, v in ans.numbers.items()]
        lines.append("")
    lines += ["## Sources", ""] + [f"- {s}" for s in dict.fromkeys(ans.sources)] + [""]
    lines += ["---", "*Made with hipmodel: a simplified straight-line model of published hip geometry. "
              "Muscle paths are straight lines between attachment points; real muscles wrap and spread. "
              "Anatomy education, not medical advice.*", ""]
    return "\n".join(lines)
