"""Hostile metadata files: refused as a whole with a clear ProjectError, never a traceback,
and a refused file changes no row of the project."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotators.errors import ProjectError
from annotators.project import Project
from tests.annotators.hostile import HOSTILE_TEXTS, table_digest
from tests.annotators.store.helpers import register

ID = "7301234567890123456"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    clip = tmp_path / f"@ana_video_{ID}.mp4"
    clip.write_bytes(b"not decoded here" * 100)
    opened = Project.create(tmp_path / "study.storyframe")
    register(opened, clip)
    yield opened
    opened.close()


def _refused(project: Project, path: Path, pattern: str) -> None:
    before = table_digest(project.path)
    started = time.perf_counter()
    with pytest.raises(ProjectError, match=pattern):
        project.import_metadata(path)
    assert time.perf_counter() - started < 1.0
    assert table_digest(project.path) == before


@pytest.mark.parametrize(
    ("name", "content", "pattern"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, "nested more than 64 levels"),
        ("deep2.json", f'[{{"id": "{ID}", "x": {"[" * 70 + "]" * 70}}}]', "nested more than 64"),
        ("shape.json", '{"data": 5}', "expected a list of objects"),
        ("scalars.json", "[1, 2, 3]", "expected a list of objects"),
        ("lines.json", f'{{"id": "{ID}"}}\n{{"id": oops}}\n', "line 2"),
        ("dup.csv", f"id,author,author\n{ID},a,b\n", "'author' appear more than once"),
        ("quote.csv", f'id,author\n{ID},"unclosed\n', "malformed CSV"),
        ("latin1.csv", "id,author\n1,Jos\xe9\n".encode("latin-1"), "not UTF-8"),
    ],
)  # fmt: skip
def test_bad_metadata_is_refused(
    project: Project, tmp_path: Path, name: str, content: str | bytes, pattern: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    _refused(project, path, pattern)


def test_huge_numbers_and_long_cells_are_kept(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "meta.json"
    long_text = "x" * 300_000  # over the csv module's default cell limit
    path.write_text(f'[{{"id": "{ID}", "plays": {"9" * 5000}, "body": "{long_text}"}}]')
    assert project.import_metadata(path).matched == [(1, ID)]
    meta = project.video(1).platform_meta
    assert meta["plays"] == "9" * 5000 and meta["body"] == long_text
    csv_path = tmp_path / "meta.csv"
    csv_path.write_text(f'id,body\n{ID},"{long_text}\nwith a newline"\n')
    assert project.import_metadata(csv_path).matched == [(1, ID)]
    assert project.video(1).platform_meta["body"] == long_text + "\nwith a newline"


def test_a_fifo_is_refused_instead_of_blocking(project: Project, tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.csv")
    _refused(project, tmp_path / "pipe.csv", "not a regular file")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=10) | st.sampled_from((ID, *HOSTILE_TEXTS)),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(("id", "video_id", "file", "data", "author", "x")), inner,
                      max_size=3),
    max_leaves=15,
)  # fmt: skip


@st.composite
def metadata_files(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(("json", "jsonl", "csv", "text")))
    if kind == "json":
        return "m.json", json.dumps(draw(JSON_VALUES)).encode()
    if kind == "jsonl":
        lines = draw(st.lists(JSON_VALUES, max_size=4))
        return "m.json", "\n".join(json.dumps(line) for line in lines).encode()
    if kind == "csv":
        cells = st.text(max_size=8) | st.sampled_from(("id", "file", ID, '"', ",", "\n", "\x00"))
        rows = draw(st.lists(st.lists(cells, max_size=4), max_size=4))
        return "m.csv", "\n".join(",".join(row) for row in rows).encode("utf-8", "surrogatepass")
    return draw(st.sampled_from(("m.json", "m.csv"))), draw(st.binary(max_size=200))


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(metadata_files())
def test_random_metadata_imports_or_changes_nothing(
    project: Project, tmp_path: Path, file: tuple[str, bytes]
) -> None:
    name, content = file
    path = tmp_path / name
    path.write_bytes(content)
    before = table_digest(project.path)
    try:
        project.import_metadata(path)
    except ProjectError as error:
        assert str(path) in str(error)
        assert table_digest(project.path) == before
