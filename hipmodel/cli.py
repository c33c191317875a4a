"""Command-line interface: ``python -m hipmodel <command> ...``.

Every error is one line on stderr and exit code 2; no traceback reaches the user.
Other modules add commands with a ``register(subparsers)`` function that sets
``func`` (see ``COMMAND_MODULES``).
"""

from __future__ import annotations

import argparse
import csv
import importlib
import sys

import numpy as np

from .kinematics import PoseError, check_angle
from .mechanics import curves
from .words import action_in_words
from .model import DEFAULT_MODEL_ID, ModelDataError, available_model_ids, load_bundled_models, load_model, load_model_file
from .switch import sign_change_angles

MAX_ROWS = 100_000
# modules that add their own sub-commands; optional ones are skipped if absent
COMMAND_MODULES = ("hipmodel.nerve_cli", "hipmodel.figures_cli", "hipmodel.stretch_cli")


class UsageError(Exception):
    """A bad argument: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of usage + message
        raise UsageError(f"{self.prog}: error: {message}")


def _angle(name):
    def parse(text):
        try:
            return check_angle(text, name)
        except PoseError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    parse.__name__ = name
    return parse


def add_model_args(p: argparse.ArgumentParser, pose: bool = True) -> None:
    """The model, muscle and fixed-pose options shared by several commands."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--model", default=None, help=f"bundled model id (default {DEFAULT_MODEL_ID}); see 'models'")
    g.add_argument("--model-file", default=None, metavar="PATH", help="a model JSON file of your own (docs/model_schema.md)")
    if pose:
        p.add_argument("--rotation", type=_angle("rotation"), default=0.0, help="hip rotation, deg (+ internal)")
        p.add_argument("--adduction", type=_angle("adduction"), default=0.0, help="hip adduction, deg (+ adduction)")


def model_from_args(args):
    if getattr(args, "model_file", None):
        return load_model_file(args.model_file)
    return load_model(args.model or DEFAULT_MODEL_ID)


def muscles_from_args(model, names):
    return [model.muscle(n) for n in (names or ["piriformis"])]


def _flexion_grid(start, stop, step):
    if not step > 0:
        raise UsageError(f"--step: must be a positive number of degrees, got {step:g}")
    if stop < start:
        raise UsageError(f"--stop: must be >= --start ({start:g}), got {stop:g}")
    n = int(np.floor((stop - start) / step + 1e-9)) + 1
    if n > MAX_ROWS:
        raise UsageError(f"--step: {n} rows requested; at most {MAX_ROWS} (raise --step)")
    return start + step * np.arange(n)


def cmd_curve(args, out):
    model = model_from_args(args)
    muscles = muscles_from_args(model, args.muscle)
    flex = _flexion_grid(args.start, args.stop, args.step)
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
    print(f"# model {model.id}; adduction {args.adduction:g} deg, rotation {args.rotation:g} deg; "
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
    for mid in available_model_ids():
        if mid in broken:
            print(f"{mid}: BROKEN: {broken[mid]}", file=out)
            continue
        m = usable[mid]
        flag = "  [approximate frame alignment]" if m.approximate_frame_alignment else ""
        n = len(m.muscles)
        print(f"{m.id}: {m.name}{flag}; {n} muscle{'s' if n != 1 else ''}", file=out)
        for key in m.sources:
            print(f"    source: {m.citation(key)}", file=out)
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


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="hipmodel", description="Hip rotator moment arms and lengths from published model geometry.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = sub.add_parser("curve", help="moment arms and length against flexion")
    add_model_args(c)
    c.add_argument("--muscle", action="append", help="muscle id, name or source name (repeatable; default piriformis)")
    c.add_argument("--start", type=_angle("start"), default=0.0, help="first flexion angle, deg (default 0)")
    c.add_argument("--stop", type=_angle("stop"), default=120.0, help="last flexion angle, deg (default 120)")
    c.add_argument("--step", type=float, default=1.0, help="flexion step, deg (default 1)")
    c.add_argument("--csv", action="store_true", help="CSV output")
    c.set_defaults(func=cmd_curve)

    s = sub.add_parser("switch", help="flexion angles where the rotation moment arm changes sign")
    add_model_args(s)
    s.add_argument("--muscle", action="append", help="muscle (repeatable; default piriformis)")
    s.add_argument("--start", type=_angle("start"), default=-20.0, help="flexion range start, deg (default -20)")
    s.add_argument("--stop", type=_angle("stop"), default=120.0, help="flexion range end, deg (default 120)")
    s.set_defaults(func=cmd_switch)

    m = sub.add_parser("models", help="the bundled models and their sources")
    m.set_defaults(func=cmd_models)

    u = sub.add_parser("muscles", help="the muscles of a model")
    add_model_args(u, pose=False)
    u.set_defaults(func=cmd_muscles)

    for name in COMMAND_MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        mod.register(sub)
    return p


def main(argv=None, out=None) -> int:
    out = out or sys.stdout
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args, out) or 0)
    except UsageError as e:
        msg = str(e)  # argparse's own messages carry the program name; ours get it here
        print(msg if msg.startswith("hipmodel") else f"hipmodel: error: {msg}", file=sys.stderr)
        return 2
    except (PoseError, ModelDataError, ValueError) as e:
        print(f"hipmodel: error: {e}", file=sys.stderr)
        return 2
    except KeyError as e:  # unknown model or muscle; the message holds the closest names
        print(f"hipmodel: error: {e.args[0] if e.args else e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
