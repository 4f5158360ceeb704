"""Analysis runs: cuts and on-screen text saved with provenance, re-runs kept as versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from annotators.analysis import (
    AnalysisSource,
    Cut,
    TextOccurrence,
    analysis_versions,
    current_analysis,
    discard_analysis,
    load_cuts,
    load_texts,
    save_cuts,
    save_texts,
    set_current_analysis,
)
from annotators.errors import AnalysisError
from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import OnscreenText, ShotCut
from tests.media_fixtures import make_clip


@pytest.fixture
def project(tmp_path: Path, database: str | None) -> Project:
    make_clip(tmp_path / "clip.mp4", seconds=1.0, audio=False)
    opened = Project.create(tmp_path / "study.storyframe", database=database)
    run_job(opened.import_media([tmp_path / "clip.mp4"]))
    yield opened
    opened.close()


def _source(engine: str = "test-engine", **settings: object) -> AnalysisSource:
    return AnalysisSource(engine, "1.0", dict(settings), processing_s=0.5)


def test_cuts_round_trip_with_provenance(project: Project) -> None:
    video_id = project.videos()[0].id
    with project.session() as session:
        run = save_cuts(session, video_id, [Cut(12, 0.5), (4, 0.1666)], _source(threshold=27))
        session.commit()
    with project.session() as session:
        cuts = load_cuts(session, video_id)
        current = current_analysis(session, video_id, "shots")
    assert [(c.frame, c.time_s) for c in cuts] == [(4, 0.1666), (12, 0.5)]
    assert current is not None and current.id == run.id
    assert (current.engine, current.engine_version, current.processing_s) == (
        "test-engine",
        "1.0",
        0.5,
    )
    assert current.settings == {"threshold": 27}


def test_rerun_keeps_older_until_discarded(project: Project) -> None:
    video_id = project.videos()[0].id
    with project.session() as session:
        first = save_cuts(session, video_id, [Cut(5, 0.2)], _source())
        second = save_cuts(session, video_id, [Cut(9, 0.4)], _source(threshold=30))
        session.commit()
        assert [a.id for a in analysis_versions(session, video_id, "shots")] == [
            second.id,
            first.id,
        ]
        assert [c.frame for c in load_cuts(session, video_id)] == [9]
        assert [c.frame for c in load_cuts(session, video_id, first.id)] == [5]
        set_current_analysis(session, first.id)
        assert [c.frame for c in load_cuts(session, video_id)] == [5]
        after = discard_analysis(session, first.id)
        session.commit()
        assert after is not None and after.id == second.id
        assert [c.frame for c in load_cuts(session, video_id)] == [9]
        assert session.exec(select(ShotCut).where(ShotCut.analysis_id == first.id)).all() == []


def test_steps_are_independent(project: Project) -> None:
    video_id = project.videos()[0].id
    occurrence = TextOccurrence(3, 20, 0.125, 0.833, "link in bio", 0.97, (10, 20, 200, 60))
    with project.session() as session:
        save_cuts(session, video_id, [], _source())
        text_run = save_texts(session, video_id, [occurrence], _source("rapidocr"))
        session.commit()
        assert current_analysis(session, video_id, "shots") is not None
        assert load_cuts(session, video_id) == []
        (row,) = load_texts(session, video_id)
        assert (row.text, row.start_frame, row.end_frame, row.box) == (
            "link in bio",
            3,
            20,
            [10.0, 20.0, 200.0, 60.0],
        )
        assert discard_analysis(session, text_run.id) is None
        assert load_texts(session, video_id) == []
        assert session.exec(select(OnscreenText)).all() == []


def test_unknown_step_and_run_are_clear_errors(project: Project) -> None:
    with project.session() as session:
        with pytest.raises(AnalysisError, match="unknown analysis step 'faces'"):
            current_analysis(session, 1, "faces")
        with pytest.raises(AnalysisError, match="no analysis run with id 999"):
            discard_analysis(session, 999)
