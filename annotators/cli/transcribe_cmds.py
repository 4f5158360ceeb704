"""``storyframe transcribe`` (a whole project) and ``storyframe transcribe-file`` (one file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from annotators.errors import ExportError
from annotators.jobs import Job
from annotators.safety import OutputGuard, prepare_target, write_text
from annotators.transcribe import (
    DEFAULT_ENGINE,
    TranscribeProgress,
    TranscribeReport,
    TranscribeSettings,
    TranscriptResult,
    check_language_code,
    load_engine,
    transcribe_file,
    transcribe_project,
)

from .app import EXIT_INTERRUPTED, EXIT_PARTIAL, ProjectArg, app, console, err_console

EngineOpt = Annotated[
    str, typer.Option("--engine", help="faster-whisper (default, fast) or openai-whisper.")
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model", help="Local model folder/file, or a size name such as small (needs download)."
    ),
]
LanguageOpt = Annotated[
    str | None,
    typer.Option("--language", help="Language code such as en or de; default: auto-detect."),
]
DownloadOpt = Annotated[
    bool,
    typer.Option("--allow-download", help="Allow downloading a named model that is not installed."),
]
FORMATS = ("txt", "json", "srt", "vtt")


@app.command("transcribe")
def transcribe_cmd(
    project: ProjectArg,
    engine: EngineOpt = DEFAULT_ENGINE,
    model: ModelOpt = None,
    language: LanguageOpt = None,
    videos: Annotated[
        list[str] | None,
        typer.Option("--videos", help="Only these video ids (repeat or comma-separate)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Transcribe again clips that have a transcript.")
    ] = False,
    translate: Annotated[
        bool,
        typer.Option(
            "--translate",
            help="Add an English translation (a separate version) of every non-English clip.",
        ),
    ] = False,
    allow_download: DownloadOpt = False,
    no_wait: Annotated[
        bool,
        typer.Option("--no-wait", help="Server project: return once the clips are queued."),
    ] = False,
    status: Annotated[
        bool, typer.Option("--status", help="Server project: show the queue and return.")
    ] = False,
) -> None:
    """Transcribe every clip of PROJECT that has no transcript yet (resumable with Ctrl+C).

    Each clip's language: --language, else the clip's own (storyframe language), else the
    project's default, else detected from the speech (English clips use the fast English
    model, others the multilingual one when storyframe[multilingual] is installed).

    On a server project the clips go to the shared queue instead, the workers
    (storyframe worker) transcribe them, and this shows their progress until every clip is
    done (--no-wait: return once queued; --status: only show the queue).
    """
    from annotators.project import Project

    from .queue_cmds import show_queue, transcribe_on_workers

    check_language_code(language)  # before the progress bar appears
    with Project.open(project, read_only=True if status else None) as opened:
        if status:
            show_queue(opened)
            return
        if opened.server is not None and not translate:  # translations run here
            if engine != DEFAULT_ENGINE or model is not None:
                err_console.print("Note: on a team project each worker's --engine and --model "
                                  "decide how its clips are transcribed.")  # fmt: skip
            transcribe_on_workers(opened, _video_ids(videos), force, language, no_wait)
            return
        job = transcribe_project(
            opened,
            engine,
            model,
            language,
            video_ids=_video_ids(videos),
            force=force,
            allow_download=allow_download,
            translate=translate,
        )
        report = _run_with_progress(job)
    _print_report(report)
    if report.failed:
        raise typer.Exit(EXIT_PARTIAL)


@app.command("transcribe-file")
def transcribe_file_cmd(
    media: Annotated[Path, typer.Argument(help="A video or audio file.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="txt, json, srt or vtt.")] = "txt",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of to the screen.")
    ] = None,
    engine: EngineOpt = DEFAULT_ENGINE,
    model: ModelOpt = None,
    language: LanguageOpt = None,
    allow_download: DownloadOpt = False,
) -> None:
    """Transcribe one MEDIA file without a project and print or save the transcript."""
    from annotators.export.transcripts import render_transcript, segments_from_result

    if fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    guard = OutputGuard.of([(media, "the file being transcribed")])
    if output is not None:  # refused (or its folder made) before minutes of transcription
        prepare_target(output, guard)
    with err_console.status("Loading model and transcribing..."):
        loaded = load_engine(engine, model, allow_download=allow_download)
        result = transcribe_file(media, loaded, TranscribeSettings(language=language))
    text = render_transcript(segments_from_result(result.segments), fmt, _meta(media, result))
    if result.status == "no_speech":
        err_console.print(f"{media}: no speech found (music or silence only)")
    if output is None:
        console.out(text, end="", highlight=False)
    else:
        try:
            write_text(output, text, guard=guard, newline="\n")
        except ExportError:
            console.out(text, end="", highlight=False)  # minutes of work are not thrown away
            raise
        err_console.print(f"wrote {output}", markup=False, highlight=False)


def _video_ids(values: list[str] | None) -> list[int] | None:
    """Video ids from repeated and/or comma-separated ``--videos`` values."""
    if not values:
        return None
    try:
        return [int(part) for value in values for part in value.split(",") if part.strip()]
    except ValueError as error:
        raise typer.BadParameter("video ids are whole numbers", param_hint="--videos") from error


def _run_with_progress(job: Job[TranscribeReport]) -> TranscribeReport:
    """Drive the batch with a Rich progress bar; on Ctrl+C stop cleanly (work so far is kept)."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("clips · {task.fields[audio]} audio · {task.fields[speed]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console) as bar:
        task = bar.add_task("Loading model", total=None, audio="0.0 min", speed="-")
        try:
            while True:
                _show(bar, task, next(job))
        except StopIteration as stop:
            return stop.value
        except KeyboardInterrupt:
            job.close()
            bar.stop()
            err_console.print("Finished clips are saved; run the same command again to continue.")
            raise typer.Exit(EXIT_INTERRUPTED) from None


def _show(bar: Progress, task: int, progress: TranscribeProgress) -> None:
    if progress.done:
        description = "Transcribing"
    else:  # the job's first report comes before the model is loaded
        description = "Loading model" if progress.total else "Nothing to transcribe"
    bar.update(
        task,
        description=description,
        completed=progress.done,
        total=progress.total,
        audio=f"{progress.audio_s / 60:.1f} min",
        speed=f"{progress.speed:.1f}x real time" if progress.speed else "-",
    )
    if progress.done:
        bar.console.print(progress.message, highlight=False)


def _print_report(report: TranscribeReport) -> None:
    no_speech = sum(1 for clip in report.transcribed if clip.status == "no_speech")
    console.print(
        f"Transcribed {len(report.transcribed)} clips ({no_speech} without speech), "
        f"{report.already_done} already had a transcript, {len(report.skipped)} skipped, "
        f"{len(report.failed)} failed; {report.audio_s / 60:.1f} min of audio in "
        f"{report.processing_s:.1f} s.",
        soft_wrap=True,  # one line a script can grep, whatever the terminal width
    )
    problems = report.failed + report.skipped
    if problems:
        table = Table("video id", "file", "problem")
        for clip in problems:
            table.add_row(str(clip.video_id), clip.path.name, clip.reason)
        console.print(table)


def _meta(media: Path, result: TranscriptResult) -> dict:
    source = result.provenance
    return {
        "file": str(media),
        "status": result.status,
        "language": result.language,
        "audio_s": round(result.audio_s, 3),
        "engine": source.engine,
        "engine_version": source.engine_version,
        "model": source.model,
        "settings": source.settings,
    }
