"""Transcribing a whole project: one model load, one commit per clip, resumable.

:func:`transcribe_project` is a job (see :mod:`annotators.jobs`): it yields
:class:`TranscribeProgress` after each clip and returns a :class:`TranscribeReport`. Each clip's
transcript is committed as soon as it and every clip before it are done, so cancelling
(closing the generator), Ctrl+C or a crash loses at most the clips in progress, and the next
run skips finished clips. A clip whose audio cannot be read is reported and the batch goes on.

Up to ``engine.workers`` clips are transcribed at once, each in a worker thread (the engine
releases the GIL): a clip too short to be cut into parts keeps only one core busy.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

from annotators.errors import MediaError, TranscriptionError
from annotators.jobs import Job, Progress
from annotators.media.audio import load_audio
from annotators.store.models import Video
from annotators.transcribe.clip_language import clip_settings, project_languages
from annotators.transcribe.engines import DEFAULT_ENGINE, Engine, load_engine
from annotators.transcribe.result import TranscriptResult
from annotators.transcribe.routing import flag_wrong_language
from annotators.transcribe.settings import TranscribeSettings
from annotators.transcribe.storage import current_transcript, save_transcript, translation_of
from annotators.transcribe.transcribe import check_language, check_language_code

if TYPE_CHECKING:
    from annotators.project import Project

# How often a batch reports the progress of the clip it is waiting for (seconds).
PROGRESS_EVERY_S = 0.5


@dataclass(frozen=True)
class TranscribeProgress(Progress):
    """Progress of a batch: ``done`` of ``total`` clips, plus audio and speed figures.

    ``processing_s`` is the wall time since the first clip started; ``speed`` is audio seconds
    transcribed per second of it (higher is faster).
    """

    audio_s: float = 0.0
    processing_s: float = 0.0

    @property
    def speed(self) -> float:
        return self.audio_s / self.processing_s if self.processing_s > 0 else 0.0


@dataclass(frozen=True)
class ClipOutcome:
    """One clip of a batch: its transcript id and status, or why it failed or was skipped."""

    video_id: int
    path: Path
    status: str  # ok, no_speech, failed, skipped
    transcript_id: int | None = None
    reason: str = ""


@dataclass
class TranscribeReport:
    """What a batch did. ``model_loads`` is 1 when the batch loaded the model itself, else 0
    (nothing to do, or an already loaded engine was passed in)."""

    transcribed: list[ClipOutcome] = field(default_factory=list)
    failed: list[ClipOutcome] = field(default_factory=list)
    skipped: list[ClipOutcome] = field(default_factory=list)
    already_done: int = 0
    audio_s: float = 0.0
    processing_s: float = 0.0
    model_load_s: float = 0.0
    model_loads: int = 0


def transcribe_project(
    project: Project,
    engine: str | Engine = DEFAULT_ENGINE,
    model: str | Path | None = None,
    language: str | None = None,
    video_ids: Sequence[int] | None = None,
    force: bool = False,
    *,
    allow_download: bool = False,
    settings: TranscribeSettings | None = None,
    translate: bool = False,
) -> Job[TranscribeReport]:
    """Job transcribing the project's clips that have no current transcript (all if ``force``).

    ``engine`` is an engine name (loaded once here, with ``model``) or an already loaded
    engine. ``video_ids`` limits the batch (unknown ids raise ``ProjectError`` before any work).
    Each clip's language follows :mod:`.clip_language` (``language`` here overrides it).
    Clips without an audio track are skipped; unreadable clips are reported as failed.
    With ``translate``, clips whose current transcript is not English get an English
    translation as an extra version that does not replace the current transcript.
    """
    project.require_writable()  # before the model loads and minutes of work
    settings = settings or TranscribeSettings()
    check_language_code(language)
    check_language_code(settings.language)
    if translate:
        settings = replace(settings, task="translate")
    report = TranscribeReport()
    todo = _clips_to_do(project, video_ids, force, report, translate)
    task = "translate" if translate else "transcribe"
    yield TranscribeProgress(0, len(todo), f"{len(todo)} clip{'s' * (len(todo) != 1)} to {task}")
    if not todo:
        return report
    loaded = _load(engine, model, allow_download, report)
    if translate and not loaded.is_multilingual:
        raise TranscriptionError(f"{loaded.model_name} is English-only; it cannot translate")
    languages = project_languages(project)
    per_clip = [clip_settings(settings, video, languages, language) for video in todo]
    for clip in per_clip:
        check_language(loaded, clip.language)
    started = time.perf_counter()
    paths = [project.video_path(video) for video in todo]
    seconds_done: dict[Path, float] = {}
    results = _transcribe_ahead(loaded, per_clip, paths, loaded.workers, seconds_done)
    for done, (video, result) in enumerate(zip(todo, results, strict=True), start=1):
        while not _finished(result):  # how far the clip is, every half second
            clip_s = min(seconds_done.get(paths[done - 1], 0.0), video.duration_s)
            yield TranscribeProgress(
                done - 1 + clip_s / max(video.duration_s, 1e-3), len(todo),
                f"{video.file_name}: {clip_s:.0f} of {video.duration_s:.0f} s",
                report.audio_s, time.perf_counter() - started,
            )  # fmt: skip
        outcome = _save(project, video, result, report, current=not translate)
        report.processing_s = time.perf_counter() - started
        message = f"{outcome.path.name}: {outcome.reason or outcome.status}"
        yield TranscribeProgress(done, len(todo), message, report.audio_s, report.processing_s)
    return report


def clips_to_transcribe(
    project: Project, video_ids: Sequence[int] | None = None, force: bool = False
) -> tuple[list[Video], TranscribeReport]:
    """The clips a batch with these options would transcribe, and a report counting those
    it would not (``already_done``, ``skipped`` without audio). Shared with the queue."""
    report = TranscribeReport()
    return _clips_to_do(project, video_ids, force, report), report


def _clips_to_do(
    project: Project,
    video_ids: Sequence[int] | None,
    force: bool,
    report: TranscribeReport,
    translate: bool = False,
) -> list[Video]:
    videos = project.videos() if video_ids is None else [project.video(i) for i in video_ids]
    todo = []
    with project.session() as session:
        for video in videos:
            if translate and (why := _no_translation_needed(session, video.id, force)):
                report.skipped.append(
                    ClipOutcome(video.id, project.video_path(video), "skipped", None, why)
                )
            elif translate:
                todo.append(video)
            elif not force and current_transcript(session, video.id) is not None:
                report.already_done += 1
            elif not video.has_audio:
                path = project.video_path(video)
                report.skipped.append(
                    ClipOutcome(video.id, path, "skipped", None, "no audio track")
                )
            else:
                todo.append(video)
    return todo


def _no_translation_needed(session: Session, video_id: int, force: bool) -> str:
    """Why a clip gets no translation ("" when it needs one)."""
    current = current_transcript(session, video_id)
    if current is None:
        return "not transcribed yet: transcribe it before translating"
    if current.language == "en":
        return "already English"
    if not force and translation_of(session, video_id) is not None:
        return "already translated"
    return ""


def _load(
    engine: str | Engine, model: str | Path | None, allow_download: bool, report: TranscribeReport
) -> Engine:
    if not isinstance(engine, str):
        return engine
    started = time.perf_counter()
    loaded = load_engine(engine, model, allow_download=allow_download)
    report.model_load_s = time.perf_counter() - started
    report.model_loads += 1
    return loaded


def _transcribe_ahead(
    engine: Engine,
    settings: list[TranscribeSettings],
    paths: list[Path],
    workers: int,
    seconds_done: dict[Path, float],
) -> Iterator[Future[TranscriptResult]]:
    """Each clip's transcription in order, with up to ``workers`` clips under way; the next
    clip starts when the caller asks for the next item (after the previous one finished).

    ``settings`` holds each clip's own; ``seconds_done[path]`` follows each clip's progress.
    Closing the iterator cancels the clips not started and abandons those under way.
    """

    def transcribe(path: Path, clip: TranscribeSettings) -> TranscriptResult:
        def progress(seconds: float) -> None:
            seconds_done[path] = seconds

        result = engine.transcribe(load_audio(path), clip, progress)
        return flag_wrong_language(engine, result)

    pool = ThreadPoolExecutor(workers, thread_name_prefix="transcribe")
    waiting = zip(paths, settings, strict=True)
    under_way = deque(pool.submit(transcribe, *job) for job in itertools.islice(waiting, workers))
    try:
        while under_way:
            yield under_way[0]
            under_way.popleft().exception()  # finished: the caller waited for it
            under_way.extend(pool.submit(transcribe, *job) for job in itertools.islice(waiting, 1))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _finished(future: Future[TranscriptResult]) -> bool:
    """Wait up to :data:`PROGRESS_EVERY_S` for ``future``; True once it is done."""
    try:
        future.exception(timeout=PROGRESS_EVERY_S)
    except TimeoutError:
        return False
    return True


def _save(
    project: Project,
    video: Video,
    transcribed: Future[TranscriptResult],
    report: TranscribeReport,
    *,
    current: bool = True,
) -> ClipOutcome:
    """Commit one clip's transcript (as the ``current`` one, or as an extra version such as a
    translation); a clip whose audio cannot be read becomes ``failed``."""
    path = project.video_path(video)
    try:
        result = transcribed.result()
    except MediaError as error:
        outcome = ClipOutcome(video.id, path, "failed", None, str(error))
        report.failed.append(outcome)
        return outcome
    with project.write_session() as session:
        row = save_transcript(session, video.id, result, current=current)
        session.commit()
    outcome = ClipOutcome(video.id, path, result.status, row.id)
    report.transcribed.append(outcome)
    report.audio_s += result.audio_s
    return outcome
