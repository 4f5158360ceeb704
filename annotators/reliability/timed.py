"""Time-anchored codes: presence, count, frames (or slices), unitizing alpha, point matching.

Each method is its own :class:`Result`, labelled, because they answer different questions:
whether coders found the code in a clip (``presence``), how often (``count``), whether they
agree frame by frame (``frames``, or time slices of ``slice_s`` seconds), where its units begin
and end (``unitizing``), and, for point events, whether onsets match within a tolerance
(``points``). A coder who coded a clip without marking the code there counts as "absent".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotators.store.models import Code

from .bootstrap import Resampler
from .data import Marks, StudyData
from .kappa import binary_kappa
from .measures import fill_from_counts, fill_from_matrix
from .points import match_pairs
from .result import Disagreement, Result
from .unitizing import unitizing_alpha_arrays

MARKED = {0.0: "not marked", 1.0: "marked"}


def _presence_label(value: float) -> str:
    return "present" if value else "absent"


def _count_label(value: float) -> str:
    return str(int(value))


class _Context:
    """Index maps of one code's comparison: coder rows and the clips compared."""

    def __init__(self, data: StudyData, marks: Marks, clip_ids: list[int]) -> None:
        self.data = data
        self.clip_ids = np.array(clip_ids, dtype=np.int64)
        rows = {coder.id: i for i, coder in enumerate(data.coders)}
        self.coded = np.array([[v in data.coded[c] for v in clip_ids] for c in data.coder_ids()])
        self.coded = self.coded.reshape(len(data.coders), len(clip_ids))
        row = np.array([rows[c] for c in marks.coder_id.tolist()], dtype=np.int64)
        col = np.searchsorted(self.clip_ids, marks.video_id)
        col = np.minimum(col, max(len(clip_ids) - 1, 0))
        inside = (self.clip_ids[col] == marks.video_id) if len(clip_ids) else col < 0
        self.row, self.col, self.inside = row, col, inside


def time_results(
    data: StudyData, code: Code, *, boot: Resampler, slice_s: float | None,
    tolerance_s: float,
) -> tuple[list[Result], list[Disagreement]]:  # fmt: skip
    """Every method's result for time-anchored ``code``, and the clips where coders differ."""
    marks = data.marks[code.id]
    units = data.units()
    every = _Context(data, marks, units)
    results = [_per_clip(data, code, every, method, boot)
               for method in ("presence", "count")]  # fmt: skip
    shared = [v for v, n in zip(units, every.coded.sum(axis=0), strict=True) if n >= 2]
    context = _Context(data, marks, shared)
    if code.kind == "point":
        result, found = _points(data, code, marks, context, tolerance_s)
        return _name_unmarked([*results, result], marks), found
    frames, found = _frames(data, code, marks, context, boot, None)
    if slice_s:
        frames, _ = _frames(data, code, marks, context, boot, slice_s)
    results.append(frames)
    results.append(_unitizing(data, code, marks, frames, boot))
    return _name_unmarked(results, marks), found


def _name_unmarked(results: list[Result], marks: Marks) -> list[Result]:
    """Say why alpha is undefined when the reason is that nobody used the code at all."""
    if not len(marks):
        for result in results:
            if result.alpha is None:
                result.reason = "nobody marked this code on the clips compared"
    return results


def _per_clip(data: StudyData, code: Code, ctx: _Context, method: str, boot: Resampler) -> Result:
    names = data.coder_names()
    level = "nominal" if method == "presence" else "interval"
    result = Result(code.key, code.label, method, level, n_coders=len(names))
    matrix = np.zeros(ctx.coded.shape)
    np.add.at(matrix, (ctx.row[ctx.inside], ctx.col[ctx.inside]), 1.0)
    if method == "presence":
        matrix = (matrix > 0).astype(float)
    matrix[~ctx.coded] = np.nan
    label = _presence_label if method == "presence" else _count_label
    fill_from_matrix(result, matrix, names, label, boot=boot)
    return result


@dataclass(frozen=True)
class _FrameTable:
    """Every frame (or slice) of the compared clips: who marked it, who coded its clip."""

    marked: np.ndarray  # coders x frames, bool
    coded: np.ndarray  # coders x frames, bool
    blocks: np.ndarray  # clip index of each frame
    offsets: np.ndarray  # first frame of each clip in the flat frame axis


def _frame_table(
    data: StudyData, marks: Marks, ctx: _Context, slice_s: float | None
) -> _FrameTable:
    videos = [data.videos[int(v)] for v in ctx.clip_ids]
    if slice_s:
        lengths = np.array([max(1, int(np.ceil(v.duration_s / slice_s))) for v in videos], int)
        first = np.floor(marks.start_s / slice_s).astype(np.int64)
        last = np.floor(marks.end_s / slice_s).astype(np.int64)
    else:
        lengths = np.array([max(1, v.frame_count) for v in videos], dtype=np.int64)
        first, last = marks.start_frame, marks.end_frame
    offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    total = int(offsets[-1])
    inside = ctx.inside
    col, size = ctx.col[inside], lengths[ctx.col[inside]]
    start = np.clip(first[inside], 0, size - 1)
    end = np.clip(np.maximum(last[inside], first[inside]), 0, size - 1)
    coders = len(data.coders)
    # +1 where a mark starts, -1 after it ends: a running sum > 0 is "marked"
    diff = np.zeros(coders * (total + 1), dtype=np.int64)
    rows = ctx.row[inside] * (total + 1)
    np.add.at(diff, rows + offsets[col] + start, 1)
    np.add.at(diff, rows + offsets[col] + end + 1, -1)
    marked = np.cumsum(diff.reshape(coders, total + 1), axis=1)[:, :total] > 0
    coded = np.repeat(ctx.coded, lengths, axis=1)
    return _FrameTable(marked & coded, coded, np.repeat(np.arange(lengths.size), lengths), offsets)


def _frames(
    data: StudyData, code: Code, marks: Marks, ctx: _Context, boot: Resampler,
    slice_s: float | None,
) -> tuple[Result, list[Disagreement]]:  # fmt: skip
    names = data.coder_names()
    result = Result(code.key, code.label, "frames", "nominal", n_coders=len(names))
    result.extra["slice_s"] = slice_s
    if not ctx.clip_ids.size:
        result.reason = "no clip was coded by two of these coders"
        return result, []
    table = _frame_table(data, marks, ctx, slice_s)
    m = table.coded.sum(axis=0)
    k = table.marked.sum(axis=0)
    # frames with the same clip, coder count and marked count are identical units: count
    # them once with a weight (a clip of 900 frames has only a handful of distinct ones)
    side = len(names) + 1
    key = (table.blocks * side + m) * side + k
    distinct, weights = np.unique(key, return_counts=True)
    rows_m, rows_k = (distinct // side) % side, distinct % side
    counts = np.column_stack([rows_m - rows_k, rows_k]).astype(float)
    result.kappa, result.kappa_method = binary_kappa(table.marked, table.coded, counts,
                                                     weights.astype(float))  # fmt: skip
    result.marginals = {
        name: {label: int(n) for label, n in (("marked", ones), ("not marked", seen - ones)) if n}
        for name, ones, seen in zip(names, table.marked.sum(axis=1), table.coded.sum(axis=1),
                                    strict=True)
    }  # fmt: skip
    fill_from_counts(
        result, np.array([0.0, 1.0]), counts, MARKED.__getitem__, boot=boot,
        weights=weights.astype(float), blocks=distinct // (side * side),
    )  # fmt: skip
    return result, _frame_disagreements(data, code, ctx, table, m, k)


def _frame_disagreements(
    data: StudyData, code: Code, ctx: _Context, table: _FrameTable, m: np.ndarray,
    k: np.ndarray,
) -> list[Disagreement]:  # fmt: skip
    """The first frame of each clip where coders differ, with what each coder had there."""
    differs = np.flatnonzero((m >= 2) & (k > 0) & (k < m))
    clip_index, first = np.unique(table.blocks[differs], return_index=True)
    found = []
    for c, at in zip(clip_index.tolist(), differs[first].tolist(), strict=True):
        video = data.videos[int(ctx.clip_ids[c])]
        values = {
            coder.name: MARKED[float(table.marked[i, at])]
            for i, coder in enumerate(data.coders) if table.coded[i, at]
        }  # fmt: skip
        frame = int(at - table.offsets[c])
        found.append(Disagreement(video.id, video.file_name, code.key, "frames", frame, values))
    return found


def _unitizing(
    data: StudyData, code: Code, marks: Marks, frames: Result, boot: Resampler,
) -> Result:  # fmt: skip
    names = data.coder_names()
    result = Result(code.key, code.label, "unitizing", None, n_coders=len(names))
    everyone = [v for v in data.units() if all(v in data.coded[c.id] for c in data.coders)]
    if not everyone:
        result.reason = "no clip was coded by every one of these coders (u-alpha needs all)"
        return result
    ctx = _Context(data, marks, everyone)
    lengths = np.array([max(1, data.videos[v].frame_count) for v in everyone], dtype=np.int64)
    inside = ctx.inside
    found = unitizing_alpha_arrays(
        lengths, ctx.col[inside], ctx.row[inside], marks.start_frame[inside],
        marks.end_frame[inside], coders=len(names), boot=boot,
    )  # fmt: skip
    result.alpha, result.d_o, result.d_e, result.reason = (
        found.alpha, found.d_o, found.d_e, found.reason
    )  # fmt: skip
    result.n_units, result.n_pairable = found.n_clips, found.n_marked
    if found.interval is not None:
        result.ci_low, result.ci_high = found.interval.low, found.interval.high
        result.extra["boot_defined"] = found.interval.defined
    # percent agreement and kappa of a unitizing result are those of its frame binarisation
    result.percent_agreement, result.kappa = frames.percent_agreement, frames.kappa
    result.kappa_method = frames.kappa_method
    result.extra.update(marked_units=found.n_marked, frames=found.length)
    return result


def _points(
    data: StudyData, code: Code, marks: Marks, ctx: _Context, tolerance_s: float
) -> tuple[Result, list[Disagreement]]:
    names = data.coder_names()
    result = Result(code.key, code.label, "points", None, n_coders=len(names))
    result.reason = "point events are matched within a tolerance (matched, unmatched, f1)"
    matched = events = 0
    found = []
    for c, video in enumerate(ctx.clip_ids.tolist()):
        rows = [i for i in range(len(names)) if ctx.coded[i, c]]
        here = ctx.inside & (ctx.col == c)
        onsets = [np.sort(marks.start_s[here & (ctx.row == i)]) for i in rows]
        frames = [np.sort(marks.start_frame[here & (ctx.row == i)]) for i in rows]
        lonely: list[int] = []
        for a in range(len(rows)):
            for b in range(a + 1, len(rows)):
                pairs = match_pairs(onsets[a], onsets[b], tolerance_s)
                matched += len(pairs)
                events += onsets[a].size + onsets[b].size
                lonely += np.delete(frames[a], [p for p, _ in pairs]).tolist()
                lonely += np.delete(frames[b], [q for _, q in pairs]).tolist()
        if lonely:
            clip = data.videos[video]
            values = {names[i]: f"{t.size} event(s)" for i, t in zip(rows, onsets, strict=True)}
            found.append(
                Disagreement(clip.id, clip.file_name, code.key, "points", min(lonely), values)
            )
    result.n_units, result.n_pairable = int(ctx.clip_ids.size), events
    f1 = 2.0 * matched / events if events else None
    result.extra.update(
        matched=matched, unmatched=events - 2 * matched, f1=f1, tolerance_s=tolerance_s
    )
    return result, found
