"""The small tables an export needs in memory: codes (with their category path), videos, coders.

Annotations are streamed; everything they point to is looked up here, so the hot loop of an
export never issues a query per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from annotators.codebook.spec import CATEGORY
from annotators.store.models import Code, Codebook, Coder, Video

CLIP = "clip"  # the kind of clip-level variables


@dataclass(frozen=True)
class CodeInfo:
    """A code with its ancestors resolved.

    ``path`` is the labels from the top category down to the code, joined by `` / ``;
    ``ancestors`` the keys of its categories, outermost first.
    """

    id: int
    key: str
    label: str
    kind: str
    value_type: str
    options: tuple[tuple[str, str], ...]  # (stored value, label) in codebook order
    definition: str
    path: str
    ancestors: tuple[str, ...]
    codebook_id: int
    codebook_version: int
    sort_order: int
    retired: bool

    @property
    def is_clip(self) -> bool:
        return self.kind == CLIP

    @property
    def is_category(self) -> bool:
        return self.kind == CATEGORY

    def value_label(self, value: str | None) -> str:
        """Label of a stored ``value`` (``""`` when the code has no such option)."""
        return dict(self.options).get(value or "", "")


@dataclass(frozen=True)
class VideoInfo:
    """The facts of a video an export writes next to its annotations."""

    id: int
    file_name: str
    content_hash: str
    platform_video_id: str | None
    duration_s: float
    frame_count: int
    fps: float
    width: int
    height: int
    rotation: int
    has_audio: bool
    platform_meta: dict[str, Any]


def _options(raw: list[dict[str, Any]] | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(opt.get("value", "")), str(opt.get("label", ""))) for opt in raw or [])


def load_codes(session: Session) -> dict[int, CodeInfo]:
    """Every code and category of the project by id, ordered by codebook and codebook order."""
    versions = dict(session.exec(select(Codebook.id, Codebook.version)).all())
    raw = session.exec(select(Code).order_by(Code.codebook_id, Code.sort_order, Code.id)).all()
    by_id = {code.id: code for code in raw}
    infos: dict[int, CodeInfo] = {}
    for code in raw:
        chain = _ancestors(code, by_id)
        infos[code.id] = CodeInfo(
            id=code.id,
            key=code.key,
            label=code.label,
            kind=code.kind,
            value_type=code.value_type,
            options=_options(code.options),
            definition=code.definition,
            path=" / ".join([a.label for a in chain] + [code.label]),
            ancestors=tuple(a.key for a in chain),
            codebook_id=code.codebook_id,
            codebook_version=versions.get(code.codebook_id, 1),
            sort_order=code.sort_order,
            retired=code.retired,
        )
    return infos


def _ancestors(code: Code, by_id: dict[int, Code]) -> list[Code]:
    chain: list[Code] = []
    parent_id = code.parent_id
    while parent_id is not None and parent_id in by_id and len(chain) < 50:
        parent = by_id[parent_id]
        chain.insert(0, parent)
        parent_id = parent.parent_id
    return chain


def load_videos(session: Session) -> dict[int, VideoInfo]:
    """Every video of the project by id."""
    videos = session.exec(select(Video)).all()
    return {
        v.id: VideoInfo(
            id=v.id,
            file_name=v.file_name,
            content_hash=v.content_hash,
            platform_video_id=v.platform_video_id,
            duration_s=v.duration_s,
            frame_count=v.frame_count,
            fps=v.fps,
            width=v.width,
            height=v.height,
            rotation=v.rotation,
            has_audio=v.has_audio,
            platform_meta=dict(v.platform_meta or {}),
        )
        for v in videos
    }


def load_coders(session: Session) -> dict[int, str]:
    """Coder names by id."""
    return dict(session.exec(select(Coder.id, Coder.name)).all())


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def snake_case(name: str) -> str:
    """``name`` as a snake_case column name (``playCount`` -> ``play_count``, ``a.b`` -> ``a_b``).

    Names that would start with a digit get a leading ``x`` (R and SPSS reject them).
    """
    snake = _NOT_WORD.sub("_", _CAMEL.sub("_", name).lower()).strip("_") or "x"
    return "x" + snake if snake[0].isdigit() else snake
