"""Every validation problem is reported as ``file:line: problem``, all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from annotators.codebook import CodebookValidationError, parse_codebook, read_codebook
from annotators.errors import CodebookError

VALID = """\
name: Test codebook
codes:
  - id: cta
    label: Calls to action
    kind: category
    codes:
      - id: donate
        label: Donate
        kind: point
        shortcut: D
        color: "#aa0000"
      - id: emotion
        label: Emotion
        kind: interval
        value_type: nominal
        options: [sadness, {value: hope, label: Hope}]
  - id: tone
    label: Tone
    kind: clip
    value_type: ordinal
    scale:
      - {value: 1, label: negative}
      - {value: 2, label: positive}
"""


def with_lines(replacements: dict[int, str]) -> str:
    """``VALID`` with the given 1-based lines replaced (a line may become several)."""
    lines = VALID.splitlines()
    for number, text in replacements.items():
        lines[number - 1] = text
    return "\n".join(lines) + "\n"


def problems_of(text: str) -> list[str]:
    with pytest.raises(CodebookValidationError) as caught:
        parse_codebook(text, source="cb.yaml")
    return str(caught.value).splitlines()


def test_the_base_document_is_valid() -> None:
    spec = parse_codebook(VALID)
    assert [code.key for code in spec.codes_only()] == ["donate", "emotion", "tone"]
    assert spec.by_key()["emotion"].options[0].label == "sadness"


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        (
            {7: "      - id: emotion"},
            "cb.yaml:12: duplicate id 'emotion' (first defined on line 7)",
        ),
        ({7: "      - id: Donate Now"}, "cb.yaml:7: id 'Donate Now' must be snake_case"),
        (
            {8: "        labl: Donate"},
            "cb.yaml:8: code 'donate': unknown key 'labl' (did you mean 'label'?)",
        ),
        ({8: "        label: ''"}, "cb.yaml:7: code 'donate' has no 'label'"),
        (
            {9: "        kind: pont"},
            "cb.yaml:9: code 'donate': unknown kind 'pont' (one of category",
        ),
        ({9: "        shortcut: D"}, "cb.yaml:10: duplicate key 'shortcut' (first on line 9)"),
        ({10: "        shortcut: Ctrl+Q+"}, "cb.yaml:10: code 'donate': bad shortcut"),
        (
            {10: "        shortcut: k"},
            "cb.yaml:10: code 'donate': shortcut 'K' is reserved for pause",
        ),
        ({11: '        color: "red"'}, "cb.yaml:11: code 'donate': bad color 'red' (use #rrggbb)"),
        ({15: "        value_type: categorical"}, "cb.yaml:15: code 'emotion': unknown value type"),
        ({16: "        options: []"}, "cb.yaml:16: code 'emotion': empty 'options'"),
        ({16: "        options: [a, b, a]"}, "cb.yaml:16: code 'emotion': duplicate value 'a'"),
        ({16: "        scale: [a]"}, "cb.yaml:15: code 'emotion': nominal code without 'options'"),
        (
            {21: "    options: [1, 2]", 22: "", 23: ""},
            "cb.yaml:21: code 'tone': 'options' is not used by ordinal codes; "
            "ordinal codes use 'scale'",
        ),
        (
            {22: "      - {value: low, label: negative}"},
            "cb.yaml:22: code 'tone': scale entries need an integer 'value'",
        ),
        ({22: "      - {value: 1}"}, "cb.yaml:22: code 'tone': scale value 1 has no label"),
        (
            {5: "    kind: category\n    shortcut: C"},
            "cb.yaml:6: category 'cta': unknown key 'shortcut'",
        ),
        ({1: "name: Test codebook\ntitle: x"}, "cb.yaml:2: the codebook: unknown key 'title'"),
        ({1: "name: ''"}, "cb.yaml:1: the codebook has no 'name'"),
        ({1: "format: 2\nname: x"}, "cb.yaml:1: format 2 is not understood"),
    ],
)
def test_each_problem_names_file_and_line(replacements: dict[int, str], expected: str) -> None:
    messages = problems_of(with_lines(replacements))
    assert any(message.startswith(expected) for message in messages), messages


def test_ordinal_without_scale_and_missing_kind() -> None:
    text = with_lines({20: "    value_type: ordinal", 21: "    notes: x", 22: "", 23: ""})
    text = text.replace("        kind: interval\n", "")
    messages = problems_of(text)
    assert (
        "cb.yaml:12: code 'emotion' has no 'kind' (one of category, point, interval, clip)"
        in messages
    )
    assert "cb.yaml:19: code 'tone': ordinal code without 'scale'" in messages


def test_duplicate_shortcut_names_the_other_code() -> None:
    text = with_lines({16: "        options: [a]\n        shortcut: d"})
    assert (
        "cb.yaml:17: code 'emotion': duplicate shortcut 'D' (also 'donate' on line 10)"
        in problems_of(text)
    )


def test_all_problems_are_reported_together_in_line_order() -> None:
    text = with_lines(
        {9: "        kind: pont", 11: "        color: red", 16: "        options: []"}
    )
    messages = problems_of(text)
    assert [m.split(":")[1] for m in messages] == ["9", "11", "16"]


def test_yaml_syntax_error_has_a_line() -> None:
    messages = problems_of(with_lines({16: "        options: [sadness, hope"}))
    assert len(messages) == 1 and messages[0].startswith("cb.yaml:17: YAML syntax error")


def test_yes_and_no_stay_text() -> None:
    spec = parse_codebook(with_lines({16: "        options: [yes, no]"}))
    assert [o.value for o in spec.by_key()["emotion"].options] == ["yes", "no"]


def test_not_a_mapping() -> None:
    assert problems_of("- just\n- a list\n") == [
        "cb.yaml:1: a codebook must be a mapping with name and codes"
    ]


def test_read_codebook_names_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="no such codebook file"):
        read_codebook(tmp_path / "missing.yaml")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CodebookError, match=r"binary.yaml: not a text file in UTF-8"):
        read_codebook(binary)


def test_messages_use_the_path_given(tmp_path: Path) -> None:
    path = tmp_path / "my codebook.yaml"
    path.write_text(textwrap.dedent(with_lines({11: "        color: blue"})), encoding="utf-8")
    with pytest.raises(CodebookValidationError) as caught:
        read_codebook(path)
    assert str(caught.value) == f"{path}:11: code 'donate': bad color 'blue' (use #rrggbb)"
