"""CSV writing shared by every table export: RFC 4180 quoting, optional BOM, formula guard.

Columns are declared once with a type (:class:`Column`); the formula guard only touches ``text``
columns, so negative numbers in numeric columns stay numbers for R, SPSS and pandas.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from annotators.jobs import Job, Progress
from annotators.safety.outputs import NO_GUARD, OutputGuard, atomic_output

from .timecode import seconds_text

# Cells a spreadsheet would evaluate (OWASP "CSV injection"). Cells that already start with
# quotes before such a character get one more quote, so the importer can strip exactly one
# and every original text survives a round trip.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_GUARDED = re.compile(r"^'+[=+\-@\t\r]")
# Characters that make csv.writer (QUOTE_MINIMAL) quote a field.
_NEEDS_QUOTES = re.compile(r'[",\r\n]')
# A plain number such as "-3.5" or "+1e3" is not a formula, even in a text column.
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


LINE_END = "\r\n"  # RFC 4180


@dataclass(frozen=True)
class Column:
    """One output column: snake_case ``name``, its ``kind`` and what it means.

    ``kind`` is ``text`` (formula-guarded), ``int``, ``float`` or ``seconds`` (a float written
    with millisecond precision, see :func:`~.timecode.seconds_text`).
    """

    name: str
    kind: str
    description: str = ""


@dataclass(frozen=True)
class CsvOptions:
    """How a table is written: ``bom`` for Excel, ``formula_guard`` on by default."""

    bom: bool = False
    formula_guard: bool = True


def guard_formula(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would run it as a formula."""
    if _FORMULA.match(text) and not _NUMBER.match(text):
        return "'" + text
    return text


def unguard_formula(text: str) -> str:
    """Inverse of :func:`guard_formula` for cells read back from a guarded export."""
    return text[1:] if _GUARDED.match(text) else text


def csv_field(text: str) -> str:
    """``text`` as one RFC 4180 field, exactly as ``csv.writer`` writes it (QUOTE_MINIMAL).

    The fast path of the long export encodes its own lines with this (a test checks it against
    ``csv.writer`` on hostile text); everything else goes through ``csv.writer``.
    """
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


# first characters after which guard_formula may change a cell
_GUARD_FIRST = frozenset("=+-@\t\r'")


def text_field(text: str, guard: Callable[[str], str]) -> str:
    """A non-empty text cell passed through ``guard`` and encoded by :func:`csv_field`.

    Returns ``text`` itself in the common case that it needs neither (checked cheaply first).
    """
    if text[0] not in _GUARD_FIRST and not _NEEDS_QUOTES.search(text):
        return text
    return csv_field(guard(text))


def _unchanged(text: str) -> str:
    return text


def _cell(value: Any) -> Any:
    """CSV cell of ``value``: ``None`` is empty, booleans are 0/1."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    return value


class TableWriter:
    """Writes rows (sequences in column order) of one table; see :func:`open_table`."""

    def __init__(self, handle: IO[str], columns: Sequence[Column], options: CsvOptions) -> None:
        self._handle = handle
        self._writer = csv.writer(handle, lineterminator=LINE_END)
        self._text_positions = [i for i, col in enumerate(columns) if col.kind == "text"]
        self._seconds_positions = [i for i, col in enumerate(columns) if col.kind == "seconds"]
        #: the formula guard for text cells (identity when the guard is off), for
        #: :meth:`write_lines` callers that encode their own cells
        self.guard = guard_formula if options.formula_guard else _unchanged
        self.rows = 0
        self._writer.writerow([col.name for col in columns])

    def write(self, row: Sequence[Any]) -> None:
        """Write one row; values in the declared column order."""
        cells = [_cell(v) for v in row]
        for i in self._seconds_positions:
            if cells[i] != "":
                cells[i] = seconds_text(cells[i])
        for i in self._text_positions:
            if cells[i]:
                cells[i] = self.guard(str(cells[i]))
        self._writer.writerow(cells)
        self.rows += 1

    def write_lines(self, lines: Iterable[str]) -> Job[None]:
        """Job writing lines encoded by the caller (text cells through :func:`text_field`),
        each without its terminator; yields the rows written so far after every batch. The
        fast path of large exports."""
        # joined in batches: one write per 2,000 lines instead of two per line
        lines = iter(lines)
        while batch := list(islice(lines, 2000)):
            self._handle.write(LINE_END.join(batch) + LINE_END)
            self.rows += len(batch)
            yield Progress(self.rows, None, f"{self.rows:,} rows")

    def write_all(self, rows: Iterable[Sequence[Any]]) -> None:
        """Write every row of ``rows`` (consumed lazily)."""
        for row in rows:
            self.write(row)


@contextmanager
def open_table(
    path: Path, columns: Sequence[Column], options: CsvOptions, guard: OutputGuard = NO_GUARD
) -> Iterator[TableWriter]:
    """Write a CSV table to ``path`` (header first); on error no partial file is left behind.

    Written through :func:`annotators.safety.atomic_output`: rows go to a temporary file beside
    ``path`` that replaces it only when all rows are on disk, so an interrupted or failed export
    (disk full) never leaves a truncated table that looks complete; ``path`` must not be one of
    ``guard``'s files, a folder, a device or a database (:class:`ExportError`).
    """
    encoding = "utf-8-sig" if options.bom else "utf-8"
    with atomic_output(path, guard=guard, encoding=encoding, newline="") as handle:
        yield TableWriter(handle, columns, options)
