"""The core commands: ``curve`` (moment arms and length against flexion), ``switch``, ``models``, ``muscles``.
"""

from __future__ import annotations

import csv
import io
from ..mechanics import curves
from ..words import action_in_words
from ..model import available_model_ids, load_bundled_models
from ..switch import sign_change_angles
from .args import add_model_args, angle_arg, check_work, out_path, write_files, flexion_grid, model_from_args, muscles_from_args, step_arg


def cmd_curve(args, out):
    if args.out is not None:  # written whole or not at all, through a temporary file
        out_path(args.out, "hipmodel curve: error: --out")
        buf = io.StringIO()
        _curve(args, buf)
        write_files({args.out: buf.getvalue()}, "hipmodel curve: error: --out")
        print(f"wrote {args.out}", file=out)
        return 0
    return _curve(args, out)


def _curve(args, out):
    model = model_from_args(args)
    muscles = muscles_from_args(model, args.muscle)
    flex = flexion_grid(args.start, args.stop, args.step)
    check_work(flex.size, muscles, "curve")  # rows x muscles x path points, before any is computed
    cols = ["flexion_deg", "rotation_moment_arm_mm", "adduction_moment_arm_mm", "flexion_moment_arm_mm", "length_mm"]
    many = len(muscles) > 1
    header = (["muscle"] if many else []) + cols
    rows = []
    for mu in muscles:
        c = curves(model, mu, flex, args.adduction, args.rotation).columns()
        for i in range(flex.size):
            rows.append(([mu.id] if many else []) + [f"{c[k][i]:.4f}" if k != "flexion_deg" else f"{c[k][i]:g}" for k in cols])
    if args.csv:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        return 0
    two = [mu.id for mu in muscles if mu.id in getattr(model.origin, "two_joint", ())]
    knee = f"; knee {model.origin.knee_flexion_deg:g} deg flexion for {', '.join(two)} (crossing the knee too)" if two else ""
    print(f"# model {model.id}; adduction {args.adduction:g} deg, rotation {args.rotation:g} deg{knee}; "
          "moment arms in mm, + internal rotation / adduction / flexion", file=out)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths)), file=out)
    for r in rows:
        print("  ".join(v.rjust(w) for v, w in zip(r, widths)), file=out)
    return 0


def cmd_switch(args, out):
    model = model_from_args(args)
    for mu in muscles_from_args(model, args.muscle):
        found = sign_change_angles(model, mu, args.adduction, args.rotation, args.start, args.stop)
        where = f"flexion {args.start:g}..{args.stop:g} deg, adduction {args.adduction:g}, rotation {args.rotation:g}"
        if not found:
            c = curves(model, mu, 0.5 * (args.start + args.stop), args.adduction, args.rotation)
            print(f"{mu.name} ({model.id}): no switch in this range ({where}); "
                  f"it stays an {action_in_words(float(c.rotation_moment_arm_mm)).split(',')[0]}", file=out)
        for s in found:
            print(f"{mu.name} ({model.id}): rotation moment arm changes sign at {s.flexion_deg:.2f} deg flexion "
                  f"({s.direction}; {where})", file=out)
    return 0


def cmd_models(args, out):
    usable, broken = load_bundled_models()
    for mid in sorted(set(available_model_ids()) | set(broken)):
        if mid in broken:
            print(f"{mid}: BROKEN: {broken[mid]}", file=out)
            continue
        m = usable[mid]
        flag = "  [approximate frame alignment]" if m.approximate_frame_alignment else ""
        n = len(m.muscles)
        print(f"{m.id}: {m.name}{flag}; {n} muscle{'s' if n != 1 else ''}", file=out)
        geometry = {mu.source for mu in m.muscles} | {p.source for mu in m.muscles for p in mu.points
                                                      if getattr(p, "source", None)}
        for key in m.sources:
            # a source no muscle point uses lends only what is drawn (landmarks, the knee for the thigh's axis)
            role = "" if key in geometry else " [drawing only: landmarks or the knee for the thigh's axis]"
            print(f"    source: {m.citation(key)}{role}", file=out)
        if m.left_out:
            print(f"    left out: {m.left_out}", file=out)
    return 0


def cmd_muscles(args, out):
    model = model_from_args(args)
    print(f"# {model.id}: id | name | name in source model", file=out)
    for mu in model.muscles:
        print(f"{mu.id} | {mu.name} | {mu.source_name}", file=out)
    print(f"# source: {model.citation()}", file=out)
    return 0


def register(sub) -> None:
    """Add curve, switch, models and muscles to the parser's sub-commands."""
    c = sub.add_parser("curve", help="moment arms and length against flexion")
    add_model_args(c)
    c.add_argument("--muscle", action="append", help="muscle id, name or source name (repeatable; default piriformis)")
    c.add_argument("--start", type=angle_arg("start"), default=0.0, help="first flexion angle, deg (default 0)")
    c.add_argument("--stop", type=angle_arg("stop"), default=120.0, help="last flexion angle, deg (default 120)")
    c.add_argument("--step", type=step_arg, default=1.0, help="flexion step, deg (default 1)")
    c.add_argument("--csv", action="store_true", help="CSV output")
    c.add_argument("--out", metavar="FILE", help="write the table (or CSV) to FILE instead of the screen")
    c.set_defaults(func=cmd_curve)

    s = sub.add_parser("switch", help="flexion angles where the rotation moment arm changes sign")
    add_model_args(s)
    s.add_argument("--muscle", action="append", help="muscle (repeatable; default piriformis)")
    s.add_argument("--start", type=angle_arg("start"), default=-20.0, help="flexion range start, deg (default -20)")
    s.add_argument("--stop", type=angle_arg("stop"), default=120.0, help="flexion range end, deg (default 120)")
    s.set_defaults(func=cmd_switch)

    m = sub.add_parser("models", help="the bundled models and their sources")
    m.set_defaults(func=cmd_models)

    u = sub.add_parser("muscles", help="the muscles of a model")
    add_model_args(u, pose=False)
    u.set_defaults(func=cmd_muscles)

