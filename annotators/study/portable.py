"""Coded rows in a form that means the same in every project file.

Ids are per file; a row travels between a project and its coder files by ``uid``, and what it
points to travels by content hash (video), key (code) and name (coder). :func:`fingerprint`
is the row's content in that form, so two files can tell whether a row changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from annotators.store.models import Annotation, ClipValue, Code, Coder, Video

ANNOTATIONS = Annotation.__table__
CLIP_VALUES = ClipValue.__table__
# the fields that make up a row's content (ids, times derived from frames and dates excluded)
ANNOTATION_CONTENT = ("start_frame", "end_frame", "value", "note", "source")
CLIP_VALUE_CONTENT = ("value",)


@dataclass(frozen=True)
class PortableRow:
    """One annotation or clip value: ``table`` is ``annotation`` or ``clipvalue``; ``row`` the
    stored columns; the rest name what the ids point to."""

    table: str
    row: dict[str, Any]
    video_hash: str
    video_name: str
    code_key: str
    coder: str

    @property
    def uid(self) -> str:
        return self.row["uid"]

    @property
    def content(self) -> tuple[Any, ...]:
        fields = ANNOTATION_CONTENT if self.table == "annotation" else CLIP_VALUE_CONTENT
        return (self.table, self.video_hash, self.code_key, self.coder) + tuple(
            self.row[name] for name in fields
        )

    def fingerprint(self) -> str:
        return fingerprint(self.content)

    def describe(self) -> str:
        """``annotation cta_donate at frame 12 on clip.mp4 by Ana`` (for reports)."""
        if self.table == "clipvalue":
            return f"clip value {self.code_key} on {self.video_name} by {self.coder}"
        start, end = self.row["start_frame"], self.row["end_frame"]
        where = f"at frame {start}" if end is None else f"frames {start}-{end}"
        return f"annotation {self.code_key} {where} on {self.video_name} by {self.coder}"


def fingerprint(content: tuple[Any, ...]) -> str:
    """Short stable digest of a row's content."""
    text = json.dumps(content, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def portable_rows(session: Session, uids: set[str] | None = None) -> dict[str, PortableRow]:
    """Annotations and clip values by uid (only ``uids`` when given)."""
    rows: dict[str, PortableRow] = {}
    for table, name in ((ANNOTATIONS, "annotation"), (CLIP_VALUES, "clipvalue")):
        query = (
            select(table, Video.content_hash, Video.file_name, Code.key, Coder.name)
            .join(Video, Video.id == table.c.video_id)
            .join(Code, Code.id == table.c.code_id)
            .join(Coder, Coder.id == table.c.coder_id)
        )
        columns = [column.name for column in table.columns]
        for found in _chunked(session, query, table, uids):
            values = tuple(found)
            row = dict(zip(columns, values[: len(columns)], strict=True))
            video_hash, video_name, key, coder = values[len(columns) :]
            rows[row["uid"]] = PortableRow(name, row, video_hash, video_name, key, coder)
    return rows


def _chunked(session: Session, query, table, uids: set[str] | None):  # type: ignore[no-untyped-def]
    if uids is None:
        yield from session.execute(query)
        return
    ordered = sorted(uids)
    for start in range(0, len(ordered), 5000):  # SQLite's parameter limit
        chunk = ordered[start : start + 5000]
        yield from session.execute(query.where(table.c.uid.in_(chunk)))
