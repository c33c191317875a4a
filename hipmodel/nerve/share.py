"""What share of hips has a nerve division through the piriformis, in these data, beside the often-quoted 15-20%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from .data import NerveDataError, NerveVariants, QUOTED_THROUGH_RANGE_PERCENT, TypeValue, load_nerve_variants


def percent_text(x: float) -> str:
    """A percentage as printed: '90', '9.8', '4.4'."""
    return f"{x:.0f}" if abs(x - round(x)) < 1e-9 else f"{x:.1f}"


def _ci(ci) -> str:
    return f" (95% CI {ci[0]:.1f}-{ci[1]:.1f})" if ci else ""


def wilson_interval(count: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score 95% interval of a share ``count / n``, in percent (Wilson 1927).

    ``(p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)``; used for a single study's
    count, where a plain ±1.96 SE interval misbehaves for small counts.
    """
    if n <= 0 or count < 0 or count > n:
        raise ValueError(f"need 0 <= count <= n and n > 0, got {count}/{n}")
    p = count / n
    zz = z * z
    centre = p + zz / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + zz / (4 * n * n))
    den = 1 + zz / n
    return (100.0 * (centre - half) / den, 100.0 * (centre + half) / den)


@dataclass(frozen=True)
class ShareEstimate:
    """One study's figure for a share of limbs, in percent.

    ``kind`` is ``"counted"`` (counts of every type with a division through the muscle,
    over the sample), ``"pooled"`` (pooled percentages of all those types),
    ``"partial"`` (only some of those types reported: a lower bound) or
    ``"any variant"`` (every variant, including nerves above the muscle: an upper bound
    for the share through).
    """

    study_id: str
    short: str
    kind: str
    percent: float
    letters: tuple[str, ...] = ()
    count: int | None = None
    n: int | None = None
    unit: str = ""
    ci95: tuple[float, float] | None = None
    approximate: bool = False
    method: str = ""
    citation: str = ""
    by_letter: tuple[tuple[str, float], ...] = ()
    subgroup: str = ""

    @property
    def main_letter(self) -> str:
        """The type with the largest part of this share, or '' if none or tied."""
        if not self.by_letter:
            return ""
        ranked = sorted(self.by_letter, key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return ""
        return ranked[0][0] if ranked[0][1] > 0 else ""

    @property
    def text(self) -> str:
        approx = "about " if self.approximate else ""
        if self.count is not None and self.n:
            lo, hi = wilson_interval(self.count, self.n)
            exact = 100.0 * self.count / self.n
            # the published share, and the count's own where rounding made them differ (19/294 = 6.46%, published 6.4%)
            shown = percent_text(self.percent)
            core = (f"{self.count} of {self.n} {self.unit} = {exact:.1f}%" if f"{exact:.1f}" == shown else
                    f"{self.count} of {self.n} {self.unit}: {shown}% as published ({exact:.2f}% by the count)")
            core += f" (95% CI {lo:.1f}-{hi:.1f}, Wilson)"
        else:
            core = f"{approx}{percent_text(self.percent)}%{_ci(self.ci95)}"
        if self.count is not None and self.by_letter:
            what = "types " + " + ".join(f"{k} {v:g}" for k, v in self.by_letter)
        else:
            what = f"type{'s' if len(self.letters) > 1 else ''} {'+'.join(self.letters)}" if self.letters else ""
        if self.kind == "partial":
            what += " only, other types not reported"
        return f"{self.short} ({self.method}): {core}" + (f" [{what}]" if what else "")


@dataclass(frozen=True)
class ShareThrough:
    """The share of limbs with a nerve division through the piriformis, from the data."""

    through_letters: tuple[str, ...]
    through: tuple[ShareEstimate, ...]
    any_variant: tuple[ShareEstimate, ...]
    quoted_range: tuple[float, float] = QUOTED_THROUGH_RANGE_PERCENT
    subgroups: tuple[ShareEstimate, ...] = ()  # any variant in a named population (not patients)
    typed: tuple[str, ...] = ()  # short names of the studies that give type figures with most variants type B

    def subgroup_rows(self) -> tuple[ShareEstimate, ...]:
        return self.subgroups

    def type_b_majority_studies(self) -> tuple[str, ...]:
        return self.typed

    @property
    def through_range(self) -> tuple[float, float]:
        """Lowest and highest share through the muscle (percent) over the studies."""
        v = [e.percent for e in self.through]
        return (min(v), max(v))

    @property
    def any_variant_range(self) -> tuple[float, float]:
        v = [e.percent for e in self.any_variant]
        return (min(v), max(v))

    @property
    def summary(self) -> str:
        """One paragraph: the share through, the share with any variant, the quoted figure."""
        lo, hi = self.through_range
        alo, ahi = self.any_variant_range
        q0, q1 = self.quoted_range
        letters = ", ".join(self.through_letters)
        main = ""
        if self.typed:
            who = self.typed[0] if len(self.typed) == 1 else ", ".join(self.typed[:-1]) + " and " + self.typed[-1]
            main = f" In the studies that give types ({who}) most of them are type B."
        widest = max((e for e in self.through if e.ci95), key=lambda e: e.ci95[1], default=None)
        ci_note = (f" (up to {widest.ci95[1]:.1f}% at the upper 95% confidence limit of the {widest.short} figure)"
                   if widest is not None and widest.ci95[1] > math.ceil(hi) else "")
        sub = "".join(f", and in {percent_text(e.percent)}% in {e.subgroup} ({e.short})" for e in self.subgroups)
        text = (
            f"In these data the nerve or one of its divisions passes through the piriformis (types {letters}) in about "
            f"{math.floor(lo):.0f}-{math.ceil(hi):.0f}% of limbs{ci_note}.{main} Any variant at all, which also counts "
            f"nerves running above the muscle and unclassified ones, is reported in {percent_text(alo)}-{percent_text(ahi)}% "
            f"of limbs in general samples{sub}. {shares_of_sentence(self.through + self.any_variant + self.subgroups)} "
            f"The often-quoted '{q0:g}-{q1:g}% of people have the nerve passing through the piriformis' "
        )
        overlaps_any = q0 <= ahi and alo <= q1
        if q0 > hi:
            text += f"is higher than every through-the-muscle estimate here (at most {percent_text(hi)}%)"
            text += (", but close to the share with any variant, which includes nerves that run above the "
                     "muscle rather than through it." if overlaps_any else ".")
        else:
            text += "overlaps the through-the-muscle estimates here."
        return text

    @property
    def dominant_letter(self) -> str:
        """The type that makes up most of every counted or pooled share through, or ''."""
        best = {e.main_letter for e in self.through if e.main_letter}
        return best.pop() if len(best) == 1 else ""

    @property
    def text(self) -> str:
        """The summary with each study's figure and source, several lines."""
        lines = [f"Nerve division through the piriformis (types {', '.join(self.through_letters)}):"]
        lines += [f"  - {e.text}" for e in self.through]
        lines.append("Any variant (every course but type A, including nerves above the muscle):")
        lines += [f"  - {e.text}" for e in self.any_variant]
        lines.append(f"Often quoted: {self.quoted_range[0]:g}-{self.quoted_range[1]:g}% 'through the muscle'.")
        lines.append(self.summary)
        return "\n".join(lines)


def share_through(variants: NerveVariants | None = None) -> ShareThrough:
    """What share of limbs have a nerve division through the piriformis, per study.

    For each study with type figures, the share through is the sum over the types with
    a division through the muscle (B, D and E in Beaton & Anson's scheme, read from the
    data): counts over the sample where counts are given (a type missing from a
    complete breakdown counts as zero), else the pooled percentages; a study that
    reports only some of those types gives a lower bound (``kind="partial"``). The share
    with any variant, reported by several studies, is listed beside it: it also counts
    nerves above the muscle, so it is an upper bound for the share through.

    Returns
    -------
    ShareThrough
        ``.through`` and ``.any_variant`` estimates, ``.summary`` (one paragraph) and
        ``.text`` (a per-study listing plus the summary).
    """
    v = variants or load_nerve_variants()
    letters = tuple(t.letter for t in v.types if t.has_division_through)
    through, anyv, subs, typed = [], [], [], []
    for s in v.studies:
        vals = {t.key: t for t in s.types}
        have = [k for k in letters if k in vals]
        if s.complete_breakdown:
            by = tuple((k, vals[k].count if k in vals else 0) for k in letters)
            count = sum(c for _, c in by)
            through.append(ShareEstimate(s.id, s.short, "counted", 100.0 * count / s.sample_size, letters,
                                         count, s.sample_size, s.sample_unit,
                                         ci95=wilson_interval(count, s.sample_size), method=s.design,
                                         citation=s.citation, by_letter=by))
        elif have:
            pct = sum(vals[k].percent for k in have)
            ci = vals[have[0]].ci95 if len(have) == 1 else None
            kind = "pooled" if len(have) == len(letters) else "partial"
            through.append(ShareEstimate(s.id, s.short, kind, pct, tuple(have), unit=s.sample_unit, ci95=ci,
                                         method=s.design,
                                         citation=s.citation, by_letter=tuple((k, vals[k].percent) for k in have)))
        if s.types and "B" in vals:
            others = [t for t in s.types if t.key != "A"]
            pb = vals["B"].percent if vals["B"].percent is not None else vals["B"].count
            if all((t.percent if t.percent is not None else t.count) <= pb for t in others):
                typed.append(s.short)
        for f in s.findings:
            if f.measure != "any_variant":
                continue
            n = s.sample_size if f.count is not None else None
            ci = f.ci95 if f.ci95 or f.count is None or not n else wilson_interval(f.count, n)
            est = ShareEstimate(s.id, s.short, "any variant", f.percent, (), f.count, n, s.sample_unit,
                                ci, f.approximate, s.design, s.citation)
            if not f.subgroup:
                anyv.append(est)
            elif not any(w in s.sample_unit for w in ("operated", "case", "patient")):  # a population, not patients
                subs.append(replace(est, subgroup=f.subgroup))
    if not through or not anyv:
        raise NerveDataError("sciatic_variants.json: field 'studies': no study gives the share through the "
                             "muscle and the share with any variant")
    return ShareThrough(letters, tuple(through), tuple(sorted(anyv, key=lambda e: e.percent)),
                        subgroups=tuple(subs), typed=tuple(typed))


def type_prevalence_lines(letter: str, variants: NerveVariants | None = None) -> list[str]:
    """Each study's figure for one type, one short line each, e.g. ``'Natsis 2014: 12/294 (4.1%)'``."""
    v = variants or load_nerve_variants()
    letter = v.type(letter).letter
    out = []
    for s in v.studies:
        tv = s.type_value(letter)
        if tv is None and s.complete_breakdown:
            tv = TypeValue(letter, 0, 0.0)
        if tv is None:
            continue
        if tv.count is not None:
            out.append(f"{s.short}: {tv.count}/{s.sample_size} ({percent_text(tv.percent if tv.percent is not None else 100.0 * tv.count / s.sample_size)}%)")
        else:
            out.append(f"{s.short}: {percent_text(tv.percent)}%{_ci(tv.ci95)}" + (" pooled" if s.pooled and not tv.ci95 else ""))
    return out


LIMB_UNITS = ("limbs", "hips")


def share_of(unit: str) -> str:
    """What a study's shares are of, in words: 'limbs', 'hips', or for a count of cadavers that a
    share could be per limb or per cadaver, saying so; never 'people' unless the data say it."""
    u = str(unit or "").strip()
    if not u:
        return "not stated"
    if u in ("cadavers", "bodies"):
        return f"{u} (per limb or per {u[:-1]} not stated)"
    return u


def shares_of_sentence(estimates) -> str:
    """'All shares are of limbs (hips), not of people.', naming any study whose shares are of something else."""
    odd: dict[str, str] = {}
    for e in estimates:
        if e.unit and e.unit not in LIMB_UNITS:
            odd.setdefault(e.short, share_of(e.unit))
    if not odd:
        return "All shares are of limbs (hips), not of people."
    rest = "; ".join(f"{k}'s are of {v}" for k, v in odd.items())
    return f"The shares are of limbs (hips), not of people, except that {rest}."


def units_text(variants: NerveVariants | None = None) -> str:
    """'shares of limbs (hips), not of people, except Smoll 2010 (6062 cadavers: per limb or per
    cadaver not stated)': what every study's shares are of, from each study's sample_unit."""
    v = variants or load_nerve_variants()
    odd = [s for s in v.studies if s.sample_unit and s.sample_unit not in LIMB_UNITS
           and s.sample_unit in ("cadavers", "bodies")]
    text = "shares of limbs (hips), not of people"
    if odd:
        text += ", except " + "; ".join(f"{s.short} ({s.n_text}: {share_of(s.sample_unit).split('(', 1)[1].rstrip(')')})"
                                        for s in odd)
    return text


def prevalence_rows(variants: NerveVariants | None = None) -> list[dict]:
    """Plain rows for a prevalence chart, one per (study, measure).

    Each row is a dict: ``study`` (short name), ``n_text``, ``measure`` (one of
    ``'type A'``, ``'type B'``, ..., ``'through'``, ``'any variant'``), ``label``,
    ``percent``, ``ci95`` (tuple or None), ``pooled`` (bool), ``approximate`` (bool),
    ``subgroup`` (str), ``share_of`` (what the share is of: 'limbs', 'hips', 'cadavers (per limb
    or per cadaver not stated)', ...; :func:`share_of`). Only figures in the data file, plus the
    through-the-muscle sums of :func:`share_through`.
    """
    v = variants or load_nerve_variants()
    rows = []
    for s in v.studies:
        for tv in s.types:
            pct = tv.percent if tv.percent is not None else 100.0 * tv.count / s.sample_size
            ci = tv.ci95 or (wilson_interval(tv.count, s.sample_size) if tv.count is not None and s.sample_size
                             else None)
            rows.append(dict(study=s.short, n_text=s.n_text, measure=f"type {tv.key}", label=f"type {tv.key}",
                             percent=pct, ci95=ci, pooled=s.pooled, approximate=False, subgroup="",
                             share_of=share_of(s.sample_unit)))
        for f in s.findings:
            if f.measure != "any_variant":
                continue
            ci = f.ci95 or (wilson_interval(f.count, s.sample_size) if f.count is not None and s.sample_size else None)
            rows.append(dict(study=s.short, n_text=s.n_text, measure="any variant", label=f.label, percent=f.percent,
                             ci95=ci, pooled=s.pooled, approximate=f.approximate, subgroup=f.subgroup,
                             share_of=share_of(s.sample_unit)))
    for e in share_through(v).through:
        s = v.study(e.study_id)
        rows.append(dict(study=s.short, n_text=s.n_text, measure="through",
                         label=("division through (type " + "+".join(e.letters)
                                + (" only" if e.kind == "partial" else "") + ")"),
                         percent=e.percent, ci95=e.ci95, pooled=s.pooled, approximate=False, subgroup="",
                         partial=e.kind == "partial", share_of=share_of(s.sample_unit)))
    return rows
