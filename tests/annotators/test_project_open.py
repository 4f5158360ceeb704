"""Creating and opening project files: pragmas, clear errors for bad files, coders."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from annotators.errors import ProjectError
from annotators.project import Project
from annotators.store.models import Annotation


def test_created_project_reopens_with_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    Project.create(tmp_path / "study.storyframe").close()
    with Project.open(tmp_path / "study.storyframe") as project, project.session() as session:
        pragma = lambda name: session.exec(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 1000
        assert project.root == tmp_path.resolve()
        assert project.get_meta("created_by").startswith("storyframe")


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    with Project.create(tmp_path / "study.storyframe") as project, project.session() as session:
        session.add(Annotation(video_id=42, code_id=1, coder_id=1, start_frame=0, start_s=0.0))
        with pytest.raises(IntegrityError):
            session.commit()


def test_create_adds_the_suffix_and_makes_folders(tmp_path: Path) -> None:
    with Project.create(tmp_path / "new" / "study") as project:
        assert project.path == (tmp_path / "new" / "study.storyframe").resolve()
    assert Project.open(tmp_path / "new" / "study").path.is_file()


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "study.storyframe"
    with Project.create(path) as project:
        project.coder("Ana")
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(path)
    with Project.open(path) as project:
        assert project.coder("Ana").id == 1


def _sqlite_without_schema(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER)")


BAD_FILES = {
    "zero-byte": (lambda path: path.write_bytes(b""), "empty \\(0 bytes\\)"),
    "text file": (lambda path: path.write_text("hello\n"), "not an SQLite database"),
    "foreign sqlite": (_sqlite_without_schema, "not a Storyframe project"),
    "truncated header": (
        lambda path: path.write_bytes(b"SQLite format 3\x00" + b"\x01" * 80),
        "cannot be read as a project",
    ),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_file_gives_a_clear_error_and_stays_untouched(tmp_path: Path, kind: str) -> None:
    make, message = BAD_FILES[kind]
    path = tmp_path / "study.storyframe"
    make(path)
    before = path.read_bytes()
    with pytest.raises(ProjectError, match=message) as caught:
        Project.open(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project file"):
        Project.open(tmp_path / "nothing.storyframe")
    (tmp_path / "dir.storyframe").mkdir()
    with pytest.raises(ProjectError, match="is a folder"):
        Project.open(tmp_path / "dir.storyframe")


def test_coder_is_created_once_and_found_again(tmp_path: Path) -> None:
    with Project.create(tmp_path / "study.storyframe") as project:
        ana = project.coder("Ana")
        assert project.coder("  Ana ").id == ana.id
        assert project.coder("Ben").id != ana.id
        with pytest.raises(ProjectError, match="needs a name"):
            project.coder("   ")
