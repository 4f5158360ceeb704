"""SQLModel schema of a Storyframe project.

This module is the single source of truth for the database layout. Any change here needs an
Alembic migration in ``annotators/store/migrations/versions`` (a test compares the two).
Only portable column types are used so the same schema runs on SQLite and PostgreSQL.

Conventions:
- times are seconds (float) from the clip start, frames are presentation-order indices;
  every time-anchored row stores both, taken from the media layer's frame table;
- ``end_frame``/``end_s`` are ``None`` for point events;
- timestamps are timezone-aware UTC datetimes (``utcnow()``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Current time in UTC (the one clock every row uses)."""
    return datetime.now(UTC)


def new_uid() -> str:
    """A fresh row identity (32 hex digits) that stays the same across projects.

    Ids are per file; ``uid`` is how a row is recognised when coder files are packed and
    merged, so merging the same file twice adds nothing.
    """
    return uuid.uuid4().hex


class ProjectMeta(SQLModel, table=True):
    """Key/value settings of one project (e.g. ``active_codebook_id``, ``created_by``)."""

    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(sa_column=Column(Text, nullable=False))


class Video(SQLModel, table=True):
    """One imported media file; ``path`` is relative to the project file's folder (POSIX)."""

    id: int | None = Field(default=None, primary_key=True)
    path: str = Field(max_length=1000)
    file_name: str = Field(max_length=400, index=True)
    content_hash: str = Field(max_length=64, unique=True, index=True)  # sha256 hex
    size_bytes: int = Field(sa_type=BigInteger)  # 64-bit on PostgreSQL too (files > 2 GB)
    duration_s: float
    frame_count: int
    fps: float  # average frames per second
    width: int  # display orientation (rotation applied)
    height: int
    rotation: int = 0  # degrees clockwise the stored frames are turned for display
    has_audio: bool = False
    platform_video_id: str | None = Field(default=None, max_length=200, index=True)
    # spoken language set by a coder for this clip (Whisper code); None: the project's default
    # or detection from the speech
    language: str | None = Field(default=None, max_length=20)
    platform_meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    imported_at: datetime = Field(default_factory=utcnow)


class Coder(SQLModel, table=True):
    """A person (or import source) who makes annotations."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class Codebook(SQLModel, table=True):
    """A codebook inside a project; ``version`` increases with every saved edit."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    version: int = 1
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CodebookVersion(SQLModel, table=True):
    """Frozen YAML text of each codebook version, so every annotation is traceable to one."""

    __table_args__ = (UniqueConstraint("codebook_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    codebook_id: int = Field(foreign_key="codebook.id", index=True)
    version: int
    yaml_text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Code(SQLModel, table=True):
    """A category or code of a codebook.

    ``key`` is the stable id from the YAML file; labels may change, keys never do.
    ``kind`` is one of ``category``, ``point``, ``interval``, ``clip``.
    ``value_type`` is one of ``presence``, ``nominal``, ``ordinal``, ``number``, ``text``;
    ``options`` holds ``[{"value": ..., "label": ...}, ...]`` for nominal/ordinal codes.
    ``retired`` codes were removed from the codebook but still carry annotations.
    """

    __table_args__ = (UniqueConstraint("codebook_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    codebook_id: int = Field(foreign_key="codebook.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="code.id")
    key: str = Field(max_length=100)
    label: str = Field(max_length=300)
    kind: str = Field(max_length=20)
    value_type: str = Field(default="presence", max_length=20)
    options: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    definition: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    include: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    exclude: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    examples: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    shortcut: str | None = Field(default=None, max_length=20)
    color: str | None = Field(default=None, max_length=20)
    # level of measurement for reliability (nominal, ordinal, interval, ratio); None: the
    # default for the value type (presence/nominal: nominal, ordinal: ordinal, number: interval)
    level: str | None = Field(default=None, max_length=20)
    sort_order: int = 0
    retired: bool = False


class Annotation(SQLModel, table=True):
    """A time-anchored code: a point event (``end_frame is None``) or an interval.

    ``source`` is ``manual``, ``imported`` or ``suggested``. ``version`` starts at 1 and grows
    by one with every update; an update names the version it read and changes nothing when
    the row has moved on (another writer's change is never overwritten).
    """

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=32, unique=True)
    version: int = 1
    video_id: int = Field(foreign_key="video.id", index=True)
    code_id: int = Field(foreign_key="code.id", index=True)
    coder_id: int = Field(foreign_key="coder.id", index=True)
    start_frame: int
    end_frame: int | None = None
    start_s: float
    end_s: float | None = None
    value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source: str = Field(default="manual", max_length=20)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ClipValue(SQLModel, table=True):
    """The value of one clip-level variable for one clip and coder (``uid`` and ``version``
    as for :class:`Annotation`)."""

    __table_args__ = (UniqueConstraint("video_id", "code_id", "coder_id"),)

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=32, unique=True)
    version: int = 1
    video_id: int = Field(foreign_key="video.id", index=True)
    code_id: int = Field(foreign_key="code.id", index=True)
    coder_id: int = Field(foreign_key="coder.id", index=True)
    value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


def _one_current(name: str, *columns: str) -> Index:
    """A unique index over ``columns`` of the rows that are ``is_current`` only."""
    current = text("is_current")
    return Index(name, *columns, unique=True, sqlite_where=current, postgresql_where=current)


class Transcript(SQLModel, table=True):
    """One transcription run of a video, with full provenance.

    ``status`` is ``ok`` or ``no_speech`` (empty transcript, flagged rather than hallucinated).
    Only one transcript per video is ``is_current`` (a partial unique index enforces it);
    older ones stay until discarded.
    """

    __table_args__ = (_one_current("ux_transcript_current", "video_id"),)

    id: int | None = Field(default=None, primary_key=True)
    video_id: int = Field(foreign_key="video.id", index=True)
    engine: str = Field(max_length=50)
    engine_version: str = Field(max_length=50)
    model: str = Field(max_length=500)
    language: str | None = Field(default=None, max_length=20)
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    status: str = Field(default="ok", max_length=20)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    processing_s: float | None = None
    is_current: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class Segment(SQLModel, table=True):
    """A transcript segment with Whisper's confidence figures."""

    id: int | None = Field(default=None, primary_key=True)
    transcript_id: int = Field(foreign_key="transcript.id", index=True)
    index: int
    start_s: float
    end_s: float
    text: str = Field(sa_column=Column(Text, nullable=False))
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None


class Word(SQLModel, table=True):
    """A transcribed word with its times and probability."""

    id: int | None = Field(default=None, primary_key=True)
    transcript_id: int = Field(foreign_key="transcript.id", index=True)
    segment_id: int = Field(foreign_key="segment.id", index=True)
    index: int  # position within the whole transcript
    start_s: float
    end_s: float
    text: str = Field(max_length=200)
    probability: float | None = None


class WordCorrection(SQLModel, table=True):
    """A coder's correction of one machine word, kept apart from the machine transcript."""

    id: int | None = Field(default=None, primary_key=True)
    word_id: int = Field(foreign_key="word.id", unique=True, index=True)
    text: str = Field(max_length=200)
    coder_id: int | None = Field(default=None, foreign_key="coder.id")
    updated_at: datetime = Field(default_factory=utcnow)


class OpenInterval(SQLModel, table=True):
    """An interval a coder has started but not yet ended, stored the moment it starts.

    A crash or kill leaves it here, so the app offers it back at the next start instead of
    losing it; ending it turns it into an :class:`Annotation` and deletes this row.
    """

    __table_args__ = (UniqueConstraint("video_id", "code_id", "coder_id"),)

    id: int | None = Field(default=None, primary_key=True)
    video_id: int = Field(foreign_key="video.id", index=True)
    code_id: int = Field(foreign_key="code.id")
    coder_id: int = Field(foreign_key="coder.id")
    start_frame: int
    start_s: float
    value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)


class Assignment(SQLModel, table=True):
    """Who codes which clip: one row per coder, video and round.

    ``reliability`` marks clips drawn into the reliability sample (coded blind by several
    coders). ``submitted_at`` is set when the coder marks the clip done and cleared when they
    reopen it; "the clips a coder coded" are those with it set.
    """

    __table_args__ = (UniqueConstraint("coder_id", "video_id", "round"),)

    id: int | None = Field(default=None, primary_key=True)
    coder_id: int = Field(foreign_key="coder.id", index=True)
    video_id: int = Field(foreign_key="video.id", index=True)
    round: int = 1
    reliability: bool = False
    submitted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class ConsensusRecord(SQLModel, table=True):
    """Provenance of one adjudicated row in the consensus layer.

    The consensus layer is the annotations and clip values of the coder named ``consensus``;
    each such row (by ``target_uid``) records how it got there: ``action`` is ``taken`` (from
    ``source_coder_id``'s row ``source_uid``), ``edited`` (taken, then changed) or ``new``.
    """

    id: int | None = Field(default=None, primary_key=True)
    target_uid: str = Field(max_length=32, unique=True)
    action: str = Field(max_length=20)
    source_coder_id: int | None = Field(default=None, foreign_key="coder.id")
    source_uid: str | None = Field(default=None, max_length=32)
    reviewer_id: int = Field(foreign_key="coder.id")
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)


class Analysis(SQLModel, table=True):
    """One run of an automatic analysis of a clip (``step`` ``ocr`` or ``shots``), with full
    provenance like a transcript. Only one run per clip and step ``is_current``; re-running
    adds a new current one and keeps the older until discarded (a partial unique index
    enforces the one)."""

    __table_args__ = (_one_current("ux_analysis_current", "video_id", "step"),)

    id: int | None = Field(default=None, primary_key=True)
    video_id: int = Field(foreign_key="video.id", index=True)
    step: str = Field(max_length=20)
    engine: str = Field(max_length=50)
    engine_version: str = Field(max_length=50)
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    processing_s: float | None = None
    is_current: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class OnscreenText(SQLModel, table=True):
    """A piece of text shown on screen from ``start_frame`` to ``end_frame`` (inclusive), as
    read by OCR: merged from repeated readings of the same text in the same place."""

    id: int | None = Field(default=None, primary_key=True)
    analysis_id: int = Field(foreign_key="analysis.id", index=True)
    video_id: int = Field(foreign_key="video.id", index=True)
    start_frame: int
    end_frame: int
    start_s: float
    end_s: float
    text: str = Field(sa_column=Column(Text, nullable=False))
    confidence: float
    # [x0, y0, x1, y1] in display-orientation pixels of the full frame
    box: list[float] = Field(default_factory=list, sa_column=Column(JSON))


class ShotCut(SQLModel, table=True):
    """A hard cut: ``frame`` is the first frame of the new shot."""

    id: int | None = Field(default=None, primary_key=True)
    analysis_id: int = Field(foreign_key="analysis.id", index=True)
    video_id: int = Field(foreign_key="video.id", index=True)
    frame: int
    time_s: float


class Suggestion(SQLModel, table=True):
    """Why an annotation was suggested, and what the coder decided.

    The annotation (``annotation_uid``) is stored with ``source = suggested`` while pending or
    rejected; accepting it makes it the coder's own (``source = manual``) and keeps this row
    as its origin. ``anchor`` identifies the match (rule, where, what) so a rejected suggestion
    is never made again for that clip and rule. ``status``: pending, accepted, rejected.
    """

    __table_args__ = (UniqueConstraint("video_id", "code_id", "coder_id", "anchor"),)

    id: int | None = Field(default=None, primary_key=True)
    annotation_uid: str = Field(max_length=32, unique=True)
    video_id: int = Field(foreign_key="video.id", index=True)
    code_id: int = Field(foreign_key="code.id")
    coder_id: int = Field(foreign_key="coder.id")
    rule: str = Field(max_length=300)
    origin: str = Field(max_length=20)  # speech, screen, caption, metadata
    matched_text: str = Field(sa_column=Column(Text, nullable=False))
    anchor: str = Field(max_length=500)
    status: str = Field(default="pending", max_length=20)
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class LiveChange(SQLModel, table=True):
    """Which clips' rows of which table changed last, for the live view of other processes.

    Written only by SQLite's triggers (migration 0006): one row per table and clip
    (``video_id`` 0: not one clip), its ``seq`` raised past every other on each change, so a
    watcher reads what changed since the ``seq`` it saw (:mod:`annotators.live`). A server
    project notifies the apps instead (``LISTEN/NOTIFY``) and leaves this table empty.
    """

    tbl: str = Field(primary_key=True, max_length=40)
    video_id: int = Field(primary_key=True)
    seq: int = Field(index=True)
