"""XML parsing that is safe on hostile files: no entities, no DTD, no network, no huge trees.

A document type declaration is refused outright: exchange formats never need one, and
refusing it stops entity expansion attacks (billion laughs, external entities) before any
parsing happens.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from annotators.errors import ExportError

# The largest XML document read (a 1-hour ELAN file with dense tiers is a few MB).
MAX_XML_BYTES = 200 * 1024 * 1024
# A raw "<!DOCTYPE" can only be a document type declaration (or sit in a comment or CDATA).
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def safe_parser() -> etree.XMLParser:
    """A parser that resolves no entities, loads no DTD and never touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml_bytes(data: bytes, source: str) -> etree._Element:
    """The root element of ``data``; :class:`ExportError` naming ``source`` and the line."""
    if len(data) > MAX_XML_BYTES:
        raise ExportError(f"{source}: {len(data)} bytes is too large for an XML file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    doctype = _DOCTYPE.search(data)
    if doctype is not None:
        line = data.count(b"\n", 0, doctype.start()) + 1
        raise ExportError(f"{source}: line {line}: a DOCTYPE is not allowed (entities are refused)")
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno or "?"
        why = " ".join(str(error.msg).split())  # lxml's messages may hold line breaks
        raise ExportError(f"{source}: line {line}: not well-formed XML ({why})") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ExportError(f"{source}: line 1: a DOCTYPE is not allowed (entities are refused)")
    return root


def parse_xml_file(path: Path) -> etree._Element:
    """The root element of the XML file ``path`` (see :func:`parse_xml_bytes`)."""
    try:
        size = path.stat().st_size
        if size > MAX_XML_BYTES:
            raise ExportError(f"{path}: {size} bytes is too large for an XML file")
        data = path.read_bytes()
    except OSError as error:
        raise ExportError(f"{path}: cannot read ({error.strerror or error})") from None
    return parse_xml_bytes(data, str(path))


def local(tag: object) -> str:
    """An element's tag without its namespace (``{urn:x}Code`` -> ``Code``)."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""
