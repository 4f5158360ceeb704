"""Importing media files into a project: hash, deduplicate, probe, store (one commit per file).

The job yields one :class:`~annotators.jobs.Progress` per file. Closing it between files
keeps every file imported so far. Files that cannot be read or decoded, and everything a
folder holds that looks like a video but cannot be imported (broken links, FIFOs, names that
are not UTF-8, unreadable sub-folders: see :func:`~.files.scan_paths`) are reported with the
reason in ``failed``; they never stop the rest of the import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from annotators.errors import MediaError
from annotators.jobs import Job, Progress
from annotators.store.models import Video

from . import media_folders
from .files import scan_paths, sha256_of, shown_path, to_stored_path

if TYPE_CHECKING:
    from .core import Project


@dataclass(frozen=True)
class Skipped:
    """A file that was not imported, and why."""

    path: Path
    reason: str

    def describe(self) -> str:
        """One line naming the file and why (media errors already name the file)."""
        if str(self.path) in self.reason:
            return self.reason
        return f"{shown_path(self.path)}: {self.reason}"


@dataclass
class ImportReport:
    """Outcome of one import: new videos, duplicates of known videos, and failures.

    ``relinked`` are known videos whose file was missing and was found again by content;
    ``warnings`` are imported files with a problem the user should know about (truncated).
    """

    imported: list[Video] = field(default_factory=list)
    duplicates: list[Skipped] = field(default_factory=list)
    relinked: list[Video] = field(default_factory=list)
    failed: list[Skipped] = field(default_factory=list)
    warnings: list[Skipped] = field(default_factory=list)


def import_media(project: Project, paths: Sequence[Path]) -> Job[ImportReport]:
    """Import the given files and the video files inside the given folders."""
    scan = scan_paths(paths)
    files = scan.files
    report = ImportReport(failed=[Skipped(path, reason) for path, reason in scan.problems])
    yield Progress(0, len(files), f"{len(files)} files to import")
    for done, path in enumerate(files, start=1):
        outcome = _import_one(project, path, report)
        yield Progress(done, len(files), f"{shown_path(path.name)}: {outcome}")
    return report


def _import_one(project: Project, path: Path, report: ImportReport) -> str:
    """Import ``path`` into ``project``, record the outcome in ``report``; return it in words."""
    if not path.is_file():
        report.failed.append(Skipped(path, "no such file"))
        return "no such file"
    try:
        digest = sha256_of(path)
    except OSError as error:
        report.failed.append(Skipped(path, f"cannot read the file: {error.strerror}"))
        return "failed"
    with project.session() as session:
        known = session.exec(select(Video).where(Video.content_hash == digest)).first()
        if known is not None:
            return _known_content(project, session, known, path, report)
    try:
        video, truncated = _new_video(project, path, digest)
    except MediaError as error:
        report.failed.append(Skipped(path, str(error)))
        return "failed"
    with project.write_session() as session:
        # another import may have stored the same content meanwhile (same folder imported
        # twice at once): under the write lock that is a duplicate, not an IntegrityError
        known = session.exec(select(Video).where(Video.content_hash == digest)).first()
        if known is not None:
            return _known_content(project, session, known, path, report)
        session.add(video)
        session.commit()
    report.imported.append(video)
    if not truncated:
        return "imported"
    note = f"truncated: only the first {video.frame_count} frames can be decoded"
    report.warnings.append(Skipped(path, note))
    return f"imported ({note})"


def _known_content(
    project: Project, session: Session, known: Video, path: Path, report: ImportReport
) -> str:
    """Handle a file whose content is already in the project: relink it if the old file is
    gone (the user re-imports a moved video), else report a duplicate."""
    if project.video_path(known).is_file():
        report.duplicates.append(Skipped(path, f"same content as video {known.id} ({known.path})"))
        return "duplicate"
    if project.server is not None:  # this machine's copy; the shared path stays (media_folders)
        media_folders.remember_file(project, known, path)
        report.relinked.append(known)
        return "relinked"
    known.path = to_stored_path(path, project.root)
    session.add(known)
    session.commit()
    report.relinked.append(known)
    return "relinked"


def _new_video(project: Project, path: Path, digest: str) -> tuple[Video, bool]:
    """A :class:`Video` row for ``path`` with the media facts, and whether the file is
    truncated; raises :class:`MediaError` for files that are not playable videos."""
    # imported here so opening a project does not load PyAV (fast CLI start)
    from annotators.media import probe

    info = probe(path)
    video = Video(
        path=to_stored_path(path, project.root),
        file_name=path.name,
        content_hash=digest,
        size_bytes=path.stat().st_size,
        duration_s=info.duration,
        frame_count=info.frame_count,
        fps=info.fps,
        width=info.width,
        height=info.height,
        rotation=info.rotation,
        has_audio=info.has_audio,
    )
    return video, info.truncated
