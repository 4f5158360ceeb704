"""Hostile coder files: damaged bytes or edited rows are refused and change nothing."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotators.errors import StudyError
from annotators.study import draw_sample, merge, pack
from tests.annotators.backends import ON_SERVER, ON_SQLITE

from .conftest import Lead, table_digest
from .test_pack_merge import _code_clip

damage = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0.0, 0.99)),
    st.tuples(
        st.just("overwrite"),
        st.lists(
            st.tuples(st.floats(0.0, 0.999), st.binary(min_size=1, max_size=64)),
            min_size=1,
            max_size=6,
        ),
    ),  # fmt: skip
)


def _damaged(data: bytes, how: tuple) -> bytes:
    kind, detail = how
    if kind == "truncate":
        return data[: int(len(data) * detail)]
    out = bytearray(data)
    for where, chunk in detail:
        start = int(len(out) * where)
        out[start : start + len(chunk)] = chunk
    return bytes(out[: len(data)])


def _merge_damaged(lead: Lead, tmp_path: Path, how: tuple) -> None:
    coder_file = tmp_path / "Ana.storyframe"
    if not coder_file.exists():
        draw_sample(lead.project, fraction=0.5, coders=["Ana", "Ben"], seed=5)
        pack(lead.project, "Ana", coder_file)
        _code_clip(coder_file, "Ana", 3, "4")
    bad = tmp_path / "bad.storyframe"
    bad.write_bytes(_damaged(coder_file.read_bytes(), how))
    before = table_digest(lead.project.path)
    try:
        merge(lead.project, bad)
    except StudyError as error:
        assert "\n" not in str(error)
        assert table_digest(lead.project.path) == before


@ON_SQLITE
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(how=damage)
def test_a_damaged_coder_file_is_refused_or_merged_never_a_crash(
    lead: Lead, tmp_path: Path, how: tuple
) -> None:
    _merge_damaged(lead, tmp_path, how)


@ON_SERVER  # the same property into a server project, on fewer examples
@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(how=damage)
def test_a_damaged_coder_file_never_changes_a_server_project(
    lead: Lead, tmp_path: Path, how: tuple
) -> None:
    _merge_damaged(lead, tmp_path, how)


def test_rows_no_coding_could_make_are_refused(lead: Lead, tmp_path: Path) -> None:
    draw_sample(lead.project, fraction=0.5, coders=["Ana", "Ben"], seed=5)
    coder_file = pack(lead.project, "Ana", tmp_path / "Ana.storyframe").path
    _code_clip(coder_file, "Ana", 3, "4")
    with closing(sqlite3.connect(coder_file)) as connection:
        connection.execute("UPDATE annotation SET start_frame = 99999")
        connection.commit()
    before = table_digest(lead.project.path)
    try:
        merge(lead.project, coder_file)
    except StudyError as error:
        assert "3 rows no coding could have made" in str(error)
    else:
        raise AssertionError("a file with frames outside its clips was merged")
    assert table_digest(lead.project.path) == before
