"""Load YAML while remembering the line of every mapping, key and list item.

Validation messages must say ``file:line: problem``, so the loader returns :class:`MarkedMap`
and :class:`MarkedList` containers (plain ``dict``/``list`` subclasses) that carry line numbers
and the raw text of scalar values. Two YAML 1.1 surprises are removed because codebooks are
written by hand: ``yes``/``no``/``on``/``off`` stay strings (only ``true``/``false`` are
booleans, as in YAML 1.2), and a key given twice in one mapping is reported instead of the
later one silently winning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

_BOOL_TAG = "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a codebook, at a 1-based ``line`` (0: the file as a whole)."""

    line: int
    message: str

    def format(self, source: str) -> str:
        """``source:line: message`` (``source: message`` when the line is unknown)."""
        return f"{source}:{self.line}: {self.message}" if self.line else f"{source}: {self.message}"


class MarkedMap(dict):
    """A YAML mapping with ``line`` (where it starts), ``key_lines`` and ``raw`` scalar texts."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[Any, int] = {}
        self.raw: dict[Any, str] = {}

    def line_of(self, key: Any) -> int:
        """Line of ``key`` when present, else the line the mapping starts on."""
        return self.key_lines.get(key, self.line)


class MarkedList(list):
    """A YAML sequence with ``line`` (where it starts) and ``item_lines``."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.item_lines: list[int] = []


class _Loader(yaml.SafeLoader):
    """SafeLoader building marked containers; collects duplicate keys in ``problems``."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.problems: list[Problem] = []


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _construct_map(loader: _Loader, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
    data = MarkedMap()
    data.line = _line(node)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in data.key_lines:
            loader.problems.append(
                Problem(
                    _line(key_node), f"duplicate key '{key}' (first on line {data.key_lines[key]})"
                )
            )
            continue
        data.key_lines[key] = _line(key_node)
        if isinstance(value_node, yaml.ScalarNode):
            data.raw[key] = value_node.value
        data[key] = loader.construct_object(value_node, deep=True)


def _construct_list(loader: _Loader, node: yaml.SequenceNode):  # type: ignore[no-untyped-def]
    data = MarkedList()
    data.line = _line(node)
    yield data
    for item in node.value:
        data.item_lines.append(_line(item))
        data.append(loader.construct_object(item, deep=True))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_list)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_marked(text: str) -> tuple[Any, list[Problem]]:
    """Parse ``text``; return the document and the problems found while loading.

    A YAML syntax error is returned as a single problem (with the document ``None``), so the
    caller reports it like any other codebook problem.
    """
    loader = _Loader(text)
    try:
        return loader.get_single_data(), loader.problems
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        problem = " ".join(part for part in (error.context, error.problem) if part)
        return None, [Problem(line, f"YAML syntax error: {problem}")]
    except yaml.YAMLError as error:
        return None, [Problem(0, f"YAML syntax error: {error}")]
    finally:
        loader.dispose()
