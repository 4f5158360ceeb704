"""The codebook's optional ``level:`` key: parsed, checked against the value type, stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from annotators.codebook import (
    CodebookValidationError,
    codebook_to_yaml,
    install_codebook,
    load_codebook_from_db,
    parse_codebook,
)
from annotators.project import Project
from annotators.reliability.data import code_level
from annotators.store.models import Code

BOOK = """\
name: Levels
codes:
  - id: tone
    label: Tone
    kind: clip
    value_type: ordinal
    level: {level}
    scale:
      - {{value: 1, label: low}}
      - {{value: 2, label: high}}
  - id: cause
    label: Cause
    kind: clip
    value_type: nominal
    options: [health, climate]
"""


def test_level_is_read_stored_and_written_back(tmp_path: Path, database: str | None) -> None:
    spec = parse_codebook(BOOK.format(level="interval"))
    by_key = spec.by_key()
    assert by_key["tone"].level == "interval" and by_key["cause"].level is None
    assert parse_codebook(codebook_to_yaml(spec)) == spec
    project = Project.create(tmp_path / "l.storyframe", default_codebook=False, database=database)
    with project, project.session() as session:
        book = install_codebook(session, spec)
        session.commit()
        assert load_codebook_from_db(session, book) == spec
        rows = {row.key: row for row in session.exec(select(Code))}
    assert code_level(rows["tone"]) == "interval"
    assert code_level(rows["cause"]) == "nominal"  # the value type's default


@pytest.mark.parametrize(
    ("text", "message"),
    [(BOOK.format(level="cardinal"), "unknown level 'cardinal'"),
     (BOOK.replace("options: [health, climate]", "options: [health]\n    level: ordinal")
      .format(level="ordinal"), "level 'ordinal' does not fit value type nominal"),
     (BOOK.format(level="[1, 2]"), "unknown level")],
)  # fmt: skip
def test_bad_levels_are_listed_with_their_line(text: str, message: str) -> None:
    with pytest.raises(CodebookValidationError, match=message) as error:
        parse_codebook(text, source="levels.yaml")
    assert str(error.value).startswith("levels.yaml:")
