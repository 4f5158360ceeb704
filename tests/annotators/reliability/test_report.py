"""The report on real project files: selection rule, methods, JSON layout, bad selections."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from annotators.errors import ReliabilityError
from annotators.jobs import Progress
from annotators.reliability import (
    Continuum,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
    reliability_job,
    reliability_report,
    unitizing_alpha,
)
from annotators.store.models import Assignment, utcnow

from .studies import add_video, mark, two_coder_study, value

JSON_KEYS = ["code_key", "method", "level", "alpha", "ci_low", "ci_high", "n_units", "n_coders",
             "n_pairable", "d_o", "d_e", "percent_agreement", "kappa"]  # fmt: skip


def _by(report, key: str, method: str):
    return next(r for r in report.results if r.code_key == key and r.method == method)


def test_clip_variable_alpha_at_its_level(tmp_path: Path, database: str | None) -> None:
    with two_coder_study(tmp_path / "s.storyframe", database) as project:
        report = reliability_report(project, codes=["emotional_tone"], boot=200, seed=5)
    result = _by(report, "emotional_tone", "clip")
    assert result.level == "ordinal"
    expected = krippendorff_alpha(np.array([[1, 2, 3, 4], [1, 2, 1, 4]], float), "ordinal")
    assert result.alpha == pytest.approx(expected.alpha)
    assert (result.n_units, result.n_pairable, result.n_coders) == (4, 8, 2)
    assert result.percent_agreement == pytest.approx(0.75)
    assert result.kappa_method == "cohen"
    assert result.ci_low <= result.alpha <= result.ci_high
    assert report.meta["bootstrap"] == {**report.meta["bootstrap"], "draws": 200, "seed": 5}
    [differ] = report.disagreements
    assert (differ.video_file_name, differ.frame) == ("clip2.mp4", None)
    assert set(differ.values) == {"Ana", "Ben"}


def test_time_codes_get_every_method_and_suggestions_do_not_count(
    tmp_path: Path, database: str | None
) -> None:
    with two_coder_study(tmp_path / "s.storyframe", database) as project:
        report = reliability_report(project, codes=["personal_testimony", "cta_donate"], boot=0)
    methods = [(r.code_key, r.method) for r in report.results]
    interval = [("personal_testimony", m) for m in ("presence", "count", "frames", "unitizing")]
    assert methods == interval + [("cta_donate", m) for m in ("presence", "count", "points")]
    # Ben coded clip3 (he has clip values there) without marking the testimony: absent
    presence = _by(report, "personal_testimony", "presence")
    assert presence.marginals == {"Ana": {"present": 4}, "Ben": {"absent": 1, "present": 3}}
    unitizing = _by(report, "personal_testimony", "unitizing")
    direct = unitizing_alpha([Continuum(100, [[(10, 49)], [(12, 49)]])] * 3
                             + [Continuum(100, [[(10, 49)], []])])  # fmt: skip
    assert unitizing.alpha == pytest.approx(direct.alpha)
    assert unitizing.d_o == pytest.approx(direct.d_o)
    points = _by(report, "cta_donate", "points")
    # clip0: matched within 0.5 s; clip1: Ana's event unmatched (Ben's was a suggestion)
    assert (points.extra["matched"], points.extra["unmatched"]) == (1, 1)
    assert points.extra["f1"] == pytest.approx(2 / 3)
    frames = _by(report, "personal_testimony", "frames")
    assert frames.n_pairable == 2 * 400
    ana = np.zeros((4, 100))
    ana[:, 10:50] = 1
    ben = np.zeros((4, 100))
    ben[:3, 12:50] = 1
    explicit = np.vstack([ana.ravel(), ben.ravel()])
    assert frames.alpha == pytest.approx(krippendorff_alpha(explicit, "nominal").alpha)
    assert frames.kappa == pytest.approx(cohen_kappa(explicit[0], explicit[1]))
    assert frames.percent_agreement == pytest.approx(np.mean(explicit[0] == explicit[1]))
    first = [d for d in report.disagreements if d.method == "frames"][0]
    assert (first.video_file_name, first.frame) == ("clip0.mp4", 10)
    assert first.values == {"Ana": "marked", "Ben": "not marked"}


def test_json_layout_and_written_formats(tmp_path: Path, database: str | None) -> None:
    with two_coder_study(tmp_path / "s.storyframe", database) as project:
        report = reliability_report(project, boot=50, seed=1)
    for fmt in ("json", "csv", "table", "html"):
        report.write(tmp_path / f"r.{fmt}", fmt)
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert list(data) == ["meta", "results", "disagreements"]
    for row in data["results"]:
        assert list(row)[: len(JSON_KEYS)] == JSON_KEYS
        if row["alpha"] is None:
            assert row["reason"]
    text = next(r for r in data["results"] if r["code_key"] == "coder_notes")
    assert text["alpha"] is None and "text" in text["reason"]
    assert text["percent_agreement"] == 0.5
    assert data["meta"]["coded_rule"] == "own_work"
    assert data["meta"]["clips_per_coder"] == {"Ana": 4, "Ben": 4}
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").startswith(",".join(JSON_KEYS))
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<svg" in html and "emotional_tone" in html and "clip2.mp4" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_assignments_decide_which_clips_count(tmp_path: Path, database: str | None) -> None:
    with two_coder_study(tmp_path / "s.storyframe", database) as project:
        with project.session() as session:
            for coder in (1, 2):
                for video in (1, 2):
                    session.add(Assignment(coder_id=coder, video_id=video, submitted_at=utcnow()))
            session.add(Assignment(coder_id=1, video_id=3))  # assigned, not done: excluded
            session.commit()
        report = reliability_report(project, codes=["emotional_tone"], boot=0)
    assert report.meta["coded_rule"] == "assignments"
    assert report.meta["clips_per_coder"] == {"Ana": 2, "Ben": 2}
    assert _by(report, "emotional_tone", "clip").n_units == 2


def test_consensus_coder_is_left_out_unless_named(tmp_path: Path, database: str | None) -> None:
    with two_coder_study(tmp_path / "s.storyframe", database) as project:
        consensus = project.coder("consensus").id
        with project.session() as session:
            value(session, 1, "emotional_tone", consensus, "1")
            session.commit()
        assert reliability_report(project, boot=0).meta["coders"] == ["Ana", "Ben"]
        named = reliability_report(project, coders=["Ana", "consensus"], boot=0)
        assert named.meta["coders"] == ["Ana", "consensus"]


def test_coders_without_shared_clips_are_refused(tmp_path: Path, database: str | None) -> None:
    with two_coder_study(tmp_path / "s.storyframe", database) as project:
        cleo = project.coder("Cleo").id
        with project.session() as session:
            clip = add_video(session, "only_cleo.mp4")
            value(session, clip, "emotional_tone", cleo, "2")
            session.commit()
        with pytest.raises(ReliabilityError, match="share no coded clip.*Ana: 0, Cleo: 1"):
            reliability_report(project, coders=["Ana", "Cleo"], videos=["only_cleo.mp4"])
        report = reliability_report(project, boot=0)
    assert "Ana and Cleo share no coded clip" in report.meta["warnings"]


@pytest.mark.parametrize(
    ("options", "message"),
    [({"coders": ["Ana", "Zed"]}, "unknown coder: Zed"),
     ({"codes": ["nope"]}, "unknown code: nope"),
     ({"coders": ["Ana"]}, "at least two coders"), ({"boot": -1}, "--boot")],
)  # fmt: skip
def test_bad_selections_give_one_clear_error(
    tmp_path: Path, options: dict, message: str, database: str | None
) -> None:
    with (
        two_coder_study(tmp_path / "s.storyframe", database) as project,
        pytest.raises(ReliabilityError, match=message),
    ):
        reliability_report(project, **options)


def test_a_variable_nobody_coded_is_undefined_and_named(
    tmp_path: Path, database: str | None
) -> None:
    with two_coder_study(tmp_path / "s.storyframe", database) as project:
        report = reliability_report(project, codes=["primary_cause", "hashtag"], boot=0)
    result = _by(report, "primary_cause", "clip")
    assert result.alpha is None and result.reason.startswith("nobody")
    assert "nobody gave a value for: primary_cause" in report.meta["warnings"]
    assert "nobody marked: hashtag" in report.meta["warnings"]
    assert all(r.alpha is None and r.reason for r in report.results)


def test_job_reports_progress_and_can_be_cancelled(tmp_path: Path, database: str | None) -> None:
    with two_coder_study(tmp_path / "s.storyframe", database) as project:
        job = reliability_job(project, boot=10, seed=2)
        first, second = next(job), next(job)
        assert isinstance(first, Progress) and second.total is not None
        job.close()  # cancelling between codes leaves nothing behind (reading only)
        assert reliability_report(project, boot=10, seed=2).results


def test_same_seed_same_intervals(tmp_path: Path, database: str | None) -> None:
    with two_coder_study(tmp_path / "s.storyframe", database) as project:
        one = reliability_report(project, boot=100, seed=9).to_json()["results"]
        two = reliability_report(project, boot=100, seed=9).to_json()["results"]
    assert one == two


def test_level_from_the_codebook_changes_the_distance(tmp_path: Path, database: str | None) -> None:
    with two_coder_study(tmp_path / "s.storyframe", database) as project:
        with project.session() as session:
            from sqlmodel import select

            from annotators.store.models import Code

            code = session.exec(select(Code).where(Code.key == "emotional_tone")).one()
            code.level = "interval"
            session.add(code)
            mark(session, 1, "personal_testimony", 1, 0, 5)
            session.commit()
        result = _by(reliability_report(project, codes=["emotional_tone"], boot=0),
                     "emotional_tone", "clip")  # fmt: skip
    expected = krippendorff_alpha(np.array([[1, 2, 3, 4], [1, 2, 1, 4]], float), "interval")
    assert result.level == "interval" and result.alpha == pytest.approx(expected.alpha)


def test_slices_binarise_time_not_frames(tmp_path: Path, database: str | None) -> None:
    with two_coder_study(tmp_path / "s.storyframe", database) as project:
        report = reliability_report(project, codes=["personal_testimony"], boot=0, slice_s=1.0)
    frames = _by(report, "personal_testimony", "frames")
    assert frames.extra["slice_s"] == 1.0
    # 4 clips of 4 s: Ana marks 0.4-1.96 s (slices 0, 1) everywhere, Ben on clips 0-2 only
    ana = np.tile([1, 1, 0, 0], 4).astype(float)
    ben = np.r_[np.tile([1, 1, 0, 0], 3), np.zeros(4)]
    assert frames.n_units == 16
    assert frames.alpha == pytest.approx(krippendorff_alpha(np.vstack([ana, ben])).alpha)
    # the disagreements still name the first differing frame, not a slice
    assert [d.frame for d in report.disagreements] == [10, 10, 10, 10]


def test_three_coders_with_missing_clips_frames_and_fleiss(
    tmp_path: Path, database: str | None
) -> None:
    with two_coder_study(tmp_path / "s.storyframe", database) as project:
        cleo = project.coder("Cleo").id
        with project.session() as session:
            mark(session, 1, "personal_testimony", cleo, 5, 40)
            mark(session, 2, "personal_testimony", cleo, 10, 49)
            session.commit()
        report = reliability_report(project, codes=["personal_testimony"], boot=0)
    frames = _by(report, "personal_testimony", "frames")
    rows = np.full((3, 4, 100), np.nan)
    rows[:2] = 0
    rows[0, :, 10:50] = 1
    rows[1, :3, 12:50] = 1
    rows[2, :2] = 0  # Cleo coded clips 0 and 1 only
    rows[2, 0, 5:41] = 1
    rows[2, 1, 10:50] = 1
    explicit = rows.reshape(3, 400)
    assert frames.alpha == pytest.approx(krippendorff_alpha(explicit, "nominal").alpha)
    assert frames.kappa_method == "fleiss"
    assert frames.kappa == pytest.approx(fleiss_kappa(explicit[:, :200]))
    assert frames.percent_agreement == pytest.approx(percent_agreement(explicit))
    assert _by(report, "personal_testimony", "unitizing").n_units == 2  # clips all three coded
