"""The ``nerve`` command: sciatic nerve variants (Beaton & Anson types A-F).

::

    python -m hipmodel nerve --type B               # description and prevalence as text
    python -m hipmodel nerve --type B --out b.png   # the schematic (PNG or SVG)
    python -m hipmodel nerve --all --out all.svg    # the six types as small multiples
    python -m hipmodel nerve --table                # types, descriptions, prevalence, sources
    python -m hipmodel nerve --share                # how many have a division through the muscle
    python -m hipmodel nerve --prevalence --out p.png

Errors are one line on stderr with exit code 2 (see :mod:`hipmodel.cli`).
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from .. import nerve
from .args import UsageError, out_path, write_files

FIGURE_FORMATS = (".png", ".svg")


def _letter(text: str) -> str:
    key = str(text).strip().upper()
    if key not in nerve.BEATON_ANSON_RELATIONS:
        raise argparse.ArgumentTypeError(
            f"unknown Beaton & Anson type {text!r} (valid: {', '.join(nerve.BEATON_ANSON_RELATIONS)})")
    return key


def _dpi(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of dots per inch, got {text!r}") from None
    if not 30 <= v <= 600:
        raise argparse.ArgumentTypeError(f"must be within 30..600, got {v}")
    return v


def register(subparsers) -> None:
    """Add the ``nerve`` sub-command to the ``hipmodel`` parser."""
    p = subparsers.add_parser(
        "nerve", help="sciatic nerve variants around the piriformis (Beaton & Anson types A-F)",
        description="Sciatic nerve and piriformis: the six Beaton & Anson types, schematics and prevalence.")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--type", type=_letter, metavar="LETTER", help="one type, A-F: text, or a figure with --out")
    g.add_argument("--all", action="store_true", help="all six types as small multiples (needs --out)")
    g.add_argument("--table", action="store_true", help="types, descriptions and prevalence with sources")
    g.add_argument("--share", action="store_true",
                   help="the share with a division through the muscle, beside the often-quoted 15-20%%")
    g.add_argument("--prevalence", action="store_true", help="prevalence chart per study (needs --out)")
    p.add_argument("--out", metavar="FILE", help="write a figure: .png or .svg")
    p.add_argument("--dpi", type=_dpi, default=150, help="PNG resolution (default 150)")
    p.set_defaults(func=cmd_nerve)


def _check_out(path: str | None, what: str) -> str:
    if path is None:
        raise UsageError(f"hipmodel nerve: error: {what} needs --out FILE.png or FILE.svg")
    p = Path(path)
    if str(path).strip() and p.suffix.lower() not in FIGURE_FORMATS:
        raise UsageError(f"hipmodel nerve: error: --out: unsupported file type {p.suffix or '(none)'!r} "
                         f"in {path!r} (use {' or '.join(FIGURE_FORMATS)})")
    out_path(path, "hipmodel nerve: error: --out")  # before the figure is drawn
    return path


def _save(fig, path: str, dpi: int, out) -> int:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format=Path(path).suffix.lower()[1:], dpi=dpi)
    write_files({path: buf.getvalue()}, "hipmodel nerve: error: --out")
    print(f"wrote {path}", file=out)
    return 0


def _wrap(text: str, indent: str = "   ", width: int = 96) -> str:
    return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent)


def _table(v: nerve.NerveVariants, out) -> None:
    print("# Sciatic nerve and piriformis: Beaton & Anson types (posterior view; which division runs where)",
          file=out)
    print("# prevalence: count/n (%) for single studies, pooled % (95% CI) for meta-analyses", file=out)
    for t in v.types:
        route = ("undivided, " + t.tibial + " the muscle" if not t.divided
                 else f"divided: tibial {t.tibial}, common fibular {t.common_fibular}")
        print(f"{t.letter}  {t.short}  [{route}]", file=out)
        print(_wrap(t.description), file=out)
        lines = nerve.type_prevalence_lines(t.letter, v)
        print(_wrap("prevalence: " + ("; ".join(lines) if lines else "no figures in these data")), file=out)
    print("# studies", file=out)
    for s in v.studies:
        print(f"{s.short} ({s.design}; {s.n_text}) [{s.flag}]: {s.citation}", file=out)
    keys = dict.fromkeys(list(v.classification_sources) + [t.source for t in v.types])
    print("# type definitions: " + "; ".join(v.citation(k) for k in keys), file=out)
    if v.division_assignment_note:
        print(_wrap("note: " + v.division_assignment_note, "# "), file=out)
    if v.left_out:
        print(_wrap("left out: " + v.left_out, "# "), file=out)


def cmd_nerve(args, out) -> int:
    if args.out is not None and (args.table or args.share):
        raise UsageError("hipmodel nerve: error: --out goes with --type, --all or --prevalence, not --table/--share")
    v = nerve.load_nerve_variants()
    if args.table:
        _table(v, out)
        return 0
    if args.share:
        share = nerve.share_through(v)
        print(share.text, file=out)
        print("# sources", file=out)
        for key in dict.fromkeys(e.citation for e in share.through + share.any_variant):
            print(f"  {key}", file=out)
        return 0
    from .. import plots  # matplotlib only when a figure is asked for

    if args.all:
        path = _check_out(args.out, "--all")
        return _save(plots.all_variants_figure_from_data(v), path, args.dpi, out)
    if args.prevalence:
        path = _check_out(args.out, "--prevalence")
        return _save(plots.prevalence_figure_from_data(v), path, args.dpi, out)
    t = v.type(args.type)
    if args.out is not None:
        path = _check_out(args.out, "--type")
        return _save(plots.variant_figure_from_data(t.letter, v), path, args.dpi, out)
    print(f"Type {t.letter}: {t.short}", file=out)
    print(_wrap(t.description, ""), file=out)
    for line in nerve.type_prevalence_lines(t.letter, v):
        print(f"  {line}", file=out)
    print(f"source of the definition: {v.citation(t.source)}", file=out)
    return 0
