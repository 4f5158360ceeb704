"""Hostile codebook YAML: refused quickly with ``file:line: problem``, never a hang or traceback.

The property tests feed random text and mutated codebooks to the parser and to
``storyframe codebook import``: only :class:`CodebookError` may come out, and a refused codebook
leaves every row of the project as it was.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotators.codebook import parse_codebook, read_codebook
from annotators.codebook.parse import MAX_CODEBOOK_BYTES
from annotators.codebook.spec import CodebookSpec
from annotators.errors import CodebookError
from annotators.project import Project
from tests.annotators.hostile import HOSTILE_TEXTS, table_digest

VALID = """\
name: Study
codes:
  - id: cta
    label: Calls to action
    kind: category
    codes:
      - id: donate
        label: Donate
        kind: point
        shortcut: d
  - id: tone
    label: Tone
    kind: clip
    value_type: ordinal
    scale:
      - {value: 1, label: low}
      - {value: 2, label: high}
"""


def _bomb(levels: int) -> str:
    lines = ['l0: &l0 ["x","x","x","x","x","x","x","x","x"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]")
    return (
        "\n".join(lines) + f"\nname: bomb\ncodes:\n  - {{id: a, label: A, kind: *l{levels - 1}}}\n"
    )


HOSTILE = {
    "alias bomb": (_bomb(9), 6, "alias bomb"),  # 9**9 = 387 million strings if expanded
    "alias bomb in a kind": (
        "name: x\ncodes:\n  - id: a\n    label: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"    x{n}: &a{n} [{', '.join(['*a' if n == 0 else f'*a{n - 1}'] * 10)}]\n"
            for n in range(6)
        )
        + "    kind: *a5\n",
        8,
        "alias bomb",
    ),
    "alias inside itself": ("name: &n [*n]\ncodes: []\n", 1, "contains it"),
    "aliases chained deeper than the limit": (
        "a0: &a0 "
        + "[" * 20
        + "]" * 20
        + "\n"
        + "".join(f"a{n}: &a{n} {'[' * 20}*a{n - 1}{']' * 20}\n" for n in range(1, 80))
        + "name: x\ncodes: []\n",
        1,  # where the list used too deep through an alias starts
        "levels deep once aliases are expanded",
    ),
    "NUL byte": ("name: x\x00\ncodes: []\n", 1, "not allowed"),
    "list as key": ("name: x\n? [a, b]\n: 1\ncodes: []\n", 2, "a key must be text"),
    "mapping as key": ("name: x\ncodes:\n  - {id: a, {k: 1}: 2}\n", 3, "a key must be text"),
    "deep nesting": ("name: " + "[" * 5000 + "]" * 5000 + "\n", 1, "levels deep"),
    "deep block nesting": (
        "".join("  " * n + f"k{n}:\n" for n in range(200)) + "\n",
        32,
        "levels deep",
    ),
    "5,000-digit integer": ("format: " + "9" * 5000 + "\nname: x\ncodes: []\n", 1, "5,000 digits"),
    "bad explicit tag": ("name: !!int abc\ncodes: []\n", 1, "cannot read the value"),
    "bad explicit bool": ("name: x\ndescription: !!bool maybe\ncodes: []\n", 2, "cannot read"),
    "python object tag": ("name: !!python/object:os.system x\ncodes: []\n", 1, "constructor"),
    "two documents": ("name: x\n---\nname: y\n", 2, "single document"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_yaml_is_refused_fast_with_a_line(name: str) -> None:
    text, line, words = HOSTILE[name]
    started = time.perf_counter()
    with pytest.raises(CodebookError) as refused:
        parse_codebook(text, source="cb.yaml")
    elapsed = time.perf_counter() - started
    message = str(refused.value)
    assert elapsed < 0.5, f"{name} took {elapsed:.2f} s"
    assert any(
        entry.startswith(f"cb.yaml:{line}:") and words in entry for entry in message.splitlines()
    ), message
    assert len(message) < 2000  # values are quoted short, never expanded


def test_dates_stay_text() -> None:
    assert parse_codebook(VALID.replace("name: Study", "name: 2020-13-45")).name == "2020-13-45"
    for name in ("!!timestamp 2020-13-45", "!!timestamp not a date"):
        assert parse_codebook(VALID.replace("Study", name)).name == name.split(" ", 1)[1]


def test_aliases_within_limits_still_work() -> None:
    text = VALID.replace("kind: point", "kind: &k point") + "  - {id: other, label: O, kind: *k}\n"
    assert parse_codebook(text).by_key()["other"].kind == "point"


def test_huge_and_special_files_are_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text(VALID + "#" * MAX_CODEBOOK_BYTES)
    started = time.perf_counter()
    with pytest.raises(CodebookError, match="too large for a codebook"):
        read_codebook(huge)
    assert time.perf_counter() - started < 0.2
    fifo = tmp_path / "pipe.yaml"
    import os

    os.mkfifo(fifo)
    with pytest.raises(CodebookError, match="not a regular file"):
        read_codebook(fifo)  # reading it would block for ever


def _value_strategy() -> st.SearchStrategy:
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
        st.sampled_from(HOSTILE_TEXTS), st.sampled_from(("point", "clip", "nominal", "ordinal")),
    )  # fmt: skip
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(("id", "label", "kind", "codes", "x")), inner, max_size=4
            )
        ),
        max_leaves=20,
    )


FRAGMENTS = (
    "&a", "*a", "*b", "!!int", "!!bool", "!!float", "!!str", "!!null", "!!binary", "!!set",
    "!!omap", "!!pairs", "!!timestamp", "<<: *a", "<<: [*a, x]", "? [x]",
    "\x00", "\ufeff", "\t", "{", "[", "'", '"', "|", ">", "---", "...", "%YAML 1.1", "- ", ": ",
    "9" * 5000, "!foo", "&a [*a]",
)  # fmt: skip


@st.composite
def mutated_codebooks(draw: st.DrawFn) -> str:
    """The valid codebook with random lines replaced by hostile YAML fragments."""
    lines = VALID.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        fragment = draw(st.sampled_from(FRAGMENTS))
        keep = draw(st.integers(0, len(lines[at])))
        lines[at] = lines[at][:keep] + fragment + lines[at][keep:]
    return "\n".join(lines) + "\n"


def _parse_or_refuse(text: str) -> CodebookSpec | None:
    try:
        return parse_codebook(text, source="cb.yaml")
    except CodebookError as error:
        for entry in str(error).splitlines():  # every problem is "file:line: message"
            assert entry.startswith("cb.yaml"), entry
        return None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_random_text_is_parsed_or_refused(text: str) -> None:
    _parse_or_refuse(text)


@settings(max_examples=150, deadline=None)
@given(mutated_codebooks())
def test_mutated_codebooks_are_parsed_or_refused(text: str) -> None:
    _parse_or_refuse(text)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(("name", "codes", "format", "x")), _value_strategy()))
def test_random_documents_are_parsed_or_refused(document: dict) -> None:
    _parse_or_refuse(yaml.safe_dump(document, allow_unicode=True))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=mutated_codebooks())
def test_refused_codebook_import_changes_nothing(tmp_path: Path, text: str) -> None:
    """``codebook import`` through the CLI boundary: refused means not one row changed."""
    from annotators.cli import run_command

    project = tmp_path / "p.storyframe"
    if not project.exists():
        Project.create(project).close()
    source = tmp_path / "cb.yaml"
    source.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = table_digest(project)
    code = run_command(["codebook", "import", str(project), str(source)])
    assert code in (0, 1)
    if code == 1:
        assert table_digest(project) == before
