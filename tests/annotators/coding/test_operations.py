"""Annotations and clip values: frame-exact times, validation, and what each operation stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from annotators.codebook import (
    active_codebook,
    load_default_codebook,
    update_codebook,
)
from annotators.coding import UNSET, Coding
from annotators.errors import CodingError
from annotators.jobs import run_job
from annotators.media import open_video
from annotators.project import Project
from annotators.store.models import Annotation, ClipValue, Code
from tests.media_fixtures import make_clip

from .conftest import FRAMES, TIMES, Study


def test_point_and_interval_store_frames_with_media_times(study: Study) -> None:
    donate, testimony = study.code("cta_donate"), study.code("personal_testimony")
    point = study.coding.add_annotation(study.video_id, donate.id, study.coder_id, 42)
    span = study.coding.add_annotation(study.video_id, testimony.id, study.coder_id, 30, 60)
    assert (point.start_frame, point.end_frame, point.start_s, point.end_s) == (
        42,
        None,
        TIMES[42],
        None,
    )
    assert (span.start_s, span.end_s) == (TIMES[30], TIMES[60]) and span.start_s != 30 / 25
    assert point.source == "manual" and point.coder_id == study.coder_id
    with study.project.session() as session:
        stored = session.get(Annotation, point.id)
        assert (stored.start_frame, stored.start_s) == (42, TIMES[42])


def test_a_call_to_action_may_last_an_interval(study: Study) -> None:
    donate = study.code("cta_donate")
    banner = study.coding.add_annotation(study.video_id, donate.id, study.coder_id, 10, 20)
    assert (banner.end_frame, banner.end_s) == (20, TIMES[20])
    point = study.coding.update_annotation(banner.id, end_frame=None)
    assert (point.end_frame, point.end_s) == (None, None)


@pytest.mark.parametrize(
    ("key", "start", "end", "value", "message"),
    [
        ("personal_testimony", 50, 40, None, "end frame 40 is before start frame 50"),
        (
            "personal_testimony",
            50,
            FRAMES,
            None,
            f"frame {FRAMES} is outside clip.mp4 (frames 0-99)",
        ),
        ("cta_donate", -1, None, None, "frame -1 is outside clip.mp4"),
        ("cta_donate", 1.5, None, None, "frame 1.5 of clip.mp4 is not a whole number"),
        (
            "personal_testimony",
            5,
            None,
            None,
            "'Personal testimony' is an interval code: give an end frame",
        ),
        ("primary_cause", 5, None, None, "'Primary cause' is a clip code, not a time-anchored one"),
        ("narrative", 5, 6, None, "'Narrative elements' is a category code"),
        ("emotional_appeal", 5, 6, "joy", "'joy' is not a value of 'Emotional appeal'"),
        ("cta_donate", 5, None, "yes", "'Donate' marks presence only and takes no value"),
    ],
)
def test_invalid_annotations_are_refused_and_nothing_is_stored(
    study: Study, key: str, start: object, end: object, value: object, message: str
) -> None:
    code = study.code(key)
    with pytest.raises(CodingError) as refused:
        study.coding.add_annotation(
            study.video_id, code.id, study.coder_id, start, end, value=value
        )
    assert message in str(refused.value)
    assert study.dump() == [] and not study.coding.history.can_undo


def test_unknown_ids_source_and_retired_codes_are_refused(study: Study) -> None:
    donate = study.code("cta_donate")
    add = study.coding.add_annotation
    with pytest.raises(CodingError, match="video 99 is not in the project"):
        add(99, donate.id, study.coder_id, 1)
    with pytest.raises(CodingError, match="coder 99 does not exist"):
        add(study.video_id, donate.id, 99, 1)
    with pytest.raises(CodingError, match="code 9999 does not exist"):
        add(study.video_id, 9999, study.coder_id, 1)
    with pytest.raises(CodingError, match="unknown source 'robot'"):
        add(study.video_id, donate.id, study.coder_id, 1, source="robot")
    first = add(study.video_id, donate.id, study.coder_id, 1)
    spec = load_default_codebook()
    spec = type(spec)(spec.name, spec.description, spec.codes[:1] + spec.codes[2:])  # no CTAs
    with study.project.session() as session:
        update_codebook(session, active_codebook(session), spec, retire_in_use=True)
        session.commit()
    with pytest.raises(CodingError, match="'Donate' was removed from the codebook"):
        add(study.video_id, donate.id, study.coder_id, 2)
    assert [row[0] for row in study.dump()] == [first.id]
    # existing annotations of a retired code stay editable
    assert study.coding.update_annotation(first.id, note="kept").note == "kept"


def test_update_changes_only_the_given_fields(study: Study) -> None:
    appeal = study.code("emotional_appeal")
    made = study.coding.add_annotation(
        study.video_id, appeal.id, study.coder_id, 5, 9, value="hope"
    )
    edited = study.coding.update_annotation(made.id, end_frame=12, note="crying, music swells")
    assert (edited.start_frame, edited.end_frame, edited.end_s) == (5, 12, TIMES[12])
    assert (edited.value, edited.note, edited.created_at) == (
        "hope",
        "crying, music swells",
        made.created_at,
    )
    assert edited.updated_at >= made.updated_at
    with pytest.raises(CodingError, match="'Emotional appeal' is an interval code"):
        study.coding.update_annotation(made.id, end_frame=None)
    assert study.coding.update_annotation(made.id, start_frame=UNSET).end_frame == 12
    assert study.coding.history.undo_label == "Edit 'Emotional appeal' frames 5-9"


def test_clip_values_one_per_video_code_and_coder(study: Study) -> None:
    cause, sponsored, tone = (
        study.code(k) for k in ("primary_cause", "sponsored_disclosed", "emotional_tone")
    )
    set_value = study.coding.set_clip_value
    assert set_value(study.video_id, cause.id, study.coder_id, "health").value == "health"
    assert set_value(study.video_id, cause.id, study.coder_id, "poverty").value == "poverty"
    assert set_value(study.video_id, sponsored.id, study.coder_id, True).value == "1"
    assert set_value(study.video_id, tone.id, study.coder_id, 4).value == "4"
    assert study.coding.history.undo_label == "Set 'Overall emotional tone' to 'Positive'"
    with pytest.raises(
        CodingError, match="'7' is not a value of 'Overall emotional tone'|7 is not"
    ):
        set_value(study.video_id, tone.id, study.coder_id, 7)
    with pytest.raises(CodingError, match="not a clip-level variable"):
        set_value(study.video_id, study.code("cta_donate").id, study.coder_id, "1")
    bea = study.project.coder("bea").id
    set_value(study.video_id, cause.id, bea, "health")
    study.coding.clear_clip_value(study.video_id, sponsored.id, study.coder_id)
    assert study.coding.history.undo_label == "Clear 'Sponsored or partnership disclosed'"
    with study.project.session() as session:
        rows = session.exec(select(ClipValue.code_id, ClipValue.coder_id, ClipValue.value)).all()
    me = study.coder_id
    expected = [(cause.id, me, "poverty"), (tone.id, me, "4"), (cause.id, bea, "health")]
    assert sorted(rows) == sorted(expected)


def test_setting_the_same_value_again_records_nothing(study: Study) -> None:
    cause = study.code("primary_cause")
    study.coding.set_clip_value(study.video_id, cause.id, study.coder_id, "health")
    study.coding.undo()
    assert study.coding.history.can_redo
    study.coding.clear_clip_value(study.video_id, cause.id, study.coder_id)  # already empty
    assert study.coding.history.can_redo and not study.coding.history.can_undo


def test_times_come_from_the_real_media_timestamps_of_a_vfr_clip(tmp_path: Path) -> None:
    """With a real variable-frame-rate file, stored seconds are the frames' presentation times."""
    clip = make_clip(tmp_path / "vfr.mp4", seconds=2.0, vfr=True)
    with Project.create(tmp_path / "real.storyframe") as project:
        report = run_job(project.import_media([clip]))
        video = report.imported[0]
        with project.session() as session:
            testimony = session.exec(select(Code).where(Code.key == "personal_testimony")).one()
        coding = Coding.for_project(project)
        last = video.frame_count - 1
        made = coding.add_annotation(video.id, testimony.id, project.coder("ana").id, 7, last)
        with open_video(clip) as opened:
            assert (made.start_s, made.end_s) == (opened.timestamp(7), opened.timestamp(last))
            assert made.start_s != pytest.approx(7 / video.fps, abs=1e-4)
        with pytest.raises(CodingError, match="outside vfr.mp4"):
            coding.add_annotation(video.id, testimony.id, 1, 7, last + 1)
