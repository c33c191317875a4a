"""Reading the project's data files: one reader, one field checker, one cache.

Every JSON file the product reads (models, poses, nerve variants, the switch literature,
bone meshes, a user's model) goes through :func:`read_json`:

* regular files only, and never more than ``limit + 1`` bytes read (a device such as
  ``/dev/zero`` or a FIFO is refused before a byte is read);
* strict UTF-8 and strict JSON: ``NaN``, ``Infinity`` and overflowing literals such as
  ``1e999`` are refused wherever they sit;
* every error is a :class:`DataFileError` (or the caller's subclass) whose message names
  the file and, through :class:`FieldChecker`, the field.

Numpy only where a caller asks; this module is standard library.
"""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path
from typing import Callable

__all__ = ["DATA_DIR", "DataFileError", "FieldChecker", "read_text", "read_json", "parse_json", "cached"]


def _data_dir() -> Path:
    # An installed wheel carries data/ as the package hipmodel.data; a checkout has it beside hipmodel/.
    inside = Path(__file__).resolve().parent / "data"
    return inside if inside.is_dir() else Path(__file__).resolve().parent.parent / "data"


DATA_DIR = _data_dir()


class DataFileError(ValueError):
    """A data file is missing, unreadable, too large, not JSON, or fails validation.

    The message names the file and the field at fault.
    """


def read_text(path: str | Path, limit: int, error: type[DataFileError] = DataFileError) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes.

    Raises ``error`` naming the file when it is not a regular file, cannot be read, is
    larger than ``limit`` or is not UTF-8. At most ``limit + 1`` bytes are ever read.
    """
    p = Path(path)
    name = p.name or str(p)
    if not str(path).strip():
        raise error("file name: must not be empty")
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError) as e:
        raise error(f"{name}: cannot read file ({getattr(e, 'strerror', None) or e})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise error(f"{name}: not a regular file (devices, pipes and folders are refused)")
        with os.fdopen(fd, "rb", closefd=False) as f:
            raw = f.read(limit + 1)
    except OSError as e:
        raise error(f"{name}: cannot read file ({e.strerror or e})") from None
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise error(f"{name}: file is larger than {limit} bytes, the limit for this kind of file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error(f"{name}: not UTF-8 text (byte {e.start})") from None


def _first_non_finite(data) -> str | None:
    """JSON path of the first non-finite number in ``data``, or None."""
    stack = [("", data)]
    while stack:
        where, obj = stack.pop()
        if isinstance(obj, float) and not math.isfinite(obj):
            return where or "(top level)"
        if isinstance(obj, dict):
            items = [(f"{where}.{k}" if where else str(k), v) for k, v in obj.items()]
        elif isinstance(obj, list):
            items = [(f"{where}[{i}]", v) for i, v in enumerate(obj)]
        else:
            continue
        stack.extend(reversed(items))  # depth first, in document order
    return None


def parse_json(text: str, fname: str, error: type[DataFileError] = DataFileError,
               parse_float: Callable[[str], float] | None = None):
    """Parse JSON text strictly: no NaN, no Infinity, no overflowing numbers anywhere."""
    try:
        # NaN and Infinity parse to floats here so that the walk below can name their field
        data = json.loads(text, parse_float=parse_float)
    except json.JSONDecodeError as e:
        raise error(f"{fname}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    except (ValueError, RecursionError) as e:
        raise error(f"{fname}: not a usable JSON document ({e})") from None
    where = _first_non_finite(data)
    if where is not None:  # NaN, Infinity, or an overflowing literal such as 1e999 (parsed to inf)
        raise error(f"{fname}: field '{where}': must be a finite number")
    return data


def read_json(path: str | Path, limit: int, error: type[DataFileError] = DataFileError,
              parse_float: Callable[[str], float] | None = None):
    """:func:`read_text` then :func:`parse_json`."""
    return parse_json(read_text(path, limit, error), Path(path).name, error, parse_float)


class FieldChecker:
    """Validation helpers whose every error names the file and the field (a JSON path)."""

    error: type[DataFileError] = DataFileError

    def __init__(self, fname: str, error: type[DataFileError] | None = None):
        self.fname = fname
        if error is not None:
            self.error = error

    def fail(self, where: str, msg: str):
        raise self.error(f"{self.fname}: field '{where or '(top level)'}': {msg}")

    def get(self, obj, key: str, where: str, kind=None, optional: bool = False, default=None,
            allow_empty: bool = False):
        """``obj[key]``, checked to be of ``kind`` (a type or tuple; bools are not numbers)."""
        path = f"{where}.{key}" if where else key
        if not isinstance(obj, dict):
            self.fail(where, f"expected an object, got {type(obj).__name__}")
        if key not in obj:
            if optional:
                return default
            self.fail(path, "missing")
        value = obj[key]
        if kind is not None:
            kinds = kind if isinstance(kind, tuple) else (kind,)
            if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
                names = "/".join(k.__name__ for k in kinds)
                self.fail(path, f"expected {names}, got {type(value).__name__}")
            if kinds == (str,):
                if not value.strip() and not allow_empty:
                    self.fail(path, "must not be empty")
                if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
                    self.fail(path, "contains a lone surrogate (not valid Unicode text)")
        return value

    def items(self, obj, key: str, where: str, what: str) -> list:
        """``obj[key]``, a list with at least one element (``what`` names them in the message)."""
        value = self.get(obj, key, where, list)
        if not value:
            self.fail(f"{where}.{key}" if where else key, f"expected at least one {what}")
        return value

    def text(self, obj, key: str, where: str) -> str:
        return self.get(obj, key, where, str).strip()

    def number(self, value, where: str, lo: float, hi: float, unit: str = "") -> float:
        """A finite number within ``lo..hi`` (the message gives the range and unit)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(where, f"expected a number{' of ' + unit if unit else ''}, got {value!r}")
        try:
            v = float(value)
        except OverflowError:
            v = math.inf
        if not (math.isfinite(v) and lo <= v <= hi):
            self.fail(where, f"{value!r} is outside the allowed range {lo:g}..{hi:g}{' ' + unit if unit else ''}")
        return v

    def one_of(self, value: str, where: str, allowed) -> str:
        if value not in allowed:
            self.fail(where, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def document(self, data, version: int) -> dict:
        """The top level of a data file: a JSON object whose ``schema_version`` is ``version``."""
        if not isinstance(data, dict):
            self.fail("(top level)", "expected a JSON object")
        found = self.get(data, "schema_version", "", int)
        if found != version:
            self.fail("schema_version", f"unsupported version {found} (this hipmodel reads {version})")
        return data

    def sources(self, data: dict) -> dict:
        """The file's non-empty ``sources`` object, each source with a ``citation``."""
        sources = self.get(data, "sources", "", dict)
        if not sources:
            self.fail("sources", "at least one source is required")
        for key, src in sources.items():
            self.get(src, "citation", f"sources.{key}", str)
        return sources

    def source_key(self, value, where: str, sources: dict) -> str:
        if not isinstance(value, str) or value not in sources:
            self.fail(where, f"unknown source {value!r} (defined: {', '.join(sources)})")
        return value


def cached(store: dict, path: str | Path, load: Callable[[Path], object], error: type[DataFileError]):
    """``load(path)``, kept in ``store`` until the file's modification time or size changes."""
    p = Path(path)
    try:
        st = p.stat()
    except (OSError, ValueError) as e:
        raise error(f"{p.name or p}: cannot read file ({getattr(e, 'strerror', None) or e})") from None
    key = str(p.resolve())
    stamp = (st.st_mtime_ns, st.st_size)
    hit = store.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    value = load(p)
    store[key] = (stamp, value)
    return value
