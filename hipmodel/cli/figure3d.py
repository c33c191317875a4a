"""``figure3d``: the interactive 3-D hip as one self-contained HTML file (plotly.js inside).

    hipmodel figure3d --muscle piriformis --out hip.html

A writer can put the file in an article: it opens with no network, its slider plays
flexion, and the credits of the model and the bone meshes are inside it.
"""

from __future__ import annotations

from pathlib import Path

from .args import UsageError, add_model_args, angle_arg, model_from_args, muscles_from_args

MAX_MUSCLES = 6  # each adds its path, lever and curve to all 71 frames


def register(sub) -> None:
    p = sub.add_parser("figure3d", help="the interactive 3-D hip as one HTML file (opens offline)")
    add_model_args(p)
    p.add_argument("--muscle", action="append", help="muscle id, name or source name (repeatable; default piriformis)")
    p.add_argument("--flexion", type=angle_arg("flexion"), default=0.0, help="the flexion shown first, deg (default 0)")
    p.add_argument("--out", required=True, metavar="PATH.html", help="the HTML file to write")
    p.set_defaults(func=cmd_figure3d)


def cmd_figure3d(args, out) -> int:
    from ..plots import hip3d  # plotly only when a figure is asked for

    path = Path(args.out)
    if not args.out.strip() or path.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"--out: must name an .html file, got {args.out!r}")
    model = model_from_args(args)
    muscles = list(dict.fromkeys(m.id for m in muscles_from_args(model, args.muscle)))  # repeats once
    if len(muscles) > MAX_MUSCLES:
        raise UsageError(f"--muscle: at most {MAX_MUSCLES} different muscles in one figure, got {len(muscles)}")
    spec = hip3d.hip3d_spec(model, muscles, args.adduction, args.rotation, args.flexion)
    html = hip3d.hip3d_html(spec, title=f"hipmodel: {', '.join(muscles)} in 3-D ({model.id})",
                            credits=hip3d.credits_text(model))
    tmp = path.with_name(f".{path.name}.part")
    try:
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"--out: cannot write {args.out} ({e.strerror or e})") from None
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB; {len(spec['frames'])} flexion frames; "
          f"opens offline)", file=out)
    return 0
