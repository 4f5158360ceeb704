"""Write a :class:`~.report.ReliabilityReport` as a text table, CSV, JSON or HTML.

Files are written beside the target and moved into place when complete, so an interrupted
write never leaves a truncated report that looks whole.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from annotators.errors import ReliabilityError
from annotators.export.csvio import Column, CsvOptions, open_table
from annotators.safety.outputs import NO_GUARD, OutputGuard, write_text

from .result import JSON_FIELDS, Result

if TYPE_CHECKING:
    from .report import ReliabilityReport

FORMATS = ("table", "csv", "json", "html")
EXTRA_COLUMNS = ("reason", "kappa_method", "matched", "unmatched", "f1", "slice_s")
_TEXT = {"code_key", "method", "level", "reason", "kappa_method"}
_INT = {"n_units", "n_coders", "n_pairable", "matched", "unmatched"}


def number(value: float | None, digits: int = 3) -> str:
    """A figure for people: ``digits`` decimals, ``-`` when undefined."""
    return "-" if value is None else f"{value:.{digits}f}"


def figure(value: float | None) -> str:
    """A disagreement for people: four significant digits (u-alpha's are tiny), ``-`` if none."""
    return "-" if value is None else f"{value:.4g}"


def _interval(result: Result) -> str:
    if result.ci_low is None or result.ci_high is None:
        return "-"
    return f"[{result.ci_low:.3f}, {result.ci_high:.3f}]"


def _note(result: Result) -> str:
    if result.method == "points":
        extra = result.extra
        return (
            f"matched {extra['matched']}, unmatched {extra['unmatched']}, F1 {number(extra['f1'])}"
        )
    return result.reason or ""


def format_table(report: ReliabilityReport) -> str:
    """The results as an aligned plain-text table with a short header (for terminals)."""
    meta = report.meta
    header = ("code", "method", "level", "alpha", "95% CI", "units", "pairable", "D_o", "D_e",
              "agree", "kappa", "note")  # fmt: skip
    rows = [
        (
            r.code_key,
            r.method,
            r.level or "-",
            number(r.alpha),
            _interval(r),
            str(r.n_units),
            str(r.n_pairable),
            figure(r.d_o),
            figure(r.d_e),
            number(r.percent_agreement),
            number(r.kappa),
            _note(r),
        )  # fmt: skip
        for r in report.results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = [
        f"coders: {', '.join(meta['coders'])}; clips counted ({meta['coded_rule_text']}): "
        + ", ".join(f"{name} {n}" for name, n in meta["clips_per_coder"].items()),
        f"bootstrap: {meta['bootstrap']['draws']} draws, seed {meta['bootstrap']['seed']}; "
        "thresholds .667 (tentative) and .800",
        "",
    ]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    lines += [f"warning: {text}" for text in meta.get("warnings", [])]
    return "\n".join(lines) + "\n"


def _columns() -> list[Column]:
    names = [*JSON_FIELDS, *EXTRA_COLUMNS]
    kinds = {
        name: "text" if name in _TEXT else "int" if name in _INT else "float" for name in names
    }
    return [Column(name, kinds[name]) for name in names]


def _write_csv(report: ReliabilityReport, path: Path, guard: OutputGuard) -> None:
    columns = _columns()
    with open_table(path, columns, CsvOptions(), guard) as table:
        for result in report.results:
            row = result.to_json()
            table.write([row.get(column.name) for column in columns])


def write_report(
    report: ReliabilityReport,
    path: Path,
    format: str,  # noqa: A002
    guard: OutputGuard = NO_GUARD,
) -> Path:
    """Write ``report`` to ``path`` in ``format`` (one of :data:`FORMATS`); return ``path``.

    Written through :mod:`annotators.safety` (atomic; ``guard``'s files, devices, folders and
    databases are refused with :class:`~annotators.errors.ExportError`).
    """
    if format == "csv":
        _write_csv(report, path, guard)
    elif format == "json":
        text = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
        write_text(path, text, guard=guard)
    elif format == "table":
        write_text(path, format_table(report), guard=guard)
    elif format == "html":
        from .render_html import render_html

        write_text(path, render_html(report), guard=guard)
    else:
        raise ReliabilityError(f"unknown report format '{format}' (one of {', '.join(FORMATS)})")
    return path
