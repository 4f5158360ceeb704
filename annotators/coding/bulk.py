"""The fast path for many annotations at once (imports, scripts, benchmarks).

Rows are checked with the same rules as :meth:`Coding.add_annotation`, then written with one
``executemany`` in one transaction: either all valid rows are stored or none. Codes, videos,
coders and frame times are looked up once per distinct id, not once per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from annotators.errors import CodingError
from annotators.store.models import Annotation, Code, Coder, Video, new_uid, utcnow
from annotators.store.portable import driver_message, is_unique_violation, new_ids

from .history import ID_CHUNK, BulkInsert, Change, insert_many
from .ops import annotation_fields
from .times import ClipTimes, TimesResolver

ANNOTATIONS = Annotation.__table__
# How many problems a refused batch lists before "and N more".
SHOWN_PROBLEMS = 20


@dataclass(frozen=True)
class BulkResult:
    """Ids of the created annotations (in input order) and the rows skipped as ``(index, why)``."""

    ids: list[int]
    skipped: list[tuple[int, str]] = field(default_factory=list)


def bulk_insert(
    session: Session,
    times: TimesResolver,
    rows: Iterable[Mapping[str, Any]],
    *,
    source: str,
    skip_invalid: bool,
) -> tuple[BulkResult, list[Change]]:
    """Check and insert ``rows``; see :meth:`Coding.bulk_create_annotations`."""
    rows = list(rows)
    lookup = _Lookup(session, times, rows)
    now = utcnow()
    checked: list[dict[str, Any]] = []
    skipped: list[tuple[int, str]] = []
    for index, row in enumerate(rows):
        try:
            checked.append(
                lookup.check({"source": source, **row, "created_at": now, "updated_at": now})
            )
        except CodingError as error:
            skipped.append((index, str(error)))
    if skipped and not skip_invalid:
        raise CodingError(_refusal(skipped, len(rows)))
    # Ids are given explicitly so redo re-inserts the very same rows. Should another writer
    # take one of them first, the insert fails as a whole and nothing is stored.
    for row, row_id in zip(checked, new_ids(session, ANNOTATIONS, len(checked)), strict=True):
        row.update(id=row_id, uid=row.get("uid") or new_uid(), version=1)
    if checked:
        try:
            insert_many(session, ANNOTATIONS, checked)
        except IntegrityError as error:
            # only a taken id means another writer was faster; any other constraint is a
            # value the checks let through, and trying again would fail the same way
            if is_unique_violation(error):
                raise CodingError(
                    f"the project changed during the import, try again ({driver_message(error)})"
                ) from error
            raise CodingError(f"the database refused a row ({driver_message(error)})") from error
    ids = [row["id"] for row in checked]
    return BulkResult(ids, skipped), [BulkInsert(ANNOTATIONS, checked)] if checked else []


def _refusal(skipped: list[tuple[int, str]], total: int) -> str:
    lines = [f"row {index}: {why}" for index, why in skipped[:SHOWN_PROBLEMS]]
    if len(skipped) > SHOWN_PROBLEMS:
        lines.append(f"... and {len(skipped) - SHOWN_PROBLEMS} more")
    return f"{len(skipped)} of {total} annotations are invalid, none was stored:\n" + "\n".join(
        lines
    )


class _Lookup:
    """Codes, videos (with frame times) and coders referenced by a batch, read once each."""

    def __init__(
        self, session: Session, times: TimesResolver, rows: list[Mapping[str, Any]]
    ) -> None:
        self.codes = _by_id(session, Code, {row.get("code_id") for row in rows})
        videos = _by_id(session, Video, {row.get("video_id") for row in rows})
        self.clips = {
            video_id: ClipTimes(video, times(video)) for video_id, video in videos.items()
        }
        self.coders = set(_by_id(session, Coder, {row.get("coder_id") for row in rows}))

    def check(self, row: dict[str, Any]) -> dict[str, Any]:
        code = self.codes.get(row.get("code_id"))
        clip = self.clips.get(row.get("video_id"))
        if code is None or code.retired:
            raise CodingError(f"code {row.get('code_id')} does not exist or is retired")
        if clip is None:
            raise CodingError(f"video {row.get('video_id')} is not in the project")
        if row.get("coder_id") not in self.coders:
            raise CodingError(f"coder {row.get('coder_id')} does not exist")
        checked = {
            "video_id": row["video_id"], "code_id": row["code_id"], "coder_id": row["coder_id"],
            "created_at": row["created_at"], "updated_at": row["updated_at"],
            **annotation_fields(code, clip, row),
        }  # fmt: skip
        if row.get("uid"):  # an imported row keeps its identity across projects
            checked["uid"] = row["uid"]
        return checked


def _by_id(session: Session, model: type, ids: set[Any]) -> dict[int, Any]:
    """Rows of ``model`` with the given ids (non-integer ids cannot match and are ignored)."""
    wanted = sorted(i for i in ids if isinstance(i, int))
    found: dict[int, Any] = {}
    for start in range(0, len(wanted), ID_CHUNK):
        query = select(model).where(model.id.in_(wanted[start : start + ID_CHUNK]))
        found.update((row.id, row) for row in session.execute(query).scalars())
    return found
