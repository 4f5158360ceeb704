"""Turn codebook YAML into a :class:`CodebookSpec`, reporting every problem with its line.

The format is documented in ``docs/codebook-format.md``. Parsing never stops at the first
problem: a researcher fixing a codebook wants the whole list at once. When anything is wrong,
:class:`CodebookValidationError` (a :class:`~annotators.errors.CodebookError`) is raised with
all ``file:line: problem`` messages.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotators.errors import CodebookError

from .rules import parse_rules
from .shortcuts import normalize_shortcut, reserved_for
from .spec import CATEGORY, KINDS, LEVELS, LEVELS_FOR, VALUE_TYPES, CodebookSpec, CodeSpec, Option
from .yamlmarks import MarkedList, MarkedMap, Problem, load_marked

FORMAT_VERSION = 1
# Ids become column names in exports (R, SPSS, pandas), hence snake_case.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
ID_MAX_LENGTH = 100
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
# Codebooks are small text files (the shipped one is 17 KB); a bigger file is a mistake or an
# attack, refused before the YAML parser spends seconds on it.
MAX_CODEBOOK_BYTES = 256_000  # 15 times the shipped codebook; parses in about 0.5 s
SHOWN_MAX = 60  # characters of a wrong value quoted in a message

TOP_KEYS = ("format", "name", "description", "codes")
CATEGORY_KEYS = ("id", "label", "kind", "definition", "color", "codes")
CODE_KEYS = (
    "id", "label", "kind", "value_type", "options", "scale", "definition", "include",
    "exclude", "examples", "shortcut", "color", "level", "suggest",
)  # fmt: skip


class CodebookValidationError(CodebookError):
    """A codebook file is invalid; ``problems`` holds each :class:`Problem`, ``source`` the file."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(p.format(source) for p in self.problems))


def read_codebook(path: Path | str) -> CodebookSpec:
    """Parse the codebook file at ``path``; raise :class:`CodebookError` when it is unusable."""
    path = Path(path)
    try:
        _check_size(path, path.stat())
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise CodebookError(f"{path}: no such codebook file") from error
    except UnicodeDecodeError as error:
        raise CodebookError(f"{path}: not a text file in UTF-8 ({error.reason})") from error
    except OSError as error:
        raise CodebookError(f"{path}: cannot read: {error.strerror}") from error
    return parse_codebook(text, source=str(path))


def _check_size(path: Path, info: os.stat_result) -> None:
    """Refuse what is not a regular file (a FIFO would block the read) or is too large."""
    if not stat.S_ISREG(info.st_mode):
        raise CodebookError(f"{path}: not a regular file")
    if info.st_size > MAX_CODEBOOK_BYTES:
        raise CodebookError(
            f"{path}: {info.st_size:,} bytes is too large for a codebook "
            f"(at most {MAX_CODEBOOK_BYTES:,})"
        )


def parse_codebook(text: str, source: str = "<codebook>") -> CodebookSpec:
    """Parse codebook YAML ``text``; ``source`` names it in messages (usually the file path)."""
    if len(text) > MAX_CODEBOOK_BYTES:
        message = f"{len(text):,} characters is too large for a codebook"
        raise CodebookValidationError(source, [Problem(0, message)])
    document, problems = load_marked(text)
    if document is None and problems:
        raise CodebookValidationError(source, problems)
    parser = _Parser(problems)
    spec = parser.codebook(document)
    if parser.problems:
        raise CodebookValidationError(source, parser.problems)
    return spec


@dataclass
class _Parser:
    """Walks the marked YAML tree once, building specs and collecting problems."""

    problems: list[Problem]
    id_lines: dict[str, int] = field(default_factory=dict)
    shortcut_owners: dict[str, tuple[str, int]] = field(default_factory=dict)

    def report(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def codebook(self, document: Any) -> CodebookSpec:
        if not isinstance(document, MarkedMap):
            self.report(
                getattr(document, "line", 1), "a codebook must be a mapping with name and codes"
            )
            return CodebookSpec(name="")
        self.unknown_keys(document, TOP_KEYS, "the codebook")
        self.check_format(document)
        name = self.text(document, "name", "the codebook", required=True)
        description = self.text(document, "description", "the codebook")
        codes = self.entries(document, "the codebook")
        if "codes" in document and not codes and isinstance(document["codes"], MarkedList):
            self.report(document.line_of("codes"), "the codebook has no codes")
        return CodebookSpec(name=name, description=description, codes=codes)

    def check_format(self, document: MarkedMap) -> None:
        version = document.get("format", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            self.report(
                document.line_of("format"),
                f"format {_shown(repr(version))} is not understood (this Storyframe reads format "
                f"{FORMAT_VERSION})",
            )

    def entries(self, mapping: MarkedMap, owner: str) -> tuple[CodeSpec, ...]:
        """The entries listed under ``codes`` of ``mapping`` (required)."""
        if "codes" not in mapping:
            self.report(mapping.line, f"{owner} has no 'codes' list")
            return ()
        items = mapping["codes"]
        if not isinstance(items, MarkedList):
            self.report(mapping.line_of("codes"), f"'codes' of {owner} must be a list")
            return ()
        specs = []
        for item, line in zip(items, items.item_lines, strict=True):
            if not isinstance(item, MarkedMap):
                self.report(line, f"each entry of 'codes' in {owner} must be a mapping")
                continue
            spec = self.entry(item)
            if spec is not None:
                specs.append(spec)
        return tuple(specs)

    def entry(self, item: MarkedMap) -> CodeSpec | None:
        key = self.entry_id(item)
        owner = f"code '{key}'" if key else "code"
        label = self.text(item, "label", owner, required=True)
        kind = self.kind(item, owner)
        if kind == CATEGORY:
            self.unknown_keys(item, CATEGORY_KEYS, f"category '{key}'")
            return CodeSpec(
                key=key, label=label, kind=kind, line=item.line,
                definition=self.text(item, "definition", owner),
                color=self.color(item, owner),
                children=self.entries(item, f"category '{key}'"),
            )  # fmt: skip
        self.unknown_keys(item, CODE_KEYS, owner)
        value_type, options = self.value_type(item, owner)
        return CodeSpec(
            key=key, label=label, kind=kind or "point", value_type=value_type, options=options,
            definition=self.text(item, "definition", owner),
            include=self.text(item, "include", owner),
            exclude=self.text(item, "exclude", owner),
            examples=self.examples(item, owner),
            shortcut=self.shortcut(item, owner, key),
            color=self.color(item, owner),
            level=self.level(item, owner, value_type),
            suggest=parse_rules(self, item, owner, key),
            line=item.line,
        )  # fmt: skip

    def entry_id(self, item: MarkedMap) -> str:
        if "id" not in item:
            self.report(item.line, "entry has no 'id'")
            return ""
        key = item.raw.get("id", item["id"]) if not isinstance(item["id"], str) else item["id"]
        line = item.line_of("id")
        if not isinstance(key, str) or not ID_PATTERN.match(key) or len(key) > ID_MAX_LENGTH:
            self.report(
                line,
                f"id '{_shown(key)}' must be snake_case: lowercase letters, digits and _, starting "
                f"with a letter, at most {ID_MAX_LENGTH} characters",
            )
            return _shown(key)
        if key in self.id_lines:
            self.report(line, f"duplicate id '{key}' (first defined on line {self.id_lines[key]})")
        else:
            self.id_lines[key] = line
        return key

    def kind(self, item: MarkedMap, owner: str) -> str | None:
        expected = ", ".join(KINDS)
        if "kind" not in item:
            self.report(item.line, f"{owner} has no 'kind' (one of {expected})")
            return None
        kind = item["kind"]
        if kind not in KINDS:
            self.report(
                item.line_of("kind"), f"{owner}: unknown kind '{_shown(kind)}' (one of {expected})"
            )
            return None
        return kind

    def value_type(self, item: MarkedMap, owner: str) -> tuple[str, tuple[Option, ...]]:
        value_type = item.get("value_type", "presence")
        line = item.line_of("value_type")
        if value_type not in VALUE_TYPES:
            self.report(
                line,
                f"{owner}: unknown value type '{_shown(value_type)}' "
                f"(one of {', '.join(VALUE_TYPES)})",
            )
            return "presence", ()
        wanted = {"nominal": "options", "ordinal": "scale"}.get(value_type)
        for listed in ("options", "scale"):
            if listed in item and listed != wanted:
                hint = f"; {value_type} codes use '{wanted}'" if wanted else ""
                self.report(
                    item.line_of(listed),
                    f"{owner}: '{listed}' is not used by {value_type} codes{hint}",
                )
        if wanted is None:
            return value_type, ()
        if wanted not in item:
            self.report(line, f"{owner}: {value_type} code without '{wanted}'")
            return value_type, ()
        return value_type, self.options(item, wanted, owner, ordinal=value_type == "ordinal")

    def options(self, item: MarkedMap, key: str, owner: str, ordinal: bool) -> tuple[Option, ...]:
        listed = item[key]
        if not isinstance(listed, MarkedList) or not listed:
            self.report(item.line_of(key), f"{owner}: empty '{key}' (list the allowed values)")
            return ()
        options: list[Option] = []
        seen: dict[str, int] = {}
        for entry, line in zip(listed, listed.item_lines, strict=True):
            option = self.option(entry, line, owner, ordinal)
            if option is None:
                continue
            if option.value in seen:
                self.report(
                    line, f"{owner}: duplicate value '{option.value}' (line {seen[option.value]})"
                )
                continue
            seen[option.value] = line
            options.append(option)
        return tuple(options)

    def option(self, entry: Any, line: int, owner: str, ordinal: bool) -> Option | None:
        """One option: ``{value, label}``; nominal options may also be a bare value."""
        if isinstance(entry, MarkedMap):
            self.unknown_keys(entry, ("value", "label"), f"an option of {owner}")
            value, label = entry.get("value"), self.text(entry, "label", f"an option of {owner}")
        else:
            value, label = entry, ""
        if ordinal:
            if (
                not isinstance(entry, MarkedMap)
                or isinstance(value, bool)
                or not isinstance(value, int)
            ):
                self.report(line, f"{owner}: scale entries need an integer 'value' and a 'label'")
                return None
            if not label:
                self.report(line, f"{owner}: scale value {value} has no label")
                return None
        elif isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
            self.report(line, f"{owner}: an option needs a non-empty text 'value'")
            return None
        return Option(value=str(value), label=label or str(value))

    def level(self, item: MarkedMap, owner: str, value_type: str) -> str | None:
        """The optional level of measurement, if the value type allows it."""
        level = item.get("level")
        if level is None:
            return None
        allowed = LEVELS_FOR.get(value_type, ())
        if level not in LEVELS:
            self.report(
                item.line_of("level"),
                f"{owner}: unknown level '{level}' (one of {', '.join(LEVELS)})",
            )
        elif level not in allowed:
            fits = ", ".join(allowed) or "none: text gets exact agreement only"
            self.report(
                item.line_of("level"),
                f"{owner}: level '{level}' does not fit value type {value_type} (allowed: {fits})",
            )
        else:
            return level
        return None

    def examples(self, item: MarkedMap, owner: str) -> tuple[str, ...]:
        examples = item.get("examples", [])
        if examples is None:
            return ()
        if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
            self.report(item.line_of("examples"), f"{owner}: 'examples' must be a list of texts")
            return ()
        return tuple(e.strip() for e in examples)

    def shortcut(self, item: MarkedMap, owner: str, key: str) -> str | None:
        if item.get("shortcut") is None:
            return None
        line = item.line_of("shortcut")
        try:
            shortcut = normalize_shortcut(str(item.raw.get("shortcut", item["shortcut"])))
        except ValueError as error:
            self.report(line, f"{owner}: bad shortcut '{_shown(item['shortcut'])}': {error}")
            return None
        if use := reserved_for(shortcut):
            self.report(line, f"{owner}: shortcut '{shortcut}' is reserved for {use}")
        elif shortcut in self.shortcut_owners:
            other, other_line = self.shortcut_owners[shortcut]
            self.report(
                line,
                f"{owner}: duplicate shortcut '{shortcut}' (also '{other}' on line {other_line})",
            )
        else:
            self.shortcut_owners[shortcut] = (key, line)
        return shortcut

    def color(self, item: MarkedMap, owner: str) -> str | None:
        color = item.get("color")
        if color is None:
            return None
        if not isinstance(color, str) or not COLOR_PATTERN.match(color):
            self.report(
                item.line_of("color"), f"{owner}: bad color '{_shown(color)}' (use #rrggbb)"
            )
            return None
        return color.lower()

    def text(self, mapping: MarkedMap, key: str, owner: str, required: bool = False) -> str:
        """Text value of ``key``: numbers keep the spelling they had in the file."""
        value = mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.report(mapping.line, f"{owner} has no '{key}'")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.report(mapping.line_of(key), f"{owner}: '{key}' must be text")
            return ""
        return (value if isinstance(value, str) else mapping.raw[key]).strip()

    def unknown_keys(self, mapping: MarkedMap, allowed: tuple[str, ...], owner: str) -> None:
        for key in mapping:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = (
                f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(allowed)})"
            )
            self.report(mapping.line_of(key), f"{owner}: unknown key '{_shown(key)}'{hint}")


def _shown(value: Any) -> str:
    """``value`` as quoted in a message: lists and mappings by kind, long text cut short."""
    if isinstance(value, MarkedMap | dict):
        return "a mapping"
    if isinstance(value, MarkedList | list):
        return "a list"
    text = str(value)
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 3] + "..."
