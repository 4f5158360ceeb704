"""Open intervals are stored when they start: they survive a kill and come back at the next start.

Issue 10, item 6: an interval still open when the app was killed disappeared without a word.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from annotators.coding import (
    Coding,
    cancel_interval,
    close_interval,
    open_interval,
    open_intervals,
)
from annotators.errors import CodingError
from annotators.project import Project
from annotators.store.models import Annotation, OpenInterval

from .conftest import TIMES, Study


def test_an_interval_is_stored_when_it_starts_and_becomes_an_annotation_when_it_ends(
    study: Study,
) -> None:
    testimony = study.code("personal_testimony").id
    opened = open_interval(study.coding, study.video_id, testimony, study.coder_id, 30)
    assert (opened.start_frame, opened.start_s) == (30, TIMES[30])
    assert [row.id for row in open_intervals(study.project.session)] == [opened.id]
    row = close_interval(study.coding, study.video_id, testimony, study.coder_id, 12)
    assert (row.start_frame, row.end_frame, row.start_s, row.end_s) == (
        12,
        30,
        TIMES[12],
        TIMES[30],
    )
    assert open_intervals(study.project.session) == []
    assert study.coding.history.undo_label == "Add 'Personal testimony' frames 12-30"
    study.coding.undo()
    with study.project.session() as session:
        assert session.exec(select(Annotation)).all() == []


def test_cancel_drops_it_and_refusals_change_nothing(study: Study) -> None:
    testimony, donate = study.code("personal_testimony").id, study.code("cta_donate").id
    open_interval(study.coding, study.video_id, testimony, study.coder_id, 5)
    with pytest.raises(CodingError, match="already open"):
        open_interval(study.coding, study.video_id, testimony, study.coder_id, 9)
    with pytest.raises(CodingError, match="point code"):
        open_interval(study.coding, study.video_id, donate, study.coder_id, 9)
    with pytest.raises(CodingError, match="outside"):
        open_interval(study.coding, study.video_id, study.code("hashtag").id, study.coder_id, 999)
    assert [row.start_frame for row in open_intervals(study.project.session)] == [5]
    assert cancel_interval(study.coding, study.video_id, testimony, study.coder_id)
    assert not cancel_interval(study.coding, study.video_id, testimony, study.coder_id)
    with pytest.raises(CodingError, match="no longer open"):
        close_interval(study.coding, study.video_id, testimony, study.coder_id, 20)
    assert study.dump() == []


CHILD = """
import os, sys, time
from annotators.coding import Coding, open_interval
from annotators.project import Project
from annotators.store.models import Code
from sqlmodel import select
project = Project.open(sys.argv[1])
from tests.annotators.coding.conftest import TIMES
coding = Coding(project.session, times=lambda video: TIMES)
with project.session() as session:
    code = session.exec(select(Code).where(Code.key == "problem_statement")).one().id
open_interval(coding, int(sys.argv[2]), code, int(sys.argv[3]), 42)
print("opened", flush=True)
time.sleep(60)  # killed here, with the project still open
"""


def test_an_interval_open_in_a_killed_process_is_there_at_the_next_start(
    study: Study, tmp_path: Path
) -> None:
    path = study.project.path
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(study.video_id), str(study.coder_id)],
        stdout=subprocess.PIPE, text=True, env=os.environ.copy(),
    )  # fmt: skip
    try:
        assert child.stdout.readline().strip() == "opened"  # type: ignore[union-attr]
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with Project.open(path) as reopened:
        (row,) = open_intervals(reopened.session, coder_id=study.coder_id)
        assert (row.video_id, row.start_frame, row.start_s) == (study.video_id, 42, TIMES[42])
        coding = Coding(reopened.session, times=lambda video: TIMES)
        done = close_interval(coding, row.video_id, row.code_id, row.coder_id, 60)
        assert (done.start_frame, done.end_frame) == (42, 60)
        with reopened.session() as session:
            assert session.exec(select(OpenInterval)).all() == []
