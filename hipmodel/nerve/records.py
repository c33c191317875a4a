"""The records of the sciatic-nerve variant data: frozen dataclasses.

:mod:`.data` reads and validates the file that fills them (and re-exports every name here).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["VariantType", "TypeValue", "Finding", "Study", "NerveVariants"]


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
