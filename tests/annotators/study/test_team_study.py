"""Blind mode and assignments work unchanged on a server project: the same sample, done marks
and blind filter on both backends, with the lead and two coders on their own connections."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotators.browse.annotations import AnnotationQuery, count_annotations
from annotators.coding import Coding, media_times
from annotators.errors import StudyError
from annotators.jobs import run_job
from annotators.live import Change, watch
from annotators.project import Project
from annotators.study import (
    assign,
    blind_mode,
    coded_video_ids,
    draw_sample,
    mark_done,
    my_clips,
    reopen,
    set_blind_mode,
    split_rest,
    visible_coder_ids,
)

from .conftest import AUTHORS, CLIPS, code_by_key


def _study(path: Path, clips: Path, database: str | None) -> Project:
    path.parent.mkdir(parents=True)
    meta = path.parent / "meta.csv"
    with open(meta, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "author"])
        writer.writerows([f"clip{i}.mp4", AUTHORS[i]] for i in range(CLIPS))
    project = Project.create(path, database=database)
    run_job(project.import_media([clips]))
    project.import_metadata(meta)
    return project


@pytest.fixture
def team(tmp_path: Path, clip_masters: Path, database) -> Iterator[Project]:  # type: ignore[no-untyped-def]
    """The lead's project on either backend, six clips with an author each."""
    clips = tmp_path / "clips"
    shutil.copytree(clip_masters, clips)
    with _study(tmp_path / "lead" / "study.storyframe", clips, database) as project:
        yield project


def test_the_same_seed_draws_the_same_sample_on_both_backends(
    team: Project, tmp_path: Path
) -> None:
    reference = _study(tmp_path / "solo" / "study.storyframe", tmp_path / "clips", None)
    with reference:
        expected = draw_sample(reference, fraction=0.5, coders=["Ana", "Ben"], seed=5,
                               stratify="author")  # fmt: skip
    drawn = draw_sample(team, fraction=0.5, coders=["Ana", "Ben"], seed=5, stratify="author")
    assert drawn.videos == expected.videos
    with pytest.raises(StudyError):
        draw_sample(team, fraction=0.5, coders=["Ana", "Ben"], seed=5)  # one sample per round
    dealt = [
        name for report in split_rest(team, ["Ana", "Ben", "Cy"], seed=5) for name in report.added
    ]
    assert sorted(dealt + drawn.videos) == [f"clip{i}.mp4" for i in range(CLIPS)]


def test_a_coder_on_her_own_machine_marks_done_what_the_lead_assigned(team: Project) -> None:
    assert assign(team, "Ana", ["clip0.mp4", "clip1.mp4"]).added == ["clip0.mp4", "clip1.mp4"]
    with Project.open(team.path) as anas:  # another connection, as on Ana's laptop
        assert [c.video.file_name for c in my_clips(anas, "Ana")] == ["clip0.mp4", "clip1.mp4"]
        assert mark_done(anas, "Ana", "clip1.mp4") == 1
    ana = team.coder("Ana").id
    with team.session() as session:
        clip1 = next(v.id for v in team.videos() if v.file_name == "clip1.mp4")
        assert coded_video_ids(session, ana) == {clip1}
    assert reopen(team, "Ana", "clip1.mp4") == 1
    with team.session() as session:
        assert coded_video_ids(session, ana) == set()
    assert assign(team, "Ana", ["clip1.mp4"]).already == ["clip1.mp4"]


def test_blind_mode_hides_the_other_coders_rows_and_the_lead_can_lift_it(team: Project) -> None:
    draw_sample(team, fraction=1.0, coders=["Ana", "Ben"], seed=2)
    clip = team.videos()[0].id
    donate = code_by_key(team, "cta_donate").id
    ana, ben = team.coder("Ana").id, team.coder("Ben").id
    with Project.open(team.path) as anas, Project.open(team.path) as bens:
        Coding(anas.session, media_times(anas)).add_annotation(clip, donate, ana, 1)
        Coding(bens.session, media_times(bens)).add_annotation(clip, donate, ben, 2)
        watcher = watch(anas)
        try:
            with anas.session() as session:
                assert blind_mode(session) and visible_coder_ids(session, ana) == {ana}
                shown = AnnotationQuery(video_id=clip, coder_ids=visible_coder_ids(session, ana))
            assert count_annotations(anas, shown) == 1  # Ben's row stays hidden from Ana
            with team.write_session() as session:  # the lead lifts blind mode
                set_blind_mode(session, False)
                session.commit()
            seen: list[Change] = []
            for _ in range(10):
                seen += watcher.wait(0.2)
                if Change("projectmeta") in seen:
                    break
            assert Change("projectmeta") in seen  # Ana's app learns of it and re-reads
            with anas.session() as session:
                assert visible_coder_ids(session, ana) is None
                everyone = AnnotationQuery(video_id=clip, coder_ids=visible_coder_ids(session, ana))
            assert count_annotations(anas, everyone) == 2
        finally:
            watcher.close()
