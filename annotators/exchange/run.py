"""One-call entry points for the CLI and the desktop app: import a file, export a format."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from annotators.coding.times import TimesResolver
from annotators.errors import ExportError
from annotators.export.run import EXCHANGE_FORMATS as EXCHANGE_FORMATS  # export -f names
from annotators.export.selection import ExportFilter
from annotators.jobs import Job, Progress
from annotators.safety import OutputGuard

from .apply import apply_plan
from .plan import ImportResult
from .registry import formats, read_file
from .writing import ExchangeExport

if TYPE_CHECKING:
    from annotators.project import Project


def export_job(
    project: Project,
    fmt: str,
    out: Path | str,
    flt: ExportFilter | None = None,
    times: TimesResolver | None = None,
    *,
    guard: OutputGuard | None = None,
) -> Job[ExchangeExport]:
    """Job exporting ``project`` as ``fmt`` (a registered exchange format) to ``out``.

    ``guard``: files never to write over (default: the project's files and videos)."""
    found = formats().get(fmt)
    if found is None or found.export is None:
        names = ", ".join(name for name, f in formats().items() if f.export)
        raise ExportError(f"unknown exchange format {fmt!r}: use one of {names}")
    return found.export(project, Path(out).expanduser(), flt, times, guard=guard)


def import_file(
    project: Project,
    path: Path | str,
    *,
    coder: str | None = None,
    video: str | None = None,
    dry_run: bool = False,
    times: TimesResolver | None = None,
) -> Job[ImportResult]:
    """Job: detect the format of ``path``, read it and apply it (see :func:`apply_plan`)."""
    yield Progress(0, 2, f"reading {Path(path).name}")
    plan = read_file(path, coder=coder)
    yield Progress(1, 2, "checking and storing")
    result = apply_plan(project, plan, coder=coder, video=video, times=times, dry_run=dry_run)
    yield Progress(2, 2, "done")
    return result
