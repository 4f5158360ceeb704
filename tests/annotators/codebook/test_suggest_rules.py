"""``suggest:`` rules: parsed, written back, and refused with their line when wrong."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from annotators.analysis.matching import find_spans, rule_patterns
from annotators.codebook import (
    CodebookValidationError,
    codebook_to_yaml,
    load_default_codebook,
    parse_codebook,
)
from annotators.codebook.rules import SOURCES, SuggestRule
from annotators.errors import CodebookError

HEAD = """\
name: Rules
codes:
  - id: donate
    label: Donate
    kind: point
    suggest:
"""


def _parse(rules: str) -> tuple[SuggestRule, ...]:
    return parse_codebook(HEAD + rules, source="rules.yaml").by_key()["donate"].suggest


def _problems(rules: str) -> str:
    with pytest.raises(CodebookValidationError) as caught:
        parse_codebook(HEAD + rules, source="rules.yaml")
    return str(caught.value)


def test_rules_parse_with_defaults_and_names() -> None:
    rules = _parse(
        "      - phrases: [please donate, fundraiser]\n"
        "      - name: money\n"
        "        regex: ['\\$\\d+']\n"
        "        sources: [screen]\n"
    )
    assert rules[0] == SuggestRule("donate#1", phrases=("please donate", "fundraiser"))
    assert rules[0].sources == SOURCES
    assert (rules[1].name, rules[1].regex, rules[1].sources) == ("money", (r"\$\d+",), ("screen",))


def test_rules_survive_writing_back() -> None:
    spec = load_default_codebook()
    again = parse_codebook(codebook_to_yaml(spec))
    assert [c.suggest for c in again.codes_only()] == [c.suggest for c in spec.codes_only()]
    assert any(c.suggest for c in spec.codes_only())


def test_bad_regex_is_refused_with_its_line() -> None:
    message = _problems("      - regex: ['(unclosed']\n")
    assert "rules.yaml:7:" in message and "bad regex '(unclosed'" in message


def test_unknown_source_and_empty_rule_are_refused() -> None:
    message = _problems(
        "      - phrases: [donate]\n        sources: [radio]\n      - name: nothing\n"
    )
    assert "rules.yaml:8:" in message and "unknown source 'radio'" in message
    assert "rules.yaml:9:" in message and "give 'phrases', 'regex' or 'from_metadata'" in message


def test_regex_matching_empty_text_and_unknown_key_are_refused() -> None:
    message = _problems("      - regex: ['x*']\n        phrase: [typo]\n")
    assert "matches empty text" in message
    assert "unknown key 'phrase'" in message and "did you mean 'phrases'" in message


def test_suggest_must_be_a_list_of_mappings() -> None:
    assert "'suggest' must be a list" in _problems("      donate\n")
    assert "each 'suggest' rule must be a mapping" in _problems("      - donate\n")


def test_project_keeps_rules_in_its_versions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from annotators.codebook import active_codebook, export_codebook_yaml, update_codebook
    from annotators.codebook.rule_store import suggest_rules
    from annotators.project import Project

    with Project.create(tmp_path / "p.storyframe") as project, project.session() as session:
        book = active_codebook(session)
        assert suggest_rules(session, book)["cta_donate"][0].name == "donate"
        exported = parse_codebook(export_codebook_yaml(session, book))
        assert (
            exported.by_key()["hashtag"].suggest
            == load_default_codebook().by_key()["hashtag"].suggest
        )
        # a new version without the donate rules: the project reads the new version's rules
        spec = load_default_codebook()
        edited = codebook_to_yaml(spec).replace("- name: donate\n", "- name: give\n")
        update_codebook(session, book, parse_codebook(edited), yaml_text=edited)
        session.commit()
        assert suggest_rules(session, book)["cta_donate"][0].name == "give"


@pytest.mark.parametrize("pattern", ["(a+)+$", "(\\\\w+\\\\s?)*end", "(x+){2,}"])
def test_nested_repeats_are_refused(pattern: str) -> None:
    assert "repeats a group that repeats" in _problems(f"      - regex: ['{pattern}']\n")


def test_default_rules_have_no_nested_repeats() -> None:
    assert load_default_codebook()  # parses: no default rule is refused


_rule_value = st.one_of(
    st.text(max_size=40),
    st.lists(st.text(max_size=20), max_size=3),
    st.integers(),
    st.none(),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)


@settings(max_examples=150, deadline=None)
@given(
    rule=st.dictionaries(
        st.sampled_from(["name", "phrases", "regex", "from_metadata", "sources", "value", "x"]),
        _rule_value,
        max_size=5,
    ),
    text=st.text(max_size=200),
)
def test_hostile_rules_are_refused_or_match_safely(rule: dict, text: str) -> None:
    document = yaml.safe_load(HEAD + "      []\n")
    document["codes"][0]["suggest"] = [rule]
    try:
        spec = parse_codebook(yaml.safe_dump(document), source="rules.yaml")
    except CodebookError as error:
        assert str(error).startswith("rules.yaml:")
        return
    for parsed in spec.by_key()["donate"].suggest:
        find_spans(rule_patterns(parsed, {"organization": text}), text)
