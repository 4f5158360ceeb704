"""The in-memory form of a codebook: a tree of categories and codes, independent of YAML or SQL.

A :class:`CodebookSpec` is what the YAML loader produces, what :func:`install_codebook` writes
into a project and what :func:`load_codebook_from_db` reads back. Specs are immutable values,
so two specs compare equal exactly when they describe the same codebook.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .rules import SuggestRule

# Kinds of rows in the ``code`` table. ``point`` codes mark an onset and may be given an end
# (GUIDE: calls to action are "point events or intervals"); ``interval`` codes always have one.
CATEGORY = "category"
TIME_KINDS = ("point", "interval")
KINDS = (CATEGORY, *TIME_KINDS, "clip")

VALUE_TYPES = ("presence", "nominal", "ordinal", "number", "text")
# value types whose allowed values are listed (``options`` for nominal, ``scale`` for ordinal)
LISTED_VALUE_TYPES = ("nominal", "ordinal")

# Levels of measurement for reliability (``level:``), and those each value type allows: listed
# nominal values have no order; ordinal scale values and numbers may be treated as any level.
LEVELS = ("nominal", "ordinal", "interval", "ratio")
LEVELS_FOR = {"presence": ("nominal",), "nominal": ("nominal",), "ordinal": LEVELS,
              "number": LEVELS, "text": ()}  # fmt: skip

# A clip-level ``presence`` variable is a yes/no question; its stored values are fixed.
PRESENCE_CLIP_OPTIONS = (("1", "yes"), ("0", "no"))


@dataclass(frozen=True)
class Option:
    """One allowed value of a nominal or ordinal code; ``value`` is what the database stores."""

    value: str
    label: str


@dataclass(frozen=True)
class CodeSpec:
    """A category (``kind == "category"``, may hold ``children``) or a code.

    ``key`` is the stable id; ``options`` are in codebook order (for ordinal codes this is
    the scale order, low to high). ``level`` is the level of measurement for reliability
    (``None``: the value type's default). ``line`` is where the entry starts in its YAML file
    (0 when it did not come from a file) and takes no part in equality.
    """

    key: str
    label: str
    kind: str
    value_type: str = "presence"
    options: tuple[Option, ...] = ()
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    shortcut: str | None = None
    color: str | None = None
    level: str | None = None
    children: tuple[CodeSpec, ...] = ()
    # ``suggest:`` rules: kept in the version's YAML only (the code table has no column for
    # them), so a spec read back from the database has none and still compares equal
    suggest: tuple[SuggestRule, ...] = field(default=(), compare=False)
    line: int = field(default=0, compare=False)

    @property
    def is_category(self) -> bool:
        return self.kind == CATEGORY

    def stored_options(self) -> tuple[Option, ...]:
        """Allowed values as stored: the listed options, or yes/no for a clip-level presence."""
        if self.kind == "clip" and self.value_type == "presence":
            return tuple(Option(value, label) for value, label in PRESENCE_CLIP_OPTIONS)
        return self.options


@dataclass(frozen=True)
class CodebookSpec:
    """A whole codebook: name, description and the top-level entries in order."""

    name: str
    description: str = ""
    codes: tuple[CodeSpec, ...] = ()

    def walk(self) -> Iterator[tuple[CodeSpec, CodeSpec | None]]:
        """Every entry with its parent category (``None`` at top level), depth first, in order."""
        stack: list[tuple[CodeSpec, CodeSpec | None]] = [(c, None) for c in reversed(self.codes)]
        while stack:
            spec, parent = stack.pop()
            yield spec, parent
            stack.extend((child, spec) for child in reversed(spec.children))

    def by_key(self) -> dict[str, CodeSpec]:
        """Entries by key (keys are unique in a valid codebook)."""
        return {spec.key: spec for spec, _parent in self.walk()}

    def codes_only(self) -> list[CodeSpec]:
        """The codes (not categories) in codebook order."""
        return [spec for spec, _parent in self.walk() if not spec.is_category]
