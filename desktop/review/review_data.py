"""Read-only queries behind the review view and the reliability dialog.

One short session per call (as :mod:`desktop.queries`), so the UI thread never holds a
transaction open while the writer thread commits. Rows come back detached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from annotators.jobs import Job, Progress
from annotators.project import Project
from annotators.store.models import Annotation, ClipValue, Code, Coder
from annotators.study import CONSENSUS_CODER

from ..queries import active_codes


def coder_names(project: Project | None) -> list[str]:
    """Names of the coders with any annotation or clip value, the consensus layer excluded."""
    if project is None:
        return []
    with project.session() as session:
        with_work = select(Annotation.coder_id).union(select(ClipValue.coder_id))
        query = select(Coder.name).where(
            col(Coder.id).in_(with_work), Coder.name != CONSENSUS_CODER
        )
        return list(session.exec(query.order_by(Coder.name)))


def reliability_codes(project: Project | None) -> list[tuple[str, str, bool]]:
    """(label, key, used) of the codes and clip variables a report can cover, in codebook
    order; ``used`` is True when any coder annotated or gave a value with the code."""
    if project is None:
        return []
    with project.session() as session:
        either = select(Annotation.code_id).union(select(ClipValue.code_id))
        used = set(session.execute(either).scalars())
    return [
        (code.label, code.key, code.id in used)
        for code in active_codes(project)
        if code.kind != "category"
    ]


@dataclass
class ClipReview:
    """Everything the review view shows for one clip.

    ``coders`` are the coders with work on the clip (consensus excluded), ``consensus`` the
    consensus coder's row (None until the first adjudication), ``values`` the clip values by
    ``(coder_id, code_id)``, ``annotations`` every coder's annotations, consensus included,
    ``provenance`` the records of the clip's consensus rows.
    """

    video_id: int
    codes: list[Code]
    coders: list[Coder] = field(default_factory=list)
    consensus: Coder | None = None
    values: dict[tuple[int, int], ClipValue] = field(default_factory=dict)
    annotations: list[Annotation] = field(default_factory=list)
    provenance: list[Any] = field(default_factory=list)  # annotations.study.Provenance rows

    @property
    def clip_codes(self) -> list[Code]:
        """The clip-level variables."""
        return [code for code in self.codes if code.kind == "clip"]

    @property
    def timed_codes(self) -> list[Code]:
        """The time-anchored codes someone annotated on this clip, in codebook order."""
        used = {row.code_id for row in self.annotations}
        return [c for c in self.codes if c.kind in ("point", "interval") and c.id in used]

    def layers(self) -> list[Coder]:
        """The coders' layers, then the consensus layer when it exists."""
        return self.coders + ([self.consensus] if self.consensus is not None else [])

    def value(self, coder_id: int, code_id: int) -> ClipValue | None:
        """The stored clip value of a coder (None when they gave none)."""
        return self.values.get((coder_id, code_id))


def clip_review(project: Project, video_id: int) -> ClipReview:
    """Read one clip's work by every coder."""
    codes = active_codes(project)
    with project.session() as session:
        values = list(session.exec(select(ClipValue).where(ClipValue.video_id == video_id)))
        query = select(Annotation).where(
            Annotation.video_id == video_id, Annotation.source != "suggested"
        )
        annotations = list(
            session.exec(query.order_by(col(Annotation.start_frame), col(Annotation.id)))
        )
        ids = {row.coder_id for row in values} | {row.coder_id for row in annotations}
        coders = list(
            session.exec(select(Coder).where(col(Coder.id).in_(ids)).order_by(Coder.name))
        )
    review = ClipReview(video_id, codes, annotations=annotations)
    review.values = {(row.coder_id, row.code_id): row for row in values}
    for coder in coders:
        if coder.name == CONSENSUS_CODER:
            review.consensus = coder
        else:
            review.coders.append(coder)
    return review


def clip_review_job(project: Project, video_id: int) -> Job[ClipReview]:
    """:func:`clip_review` with the clip's consensus provenance, as a job for a worker (a
    clip of a large study holds a thousand annotations: too slow for the UI thread)."""
    from annotators.study import consensus_provenance

    yield Progress(0, 1, "reading the clip's work")
    review = clip_review(project, video_id)
    review.provenance = consensus_provenance(project, video_id)
    return review
