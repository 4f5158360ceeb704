"""Load YAML while remembering the line of every mapping, key and list item.

Validation messages must say ``file:line: problem``, so the loader returns :class:`MarkedMap`
and :class:`MarkedList` containers (plain ``dict``/``list`` subclasses) that carry line numbers
and the raw text of scalar values. Two YAML 1.1 surprises are removed because codebooks are
written by hand: ``yes``/``no``/``on``/``off`` stay strings (only ``true``/``false`` are
booleans, as in YAML 1.2), and a key given twice in one mapping is reported instead of the
later one silently winning.

Hostile input is refused quickly with a line number instead of hanging or raising: nesting
deeper than :data:`MAX_DEPTH` (also through aliases), more than :data:`MAX_NODES` values once
aliases are expanded (an "alias bomb"), aliases that contain themselves, integers longer than
:data:`MAX_INT_DIGITS` digits, lists or mappings used as keys, values an explicit tag cannot
build (``!!int abc``) and characters YAML forbids (NUL). Dates stay text: a codebook has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
MAX_DEPTH = 32  # a codebook needs about 8 (categories in categories, options in codes)
MAX_NODES = 100_000  # values after alias expansion: ample for thousands of codes
MAX_INT_DIGITS = 100


class _Refused(Exception):
    """The document is refused before it is built: too deep, too large or self-referential."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a codebook, at a 1-based ``line`` (0: the file as a whole)."""

    line: int
    message: str

    def format(self, source: str) -> str:
        """``source:line: message`` (``source: message`` when the line is unknown), always one
        line: characters that are not printable (newlines, record separators...) are escaped."""
        text = f"{source}:{self.line}: {self.message}" if self.line else f"{source}: {self.message}"
        return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


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
        self.depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        """Compose as PyYAML does, refusing nesting deeper than :data:`MAX_DEPTH` before
        PyYAML's recursive composer runs out of stack."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                line = self.peek_event().start_mark.line + 1
                raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def get_single_data(self) -> Any:
        """The document, after checking its size with aliases expanded (see the module doc)."""
        node = self.get_single_node()
        if node is None:
            return None
        _check_expanded(node)
        return self.construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Build one value; a scalar an explicit tag cannot build becomes a marked error."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError, KeyError) as error:  # !!bool maybe: KeyError
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read the value {node.tag}: {error}", node.start_mark
            ) from None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_expanded(root: yaml.Node) -> None:
    """Raise :class:`_Refused` when ``root`` with its aliases expanded is deeper than
    :data:`MAX_DEPTH`, has more than :data:`MAX_NODES` values, or contains itself.

    Each node is measured once (its size and height are memoised), so a bomb is measured
    without being expanded; recursion stops at :data:`MAX_DEPTH`, so it cannot exhaust the
    stack, also when aliases of aliases chain many shallow lists into one deep one.
    """
    measured: dict[int, tuple[int, int]] = {}  # id(node) -> (values, height)
    active: set[int] = set()

    def measure(node: yaml.Node, depth: int) -> tuple[int, int]:
        key = id(node)
        if key in active:
            raise _Refused(_line(node), "an alias refers to a list or mapping that contains it")
        if key not in measured:
            if depth > MAX_DEPTH:
                raise _Refused(_line(node), f"nested more than {MAX_DEPTH} levels deep")
            active.add(key)
            parts = [measure(child, depth + 1) for child in _children(node)]
            active.discard(key)
            total = 1 + sum(values for values, _height in parts)
            measured[key] = (total, 1 + max((height for _values, height in parts), default=0))
        total, height = measured[key]
        if depth + height - 1 > MAX_DEPTH:
            raise _Refused(
                _line(node), f"nested more than {MAX_DEPTH} levels deep once aliases are expanded"
            )
        if total > MAX_NODES:
            raise _Refused(
                _line(node),
                f"more than {MAX_NODES:,} values once aliases are expanded; a codebook needs "
                "far fewer (is this an alias bomb?)",
            )
        return total, height

    measure(root, 1)


def _construct_map(loader: _Loader, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
    data = MarkedMap()
    data.line = _line(node)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            loader.problems.append(
                Problem(_line(key_node), "a key must be text, not a list or mapping")
            )
            continue
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


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int | str:
    """An integer, or (reported) its first digits when it is absurdly long: Python refuses to
    convert more than 4,300 digits, and no codebook value needs more than a few."""
    digits = sum(char.isdigit() for char in node.value)
    if digits > MAX_INT_DIGITS:
        loader.problems.append(
            Problem(_line(node), f"a number with {digits:,} digits (at most {MAX_INT_DIGITS})")
        )
        return node.value[:20] + "..."
    return loader.construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
# Dates stay text, also with an explicit !!timestamp (PyYAML's constructor fails with an
# AttributeError on a value that is no date).
_Loader.add_constructor(_TIMESTAMP_TAG, lambda loader, node: loader.construct_scalar(node))
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_list)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_marked(text: str) -> tuple[Any, list[Problem]]:
    """Parse ``text``; return the document and the problems found while loading.

    A YAML syntax error is returned as a single problem (with the document ``None``), so the
    caller reports it like any other codebook problem.
    """
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:  # a character YAML forbids, such as NUL
        line = text.count("\n", 0, error.position) + 1
        character = chr(error.character) if isinstance(error.character, int) else error.character
        return None, [Problem(line, f"character {character!r} is not allowed in YAML")]
    try:
        return loader.get_single_data(), loader.problems
    except _Refused as refused:
        return None, [Problem(refused.line, refused.message)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        problem = " ".join(part for part in (error.context, error.problem) if part)
        return None, [Problem(line, f"YAML syntax error: {problem}")]
    except yaml.YAMLError as error:
        return None, [Problem(0, f"YAML syntax error: {error}")]
    finally:
        loader.dispose()
