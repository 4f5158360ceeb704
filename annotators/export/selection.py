"""Which annotations an export covers: filters by coder, video and codebook category.

Filters are given by name (coder names; video file names, content hashes or ids; category or
code keys) and resolved once against the project. A name that matches nothing is an error,
because a typo would otherwise produce a silently empty export.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select

from annotators.errors import ExportError

from .catalog import CodeInfo, VideoInfo

T = TypeVar("T")


@dataclass(frozen=True)
class ExportFilter:
    """What to export; empty sequences mean "all". Suggested annotations the coder has not
    accepted (``source = suggested``) are left out unless ``include_suggested``."""

    coders: Sequence[str] = ()
    videos: Sequence[str] = ()
    categories: Sequence[str] = ()
    include_suggested: bool = False


@dataclass(frozen=True)
class Selection:
    """Resolved filter: sets of ids, or ``None`` for "all"."""

    coder_ids: frozenset[int] | None
    video_ids: frozenset[int] | None
    code_ids: frozenset[int] | None
    include_suggested: bool = False

    def filter(self, query: Select, table: Any) -> Select:
        """``query`` restricted to the selection; ``table`` has video/coder/code id columns
        (and, for annotations, ``source``: pending and rejected suggestions are dropped)."""
        if not self.include_suggested and hasattr(table, "source"):
            query = query.where(table.source != "suggested")
        if self.video_ids is not None:
            query = query.where(table.video_id.in_(self.video_ids))
        if self.coder_ids is not None:
            query = query.where(table.coder_id.in_(self.coder_ids))
        if self.code_ids is not None:
            query = query.where(table.code_id.in_(self.code_ids))
        return query


def resolve(
    flt: ExportFilter,
    codes: dict[int, CodeInfo],
    videos: dict[int, VideoInfo],
    coders: dict[int, str],
) -> Selection:
    """Resolve ``flt`` to ids; raise :class:`ExportError` listing names that match nothing."""
    return Selection(
        coder_ids=_resolve_coders(flt.coders, coders),
        video_ids=resolve_videos(flt.videos, videos),
        code_ids=_resolve_categories(flt.categories, codes),
        include_suggested=flt.include_suggested,
    )


def _unknown(what: str, names: list[str], known: Sequence[str]) -> ExportError:
    hint = ", ".join(sorted(known)[:20]) or "none"
    return ExportError(f"unknown {what}: {', '.join(names)} (known: {hint})")


def _resolve_coders(names: Sequence[str], coders: dict[int, str]) -> frozenset[int] | None:
    known = list(coders.values())
    return _resolve_names("coder", names, coders, lambda name, coder: name == coder, known)


def _video_matches(name: str, video: VideoInfo) -> bool:
    return name in (video.file_name, video.content_hash, str(video.id))


def resolve_videos(names: Sequence[str], videos: dict[int, VideoInfo]) -> frozenset[int] | None:
    """Ids of the videos ``names`` (file name, content hash or id) match; ``None`` for all."""
    known = [video.file_name for video in videos.values()]
    return _resolve_names("video", names, videos, _video_matches, known)


def _resolve_names(
    what: str,
    names: Sequence[str],
    items: dict[int, T],
    matches: Callable[[str, T], bool],
    known: Sequence[str],
) -> frozenset[int] | None:
    """Ids of the ``items`` any of ``names`` matches; ``None`` (all) when no names are given.

    Raises :class:`ExportError` listing the names that match nothing (and the ``known`` ones).
    """
    if not names:
        return None
    ids = {name: [i for i, item in items.items() if matches(name, item)] for name in names}
    missing = [name for name, found in ids.items() if not found]
    if missing:
        raise _unknown(what, missing, known)
    return frozenset(i for found in ids.values() for i in found)


def _resolve_categories(keys: Sequence[str], codes: dict[int, CodeInfo]) -> frozenset[int] | None:
    """Codes inside any of the category ``keys`` (at any depth), or named directly."""
    if not keys:
        return None
    known = {c.key for c in codes.values()}
    missing = [key for key in keys if key not in known]
    if missing:
        categories = [c.key for c in codes.values() if c.is_category]
        raise _unknown("category", missing, categories)
    wanted = set(keys)
    return frozenset(
        c.id for c in codes.values() if c.key in wanted or wanted.intersection(c.ancestors)
    )
