"""Where the coders disagree, from the reliability core, clip by clip.

The review view runs :func:`disagreement_job` once for the whole project (every coder, no
bootstrap) in a worker and keeps ``report.disagreements`` by clip (:func:`by_clip`), so moving
from clip to clip costs nothing and the clips with the most disagreements can be listed first
(:func:`clips_to_review`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotators.jobs import Job
from annotators.project import Project


@dataclass(frozen=True)
class Disagreement:
    """One place the coders differ: a clip, a code (by key), a frame (None for a clip
    variable) and each coder's value there (by coder name)."""

    video_id: int
    file_name: str
    code_key: str
    frame: int | None
    values: dict[str, str | None]


def disagreement_job(project: Project, coders: list[str]) -> Job[Any]:
    """The reliability job that finds where ``coders`` disagree (no bootstrap: only the
    disagreements are wanted)."""
    from annotators.reliability import reliability_job  # loaded when first used

    return reliability_job(project, coders=coders, boot=0)


def by_clip(report: Any) -> dict[int, list[Disagreement]]:
    """The report's disagreements by video id; in each clip, clip variables first, then by
    frame."""
    found: dict[int, list[Disagreement]] = {}
    for d in report.disagreements:
        item = Disagreement(d.video_id, d.video_file_name, d.code_key, d.frame, dict(d.values))
        found.setdefault(d.video_id, []).append(item)
    for items in found.values():
        items.sort(key=lambda d: (d.frame is not None, d.frame or 0, d.code_key))
    return found


def clips_to_review(found: dict[int, list[Disagreement]]) -> list[tuple[int, str, int]]:
    """(video id, file name, number of disagreements), the most disputed clips first."""
    rows = [(video_id, items[0].file_name, len(items)) for video_id, items in found.items()]
    return sorted(rows, key=lambda row: (-row[2], row[1]))
