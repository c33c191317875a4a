"""Sciatic nerve and piriformis: Beaton & Anson types A-F, their prevalence, a schematic.

Three parts, numpy only:

* data: :func:`load_nerve_variants` reads ``data/sciatic_variants.json`` (the six types
  and the prevalence studies, each number beside its source) and validates all of it
  before building anything, so the data are loaded whole or not at all; every problem
  raises :class:`NerveDataError` naming the file and the field.
* numbers: :func:`share_through` says what share of limbs have a nerve division passing
  through the piriformis according to these data, set beside the share with any
  variant and the often-quoted "15-20%".
* geometry: :func:`nerve_paths_2d` draws a type schematically around a piriformis band
  given by its two end points, for this module's figures and for the app's anatomy view.

Convention (stated once)
------------------------
The schematic is a 2-D posterior view: ``x`` points lateral (to the right for a right
hip seen from behind), ``y`` points superior. The piriformis is a band from its origin
on the sacrum (``start``, medial) to the greater trochanter (``end``, lateral). Lengths
are in whatever unit the caller uses (the app passes metres); nothing depends on scale.
"Above" and "below" the band mean on its superior and inferior side: the side of the
band's normal with a positive ``y`` component is superior.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np

from .datafile import DATA_DIR, DataFileError, FieldChecker, cached, parse_json, read_text

__all__ = [
    "NERVE_DATA_FILE",
    "RELATIONS",
    "DIVISIONS",
    "QUOTED_THROUGH_RANGE_PERCENT",
    "NerveDataError",
    "VariantType",
    "TypeValue",
    "Finding",
    "Study",
    "NerveVariants",
    "load_nerve_variants",
    "nerve_variants_from_json",
    "ShareEstimate",
    "ShareThrough",
    "share_through",
    "type_prevalence_lines",
    "prevalence_rows",
    "NervePath",
    "NerveSchematic",
    "nerve_paths_2d",
    "nerve_paths_from_relations",
]

NERVE_DATA_FILE = DATA_DIR / "sciatic_variants.json"
SCHEMA_VERSION = 1
MAX_FILE_BYTES = 1_000_000
RELATIONS = ("below", "through", "above")
DIVISIONS = ("tibial", "common fibular")
FLAGS = ("VERIFIED", "SECONDARY")
MEASURES = ("any_variant", "piriformis_syndrome")
# The pairs of relations each Beaton & Anson type allows (which division takes which
# relation is left to the data file): catches a slip that swaps two letters.
BEATON_ANSON_RELATIONS = {
    "A": frozenset({"below"}),
    "B": frozenset({"below", "through"}),
    "C": frozenset({"above", "below"}),
    "D": frozenset({"through"}),
    "E": frozenset({"through", "above"}),
    "F": frozenset({"above"}),
}
# "15-20% of people have the nerve passing through the piriformis", as often quoted
QUOTED_THROUGH_RANGE_PERCENT = (15.0, 20.0)
# published percentages are sometimes nudged so a table adds up to 100 (Natsis 2014
# prints 275/294 = 93.54% as 93.6%): allow this much beyond plain rounding
ROUNDING_SLACK_PERCENT = 0.05


class NerveDataError(DataFileError):
    """The nerve-variant data file is missing, malformed or inconsistent.

    The message names the file and the field (JSON path) at fault.
    """


# ---------------------------------------------------------------------------------
# Data classes
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantType:
    """One Beaton & Anson type: where each division passes the piriformis.

    ``tibial`` and ``common_fibular`` are each one of ``"below"``, ``"through"``,
    ``"above"``; an undivided nerve has the same relation for both.
    """

    letter: str
    divided: bool
    tibial: str
    common_fibular: str
    short: str
    description: str
    source: str

    @property
    def relations(self) -> dict[str, str]:
        """``{'sciatic': rel}`` if undivided, else ``{'tibial': rel, 'common fibular': rel}``."""
        if not self.divided:
            return {"sciatic": self.tibial}
        return {"tibial": self.tibial, "common fibular": self.common_fibular}

    @property
    def has_division_through(self) -> bool:
        """True when any part of the nerve passes through the muscle."""
        return "through" in (self.tibial, self.common_fibular)

    @property
    def muscle_split(self) -> bool:
        """True when the muscle is drawn as two heads (a division passes between them)."""
        return self.has_division_through


@dataclass(frozen=True)
class TypeValue:
    """A study's figure for one category: a count and/or a percentage (0-100).

    ``ci95`` is the 95% confidence interval in percent, or None.
    """

    key: str
    count: int | None = None
    percent: float | None = None
    ci95: tuple[float, float] | None = None
    label: str = ""


@dataclass(frozen=True)
class Finding:
    """A study's summary figure, such as the share with any variant."""

    measure: str
    label: str
    percent: float
    count: int | None = None
    ci95: tuple[float, float] | None = None
    subgroup: str = ""
    approximate: bool = False


@dataclass(frozen=True)
class Study:
    """One prevalence study, every figure in it from ``source``."""

    id: str
    short: str
    source: str
    citation: str
    flag: str
    design: str
    sample_size: int | None
    sample_unit: str
    n_studies: int | None
    pooled: bool
    complete_breakdown: bool
    types: tuple[TypeValue, ...]
    other: tuple[TypeValue, ...]
    findings: tuple[Finding, ...]
    note: str = ""

    def type_value(self, letter: str) -> TypeValue | None:
        """The figure for a type, or None if the study gives none."""
        for v in self.types:
            if v.key == letter:
                return v
        return None

    @property
    def n_text(self) -> str:
        """Sample size in words, e.g. ``'n = 294 limbs'`` or ``'44 studies, n not given'``."""
        parts = []
        if self.n_studies:
            parts.append(f"{self.n_studies} studies")
        if self.sample_size:
            parts.append(f"n = {self.sample_size} {self.sample_unit}")
        else:
            parts.append("n not given")
        return ", ".join(parts)


@dataclass(frozen=True)
class NerveVariants:
    """The whole data file, validated."""

    title: str
    description: str
    left_out: str
    sources: dict
    types: tuple[VariantType, ...]
    studies: tuple[Study, ...]
    classification_sources: tuple[str, ...] = ()
    division_assignment_note: str = ""
    path: str = ""
    _types: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(t.letter for t in self.types)

    def type(self, letter: str) -> VariantType:
        """A type by letter (case-insensitive).

        Raises
        ------
        ValueError
            One line naming the valid letters.
        """
        key = str(letter).strip().upper()
        if key not in self._types:
            raise ValueError(
                f"unknown Beaton & Anson type {str(letter)!r} (valid: {', '.join(self.letters)})"
            )
        return self._types[key]

    def study(self, study_id: str) -> Study:
        for s in self.studies:
            if s.id == study_id:
                return s
        raise KeyError(f"unknown study {study_id!r} (known: {', '.join(s.id for s in self.studies)})")

    def citation(self, key: str) -> str:
        return self.sources[key]["citation"]


# ---------------------------------------------------------------------------------
# Loading and validation
# ---------------------------------------------------------------------------------


class _Reported(float):
    """A float from the file that remembers how many decimals it was written with."""

    decimals: int = 0


def _parse_float(text: str) -> float:
    v = _Reported(text)
    v.decimals = len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 0
    return v


def _decimals(v) -> int:
    return getattr(v, "decimals", 0)


class _Checker(FieldChecker):
    error = NerveDataError

    def count(self, value, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(where, f"expected a whole number >= 0, got {value!r}")
        return int(value)

    def percent(self, value, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(where, f"expected a percentage (number), got {value!r}")
        if not 0.0 <= value <= 100.0:
            self.fail(where, f"{value!r} is not a percentage in 0..100")
        return value

    def ci(self, value, where: str, pct: float) -> tuple[float, float]:
        if not isinstance(value, list) or len(value) != 2:
            self.fail(where, f"expected [low, high] in percent, got {value!r}")
        lo = self.percent(value[0], f"{where}[0]")
        hi = self.percent(value[1], f"{where}[1]")
        if not lo <= pct <= hi:
            self.fail(where, f"interval [{lo:g}, {hi:g}] does not contain the estimate {pct:g}%")
        return (float(lo), float(hi))

    def matches(self, count: int, pct, n: int, where: str):
        """The printed percentage must be count/n, rounded as printed (plus a little slack)."""
        exact = 100.0 * count / n
        tol = 0.5 * 10.0 ** -_decimals(pct) + ROUNDING_SLACK_PERCENT
        if abs(exact - float(pct)) > tol + 1e-9:
            self.fail(where, f"{float(pct):g}% does not match {count}/{n} = {exact:.2f}% (tolerance {tol:.2f})")


def _value(c: _Checker, raw, where: str, key: str, n: int | None, label: str = "") -> TypeValue:
    count = c.get(raw, "count", where, optional=True)
    pct = c.get(raw, "percent", where, optional=True)
    ci = c.get(raw, "ci95", where, optional=True)
    if count is None and pct is None:
        c.fail(where, "needs a 'count' or a 'percent'")
    if count is not None:
        count = c.count(count, f"{where}.count")
        if n is None:
            c.fail(f"{where}.count", "a count needs the study's 'sample_size'")
        if count > n:
            c.fail(f"{where}.count", f"{count} is larger than the sample size {n}")
    if pct is not None:
        c.percent(pct, f"{where}.percent")
        if count is not None:
            c.matches(count, pct, n, f"{where}.percent")
    if ci is not None:
        if pct is None:
            c.fail(f"{where}.ci95", "an interval needs a 'percent'")
        ci = c.ci(ci, f"{where}.ci95", pct)
    return TypeValue(key=key, count=count, percent=None if pct is None else float(pct), ci95=ci, label=label)


def _parse(data, fname: str, path: str) -> NerveVariants:
    c = _Checker(fname)
    if not isinstance(data, dict):
        c.fail("(top level)", "expected a JSON object")
    version = c.get(data, "schema_version", "", int)
    if version != SCHEMA_VERSION:
        c.fail("schema_version", f"unsupported version {version} (this hipmodel reads {SCHEMA_VERSION})")
    title = c.get(data, "title", "", str)

    sources = c.get(data, "sources", "", dict)
    if not sources:
        c.fail("sources", "at least one source is required")
    for key, src in sources.items():
        w = f"sources.{key}"
        c.get(src, "citation", w, str)
        flag = c.get(src, "flag", w, str)
        if flag not in FLAGS:
            c.fail(f"{w}.flag", f"{flag!r} is not one of {', '.join(FLAGS)} (unverified numbers do not belong here)")

    def source_key(value, where):
        if not isinstance(value, str) or value not in sources:
            c.fail(where, f"unknown source {value!r} (defined: {', '.join(sources)})")
        return value

    classification = c.get(data, "classification_sources", "", list)
    if not classification:
        c.fail("classification_sources", "at least one source for the type definitions is required")
    for i, key in enumerate(classification):
        source_key(key, f"classification_sources[{i}]")

    # --- types
    types_raw = c.get(data, "types", "", list)
    types, index = [], {}
    for i, tr in enumerate(types_raw):
        w = f"types[{i}]"
        letter = c.get(tr, "letter", w, str)
        if letter not in BEATON_ANSON_RELATIONS:
            c.fail(f"{w}.letter", f"{letter!r} is not a Beaton & Anson type (A-F)")
        w = f"types[{i}] ({letter})"
        if letter in index:
            c.fail(f"{w}.letter", f"type {letter} appears twice")
        divided = c.get(tr, "divided", w, bool)
        rel = {}
        for div, key in (("tibial", "tibial"), ("common fibular", "common_fibular")):
            r = c.get(tr, key, w, str)
            if r not in RELATIONS:
                c.fail(f"{w}.{key}", f"{r!r} is not one of {', '.join(RELATIONS)}")
            rel[key] = r
        if not divided and rel["tibial"] != rel["common_fibular"]:
            c.fail(w, "an undivided nerve cannot take two routes: 'tibial' and 'common_fibular' must agree")
        if divided and rel["tibial"] == rel["common_fibular"]:
            c.fail(w, "a divided nerve takes two different routes here: 'tibial' and 'common_fibular' must differ")
        if frozenset(rel.values()) != BEATON_ANSON_RELATIONS[letter]:
            want = " and ".join(sorted(BEATON_ANSON_RELATIONS[letter]))
            c.fail(w, f"Beaton & Anson type {letter} runs {want} the muscle; the file says "
                      f"tibial {rel['tibial']}, common fibular {rel['common_fibular']}")
        vt = VariantType(
            letter=letter,
            divided=divided,
            tibial=rel["tibial"],
            common_fibular=rel["common_fibular"],
            short=c.get(tr, "short", w, str),
            description=c.get(tr, "description", w, str),
            source=source_key(c.get(tr, "source", w), f"{w}.source"),
        )
        index[letter] = vt
        types.append(vt)
    missing = [k for k in BEATON_ANSON_RELATIONS if k not in index]
    if missing:
        c.fail("types", f"type(s) {', '.join(missing)} missing: all six Beaton & Anson types are needed")

    # --- studies
    studies, seen = [], set()
    for i, sr in enumerate(c.get(data, "studies", "", list)):
        w = f"studies[{i}]"
        sid = c.get(sr, "id", w, str)
        w = f"studies[{i}] ({sid})"
        if sid in seen:
            c.fail(f"{w}.id", f"study id {sid!r} appears twice")
        seen.add(sid)
        src = source_key(c.get(sr, "source", w), f"{w}.source")
        flag = c.get(sr, "flag", w, str)
        if flag not in FLAGS:
            c.fail(f"{w}.flag", f"{flag!r} is not one of {', '.join(FLAGS)}")
        n = c.get(sr, "sample_size", w, int, optional=True)
        if n is not None and n <= 0:
            c.fail(f"{w}.sample_size", f"must be a positive whole number, got {n}")
        n_studies = c.get(sr, "n_studies", w, int, optional=True)
        if n_studies is not None and n_studies <= 0:
            c.fail(f"{w}.n_studies", f"must be a positive whole number, got {n_studies}")
        complete = c.get(sr, "complete_breakdown", w, bool, optional=True, default=False)

        tvals = []
        for letter, raw in c.get(sr, "types", w, dict).items():
            if letter not in index:
                c.fail(f"{w}.types.{letter}", f"unknown type letter {letter!r} (defined: {', '.join(index)})")
            tvals.append(_value(c, raw, f"{w}.types.{letter}", letter, n))
        others = []
        for j, raw in enumerate(c.get(sr, "other", w, list, optional=True, default=[])):
            label = c.get(raw, "label", f"{w}.other[{j}]", str)
            others.append(_value(c, raw, f"{w}.other[{j}]", label, n, label))
        findings = []
        for j, fr in enumerate(c.get(sr, "findings", w, list, optional=True, default=[])):
            fw = f"{w}.findings[{j}]"
            measure = c.get(fr, "measure", fw, str)
            if measure not in MEASURES:
                c.fail(f"{fw}.measure", f"{measure!r} is not one of {', '.join(MEASURES)}")
            label = c.get(fr, "label", fw, str)
            if "percent" not in fr:
                c.fail(f"{fw}.percent", "missing")
            v = _value(c, fr, fw, measure, n, label)
            findings.append(Finding(
                measure=measure, label=label, percent=v.percent, count=v.count, ci95=v.ci95,
                subgroup=c.get(fr, "subgroup", fw, str, optional=True, default=""),
                approximate=c.get(fr, "approximate", fw, bool, optional=True, default=False),
            ))

        counted = tvals + others
        total = sum(v.count for v in counted if v.count is not None)
        if n is not None and total > n:
            c.fail(f"{w}.types", f"counts add up to {total}, more than the sample size {n}")
        if complete:
            if n is None:
                c.fail(f"{w}.sample_size", "a complete breakdown needs the sample size")
            no_count = [v.key for v in counted if v.count is None]
            if no_count:
                c.fail(f"{w}.types", f"a complete breakdown needs counts; none for {', '.join(no_count)}")
            if total != n:
                c.fail(f"{w}.types", f"counts add up to {total}, not the sample size {n} "
                                     "(complete_breakdown is true)")
            typical = next((v.count for v in tvals if v.key == "A"), 0)
            for j, f in enumerate(findings):
                if f.measure == "any_variant" and not f.subgroup and f.count is not None and f.count != n - typical:
                    c.fail(f"{w}.findings[{j}].count",
                           f"{f.count} limbs with a variant, but the breakdown gives {n} - {typical} = {n - typical}")
        pct_total = sum(v.percent for v in counted if v.percent is not None)
        if pct_total > 100.0 + 0.1 * len(counted) + 1e-9:  # each printed share may be off by rounding
            c.fail(f"{w}.types", f"percentages add up to {pct_total:.1f}, more than 100")

        studies.append(Study(
            id=sid,
            short=c.get(sr, "short", w, str),
            source=src,
            citation=sources[src]["citation"],
            flag=flag,
            design=c.get(sr, "design", w, str),
            sample_size=n,
            sample_unit=c.get(sr, "sample_unit", w, str),
            n_studies=n_studies,
            pooled=c.get(sr, "pooled", w, bool, optional=True, default=False),
            complete_breakdown=complete,
            types=tuple(sorted(tvals, key=lambda v: v.key)),
            other=tuple(others),
            findings=tuple(findings),
            note=c.get(sr, "note", w, str, optional=True, default=""),
        ))
    if not studies:
        c.fail("studies", "at least one study is required")

    return NerveVariants(
        title=title,
        description=data.get("description", ""),
        left_out=data.get("left_out", ""),
        sources=sources,
        types=tuple(sorted(types, key=lambda t: t.letter)),
        studies=tuple(studies),
        classification_sources=tuple(classification),
        division_assignment_note=data.get("division_assignment_note", ""),
        path=path,
        _types=index,
    )


def nerve_variants_from_json(text: str, fname: str = "<nerve data>", path: str = "") -> NerveVariants:
    """Parse and validate nerve-variant data from JSON text (no file access)."""
    return _parse(parse_json(text, fname, NerveDataError, parse_float=_parse_float), fname, path)


_CACHE: dict = {}


def load_nerve_variants(path: str | Path | None = None) -> NerveVariants:
    """Load and validate the nerve-variant data (cached; reloaded when the file changes).

    Parameters
    ----------
    path : str or Path, optional
        A data file; default the bundled ``data/sciatic_variants.json``.

    Raises
    ------
    NerveDataError
        The file is missing, too large, not JSON, or fails validation; the message
        names the file and the field.
    """
    p = Path(path) if path is not None else NERVE_DATA_FILE

    def load(q: Path) -> NerveVariants:
        return nerve_variants_from_json(read_text(q, MAX_FILE_BYTES, NerveDataError), q.name, str(q))

    return cached(_CACHE, p, load, NerveDataError)


# ---------------------------------------------------------------------------------
# What share has a division through the muscle?
# ---------------------------------------------------------------------------------


def _pct(x: float) -> str:
    """A percentage as printed: '90', '9.8', '4.4'."""
    return f"{x:.0f}" if abs(x - round(x)) < 1e-9 else f"{x:.1f}"


def _ci(ci) -> str:
    return f" (95% CI {ci[0]:.1f}-{ci[1]:.1f})" if ci else ""


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
            core = f"{self.count} of {self.n} {self.unit} = {_pct(self.percent)}%"
        else:
            core = f"{approx}{_pct(self.percent)}%{_ci(self.ci95)}"
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
        main = f" Most of them are type {self.dominant_letter}." if self.dominant_letter else ""
        widest = max((e for e in self.through if e.ci95), key=lambda e: e.ci95[1], default=None)
        ci_note = (f" (up to {widest.ci95[1]:.1f}% at the upper 95% confidence limit of the {widest.short} figure)"
                   if widest is not None and widest.ci95[1] > math.ceil(hi) else "")
        text = (
            f"In these data a nerve division passes through the piriformis (types {letters}) in about "
            f"{math.floor(lo):.0f}-{math.ceil(hi):.0f}% of limbs{ci_note}.{main} Any variant at all, which also counts "
            f"nerves running above the muscle and unclassified ones, is reported in {_pct(alo)}-{_pct(ahi)}%. "
            f"The often-quoted '{q0:g}-{q1:g}% of people have the nerve passing through the piriformis' "
        )
        overlaps_any = q0 <= ahi and alo <= q1
        if q0 > hi:
            text += f"is higher than every through-the-muscle estimate here (at most {_pct(hi)}%)"
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
    through, anyv = [], []
    for s in v.studies:
        vals = {t.key: t for t in s.types}
        have = [k for k in letters if k in vals]
        if s.complete_breakdown:
            by = tuple((k, vals[k].count if k in vals else 0) for k in letters)
            count = sum(c for _, c in by)
            through.append(ShareEstimate(s.id, s.short, "counted", 100.0 * count / s.sample_size, letters,
                                         count, s.sample_size, s.sample_unit, method=s.design, citation=s.citation,
                                         by_letter=by))
        elif have:
            pct = sum(vals[k].percent for k in have)
            ci = vals[have[0]].ci95 if len(have) == 1 else None
            kind = "pooled" if len(have) == len(letters) else "partial"
            through.append(ShareEstimate(s.id, s.short, kind, pct, tuple(have), ci95=ci, method=s.design,
                                         citation=s.citation, by_letter=tuple((k, vals[k].percent) for k in have)))
        for f in s.findings:
            if f.measure == "any_variant" and not f.subgroup:
                n = s.sample_size if f.count is not None else None
                anyv.append(ShareEstimate(s.id, s.short, "any variant", f.percent, (), f.count, n, s.sample_unit,
                                          f.ci95, f.approximate, s.design, s.citation))
    if not through or not anyv:
        raise NerveDataError("sciatic_variants.json: field 'studies': no study gives the share through the "
                             "muscle and the share with any variant")
    return ShareThrough(letters, tuple(through), tuple(sorted(anyv, key=lambda e: e.percent)))


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
            out.append(f"{s.short}: {tv.count}/{s.sample_size} ({_pct(tv.percent if tv.percent is not None else 100.0 * tv.count / s.sample_size)}%)")
        else:
            out.append(f"{s.short}: {_pct(tv.percent)}%{_ci(tv.ci95)}" + (" pooled" if s.pooled and not tv.ci95 else ""))
    return out


def prevalence_rows(variants: NerveVariants | None = None) -> list[dict]:
    """Plain rows for a prevalence chart, one per (study, measure).

    Each row is a dict: ``study`` (short name), ``n_text``, ``measure`` (one of
    ``'type A'``, ``'type B'``, ..., ``'through'``, ``'any variant'``), ``label``,
    ``percent``, ``ci95`` (tuple or None), ``pooled`` (bool), ``approximate`` (bool),
    ``subgroup`` (str). Only figures in the data file, plus the through-the-muscle
    sums of :func:`share_through`.
    """
    v = variants or load_nerve_variants()
    rows = []
    for s in v.studies:
        for tv in s.types:
            pct = tv.percent if tv.percent is not None else 100.0 * tv.count / s.sample_size
            rows.append(dict(study=s.short, n_text=s.n_text, measure=f"type {tv.key}", label=f"type {tv.key}",
                             percent=pct, ci95=tv.ci95, pooled=s.pooled, approximate=False, subgroup=""))
        for f in s.findings:
            if f.measure != "any_variant":
                continue
            rows.append(dict(study=s.short, n_text=s.n_text, measure="any variant", label=f.label, percent=f.percent,
                             ci95=f.ci95, pooled=s.pooled, approximate=f.approximate, subgroup=f.subgroup))
    for e in share_through(v).through:
        s = v.study(e.study_id)
        rows.append(dict(study=s.short, n_text=s.n_text, measure="through",
                         label=("division through (type " + "+".join(e.letters)
                                + (" only" if e.kind == "partial" else "") + ")"),
                         percent=e.percent, ci95=e.ci95, pooled=s.pooled, approximate=False, subgroup="",
                         partial=e.kind == "partial"))
    return rows


# ---------------------------------------------------------------------------------
# Schematic geometry
# ---------------------------------------------------------------------------------

# shape constants, as fractions of the muscle length (t) or of its half width
_TAPER_START = 0.6        # the belly keeps its full width up to here ...
_TENDON_FRACTION = 0.4    # ... then narrows (pear-like) to this share of it at the trochanter
_GAP_FRACTION = 0.26      # half-gap between the two heads, share of the half width
_CLEARANCE = 0.45         # a division below/above clears the border by this share of the half width
_DIVISION_SPACING = 0.07  # tibial and common fibular cross this far apart along the muscle
_PELVIC_RISE = 2.6        # the pelvic part starts this many half widths above the axis
_PELVIC_BACK = 0.17       # ... and this far medial (share of the length)


@dataclass(frozen=True)
class NervePath:
    """One division's schematic course, top (inside the pelvis) to bottom (thigh).

    Attributes
    ----------
    name : str
        ``'sciatic'`` (undivided), ``'tibial'`` or ``'common fibular'``.
    relation : str
        ``'below'``, ``'through'`` or ``'above'`` the piriformis.
    xy : ndarray, shape (m, 2)
        The polyline, same units and frame as the muscle end points.
    exit_index : int
        ``xy[exit_index]`` is where the division passes the muscle (below its lower
        border, in the gap between its heads, or above its upper border). Before it
        the division is inside the pelvis, deep to the muscle (draw it dashed or under
        the muscle); from it on it is superficial (draw it solid, over the muscle).
    relative_width : float
        Drawing width relative to the undivided nerve (1.0).
    """

    name: str
    relation: str
    xy: np.ndarray
    exit_index: int
    relative_width: float = 1.0

    @property
    def crossing_xy(self) -> np.ndarray:
        """Where the division passes the muscle, shape (2,)."""
        return self.xy[self.exit_index]

    @property
    def pelvic_xy(self) -> np.ndarray:
        """The part inside the pelvis, deep to the muscle, shape (k, 2)."""
        return self.xy[: self.exit_index + 1]

    @property
    def outer_xy(self) -> np.ndarray:
        """The part outside the pelvis, superficial to the muscle, shape (m - k + 1, 2)."""
        return self.xy[self.exit_index:]


@dataclass(frozen=True)
class NerveSchematic:
    """A piriformis band with one Beaton & Anson type drawn around it.

    Attributes
    ----------
    type_letter : str
    muscle_start, muscle_end : ndarray, shape (2,)
        Sacral origin (medial) and trochanteric insertion (lateral).
    half_width : float
        The muscle belly's half width; the tendon narrows towards ``muscle_end``.
    axis : ndarray, shape (2,)
        Unit vector from start to end.
    normal : ndarray, shape (2,)
        Unit normal pointing to the superior side of the band.
    muscle_outlines : tuple of ndarray, each shape (k, 2)
        Closed polygons (last point equals the first): one band, or two heads
        (superior first) when a division passes through the muscle.
    gap_outline : ndarray, shape (k, 2), or None
        Closed polygon of the gap between the heads (None for a single band).
    divisions : tuple of NervePath
        ``('sciatic',)`` for an undivided nerve, else ``('tibial', 'common fibular')``.
    crossing_fraction : float
        Where along the muscle (0 = start, 1 = end) the nerve passes it.
    """

    type_letter: str
    muscle_start: np.ndarray
    muscle_end: np.ndarray
    half_width: float
    axis: np.ndarray
    normal: np.ndarray
    muscle_outlines: tuple[np.ndarray, ...]
    gap_outline: np.ndarray | None
    divisions: tuple[NervePath, ...]
    crossing_fraction: float

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.muscle_end - self.muscle_start))

    @property
    def split(self) -> bool:
        """True when the muscle has two heads."""
        return len(self.muscle_outlines) == 2

    def division(self, name: str) -> NervePath:
        for d in self.divisions:
            if d.name == name:
                return d
        raise KeyError(f"no division {name!r} in type {self.type_letter} "
                       f"(have: {', '.join(d.name for d in self.divisions)})")

    def muscle_coordinates(self, xy) -> np.ndarray:
        """Points in muscle coordinates: ``[..., 0]`` the fraction along the muscle
        (0 at start, 1 at end), ``[..., 1]`` the signed distance from the axis
        (positive on the superior side). ``xy`` shape (..., 2) -> (..., 2)."""
        d = np.asarray(xy, float) - self.muscle_start
        return np.stack([d @ self.axis / self.length, d @ self.normal], axis=-1)

    def half_width_at(self, t) -> np.ndarray:
        """Half width of the muscle outline at fraction ``t`` along it; shape of ``t``."""
        return _half_width(np.asarray(t, float), self.half_width)


def _half_width(t: np.ndarray, hw: float) -> np.ndarray:
    k = np.clip((t - _TAPER_START) / (1.0 - _TAPER_START), 0.0, 1.0)
    k = 0.5 - 0.5 * np.cos(np.pi * k)  # smooth narrowing into the tendon
    return hw * (1.0 - (1.0 - _TENDON_FRACTION) * k)


def _point2(value, name: str) -> np.ndarray:
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected two numbers (x, y), got {value!r}") from None
    if a.shape != (2,) or not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: expected two finite numbers (x, y), got {value!r}")
    return a


def nerve_paths_from_relations(
    relations: Mapping[str, str],
    muscle_start_xy,
    muscle_end_xy,
    muscle_half_width: float,
    *,
    crossing_fraction: float = 0.45,
    thigh_y: float | None = None,
    type_letter: str = "",
) -> NerveSchematic:
    """The schematic for explicit relations, e.g. ``{'tibial': 'below', 'common fibular': 'through'}``.

    ``relations`` is ``{'sciatic': rel}`` for an undivided nerve or has the keys
    ``'tibial'`` and ``'common fibular'``. Other arguments as :func:`nerve_paths_2d`.
    """
    s = _point2(muscle_start_xy, "muscle_start_xy")
    e = _point2(muscle_end_xy, "muscle_end_xy")
    length = float(np.linalg.norm(e - s))
    if not length > 0:
        raise ValueError("muscle_start_xy and muscle_end_xy are the same point: the piriformis needs a length")
    try:
        hw = float(muscle_half_width)
    except (TypeError, ValueError):
        raise ValueError(f"muscle_half_width: expected a number, got {muscle_half_width!r}") from None
    if not (math.isfinite(hw) and 0 < hw <= 0.5 * length):
        raise ValueError(f"muscle_half_width: must be > 0 and at most half the muscle length "
                         f"({0.5 * length:g}), got {muscle_half_width!r}")
    cf = float(crossing_fraction)
    if not 0.15 <= cf <= 0.5:
        raise ValueError(f"crossing_fraction: must be within 0.15..0.5 of the muscle length, got {crossing_fraction!r}")
    names = tuple(relations)
    if names not in (("sciatic",), DIVISIONS, DIVISIONS[::-1]):
        raise ValueError(f"relations: expected the key 'sciatic' or the keys 'tibial' and 'common fibular', got {names}")
    for k, r in relations.items():
        if r not in RELATIONS:
            raise ValueError(f"relations[{k!r}]: {r!r} is not one of {', '.join(RELATIONS)}")

    u = (e - s) / length
    n = np.array([-u[1], u[0]])
    if n[1] < 0:  # the superior side is the one facing +y
        n = -n

    # where each division passes: the tibial medial, the common fibular lateral
    if "sciatic" in relations:
        stations = {"sciatic": cf}
    else:
        stations = {"tibial": cf - _DIVISION_SPACING, "common fibular": cf + _DIVISION_SPACING}
    split = "through" in relations.values()

    def at(t, off):
        return s + np.multiply.outer(np.asarray(t, float) * length, u) + np.multiply.outer(np.asarray(off, float), n)

    # muscle outline(s)
    t_open = max(stations.values()) + 0.1 if split else 0.0
    t_join = t_open + 0.12
    t = np.unique(np.concatenate([np.linspace(0.0, 1.0, 61), [_TAPER_START, t_open, t_join]]))
    t = t[(t >= 0) & (t <= 1)]
    h = _half_width(t, hw)
    gap_hw = _GAP_FRACTION * hw
    if split:
        g = gap_hw * np.clip((t_join - t) / (t_join - t_open), 0.0, 1.0)
        upper = np.vstack([at(t, h), at(t[::-1], g[::-1])])
        lower = np.vstack([at(t, -g), at(t[::-1], -h[::-1])])
        outlines = (np.vstack([upper, upper[:1]]), np.vstack([lower, lower[:1]]))
        tg = t[t <= t_join]
        gg = g[t <= t_join]
        gap = np.vstack([at(tg, gg), at(tg[::-1], -gg[::-1])])
        gap = np.vstack([gap, gap[:1]])
    else:
        band = np.vstack([at(t, h), at(t[::-1], -h[::-1])])
        outlines = (np.vstack([band, band[:1]]),)
        gap = None

    # lowest point of the drawing so far decides the default end in the thigh
    lowest = min(float(o[:, 1].min()) for o in outlines)
    if thigh_y is None:
        thigh_y = lowest - 0.9 * length
    thigh_y = float(thigh_y)

    paths = []
    for name in (("sciatic",) if "sciatic" in relations else DIVISIONS):
        rel = relations[name]
        ts = stations[name]
        hs = float(_half_width(np.array(ts), hw))
        off = {"below": -(hs + _CLEARANCE * hw), "through": 0.0, "above": hs + _CLEARANCE * hw}[rel]
        cross = at(ts, off)
        origin = at(ts - _PELVIC_BACK, hw * _PELVIC_RISE)
        # the nerve comes down out of the pelvis, even past a muscle that rises laterally
        origin[1] = max(origin[1], cross[1] + 0.5 * _PELVIC_RISE * hw)
        if not thigh_y < cross[1] - 0.5 * hw:
            raise ValueError(f"thigh_y: {thigh_y:g} is not below where the nerve passes the muscle "
                             f"(y = {cross[1]:g})")
        end = np.array([cross[0], thigh_y])
        paths.append(NervePath(name, rel, np.vstack([origin, cross, end]), 1,
                               1.0 if name == "sciatic" else 0.72))

    return NerveSchematic(
        type_letter=type_letter,
        muscle_start=s,
        muscle_end=e,
        half_width=hw,
        axis=u,
        normal=n,
        muscle_outlines=outlines,
        gap_outline=gap,
        divisions=tuple(paths),
        crossing_fraction=cf,
    )


def nerve_paths_2d(
    type_letter: str,
    muscle_start_xy,
    muscle_end_xy,
    muscle_half_width: float,
    *,
    crossing_fraction: float = 0.45,
    thigh_y: float | None = None,
    variants: NerveVariants | None = None,
) -> NerveSchematic:
    """Schematic outline of the piriformis and the nerve's course for one Beaton & Anson type.

    Works for any band: the caller gives the muscle's two end points in its own 2-D
    posterior view (x lateral, y superior; e.g. metres from the hip model at the current
    pose) and everything is built relative to them. The origin may lie left or right of
    the insertion (a left hip) and the band may slope up or down; the below/through/above
    relations are tested for bands up to 60 degrees from horizontal (for a near-vertical
    band "above" and "below" lose their meaning, and the nerve may run beside it).

    Parameters
    ----------
    type_letter : str
        ``'A'`` to ``'F'`` (case-insensitive).
    muscle_start_xy : array_like, shape (2,)
        Sacral origin of the piriformis (medial end).
    muscle_end_xy : array_like, shape (2,)
        Insertion on the greater trochanter (lateral end).
    muscle_half_width : float
        Half the belly's width, same units; > 0 and at most half the muscle length.
        The outline narrows to 40% of it towards the trochanter (the tendon).
    crossing_fraction : float, optional
        Where along the muscle (0 = start, 1 = end) the nerve passes it; 0.15..0.5,
        default 0.45. A divided nerve's tibial division passes 0.07 medial of it and
        the common fibular 0.07 lateral.
    thigh_y : float, optional
        The ``y`` at which the nerve lines end in the thigh; default 0.9 muscle lengths
        below the lowest point of the muscle. Must lie below the crossing points.
    variants : NerveVariants, optional
        Data to read the type from; default :func:`load_nerve_variants`.

    Returns
    -------
    NerveSchematic
        ``.muscle_outlines``: tuple of closed polygons, each ndarray (k, 2): one band,
        or the superior and inferior heads when a division passes through (types B, D,
        E), with ``.gap_outline`` the slit between them, open at the sacral end.
        ``.divisions``: tuple of :class:`NervePath`, name ``'sciatic'`` (undivided, types
        A, D, F) or ``'tibial'`` and ``'common fibular'``; each ``.xy`` ndarray (3, 2)
        runs from inside the pelvis (above the band, medial) to the crossing point
        ``.crossing_xy`` (below the band, in the gap, or above the band, by 0.45 half
        widths of clearance) and straight down to ``thigh_y``. Points before
        ``.exit_index`` are deep to the muscle. ``.muscle_coordinates(xy)`` maps points
        to (fraction along, signed distance from the axis).

    Raises
    ------
    ValueError
        Unknown type letter, or end points / widths that make no band (one line).

    Examples
    --------
    >>> sch = nerve_paths_2d("B", (0.02, 0.0), (0.14, -0.03), 0.01)
    >>> [(d.name, d.relation) for d in sch.divisions]
    [('tibial', 'below'), ('common fibular', 'through')]
    >>> len(sch.muscle_outlines)
    2
    """
    vt = (variants or load_nerve_variants()).type(type_letter)
    return nerve_paths_from_relations(
        vt.relations, muscle_start_xy, muscle_end_xy, muscle_half_width,
        crossing_fraction=crossing_fraction, thigh_y=thigh_y, type_letter=vt.letter,
    )
