"""Schema versioning: migrations build exactly the models' schema; newer files are refused,
older files are upgraded after a backup copy that still holds the old data."""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel, select

from annotators.errors import ProjectError
from annotators.project import Project
from annotators.store import migrate
from annotators.store.models import Annotation, Code, Codebook, Video

SECOND_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "9000"
down_revision = "{head}"


def upgrade():
{body}
"""
# Recreates the video table (copy, drop, rename) while annotations point at its rows.
REBUILD_VIDEO = """\
    with op.batch_alter_table("video", recreate="always") as batch:
        batch.add_column(sa.Column("later_note", sa.Text(), nullable=True))"""
FAILS_HALFWAY = """\
    op.create_table("later_table", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("INSERT INTO no_such_table VALUES (1)")"""


# The newest revision this code ships (what a new project is stamped with).
SHIPPED = migrate.HEAD_REVISION


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_migrations_create_exactly_the_models_schema(tmp_path: Path) -> None:
    project = Project.create(tmp_path / "study.storyframe")
    with project, project.engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}),
            SQLModel.metadata,
        )
    assert differences == []


def test_new_project_is_stamped_with_the_head_revision(tmp_path: Path) -> None:
    with Project.create(tmp_path / "study.storyframe") as project:
        head = migrate.head_revision(migrate.alembic_config())
        assert migrate.current_revision(project.engine) == head


def test_project_from_a_newer_storyframe_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "study.storyframe"
    Project.create(path).close()
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00d_future'")
    before = file_digest(path)

    with pytest.raises(ProjectError) as caught:
        Project.open(path)

    message = str(caught.value)
    assert "newer Storyframe" in message and "f00d_future" in message
    assert migrate.head_revision(migrate.alembic_config()) in message
    assert file_digest(path) == before
    assert list(tmp_path.glob("*backup*")) == []


def become_newer_storyframe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """Make the code know one more revision (9000, running ``body``) than it shipped with."""
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    revision = SECOND_REVISION.format(body=body, head=migrate.HEAD_REVISION)
    (scripts / "versions" / "9000_later.py").write_text(revision, encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    monkeypatch.setattr(migrate, "HEAD_REVISION", "9000")


def add_coded_clip(project: Project) -> None:
    """One video with one annotation by coder Ana (rows linked by foreign keys)."""
    coder = project.coder("Ana")
    with project.session() as session:
        codebook = Codebook(name="cb")
        session.add(codebook)
        session.flush()
        code = Code(codebook_id=codebook.id, key="donate", label="Donate", kind="point")
        video = Video(
            path="a.mp4",
            file_name="a.mp4",
            content_hash="ab" * 32,
            size_bytes=1,
            duration_s=1.0,
            frame_count=25,
            fps=25.0,
            width=160,
            height=284,
        )
        session.add_all([code, video])
        session.flush()
        coder = project.coder("Ana")
        session.add(
            Annotation(
                video_id=video.id, code_id=code.id, coder_id=coder.id, start_frame=3, start_s=0.12
            )
        )
        session.commit()


def test_older_project_is_backed_up_then_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "projects" / "study.storyframe"
    with Project.create(path) as old:
        add_coded_clip(old)
    become_newer_storyframe(tmp_path, monkeypatch, REBUILD_VIDEO)

    with Project.open(path) as project, project.session() as session:
        assert migrate.current_revision(project.engine) == "9000"
        (annotation,) = session.exec(select(Annotation)).all()
        assert (annotation.video_id, annotation.start_frame) == (1, 3)  # data came through
        columns = [row[1] for row in session.exec(text("PRAGMA table_info(video)"))]
        assert "later_note" in columns
        assert session.exec(text("PRAGMA foreign_keys")).scalar() == 1
        backup = project.backup_path

    assert backup is not None and backup.parent == path.parent
    assert SHIPPED in backup.name and backup.suffix == ".storyframe"
    with closing(sqlite3.connect(backup)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (SHIPPED,)
        ]
        assert connection.execute("SELECT name FROM coder").fetchall() == [("Ana",)]
    with Project.open(path) as again:  # already current: no second backup
        assert again.backup_path is None
    assert len(list(path.parent.glob("*backup*"))) == 1


def test_failed_upgrade_leaves_the_project_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "study.storyframe"
    with Project.create(path) as old:
        add_coded_clip(old)
    become_newer_storyframe(tmp_path, monkeypatch, FAILS_HALFWAY)

    with pytest.raises(
        ProjectError, match=f"could not be upgraded from schema {SHIPPED}"
    ) as caught:
        Project.open(path)

    assert "no_such_table" in str(caught.value) and "backup" in str(caught.value)
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (SHIPPED,)
        ]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        assert "later_table" not in tables  # the half-done step was rolled back
        assert connection.execute("SELECT count(*) FROM annotation").fetchone() == (1,)


def test_migrations_also_produce_postgresql_sql() -> None:
    """The schema must run on PostgreSQL later: the migrations compile for it (offline)."""
    config = migrate.alembic_config()
    config.set_main_option("sqlalchemy.url", "postgresql://")
    config.output_buffer = io.StringIO()
    command.upgrade(config, "head", sql=True)
    sql = config.output_buffer.getvalue()
    for table in SQLModel.metadata.tables:
        assert f"CREATE TABLE {table} (" in sql
    assert "size_bytes BIGINT" in sql  # clips over 2 GB fit
    assert "TIMESTAMP WITH TIME ZONE" in sql


def test_head_revision_constant_matches_the_packaged_migrations() -> None:
    """Opening skips Alembic when a file is at HEAD_REVISION, so the two must never drift."""
    assert migrate.head_revision(migrate.alembic_config()) == migrate.HEAD_REVISION


def test_schema_0001_project_gains_row_uids_and_versions(tmp_path: Path) -> None:
    """A project made before row identities existed opens with a distinct uid per row."""
    path = tmp_path / "old.storyframe"
    engine = migrate.make_engine(path)
    try:
        config = migrate.alembic_config(engine)
        command.upgrade(config, "0001")
    finally:
        engine.dispose()
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.executescript(
            """
            INSERT INTO coder (id, name, created_at) VALUES (1, 'Ana', '2026-01-01 00:00:00');
            INSERT INTO codebook (id, name, version, description, created_at, updated_at)
                VALUES (1, 'cb', 1, '', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
            INSERT INTO code (id, codebook_id, key, label, kind, value_type, options, definition,
                include, exclude, examples, sort_order, retired)
                VALUES (1, 1, 'donate', 'Donate', 'point', 'presence', '[]', '', '', '', '[]',
                0, 0);
            INSERT INTO video (id, path, file_name, content_hash, size_bytes, duration_s,
                frame_count, fps, width, height, rotation, has_audio, platform_meta, imported_at)
                VALUES (1, 'a.mp4', 'a.mp4', 'ab', 1, 1.0, 25, 25.0, 160, 284, 0, 0, '{}',
                '2026-01-01 00:00:00');
            """
        )
        for frame in (1, 2):
            connection.execute(
                "INSERT INTO annotation (video_id, code_id, coder_id, start_frame, start_s, note,"
                " source, created_at, updated_at) VALUES (1, 1, 1, ?, 0.1, '', 'manual',"
                " '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                (frame,),
            )

    with Project.open(path) as project, project.session() as session:
        rows = session.exec(select(Annotation)).all()
        assert project.backup_path is not None
    assert [row.start_frame for row in rows] == [1, 2]
    assert all(len(row.uid) == 32 for row in rows) and rows[0].uid != rows[1].uid
    assert [row.version for row in rows] == [1, 1]
