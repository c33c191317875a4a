"""Published statements of the piriformis switch angle (``data/switch_literature.json``), validated.

One loader for every reader of the file (the answers, the switch-in-context chart, the app).
A broken file raises :class:`LiteratureDataError` naming the file and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .datafile import DATA_DIR, DataFileError, FieldChecker, cached, read_json

__all__ = ["FLAG_WORDS", "flag_words", "SWITCH_LITERATURE_FILE", "KINDS", "LiteratureDataError", "SwitchStatement", "load_switch_literature"]

SWITCH_LITERATURE_FILE = DATA_DIR / "switch_literature.json"
KINDS = ("measurement", "cadaver estimate", "rule of thumb", "indirect")
MAX_FILE_BYTES = 200_000


class LiteratureDataError(DataFileError):
    """The switch-literature file is missing or broken (the message names the file and field)."""


# How sure a source is, in words a reader understands (the flags of shared/reference/literature.md).
FLAG_WORDS = {
    "VERIFIED": "checked in the source",
    "SECONDARY": "secondary: as another source reports it, not checked in the original",
    "DERIVED": "computed from published geometry",
    "UNVERIFIED": "not confirmed",
    "CHOSEN": "chosen here, not from a source",
    "PARTLY CHOSEN": "partly chosen here",
}
_FLAG_DETAIL = {"only as what it says": "checked as a quote: what it says, not that it is right",
                "only as what they say": "checked as quotes: what they say, not that it is right",
                "as description only": "checked as a description only",
                "(abstract)": "checked in the abstract (not the full text)",
                "(table)": "checked in the source's table",
                "(model file)": "checked in the model file"}


def flag_words(flag: str) -> str:
    """A source flag ('VERIFIED (abstract)', 'SECONDARY', ...) in plain words."""
    flag = str(flag).strip()
    for tail, words in _FLAG_DETAIL.items():
        if flag.endswith(tail):
            return words
    if flag in FLAG_WORDS:
        return FLAG_WORDS[flag]
    head, _, rest = flag.partition(" ")
    if head not in FLAG_WORDS:
        return flag.lower()
    return f"{FLAG_WORDS[head]} ({rest.strip('()')})"


@dataclass(frozen=True)
class SwitchStatement:
    """One published statement of the flexion angle where the piriformis turns internal rotator.

    ``low``/``high`` in degrees of flexion (None where the source gives no angle);
    ``evidence`` says what was measured or estimated; ``chart_note`` is what a chart writes
    where there is no angle to draw.
    """

    id: str
    label: str
    kind: str
    low: float | None
    high: float | None
    statement: str
    source: str
    flag: str
    evidence: str = ""
    chart_note: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _parse(data, fname: str) -> tuple[SwitchStatement, ...]:
    c = FieldChecker(fname, LiteratureDataError)
    entries = c.items(data, "entries", "", "entry")
    out, seen = [], set()
    for i, e in enumerate(entries):
        w = f"entries[{i}]"
        sid = c.text(e, "id", w)
        if sid in seen:
            c.fail(f"{w}.id", f"duplicate id {sid!r}")
        seen.add(sid)
        angles = []
        for key in ("low", "high"):
            v = c.get(e, key, w, optional=True)
            angles.append(None if v is None else c.number(v, f"{w}.{key}", -20.0, 180.0, "deg"))
        if None not in angles and angles[1] < angles[0]:
            c.fail(f"{w}.high", f"{angles[1]:g} is below low ({angles[0]:g})")
        out.append(SwitchStatement(
            id=sid, label=c.text(e, "label", w), kind=c.one_of(c.text(e, "kind", w), f"{w}.kind", KINDS),
            low=angles[0], high=angles[1], statement=c.text(e, "statement", w), source=c.text(e, "source", w),
            flag=c.text(e, "flag", w), evidence=c.get(e, "evidence", w, str, optional=True, default=""),
            chart_note=c.get(e, "chart_note", w, str, optional=True, default=""),
        ))
    return tuple(out)


_CACHE: dict = {}


def load_switch_literature(path: str | Path | None = None) -> tuple[SwitchStatement, ...]:
    """The switch-angle statements (cached; reloaded when the file changes).

    Raises
    ------
    LiteratureDataError
        The file is missing, too large, not JSON or fails validation.
    """
    p = Path(path) if path is not None else SWITCH_LITERATURE_FILE
    return cached(_CACHE, p, lambda q: _parse(read_json(q, MAX_FILE_BYTES, LiteratureDataError), q.name),
                  LiteratureDataError)
