"""Hardened reading of an OpenSim .osim (XML) document into a small element tree.

* The bytes are read with a size cap (:data:`MAX_BYTES`): only a regular file is
  opened, and never more than ``cap + 1`` bytes are read from it.
* Parsing goes through defusedxml's expat reader: entity declarations (the
  "billion laughs" expansion), external entities and external DTDs are refused.
* Every element remembers the line it starts on, so an error can name the element
  and the line: ``model.osim: line 224: <WrapCylinder name="Gmax1_at_pelvis_r">: radius -0.04 is negative``.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.expatreader import create_parser

from ..model import ModelDataError

__all__ = ["MAX_BYTES", "OsimError", "Element", "read_bytes", "parse_xml"]

MAX_BYTES = 20 * 1024 * 1024  # the two reference models are 0.6 and 0.9 MB


class OsimError(ModelDataError):
    """An .osim file cannot be read; the message names the file, and the element and
    line where there is one."""


@dataclass(eq=False)
class Element:
    """One XML element: tag, attributes, stripped text, children and its start line."""

    tag: str
    attrib: dict
    line: int
    children: list = field(default_factory=list)
    text: str = ""

    @property
    def name(self) -> str:
        return self.attrib.get("name", "")

    def label(self) -> str:
        n = self.attrib.get("name")
        return f'<{self.tag} name="{n}">' if n is not None else f"<{self.tag}>"

    def find(self, tag: str):
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def findall(self, tag: str):
        return [c for c in self.children if c.tag == tag]

    def findtext(self, tag: str, default=None):
        c = self.find(tag)
        return default if c is None else c.text

    def path(self, *tags):
        """Follow child tags in order; None if any is missing."""
        e = self
        for t in tags:
            e = e.find(t) if e is not None else None
        return e

    def iter(self):
        stack = [self]
        while stack:
            e = stack.pop()
            yield e
            stack.extend(reversed(e.children))


class _Builder(ContentHandler):
    def __init__(self):
        super().__init__()
        self.root = None
        self.stack: list[Element] = []
        self.texts: list[list[str]] = []
        self.reader = None  # the expat reader, for the current line number

    def line(self) -> int:
        try:
            return int(self.reader._parser.CurrentLineNumber)
        except AttributeError:  # no parser yet
            return 0

    def startElement(self, name, attrs):
        line = self.line()
        e = Element(name, dict(attrs.items()), line)
        if self.stack:
            self.stack[-1].children.append(e)
        else:
            self.root = e
        self.stack.append(e)
        self.texts.append([])

    def characters(self, content):
        if self.texts:
            self.texts[-1].append(content)

    def endElement(self, name):
        e = self.stack.pop()
        e.text = "".join(self.texts.pop()).strip()


def read_bytes(path, cap: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, refusing anything over ``cap`` bytes."""
    p = Path(path)
    fname = p.name
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise OsimError(f"{fname}: cannot open file ({e.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OsimError(f"{fname}: not a regular file")
        if st.st_size > cap:
            raise OsimError(f"{fname}: file is {st.st_size} bytes; an .osim file may be at most {cap} bytes")
        chunks, total = [], 0
        while total <= cap:
            b = os.read(fd, min(1 << 20, cap + 1 - total))
            if not b:
                break
            chunks.append(b)
            total += len(b)
        if total > cap:  # the file grew while being read
            raise OsimError(f"{fname}: file is over {cap} bytes; an .osim file may be at most {cap} bytes")
        return b"".join(chunks)
    except OSError as e:
        raise OsimError(f"{fname}: cannot read file ({e.strerror})") from None
    finally:
        os.close(fd)


def parse_xml(data: bytes, fname: str, cap: int = MAX_BYTES) -> Element:
    """Parse XML bytes with defusedxml into :class:`Element` objects (with line numbers)."""
    if len(data) > cap:
        raise OsimError(f"{fname}: document is {len(data)} bytes; an .osim file may be at most {cap} bytes")
    builder = _Builder()
    parser = create_parser()  # DefusedExpatParser: no entity declarations, no external entities
    parser.setContentHandler(builder)
    builder.reader = parser
    try:
        parser.feed(data)
        parser.close()
    except SAXParseException as e:
        raise OsimError(f"{fname}: line {e.getLineNumber()}: not well-formed XML ({e.getMessage()})") from None
    except DefusedXmlException as e:
        line = builder.line() or "?"
        raise OsimError(f"{fname}: line {line}: refused unsafe XML ({type(e).__name__}: entity declarations and external references are not allowed)") from None
    except (ValueError, UnicodeError) as e:
        raise OsimError(f"{fname}: not readable XML ({e})") from None
    if builder.root is None:
        raise OsimError(f"{fname}: empty document (no XML element)")
    return builder.root
