"""Suggestions in exports and reliability (left out unless asked), and the default rules'
precision and recall on a small labelled set of spoken and on-screen texts."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from annotators.analysis.matching import find_spans, rule_patterns
from annotators.analysis.suggest import accept, reject, suggest_for_clip
from annotators.cli import export_cmds  # noqa: F401 (registers the export command)
from annotators.cli.app import app
from annotators.codebook import load_default_codebook
from annotators.coding import Coding
from annotators.jobs import run_job
from annotators.project import Project
from annotators.reliability.data import load_study
from annotators.store.models import Code, Video

SPEECH = Path(__file__).parents[2] / "data" / "speech.mp4"
runner = CliRunner()


@pytest.fixture
def decided(tmp_path: Path, database: str | None) -> Iterator[tuple[Project, dict[str, str]]]:
    """Caption suggestions for coder ana: donate accepted, petition rejected, mention pending."""
    shutil.copy(SPEECH, tmp_path / "speech.mp4")
    project = Project.create(tmp_path / "study.storyframe", database=database)
    run_job(project.import_media([tmp_path / "speech.mp4"]))
    with project.session() as session:
        video = session.exec(select(Video)).one()
        video.platform_meta = {"caption": "donate, sign the petition @helpfund"}
        session.add(video)
        session.commit()
        video_id = video.id
    ana = project.coder("ana").id
    made = {s.rule: s.annotation_uid for s in suggest_for_clip(project, video_id, ana)}
    accept(project, made["donate"], ana)
    reject(project, made["sign_petition"], ana)
    yield project, made
    project.close()


def _long_rows(project: Project, path: Path, *flags: str) -> list[dict[str, str]]:
    args = ["export", str(project.path), "-f", "csv-long", "-o", str(path), *flags]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    with path.open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["annotation_id"]]


def test_export_leaves_out_suggestions_not_accepted(decided, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project, _made = decided
    rows = _long_rows(project, tmp_path / "long.csv")
    assert [(r["code_key"], r["source"], r["suggested_rule"]) for r in rows] == [
        ("cta_donate", "manual", "donate")
    ]
    every = _long_rows(project, tmp_path / "all.csv", "--include-suggested")
    found = sorted((r["code_key"], r["source"], r["suggested_rule"]) for r in every)
    assert found == [
        ("cta_donate", "manual", "donate"),
        ("cta_sign_petition", "suggested", "sign_petition"),
        ("organization_mention", "suggested", "mention"),
    ]


def test_wide_export_counts_only_accepted(decided, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project, _made = decided
    for flags, expected in (((), ""), (("--include-suggested",), "1")):
        out = tmp_path / f"wide{len(flags)}.csv"
        args = ["export", str(project.path), "-f", "csv-wide", "-o", str(out), *flags]
        assert runner.invoke(app, args).exit_code == 0
        with out.open(encoding="utf-8", newline="") as handle:
            (row,) = list(csv.DictReader(handle))
        assert row["cta_donate_count"] == "1"
        assert row["cta_sign_petition_count"].strip("0") == expected


def test_reliability_counts_suggestions_only_when_asked(decided) -> None:  # type: ignore[no-untyped-def]
    project, _made = decided
    coding = Coding.for_project(project)
    with project.session() as session:
        video_id = session.exec(select(Video.id)).one()
        share = session.exec(select(Code).where(Code.key == "cta_sign_petition")).one().id
    ben = project.coder("ben").id
    coding.add_annotation(video_id, share, ben, 0)  # ben's own mark: both coders coded the clip
    plain = load_study(project, codes=["cta_sign_petition"])
    asked = load_study(project, codes=["cta_sign_petition"], include_suggested=True)
    assert len(plain.marks[share]) == 1  # ana's rejected suggestion does not count
    assert len(asked.marks[share]) == 2


# Labelled texts: (source, text, codes a coder would give). Hashtags, calls to action and
# distractors that share words with them (a "shared" flat, a "follow-up" visit).
LABELLED = [
    ("screen", "#EndTheStigma", {"hashtag"}),
    ("screen", "Link in bio", {"cta_learn_more"}),
    ("screen", "Sign the petition: change.org/saveclinic", {"cta_sign_petition", "cta_learn_more"}),
    ("screen", "DONATE NOW", {"cta_donate"}),
    ("screen", "Follow for part 2", {"cta_follow"}),
    ("screen", "Join the #HopeChallenge", {"cta_join_challenge", "hashtag"}),
    ("screen", "Day 3 in hospital", set()),
    ("screen", "We shared a tiny flat", set()),
    ("screen", "Share this so it reaches someone", {"cta_share"}),
    ("screen", "@savethechildren", {"organization_mention"}),
    ("speech", "please donate to the fundraiser anything helps", {"cta_donate"}),
    ("speech", "share this story with your friends", {"cta_share"}),
    ("speech", "hashtag end the stigma", {"hashtag"}),
    ("speech", "Hashtag, climate justice.", {"hashtag"}),
    ("speech", "we say #NotAlone every day", {"hashtag"}),
    ("speech", "sign the petition it takes one minute", {"cta_sign_petition"}),
    ("speech", "the link in my bio has all the resources", {"cta_learn_more"}),
    ("speech", "follow me for the next part", {"cta_follow"}),
    ("speech", "my follow-up visit went well", set()),
    ("speech", "my mother was diagnosed last year", set()),
    ("speech", "use the hashtag not alone when you post", {"cta_use_hashtag", "hashtag"}),
    ("speech", "she signed up to volunteer", set()),
]


def _predicted(source: str, text: str) -> set[str]:
    found = set()
    for code in load_default_codebook().codes_only():
        for rule in code.suggest:
            if source in rule.sources and find_spans(rule_patterns(rule, {}), text):
                found.add(code.key)
    return found


@pytest.mark.parametrize("source", ["speech", "screen"])
def test_default_rules_precision_and_recall(source: str) -> None:
    tp = fp = fn = 0
    for where, text, truth in LABELLED:
        if where != source:
            continue
        predicted = _predicted(where, text)
        tp, fp, fn = (
            tp + len(predicted & truth),
            fp + len(predicted - truth),
            fn + len(truth - predicted),
        )
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.8 and recall >= 0.8, (precision, recall)


def test_reliability_cli_flag_is_recorded(decided, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from annotators.cli import reliability_cmds  # noqa: F401 (registers the command)

    project, _made = decided
    coding = Coding.for_project(project)
    with project.session() as session:
        video_id = session.exec(select(Video.id)).one()
        petition = session.exec(select(Code).where(Code.key == "cta_sign_petition")).one().id
    coding.add_annotation(video_id, petition, project.coder("ben").id, 0)
    for flags, expected in (((), False), (("--include-suggested",), True)):
        out = tmp_path / f"rel{len(flags)}.json"
        args = ["reliability", str(project.path), "--codes", "cta_sign_petition", "--boot", "0"]
        result = runner.invoke(app, [*args, "-f", "json", "-o", str(out), *flags])
        assert result.exit_code == 0, result.output
        assert f'"include_suggested": {str(expected).lower()}' in out.read_text(encoding="utf-8")
