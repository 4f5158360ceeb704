"""The ``csv-wide`` export: one row per video x coder, ready for regression.

Rows exist for every (video, coder) pair with at least one annotation or clip-level value in
the selection. For every time-anchored code: ``<key>_present`` (0/1), ``<key>_count``,
``<key>_first_onset_s`` (empty when absent) and ``<key>_total_duration_s`` (sum of interval
durations; point events add 0); for every clip-level variable its stored value; then video facts
and the video's platform metadata flattened into ``meta_*`` columns. Aggregates are computed by
SQLite (``GROUP BY``), so the export reads one row per video x coder x code.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select
from sqlmodel import Session

from annotators.jobs import Job, Progress, run_job
from annotators.safety.outputs import NO_GUARD, OutputGuard
from annotators.store.models import Annotation, ClipValue

from .catalog import CodeInfo, VideoInfo, load_coders, load_codes, load_videos
from .csvio import Column, CsvOptions, open_table
from .dictionary import (
    TableExport,
    dictionary_path,
    wide_columns,
    write_dictionary,
)
from .selection import ExportFilter, Selection, resolve
from .sqltext import ms
from .widenames import FIXED_COLUMNS, TIME_MEASURES, leaf_paths, meta_names, wide_bases

# a progress report per this many rows (one row is one video x coder)
ROWS_PER_STEP = 200


@dataclass
class _Aggregate:
    count: int = 0
    first_onset_s: float | None = None
    total_ms: int = 0

    def add(self, count: int, onset: float, total_ms: float) -> None:
        self.count += count
        self.first_onset_s = onset if self.first_onset_s is None else min(onset, self.first_onset_s)
        self.total_ms += int(total_ms)


def _meta_cell(value: Any) -> Any:
    """Lists become JSON text (unambiguous, and ``jsonlite``/``json.loads`` read it back)."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value


def flatten_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """Platform metadata of one video as flat ``meta_*`` columns: nested dicts join keys with
    ``_``, camelCase becomes snake_case, colliding names get ``_2``... (see :mod:`.widenames`)."""
    leaves = leaf_paths(meta)
    names = meta_names(leaves, set())
    return {names[path]: _meta_cell(value) for path, value in leaves.items()}


# per (video, coder): per code id
Aggregates = dict[tuple[int, int], dict[int, _Aggregate]]
ClipCells = dict[tuple[int, int], dict[int, str | None]]


def _time_aggregates(conn: Connection, sel: Selection, bases: dict[int, str]) -> Aggregates:
    """Per (video, coder): per code's base column name, its count, first onset and total
    duration (codes sharing a base, the same variable in two codebooks, add up)."""
    # durations are summed in whole milliseconds, rounded per annotation like csv-long's
    duration_ms = ms(Annotation.end_s) - ms(Annotation.start_s)
    query = select(
        Annotation.video_id,
        Annotation.coder_id,
        Annotation.code_id,
        func.count(),
        func.min(Annotation.start_s),
        func.sum(func.coalesce(duration_ms, 0)),
    ).group_by(Annotation.video_id, Annotation.coder_id, Annotation.code_id)
    table: Aggregates = defaultdict(lambda: defaultdict(_Aggregate))
    for vid, cid, code_id, count, onset, total_ms in conn.execute(sel.filter(query, Annotation)):
        table[vid, cid][bases[code_id]].add(count, onset, total_ms)
    return table


def _clip_values(conn: Connection, sel: Selection, bases: dict[int, str]) -> ClipCells:
    """Per (video, coder): per clip-level column name, the stored value."""
    query = select(ClipValue.video_id, ClipValue.coder_id, ClipValue.code_id, ClipValue.value)
    table: ClipCells = defaultdict(dict)
    for vid, cid, code_id, value in conn.execute(sel.filter(query, ClipValue)):
        table[vid, cid][bases[code_id]] = value
    return table


def _selected_codes(conn: Connection, codes: dict[int, CodeInfo], sel: Selection) -> list[CodeInfo]:
    """Codes that get columns: selected, not categories, retired ones only if they hold data."""
    used = {cid for (cid,) in conn.execute(select(Annotation.code_id).distinct())}
    used |= {cid for (cid,) in conn.execute(select(ClipValue.code_id).distinct())}
    return [
        c
        for c in codes.values()
        if not c.is_category
        and (sel.code_ids is None or c.id in sel.code_ids)
        and (not c.retired or c.id in used)
    ]


def _code_columns(codes: list[CodeInfo], bases: dict[int, str]) -> list[Column]:
    """Columns of the selected codes, in codebook order, one set per variable."""
    columns: dict[str, Column] = {}
    for code in codes:
        for name in wide_columns(code, bases[code.id]):
            kind = "text" if code.is_clip else ("seconds" if name.endswith("_s") else "int")
            columns.setdefault(name, Column(name, kind, code.label))
    return list(columns.values())


def _video_cells(video: VideoInfo, coder_id: int, coder: str) -> list[Any]:
    return [
        video.id, video.file_name, video.content_hash, video.platform_video_id, coder_id, coder,
        video.duration_s, video.frame_count, video.fps, video.width, video.height,
        video.rotation, video.has_audio,
    ]  # fmt: skip


def _code_cells(
    columns: list[Column], times: dict[str, _Aggregate], clips: dict[str, str | None]
) -> list[Any]:  # times and clips by base column name
    """Cells of the code columns: four measures per time-anchored code, one value per clip one."""
    cells: list[Any] = []
    for column in columns:
        name = column.name
        if column.kind == "text":
            cells.append(clips.get(name))
            continue
        base, measure = _split_measure(name)
        agg = times.get(base, _Aggregate())
        cells.append(
            {
                "present": int(agg.count > 0),
                "count": agg.count,
                "first_onset_s": agg.first_onset_s,
                "total_duration_s": agg.total_ms / 1000,
            }[measure]
        )
    return cells


def _split_measure(name: str) -> tuple[str, str]:
    """``donate_first_onset_s`` -> (``donate``, ``first_onset_s``)."""
    for measure in TIME_MEASURES:
        if name.endswith("_" + measure):
            return name[: -len(measure) - 1], measure
    raise ValueError(f"{name} is not a time-anchored measure column")


@dataclass
class WideTable:
    """The csv-wide table before it is written: ``rows`` yields one list of cells per row.

    ``codes`` are the selected codes the code columns come from (codebook order) and
    ``bases`` their base column names by code id. Other writers (SPSS, Stata) take the very
    same rows, so every format agrees with csv-wide.
    """

    columns: list[Column]
    codes: list[CodeInfo]
    bases: dict[int, str]
    row_count: int
    rows: Iterator[list[Any]]


def wide_table(session: Session, flt: ExportFilter | None = None) -> WideTable:
    """The csv-wide table of the selection (aggregate queries run now, rows lazily).

    Raises :class:`ExportError` for unknown filter names.
    """
    conn = session.connection()
    codes, videos, coders = load_codes(session), load_videos(session), load_coders(session)
    sel = resolve(flt or ExportFilter(), codes, videos, coders)
    taken = {column.name for column in FIXED_COLUMNS}
    bases = wide_bases(codes.values(), taken)  # all codes: a filter never renames a column
    times, clips = _time_aggregates(conn, sel, bases), _clip_values(conn, sel, bases)
    selected = _selected_codes(conn, codes, sel)
    code_columns = _code_columns(selected, bases)
    pairs = sorted(
        set(times) | set(clips), key=lambda p: (videos[p[0]].file_name, p[0], coders[p[1]])
    )
    leaves = {vid: leaf_paths(videos[vid].platform_meta) for vid, _ in pairs}
    names = meta_names((path for meta in leaves.values() for path in meta), taken)
    meta_paths = sorted(names, key=names.__getitem__)
    metas = {
        vid: {names[p]: _meta_cell(v) for p, v in meta.items()} for vid, meta in leaves.items()
    }
    meta_columns = [names[path] for path in meta_paths]
    columns = [*FIXED_COLUMNS, *code_columns, *(Column(n, "text") for n in meta_columns)]
    rows = (
        _video_cells(videos[vid], cid, coders[cid])
        + _code_cells(code_columns, times[vid, cid], clips[vid, cid])
        + [metas[vid].get(name) for name in meta_columns]
        for vid, cid in pairs
    )
    return WideTable(columns, selected, bases, len(pairs), rows)


def wide_job(
    session: Session,
    path: Path,
    flt: ExportFilter | None = None,
    options: CsvOptions | None = None,
    guard: OutputGuard = NO_GUARD,
) -> Job[TableExport]:
    """Job writing the csv-wide table of the selection to ``path`` and ``codebook.csv``
    beside it; yields before the first row and after every :data:`ROWS_PER_STEP` rows.

    Raises :class:`ExportError` for unknown filter names or an unwritable path; a failed or
    cancelled export leaves no partial file.
    """
    wide = wide_table(session, flt)
    dictionary = dictionary_path(path)
    with open_table(path, wide.columns, options or CsvOptions(), guard) as table:
        yield Progress(0, wide.row_count, "rows")  # the aggregate queries are done
        for row in wide.rows:
            table.write(row)
            if table.rows % ROWS_PER_STEP == 0:
                yield Progress(table.rows, wide.row_count, f"{table.rows:,} rows")
    write_dictionary(dictionary, wide.codes, options or CsvOptions(), guard, wide.bases)
    return TableExport(path=Path(path), rows=table.rows, dictionary=dictionary)


def export_wide(
    session: Session,
    path: Path,
    flt: ExportFilter | None = None,
    options: CsvOptions | None = None,
) -> TableExport:
    """:func:`wide_job` run to the end."""
    return run_job(wide_job(session, path, flt, options))
