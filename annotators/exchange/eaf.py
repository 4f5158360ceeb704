"""The ELAN EAF format: detection, import (:mod:`.eaf_read`) and export (:mod:`.eaf_write`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import select

from annotators.coding import media_times
from annotators.coding.times import TimesResolver
from annotators.export.selection import ExportFilter
from annotators.jobs import Job, Progress
from annotators.safety import OutputGuard, write_bytes
from annotators.store.models import Video

from .eaf_read import looks_like_eaf, read_eaf
from .eaf_write import eaf_bytes
from .registry import Format, head, register
from .source import load_export
from .writing import ExchangeExport, FrameEnds, per_video_paths

if TYPE_CHECKING:
    from annotators.project import Project

NOT_CARRIED = (
    "EAF carries times in ms, not frame numbers (frames are found again from times); "
    "clip-level values and transcripts are not written"
)


def detect_eaf(path: Path) -> bool:
    """An XML file whose root is ``ANNOTATION_DOCUMENT``."""
    return looks_like_eaf(head(path))


def export_eaf(
    project: Project,
    out: Path,
    flt: ExportFilter | None = None,
    times: TimesResolver | None = None,
    guard: OutputGuard | None = None,
) -> Job[ExchangeExport]:
    """Job writing one EAF 3.0 file per selected clip (``out`` a folder, or a ``.eaf`` file
    when one clip is selected); ``guard`` names files never to write over (default: the
    project's own files and videos)."""
    guard = guard or OutputGuard.for_project(project)
    result = ExchangeExport("eaf", notes=[NOT_CARRIED])
    with project.session() as session:
        data = load_export(session, flt)
        rows = {row.id: row for row in session.exec(select(Video))}
    videos = data.selected_videos()
    paths = per_video_paths(Path(out), videos, ".eaf")
    ends = FrameEnds(times or media_times(project), rows)
    for done, video in enumerate(videos):
        yield Progress(done, len(videos), video.file_name)
        path = paths[video.id]
        text, count = eaf_bytes(data, video, project.video_path(rows[video.id]), path, ends)
        write_bytes(path, text, guard=guard)
        result.files.append(path)
        result.annotations += count
    yield Progress(len(videos), len(videos), "done")
    return result


EAF = register(
    Format(
        name="eaf",
        title="ELAN (.eaf)",
        extensions=(".eaf",),
        detect=detect_eaf,
        read=read_eaf,
        export=export_eaf,
    )
)
