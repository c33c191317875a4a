"""What every command shares: the one-line usage error, angle and step parsing, the model, muscle
and pose options, and :func:`write_files`, the one way a command writes a file.
"""

from __future__ import annotations

import argparse
import math
import os
import stat
import tempfile
from pathlib import Path

import numpy as np
from ..kinematics import PoseError, check_angle
from ..limits import MAX_ROWS, check_work, unique_muscles
from ..model import DEFAULT_MODEL_ID, load_model

__all__ = ["MAX_ROWS", "UsageError", "Parser", "angle_arg", "step_arg", "add_model_args", "model_from_args",
           "muscles_from_args", "flexion_grid", "check_work", "out_path", "write_files"]


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


def _float_text(text: str) -> float:
    """A number from the command line, or argparse's one-line error."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid float value: {str(text)[:40]!r}") from None


def step_arg(text: str) -> float:
    """A flexion step: a finite positive number of degrees (argparse type)."""
    v = _float_text(text)
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of degrees, finite, got {str(text)[:40]!r}")
    return v


def knee_arg(text: str) -> float:
    """A knee flexion: a finite number of degrees (argparse type; the model's own range is checked on reading)."""
    v = _float_text(text)
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"must be a finite number of degrees, got {str(text)[:40]!r}")
    return v


def add_model_args(p: argparse.ArgumentParser, pose: bool = True) -> None:
    """The model, muscle and fixed-pose options shared by several commands."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--model", default=None, help=f"bundled model id (default {DEFAULT_MODEL_ID}); see 'models'")
    g.add_argument("--model-file", default=None, metavar="PATH", help="a model file of your own: JSON (docs/model_schema.md) or an OpenSim .osim (docs/osim_import.md)")
    p.add_argument("--knee-flexion", type=knee_arg, default=None, metavar="DEG",
                   help="with an .osim: the knee angle (0 straight, + bent) at which muscles that also cross the "
                        "knee (hamstrings, sartorius, gracilis, TFL) are read; default the file's (usually 0)")
    if pose:
        p.add_argument("--rotation", type=angle_arg("rotation"), default=0.0, help="hip rotation, deg (+ internal)")
        p.add_argument("--adduction", type=angle_arg("adduction"), default=0.0, help="hip adduction, deg (+ adduction)")


def model_from_args(args):
    for opt, value in (("--model-file", getattr(args, "model_file", None)), ("--model", getattr(args, "model", None))):
        if value is not None and not str(value).strip():
            raise UsageError(f"{opt}: must not be empty")
    knee = getattr(args, "knee_flexion", None)
    if getattr(args, "model_file", None):
        from ..osim.as_model import load_any_model_file  # .osim by suffix or content, else JSON

        return load_any_model_file(args.model_file, knee_flexion_deg=knee)
    if knee is not None:
        raise UsageError("--knee-flexion: applies to an OpenSim model given with --model-file; the bundled models' "
                         "muscles do not cross the knee")
    return load_model(args.model or DEFAULT_MODEL_ID)


def muscles_from_args(model, names):
    """The muscles named (each once, in the order first named; default the piriformis)."""
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
    return unique_muscles(out)


def flexion_grid(start, stop, step):
    if not (math.isfinite(step) and step > 0):
        raise UsageError(f"--step: must be a finite positive number of degrees, got {step:g}")
    if stop < start:
        raise UsageError(f"--stop: must be >= --start ({start:g}), got {stop:g}")
    span = stop - start
    if span / step >= MAX_ROWS:  # inf for a subnormal step: no integer conversion of it
        raise UsageError(f"--step: {step:.3g} deg over {start:g}..{stop:g} deg gives more rows than the limit, "
                         f"at most {MAX_ROWS} (use --step {span / (MAX_ROWS - 1):.3g} or more)")
    n = int(np.floor(span / step + 1e-9)) + 1
    return start + step * np.arange(n)


# ---------------------------------------------------------------------------------
# Writing files: one helper for every command that writes one
# ---------------------------------------------------------------------------------


def _shown(path) -> str:
    """A path for a one-line message: quoted (escapes control characters), long ones shortened."""
    text = repr(str(path))
    return text if len(text) <= 120 else text[:80] + "..." + text[-30:]


def out_path(path, what: str) -> Path:
    """Check an output file before any work is done: a non-empty name, in a directory that
    exists, not a directory, device or pipe, not through a symlink loop, a name the file
    system accepts. Returns the path to write (a symlink to a regular file is followed)."""
    if path is None or not str(path).strip():
        raise UsageError(f"{what}: the file name must not be empty")
    p = Path(path)
    if "\x00" in str(path):
        raise UsageError(f"{what}: {_shown(path)}: a file name cannot contain a NUL character")
    try:
        st = os.stat(p)  # follows symlinks: a loop gives ELOOP, a long name ENAMETOOLONG
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise UsageError(f"{what}: cannot write {_shown(path)} ({e.strerror or e})") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"{what}: {_shown(path)} is a directory; give a file name")
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"{what}: {_shown(path)} is not a regular file (devices and pipes are refused)")
        p = Path(os.path.realpath(p))
    parent = p.parent
    if not parent.is_dir():
        raise UsageError(f"{what}: cannot write {_shown(path)} (directory {_shown(parent)} does not exist)")
    try:
        max_name = os.pathconf(parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        max_name = 255
    if len(p.name.encode("utf-8", "surrogateescape")) > max_name:
        raise UsageError(f"{what}: cannot write {_shown(path)} (file name longer than {max_name} bytes)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{what}: cannot write {_shown(path)} (no write permission in {_shown(parent)})")
    return p


def write_files(files: dict, what: str) -> list[Path]:
    """Write ``{path: bytes or str}`` all or nothing.

    Each file is written to a temporary file in its own directory, flushed to disk, and
    only when every one is complete are they renamed over their targets (``os.replace``,
    atomic per file). On any error every temporary file is removed, no target is touched,
    and :class:`UsageError` names the path (one line, exit 2). Text is UTF-8.
    """
    targets = [(out_path(p, what), data) for p, data in files.items()]
    staged: list[tuple[str, Path, str]] = []
    try:
        for (target, data), shown in zip(targets, files):
            try:
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:40]}.", suffix=".part")
            except OSError as e:
                raise UsageError(f"{what}: cannot write {_shown(shown)} ({e.strerror or e})") from None
            staged.append((tmp, target, shown))
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data.encode("utf-8") if isinstance(data, str) else data)
                    f.flush()
                    os.fsync(f.fileno())
                os.chmod(tmp, 0o666 & ~_umask())
            except OSError as e:
                raise UsageError(f"{what}: cannot write {_shown(shown)} ({e.strerror or e})") from None
        for tmp, target, shown in staged:
            try:
                os.replace(tmp, target)
            except OSError as e:
                raise UsageError(f"{what}: cannot write {_shown(shown)} ({e.strerror or e})") from None
    finally:
        for tmp, _, _ in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            except OSError:
                pass
    return [t for t, _ in targets]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
