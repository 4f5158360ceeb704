"""Finding rule matches in text: phrases as whole words, regular expressions, merged spans.

Pure functions over strings, shared by the speech, screen and caption sources of
:mod:`annotators.analysis.suggest`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from annotators.codebook.rules import SuggestRule


def phrase_pattern(phrase: str) -> str:
    """A regex matching ``phrase`` as whole words, any run of spaces between its words."""
    words = [re.escape(w) for w in phrase.split()]
    return r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"


def metadata_phrases(rule: SuggestRule, meta: Mapping[str, Any]) -> list[str]:
    """The clip's metadata values named by ``rule.from_metadata`` (texts or lists of texts)."""
    phrases: list[str] = []
    for key in rule.from_metadata:
        value = meta.get(key)
        values = value if isinstance(value, list) else [value]
        phrases += [v.strip() for v in values if isinstance(v, str) and len(v.strip()) >= 2]
    return phrases


def rule_patterns(rule: SuggestRule, meta: Mapping[str, Any]) -> list[re.Pattern[str]]:
    """Compiled, case-insensitive patterns of ``rule`` for a clip with metadata ``meta``."""
    phrases = [*rule.phrases, *metadata_phrases(rule, meta)]
    sources = [phrase_pattern(p) for p in phrases] + list(rule.regex)
    return [re.compile(s, re.IGNORECASE) for s in sources]


def find_spans(patterns: Iterable[re.Pattern[str]], text: str) -> list[tuple[int, int]]:
    """Non-overlapping ``(start, end)`` character spans where any pattern matches ``text``:
    where matches overlap ("share" inside "please share this") the earliest, then longest,
    one is kept, so one request gives one suggestion."""
    spans = sorted(
        {(m.start(), m.end()) for p in patterns for m in p.finditer(text) if m.end() > m.start()},
        key=lambda s: (s[0], -s[1]),
    )
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def normalized(text: str) -> str:
    """``text`` lower-cased with runs of space made one space (how anchors name a match)."""
    return " ".join(text.lower().split())
