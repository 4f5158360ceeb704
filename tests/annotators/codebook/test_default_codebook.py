"""The shipped social-cause codebook (GUIDE section 2) parses and carries what coders need."""

from __future__ import annotations

from annotators.codebook import (
    codebook_to_yaml,
    load_default_codebook,
    parse_codebook,
)


def test_default_codebook_has_the_guide_variables() -> None:
    spec = load_default_codebook()
    groups = {category.key: category for category in spec.codes}
    assert list(groups) == ["narrative", "calls_to_action", "clip_variables"]
    assert len(groups["narrative"].children) == 9
    assert {c.kind for c in groups["narrative"].children} == {"interval"}
    assert len(groups["calls_to_action"].children) == 11
    assert {c.kind for c in groups["calls_to_action"].children} == {"point"}
    assert [c.key for c in groups["clip_variables"].children] == [
        "primary_cause", "narrator_perspective", "sponsored_disclosed", "emotional_tone",
        "cta_explicitness", "coder_notes",
    ]  # fmt: skip


def test_every_time_anchored_code_is_documented_and_has_a_key() -> None:
    codes = [c for c in load_default_codebook().codes_only() if c.kind != "clip"]
    for code in codes:
        assert code.definition and code.include and code.exclude and code.examples, code.key
        assert code.shortcut and code.color, code.key
    assert len({code.shortcut for code in codes}) == len(codes)


def test_value_types_of_the_guide() -> None:
    codes = load_default_codebook().by_key()
    emotions = [o.value for o in codes["emotional_appeal"].options]
    assert emotions == ["sadness", "hope", "anger", "fear", "pride", "humor"]
    tone = codes["emotional_tone"]
    assert tone.value_type == "ordinal"
    assert [(o.value, o.label) for o in tone.options][::4] == [
        ("1", "Very negative"),
        ("5", "Very positive"),
    ]
    assert len(codes["primary_cause"].options) == 10
    assert codes["sponsored_disclosed"].value_type == "presence"
    assert [o.label for o in codes["sponsored_disclosed"].stored_options()] == ["yes", "no"]
    assert codes["coder_notes"].value_type == "text"


def test_written_yaml_reads_back_equal() -> None:
    spec = load_default_codebook()
    assert parse_codebook(codebook_to_yaml(spec)) == spec
