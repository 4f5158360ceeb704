"""Study ▸ Reliability: compute the agreement report in a worker, show it, export it.

The dialog never computes anything itself: :func:`annotators.reliability.reliability_job`
runs in a :class:`~desktop.job_bar.JobBar` (progress and Cancel), the table shows its
``report.results``, and Export writes ``report.write(path, format)`` in a worker too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotators.jobs import Job, Progress
from annotators.settings import Settings

from ..exporting import export_folder
from ..job_bar import JobBar
from ..workspace import Workspace
from .report_table import ResultsTable
from .review_data import coder_names, reliability_codes

EXPORT_FILTERS = "HTML report (*.html);;CSV table (*.csv);;JSON (*.json)"


def write_job(report: Any, path: Path, fmt: str) -> Job[Path]:
    """Write ``report`` to ``path`` as ``fmt`` (one step: the writing cannot be split)."""
    yield Progress(0, 1, f"writing {path.name}")
    report.write(path, fmt)
    return path


def checked_list(entries: list[tuple[str, str, bool]]) -> QListWidget:
    """A list of checkable (text, data, checked) entries."""
    widget = QListWidget()
    for text, data, on in entries:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, data)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        widget.addItem(item)
    return widget


def checked(widget: QListWidget) -> list[str]:
    """The data of the checked entries."""
    return [
        widget.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(widget.count())
        if widget.item(row).checkState() == Qt.CheckState.Checked
    ]


class ReliabilityDialog(QDialog):
    """Filters on the left, the report on the right, progress and Cancel under them.

    ``report_ready(object)`` fires with each finished report; ``report`` holds the last one.
    """

    report_ready = Signal(object)

    def __init__(
        self, workspace: Workspace, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reliability")
        self.workspace, self.settings = workspace, settings
        self.report: Any = None
        project = workspace.project
        self.coders = checked_list([(name, name, True) for name in coder_names(project)])
        # codes nobody used start unchecked: their rows would only say "no variation"
        self.codes = checked_list(reliability_codes(project))
        self.boot = QSpinBox(minimum=0, maximum=100000, value=1000, singleStep=500)
        self.seed = QLineEdit(placeholderText="random")
        self.run_button = QPushButton("Compute", clicked=self.compute)
        self.export_button = QPushButton("Export…", clicked=self.export, enabled=False)
        self.status = QLabel(wordWrap=True)
        self.table = ResultsTable()
        self.bar = JobBar()
        self.bar.job_failed.connect(self._failed)
        workspace.project_changed.connect(self.close)  # its report is of the project closed
        self._layout()

    def _layout(self) -> None:
        filters = QWidget()
        form = QFormLayout(filters)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(QLabel("Coders"))
        form.addRow(self.coders)
        form.addRow(QLabel("Variables and codes"))
        form.addRow(self.codes)
        form.addRow("Bootstrap draws", self.boot)
        form.addRow("Seed", self.seed)
        form.addRow(self.run_button)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addWidget(self.status)
        split = QSplitter()
        split.addWidget(filters)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([230, 820])
        buttons = QHBoxLayout()
        buttons.addWidget(self.bar, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.export_button)
        buttons.addWidget(QPushButton("Close", clicked=self.close))
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        screen = self.screen().availableGeometry()
        self.resize(min(1100, screen.width() - 40), min(620, screen.height() - 60))

    # -- computing ----------------------------------------------------------------------
    def options(self) -> dict[str, Any]:
        """The keyword arguments for :func:`reliability_job` from the filters."""
        seed = self.seed.text().strip()
        return {
            "coders": checked(self.coders),
            "codes": checked(self.codes),
            "boot": self.boot.value(),
            "seed": int(seed) if seed.isdigit() else None,
        }

    def compute(self) -> None:
        """Start the report job once every edit queued before it has been committed."""
        project = self.workspace.project
        if project is None or self.bar.busy:
            return
        from annotators.reliability import reliability_job  # loaded when first used

        options = self.options()
        if len(options["coders"]) < 2 or not options["codes"]:
            self.status.setText("Tick at least two coders and one variable or code.")
            return
        self.report = None  # the table never shows results of other filters than these
        self.table.setRowCount(0)
        self.export_button.setEnabled(False)
        self.run_button.setEnabled(False)
        self.status.setText("Computing…")

        def start(_: object) -> None:
            if self.bar.busy:  # Compute pressed twice before the first one started
                return
            runner = self.bar.start(reliability_job(project, **options), "Reliability", self._show)
            runner.cancelled.connect(self._cancelled)

        self.workspace.run(lambda: None, "reliability", start)

    def _show(self, report: Any) -> None:
        self.run_button.setEnabled(True)
        if report is None:  # cancelled: JobBar passes no result
            return
        self.report = report
        self.table.show_results(list(report.results))
        self.export_button.setEnabled(True)
        self.status.setText(self._summary(report))
        self.report_ready.emit(report)

    @staticmethod
    def _summary(report: Any) -> str:
        """Which clips were compared and how the intervals were drawn (GUIDE section 7)."""
        meta = report.meta
        boot = meta.get("bootstrap") or {}
        lines = [
            f"{meta.get('shared_clips', '?')} clips coded by two or more of "
            f"{', '.join(meta.get('coders', []))}; {len(report.disagreements)} disagreements. "
            f"Bootstrap: {boot.get('draws', '?')} draws, seed {boot.get('seed', '?')}.",
            f"Coded clips: {meta.get('coded_rule_text', meta.get('coded_rule', '?'))}",
        ]
        lines += [f"⚠ {warning}" for warning in meta.get("warnings", [])]
        return "\n".join(lines)

    def _cancelled(self) -> None:
        self.run_button.setEnabled(True)
        self.status.setText("Cancelled; no report was made.")

    def _failed(self, message: str) -> None:
        self.run_button.setEnabled(True)
        self.status.setText(message)

    # -- export -------------------------------------------------------------------------
    def export(self) -> None:
        """Ask where to save the report (beside the project file, or where the last export
        went), then write it."""
        project = self.workspace.project
        if self.report is None or project is None:
            return
        folder = export_folder(self.settings, project.root)
        suggested = folder / f"{project.path.stem}-reliability.html"
        path, _ = QFileDialog.getSaveFileName(self, "Export reliability report", str(suggested),
                                              EXPORT_FILTERS)  # fmt: skip
        if path:
            self.settings.set("last_export_folder", str(Path(path).parent))
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the last report to ``path`` in the format its suffix names (html by default)."""
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in ("html", "csv", "json"):
            fmt, path = "html", path.with_suffix(".html")
        if self.bar.busy or self.report is None:
            return
        self.bar.start(write_job(self.report, path, fmt), "Export report",
                       lambda out: self.status.setText(f"Saved {out}"))  # fmt: skip
