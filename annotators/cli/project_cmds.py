"""Project commands: ``init``, ``import``, ``videos``, ``relink``, ``metadata``.

User errors raise :class:`~annotators.errors.StoryframeError`; ``main()`` prints them as one
line and exits 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text
from sqlmodel import select

from annotators.errors import ProjectError
from annotators.project import ImportReport, Project
from annotators.store.models import Transcript

from .app import EXIT_PARTIAL, ProjectArg, app, console, err_console, run_with_progress


@app.command("init")
def init_cmd(
    project: ProjectArg,
    empty: Annotated[
        bool, typer.Option("--empty", help="Do not install the default codebook.")
    ] = False,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="A PostgreSQL URL (postgresql://host/dbname, no password: use ~/.pgpass) "
            "for a team project; the file then points to that database.",
        ),
    ] = None,
) -> None:
    """Create a new project file with the default social-cause codebook.

    With --database the project lives on a PostgreSQL server: an empty database gets the
    schema; one that already holds a project is joined (how each coder gets the file).
    """
    with Project.create(project, default_codebook=not empty, database=database) as created:
        if created.server is None:
            console.print(f"created project {created.path}", markup=False)
            return
        action = "joined" if created.joined else "created"
        console.print(
            f"{action} server project {created.path} -> {created.server.database}", markup=False
        )


@app.command("import")
def import_cmd(
    project: ProjectArg,
    paths: Annotated[list[Path], typer.Argument(help="Video files and folders (recursive).")],
) -> None:
    """Import videos; files already in the project (same content) are skipped."""
    with Project.open(project) as opened:
        report = run_with_progress(opened.import_media(paths), "importing")
    _print_import_report(report)
    if report.failed:
        raise typer.Exit(EXIT_PARTIAL)


def _print_import_report(report: ImportReport) -> None:
    console.print(
        f"imported {len(report.imported)}, already in the project {len(report.duplicates)}, "
        f"found again {len(report.relinked)}, failed {len(report.failed)}"
    )
    for skipped in report.warnings:
        err_console.print(Text("warning: ", style="yellow") + Text(skipped.describe()))
    for skipped in report.failed:
        err_console.print(Text("failed: ", style="red") + Text(skipped.describe()))


@app.command("videos")
def videos_cmd(project: ProjectArg) -> None:
    """List the project's videos with their media facts and transcript status."""
    with Project.open(project) as opened:
        statuses = _transcript_statuses(opened)
        table = _videos_table()
        for video in opened.videos():
            missing = not opened.video_path(video).is_file()
            table.add_row(
                str(video.id),
                # Text, not markup: file names may contain [brackets]
                Text(video.path) + (Text(" (missing)", style="red") if missing else Text()),
                f"{video.duration_s:.2f} s",
                str(video.frame_count),
                f"{video.fps:.2f}",
                f"{video.width}x{video.height}",
                "yes" if video.has_audio else "no",
                statuses.get(video.id, "none"),
            )
    console.print(table)


def _videos_table() -> Table:
    """Empty table of videos: facts never wrap, long file paths fold instead of being cut."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("file", overflow="fold", min_width=12)
    for name in ("duration", "frames", "fps"):
        table.add_column(name, no_wrap=True, justify="right")
    for name in ("resolution", "audio"):
        table.add_column(name, no_wrap=True)
    table.add_column("transcript", overflow="fold")
    return table


def _transcript_statuses(project: Project) -> dict[int, str]:
    """Status and language of each video's current transcript, e.g. ``ok (fr)``; a clip's own
    language setting is shown as ``set: fr``; videos with neither are absent."""
    query = select(Transcript).where(Transcript.is_current)
    statuses: dict[int, str] = {}
    with project.session() as session:
        for row in session.exec(query):
            warning = " wrong language?" if (row.settings or {}).get("language_warning") else ""
            statuses[row.video_id] = f"{row.status} ({row.language or '?'}{warning})"
        for video in project.videos():
            if video.language:
                shown = statuses.get(video.id, "none")
                statuses[video.id] = f"{shown}, set: {video.language}"
    return statuses


@app.command("relink")
def relink_cmd(
    project: ProjectArg,
    video_id: Annotated[int | None, typer.Argument(help="Id of the missing video.")] = None,
    new_path: Annotated[Path | None, typer.Argument(help="Where its file is now.")] = None,
    search_dir: Annotated[
        Path | None, typer.Option(help="Find all missing videos in this folder by content.")
    ] = None,
) -> None:
    """Tell the project where a moved video is (its content must be unchanged)."""
    with Project.open(project) as opened:
        if search_dir is not None:
            _relink_search(opened, search_dir)
        elif video_id is not None and new_path is not None:
            video = opened.relink(video_id, new_path)
            shown = opened.video_path(video) if opened.server else video.path  # this machine
            console.print(f"video {video.id} now at {shown}", markup=False)
        else:
            raise ProjectError("relink needs VIDEO_ID and NEW_PATH, or --search-dir FOLDER")
        missing = opened.missing_videos()
    if missing:
        err_console.print(f"still missing: {', '.join(str(v.id) for v in missing)}")
        raise typer.Exit(EXIT_PARTIAL)


def _relink_search(project: Project, folder: Path) -> None:
    report = run_with_progress(project.relink_search(folder), "searching")
    for video, path in report.relinked:
        console.print(f"video {video.id} found at {path}", markup=False)


@app.command("metadata")
def metadata_cmd(
    project: ProjectArg,
    metadata_file: Annotated[
        Path, typer.Argument(help="CSV or JSON from a collection tool (video id, author, ...).")
    ],
) -> None:
    """Attach platform metadata rows to videos, matched by video id or file name."""
    with Project.open(project) as opened:
        report = opened.import_metadata(metadata_file)
    console.print(f"matched {len(report.matched)} rows, unmatched {len(report.unmatched)}")
    if report.unmatched:
        shown = ", ".join(report.unmatched[:10]) + (" ..." if len(report.unmatched) > 10 else "")
        # not an error: collection tools list more videos than a study imports
        err_console.print(f"rows without a video: {shown}", markup=False)
