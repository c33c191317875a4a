"""Sciatic nerve variant data: the Beaton & Anson types and the prevalence studies, loaded and validated.

:func:`load_nerve_variants` reads ``data/sciatic_variants.json`` (each number beside its
source) and checks all of it before building anything; every problem raises
:class:`NerveDataError` naming the file and the field.
"""

from __future__ import annotations

from pathlib import Path

from ..datafile import DATA_DIR, DataFileError, FieldChecker, cached, parse_json, read_text
from .records import Finding, NerveVariants, Study, TypeValue, VariantType

__all__ = [
    "NERVE_DATA_FILE", "RELATIONS", "DIVISIONS", "BEATON_ANSON_RELATIONS", "QUOTED_THROUGH_RANGE_PERCENT",
    "NerveDataError", "VariantType", "TypeValue", "Finding", "Study", "NerveVariants",
    "load_nerve_variants", "nerve_variants_from_json",
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


def _sources(c: _Checker, data: dict) -> dict:
    sources = c.sources(data)
    for key, src in sources.items():
        flag = c.get(src, "flag", f"sources.{key}", str)
        if flag not in FLAGS:
            c.fail(f"sources.{key}.flag",
                   f"{flag!r} is not one of {', '.join(FLAGS)} (unverified numbers do not belong here)")
    return sources


def _variant_type(c: _Checker, tr: dict, i: int, index: dict, sources: dict) -> VariantType:
    """One Beaton & Anson type, its routes checked against the letter."""
    w = f"types[{i}]"
    letter = c.get(tr, "letter", w, str)
    if letter not in BEATON_ANSON_RELATIONS:
        c.fail(f"{w}.letter", f"{letter!r} is not a Beaton & Anson type (A-F)")
    w = f"types[{i}] ({letter})"
    if letter in index:
        c.fail(f"{w}.letter", f"type {letter} appears twice")
    divided = c.get(tr, "divided", w, bool)
    rel = {}
    for key in ("tibial", "common_fibular"):
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
    return VariantType(
        letter=letter,
        divided=divided,
        tibial=rel["tibial"],
        common_fibular=rel["common_fibular"],
        short=c.get(tr, "short", w, str),
        description=c.get(tr, "description", w, str),
        source=c.source_key(c.get(tr, "source", w), f"{w}.source", sources),
    )


def _variant_types(c: _Checker, data: dict, sources: dict) -> tuple[list[VariantType], dict]:
    types, index = [], {}
    for i, tr in enumerate(c.get(data, "types", "", list)):
        vt = _variant_type(c, tr, i, index, sources)
        index[vt.letter] = vt
        types.append(vt)
    missing = [k for k in BEATON_ANSON_RELATIONS if k not in index]
    if missing:
        c.fail("types", f"type(s) {', '.join(missing)} missing: all six Beaton & Anson types are needed")
    return types, index


def _findings(c: _Checker, sr: dict, w: str, n: int | None) -> list[Finding]:
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
    return findings


def _check_totals(c: _Checker, w: str, n: int | None, complete: bool, tvals: list, others: list, findings: list):
    """Counts within the sample (equal to it for a complete breakdown), shares within 100%."""
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


def _positive(c: _Checker, sr: dict, key: str, w: str) -> int | None:
    value = c.get(sr, key, w, int, optional=True)
    if value is not None and value <= 0:
        c.fail(f"{w}.{key}", f"must be a positive whole number, got {value}")
    return value


def _study(c: _Checker, sr: dict, w: str, sources: dict, index: dict) -> Study:
    src = c.source_key(c.get(sr, "source", w), f"{w}.source", sources)
    flag = c.get(sr, "flag", w, str)
    if flag not in FLAGS:
        c.fail(f"{w}.flag", f"{flag!r} is not one of {', '.join(FLAGS)}")
    n = _positive(c, sr, "sample_size", w)
    n_studies = _positive(c, sr, "n_studies", w)
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
    findings = _findings(c, sr, w, n)
    _check_totals(c, w, n, complete, tvals, others, findings)
    return Study(
        id=c.get(sr, "id", w, str),
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
    )


def _studies(c: _Checker, data: dict, sources: dict, index: dict) -> list[Study]:
    studies, seen = [], set()
    for i, sr in enumerate(c.get(data, "studies", "", list)):
        sid = c.get(sr, "id", f"studies[{i}]", str)
        w = f"studies[{i}] ({sid})"
        if sid in seen:
            c.fail(f"{w}.id", f"study id {sid!r} appears twice")
        seen.add(sid)
        studies.append(_study(c, sr, w, sources, index))
    if not studies:
        c.fail("studies", "at least one study is required")
    return studies


def _parse(data, fname: str, path: str) -> NerveVariants:
    c = _Checker(fname)
    c.document(data, SCHEMA_VERSION)
    title = c.get(data, "title", "", str)
    sources = _sources(c, data)
    classification = c.get(data, "classification_sources", "", list)
    if not classification:
        c.fail("classification_sources", "at least one source for the type definitions is required")
    for i, key in enumerate(classification):
        c.source_key(key, f"classification_sources[{i}]", sources)
    types, index = _variant_types(c, data, sources)
    studies = _studies(c, data, sources, index)
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
