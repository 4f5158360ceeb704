"""``suggest:`` rules of a code: what the suggestion assistant looks for, and where.

A rule lists ``phrases`` (matched case-insensitively as whole words, so "share" does not
match "shared"), ``regex`` (Python regular expressions, case-insensitive) and
``from_metadata`` (keys of a clip's platform metadata whose values, e.g. the organisation
named in the metadata CSV, become phrases for that clip), in the ``sources`` given (speech,
screen, caption; all three by default). ``value`` is stored on suggested annotations of
nominal codes. Problems are reported with their line like the rest of the codebook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .yamlmarks import MarkedList, MarkedMap

if TYPE_CHECKING:
    from .parse import _Parser

SOURCES = ("speech", "screen", "caption")
RULE_KEYS = ("name", "phrases", "regex", "from_metadata", "sources", "value")
MAX_PATTERN_CHARS = 300


@dataclass(frozen=True)
class SuggestRule:
    """One rule; ``name`` identifies it in suggestions (default ``<code id>#<n>``)."""

    name: str
    phrases: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    from_metadata: tuple[str, ...] = ()
    sources: tuple[str, ...] = SOURCES
    value: str | None = None
    line: int = field(default=0, compare=False)

    def to_yaml(self) -> dict[str, Any]:
        """The rule as the YAML mapping :func:`parse_rules` reads back equal."""
        entry: dict[str, Any] = {"name": self.name}
        for key in ("phrases", "regex", "from_metadata"):
            if getattr(self, key):
                entry[key] = list(getattr(self, key))
        if self.sources != SOURCES:
            entry["sources"] = list(self.sources)
        if self.value is not None:
            entry["value"] = self.value
        return entry


def parse_rules(parser: _Parser, item: MarkedMap, owner: str, key: str) -> tuple[SuggestRule, ...]:
    """The ``suggest`` list of code ``key`` (empty when absent); problems go to ``parser``."""
    listed = item.get("suggest")
    if listed is None:
        return ()
    if not isinstance(listed, MarkedList):
        parser.report(item.line_of("suggest"), f"{owner}: 'suggest' must be a list of rules")
        return ()
    rules = []
    for number, (entry, line) in enumerate(zip(listed, listed.item_lines, strict=True), 1):
        if not isinstance(entry, MarkedMap):
            parser.report(line, f"{owner}: each 'suggest' rule must be a mapping")
            continue
        rule = _rule(parser, entry, f"{owner}, suggest rule {number}", f"{key}#{number}")
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _rule(parser: _Parser, entry: MarkedMap, owner: str, default: str) -> SuggestRule | None:
    parser.unknown_keys(entry, RULE_KEYS, owner)
    phrases = _texts(parser, entry, "phrases", owner)
    patterns = _texts(parser, entry, "regex", owner)
    metadata = _texts(parser, entry, "from_metadata", owner)
    for pattern in patterns:
        _check_regex(parser, entry.line_of("regex"), owner, pattern)
    if not (phrases or patterns or metadata):
        parser.report(entry.line, f"{owner}: give 'phrases', 'regex' or 'from_metadata'")
        return None
    sources = _texts(parser, entry, "sources", owner) or SOURCES
    for source in sources:
        if source not in SOURCES:
            parser.report(
                entry.line_of("sources"),
                f"{owner}: unknown source '{source}' (one of {', '.join(SOURCES)})",
            )
    value = entry.get("value")
    return SuggestRule(
        name=parser.text(entry, "name", owner) or default,
        phrases=phrases, regex=patterns, from_metadata=metadata,
        sources=tuple(s for s in SOURCES if s in sources),
        value=None if value is None else str(value), line=entry.line,
    )  # fmt: skip


def _texts(parser: _Parser, entry: MarkedMap, key: str, owner: str) -> tuple[str, ...]:
    """A list of non-empty texts (a single text is taken as a list of one)."""
    value = entry.get(key)
    if value is None:
        return ()
    values = list(value) if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v.strip() for v in values):
        parser.report(entry.line_of(key), f"{owner}: '{key}' must be a list of non-empty texts")
        return ()
    return tuple(v.strip() for v in values)


def _check_regex(parser: _Parser, line: int, owner: str, pattern: str) -> None:
    if len(pattern) > MAX_PATTERN_CHARS:
        parser.report(line, f"{owner}: regex longer than {MAX_PATTERN_CHARS} characters")
        return
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        parser.report(line, f"{owner}: bad regex '{pattern}': {error}")
        return
    if compiled.match(""):
        parser.report(line, f"{owner}: regex '{pattern}' matches empty text")
