"""``storyframe codebook``: validate exit codes and messages, export/import round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

import annotators.cli.codebook_cmds  # noqa: F401  (registers the commands)
from annotators.cli.app import app
from annotators.codebook import DEFAULT_CODEBOOK_PATH, active_codebook, load_codebook_from_db
from annotators.coding import Coding
from annotators.errors import CodebookError
from annotators.project import Project
from annotators.store.models import Code

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str, BaseException | None]:
    result = runner.invoke(app, [str(a) for a in args])
    error = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.output, error


def test_validate_accepts_the_default_codebook() -> None:
    code, output, _ = invoke("codebook", "validate", DEFAULT_CODEBOOK_PATH)
    assert code == 0
    assert output.strip() == f"{DEFAULT_CODEBOOK_PATH}: valid (26 codes in 3 categories)"


def test_validate_prints_file_line_problems_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: Pilot\ncodes:\n  - id: donate\n    label: Donate\n    kind: pont\n"
        "  - id: donate\n    label: Again\n    kind: point\n    color: red\n",
        encoding="utf-8",
    )
    code, output, _ = invoke("codebook", "validate", bad)
    assert code == 1
    assert output.splitlines() == [
        f"{bad}:5: code 'donate': unknown kind 'pont' (one of category, point, interval, clip)",
        f"{bad}:6: duplicate id 'donate' (first defined on line 3)",
        f"{bad}:9: code 'donate': bad color 'red' (use #rrggbb)",
    ]


def test_validate_a_missing_file_is_a_user_error(tmp_path: Path) -> None:
    code, _output, error = invoke("codebook", "validate", tmp_path / "nope.yaml")
    assert code == 1 and isinstance(error, CodebookError)


def test_export_edit_import_keeps_ids_and_refuses_to_drop_coded_codes(
    project: Project, tmp_path: Path
) -> None:
    exported = tmp_path / "codebook.yaml"
    assert invoke("codebook", "export", project.path, "-o", exported)[0] == 0
    text = exported.read_text(encoding="utf-8")
    edited = tmp_path / "edited.yaml"
    edited.write_text(text.replace("label: Donate\n", "label: Give money\n"), encoding="utf-8")
    code, output, _ = invoke("codebook", "import", project.path, edited)
    assert code == 0 and "now version 2" in output and "changed: cta_donate" in output
    with project.session() as session:
        spec = load_codebook_from_db(session, active_codebook(session))
    assert spec.by_key()["cta_donate"].label == "Give money"

    show_code, shown, _ = invoke("codebook", "show", project.path)
    assert show_code == 0 and "Give money" in shown and "(version 2)" in shown
    assert invoke("codebook", "export", project.path, "-o", exported)[2] is not None  # exists


@pytest.mark.parametrize("confirm", [False, True])
def test_import_removing_a_coded_code_needs_retire(
    project: Project, tmp_path: Path, confirm: bool
) -> None:
    coding = Coding(project.session, times=lambda video: [i / 25 for i in range(100)])
    with project.session() as session:
        donate_id = session.exec(select(Code.id).where(Code.key == "cta_donate")).one()
    coding.add_annotation(1, donate_id, project.coder("ana").id, 12)
    text = DEFAULT_CODEBOOK_PATH.read_text(encoding="utf-8")
    start, end = text.index("      - id: cta_donate"), text.index("      - id: cta_share")
    smaller = tmp_path / "smaller.yaml"
    smaller.write_text(text[:start] + text[end:], encoding="utf-8")
    retire = ["--retire"] if confirm else []
    code, output, error = invoke("codebook", "import", project.path, smaller, *retire)
    if confirm:
        assert code == 0 and "retired: cta_donate" in output
    else:
        assert isinstance(error, CodebookError)
        assert "'cta_donate' (1 coded)" in str(error) and "--retire" in str(error)
        with project.session() as session:
            assert active_codebook(session).version == 1
