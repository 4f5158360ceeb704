"""REFI-QDA formats: project ``.qdpx`` (and a bare ``.qde``) and codebook ``.qdc``."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import select

from annotators.coding.times import TimesResolver
from annotators.errors import ExportError
from annotators.export.selection import ExportFilter
from annotators.jobs import Job, Progress
from annotators.safety import OutputGuard, write_bytes
from annotators.store.models import Video

from .qdpx_read import read_qdc, read_qde, read_qdpx
from .qdpx_write import qdc_bytes, qde_bytes, qdpx_bytes
from .registry import Format, head, register
from .source import load_export
from .writing import ExchangeExport

if TYPE_CHECKING:
    from annotators.project import Project

QDPX_NOT_CARRIED = (
    "REFI-QDA carries times in ms, not frame numbers; word timings and corrections of "
    "transcripts are not written (segments become SyncPoints)"
)
QDC_NOT_CARRIED = "a codebook file carries codes, not clip-level variables or coded data"


def detect_qdpx(path: Path) -> bool:
    """A zip archive holding a ``.qde`` project document."""
    if not head(path, 4).startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.lower().endswith(".qde") for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return True  # a damaged zip named like a project: let the reader report it


def detect_qde(path: Path) -> bool:
    return b"urn:QDA-XML:project" in head(path)


def detect_qdc(path: Path) -> bool:
    return b"urn:QDA-XML:codebook" in head(path)


def _out_file(out: Path, suffix: str) -> Path:
    if out.suffix.lower() != suffix:
        raise ExportError(f"{out}: a {suffix} export is one file; give a name ending in {suffix}")
    return out


def export_qdpx(
    project: Project,
    out: Path,
    flt: ExportFilter | None = None,
    times: TimesResolver | None = None,
    guard: OutputGuard | None = None,
) -> Job[ExchangeExport]:
    """Job writing the selection as one REFI-QDA project ``out`` (``.qdpx``)."""
    out = _out_file(out, ".qdpx")
    guard = guard or OutputGuard.for_project(project)
    yield Progress(0, 2, "reading")
    with project.session() as session:
        data = load_export(session, flt)
        rows = {row.id: row for row in session.exec(select(Video))}
        paths = {i: project.video_path(row) for i, row in rows.items()}
        qde = qde_bytes(session, data, project.path.stem, paths)
    yield Progress(1, 2, "writing")
    write_bytes(out, qdpx_bytes(qde), guard=guard)
    yield Progress(2, 2, "done")
    return ExchangeExport(
        "qdpx", [out], len(data.annotations), len(data.clip_values), [QDPX_NOT_CARRIED]
    )


def export_qdc(
    project: Project,
    out: Path,
    flt: ExportFilter | None = None,
    times: TimesResolver | None = None,
    guard: OutputGuard | None = None,
) -> Job[ExchangeExport]:
    """Job writing the codebook (codes in the selection) as a REFI-QDA ``.qdc`` file."""
    out = _out_file(out, ".qdc")
    guard = guard or OutputGuard.for_project(project)
    yield Progress(0, 1, "writing")
    with project.session() as session:
        data = load_export(session, flt)
    write_bytes(out, qdc_bytes(data), guard=guard)
    yield Progress(1, 1, "done")
    return ExchangeExport("qdc", [out], 0, 0, [QDC_NOT_CARRIED])


register(
    Format("qdpx", "REFI-QDA project (.qdpx)", (".qdpx",), detect_qdpx, read_qdpx, export_qdpx)
)
register(Format("qde", "REFI-QDA project document (.qde)", (".qde",), detect_qde, read_qde))
register(Format("qdc", "REFI-QDA codebook (.qdc)", (".qdc",), detect_qdc, read_qdc, export_qdc))
