"""annotators.browse: library rows and file checks, annotation table pages, next / previous."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from annotators.browse import (
    AnnotationQuery,
    annotation_page,
    count_annotations,
    library_rows,
    missing_files,
    neighbour_annotation,
)
from annotators.coding import Coding
from annotators.errors import StoryframeError
from annotators.project import Project
from annotators.store.models import Code, Video

FPS = 25.0


@pytest.fixture
def project(tmp_path: Path, database: str | None) -> Iterator[Project]:
    """Two file-less clips (one has a file on disk), coders ana and ben, six annotations."""
    (tmp_path / "one.mp4").write_bytes(b"x")
    with Project.create(tmp_path / "study.storyframe", database=database) as project:
        with project.session() as session:
            for name in ("one.mp4", "two.mp4"):
                session.add(Video(path=name, file_name=name, content_hash=name.ljust(64, "0"),
                                  size_bytes=1, duration_s=4.0, frame_count=100, fps=FPS,
                                  width=160, height=284))  # fmt: skip
            session.commit()
            codes = {c.key: c.id for c in session.exec(select(Code))}
        coding = Coding(project.session, times=lambda video: [i / FPS for i in range(100)])
        ana, ben = project.coder("ana").id, project.coder("ben").id
        rows = [(1, "cta_donate", ana, 40, None, "link in bio"), (1, "personal_testimony", ana,
                10, 30, ""), (1, "cta_share", ana, 10, None, "50% off"), (1, "cta_donate", ben,
                12, None, ""), (2, "cta_donate", ana, 5, None, ""), (2, "cta_share", ben, 7,
                None, "")]  # fmt: skip
        coding.bulk_create_annotations(
            [{"video_id": v, "code_id": codes[k], "coder_id": c, "start_frame": s,
              "end_frame": e, "note": n} for v, k, c, s, e, n in rows],
            source="manual",
        )  # fmt: skip
        yield project


def test_library_rows_count_one_coders_annotations_and_missing_files_are_listed(
    project: Project, tmp_path: Path
) -> None:
    ana = project.coder("ana").id
    rows = library_rows(project, ana)
    assert [(r.video.file_name, r.mine, r.transcript, r.missing) for r in rows] == [
        ("one.mp4", 3, "", None),
        ("two.mp4", 1, "", None),
    ]
    assert missing_files(project, [r.video for r in rows]) == {2: tmp_path / "two.mp4"}


def test_pages_filter_and_sort_in_sql(project: Project) -> None:
    clip = AnnotationQuery(video_id=1)
    assert count_annotations(project, clip) == 4
    page = annotation_page(project, clip)
    assert [(r.start_frame, r.code, r.coder) for r in page] == [
        (10, "Personal testimony", "ana"), (10, "Share / repost", "ana"),
        (12, "Donate", "ben"), (40, "Donate", "ana"),
    ]  # fmt: skip
    assert page[0].end_frame == 30 and page[0].end_s == pytest.approx(1.2)
    by_coder = AnnotationQuery(sort="coder", descending=True)
    assert [r.coder for r in annotation_page(project, by_coder, 0, 3)] == ["ben"] * 2 + ["ana"]
    assert [r.id for r in annotation_page(project, by_coder, 2, 10)] == [5, 3, 2, 1]
    # text matches the note, code, coder or clip, case-insensitively; % and _ are literal
    assert count_annotations(project, AnnotationQuery(text="LINK")) == 1
    assert count_annotations(project, AnnotationQuery(text="%")) == 1
    assert count_annotations(project, AnnotationQuery(text="two.mp4")) == 2
    with project.session() as session:
        donate = session.exec(select(Code).where(Code.key == "cta_donate")).one().id
    assert count_annotations(project, AnnotationQuery(code_id=donate, text="ben")) == 1
    with pytest.raises(StoryframeError, match="cannot sort"):
        AnnotationQuery(sort="id; drop table annotation")


def test_neighbours_step_through_the_coders_annotations_of_one_clip(project: Project) -> None:
    ana = project.coder("ana").id

    def step(frame: int, direction: int, current: int | None = None) -> int | None:
        row = neighbour_annotation(project, 1, ana, frame, direction, current)
        return None if row is None else row.id

    assert step(0, 1) == 2  # frame 10, the first made of the two there
    assert step(10, 1, 2) == 3 and step(10, 1, 3) == 1  # ben's frame-12 one is not mine
    assert step(40, 1, 1) is None
    assert step(10, 1) == 1  # nothing selected: those at the playhead are not "next"
    assert step(40, -1, 1) == 3 and step(10, -1, 3) == 2 and step(10, -1, 2) is None
    assert step(99, -1) == 1


def test_pending_suggestions_are_not_a_coders_annotations_yet(project: Project) -> None:
    ana = project.coder("ana").id
    with project.session() as session:
        donate = session.exec(select(Code).where(Code.key == "cta_donate")).one().id
    coding = Coding(project.session, times=lambda video: [i / FPS for i in range(100)])
    coding.bulk_create_annotations(
        [{"video_id": 1, "code_id": donate, "coder_id": ana, "start_frame": 60}],
        source="suggested",
    )
    assert [r.mine for r in library_rows(project, ana)] == [3, 1]  # as before the suggestion
    assert count_annotations(project, AnnotationQuery(video_id=1)) == 4
    assert neighbour_annotation(project, 1, ana, 45, 1) is None  # nothing of hers after 40


def test_sorting_is_the_same_on_both_backends(project: Project) -> None:
    """Text in code-point order (a server's ICU collation would put "_x" and "Bob" among the
    lower-case names) and point events (no end) lowest, as SQLite orders NULL."""
    coding = Coding(project.session, times=lambda video: [i / FPS for i in range(100)])
    with project.session() as session:
        donate = session.exec(select(Code.id).where(Code.key == "cta_donate")).one()
    for name in ("Bob", "_x", "émile"):
        coding.add_annotation(1, donate, project.coder(name).id, 50)
    coders = [r.coder for r in annotation_page(project, AnnotationQuery(sort="coder"))]
    assert list(dict.fromkeys(coders)) == ["Bob", "_x", "ana", "ben", "émile"]
    ends = [r.end_frame for r in annotation_page(project, AnnotationQuery(sort="end_frame"))]
    assert ends[0] is None and ends[-1] == 30
    backwards = AnnotationQuery(sort="end_frame", descending=True)
    assert [r.end_frame for r in annotation_page(project, backwards)][:2] == [30, None]
