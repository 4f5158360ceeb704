"""Study commands: ``sample``, ``assign``, ``done``, ``my-clips``, ``blind``, ``pack``, ``merge``.

Thin layer over :mod:`annotators.study`; user errors raise
:class:`~annotators.errors.StoryframeError` and ``main()`` prints them as one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from annotators import study
from annotators.errors import StudyError
from annotators.project import Project

from .app import ProjectArg, app, console, err_console

CoderOpt = Annotated[str, typer.Option("--coder", help="Coder name.")]
RoundOpt = Annotated[int, typer.Option("--round", help="Study round (1 = first).")]


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


@app.command("sample")
def sample_cmd(
    project: ProjectArg,
    fraction: Annotated[float, typer.Option(help="Share of the clips to draw, e.g. 0.2.")],
    coders: Annotated[str, typer.Option(help="Coders who each code every drawn clip: A,B[,C].")],
    seed: Annotated[int | None, typer.Option(help="Random seed (printed when not given).")] = None,
    stratify: Annotated[
        str | None, typer.Option(help="Platform-metadata field to stratify by (e.g. author).")
    ] = None,
    round: RoundOpt = 1,
) -> None:
    """Draw the reliability sample and assign it to every listed coder."""
    with Project.open(project) as opened:
        report = study.draw_sample(
            opened, fraction=fraction, coders=_names(coders), seed=seed, stratify=stratify,
            round=round,
        )  # fmt: skip
    console.print(
        f"drew {len(report.videos)} of {sum(report.population.values())} clips for "
        f"{', '.join(report.coders)} (round {report.round}, seed {report.seed})",
        markup=False,
    )
    for stratum, names in report.strata.items():
        label = f"{report.stratify}={stratum}: " if report.stratify else ""
        console.print(
            f"  {label}{len(names)} of {report.population[stratum]}: {', '.join(names)}",
            markup=False,
            soft_wrap=True,
        )


@app.command("assign")
def assign_cmd(
    project: ProjectArg,
    videos: Annotated[
        list[str] | None, typer.Argument(help="Clips: file name, SHA-256 or id.")
    ] = None,
    coder: Annotated[str | None, typer.Option(help="Give the VIDEOS to this coder.")] = None,
    rest: Annotated[
        str | None, typer.Option(help="Split every clip nobody has in the round among A,B,...")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for --rest.")] = None,
    round: RoundOpt = 1,
) -> None:
    """Assign clips to a coder, or split the remaining clips among coders (--rest A,B)."""
    with Project.open(project) as opened:
        if rest is not None:
            reports = study.split_rest(opened, _names(rest), round=round, seed=seed)
        elif coder is not None and videos:
            reports = [study.assign(opened, coder, videos, round=round)]
        else:
            raise StudyError("assign needs --coder NAME VIDEO..., or --rest A,B")
    for report in reports:
        console.print(
            f"{report.coder}: assigned {len(report.added)}"
            + (f" ({', '.join(report.added)})" if report.added else "")
            + (f", already had {len(report.already)}" if report.already else ""),
            markup=False,
            soft_wrap=True,
        )


@app.command("done")
def done_cmd(
    project: ProjectArg,
    videos: Annotated[list[str], typer.Argument(help="Clips: file name, SHA-256 or id.")],
    coder: CoderOpt,
    reopen: Annotated[bool, typer.Option("--reopen", help="Clear the done mark instead.")] = False,
) -> None:
    """Mark clips done (submitted) for a coder, or reopen them."""
    action = study.reopen if reopen else study.mark_done
    with Project.open(project) as opened:
        changed = sum(action(opened, coder, video) for video in videos)
    verb = "reopened" if reopen else "marked done"
    console.print(f"{verb} {changed} clip assignment(s) of {coder}", markup=False)


@app.command("my-clips")
def my_clips_cmd(project: ProjectArg, coder: CoderOpt) -> None:
    """List the clips assigned to a coder with their done marks."""
    with Project.open(project) as opened:
        clips = study.my_clips(opened, coder)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("clip", "round", "sample", "done"):
        table.add_column(name, overflow="fold" if name == "clip" else "ellipsis")
    for clip in clips:
        table.add_row(
            clip.video.file_name, str(clip.round), "yes" if clip.reliability else "",
            clip.submitted_at.isoformat(timespec="seconds") if clip.submitted_at else "",
        )  # fmt: skip
    console.print(table)
    console.print(f"{sum(c.done for c in clips)} of {len(clips)} done", markup=False)


@app.command("blind")
def blind_cmd(
    project: ProjectArg,
    state: Annotated[str | None, typer.Argument(help="on or off (omit to show).")] = None,
) -> None:
    """Show or set blind mode (coders see only their own work in the app)."""
    with Project.open(project) as opened, opened.session() as session:
        if state is not None:
            if state not in ("on", "off"):
                raise StudyError(f"blind mode is 'on' or 'off', not '{state}'")
            study.set_blind_mode(session, state == "on")
            session.commit()
        console.print(f"blind mode: {'on' if study.blind_mode(session) else 'off'}")


@app.command("pack")
def pack_cmd(
    project: ProjectArg,
    coder: CoderOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="The coder file to write.")],
) -> None:
    """Write a project file for one coder: codebook, their clips, their own work only."""
    with Project.open(project) as opened:
        report = study.pack(opened, coder, output)
    console.print(
        f"wrote {report.path} for {report.coder}: {len(report.videos)} clips, "
        f"{report.annotations} annotations, {report.clip_values} clip values of their own",
        markup=False,
        soft_wrap=True,
    )


@app.command("merge")
def merge_cmd(
    project: ProjectArg,
    others: Annotated[list[Path], typer.Argument(help="Coder files (.storyframe) to merge.")],
) -> None:
    """Merge coders' files back: videos by content, codes by key, rows by identity."""
    failed = False
    with Project.open(project) as opened:
        for other in others:
            try:
                report = study.merge(opened, other)
            except StudyError as error:
                err_console.print(f"error: {error}", markup=False, soft_wrap=True)
                failed = True
                continue
            console.print(report.summary(), markup=False, soft_wrap=True)
            if report.unmatched_videos:
                err_console.print(
                    f"{other.name}: clips not in this project ({report.skipped} rows left out): "
                    + ", ".join(report.unmatched_videos),
                    markup=False,
                    soft_wrap=True,
                )
            for conflict in report.conflicts:
                err_console.print(f"conflict: {conflict}", markup=False, soft_wrap=True)
    if failed:
        raise typer.Exit(1)
