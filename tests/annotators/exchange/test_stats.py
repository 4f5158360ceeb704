"""SPSS .sav and Stata .dta exports, read back with pyreadstat."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pyreadstat
import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotators.exchange.stats import export_stats, spss_name, stata_name
from annotators.export import ExportFilter, export_wide
from tests.annotators.export import conftest as export_fixtures
from tests.annotators.export.conftest import Coded

coded = export_fixtures.coded  # the fixture: a small coded project


@pytest.fixture(params=["sav", "dta"])
def fmt(request: pytest.FixtureRequest) -> str:
    return request.param


def _read(path: Path):  # noqa: ANN202
    return (pyreadstat.read_sav if path.suffix == ".sav" else pyreadstat.read_dta)(str(path))


def test_wide_values_equal_csv_wide_and_carry_labels(
    coded: Coded,
    tmp_path: Path,
    fmt: str,
) -> None:
    with coded.project.session() as session:
        result = export_stats(session, fmt, tmp_path / f"wide.{fmt}")
        export_wide(session, tmp_path / "wide.csv")
    frame, meta = _read(result.path)
    with (tmp_path / "wide.csv").open(encoding="utf-8", newline="") as file:
        csv_rows = list(csv.DictReader(file))
    assert len(frame) == len(csv_rows) == result.rows == 3
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["donate_count"] == "Donate: count"
    assert labels["tone"] == "Overall emotional tone"
    # ordinal scale 1-5 keeps its numbers, labelled from the codebook
    assert meta.variable_value_labels["tone"][4] == "level 4"
    assert meta.variable_value_labels["donate_present"] == {0: "absent", 1: "present"}
    assert list(frame.columns) == list(csv_rows[0])  # every csv-wide column, same order
    for index, csv_row in enumerate(csv_rows):
        for name, cell in csv_row.items():
            value = frame[name][index]
            if isinstance(value, float):
                assert (math.isnan(value) and cell == "") or value == pytest.approx(float(cell))
            else:
                assert value == cell.lstrip("'")  # csv-wide guards formulas, stats files need not


def test_long_table_is_written_beside_with_every_annotation(
    coded: Coded,
    tmp_path: Path,
    fmt: str,
) -> None:
    with coded.project.session() as session:
        result = export_stats(session, fmt, tmp_path / f"study.{fmt}")
    assert result.long_path.name == f"study_long.{fmt}"
    frame, meta = _read(result.long_path)
    assert len(frame) == result.long_rows == 9  # 6 annotations + 3 clip values
    assert "sadness" in set(frame["value"]) and sorted(set(frame["kind"])) == [
        "clip",
        "interval",
        "point",
    ]
    assert meta.column_names_to_labels["start_frame"].startswith("first frame")
    starts = sorted(frame["start_frame"].dropna().astype(int))
    assert starts == [0, 12, 30, 31, 100, 200]


def test_filters_apply(coded: Coded, tmp_path: Path) -> None:
    with coded.project.session() as session:
        result = export_stats(session, "sav", tmp_path / "a.sav", ExportFilter(coders=["alice"]))
    frame, _meta = _read(result.path)
    assert set(frame["coder"]) == {"alice"}


def test_nominal_text_values_are_numbered_with_their_labels(tmp_path: Path, coded: Coded) -> None:
    """A clip-level nominal variable with text values: 1, 2... in codebook order (Stata
    labels only integers), each labelled with the option's label."""
    from sqlmodel import select

    from annotators.store.models import ClipValue, Code

    with coded.project.session() as session:
        tone = session.exec(select(Code).where(Code.key == "tone")).one()
        tone.value_type = "nominal"
        tone.options = [{"value": "warm", "label": "Warm"}, {"value": "cold", "label": "Cold"}]
        value = session.exec(select(ClipValue).where(ClipValue.code_id == tone.id)).one()
        value.value = "cold"
        session.commit()
        result = export_stats(session, "dta", tmp_path / "n.dta")
    frame, meta = _read(result.path)
    assert meta.variable_value_labels["tone"] == {1: "Warm", 2: "Cold"}
    assert 2.0 in set(frame["tone"])


def test_unwritable_path_is_an_export_error(coded: Coded, tmp_path: Path) -> None:
    from annotators.errors import ExportError

    (tmp_path / "file").write_text("x")
    with coded.project.session() as session, pytest.raises(ExportError):
        export_stats(session, "sav", tmp_path / "file" / "out.sav")


SPSS_NAME = re.compile(r"[A-Za-z\u00c0-\uffff][\w.@#]*")


@given(st.lists(st.text(min_size=0, max_size=80), min_size=1, max_size=20))
def test_names_are_legal_and_unique_for_each_format(names: list[str]) -> None:
    spss_taken: set[str] = set()
    stata_taken: set[str] = set()
    spss = [spss_name(n, spss_taken) for n in names]
    stata = [stata_name(n, stata_taken) for n in names]
    assert len({n.lower() for n in spss}) == len(names)
    assert len({n.lower() for n in stata}) == len(names)
    for name in spss:
        assert len(name.encode("utf-8")) <= 64 and re.fullmatch(r"[^\W\d_][\w.@#]*", name)
        assert name.upper() not in {"ALL", "AND", "BY", "TO", "WITH", "NOT", "OR"}
    for name in stata:
        assert len(name) <= 32 and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name)


def test_long_code_keys_get_legal_names_with_their_labels(
    coded: Coded, tmp_path: Path, fmt: str
) -> None:
    from sqlmodel import select

    from annotators.store.models import Code

    long_key = "a_very_long_code_key_that_no_statistics_package_accepts_as_it_is"
    with coded.project.session() as session:
        donate = session.exec(select(Code).where(Code.key == "donate")).one()
        donate.key = long_key
        session.commit()
        result = export_stats(session, fmt, tmp_path / "out")  # suffix added
    assert result.path.name == f"out.{fmt}"
    frame, meta = _read(result.path)
    renamed = {old: new for old, new in result.renamed.items() if old.startswith(long_key)}
    assert len(renamed) == 4 and len(set(renamed.values())) == 4
    present = renamed[f"{long_key}_present"]
    assert meta.column_names_to_labels[present].startswith(f"{long_key}_present: Donate")
    assert meta.variable_value_labels[present] == {0: "absent", 1: "present"}
    assert list(frame[renamed[f"{long_key}_count"]]) == [1.0, 1.0, 0.0]  # a: alice, bob; b: bob


def test_cli_writes_both_tables(coded: Coded, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from annotators.cli import _load_commands
    from annotators.cli.app import app

    _load_commands()
    out = tmp_path / "study.dta"
    run = CliRunner().invoke(app, ["export", str(coded.project.path), "-f", "dta", "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert out.exists() and (tmp_path / "study_long.dta").exists()
    assert "study_long.dta" in run.output


def test_the_default_codebook_exports_with_every_column(
    tmp_path: Path, fmt: str, database: str | None
) -> None:
    """The default codebook's long keys: names are cut to fit, labelled ones shorter still
    (pyreadstat names each label set after its variable plus a counter)."""
    from sqlmodel import select

    from annotators.project import Project
    from annotators.store.models import Annotation, Code, Coder
    from tests.annotators.export.conftest import add_video

    with (
        Project.create(tmp_path / "default.storyframe", database=database) as project,
        project.session() as session,
    ):
        video = add_video(session, "a.mp4")
        coder = Coder(name="ana")
        session.add(coder)
        session.flush()
        code = session.exec(select(Code).where(Code.kind == "interval")).first()
        session.add(
            Annotation(video_id=video, code_id=code.id, coder_id=coder.id, start_frame=0,
                       end_frame=5, start_s=0.0, end_s=0.2)
        )  # fmt: skip
        session.commit()
        result = export_stats(session, fmt, tmp_path / f"default.{fmt}")
        export_wide(session, tmp_path / "wide.csv")
    frame, meta = _read(result.path)
    with (tmp_path / "wide.csv").open(encoding="utf-8", newline="") as file:
        header = next(csv.reader(file))
    assert len(frame.columns) == len(header) > 60
    assert len(meta.variable_value_labels) > 20
