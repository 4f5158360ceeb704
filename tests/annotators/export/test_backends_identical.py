"""The same project on SQLite and on PostgreSQL exports the same bytes, in every format.

The study is built row by row with fixed timestamps and row uids (some timestamps with zero
microseconds, which PostgreSQL's plain timestamp text would drop), times at exact half
milliseconds (a 16 fps clip: frame 1 starts at 62.5 ms, which PostgreSQL's ``round`` would take
to the even 62), and coder and file names whose order under the test cluster's ICU collation
differs from code-point order ("Bob" < "_carl" < "alice" < "Émile" in bytes).

Only the export's own wall-clock stamp is masked, where a format has one (ELAN's DATE, the
REFI-QDA project's creationDateTime and zip entry times, the SPSS/Stata header time): two
exports a second apart differ there on one backend too. Everything else must be identical.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from annotators.analysis.storage import AnalysisSource, TextOccurrence, save_texts
from annotators.export import FORMATS, export_job
from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import Annotation, ClipValue, Coder

from .conftest import HOSTILE_NOTE, add_codebook, add_transcript, add_video

CREATED = datetime(2026, 3, 1, 9, 30, 15, tzinfo=UTC)  # zero microseconds
UPDATED = datetime(2026, 3, 2, 18, 5, 7, 123456, tzinfo=UTC)
CODERS = ["alice", "Bob", "_carl", "Émile"]
# (file name, fps): 16 fps puts frame starts on exact half milliseconds
VIDEOS = [("b.mp4", 16.0), ("A.mp4", 25.0), ("a b.mp4", 16.0), ("é.mp4", 30.0)]


def frame_times(video):  # noqa: ANN001, ANN201 (a TimesResolver: the clips have no files)
    return lambda frame: frame / video.fps


def annotate(
    session,
    video: int,
    fps: float,
    code: int,
    coder: int,
    start: int,
    end: int | None = None,
    **fields: object,
) -> None:  # noqa: ANN001
    """An annotation whose times are its frames' start times on a constant-rate clip."""
    session.add(Annotation(video_id=video, code_id=code, coder_id=coder, start_frame=start,
                           end_frame=end, start_s=start / fps,
                           end_s=None if end is None else end / fps, **fields))  # fmt: skip


def build(project: Project) -> None:
    """The study: every coder codes every clip; transcripts, clip values, on-screen text."""
    with project.session() as session:
        codes = add_codebook(session)
        coders = [Coder(name=name) for name in CODERS]
        session.add_all(coders)
        session.flush()
        for index, (name, fps) in enumerate(VIDEOS):
            video = add_video(session, name, fps=fps, author={"name": name}, plays=index)
            add_transcript(session, video, [(0.0625, 0.5, " we"), (0.5, 1.1875, " gave")])
            for number, coder in enumerate(coders):
                start = 1 + 2 * number + index  # odd frames at 16 fps: half milliseconds
                annotate(session, video, fps, codes["testimony"], coder.id, start, start + 5,
                         note=HOSTILE_NOTE if number == 0 else f"note {name}")  # fmt: skip
                annotate(session, video, fps, codes["emotion"], coder.id, start + 1, start + 3,
                         value=("hope", "sadness")[number % 2])  # fmt: skip
                annotate(session, video, fps, codes["donate"], coder.id, start + 2)
                annotate(
                    session, video, fps, codes["donate"], coder.id, start + 2, source="imported"
                )
                for key, value in (("tone", str(1 + number)), ("score", f"{number}.5")):
                    session.add(ClipValue(video_id=video, code_id=codes[key], coder_id=coder.id,
                                          value=value))  # fmt: skip
            occurrence = TextOccurrence(
                1, 3, 1 / fps, 3 / fps, f"give to {name}", 0.5, (1, 2, 3, 4)
            )
            save_texts(session, video, [occurrence], AnalysisSource("test", "1"))
        session.commit()
        _fix_timestamps(session)


def _fix_timestamps(session) -> None:  # noqa: ANN001
    """Every stored time set to one of two fixed instants (rows are otherwise stamped now),
    every row uid made from the table and id (they are otherwise random)."""
    for table in SQLModel.metadata.sorted_tables:
        if "uid" in table.c:
            for (row_id,) in session.execute(select(table.c.id)).all():
                uid = hashlib.md5(f"{table.name}:{row_id}".encode()).hexdigest()
                session.execute(update(table).where(table.c.id == row_id).values(uid=uid))
    for table in SQLModel.metadata.sorted_tables:
        values = {
            name: CREATED if name != "updated_at" else UPDATED
            for name in ("created_at", "updated_at", "imported_at")
            if name in table.c
        }
        if values:
            session.execute(update(table).values(**values))
    session.commit()


def export_all(project: Project, folder: Path) -> dict[str, dict[str, bytes]]:
    """Every format's files (relative name -> bytes)."""
    written: dict[str, dict[str, bytes]] = {}
    for fmt in FORMATS:
        out = folder / fmt / (f"study.{fmt}" if fmt in ("qdpx", "qdc") else "out.csv")
        if fmt not in ("csv-long", "csv-wide", "onscreen-text", "qdpx", "qdc"):
            out = folder / fmt / "out"  # a folder: one file per clip or table
        out.parent.mkdir(parents=True)
        if fmt in ("csv-long", "csv-wide", "onscreen-text") or fmt in ("srt", "vtt", "txt", "json"):
            run_job(export_job(project, fmt, out))
        else:
            from annotators.exchange import export_job as exchange_job

            run_job(exchange_job(project, fmt, out, times=frame_times))
        written[fmt] = {
            str(path.relative_to(folder / fmt)): path.read_bytes()
            for path in sorted((folder / fmt).rglob("*"))
            if path.is_file()
        }
    return written


def comparable(fmt: str, data: bytes) -> bytes | dict[str, bytes]:
    """``data`` with only the export's own wall-clock stamp masked (see the module docstring)."""
    if fmt == "eaf":  # the root element's DATE attribute
        return re.sub(rb' DATE="[^"]*"', b' DATE="-"', data, count=1)
    if fmt == "qdpx":  # members by name, the Project element's creationDateTime
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {info.filename: archive.read(info) for info in archive.infolist()}
        qde = members["project.qde"]
        members["project.qde"] = re.sub(rb'creationDateTime="[^"]*"', b"-", qde, count=1)
        return members
    if fmt == "sav":  # the file header's creation date (9 bytes at 92) and time (8 at 101)
        return data[:92] + b"-" * 17 + data[109:]
    if fmt == "dta":  # the <timestamp> element of the header
        return re.sub(rb"<timestamp>.*?</timestamp>", b"-", data, count=1, flags=re.S)
    return data


def build_and_export(folder: Path, database: str | None) -> dict[str, dict[str, bytes]]:
    """Build the study at ``folder`` (on ``database``), export everything, then remove both:
    the next backend's project sits at the same path, so media paths in the exports agree."""
    with Project.create(
        folder / "study.storyframe", default_codebook=False, database=database
    ) as project:
        build(project)
        written = export_all(project, folder / "out")
    shutil.rmtree(folder)
    return written


@pytest.mark.postgresql
def test_every_export_is_byte_identical_on_both_backends(
    server_database: str, tmp_path: Path
) -> None:
    on_sqlite = build_and_export(tmp_path / "study", None)
    on_server = build_and_export(tmp_path / "study", server_database)
    assert set(on_sqlite) == set(on_server) == set(FORMATS)
    for fmt in FORMATS:
        assert on_sqlite[fmt], f"{fmt} wrote nothing"
        assert sorted(on_server[fmt]) == sorted(on_sqlite[fmt]), fmt
        for name, data in on_sqlite[fmt].items():
            theirs = on_server[fmt][name]
            assert comparable(fmt, theirs) == comparable(fmt, data), f"{fmt}: {name} differs"
    # what the study was built to catch is really in the exports
    long_csv = on_sqlite["csv-long"]["out.csv"].decode("utf-8")
    assert "2026-03-01T09:30:15.000000Z" in long_csv and ",0.063," in long_csv
    rows = [row for row in csv.reader(io.StringIO(long_csv)) if row[0].isdigit()]
    # code-point order, not the collation's, for clips and coders
    assert list(dict.fromkeys(row[2] for row in rows)) == ["A.mp4", "a b.mp4", "b.mp4", "é.mp4"]
    assert list(dict.fromkeys(row[6] for row in rows)) == ["Bob", "_carl", "alice", "Émile"]


@pytest.mark.postgresql
def test_exported_times_are_utc_whatever_the_servers_time_zone(
    server_database: str, pg_cluster, tmp_path: Path
) -> None:
    name = make_url(server_database).database
    pg_cluster.psql(f"ALTER DATABASE \"{name}\" SET timezone = 'America/New_York'")
    with Project.create(
        tmp_path / "study.storyframe", default_codebook=False, database=server_database
    ) as project:
        build(project)
        out = tmp_path / "long.csv"
        run_job(export_job(project, "csv-long", out))
        with project.session() as session:
            stored = session.execute(select(Annotation.created_at)).scalars().first()
    assert stored == CREATED  # the ORM reads the same instant
    assert "2026-03-01T09:30:15.000000Z,2026-03-02T18:05:07.123456Z" in out.read_text("utf-8")
