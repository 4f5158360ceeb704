"""A small coded project built row by row, so export tests know exactly what was coded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from annotators.project import Project
from annotators.store.models import (
    Annotation,
    ClipValue,
    Code,
    Codebook,
    Coder,
    Segment,
    Transcript,
    Video,
    Word,
    WordCorrection,
)

HOSTILE_NOTE = 'she said "no, never"\nthen, 💜 شكرا — again'
FORMULA_NOTE = '=HYPERLINK("http://x")'

# key, label, kind, value_type, options, parent key
CODEBOOK = [
    ("narrative", "Narrative elements", "category", "presence", [], None),
    ("testimony", "Personal testimony", "interval", "presence", [], "narrative"),
    (
        "emotion",
        "Emotional appeal",
        "interval",
        "nominal",
        [{"value": "sadness", "label": "Sadness"}, {"value": "hope", "label": "Hope"}],
        "narrative",
    ),
    ("cta", "Calls to action", "category", "presence", [], None),
    ("donate", "Donate", "point", "presence", [], "cta"),
    ("clip", "Clip-level variables", "category", "presence", [], None),
    (
        "tone",
        "Overall emotional tone",
        "clip",
        "ordinal",
        [{"value": str(i), "label": f"level {i}"} for i in range(1, 6)],
        "clip",
    ),
    ("score", "A number", "clip", "number", [], "clip"),
    ("coder_notes", "Coder notes", "clip", "text", [], "clip"),
]


@dataclass
class Coded:
    """Ids of what the fixture coded."""

    project: Project
    codes: dict[str, int]
    videos: dict[str, int]
    coders: dict[str, int]


def add_codebook(session: Session) -> dict[str, int]:
    """Insert :data:`CODEBOOK`; return code ids by key."""
    book = Codebook(name="test", version=3)
    session.add(book)
    session.flush()
    ids: dict[str, int] = {}
    for order, (key, label, kind, value_type, options, parent) in enumerate(CODEBOOK):
        code = Code(
            codebook_id=book.id,
            parent_id=ids.get(parent),
            key=key,
            label=label,
            kind=kind,
            value_type=value_type,
            options=options,
            definition=f"definition of {key}",
            sort_order=order,
        )
        session.add(code)
        session.flush()
        ids[key] = code.id
    return ids


def add_video(session: Session, name: str, fps: float = 25.0, **meta: object) -> int:
    """Insert a synthetic 10 s video row (no file needed for exports)."""
    video = Video(
        path=f"clips/{name}",
        file_name=name,
        content_hash=(name.encode().hex() * 64)[:64],
        size_bytes=1000,
        duration_s=10.0,
        frame_count=int(10 * fps),
        fps=fps,
        width=160,
        height=284,
        platform_video_id=f"tt{len(name)}" if meta else None,
        platform_meta=dict(meta),
    )
    session.add(video)
    session.flush()
    return video.id


def add_transcript(session: Session, video_id: int, words: list[tuple[float, float, str]]) -> int:
    """Insert a current transcript of one segment holding ``words``; return its id."""
    text = "".join(w for _s, _e, w in words)
    transcript = Transcript(
        video_id=video_id, engine="test", engine_version="1", model="none", text=text
    )
    session.add(transcript)
    session.flush()
    segment = Segment(
        transcript_id=transcript.id,
        index=0,
        start_s=words[0][0],
        end_s=words[-1][1],
        text=text,
    )
    session.add(segment)
    session.flush()
    for i, (start, end, word) in enumerate(words):
        session.add(
            Word(
                transcript_id=transcript.id,
                segment_id=segment.id,
                index=i,
                start_s=start,
                end_s=end,
                text=word,
                probability=0.9,
            )
        )
    session.flush()
    return transcript.id


def add_story_transcript(session: Session, video_id: int) -> None:
    """The transcript "I lost my mum" (0-2.2 s) with "lost" corrected to "lost,"."""
    transcript = add_transcript(
        session,
        video_id,
        [(0.0, 0.5, " I"), (0.5, 1.0, " lost"), (1.0, 1.6, " my"), (1.6, 2.2, " mum")],
    )
    lost = session.exec(select(Word).where(Word.transcript_id == transcript, Word.index == 1)).one()
    session.add(WordCorrection(word_id=lost.id, text=" lost,"))


def fps25(frame: int) -> float:
    return frame / 25


CREATED = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def annotate(
    session: Session,
    video_id: int,
    code_id: int,
    coder_id: int,
    start: int,
    end: int | None = None,
    **fields: object,
) -> int:
    row = Annotation(
        video_id=video_id,
        code_id=code_id,
        coder_id=coder_id,
        start_frame=start,
        end_frame=end,
        start_s=fps25(start),
        end_s=None if end is None else fps25(end),
        created_at=CREATED,
        updated_at=CREATED,
        **fields,
    )
    session.add(row)
    session.flush()
    return row.id


@pytest.fixture
def coded(tmp_path: Path, database: str | None) -> Iterator[Coded]:
    """Two videos, two coders, annotations with hostile text, clip values and a transcript."""
    project = Project.create(
        tmp_path / "study.storyframe", default_codebook=False, database=database
    )
    with project.session() as session:
        codes = add_codebook(session)
        alice = Coder(name="alice")
        bob = Coder(name='bob, "the second"')
        session.add_all([alice, bob])
        session.flush()
        videos = {
            "a.mp4": add_video(session, "a.mp4", playCount=1200, author={"name": "=cmd"}),
            "b.mp4": add_video(session, "b.mp4"),
        }
        a, b = videos["a.mp4"], videos["b.mp4"]
        add_story_transcript(session, a)
        annotate(session, a, codes["testimony"], alice.id, 12, 50, note=HOSTILE_NOTE)
        annotate(session, a, codes["emotion"], alice.id, 100, 150, value="sadness")
        annotate(session, a, codes["emotion"], alice.id, 200, 210, value="hope")
        annotate(session, a, codes["donate"], alice.id, 30, note=FORMULA_NOTE)
        annotate(session, a, codes["donate"], bob.id, 31, source="imported")
        annotate(session, b, codes["testimony"], bob.id, 0, 249, note="-5 is not a formula")
        for key, value in (("tone", "4"), ("score", "-3.5"), ("coder_notes", "@mention; ok")):
            session.add(ClipValue(video_id=a, code_id=codes[key], coder_id=alice.id, value=value))
        session.commit()
        coders = {"alice": alice.id, "bob": bob.id}
    yield Coded(project, codes, videos, coders)
    project.close()
