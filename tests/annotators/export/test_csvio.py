"""The CSV building blocks: the long export's own field encoder and the formula guard."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from annotators.export.csvio import csv_field, guard_formula, text_field, unguard_formula
from annotators.export.dictionary import COLUMNS as DICTIONARY
from annotators.export.long import COLUMNS as LONG
from annotators.export.wide import FIXED_COLUMNS as WIDE

HOSTILE = [
    "plain",
    "",
    "a,b",
    'say "hi"',
    "two\nlines",
    "cr\rhere",
    "crlf\r\nend",
    " leading space",
    "💜 emoji",
    "שלום עולם",
    'شكرا, "جدا"',
    "=SUM(A1)",
    "'quoted",
    "tab\tinside",
]


def test_field_encoder_matches_csv_writer() -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(HOSTILE)
    assert ",".join(csv_field(text) for text in HOSTILE) + "\r\n" == buffer.getvalue()
    assert next(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == HOSTILE


@pytest.mark.parametrize(
    ("text", "guarded"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 12", "'+33 6 12"),
        ("-dash", "'-dash"),
        ("@user", "'@user"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("'=already", "''=already"),  # one more quote, so unguarding is exact
        ("-3.5", "-3.5"),  # a number is not a formula
        ("+1e3", "+1e3"),
        ("a=b", "a=b"),
        ("'plain", "'plain"),
    ],
)
def test_formula_guard_and_its_inverse(text: str, guarded: str) -> None:
    assert guard_formula(text) == guarded
    assert unguard_formula(guard_formula(text)) == text


def test_text_field_guards_and_encodes_only_when_needed() -> None:
    assert text_field("plain words", guard_formula) == "plain words"
    assert text_field('=1, "x"', guard_formula) == '"\'=1, ""x"""'
    assert text_field("-5", guard_formula) == "-5"
    assert text_field("=1", lambda text: text) == "=1"  # guard off


def test_every_column_is_documented() -> None:
    doc = (Path(__file__).parents[3] / "docs" / "export-format.md").read_text(encoding="utf-8")
    missing = [c.name for c in (*LONG, *WIDE, *DICTIONARY) if f"| `{c.name}` |" not in doc]
    assert not missing
