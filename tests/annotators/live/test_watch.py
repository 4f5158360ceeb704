"""The change watcher over both backends: another writer's commit is reported within a
second, with its table and clip; this process's own absorbed commits are not."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from annotators.coding import Coding
from annotators.live import Change, watch
from annotators.project import Project
from annotators.store.models import Code, Video

TIMES = [i * 0.04 for i in range(100)]


def _add_video(project: Project, name: str) -> int:
    with project.write_session() as session:
        video = Video(path=name, file_name=name, content_hash=name.ljust(64, "0"),
                      size_bytes=1, duration_s=4.0, frame_count=100, fps=25.0,
                      width=160, height=284)  # fmt: skip
        session.add(video)
        session.commit()
        return video.id


@pytest.fixture
def two_writers(tmp_path: Path, database: str | None) -> Iterator[tuple[Project, Project]]:
    """The same project opened twice (two engines, as two processes would)."""
    path = tmp_path / "p.storyframe"
    with Project.create(path, database=database) as mine, Project.open(path) as theirs:
        yield mine, theirs


def _code_id(project: Project) -> int:
    with project.session() as session:
        return session.exec(select(Code).where(Code.kind == "point")).first().id


def _wait_for(watcher, wanted: Change, seconds: float = 2.0) -> tuple[list[Change], float]:  # type: ignore[no-untyped-def]
    started, seen = time.monotonic(), []
    while time.monotonic() - started < seconds and wanted not in seen:
        seen += watcher.wait(0.2)
    return seen, time.monotonic() - started


def test_another_writers_annotation_is_reported_with_its_clip(two_writers) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = two_writers
    first, second = _add_video(theirs, "a.mp4"), _add_video(theirs, "b.mp4")
    watcher = watch(mine)
    try:
        assert watcher.wait(0.05) == []
        coding = Coding(theirs.session, times=lambda _video: TIMES)
        row = coding.add_annotation(second, _code_id(theirs), theirs.coder("bo").id, 10, None)
        seen, seconds = _wait_for(watcher, Change("annotation", second))
        assert Change("annotation", second) in seen and seconds < 1.0
        assert Change("annotation", first) not in seen  # the other clip did not change
        coding.update_annotation(row.id, note="edited over there")
        assert Change("annotation", second) in _wait_for(watcher, Change("annotation", second))[0]
    finally:
        watcher.close()


def test_my_own_absorbed_commit_is_not_reported(two_writers) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = two_writers
    clip = _add_video(mine, "a.mp4")
    watcher = watch(mine)
    try:
        coding = Coding(mine.session, times=lambda _video: TIMES)
        coding.add_annotation(clip, _code_id(mine), mine.coder("ana").id, 5, None)
        watcher.absorb(["annotation", "coder"])  # what the app does after its own commit
        assert [c for c in watcher.wait(0.4) if c.table == "annotation"] == []
        Coding(theirs.session, times=lambda _v: TIMES).set_clip_value(
            clip, _clip_code(theirs), theirs.coder("bo").id, "health"
        )
        assert Change("clipvalue", clip) in _wait_for(watcher, Change("clipvalue", clip))[0]
    finally:
        watcher.close()


def _clip_code(project: Project) -> int:
    with project.session() as session:
        return session.exec(select(Code).where(Code.key == "primary_cause")).one().id


def test_a_relinked_video_and_a_deleted_annotation_are_changes(two_writers) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = two_writers
    clip = _add_video(theirs, "a.mp4")
    coding = Coding(theirs.session, times=lambda _video: TIMES)
    row = coding.add_annotation(clip, _code_id(theirs), theirs.coder("bo").id, 10, None)
    watcher = watch(mine)
    try:
        coding.delete_annotation(row.id)
        assert Change("annotation", clip) in _wait_for(watcher, Change("annotation", clip))[0]
        with theirs.write_session() as session:
            video = session.get(Video, clip)
            video.path = "elsewhere/a.mp4"
            session.add(video)
            session.commit()
        assert Change("video", clip) in _wait_for(watcher, Change("video", clip))[0]
    finally:
        watcher.close()


def test_a_bulk_import_its_undo_and_a_reused_id_are_all_reported(tmp_path: Path) -> None:
    """SQLite's watcher finds appended rows by id (its triggers skip them): a bulk import,
    its undo and an id reused after the top row's delete are still reported."""
    path = tmp_path / "p.storyframe"
    with Project.create(path) as mine, Project.open(path) as theirs:
        _bulk_import_undo_and_reuse(mine, theirs)


def _bulk_import_undo_and_reuse(mine: Project, theirs: Project) -> None:
    clips = [_add_video(theirs, f"{n}.mp4") for n in range(4)]
    code, coder = _code_id(theirs), theirs.coder("bo").id
    coding = Coding(theirs.session, times=lambda _video: TIMES)
    watcher = watch(mine)
    try:
        rows = [{"video_id": clip, "code_id": code, "coder_id": coder, "start_frame": f}
                for clip in clips[:3] for f in range(0, 90, 3)]  # fmt: skip
        coding.bulk_create_annotations(rows)  # appended rows: found by id, not logged
        wanted = {Change("annotation", clip) for clip in clips[:3]}
        assert wanted <= set(_wait_for(watcher, Change("annotation", clips[2]))[0])
        coding.undo()  # the import's rows deleted
        assert wanted <= set(_wait_for(watcher, Change("annotation", clips[2]))[0])
        top = coding.add_annotation(clips[0], code, coder, 5, None)
        coding.delete_annotation(top.id)  # the top row goes: its id is free again
        coding.add_annotation(clips[3], code, coder, 7, None)  # may reuse that id
        seen = _wait_for(watcher, Change("annotation", clips[3]))[0]
        # the new row is reported with its clip, or as a change of any clip (None)
        assert Change("annotation", clips[3]) in seen or Change("annotation") in seen
    finally:
        watcher.close()


def test_a_dropped_server_connection_is_reopened_and_everything_refreshed(
    tmp_path: Path, server_database: str
) -> None:
    from sqlalchemy import text

    with Project.create(tmp_path / "p.storyframe", database=server_database) as project:
        watcher = watch(project)
        try:
            with project.engine.begin() as connection:  # a server restart, as far as we know
                connection.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                         "query LIKE 'LISTEN%' AND pid <> pg_backend_pid()")
                )  # fmt: skip
            seen: list[Change] = []
            for _ in range(10):
                seen += watcher.wait(0.2)
                if seen:
                    break
            assert Change("annotation") in seen  # notices may be lost: refresh every view
            with Project.open(project.path) as theirs:
                clip = _add_video(theirs, "a.mp4")
            assert Change("video", clip) in _wait_for(watcher, Change("video", clip))[0]
        finally:
            watcher.close()
