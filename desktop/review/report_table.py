"""The results of a reliability report as a table: one row per variable and method.

Alpha is shown with its bootstrap interval and coloured against the conventional thresholds
(GUIDE section 7): at least .800 good, at least .667 tentative, below that not acceptable. An
undefined alpha reads "undefined" with the reason, never 0 or 1.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

GOOD, TENTATIVE = 0.800, 0.667
COLUMNS = ("Variable", "Method", "Level", "Alpha (95 % CI)", "Units", "Pairable", "Agreement",
           "Kappa")  # fmt: skip
BAND_COLORS = {"good": "#c7ecd0", "tentative": "#fbe7b5", "poor": "#f6c6c4"}


def band(alpha: float | None) -> str | None:
    """``good``, ``tentative`` or ``poor`` against .800 / .667; None when undefined.

    Judged on alpha as shown (three decimals): 2/3 is shown as 0.667, and a cell reading
    "0.667" in the "poor" colour contradicts the .667 line it is compared with."""
    if alpha is None:
        return None
    shown = round(alpha, 3)
    return "good" if shown >= GOOD else "tentative" if shown >= TENTATIVE else "poor"


def _number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def points_text(result: Any) -> str:
    """Point events are matched, not given an alpha: ``F1 0.800 · 4 matched, 2 unmatched``."""
    extra = result.extra
    if not extra.get("matched") and not extra.get("unmatched"):
        return "no events to match"
    f1 = extra.get("f1")
    shown = "–" if f1 is None else f"{f1:.3f}"
    return f"F1 {shown} · {extra.get('matched', 0)} matched, {extra.get('unmatched', 0)} unmatched"


def alpha_text(result: Any) -> str:
    """``0.812  [0.701, 0.903]``, ``undefined: <reason>``, or the F1 of point matching."""
    if result.method == "points":
        return points_text(result)
    if result.alpha is None:
        reason = getattr(result, "reason", "") or "no pairable values"
        return f"undefined: {reason}"
    text = _number(result.alpha)
    if result.ci_low is not None and result.ci_high is not None:
        text += f"  [{_number(result.ci_low)}, {_number(result.ci_high)}]"
    return text


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def row_texts(result: Any) -> list[str]:
    """The cells of one result row, in :data:`COLUMNS` order."""
    return [
        getattr(result, "code_label", None) or result.code_key,
        result.method,
        result.level or "–",
        alpha_text(result),
        str(result.n_units),
        str(result.n_pairable),
        _percent(result.percent_agreement),
        _number(result.kappa),
    ]


class ResultsTable(QTableWidget):
    """Read-only table of ``report.results``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.verticalHeader().hide()
        self.setWordWrap(False)  # one line a result; the full text is in each cell's tooltip
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def show_results(self, results: list[Any]) -> None:
        """Fill the table from ``results`` (objects with the report's result fields)."""
        self.setRowCount(len(results))
        for row, result in enumerate(results):
            for column, text in enumerate(row_texts(result)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, result.code_key)
                item.setToolTip(result.code_key if column == 0 else text)
                if column >= 4:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.setItem(row, column, item)
            self._colour(row, result)

    def _colour(self, row: int, result: Any) -> None:
        level = band(result.alpha)
        item = self.item(row, 3)
        if level is None:
            item.setForeground(self.palette().placeholderText())
            return
        item.setBackground(QColor(BAND_COLORS[level]))
        item.setForeground(QColor("#1a1a1a"))
        item.setToolTip(f"alpha {result.alpha:.3f}: {level} (good ≥ .800, tentative ≥ .667)")
