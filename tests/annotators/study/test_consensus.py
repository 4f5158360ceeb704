"""The consensus layer: take, edit, enter new, provenance; coders' rows untouched."""

from __future__ import annotations

import pytest
from sqlmodel import select

from annotators.coding import Coding
from annotators.errors import CodingError, StudyError
from annotators.store.models import Annotation, ClipValue, ConsensusRecord
from annotators.study import (
    CONSENSUS_CODER,
    add_consensus_annotation,
    consensus_provenance,
    drop_consensus,
    edit_consensus,
    set_consensus_value,
    take,
)

from .conftest import Lead


def _coded(lead: Lead) -> tuple[int, Annotation, Annotation, ClipValue]:
    video = lead.project.videos()[0]
    coding = Coding.for_project(lead.project)
    ana, ben = lead.project.coder("Ana").id, lead.project.coder("Ben").id
    donate, tone = lead.code("cta_donate"), lead.code("emotional_tone")
    a = coding.add_annotation(video.id, donate.id, ana, 3)
    b = coding.add_annotation(video.id, donate.id, ben, 5)
    value = coding.set_clip_value(video.id, tone.id, ben, "2")
    return video.id, a, b, value


def _snapshot(lead: Lead, coder: str) -> list[tuple]:
    coder_id = lead.project.coder(coder).id
    with lead.project.session() as session:
        return [
            (row.uid, row.version, row.value)
            for table in (Annotation, ClipValue)
            for row in session.exec(select(table).where(table.coder_id == coder_id))
        ]


def test_taking_copies_into_the_consensus_layer_with_provenance(lead: Lead) -> None:
    video_id, a, b, value = _coded(lead)
    before = _snapshot(lead, "Ana"), _snapshot(lead, "Ben")
    target = take(lead.project, "Lead", a.uid, note="matches the definition")
    assert take(lead.project, "Lead", a.uid) == target  # taking twice adds once
    value_target = take(lead.project, "Lead", value.uid)
    assert (_snapshot(lead, "Ana"), _snapshot(lead, "Ben")) == before
    consensus = lead.project.coder(CONSENSUS_CODER).id
    with lead.project.session() as session:
        copy = session.exec(select(Annotation).where(Annotation.uid == target)).one()
        assert (copy.coder_id, copy.start_frame, copy.start_s) == (consensus, 3, a.start_s)
        assert (
            session.exec(select(ClipValue).where(ClipValue.uid == value_target)).one().value == "2"
        )
    provenance = consensus_provenance(lead.project, video_id)
    assert [(p.table, p.action, p.source_coder, p.reviewer) for p in provenance] == [
        ("annotation", "taken", "Ana", "Lead"), ("clipvalue", "taken", "Ben", "Lead")
    ]  # fmt: skip
    assert provenance[0].note == "matches the definition"


def test_editing_and_entering_new_consensus_rows(lead: Lead) -> None:
    video_id, a, _b, _value = _coded(lead)
    target = take(lead.project, "Lead", a.uid)
    edit_consensus(lead.project, "Lead", target, start_frame=4)
    with lead.project.session() as session:
        row = session.exec(select(Annotation).where(Annotation.uid == target)).one()
    assert (row.start_frame, row.version) == (4, 2)
    with pytest.raises(CodingError, match="frame"):
        edit_consensus(lead.project, "Lead", target, start_frame=10_000)
    with pytest.raises(StudyError, match="is not a row of the consensus layer"):
        edit_consensus(lead.project, "Lead", a.uid, start_frame=4)  # Ana's own row
    share = lead.code("cta_share")
    new = add_consensus_annotation(lead.project, "Lead", video_id, share.id, 2, note="missed")
    tone = lead.code("emotional_tone")
    value = set_consensus_value(lead.project, "Lead", video_id, tone.id, "3")
    actions = {p.target_uid: p.action for p in consensus_provenance(lead.project, video_id)}
    assert actions == {target: "edited", new: "new", value: "new"}
    drop_consensus(lead.project, new)
    with lead.project.session() as session:
        assert (
            session.exec(select(ConsensusRecord).where(ConsensusRecord.target_uid == new)).first()
            is None
        )
        assert session.exec(select(Annotation).where(Annotation.uid == new)).first() is None


def test_bad_consensus_requests_are_refused(lead: Lead) -> None:
    _video_id, a, _b, _value = _coded(lead)
    with pytest.raises(StudyError, match="no annotation or clip value with uid nope"):
        take(lead.project, "Lead", "nope")
    with pytest.raises(StudyError, match="needs their own name"):
        take(lead.project, CONSENSUS_CODER, a.uid)
    target = take(lead.project, "Lead", a.uid)
    with pytest.raises(StudyError, match="already in the consensus layer"):
        take(lead.project, "Lead", target)
    with pytest.raises(StudyError, match="cannot change code_id"):
        edit_consensus(lead.project, "Lead", target, code_id=1)
