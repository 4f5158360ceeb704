"""A lead's project over real small clips, with platform metadata, and row digests.

Clips are written once per session (real H.264 files with a frame barcode); each test copies
them into its own folder so relative paths, relinking and packing work on real files.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import select

from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import Code
from annotators.store.server import is_pointer_file
from tests.annotators.hostile import server_digest
from tests.media_fixtures import make_clip

CLIPS = 6
AUTHORS = ["ngo_a", "ngo_a", "ngo_a", "ngo_a", "ngo_b", "ngo_b"]


@pytest.fixture(scope="session")
def clip_masters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("study-clips")
    for index in range(CLIPS):
        # different lengths: different content hashes
        make_clip(folder / f"clip{index}.mp4", seconds=0.4 + 0.08 * index, fps=25)
    return folder


@dataclass
class Lead:
    """The lead's project and the folders around it."""

    project: Project
    root: Path
    clips: Path

    def code(self, key: str) -> Code:
        return code_by_key(self.project, key)


def code_by_key(project: Project, key: str) -> Code:
    with project.session() as session:
        return session.exec(select(Code).where(Code.key == key)).one()


@pytest.fixture
def lead(tmp_path: Path, clip_masters: Path, database: str | None) -> Iterator[Lead]:
    clips = tmp_path / "clips"
    shutil.copytree(clip_masters, clips)
    meta = tmp_path / "meta.csv"
    with open(meta, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "author"])
        writer.writerows([f"clip{i}.mp4", AUTHORS[i]] for i in range(CLIPS))
    with Project.create(tmp_path / "lead" / "study.storyframe", database=database) as project:
        run_job(project.import_media([clips]))
        project.import_metadata(meta)
        yield Lead(project, tmp_path, clips)


def table_digest(path: Path) -> str:
    """SHA-256 over every row of every table of the SQLite file at ``path`` (read-only), or
    of the database a server project's file names."""
    if is_pointer_file(path):
        return server_digest(path)
    digest = hashlib.sha256()
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        for table in tables:
            digest.update(table.encode())
            for row in sorted(connection.execute(f'SELECT * FROM "{table}"'), key=repr):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
