"""``convert``: the straight-line muscles of an OpenSim .osim as a hipmodel model JSON file.

``hipmodel convert model.osim -o model.json`` writes what :meth:`OsimImport.to_json_dict`
gives (docs/model_schema.md); without ``-o`` the JSON goes to stdout. An existing output file
is refused unless ``--force``. The muscles that are not straight lines (over a wrap surface,
conditional or moving points), the two-joint muscles (they hold at one knee angle) and those
left out of the import are listed on stderr: the JSON schema holds fixed hip points only (use
``--model-file model.osim`` to compute with them).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from .args import UsageError


def cmd_convert(args, out):
    from ..osim import read_osim

    dest = None if args.output in (None, "-") else Path(args.output)
    if dest is not None:  # refuse before reading anything
        if dest.is_dir():
            raise UsageError(f"-o: {dest} is a directory; give a file name")
        if dest.exists() and not args.force:
            raise UsageError(f"-o: {dest} exists; add --force to overwrite it")
        parent = dest.parent if str(dest.parent) else Path(".")
        if not parent.is_dir():
            raise UsageError(f"-o: the folder {parent} does not exist")
    imp = read_osim(args.osim)
    data = imp.to_json_dict()
    text = json.dumps(data, indent=1) + "\n"
    curved = [m.name for m in imp.muscles if not m.straight_line and not m.crosses_knee]
    err = sys.stderr
    print(f"hipmodel convert: {imp.file_name}: {len(data['muscles'])} straight-line muscle(s) written", file=err)
    if curved:
        print(f"  not written (over a wrap surface, or conditional/moving points; the JSON schema holds fixed "
              f"points only, use --model-file {imp.file_name}): {', '.join(curved)}", file=err)
    if imp.two_joint:
        print(f"  not written (they cross the knee too, so they hold at one knee angle only; use --model-file "
              f"{imp.file_name} --knee-flexion DEG): {', '.join(imp.two_joint)}", file=err)
    elsewhere = [n for n, why in imp.left_out if why.startswith("does not cross the right hip")]
    for name, why in imp.left_out:
        if name not in elsewhere:
            print(f"  left out: {name}: {why}", file=err)
    if elsewhere:
        print(f"  left out, not crossing the right hip ({len(elsewhere)}): {', '.join(elsewhere)}", file=err)
    if dest is None:
        out.write(text)
        return 0
    parent = dest.parent if str(dest.parent) else Path(".")
    # write beside the target, then rename: a failure never leaves half a file
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"  -> {dest}", file=err)
    return 0


def register(sub) -> None:
    """Add ``convert`` to the parser's sub-commands."""
    c = sub.add_parser("convert", help="an OpenSim .osim's straight-line hip muscles as a model JSON file")
    c.add_argument("osim", metavar="MODEL.osim", help="the OpenSim 4.x model file (at most 20 MB)")
    c.add_argument("-o", "--output", default=None, metavar="PATH", help="the JSON file to write (default: stdout)")
    c.add_argument("--force", action="store_true", help="overwrite an existing output file")
    c.set_defaults(func=cmd_convert)
