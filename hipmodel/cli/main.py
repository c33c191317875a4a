"""Command-line interface: ``hipmodel <command> ...`` or ``python -m hipmodel <command> ...``.

One parser; each command group (a module of this package) adds its sub-commands with
``register(subparsers)``. Every error is one line on stderr and exit code 2; no traceback
reaches the user.
"""

from __future__ import annotations

import argparse
import sys

from ..kinematics import PoseError
from ..model import ModelDataError
from . import convert, curves, nerve, stretch
from .args import Parser, UsageError

COMMAND_GROUPS = (curves, nerve, stretch, convert)


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
