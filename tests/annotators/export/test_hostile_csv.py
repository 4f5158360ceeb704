"""Hostile csv-long files: long cells import back, wrong files are refused with a line and
change nothing, and random damage never raises anything but the project's own errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from annotators.errors import ExportError, StoryframeError
from annotators.export import csvread, export_long, import_long_csv
from annotators.project import Project
from annotators.store.models import Annotation
from tests.annotators.backends import ON_SERVER, ON_SQLITE
from tests.annotators.hostile import HOSTILE_TEXTS, table_digest

from .conftest import Coded
from .test_import import fresh_project


def _export(project: Project, path: Path) -> Path:
    with project.session() as session:
        export_long(session, path)
    return path


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_a_one_megabyte_note_survives_the_round_trip(
    coded: Coded, tmp_path: Path, new_database
) -> None:
    note = ("A long, careful memo; " * 50_000)[:1_000_000] + "\nend"
    with coded.project.session() as session:
        annotation = session.exec(select(Annotation).order_by(Annotation.id)).first()
        annotation.note = note
        session.add(annotation)
        session.commit()
    exported = _export(coded.project, tmp_path / "long.csv")
    with fresh_project(tmp_path, database=new_database()) as second:
        report = import_long_csv(second, exported)
        assert report.skipped == []
        with second.session() as session:
            notes = session.exec(select(Annotation.note)).all()
    assert note in notes


def test_a_runaway_cell_is_refused_with_its_line(
    coded: Coded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _rows(_export(coded.project, tmp_path / "a.csv"))
    note = rows[0].index("note")
    rows[1][note] = "x" * 5000
    damaged = _write(tmp_path / "b.csv", rows)
    limit = csv.field_size_limit()
    monkeypatch.setattr(csvread, "MAX_FIELD_CHARS", 1000)
    csv.field_size_limit(1000)
    try:
        with pytest.raises(ExportError, match=r"b\.csv:2: malformed CSV: a cell is longer than"):
            csvread.read_records(damaged)
    finally:
        csv.field_size_limit(limit)


def test_duplicate_columns_are_refused_by_name(coded: Coded, tmp_path: Path) -> None:
    rows = _rows(_export(coded.project, tmp_path / "a.csv"))
    value = rows[0].index("value")
    rows = [[*row, row[value]] for row in rows]  # a second 'value' column: which one is meant?
    damaged = _write(tmp_path / "dup.csv", rows)
    before = table_digest(coded.project.path)
    with pytest.raises(ExportError, match=r"column\(s\) 'value' appear more than once"):
        import_long_csv(coded.project, damaged)
    assert table_digest(coded.project.path) == before


def test_unknown_kind_is_refused_with_its_line(coded: Coded, tmp_path: Path, new_database) -> None:
    rows = _rows(_export(coded.project, tmp_path / "a.csv"))
    rows[1][rows[0].index("kind")] = "bogus"
    with fresh_project(tmp_path, database=new_database()) as second:
        before = table_digest(second.path)
        with pytest.raises(ExportError, match=r"k\.csv:2: kind 'bogus' is not one of point"):
            import_long_csv(second, _write(tmp_path / "k.csv", rows))
        assert table_digest(second.path) == before


def test_skipped_rows_exit_3_and_name_their_lines(
    coded: Coded, tmp_path: Path, new_database
) -> None:
    from annotators.cli import run_command

    rows = _rows(_export(coded.project, tmp_path / "a.csv"))
    rows[2][rows[0].index("code_key")] = "no_such_code"
    source = _write(tmp_path / "s.csv", rows)
    with fresh_project(tmp_path, database=new_database()) as second:
        path = second.path
    assert run_command(["annotations", "import", str(path), str(source)]) == 3
    assert run_command(["annotations", "import", str(path), str(tmp_path / "none.csv")]) == 1


# Cells a damaged or hostile file may hold, besides random text.
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(HOSTILE_TEXTS),
    st.sampled_from(
        ("nan", "inf", "-inf", "-5", "1e308", "1e400", "0x10", "1_000", "", " ", "point",
         "interval", "clip", "bogus", "9" * 5000, "\x00", '"', "\r\n")
    ),
)  # fmt: skip


@st.composite
def damaged_exports(draw: st.DrawFn, rows: list[list[str]]) -> str:
    """A real export with random cells replaced, rows dropped or doubled, columns renamed."""
    rows = [list(row) for row in rows]
    for _ in range(draw(st.integers(1, 6))):
        line = draw(st.integers(0, len(rows) - 1))
        action = draw(st.sampled_from(("cell", "cell", "cell", "drop", "double", "truncate")))
        if action == "cell" and rows[line]:
            rows[line][draw(st.integers(0, len(rows[line]) - 1))] = draw(CELLS)
        elif action == "drop" and len(rows) > 1:
            del rows[line]
        elif action == "double":
            rows.insert(line, list(rows[line]))
        elif action == "truncate":
            rows[line] = rows[line][: draw(st.integers(0, len(rows[line])))]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()):  # raw damage: an unclosed quote, a stray byte sequence
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(('"', "\ufeff", "\x00", "\udcff"))) + text[at:]
    return text


@pytest.fixture
def exported_rows(coded: Coded, tmp_path: Path) -> list[list[str]]:
    return _rows(_export(coded.project, tmp_path / "base.csv"))


def _import_damaged(tmp_path: Path, text: str, new_database) -> None:  # noqa: ANN001
    """Only the project's own errors come out; a refused file leaves every row as it was."""
    target = tmp_path / "target.storyframe"
    if not target.exists():
        fresh_project(tmp_path, "target", database=new_database()).close()
    source = tmp_path / "damaged.csv"
    source.write_bytes(text.encode("utf-8", "surrogateescape"))
    before = table_digest(target)
    with Project.open(target) as project:
        try:
            report = import_long_csv(project, source)
        except StoryframeError as error:
            event(f"refused: {str(error).split(': ')[-1][:30]}")
            assert table_digest(target) == before
            return
    event("imported" + (" with skipped rows" if report.skipped else ""))
    for skipped in report.skipped:
        assert skipped.line >= 2 and "try again" not in skipped.reason


@ON_SQLITE
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_damaged_exports_import_or_change_nothing(
    exported_rows: list[list[str]], tmp_path: Path, data: st.DataObject, new_database
) -> None:
    _import_damaged(tmp_path, data.draw(damaged_exports(exported_rows)), new_database)


@ON_SERVER  # the same property into a server project, on fewer examples
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_damaged_exports_never_change_a_server_project(
    exported_rows: list[list[str]], tmp_path: Path, data: st.DataObject, new_database
) -> None:
    _import_damaged(tmp_path, data.draw(damaged_exports(exported_rows)), new_database)


def test_a_nan_time_is_never_read_as_a_concurrent_change(
    coded: Coded, tmp_path: Path, new_database
) -> None:
    """Without the video file the CSV's times are used; a NaN must not be blamed on another
    writer ("the project changed, try again"), and nothing is stored."""
    rows = _rows(_export(coded.project, tmp_path / "a.csv"))
    header = rows[0]
    point = next(row for row in rows[1:] if row[header.index("kind")] != "clip")
    point[header.index("start_s")] = "nan"  # SQLite stores NaN as NULL: NOT NULL fails
    source = _write(tmp_path / "t.csv", [header, point])
    with fresh_project(
        tmp_path, database=new_database()
    ) as second:  # its videos have no files: CSV times are used
        before = table_digest(second.path)
        try:
            report = import_long_csv(second, source)
        except ExportError as error:
            assert "try again" not in str(error)
        else:
            assert report.annotations == 0 and len(report.skipped) == 1
            assert report.skipped[0].line == 2 and "try again" not in report.skipped[0].reason
        assert table_digest(second.path) == before
