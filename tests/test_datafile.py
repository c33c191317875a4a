"""The one reader of data files: regular files only, bounded reads, strict JSON, named fields."""

import os
import re
import resource

import pytest

from hipmodel.datafile import DataFileError, FieldChecker, parse_json, read_text
from hipmodel.model import ModelDataError, load_model_file


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_without_reading_them(device):
    # /dev/zero has st_size 0: a size check alone would read it forever
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ModelDataError, match=r"not a regular file"):
        load_model_file(device)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # kB: nothing was read


def test_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(ModelDataError, match=r"^pipe\.json: not a regular file"):
        load_model_file(fifo)  # would block forever waiting for a writer if opened plainly


def test_directory_and_empty_name_are_refused(tmp_path):
    with pytest.raises(ModelDataError, match="not a regular file"):
        load_model_file(tmp_path)
    with pytest.raises(ModelDataError, match="must not be empty"):
        load_model_file("")


def test_reads_at_most_limit_plus_one(tmp_path):
    p = tmp_path / "big.json"
    p.write_bytes(b"x" * 101)
    assert read_text(p, 101) == "x" * 101
    with pytest.raises(DataFileError, match=r"^big\.json: file is larger than 100 bytes"):
        read_text(p, 100)


@pytest.mark.parametrize("literal, field", [("NaN", "a[1]"), ("-Infinity", "b.c"), ("1e999", "b.c")])
def test_non_finite_numbers_are_named_by_field(literal, field):
    text = '{"a": [1, %s], "b": {"c": 2}}' % literal if field == "a[1]" else '{"a": [1], "b": {"c": %s}}' % literal
    with pytest.raises(DataFileError, match="^f\\.json: field " + re.escape(repr(field)) + ": must be a finite number$"):
        parse_json(text, "f.json")


def test_checker_names_field_and_range():
    c = FieldChecker("f.json")
    with pytest.raises(DataFileError, match=r"field 'x': 200 is outside the allowed range -180\.\.180 deg"):
        c.number(200, "x", -180, 180, "deg")
    with pytest.raises(DataFileError, match=r"field 'p.name': contains a lone surrogate"):
        c.get({"name": "pi\udc80"}, "name", "p", str)
    with pytest.raises(DataFileError, match=r"field 'p.n': expected int, got bool"):
        c.get({"n": True}, "n", "p", int)
