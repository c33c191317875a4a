"""What every command shares: the one-line usage error, angle parsing, and the model, muscle and pose options.
"""

from __future__ import annotations

import argparse
import numpy as np
from ..kinematics import PoseError, check_angle
from ..model import DEFAULT_MODEL_ID, load_model


MAX_ROWS = 100_000


class UsageError(Exception):
    """A bad argument: printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of usage + message
        raise UsageError(f"{self.prog}: error: {message}")


def angle_arg(name):
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
    g.add_argument("--model-file", default=None, metavar="PATH", help="a model file of your own: JSON (docs/model_schema.md) or an OpenSim .osim (docs/osim_import.md)")
    if pose:
        p.add_argument("--rotation", type=angle_arg("rotation"), default=0.0, help="hip rotation, deg (+ internal)")
        p.add_argument("--adduction", type=angle_arg("adduction"), default=0.0, help="hip adduction, deg (+ adduction)")


def model_from_args(args):
    if getattr(args, "model_file", None):
        from ..osim.as_model import load_any_model_file  # .osim by suffix or content, else JSON

        return load_any_model_file(args.model_file)
    return load_model(args.model or DEFAULT_MODEL_ID)


def muscles_from_args(model, names):
    out = []
    for n in names or ["piriformis"]:
        try:
            out.append(model.muscle(n))
        except KeyError:  # a muscle an .osim import left out: say why
            if model.origin is not None:
                from ..osim.as_model import left_out_reason

                why = left_out_reason(model, n)
                if why:
                    raise KeyError(f"{model.path}: muscle {why} (left out of the import)") from None
            raise
    return out


def flexion_grid(start, stop, step):
    if not step > 0:
        raise UsageError(f"--step: must be a positive number of degrees, got {step:g}")
    if stop < start:
        raise UsageError(f"--stop: must be >= --start ({start:g}), got {stop:g}")
    n = int(np.floor((stop - start) / step + 1e-9)) + 1
    if n > MAX_ROWS:
        raise UsageError(f"--step: {n} rows requested; at most {MAX_ROWS} (raise --step)")
    return start + step * np.arange(n)
