"""SPSS ``.sav`` and Stata ``.dta`` files of the wide and long tables, with their labels.

- The wide table is csv-wide's rows (:func:`annotators.export.wide.wide_table`), the long
  table csv-long's (written to a temporary CSV and read back), so the numbers are the same
  as in the CSV exports; the long table goes beside the wide one as ``<name>_long.sav``.
- Variable labels: the code label with the measure (``Donate: count``) or the column's
  description from the data dictionary.
- Value labels come from the codebook. Listed values that are whole numbers (ordinal
  scales such as 1-5) keep their numbers; other listed values (``sadness``) are numbered
  1, 2, ... in codebook order, because Stata labels only integers; the label is the option's
  label. ``_present`` columns are labelled 0 = absent, 1 = present; a clip-level yes/no
  variable 0 = no, 1 = yes.
- Names are made legal and unique for each format (:func:`spss_name`, :func:`stata_name`);
  the original column name is kept at the start of the variable label when it changed.
"""

from __future__ import annotations

import contextlib
import csv
import math
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotators.errors import ExportError
from annotators.export.catalog import CodeInfo
from annotators.export.csvio import Column, CsvOptions
from annotators.export.dictionary import wide_columns
from annotators.export.long import COLUMNS as LONG_COLUMNS
from annotators.export.long import export_long
from annotators.export.selection import ExportFilter
from annotators.export.wide import wide_table
from annotators.export.widenames import TIME_MEASURES
from annotators.jobs import Job, Progress
from annotators.safety import OutputGuard, check_target
from annotators.safety.outputs import NO_GUARD
from annotators.store.portable import begin_snapshot

from .registry import Format, register
from .writing import ExchangeExport

if TYPE_CHECKING:
    import pandas as pd
    from sqlmodel import Session

    from annotators.project import Project

STAT_FORMATS = ("sav", "dta")
NUMERIC_KINDS = ("int", "seconds", "float")
PRESENT_LABELS = {0: "absent", 1: "present"}
MEASURE_LABELS = {
    "present": "present",
    "count": "count",
    "first_onset_s": "first onset (s)",
    "total_duration_s": "total duration (s)",
}

SPSS_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
STATA_RESERVED = {
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long",
    "_n", "_N", "_pi", "_pred", "_rc", "_skip", "strL", "using", "with",
}  # fmt: skip


@dataclass(frozen=True)
class StatsExport:
    """What :func:`export_stats` wrote: the wide and long files and their row counts."""

    path: Path
    rows: int
    long_path: Path
    long_rows: int
    renamed: dict[str, str]  # column name -> variable name, for names that had to change


# --- names --------------------------------------------------------------------------------


def _unique(name: str, taken: set[str], limit: Callable[[str], str]) -> str:
    """``limit(name)``, or with ``_2``, ``_3``... when taken (case-insensitively: SPSS
    ignores case, and a Stata user typing names should not meet two that differ by case)."""
    candidate, n = limit(name), 1
    while candidate.lower() in taken:
        n += 1
        base, suffix = name, f"_{n}"
        while base and limit(base + suffix) != base + suffix:
            base = base[:-1]
        candidate = base + suffix
    taken.add(candidate.lower())
    return candidate


def _bytes_limit(size: int) -> Callable[[str], str]:
    def cut(name: str) -> str:
        while len(name.encode("utf-8")) > size:
            name = name[:-1]
        return name

    return cut


def spss_name(name: str, taken: set[str]) -> str:
    """A legal, unique SPSS variable name: at most 64 bytes of letters, digits, ``_ . @ #``,
    starting with a letter, not ending with ``.`` or ``_``, not a reserved word."""
    legal = re.sub(r"[^\w.@#]", "_", name, flags=re.ASCII).rstrip("._") or "v"
    if not legal[0].isalpha():
        legal = "v" + legal
    if legal.upper() in SPSS_RESERVED:
        legal += "_v"
    return _unique(legal, taken, _bytes_limit(64))


def stata_name(name: str, taken: set[str], size: int = 32) -> str:
    """A legal, unique Stata variable name: ``[A-Za-z_][A-Za-z0-9_]*``, at most ``size``
    (32) chars, not a reserved word (nor ``str1``...``str2045``). Variables with value
    labels get fewer (see :func:`_write`): their label set is named after them."""
    legal = re.sub(r"[^A-Za-z0-9_]", "_", name) or "v"
    if legal[0].isdigit():
        legal = "v" + legal
    if legal in STATA_RESERVED or re.fullmatch(r"str\d+", legal):
        legal += "_v"
    return _unique(legal, taken, lambda text: text[:size])


# --- the tables ---------------------------------------------------------------------------


@dataclass
class _Variable:
    column: Column
    label: str
    numeric: bool
    value_labels: dict[int | float, str] | None = None
    encode: dict[str, int] | None = None  # stored text value -> number written


def _listed(code: CodeInfo) -> tuple[dict[int | float, str], dict[str, int] | None] | None:
    """Value labels of a listed clip-level code, and the numbering of non-numeric values."""
    options = code.options
    if code.value_type == "presence":
        options = (("1", "yes"), ("0", "no"))
    if code.value_type not in ("presence", "nominal", "ordinal") or not options:
        return None
    if all(re.fullmatch(r"-?\d+", value) for value, _label in options):
        return {int(value): label or value for value, label in options}, None
    encode = {value: index for index, (value, _label) in enumerate(options, start=1)}
    return {encode[value]: label or value for value, label in options}, encode


def _wide_variables(
    columns: list[Column], codes: list[CodeInfo], bases: dict[int, str]
) -> list[_Variable]:
    """Types and labels of the wide columns (codes by their csv-wide column names)."""
    by_column: dict[str, tuple[CodeInfo, str | None]] = {}
    for code in codes:
        for name in wide_columns(code, bases.get(code.id)):
            measure = next((m for m in TIME_MEASURES if name.endswith("_" + m)), None)
            by_column.setdefault(name, (code, None if code.is_clip else measure))
    variables = []
    for column in columns:
        found = by_column.get(column.name)
        if found is None:
            numeric = column.kind in NUMERIC_KINDS
            variables.append(_Variable(column, column.description or column.name, numeric))
            continue
        code, measure = found
        if measure is not None:
            labels = PRESENT_LABELS if measure == "present" else None
            label = f"{code.label}: {MEASURE_LABELS[measure]}"
            variables.append(_Variable(column, label, True, labels))
            continue
        listed = _listed(code)
        if listed is not None:
            labels, encode = listed
            variables.append(_Variable(column, code.label, True, labels, encode))
        else:
            variables.append(_Variable(column, code.label, code.value_type == "number"))
    return variables


def _frame(variables: list[_Variable], rows: Iterable[list[Any]], path: Path) -> pd.DataFrame:
    """The rows as a DataFrame: numeric columns as floats (NaN = missing), text as str."""
    import pandas as pd  # here: the format registry loads this module, pandas only on use

    data: dict[str, list[Any]] = {v.column.name: [] for v in variables}
    for row in rows:
        for variable, cell in zip(variables, row, strict=True):
            data[variable.column.name].append(_cell(variable, cell, path))
    frame = pd.DataFrame(data, columns=[v.column.name for v in variables])
    for variable in variables:
        name = variable.column.name
        frame[name] = frame[name].astype("float64" if variable.numeric else "object")
    return frame


def _cell(variable: _Variable, cell: Any, path: Path) -> Any:
    if not variable.numeric:
        return "" if cell is None else str(cell)
    if cell is None or cell == "":
        return math.nan
    if variable.encode is not None:
        return float(variable.encode.get(str(cell), math.nan))
    try:
        return float(cell)
    except (TypeError, ValueError):
        raise ExportError(f"{path}: {variable.column.name} holds {cell!r}, not a number") from None


def _meta_numeric(variables: list[_Variable], rows: list[list[Any]]) -> None:
    """Platform metadata columns whose every value is a number become numeric variables."""
    for index, variable in enumerate(variables):
        if not variable.column.name.startswith("meta_"):
            continue
        cells = [row[index] for row in rows if row[index] not in (None, "")]
        if cells and all(isinstance(c, int | float) and not isinstance(c, bool) for c in cells):
            variable.numeric = True


def _long_rows(session: Session, flt: ExportFilter | None) -> list[list[Any]]:
    """csv-long's rows (written by :func:`export_long`, read back as text)."""
    with tempfile.TemporaryDirectory(prefix="storyframe-long-") as folder:
        path = Path(folder) / "long.csv"
        export_long(session, path, flt, CsvOptions(formula_guard=False))
        with path.open(encoding="utf-8", newline="") as file:
            reader = csv.reader(file)
            next(reader)
            return [list(row) for row in reader]


def _long_variables() -> list[_Variable]:
    return [_Variable(c, c.description or c.name, c.kind in NUMERIC_KINDS) for c in LONG_COLUMNS]


def _write(fmt: str, frame: pd.DataFrame, variables: list[_Variable], path: Path) -> dict:
    """Write ``frame`` with legal names and labels; return the renamed columns."""
    import pyreadstat  # here: the format registry loads this module, pyreadstat only on use

    taken: set[str] = set()
    # pyreadstat names a label set <variable><n> (n counts label sets from 0) and Stata
    # allows 32 characters there: labelled variables leave room for the digits of n
    labelled = sum(1 for v in variables if v.value_labels)
    short = 32 - len(str(max(labelled - 1, 0)))
    names = {
        v.column.name: (
            spss_name(v.column.name, taken)
            if fmt == "sav"
            else stata_name(v.column.name, taken, short if v.value_labels else 32)
        )
        for v in variables
    }
    renamed = {old: new for old, new in names.items() if old != new}
    labels = {
        names[v.column.name]: (
            f"{v.column.name}: {v.label}" if v.column.name in renamed else v.label
        )[: 80 if fmt == "dta" else 255]
        for v in variables
    }
    value_labels = {names[v.column.name]: v.value_labels for v in variables if v.value_labels}
    frame = frame.rename(columns=names)
    temporary = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "sav":
            pyreadstat.write_sav(
                frame, temporary, column_labels=labels, variable_value_labels=value_labels
            )
        else:
            pyreadstat.write_dta(
                frame, temporary, column_labels=labels, variable_value_labels=value_labels
            )
        temporary.replace(path)
    except (OSError, pyreadstat.ReadstatError) as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise ExportError(f"{path}: cannot write ({error})") from None
    return renamed


def long_path(path: Path, fmt: str) -> Path:
    """Where the long table goes beside the wide file ``path``."""
    return path.with_name(f"{path.stem}_long.{fmt}")


def export_stats(
    session: Session,
    fmt: str,
    path: Path,
    flt: ExportFilter | None = None,
    guard: OutputGuard | None = None,
) -> StatsExport:
    """Write the wide table to ``path`` and the long one to :func:`long_path` as ``fmt``.

    ``path`` gets the format's suffix when it has another one; a folder gets
    ``storyframe_wide.<fmt>`` inside it.

    Raises :class:`ExportError` for an unknown format, unknown filter names or an unwritable
    path; a failed export leaves no partial file.
    """
    if fmt not in STAT_FORMATS:
        raise ExportError(f"unknown statistics format {fmt!r} (one of {', '.join(STAT_FORMATS)})")
    path = Path(path)
    if path.is_dir():
        path = path / f"storyframe_wide.{fmt}"
    elif path.suffix.lower() != f".{fmt}":
        path = path.with_name(f"{path.name}.{fmt}")
    for target in (path, long_path(path, fmt)):  # the project and its videos stay untouched
        check_target(target, guard or NO_GUARD)
    wide = wide_table(session, flt)
    rows = list(wide.rows)
    variables = _wide_variables(wide.columns, wide.codes, wide.bases)
    _meta_numeric(variables, rows)
    renamed = _write(fmt, _frame(variables, rows, path), variables, path)
    long_rows = _long_rows(session, flt)
    long_variables = _long_variables()
    target = long_path(path, fmt)
    try:
        _write(fmt, _frame(long_variables, long_rows, target), long_variables, target)
    except ExportError:
        path.unlink(missing_ok=True)  # both tables or neither
        raise
    return StatsExport(path, len(rows), target, len(long_rows), renamed)


def _stats_job(fmt: str):  # noqa: ANN202 (a Format.export callable)
    def job(
        project: Project,
        out: Path,
        flt: ExportFilter | None = None,
        times: object = None,
        *,
        guard: OutputGuard | None = None,
    ) -> Job[ExchangeExport]:
        """Job writing the wide table to ``out`` and the long one beside it."""
        yield Progress(0, 1, "reading")
        with project.session() as session:
            begin_snapshot(session)  # one snapshot for both tables
            done = export_stats(session, fmt, out, flt, guard)
        yield Progress(1, 1, "done")
        result = ExchangeExport(fmt, files=[done.path, done.long_path], notes=[NOT_CARRIED])
        result.annotations = done.long_rows
        if done.renamed:
            renamed = ", ".join(f"{old} -> {new}" for old, new in list(done.renamed.items())[:10])
            result.notes.append(f"variable names changed to be legal: {renamed}")
        return result

    return job


NOT_CARRIED = (
    "one row per video x coder (wide) and per annotation or clip value (long); listed text "
    "values are numbered 1, 2... with value labels"
)
SAV = register(
    Format(name="sav", title="SPSS (.sav)", extensions=(".sav",),
           detect=lambda path: False, export=_stats_job("sav"))
)  # fmt: skip
DTA = register(
    Format(name="dta", title="Stata (.dta)", extensions=(".dta",),
           detect=lambda path: False, export=_stats_job("dta"))
)  # fmt: skip
