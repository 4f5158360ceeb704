"""Transcribing one queued clip, idempotently.

A worker can be killed after its transcript was committed but before procrastinate marked the
job done; the job then runs again. Each transcript a job stores carries the job's id in its
settings (``settings["queue"]["job"]``), and the check and the insert run in one write
transaction, so a job stores at most one transcript however often it runs. The database's
one-current-transcript index backs this up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from annotators.media.audio import load_audio
from annotators.store.models import Transcript, Video
from annotators.transcribe.clip_language import clip_settings, project_languages
from annotators.transcribe.engines import Engine
from annotators.transcribe.result import TranscriptResult
from annotators.transcribe.routing import flag_wrong_language
from annotators.transcribe.settings import TranscribeSettings
from annotators.transcribe.storage import current_transcript, save_transcript, transcript_versions
from annotators.transcribe.transcribe import check_language

if TYPE_CHECKING:
    from annotators.project import Project

# outcomes of a job that ended well (a failure raises instead)
TRANSCRIBED = "transcribed"
ALREADY_STORED = "already stored"
ALREADY_TRANSCRIBED = "already transcribed"
SKIPPED = "skipped"


@dataclass(frozen=True)
class Stamp:
    """Which queue job (and enqueue run, and machine) produced a transcript."""

    job: int
    run: str
    machine: str

    def as_settings(self) -> dict[str, Any]:
        return {"job": self.job, "run": self.run, "machine": self.machine}


@dataclass(frozen=True)
class ClipDone:
    """How a job ended: ``outcome`` is one of the constants above; ``message`` says more."""

    video_id: int
    file_name: str
    outcome: str
    message: str
    transcript_id: int | None = None


def transcribe_queued_clip(
    project: Project,
    engine: Engine,
    video_id: int,
    stamp: Stamp,
    *,
    force: bool = False,
    language: str | None = None,
) -> ClipDone:
    """Transcribe video ``video_id`` with ``engine`` and store it as its current transcript,
    unless this job already stored one or (without ``force``) the clip has a transcript.

    Raises :class:`~annotators.errors.MediaError`, ``TranscriptionError`` or ``ProjectError``
    when the clip cannot be transcribed; nothing is stored then.
    """
    video = project.video(video_id)
    with project.session() as session:
        done = _already_done(session, video, stamp, force)
    if done is not None:
        return done
    if not video.has_audio:
        return ClipDone(video.id, video.file_name, SKIPPED, "no audio track")
    clip = clip_settings(TranscribeSettings(), video, project_languages(project), language)
    check_language(engine, clip.language)
    result = engine.transcribe(load_audio(project.video_path(video)), clip)
    result = _stamped(flag_wrong_language(engine, result), stamp)
    with project.write_session() as session:
        done = _already_done(session, video, stamp, force)  # again, under the write lock
        if done is not None:
            return done
        row = save_transcript(session, video.id, result)
        session.commit()
    message = f"{result.status}, {result.audio_s:.1f} s of audio"
    return ClipDone(video.id, video.file_name, TRANSCRIBED, message, row.id)


def stored_by_job(session: Session, video_id: int, job: int) -> Transcript | None:
    """The transcript queue job ``job`` stored for ``video_id``, if any."""
    for transcript in transcript_versions(session, video_id):
        if ((transcript.settings or {}).get("queue") or {}).get("job") == job:
            return transcript
    return None


def _already_done(session: Session, video: Video, stamp: Stamp, force: bool) -> ClipDone | None:
    mine = stored_by_job(session, video.id, stamp.job)
    if mine is not None:
        return ClipDone(
            video.id, video.file_name, ALREADY_STORED, "stored by an earlier run of this job",
            mine.id,
        )  # fmt: skip
    current = None if force else current_transcript(session, video.id)
    if current is not None:
        return ClipDone(
            video.id, video.file_name, ALREADY_TRANSCRIBED, "it has a transcript", current.id
        )
    return None


def _stamped(result: TranscriptResult, stamp: Stamp) -> TranscriptResult:
    source = result.provenance
    settings = source.settings | {"queue": stamp.as_settings()}
    return replace(result, provenance=replace(source, settings=settings))
