"""What an exchange export writes: the selected annotations and clip values, with names.

Uses the CSV exports' filters (:class:`~annotators.export.selection.ExportFilter`), so
``--coder``, ``--videos`` and ``--category`` mean the same for every format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from annotators.export.catalog import CodeInfo, VideoInfo, load_coders, load_codes, load_videos
from annotators.export.selection import ExportFilter, Selection, resolve
from annotators.store.models import Annotation, ClipValue, Code

from .codes import target_codebook


@dataclass
class ExportData:
    """Selected rows (as dicts) with the codes, videos and coders they point to."""

    codes: dict[int, CodeInfo]
    videos: dict[int, VideoInfo]
    coders: dict[int, str]
    annotations: list[dict[str, Any]]
    clip_values: list[dict[str, Any]]
    selection: Selection
    codebook_id: int | None
    colors: dict[int, str]  # code id -> "#rrggbb" for codes that have a colour

    def selected_videos(self) -> list[VideoInfo]:
        """The videos of the selection in id order (all when no video filter was given)."""
        ids = self.selection.video_ids
        return [v for i, v in sorted(self.videos.items()) if ids is None or i in ids]

    def codebook_codes(self) -> list[CodeInfo]:
        """Codes of the exported codebook (not retired) in codebook order, plus any other
        code the selected rows use, and the categories that hold them."""
        used = {row["code_id"] for row in (*self.annotations, *self.clip_values)}
        wanted = self.selection.code_ids
        codes = [
            code
            for code in self.codes.values()
            if not code.is_category
            and (code.codebook_id == self.codebook_id and not code.retired or code.id in used)
            and (wanted is None or code.id in wanted)
        ]
        ids = {code.id for code in codes}
        holders = {(code.codebook_id, key) for code in codes for key in code.ancestors}
        return [
            code
            for code in self.codes.values()
            if code.id in ids or (code.is_category and (code.codebook_id, code.key) in holders)
        ]


def load_export(session: Session, flt: ExportFilter | None) -> ExportData:
    """Read the rows ``flt`` selects (one query per table) and their lookup tables."""
    codes, videos, coders = load_codes(session), load_videos(session), load_coders(session)
    selection = resolve(flt or ExportFilter(), codes, videos, coders)
    annotations = _rows(session, selection, Annotation)
    clip_values = _rows(session, selection, ClipValue)
    book = target_codebook(session)
    colors = {i: c for i, c in session.exec(select(Code.id, Code.color)) if c}
    return ExportData(
        codes,
        videos,
        coders,
        annotations,
        clip_values,
        selection,
        book.id if book else None,
        colors,
    )


def _rows(session: Session, selection: Selection, model: type) -> list[dict[str, Any]]:
    table = model.__table__  # type: ignore[attr-defined]
    query = selection.filter(select(table).order_by(table.c.video_id, table.c.id), table.c)
    return [dict(row._mapping) for row in session.execute(query)]
