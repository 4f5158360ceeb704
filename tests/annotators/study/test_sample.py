"""Drawing the reliability sample and assigning clips."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from annotators.errors import StudyError
from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import Assignment, Coder, Video
from annotators.study import allocate, assign, coded_video_ids, draw_sample, split_rest

from .conftest import Lead, table_digest


def _assignments(project: Project) -> list[tuple[str, str, int, bool]]:
    """(coder, clip, round, reliability) of every assignment."""
    with project.session() as session:
        query = (
            select(Coder.name, Video.file_name, Assignment.round, Assignment.reliability)
            .join(Coder, Coder.id == Assignment.coder_id)
            .join(Video, Video.id == Assignment.video_id)
        )
        return sorted(tuple(row) for row in session.exec(query))


def test_sample_assigns_every_drawn_clip_to_every_coder(lead: Lead) -> None:
    report = draw_sample(lead.project, fraction=0.5, coders=["Ana", "Ben"], seed=7)
    assert len(report.videos) == 3
    rows = _assignments(lead.project)
    assert len(rows) == 6 and all(rel for *_, rel in rows)
    by_coder = {name: {clip for coder, clip, _, rel in rows if coder == name and rel}
                for name in ("Ana", "Ben")}  # fmt: skip
    assert by_coder["Ana"] == by_coder["Ben"] == set(report.videos)
    assert lead.project.get_meta("sample_round_1") is not None


def test_same_seed_draws_the_same_clips_in_another_project(
    lead: Lead, tmp_path: Path, new_database
) -> None:
    first = draw_sample(lead.project, fraction=0.5, coders=["Ana", "Ben"], seed=11)
    # the same clips imported in the opposite order into another project
    with Project.create(tmp_path / "copy.storyframe", database=new_database()) as other:
        for path in sorted(lead.clips.iterdir(), reverse=True):
            run_job(other.import_media([path]))
        again = draw_sample(other, fraction=0.5, coders=["Ana", "Ben"], seed=11)
    assert sorted(again.videos) == sorted(first.videos)
    assert again.seed == first.seed == 11


def test_stratified_sample_allocates_proportionally(lead: Lead) -> None:
    report = draw_sample(lead.project, fraction=0.5, coders=["Ana", "Ben"], seed=3,
                         stratify="author")  # fmt: skip
    assert report.population == {"ngo_a": 4, "ngo_b": 2}
    assert {k: len(v) for k, v in report.strata.items()} == {"ngo_a": 2, "ngo_b": 1}
    authors = {f"clip{i}.mp4": a for i, a in enumerate(["ngo_a"] * 4 + ["ngo_b"] * 2)}
    assert Counter(authors[name] for name in report.videos) == Counter(ngo_a=2, ngo_b=1)


@given(
    sizes=st.lists(st.integers(1, 50), min_size=1, max_size=8),
    share=st.floats(0.01, 1.0),
)
def test_allocation_sums_to_the_total_and_stays_proportional(
    sizes: list[int], share: float
) -> None:
    strata = {f"s{i}": size for i, size in enumerate(sizes)}
    total = max(1, round(share * sum(sizes)))
    counts = allocate(strata, total)
    assert sum(counts.values()) == total
    for key, size in strata.items():
        assert 0 <= counts[key] <= size
        assert abs(counts[key] - total * size / sum(sizes)) < 1 + 1e-9


def test_drawing_again_is_refused_and_changes_nothing(lead: Lead) -> None:
    draw_sample(lead.project, fraction=0.5, coders=["Ana", "Ben"], seed=1)
    before = table_digest(lead.project.path)
    with pytest.raises(StudyError, match="round 1 already has a reliability sample of 3 clips"):
        draw_sample(lead.project, fraction=0.5, coders=["Ana", "Ben"], seed=2)
    assert table_digest(lead.project.path) == before
    second = draw_sample(lead.project, fraction=0.5, coders=["Ana", "Ben"], seed=2, round=2)
    assert second.round == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fraction": 0.2, "coders": ["Ana"]}, "at least two coders"),
        ({"fraction": 0.0, "coders": ["Ana", "Ben"]}, "above 0 and at most 1"),
        ({"fraction": 1.5, "coders": ["Ana", "Ben"]}, "above 0 and at most 1"),
        ({"fraction": 0.5, "coders": ["Ana", "consensus"]}, "adjudicated layer"),
        ({"fraction": 0.5, "coders": ["Ana", "Ben"], "stratify": "nope"}, "metadata field 'nope'"),
    ],
)
def test_bad_sample_requests_are_refused(lead: Lead, kwargs: dict, message: str) -> None:
    before = table_digest(lead.project.path)
    with pytest.raises(StudyError, match=message):
        draw_sample(lead.project, seed=1, **kwargs)
    assert table_digest(lead.project.path) == before


def test_split_rest_deals_the_other_clips_out_evenly(lead: Lead) -> None:
    sample = draw_sample(lead.project, fraction=0.5, coders=["Ana", "Ben"], seed=4)
    reports = split_rest(lead.project, ["Ana", "Ben", "Cy"], seed=4)
    dealt = [name for report in reports for name in report.added]
    assert sorted(dealt) == sorted(
        f"clip{i}.mp4" for i in range(6) if f"clip{i}.mp4" not in sample.videos
    )
    assert [len(r.added) for r in reports] == [1, 1, 1]
    assert split_rest(lead.project, ["Ana"], seed=4)[0].added == []  # nothing left to deal


def test_assign_reports_clips_already_assigned(lead: Lead) -> None:
    first = assign(lead.project, "Ana", ["clip0.mp4", "clip1.mp4"])
    again = assign(lead.project, "Ana", ["clip1.mp4", "clip2.mp4"])
    assert (first.added, again.added, again.already) == (
        ["clip0.mp4", "clip1.mp4"], ["clip2.mp4"], ["clip1.mp4"]
    )  # fmt: skip
    with pytest.raises(StudyError, match="no such video in this project: nope.mp4"):
        assign(lead.project, "Ana", ["nope.mp4"])
    ana = lead.project.coder("Ana").id
    with lead.project.session() as session:
        assert coded_video_ids(session, ana) == set()  # assigned is not coded
