"""Which data an agreement report compares: coders, codes, clips, values and marks.

The one rule for "the clips a coder coded" is :func:`annotators.study.coded_video_ids`
(submitted assignments, else any own work); a coder's values and marks count only on those
clips, suggestions (``source='suggested'``) never count, and the consensus coder is left out
unless asked for by name. The report's meta says which rule applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import BigInteger, Select, cast, func
from sqlmodel import Session, select

from annotators.codebook import active_codebook, codebook_codes
from annotators.errors import ReliabilityError
from annotators.export.catalog import load_videos
from annotators.export.selection import resolve_videos
from annotators.project import Project
from annotators.store.models import Annotation, ClipValue, Code, Codebook, Coder, Video
from annotators.study import CONSENSUS_CODER, coded_video_ids, uses_assignments

from .alpha import LEVELS

# GUIDE section 7: the level of measurement decides the distance; these are the defaults.
DEFAULT_LEVELS = {"presence": "nominal", "nominal": "nominal", "ordinal": "ordinal",
                  "number": "interval"}  # fmt: skip

RULES = {
    "assignments": "clips the coder marked done (submitted assignments)",
    "own_work": "clips with any clip value or annotation of the coder's own "
    "(no assignments in this project; suggestions not accepted do not count)",
}


def code_level(code: Code) -> str | None:
    """The level of measurement of ``code``: its own ``level`` or the value type's default;
    ``None`` for text (exact agreement only)."""
    if code.level in LEVELS:
        return code.level
    return DEFAULT_LEVELS.get(code.value_type)


@dataclass(frozen=True)
class Marks:
    """The annotations of one code as columns (one entry per annotation).

    Frames are inclusive; a point event has ``end_frame == start_frame`` and ``end_s ==
    start_s`` here.
    """

    video_id: np.ndarray
    coder_id: np.ndarray
    start_frame: np.ndarray
    end_frame: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray

    @classmethod
    def from_rows(cls, rows: np.ndarray) -> Marks:
        """From rows ``(code_id, video_id * 2**20 + coder_id, start_frame, end_frame, start_s,
        end_s)`` where a point's end is its start."""
        pair = rows[:, 1].astype(np.int64)
        start, end = rows[:, 2].astype(np.int64), rows[:, 3].astype(np.int64)
        return cls(pair >> 20, pair & (2**20 - 1), start, end, rows[:, 4].copy(), rows[:, 5].copy())

    def __len__(self) -> int:
        return int(self.video_id.size)


@dataclass
class StudyData:
    """Everything one report reads, loaded in one session.

    ``coded`` maps each coder id to the clips of the selection that coder coded; ``values``
    maps a clip variable's code id to ``{(video_id, coder_id): stored value}``; ``marks`` maps
    a time-anchored code's id to its annotations on coded clips.
    """

    coders: list[Coder]
    codes: list[Code]
    videos: dict[int, Video]
    coded: dict[int, set[int]]
    rule: str
    codebook: Codebook | None
    values: dict[int, dict[tuple[int, int], str]] = field(default_factory=dict)
    marks: dict[int, Marks] = field(default_factory=dict)

    def coder_names(self) -> list[str]:
        return [coder.name for coder in self.coders]

    def coder_ids(self) -> list[int]:
        return [coder.id for coder in self.coders]

    def units(self) -> list[int]:
        """Clips coded by at least one selected coder, in import order."""
        return sorted(set().union(*self.coded.values()))


def load_study(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    videos: Sequence[str] | None = None,
    timed_seconds: bool = True,
    include_suggested: bool = False,
) -> StudyData:
    """Load the selection; raise :class:`ReliabilityError` for unknown names or < 2 coders.

    ``timed_seconds`` false skips the annotations' times in seconds (NaN instead) when only
    frames are needed: loading half a million annotations is the slowest step of a report.
    ``include_suggested`` also counts suggestions not accepted as the coder's marks (on the
    clips the coder coded; a suggestion alone never makes a clip coded).
    """
    with project.session() as session:
        chosen = _coders(session, coders)
        book = active_codebook(session)
        chosen_codes = _codes(session, book, codes)
        video_ids = resolve_videos(list(videos or ()), load_videos(session))
        all_videos = {v.id: v for v in session.exec(select(Video))}
        selected = {i: v for i, v in all_videos.items() if video_ids is None or i in video_ids}
        coded = {c.id: coded_video_ids(session, c.id) & selected.keys() for c in chosen}
        rule = "assignments" if uses_assignments(session) else "own_work"
        data = StudyData(chosen, chosen_codes, selected, coded, rule, book)
        _load_values(session, data)
        point_codes = any(code.kind == "point" for code in data.codes)
        _load_marks(session, data, timed_seconds or point_codes, include_suggested)
    return data


def _coders(session: Session, names: Sequence[str] | None) -> list[Coder]:
    everyone = list(session.exec(select(Coder).order_by(Coder.id)))
    if names:
        wanted = [name.strip() for name in names]
        by_name = {coder.name: coder for coder in everyone}
        unknown = [name for name in wanted if name not in by_name]
        if unknown:
            known = ", ".join(c.name for c in everyone) or "none"
            raise ReliabilityError(f"unknown coder: {', '.join(unknown)} (known: {known})")
        chosen = [by_name[name] for name in dict.fromkeys(wanted)]
    else:
        chosen = [coder for coder in everyone if coder.name != CONSENSUS_CODER]
    if len(chosen) < 2:
        listed = ", ".join(c.name for c in chosen) or "none"
        raise ReliabilityError(f"agreement needs at least two coders (selected: {listed})")
    return chosen


def _codes(session: Session, book: Codebook | None, keys: Sequence[str] | None) -> list[Code]:
    if book is None:
        raise ReliabilityError("the project has no active codebook")
    rows = [
        row for row in codebook_codes(session, book, retired=bool(keys)) if row.kind != "category"
    ]
    if not keys:
        return [row for row in rows if not row.retired]
    by_key = {row.key: row for row in rows}
    unknown = [key for key in keys if key not in by_key]
    if unknown:
        hint = ", ".join(sorted(by_key)[:30])
        raise ReliabilityError(f"unknown code: {', '.join(unknown)} (known: {hint})")
    return [by_key[key] for key in dict.fromkeys(keys)]


def _load_values(session: Session, data: StudyData) -> None:
    clip_ids = [code.id for code in data.codes if code.kind == "clip"]
    data.values = {code_id: {} for code_id in clip_ids}
    if not clip_ids:
        return
    # plain column tuples, not ORM objects: a large study has tens of thousands of values
    query = select(
        ClipValue.code_id, ClipValue.video_id, ClipValue.coder_id, ClipValue.value
    ).where(
        ClipValue.code_id.in_(clip_ids),
        ClipValue.coder_id.in_(list(data.coded)),
        ClipValue.value.is_not(None),
    )
    for code_id, video, coder, value in session.execute(query):
        if video in data.coded[coder]:
            data.values[code_id][(video, coder)] = value


def _numbers(session: Session, query: Select) -> np.ndarray:
    """The rows of an all-numeric ``query`` as a float array, straight from the driver.

    SQLAlchemy's row objects cost more than the query itself at half a million annotations
    (several seconds); the driver's plain tuples go into numpy directly. The query holds only
    ids and a fixed word, so binding them literally is safe.
    """
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    return np.array(connection.exec_driver_sql(sql).cursor.fetchall(), dtype=float)


def _load_marks(
    session: Session, data: StudyData, timed_seconds: bool, include_suggested: bool = False
) -> None:
    """Annotations of the time-anchored codes on coded clips; times in seconds only when
    ``timed_seconds`` (slices, point matching), else NaN."""
    time_ids = [code.id for code in data.codes if code.kind != "clip"]
    data.marks = {code_id: Marks.from_rows(np.zeros((0, 6))) for code_id in time_ids}
    if not time_ids:
        return
    # (video, coder) as one integer key (coder ids stay far below 2**20): fewer Python
    # objects per row is most of the loading time
    pair = cast(Annotation.video_id, BigInteger) * 2**20 + Annotation.coder_id
    columns = [Annotation.code_id, pair, Annotation.start_frame,
               func.coalesce(Annotation.end_frame, Annotation.start_frame)]  # fmt: skip
    if timed_seconds:
        columns += [Annotation.start_s, func.coalesce(Annotation.end_s, Annotation.start_s)]
    query = select(*columns).where(
        Annotation.code_id.in_(time_ids), Annotation.coder_id.in_(list(data.coded))
    )
    if not include_suggested:
        query = query.where(Annotation.source != "suggested")
    rows = _numbers(session, query).reshape(-1, len(columns))
    if not timed_seconds:
        rows = np.column_stack([rows, np.full((rows.shape[0], 2), np.nan)])
    coded = np.array(
        [video * 2**20 + coder for coder, videos in data.coded.items() for video in videos],
        dtype=np.int64,
    )
    rows = rows[np.isin(rows[:, 1].astype(np.int64), coded)]
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    for code_id in time_ids:
        lo, hi = np.searchsorted(rows[:, 0], [code_id, code_id + 0.5])
        data.marks[code_id] = Marks.from_rows(rows[lo:hi])
