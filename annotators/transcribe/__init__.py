"""Local Whisper transcription: engines, one-file and whole-project jobs, DB storage.

>>> engine = load_engine("faster-whisper")            # doctest: +SKIP
>>> result = transcribe_file("clip.mp4", engine)       # doctest: +SKIP
>>> report = run_job(transcribe_project(project))      # doctest: +SKIP
"""

from annotators.transcribe.batch import (
    ClipOutcome,
    TranscribeProgress,
    TranscribeReport,
    transcribe_project,
)
from annotators.transcribe.engines import DEFAULT_ENGINE, ENGINE_NAMES, Engine, load_engine
from annotators.transcribe.result import (
    STATUS_NO_SPEECH,
    STATUS_OK,
    Provenance,
    SegmentResult,
    TranscriptResult,
    WordResult,
)
from annotators.transcribe.settings import TranscribeSettings
from annotators.transcribe.storage import (
    current_transcript,
    discard_transcript,
    save_transcript,
    set_current_transcript,
    transcript_segments,
    transcript_versions,
    transcript_words,
)
from annotators.transcribe.transcribe import check_language, check_language_code, transcribe_file

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINE_NAMES",
    "STATUS_NO_SPEECH",
    "STATUS_OK",
    "ClipOutcome",
    "Engine",
    "Provenance",
    "SegmentResult",
    "TranscribeProgress",
    "TranscribeReport",
    "TranscribeSettings",
    "TranscriptResult",
    "WordResult",
    "check_language",
    "check_language_code",
    "current_transcript",
    "discard_transcript",
    "load_engine",
    "save_transcript",
    "set_current_transcript",
    "transcribe_file",
    "transcribe_project",
    "transcript_segments",
    "transcript_versions",
    "transcript_words",
]
