"""``storyframe reliability``: inter-coder agreement of a project (a thin layer over
:mod:`annotators.reliability`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from annotators.errors import ReliabilityError
from annotators.project import Project
from annotators.reliability import FORMATS, reliability_job
from annotators.reliability.writers import format_table
from annotators.safety import OutputGuard, check_target

from .app import ProjectArg, app, console, err_console, run_with_progress


def _names(text: str | None) -> list[str] | None:
    """``"A, B"`` as ``["A", "B"]``; ``None`` when not given."""
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    return names or None


@app.command("reliability")
def reliability_cmd(
    project: ProjectArg,
    coders: Annotated[
        str | None, typer.Option(help="Coder names, comma-separated (default: all but consensus).")
    ] = None,
    codes: Annotated[
        str | None, typer.Option(help="Code keys, comma-separated (default: all).")
    ] = None,
    videos: Annotated[
        str | None, typer.Option(help="Videos (file name, SHA-256 or id), comma-separated.")
    ] = None,
    boot: Annotated[int, typer.Option(help="Bootstrap draws (0: no intervals).")] = 1000,
    seed: Annotated[
        int | None, typer.Option(help="Bootstrap seed (recorded in the report).")
    ] = None,
    slice_s: Annotated[
        float | None, typer.Option("--slice", help="Frames method on time slices of this many s.")
    ] = None,
    tolerance: Annotated[float, typer.Option(help="Point-event matching tolerance, s.")] = 0.5,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")
    ] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
    include_suggested: Annotated[
        bool, typer.Option(help="Count suggestions not accepted (pending, rejected) as marks.")
    ] = False,
) -> None:
    """Krippendorff's alpha, kappa and agreement per code, with bootstrap intervals."""
    if fmt not in FORMATS:
        raise ReliabilityError(f"unknown format '{fmt}' (one of {', '.join(FORMATS)})")
    if output is None and fmt in ("csv", "html"):
        raise ReliabilityError(f"--format {fmt} needs -o PATH")
    with Project.open(project) as opened:
        guard = OutputGuard.for_project(opened)
        if output is not None:  # refused before the bootstrap runs
            check_target(output, guard)
        job = reliability_job(
            opened, coders=_names(coders), codes=_names(codes), videos=_names(videos), boot=boot,
            seed=seed, slice_s=slice_s, tolerance_s=tolerance, include_suggested=include_suggested,
        )  # fmt: skip
        report = run_with_progress(job, "agreement")
    for warning in report.meta["warnings"]:
        err_console.print(f"warning: {warning}", markup=False, soft_wrap=True, highlight=False)
    if output is not None:
        report.write(output, fmt, guard)
        console.print(f"wrote {fmt} report to {output}", markup=False, soft_wrap=True)
    elif fmt == "json":
        console.print_json(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        console.print(format_table(report), markup=False, soft_wrap=True, highlight=False, end="")
