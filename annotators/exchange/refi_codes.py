"""The REFI-QDA code tree (``<Codes>`` of Codebook.xsd and Project.xsd) both ways.

Storyframe -> REFI: a category is a non-codable code holding its children; a time code is
a codable code; a nominal/ordinal code also holds one codable child code per option (coding
that child means "this code with this value"). GUIDs are derived from keys (the same key
always gives the same GUID) and each description ends with a marker line
``[storyframe key=...; kind=...; type=...]`` so Storyframe reads its own files back exactly;
other tools show it as part of the description.

REFI -> Storyframe: marked codes come back as they were; other codes become categories when
they have children and codes otherwise (keys made from their names).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from lxml import etree

from annotators.export.catalog import CodeInfo

from .keys import is_key, key_from_name
from .plan import CodeDraft

NAMESPACE = uuid.UUID("5b0f5e8e-4d3c-4a8e-9a55-2f3b8e9c1a77")
MARKER = re.compile(r"\[storyframe ([^\]]*)\]\s*$")


def guid(kind: str, name: str) -> str:
    """The stable GUID of a Storyframe object (``kind`` ``code``, ``option``, ``coder``...)."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{name}"))


def marker(**fields: str) -> str:
    """The marker line carrying Storyframe's own names through a REFI description."""
    return "[storyframe " + "; ".join(f"{k}={v}" for k, v in fields.items()) + "]"


def describe(text: str, **fields: str) -> str:
    """``text`` with the marker line appended."""
    return f"{text}\n\n{marker(**fields)}" if text else marker(**fields)


def read_marker(description: str | None) -> tuple[str, dict[str, str]]:
    """The description text without its marker, and the marker's fields ({} when none)."""
    text = description or ""
    found = MARKER.search(text)
    if found is None:
        return text.strip(), {}
    fields = dict(part.split("=", 1) for part in found.group(1).split("; ") if "=" in part)
    return text[: found.start()].strip(), fields


def norm_guid(value: str | None) -> str:
    """A GUID compared case- and brace-insensitively."""
    return (value or "").strip().strip("{}").lower()


# --- writing -----------------------------------------------------------------------------


def write_codes(
    parent: etree._Element, ns: str, codes: list[CodeInfo], colors: dict[int, str]
) -> None:
    """``<Codes>`` under ``parent`` for the time codes and categories in ``codes``."""
    wanted = [c for c in codes if c.kind != "clip"]
    holder = etree.SubElement(parent, f"{{{ns}}}Codes")
    by_parent: dict[str, list[CodeInfo]] = {}
    for code in wanted:
        by_parent.setdefault(code.ancestors[-1] if code.ancestors else "", []).append(code)
    keys = {code.key for code in wanted}
    top = [c for c in wanted if not c.ancestors or c.ancestors[-1] not in keys]
    for code in top:
        _code(holder, ns, code, by_parent, colors)
    if not len(holder):  # the schema needs one code at least
        etree.SubElement(
            holder, f"{{{ns}}}Code", guid=guid("code", "_empty"), name="(no codes)",
            isCodable="false",
        )  # fmt: skip


def _code(
    parent: etree._Element,
    ns: str,
    code: CodeInfo,
    by_parent: dict[str, list[CodeInfo]],
    colors: dict[int, str],
) -> None:
    attributes = {
        "guid": guid("code", code.key), "name": code.label,
        "isCodable": "false" if code.is_category else "true",
    }  # fmt: skip
    if code.id in colors:
        attributes["color"] = colors[code.id]
    element = etree.SubElement(parent, f"{{{ns}}}Code", attributes)
    etree.SubElement(element, f"{{{ns}}}Description").text = describe(
        code.definition, key=code.key, kind=code.kind, type=code.value_type
    )
    for value, label in code.options:
        option = etree.SubElement(
            element, f"{{{ns}}}Code", guid=option_guid(code.key, value), name=label,
            isCodable="true",
        )  # fmt: skip
        etree.SubElement(option, f"{{{ns}}}Description").text = marker(option=value)
    for child in by_parent.get(code.key, []) if code.is_category else []:
        _code(element, ns, child, by_parent, colors)


def option_guid(key: str, value: str) -> str:
    return guid("option", f"{key}\x00{value}")


# --- reading -----------------------------------------------------------------------------


@dataclass
class CodeTree:
    """What a ``<Codes>`` element defines: drafts, and what each GUID codes."""

    drafts: list[CodeDraft] = field(default_factory=list)
    targets: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # guid->(key,value)
    taken: set[str] = field(default_factory=set)


def read_codes(codes: etree._Element | None, point_guids: set[str]) -> CodeTree:
    """Drafts for every code under ``codes``; ``point_guids`` are codes coded with points."""
    tree = CodeTree()
    if codes is not None:
        for element in codes.iterfind("{*}Code"):
            _read(element, None, tree, point_guids)
    return tree


def _read(
    element: etree._Element, parent: str | None, tree: CodeTree, point_guids: set[str]
) -> None:
    name = element.get("name") or "code"
    text, fields = read_marker(element.findtext("{*}Description"))
    children = list(element.iterfind("{*}Code"))
    own = norm_guid(element.get("guid"))
    key = fields.get("key", "")
    if not is_key(key) or key in tree.taken:
        key = key_from_name(name, tree.taken)
    tree.taken.add(key)
    options = [(read_marker(c.findtext("{*}Description"))[1].get("option"), c) for c in children]
    if fields.get("kind") in ("point", "interval") or (not children and not fields):
        kind = fields.get("kind") or ("point" if own in point_guids else "interval")
        listed = [(value, c) for value, c in options if value is not None]
        value_type = _value_type(fields.get("type", "presence"), bool(listed))
        choices = tuple((v, c.get("name") or v) for v, c in listed)
        tree.drafts.append(
            CodeDraft(key, name, kind, value_type, choices, parent, _color(element), text)
        )
        tree.targets[own] = (key, None)
        for value, child in listed:
            tree.targets[norm_guid(child.get("guid"))] = (key, value)
        return
    tree.drafts.append(CodeDraft(key, name, "category", parent=parent, color=_color(element),
                                 definition=text))  # fmt: skip
    if element.get("isCodable") == "true":
        tree.targets[own] = (key, None)  # reported when coded: a category takes no codings
    for child in children:
        _read(child, key, tree, point_guids)


def _value_type(given: str, listed: bool) -> str:
    """A value type consistent with whether the code has options."""
    if listed:
        return given if given in ("nominal", "ordinal") else "nominal"
    return given if given in ("number", "text") else "presence"


def _color(element: etree._Element) -> str | None:
    color = (element.get("color") or "").strip()
    if re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        return color.lower()
    if re.fullmatch(r"#[0-9a-fA-F]{3}", color):
        return "#" + "".join(ch * 2 for ch in color[1:]).lower()
    return None
