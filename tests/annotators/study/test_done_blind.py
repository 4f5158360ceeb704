"""Done marks and blind mode."""

from __future__ import annotations

import pytest

from annotators.errors import StudyError
from annotators.study import (
    assign,
    blind_mode,
    coded_video_ids,
    draw_sample,
    mark_done,
    may_see,
    my_clips,
    reopen,
    set_blind_mode,
    visible_coder_ids,
)

from .conftest import Lead, table_digest


def test_done_marks_decide_which_clips_count_as_coded(lead: Lead) -> None:
    assign(lead.project, "Ana", ["clip0.mp4", "clip1.mp4"])
    ana = lead.project.coder("Ana").id
    assert [(c.video.file_name, c.done) for c in my_clips(lead.project, "Ana")] == [
        ("clip0.mp4", False), ("clip1.mp4", False)
    ]  # fmt: skip
    assert mark_done(lead.project, "Ana", "clip1.mp4") == 1
    assert mark_done(lead.project, "Ana", "clip1.mp4") == 0  # already done
    assert [c.done for c in my_clips(lead.project, "Ana")] == [False, True]
    with lead.project.session() as session:
        ids = {v.file_name: v.id for v in lead.project.videos()}
        assert coded_video_ids(session, ana) == {ids["clip1.mp4"]}
    assert reopen(lead.project, "Ana", "clip1.mp4") == 1
    with lead.project.session() as session:
        assert coded_video_ids(session, ana) == set()
    assert my_clips(lead.project, "Nobody") == []


def test_marking_an_unassigned_clip_done_is_refused(lead: Lead) -> None:
    assign(lead.project, "Ana", ["clip0.mp4"])
    before = table_digest(lead.project.path)
    with pytest.raises(StudyError, match="clip2.mp4 is not assigned to Ana"):
        mark_done(lead.project, "Ana", "clip2.mp4")
    with pytest.raises(StudyError, match="no coder called 'Zed'"):
        mark_done(lead.project, "Zed", "clip0.mp4")
    assert table_digest(lead.project.path) == before


def test_blind_mode_is_on_once_a_sample_exists_and_a_lead_may_switch_it(lead: Lead) -> None:
    ana, ben = lead.project.coder("Ana").id, lead.project.coder("Ben").id
    with lead.project.session() as session:
        assert not blind_mode(session)
        assert visible_coder_ids(session, ana) is None
    assign(lead.project, "Ana", ["clip0.mp4"])  # plain assignments are no sample
    with lead.project.session() as session:
        assert not blind_mode(session)
    draw_sample(lead.project, fraction=0.5, coders=["Ana", "Ben"], seed=1)
    with lead.project.session() as session:
        assert blind_mode(session)
        assert visible_coder_ids(session, ana) == {ana}
        assert not may_see(session, ana, ben) and may_see(session, ana, ana)
        set_blind_mode(session, False)
        session.commit()
    with lead.project.session() as session:
        assert not blind_mode(session) and may_see(session, ana, ben)
