"""The reviewer's decisions, as operations for the workspace's writer thread.

Each function returns a callable for :meth:`desktop.workspace.Workspace.run`; the work itself
(copying a row into the consensus layer and recording who took what from whom, when, and why)
is :mod:`annotators.study.consensus`. The coders' own rows are never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotators.project import Project


def take(project: Project, reviewer: str, source_uid: str, note: str = "") -> Callable[[], Any]:
    """Copy a coder's annotation or clip value (by ``uid``) into the consensus layer."""
    from annotators.study import consensus

    return lambda: consensus.take(project, reviewer, source_uid, note=note)


def edit(project: Project, reviewer: str, target_uid: str, **changes: Any) -> Callable[[], Any]:
    """Change a consensus row (start/end frame, value, note); it is then marked edited."""
    from annotators.study import consensus

    return lambda: consensus.edit_consensus(project, reviewer, target_uid, **changes)


def set_value(
    project: Project, reviewer: str, video_id: int, code_id: int, value: str | None, note: str = ""
) -> Callable[[], Any]:
    """Enter the reviewer's own consensus value of a clip variable."""
    from annotators.study import consensus

    return lambda: consensus.set_consensus_value(
        project, reviewer, video_id, code_id, value, note=note
    )


def add_annotation(
    project: Project,
    reviewer: str,
    video_id: int,
    code_id: int,
    start_frame: int,
    end_frame: int | None,
    *,
    value: str | None = None,
    note: str = "",
) -> Callable[[], Any]:
    """Enter a new consensus annotation nobody coded."""
    from annotators.study import consensus

    return lambda: consensus.add_consensus_annotation(
        project, reviewer, video_id, code_id, start_frame, end_frame, value=value, note=note
    )


def drop(project: Project, target_uid: str) -> Callable[[], Any]:
    """Remove a row from the consensus layer (the coders' rows stay)."""
    from annotators.study import consensus

    return lambda: consensus.drop_consensus(project, target_uid)
