"""``storyframe language``: the spoken language of a project's clips and its defaults."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from annotators.transcribe.clip_language import (
    project_languages,
    set_clip_language,
    set_project_languages,
)

from .app import ProjectArg, app, console


@app.command("language")
def language_cmd(
    project: ProjectArg,
    videos: Annotated[
        list[int] | None, typer.Argument(help="Video ids whose language --set changes.")
    ] = None,
    set_to: Annotated[
        str | None,
        typer.Option("--set", help="Language of the given videos (e.g. fr), or auto to detect."),
    ] = None,
    default: Annotated[
        str | None,
        typer.Option("--default", help="Project default language for all clips, or auto."),
    ] = None,
    languages: Annotated[
        str | None,
        typer.Option(
            "--languages",
            help="Comma-separated languages the sample holds; detection picks among them.",
        ),
    ] = None,
) -> None:
    """Show or set the language clips are transcribed in (re-transcribe with --force after)."""
    from annotators.project import Project

    if (videos and set_to is None) or (set_to is not None and not videos):
        raise typer.BadParameter("give video ids together with --set", param_hint="--set")
    with Project.open(project) as opened:
        if videos and set_to is not None:
            count = set_clip_language(opened, videos, set_to)
            console.print(f"{count} clip(s) set to {escape(set_to)}", highlight=False)
        if default is not None or languages is not None:
            listed = None if languages is None else [c for c in languages.split(",") if c.strip()]
            set_project_languages(opened, default=default, languages=listed)
        settings = project_languages(opened)
    console.print(
        f"default language: {settings.default or 'auto (detected per clip)'}; "
        f"detection among: {', '.join(settings.languages or ()) or 'any language'}",
        highlight=False,
    )
