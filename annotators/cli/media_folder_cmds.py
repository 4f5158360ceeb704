"""``storyframe media-folder PROJECT [FOLDER]``: where this machine keeps a team project's media."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotators.project import Project
from annotators.project.media_folders import local_media

from .app import EXIT_PARTIAL, ProjectArg, app, console, err_console, run_with_progress


@app.command("media-folder")
def media_folder_cmd(
    project: ProjectArg,
    folder: Annotated[
        Path | None,
        typer.Argument(help="This machine's folder holding the videos (searched by content)."),
    ] = None,
) -> None:
    """Use FOLDER as this machine's copy of a server project's videos (found by content hash);
    recorded in your settings only, never in the shared database. Without FOLDER, show it."""
    with Project.open(project) as opened:
        local_media(opened)  # a project file has no machine mapping: refused before searching
        if folder is not None:
            report = run_with_progress(opened.relink_search(folder.expanduser()), "searching")
            for video, path in report.relinked:
                console.print(f"video {video.id} found at {path}", markup=False)
        media = local_media(opened)
        shown = str(media.folder) if media.folder else "not set"
        console.print(f"media folder on this machine: {shown}", markup=False)
        missing = opened.missing_videos()
    if missing:
        err_console.print(f"still missing here: {', '.join(str(v.id) for v in missing)}")
        raise typer.Exit(EXIT_PARTIAL)
