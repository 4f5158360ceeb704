"""Write a :class:`CodebookSpec` as codebook YAML that :func:`parse_codebook` reads back equal."""

from __future__ import annotations

from typing import Any

import yaml

from .parse import FORMAT_VERSION
from .spec import CodebookSpec, CodeSpec, Option


class _Dumper(yaml.SafeDumper):
    """SafeDumper writing multi-line texts as ``|`` blocks, which researchers can edit."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def codebook_to_yaml(spec: CodebookSpec) -> str:
    """YAML text of ``spec`` in the documented key order; empty fields are left out."""
    document: dict[str, Any] = {"format": FORMAT_VERSION, "name": spec.name}
    if spec.description:
        document["description"] = spec.description
    document["codes"] = [_entry(code) for code in spec.codes]
    return yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )


def _entry(code: CodeSpec) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": code.key, "label": code.label, "kind": code.kind}
    if not code.is_category and code.value_type != "presence":
        entry["value_type"] = code.value_type
    if code.value_type == "ordinal":
        entry["scale"] = [{"value": int(o.value), "label": o.label} for o in code.options]
    elif code.value_type == "nominal":
        entry["options"] = [_option(o) for o in code.options]
    if code.level:
        entry["level"] = code.level
    for name in ("definition", "include", "exclude"):
        if getattr(code, name):
            entry[name] = getattr(code, name)
    if code.examples:
        entry["examples"] = list(code.examples)
    if code.shortcut:
        entry["shortcut"] = code.shortcut
    if code.color:
        entry["color"] = code.color
    if code.suggest:
        entry["suggest"] = [rule.to_yaml() for rule in code.suggest]
    if code.is_category:
        entry["codes"] = [_entry(child) for child in code.children]
    return entry


def _option(option: Option) -> str | dict[str, str]:
    """A bare value when the label adds nothing, else ``{value, label}``."""
    return (
        option.value
        if option.label == option.value
        else {"value": option.value, "label": option.label}
    )
