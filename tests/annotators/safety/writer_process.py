"""One writer process of the concurrency test: ``python -m tests.annotators.safety.writer_process
KIND PROJECT ARG``. KIND is ``import`` (ARG: a csv-long file), ``media`` (ARG: a folder) or
``code`` (ARG: the worker number; adds, edits, deletes and undoes annotations)."""

from __future__ import annotations

import sys

from sqlmodel import select

from annotators.coding import Coding
from annotators.export import import_long_csv
from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import Code, Video

ADDED = 8  # annotations per coding worker


def code(project: Project, worker: int) -> None:
    """Per worker: add ADDED point events, edit the even ones' notes, delete the last, undo
    the delete; set its clip notes three times and undo the last. Sequentially, each worker
    leaves ADDED rows, even notes ending in '-edited', and the clip notes "second N"."""
    with project.session() as session:
        video = session.exec(select(Video)).first()
        point = session.exec(select(Code).where(Code.kind == "point")).first()
        notes = session.exec(
            select(Code).where(Code.kind == "clip", Code.value_type == "text")
        ).first()
    coder = project.coder(f"worker{worker}")
    coding = Coding(project.session, lambda _video: lambda frame: frame / 25)
    rows = [
        coding.add_annotation(
            video.id, point.id, coder.id, worker * ADDED + i, note=f"w{worker}-{i}"
        )
        for i in range(ADDED)
    ]
    for i, row in enumerate(rows):
        if i % 2 == 0:
            coding.update_annotation(row.id, note=f"w{worker}-{i}-edited", expected_version=1)
    coding.delete_annotation(rows[-1].id)
    coding.undo()
    coding.set_clip_value(video.id, notes.id, coder.id, f"first {worker}")
    coding.set_clip_value(video.id, notes.id, coder.id, f"second {worker}")
    coding.set_clip_value(video.id, notes.id, coder.id, f"third {worker}")
    coding.undo()  # back to "second"


def main() -> None:
    kind, path, arg = sys.argv[1:4]
    with Project.open(path) as project:
        if kind == "import":
            import_long_csv(project, arg)
        elif kind == "media":
            report = run_job(project.import_media([arg]))
            assert not report.failed, report.failed
        else:
            code(project, int(arg))


if __name__ == "__main__":
    main()
