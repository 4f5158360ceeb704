"""What an import would add, independent of any project: the :class:`ImportPlan`.

A format reader turns a file into a plan; :func:`annotators.exchange.apply.apply_plan` matches
it against a project (videos, codes, coders, frame tables) and writes it in one transaction.
Times in a plan are seconds from the clip start (media offsets already applied); frames are
found later through the video's frame table, never as ``time x fps``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from annotators.transcribe.result import TranscriptResult


@dataclass(frozen=True)
class VideoRef:
    """How a file names its clip: a file name and/or a content hash (sha256 hex)."""

    file_name: str | None = None
    content_hash: str | None = None

    def __str__(self) -> str:
        return self.file_name or self.content_hash or "<no media>"


@dataclass(frozen=True)
class CodeDraft:
    """A category or code the file defines; created only when the project has no such key.

    ``options`` are ``(value, label)`` pairs for nominal/ordinal codes; ``parent`` is the key
    of a category (in the project or among the plan's drafts), ``None`` at top level.
    """

    key: str
    label: str
    kind: str  # category, point, interval, clip
    value_type: str = "presence"
    options: tuple[tuple[str, str], ...] = ()
    parent: str | None = None
    color: str | None = None
    definition: str = ""


@dataclass(frozen=True)
class AnnotationDraft:
    """A time-anchored annotation; ``end_s`` None for a point event.

    ``origin`` says where it came from (``file: element/line``) for problem messages.
    """

    video: VideoRef
    code_key: str
    coder: str
    start_s: float
    end_s: float | None
    value: str | None = None
    note: str = ""
    origin: str = ""


@dataclass(frozen=True)
class ClipValueDraft:
    """The value of a clip-level variable for one clip and coder."""

    video: VideoRef
    code_key: str
    coder: str
    value: str | None
    origin: str = ""


@dataclass(frozen=True)
class TranscriptDraft:
    """A transcript of one clip (engine ``imported`` with provenance in ``result``)."""

    video: VideoRef
    result: TranscriptResult
    origin: str = ""


@dataclass
class ImportPlan:
    """Everything one file would add, plus ``problems``: what could not be mapped.

    Each problem names the file and the element or line. ``coders`` lists the coder names
    the plan uses (created in the project when new).
    """

    source: Path
    format: str
    codes: list[CodeDraft] = field(default_factory=list)
    annotations: list[AnnotationDraft] = field(default_factory=list)
    clip_values: list[ClipValueDraft] = field(default_factory=list)
    transcripts: list[TranscriptDraft] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    videos: list[VideoRef] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add_coder(self, name: str) -> str:
        """Remember coder ``name`` (once) and return it."""
        if name not in self.coders:
            self.coders.append(name)
        return name

    def add_video(self, video: VideoRef) -> VideoRef:
        """Remember ``video`` (once) and return it."""
        if video not in self.videos:
            self.videos.append(video)
        return video


@dataclass
class ImportResult:
    """What :func:`apply_plan` stored (or, on a dry run, would store) and what it could not.

    ``new_codes`` are the keys created in a new codebook version (``codebook_version``);
    ``problems`` are the plan's problems plus those found while matching and checking.
    """

    source: Path
    format: str
    dry_run: bool
    annotations: int = 0
    clip_values: int = 0
    transcripts: int = 0
    duplicates: int = 0
    new_codes: list[str] = field(default_factory=list)
    matched_codes: list[str] = field(default_factory=list)
    new_coders: list[str] = field(default_factory=list)
    videos: dict[str, str] = field(default_factory=dict)  # file's name -> project file name
    codebook_version: int | None = None
    problems: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """Human lines: what will be (or was) added, then what could not be mapped."""
        verb = "would add" if self.dry_run else "added"
        lines = [
            f"{self.source.name} ({self.format}): {verb} {self.annotations} annotation(s), "
            f"{self.clip_values} clip value(s), {self.transcripts} transcript(s); "
            f"{self.duplicates} already present"
        ]
        for name, target in self.videos.items():
            lines.append(f"media {name!r} -> video {target!r}")
        if self.matched_codes:
            lines.append(f"existing codes used: {', '.join(self.matched_codes)}")
        if self.new_codes:
            where = f" (codebook version {self.codebook_version})" if self.codebook_version else ""
            lines.append(f"new codes{where}: {', '.join(self.new_codes)}")
        if self.new_coders:
            lines.append(f"new coders: {', '.join(self.new_coders)}")
        lines.append(f"not mapped: {len(self.problems)}")
        lines += [f"  {problem}" for problem in self.problems]
        return lines
