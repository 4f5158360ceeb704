"""The ``codebook.csv`` data dictionary written beside every CSV export.

One row per variable and value: a code with options (or a yes/no clip variable) has one row
per allowed value, in codebook order; other codes have one row with empty ``value`` columns.
This is the layout R's and SPSS's value-label helpers read (join on ``variable``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotators.codebook.spec import PRESENCE_CLIP_OPTIONS
from annotators.errors import ExportError
from annotators.safety.outputs import NO_GUARD, OutputGuard

from .catalog import CodeInfo, snake_case
from .csvio import Column, CsvOptions, open_table
from .widenames import column_names, wide_bases

DICTIONARY_NAME = "codebook.csv"

COLUMNS = (
    Column("variable", "text", "the code key; csv-wide columns are named <variable>_<measure>"),
    Column("wide_columns", "text", "csv-wide column names of this variable, space-separated"),
    Column("label", "text", "the code's label"),
    Column("code_path", "text", "category labels down to the code, joined by ' / '"),
    Column("kind", "text", "point, interval or clip"),
    Column("value_type", "text", "presence, nominal, ordinal, number or text"),
    Column("value", "text", "one allowed stored value (empty when values are free)"),
    Column("value_label", "text", "label of that value"),
    Column("definition", "text", "the code's definition from the codebook"),
    Column("codebook_version", "int", "version of the codebook the code belongs to"),
)


def wide_columns(code: CodeInfo, base: str | None = None) -> list[str]:
    """Names of the csv-wide columns a code produces; ``base`` is its disambiguated base
    name (:func:`~.widenames.code_bases`), by default the snake_case key."""
    return column_names(base or snake_case(code.key), code.is_clip)


@dataclass(frozen=True)
class TableExport:
    """What a table export wrote: the table, its row count and its data dictionary."""

    path: Path
    rows: int
    dictionary: Path


def dictionary_path(table: Path) -> Path:
    """Where the data dictionary of ``table`` goes; refuses to overwrite the table itself."""
    path = Path(table).with_name(DICTIONARY_NAME)
    if path.resolve() == Path(table).resolve():
        raise ExportError(f"{table}: this name is reserved for the data dictionary; choose another")
    return path


def _rows(code: CodeInfo, base_name: str | None) -> Iterator[list[object]]:
    base = [code.key, " ".join(wide_columns(code, base_name)), code.label, code.path, code.kind]
    tail = [code.definition, code.codebook_version]
    options = code.options
    if not options and code.is_clip and code.value_type == "presence":
        options = PRESENCE_CLIP_OPTIONS
    if not options:
        yield [*base, code.value_type, None, None, *tail]
    for value, label in options:
        yield [*base, code.value_type, value, label, *tail]


def write_dictionary(
    path: Path,
    codes: Iterable[CodeInfo],
    options: CsvOptions,
    guard: OutputGuard = NO_GUARD,
    bases: dict[int, str] | None = None,
) -> Path:
    """Write the dictionary of ``codes`` (categories skipped) to ``path``; return ``path``.

    ``bases`` are the csv-wide base names by code id (:func:`~.widenames.code_bases` over
    all codes of the project); given or not, ``wide_columns`` lists csv-wide's real names.
    """
    codes = list(codes)
    if bases is None:
        bases = wide_bases(codes)
    with open_table(path, COLUMNS, options, guard) as table:
        for code in codes:
            if not code.is_category:
                table.write_all(_rows(code, bases.get(code.id)))
    return path
