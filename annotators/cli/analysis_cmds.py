"""``storyframe analyze``: shot cuts, on-screen text and suggestions for a whole project."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from annotators.analysis.batch import ALL_STEPS, AnalyzeReport, analyze_project, check_steps
from annotators.project import Project

from .app import (
    EXIT_INTERRUPTED,
    EXIT_PARTIAL,
    ProjectArg,
    app,
    console,
    err_console,
    run_with_progress,
)


@app.command("analyze")
def analyze_cmd(
    project: ProjectArg,
    videos: Annotated[
        list[str] | None,
        typer.Option("--videos", help="Only these video ids (repeat or comma-separate)."),
    ] = None,
    steps: Annotated[
        str, typer.Option("--steps", help=f"Comma-separated, of: {','.join(ALL_STEPS)}.")
    ] = ",".join(ALL_STEPS),
    force: Annotated[
        bool, typer.Option("--force", help="Analyse again clips that were analysed.")
    ] = False,
    coder: Annotated[
        str | None, typer.Option("--coder", help="Coder the suggestions are for.")
    ] = None,
) -> None:
    """Find shot cuts, on-screen text and coding suggestions in PROJECT's clips, offline.

    Resumable: each clip's steps are saved as they finish; Ctrl+C and run again to continue.
    """
    order = check_steps([s.strip() for s in steps.split(",") if s.strip()])
    ids = _video_ids(videos)
    with Project.open(project) as opened:
        job = analyze_project(opened, ids, order, force, coder)
        try:
            report = run_with_progress(job, "Analysing")
        except KeyboardInterrupt:
            job.close()
            err_console.print("Finished clips are saved; run the same command again to continue.")
            raise typer.Exit(EXIT_INTERRUPTED) from None
    _print_report(report)
    if report.failed:
        raise typer.Exit(EXIT_PARTIAL)


def _video_ids(values: list[str] | None) -> list[int] | None:
    if not values:
        return None
    try:
        return [int(part) for value in values for part in value.split(",") if part.strip()]
    except ValueError as error:
        raise typer.BadParameter("video ids are whole numbers", param_hint="--videos") from error


def _print_report(report: AnalyzeReport) -> None:
    counts = {step: 0 for step in ALL_STEPS}
    found = {step: 0 for step in ALL_STEPS}
    for outcome in report.done:
        counts[outcome.step] += 1
        found[outcome.step] += outcome.count
    console.print(
        f"Analysed: {counts['shots']} clips for shot cuts ({found['shots']} cuts), "
        f"{counts['ocr']} for on-screen text ({found['ocr']} texts), "
        f"{counts['suggest']} for suggestions ({found['suggest']} new); "
        f"{report.already_done} steps already done, {len(report.failed)} failed; "
        f"{report.video_s:.1f} s of video in {report.processing_s:.1f} s.",
        soft_wrap=True,
    )
    if report.failed:
        table = Table("video id", "file", "step", "problem")
        for clip in report.failed:
            table.add_row(str(clip.video_id), clip.path.name, clip.step, clip.reason)
        console.print(table)
