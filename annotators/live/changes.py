"""What a change notice says: which table changed, for which clip, and which views it affects."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

# The notification channel the triggers of migration 0006 send to.
CHANNEL = "storyframe"

# table -> the kind of data it holds, as the views name it (``Workspace.data_changed``)
KINDS: dict[str, str] = {
    "annotation": "annotations",
    "suggestion": "annotations",  # pending suggestions are annotations with a source
    "clipvalue": "clip_values",
    "transcript": "transcripts",
    "wordcorrection": "corrections",
    "video": "videos",
    "assignment": "assignments",
    "consensusrecord": "consensus",
    "codebook": "codebook",
    "code": "codebook",
    "analysis": "analysis",
    "projectmeta": "blind",  # project settings; blind mode is the one the views follow
}
WATCHED_TABLES = tuple(KINDS)


@dataclass(frozen=True)
class Change:
    """Rows of ``table`` changed; ``video_id`` is the clip they belong to (``None`` when the
    table is not per clip, or the clip is not known)."""

    table: str
    video_id: int | None = None

    @property
    def kind(self) -> str:
        """The kind of data that changed (see :data:`KINDS`)."""
        return KINDS.get(self.table, self.table)


def kinds_of(changes: Iterable[Change]) -> dict[str, set[int | None]]:
    """The changed kinds, each with the clips it changed in (``None``: unknown or any)."""
    found: dict[str, set[int | None]] = {}
    for change in changes:
        found.setdefault(change.kind, set()).add(change.video_id)
    return found


def parse_notice(payload: str) -> tuple[Change, str | None] | None:
    """The change and the writer's origin tag in a trigger's JSON ``payload``; ``None`` for
    a payload that is not one (someone else's ``NOTIFY`` on the channel is ignored)."""
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("table"), str):
        return None
    video_id = data.get("video_id")
    origin = data.get("origin")
    return (
        Change(data["table"], video_id if isinstance(video_id, int) else None),
        origin if isinstance(origin, str) and origin else None,
    )
