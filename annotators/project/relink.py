"""Finding videos again after their files moved: relink one by hand, or search a folder.

A file is accepted only when its content hash equals the stored one, so a different clip
with the same name can never take over a video's annotations. On a server project the new
place is this machine's (:mod:`.media_folders`): the shared database's paths stay as they are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotators.errors import ProjectError
from annotators.jobs import Job, Progress
from annotators.store.models import Video

from . import media_folders
from .files import expand_paths, is_utf8_name, sha256_of, shown_path, to_stored_path

if TYPE_CHECKING:
    from .core import Project


@dataclass
class RelinkReport:
    """Videos found again (with their new file) and videos still missing."""

    relinked: list[tuple[Video, Path]] = field(default_factory=list)
    still_missing: list[Video] = field(default_factory=list)


def relink(project: Project, video_id: int, new_path: Path) -> Video:
    """Point video ``video_id`` at ``new_path``; :class:`ProjectError` if the content differs."""
    video = project.video(video_id)
    if not is_utf8_name(new_path.absolute()):
        raise ProjectError(f"{shown_path(new_path)}: the name is not valid UTF-8; rename it first")
    if not new_path.is_file():
        raise ProjectError(f"{new_path}: no such file")
    same_size = new_path.stat().st_size == video.size_bytes
    if not same_size or sha256_of(new_path) != video.content_hash:
        raise ProjectError(
            f"{new_path} is not the file of video {video_id} ({video.file_name}): "
            "its content differs"
        )
    return _store_path(project, video, new_path)


def relink_search(project: Project, folder: Path) -> Job[RelinkReport]:
    """Search ``folder`` (recursively) for the missing videos and relink those found.

    Only files whose size matches a missing video are hashed, so large folders stay fast.
    """
    if not folder.is_dir():
        raise ProjectError(f"{folder} is not a folder")
    if project.server is not None:
        media_folders.set_folder(project, folder)
    missing_by_size: dict[int, list[Video]] = defaultdict(list)
    for video in project.missing_videos():
        missing_by_size[video.size_bytes].append(video)
    candidates = [path for path in expand_paths([folder]) if path.stat().st_size in missing_by_size]
    report = RelinkReport()
    yield Progress(0, len(candidates), f"{len(candidates)} candidate files")
    for done, path in enumerate(candidates, start=1):
        video = _match(missing_by_size[path.stat().st_size], path)
        if video is not None:
            missing_by_size[video.size_bytes].remove(video)
            report.relinked.append((_store_path(project, video, path), path))
        yield Progress(done, len(candidates), path.name)
    report.still_missing = [video for videos in missing_by_size.values() for video in videos]
    return report


def _match(videos: list[Video], path: Path) -> Video | None:
    """The video among ``videos`` whose content hash equals ``path``'s, if any."""
    if not videos:
        return None
    try:
        digest = sha256_of(path)
    except OSError:  # an unreadable candidate cannot be the missing video: keep searching
        return None
    return next((video for video in videos if video.content_hash == digest), None)


def _store_path(project: Project, video: Video, path: Path) -> Video:
    """Save ``path`` as ``video``'s location (committed) and return the updated row; on a
    server project in this machine's settings (the row is returned unchanged)."""
    if project.server is not None:
        media_folders.remember_file(project, video, path)
        return video
    with project.write_session() as session:
        row = session.get(Video, video.id)
        assert row is not None, f"video {video.id} vanished during relink"
        row.path = to_stored_path(path, project.root)
        session.add(row)
        session.commit()
        return row
