"""Server projects: a project file pointing to a PostgreSQL database (real server, from the
session's throwaway cluster), opened from any copy of the file; explicit schema upgrades."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from annotators.cli import run_command
from annotators.errors import ProjectError
from annotators.project import Project
from annotators.store import migrate
from annotators.store.models import Coder, Transcript, Video

from .test_migrations import become_newer_storyframe


def add_video(project: Project, name: str = "clip.mp4") -> int:
    with project.write_session() as session:
        video = Video(
            path=name, file_name=name, content_hash=name.ljust(64, "0")[:64], size_bytes=1,
            duration_s=2.0,
            fps=30.0, frame_count=60, width=32, height=32,
        )  # fmt: skip
        session.add(video)
        session.commit()
        assert video.id is not None
        return video.id


def test_a_copied_project_file_opens_the_same_server_project(
    tmp_path: Path, server_database: str
) -> None:
    path = tmp_path / "lab" / "study.storyframe"
    with Project.create(path, database=server_database) as project:
        assert project.server is not None and not project.joined
        video_id = add_video(project)
    laptop = tmp_path / "laptop" / "study.storyframe"
    laptop.parent.mkdir()
    shutil.copy(path, laptop)
    with Project.open(laptop) as other:
        assert [v.id for v in other.videos()] == [video_id]
        assert other.coder("ann").name == "ann"
    with Project.open(path) as again:
        assert [c.name for c in select_coders(again)] == ["ann"]


def select_coders(project: Project) -> list[Coder]:
    with project.session() as session:
        return list(session.exec(select(Coder)))


def test_init_on_a_database_holding_a_project_joins_it(
    tmp_path: Path, server_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_command(["init", str(tmp_path / "a.storyframe"), "--database", server_database]) == 0
    with Project.open(tmp_path / "a.storyframe") as project:
        add_video(project)
    assert run_command(["init", str(tmp_path / "b.storyframe"), "--database", server_database]) == 0
    assert "joined server project" in capsys.readouterr().out
    with Project.open(tmp_path / "b.storyframe") as joined:
        assert len(joined.videos()) == 1
        assert len(joined.get_meta("created_by") or "") > 0


def test_the_project_file_holds_no_password_and_refuses_one(
    tmp_path: Path, server_database: str
) -> None:
    with_password = server_database.replace("postgres@", "postgres:secret@")
    with pytest.raises(ProjectError, match="pgpass"):
        Project.create(tmp_path / "p.storyframe", database=with_password)
    assert not (tmp_path / "p.storyframe").exists()
    with pytest.raises(ProjectError, match="PostgreSQL URL"):
        Project.create(tmp_path / "p.storyframe", database="mysql://host/db")
    Project.create(tmp_path / "p.storyframe", database=server_database).close()
    assert "secret" not in (tmp_path / "p.storyframe").read_text()


def test_a_database_with_other_tables_is_refused_untouched(tmp_path: Path, pg_cluster) -> None:  # type: ignore[no-untyped-def]
    name = pg_cluster.empty_database()
    pg_cluster.psql("CREATE TABLE payroll (id int); INSERT INTO payroll VALUES (7)", name)
    with pytest.raises(ProjectError, match="not a Storyframe project"):
        Project.create(tmp_path / "p.storyframe", database=pg_cluster.url(name))
    assert not (tmp_path / "p.storyframe").exists()
    assert pg_cluster.psql("SELECT string_agg(tablename, ',') FROM pg_tables "
                           "WHERE schemaname = 'public'", name) == "payroll"  # fmt: skip


def test_an_unreachable_server_is_one_clear_line(tmp_path: Path) -> None:
    url = f"postgresql://postgres@/study?host={tmp_path / 'no-server'}"
    with pytest.raises(ProjectError, match="cannot reach"):
        Project.create(tmp_path / "p.storyframe", database=url)
    assert not (tmp_path / "p.storyframe").exists()


def test_a_file_naming_another_project_is_refused(tmp_path: Path, server_database: str) -> None:
    path = tmp_path / "p.storyframe"
    Project.create(path, database=server_database).close()
    text_of = path.read_text()
    path.write_text(text_of.replace(text_of.split('project_id = "')[1][:32], "0" * 32))
    with pytest.raises(ProjectError, match="ask for a current project file"):
        Project.open(path)


def test_the_server_schema_is_exactly_the_models(tmp_path: Path, server_database: str) -> None:
    project = Project.create(tmp_path / "p.storyframe", database=server_database)
    with project, project.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert [d for d in differences if "procrastinate" not in repr(d)] == []


def test_an_older_server_schema_needs_db_upgrade_and_keeps_its_data(
    tmp_path: Path, server_database: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = tmp_path / "study.storyframe"
    with Project.create(path, database=server_database) as project:
        video_id = add_video(project)
    become_newer_storyframe(tmp_path, monkeypatch, "    op.add_column('video', sa.Column("
                            "'later', sa.Integer(), nullable=True))")  # fmt: skip
    with pytest.raises(ProjectError, match="storyframe db upgrade"):
        Project.open(path)
    assert run_command(["db", "upgrade", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"from schema {migrate.HEAD_REVISION}" not in out  # the old head, not the new one
    backups = list(tmp_path.glob("study.backup-*.dump"))
    assert len(backups) == 1 and backups[0].stat().st_size > 1000
    with Project.open(path) as upgraded:
        assert [v.id for v in upgraded.videos()] == [video_id]
        assert migrate.current_revision(upgraded.engine) == "9000"
    assert run_command(["db", "upgrade", str(path)]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_a_server_database_from_a_newer_storyframe_is_refused(
    tmp_path: Path, server_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "study.storyframe"
    project = Project.create(path, database=server_database)
    with project, project.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(ProjectError, match="newer Storyframe"):
        Project.open(path)
    assert run_command(["db", "upgrade", str(path)]) == 1
    assert "newer Storyframe" in capsys.readouterr().err


def test_db_upgrade_of_a_sqlite_project_says_it_needs_none(tmp_path: Path) -> None:
    Project.create(tmp_path / "local.storyframe").close()
    assert run_command(["db", "upgrade", str(tmp_path / "local.storyframe")]) == 1


def test_the_database_allows_one_current_transcript_per_clip(
    tmp_path: Path, database: str | None
) -> None:
    with Project.create(tmp_path / "p.storyframe", database=database) as project:
        video_id = add_video(project)
        row = {"video_id": video_id, "engine": "e", "engine_version": "1", "model": "m"}
        with project.write_session() as session:
            session.add(Transcript(**row))
            session.commit()
        with pytest.raises(IntegrityError), project.write_session() as session:
            session.add(Transcript(**row))
            session.commit()


def _make_coders(path: str, barrier) -> list[int]:  # type: ignore[no-untyped-def]
    with Project.open(path) as project:
        barrier.wait()
        return [project.coder(name).id for name in ("ann", "bob", "cy")]  # type: ignore[misc]


def test_coders_created_at_once_by_several_processes_are_one_row_each(
    tmp_path: Path, database: str | None
) -> None:
    path = tmp_path / "p.storyframe"
    Project.create(path, database=database).close()
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(4)
        with context.Pool(4) as pool:
            results = pool.starmap(_make_coders, [(str(path), barrier)] * 4)
    assert len({tuple(r) for r in results}) == 1
    with Project.open(path) as project:
        assert sorted(c.name for c in select_coders(project)) == ["ann", "bob", "cy"]


def test_a_libpq_service_names_the_server_without_a_password_in_the_file(
    tmp_path: Path,
    pg_cluster,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    name = pg_cluster.new_database()
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[lab]\nhost={pg_cluster.socket_dir}\nuser=postgres\ndbname={name}\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    path = tmp_path / "study.storyframe"
    with Project.create(path, database="postgresql:///?service=lab") as project:
        add_video(project)
    assert "service=lab" in path.read_text() and name not in path.read_text()
    with Project.open(path) as again:
        assert len(again.videos()) == 1
