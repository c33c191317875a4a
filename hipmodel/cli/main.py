"""Command-line interface: ``hipmodel <command> ...`` or ``python -m hipmodel <command> ...``.

One parser; each command group (a module of this package) adds its sub-commands with
``register(subparsers)``. Every error is one line on stderr and exit code 2; no traceback
reaches the user.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..kinematics import PoseError
from ..model import ModelDataError
from . import convert, curves, figure3d, nerve, stretch
from .args import Parser, UsageError

COMMAND_GROUPS = (curves, nerve, stretch, figure3d, convert)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="hipmodel", description="Hip rotator moment arms and lengths from published model geometry.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in COMMAND_GROUPS:
        group.register(sub)
    return p


def main(argv=None, out=None) -> int:
    out = out or sys.stdout
    try:
        args = build_parser().parse_args(argv)
        rc = int(args.func(args, out) or 0)
        out.flush()  # a full disk or closed pipe on stdout shows here, not at interpreter exit
        return rc
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
        _silence(out)
        return 0
    except OSError as e:  # stdout on a full disk (e.g. > /dev/full), or a device error
        if getattr(e, "filename", None):
            print(f"hipmodel: error: {e.filename}: {e.strerror or e}", file=sys.stderr)
        else:
            print(f"hipmodel: error: cannot write the output ({e.strerror or e})", file=sys.stderr)
            _silence(out)
        return 2


def _silence(out) -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail a second time."""
    if out is sys.stdout:
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
