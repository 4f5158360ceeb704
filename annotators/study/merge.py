"""Bringing coders' work back: merge a coder file (or any project file) into the project.

Videos match by content hash, codes by key, coders by name, rows by ``uid``. All of it runs
in one transaction: a refused merge changes nothing.

- A row only in the other file is added; an identical row is left alone, so merging the same
  file twice changes nothing.
- A row both files have but with different content: for a coder file (made by
  :func:`annotators.study.pack`) the merge knows the row's state when it was packed, or when
  this file was last merged, and takes the coder's edit when the project's copy is unchanged,
  keeps the project's when only it changed, and reports a **conflict** (keeping the project's)
  when both changed. For other files the higher ``version`` wins and equal versions conflict.
- A row of the coder file's pack state that the coder deleted is deleted here too, unless it
  was changed here meanwhile (a conflict).
- Refused with every problem listed: a code key whose kind or value type differs, a code the
  project's codebook lacks, a file sharing no clip with the project, a file of a newer schema.
- Clips of the other file that the project lacks are reported, with the rows left out.
- Assignments come across; the coder file's done marks win for the coder it was packed for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from annotators.codebook import active_codebook
from annotators.errors import StudyError
from annotators.store.models import (
    Assignment,
    Code,
    Coder,
    ConsensusRecord,
    ProjectMeta,
    Video,
)

from .merge_read import CoderFile, read_coder_file
from .names import ensure_coder
from .portable import ANNOTATIONS, CLIP_VALUES, PortableRow, portable_rows

if TYPE_CHECKING:
    from annotators.project import Project

TABLES = {"annotation": ANNOTATIONS, "clipvalue": CLIP_VALUES}


@dataclass
class MergeReport:
    """What a merge did; ``conflicts`` and ``unmatched_videos`` need a person's attention."""

    source: Path
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # changed here only: the project's version stays
    deleted: int = 0
    skipped: int = 0  # rows on clips the project lacks
    conflicts: list[str] = field(default_factory=list)
    unmatched_videos: list[str] = field(default_factory=list)
    coders_added: list[str] = field(default_factory=list)
    assignments_added: int = 0
    done_marks: int = 0
    consensus_records: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.added or self.updated or self.deleted or self.coders_added
            or self.assignments_added or self.done_marks or self.consensus_records
        )  # fmt: skip

    def summary(self) -> str:
        return (
            f"{self.source.name}: added {self.added}, updated {self.updated}, deleted "
            f"{self.deleted}, unchanged {self.unchanged}, kept newer here {self.kept}, "
            f"conflicts {len(self.conflicts)}; assignments added {self.assignments_added}, "
            f"done marks changed {self.done_marks}"
        )


def merge(project: Project, other_path: Path | str) -> MergeReport:
    """Merge the project file at ``other_path`` into ``project`` (see the module docstring).

    The other file is never written to. Raises :class:`StudyError` when the merge is refused.
    """
    other_path = Path(other_path).expanduser()
    if other_path.resolve() == project.path:
        raise StudyError(f"{other_path} is this project itself; merge a coder file into it")
    with read_coder_file(other_path) as other, project.write_session() as session:
        report = MergeReport(other_path)
        codes = _code_ids(session, other)
        videos = _video_ids(session, other, report)
        _check_rows(session, other, videos)
        merger = _Merger(session, other, codes, videos, report)
        merger.rows()
        merger.assignments()
        merger.consensus()
        merger.save_base()
        session.commit()
    return report


def _code_ids(session: Session, other: CoderFile) -> dict[str, int]:
    """Host code id per key the other file uses; refuses an incompatible codebook."""
    active = active_codebook(session)
    host: dict[str, Code] = {}
    for code in session.scalars(select(Code).order_by(Code.codebook_id)):
        if code.key not in host or (active is not None and code.codebook_id == active.id):
            host[code.key] = code
    problems = []
    for key, shapes in sorted(other.codes.items()):
        code = host.get(key)
        if code is None:
            continue
        for kind, value_type in sorted(shapes):
            if (kind, value_type) != (code.kind, code.value_type):
                problems.append(
                    f"'{key}' is {kind}/{value_type} there but {code.kind}/{code.value_type} here"
                )
    used = {row.code_key for row in other.rows.values()}
    problems += [f"'{key}' is not in this project's codebook" for key in sorted(used - set(host))]
    if problems:
        raise StudyError(
            f"{other.path.name} has an incompatible codebook, nothing was merged: "
            + "; ".join(problems)
        )
    return {key: code.id for key, code in host.items()}


def _check_rows(session: Session, other: CoderFile, videos: dict[str, int]) -> None:
    """Refuse rows no coding operation could have made (a damaged or edited file)."""
    frames = dict(session.execute(select(Video.id, Video.frame_count)).all())
    kinds = {key: {kind for kind, _type in shapes} for key, shapes in other.codes.items()}
    problems = []
    for row in other.rows.values():
        if row.video_hash not in videos:
            continue
        if row.table == "clipvalue":
            ok = kinds.get(row.code_key) == {"clip"}
        else:
            start, end = row.row["start_frame"], row.row["end_frame"]
            last = frames[videos[row.video_hash]] - 1
            ok = (
                kinds.get(row.code_key, set()) <= {"point", "interval"}
                and isinstance(start, int)
                and 0 <= start <= last
                and (end is None or (isinstance(end, int) and start <= end <= last))
            )
        if not ok:
            problems.append(row.describe())
    if problems:
        shown = "; ".join(problems[:10]) + (" ..." if len(problems) > 10 else "")
        raise StudyError(
            f"{other.path.name} has {len(problems)} rows no coding could have made "
            f"(code of the wrong kind or frames outside the clip), nothing was merged: {shown}"
        )


def _video_ids(session: Session, other: CoderFile, report: MergeReport) -> dict[str, int]:
    host = dict(session.execute(select(Video.content_hash, Video.id)).all())
    matched = {h: host[h] for h in other.videos if h in host}
    report.unmatched_videos = sorted(name for h, name in other.videos.items() if h not in host)
    if other.videos and not matched:
        shown = ", ".join(report.unmatched_videos[:5])
        raise StudyError(
            f"none of the {len(other.videos)} clips in {other.path.name} is in this project "
            f"({shown}{', ...' if len(other.videos) > 5 else ''}); nothing was merged"
        )
    return matched


class _Merger:
    """The steps of one merge inside one session (see :func:`merge`)."""

    def __init__(
        self,
        session: Session,
        other: CoderFile,
        codes: dict[str, int],
        videos: dict[str, int],
        report: MergeReport,
    ) -> None:
        self.session, self.other, self.codes, self.videos = session, other, codes, videos
        self.report = report
        self.coders: dict[str, int] = dict(session.execute(select(Coder.name, Coder.id)).all())
        self.base = self._base()
        self.new_base: dict[str, str] = {}

    def _base_key(self) -> str | None:
        return None if self.other.pack_id is None else f"merge_base:{self.other.pack_id}"

    def _base(self) -> dict[str, str] | None:
        """Each row's content when packed or last merged; None for a file that is no pack."""
        key = self._base_key()
        if key is None:
            return None
        stored = self.session.get(ProjectMeta, key)
        return json.loads(stored.value) if stored is not None else dict(self.other.pack_base)

    def coder_id(self, name: str) -> int:
        if name not in self.coders:
            self.coders[name] = ensure_coder(self.session, name).id
            self.report.coders_added.append(name)
        return self.coders[name]

    # -- rows -----------------------------------------------------------------------------
    def rows(self) -> None:
        theirs = {u: r for u, r in self.other.rows.items() if r.video_hash in self.videos}
        self.report.skipped = len(self.other.rows) - len(theirs)
        wanted = set(theirs) | set(self.base or {})
        ours = portable_rows(self.session, wanted)
        for uid, row in sorted(theirs.items()):
            self._one(row, ours.get(uid))
        for uid in sorted(set(self.base or {}) - set(self.other.rows)):
            self._deleted_there(uid, ours.get(uid))

    def _one(self, theirs: PortableRow, ours: PortableRow | None) -> None:
        base = None if self.base is None else self.base.get(theirs.uid)
        if ours is None:
            self._add(theirs)
        elif ours.content == theirs.content:
            self.report.unchanged += 1
        elif base is not None and ours.fingerprint() == base:
            self._update(theirs, ours)
        elif base is not None and theirs.fingerprint() == base:
            self.report.kept += 1
        elif base is None and theirs.row["version"] != ours.row["version"]:
            if theirs.row["version"] > ours.row["version"]:
                self._update(theirs, ours)
            else:
                self.report.kept += 1
        else:
            self.report.conflicts.append(
                f"{theirs.describe()}: changed both here and in {self.other.path.name} "
                "(this project's version kept)"
            )
            if base is not None:
                self.new_base[theirs.uid] = base
            return
        self.new_base[theirs.uid] = theirs.fingerprint()

    def _ids(self, row: PortableRow) -> dict[str, Any]:
        return {
            "video_id": self.videos[row.video_hash],
            "code_id": self.codes[row.code_key],
            "coder_id": self.coder_id(row.coder),
        }

    def _add(self, theirs: PortableRow) -> None:
        table = TABLES[theirs.table]
        values = {**theirs.row, **self._ids(theirs)}
        values.pop("id")
        if theirs.table == "clipvalue" and self._clip_value_taken(values, theirs):
            return
        self.session.execute(insert(table).values(**values))
        self.report.added += 1

    def _clip_value_taken(self, values: dict[str, Any], theirs: PortableRow) -> bool:
        """True when the clip already has another value row for this code and coder."""
        found = self.session.execute(
            select(CLIP_VALUES.c.value).where(
                CLIP_VALUES.c.video_id == values["video_id"],
                CLIP_VALUES.c.code_id == values["code_id"],
                CLIP_VALUES.c.coder_id == values["coder_id"],
            )
        ).first()
        if found is None:
            return False
        if found[0] == values["value"]:
            self.report.unchanged += 1
        else:
            self.report.conflicts.append(
                f"{theirs.describe()}: '{values['value']}' there, '{found[0]}' here "
                "(this project's value kept)"
            )
        return True

    def _update(self, theirs: PortableRow, ours: PortableRow) -> None:
        table = TABLES[theirs.table]
        values = {**theirs.row, **self._ids(theirs)}
        for name in ("id", "uid", "created_at"):
            values.pop(name)
        values["version"] = max(ours.row["version"] + 1, theirs.row["version"])
        self.session.execute(update(table).where(table.c.uid == theirs.uid).values(**values))
        self.report.updated += 1

    def _deleted_there(self, uid: str, ours: PortableRow | None) -> None:
        if ours is None:
            return  # deleted on both sides, or never merged
        if ours.fingerprint() != (self.base or {}).get(uid):
            self.report.conflicts.append(
                f"{ours.describe()}: deleted in {self.other.path.name} but changed here (kept)"
            )
            self.new_base[uid] = self.base[uid]  # type: ignore[index]
            return
        table = TABLES[ours.table]
        self.session.execute(delete(table).where(table.c.uid == uid))
        self.report.deleted += 1

    # -- assignments and consensus --------------------------------------------------------
    def assignments(self) -> None:
        for item in self.other.assignments:
            video_id = self.videos.get(item["video_hash"])
            if video_id is None:
                continue
            coder_id = self.coder_id(item["coder"])
            row = self.session.scalars(
                select(Assignment).where(
                    Assignment.coder_id == coder_id,
                    Assignment.video_id == video_id,
                    Assignment.round == item["round"],
                )
            ).first()
            if row is None:
                self.session.add(
                    Assignment(
                        coder_id=coder_id,
                        video_id=video_id,
                        round=item["round"],
                        reliability=item["reliability"],
                        submitted_at=item["submitted_at"],
                    )  # fmt: skip
                )
                self.report.assignments_added += 1
            elif _done_mark_moves(row, item, self.other.packed_for):
                row.submitted_at = item["submitted_at"]
                self.session.add(row)
                self.report.done_marks += 1

    def consensus(self) -> None:
        known = set(self.session.scalars(select(ConsensusRecord.target_uid)))
        for item in self.other.consensus:
            if item["target_uid"] in known:
                continue
            source = item["source_coder"]
            self.session.add(
                ConsensusRecord(
                    target_uid=item["target_uid"],
                    action=item["action"],
                    source_uid=item["source_uid"],
                    note=item["note"],
                    source_coder_id=None if source is None else self.coder_id(source),
                    reviewer_id=self.coder_id(item["reviewer"]),
                    created_at=item["created_at"],
                )  # fmt: skip
            )
            self.report.consensus_records += 1

    def save_base(self) -> None:
        """Remember each row's merged state, so the next merge of this file sees its edits."""
        key = self._base_key()
        if key is None:
            return
        value = json.dumps(dict(sorted(self.new_base.items())))
        stored = self.session.get(ProjectMeta, key)
        if stored is None or stored.value != value:
            self.session.merge(ProjectMeta(key=key, value=value))


def _done_mark_moves(row: Assignment, item: dict[str, Any], packed_for: str | None) -> bool:
    """Whether the other file's done mark replaces this project's."""
    theirs, ours = item["submitted_at"], row.submitted_at
    if _same_time(theirs, ours):
        return False
    if item["coder"] == packed_for:
        return True  # the coder's own file knows best whether they are done
    return ours is None


def _same_time(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return a.replace(tzinfo=None) == b.replace(tzinfo=None)
