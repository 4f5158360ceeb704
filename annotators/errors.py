"""Errors a researcher can act on. Each message names the file or item and what is wrong.

The CLI prints ``str(error)`` as one line and exits non-zero; the desktop app shows it in a
dialog. Programming errors are not wrapped in these classes, so they still surface as bugs.
"""


class StoryframeError(Exception):
    """Base class of every user-facing error."""


class MediaError(StoryframeError):
    """A media file cannot be opened or decoded."""


class ProjectError(StoryframeError):
    """A project file cannot be created, opened or migrated."""


class CodebookError(StoryframeError):
    """A codebook is invalid; the message lists ``file:line: problem`` entries."""


class TranscriptionError(StoryframeError):
    """A transcription engine or model cannot be used."""


class ExportError(StoryframeError):
    """An export or import of coded data failed."""


class CodingError(StoryframeError):
    """A coding operation is invalid (frame outside the clip, value not allowed by the code...)."""


class ReliabilityError(StoryframeError):
    """Agreement cannot be computed for the selection (unknown coder or code, no shared clip)."""


class StudyError(StoryframeError):
    """A study step is invalid (a sample already drawn, an incompatible coder file...)."""


class AnalysisError(StoryframeError):
    """An automatic analysis (OCR, shot cuts, suggestions) cannot run or its result is unknown."""
