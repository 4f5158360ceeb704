"""ELAN EAF: real files from the field, schema-valid export, round trips, edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from sqlmodel import select

from annotators.errors import ExportError
from annotators.exchange import apply_plan, detect_format, export_job, read_file
from annotators.export import ExportFilter
from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import Annotation, Code, Coder, Video

from .conftest import FORMATS, Coded, digest, fresh_project, times25

EAF_FILES = sorted((FORMATS / "eaf").glob("*.eaf"))
EAF_SCHEMA = etree.XMLSchema(etree.parse(str(FORMATS / "eaf" / "EAFv3.0.xsd")))


def annotations(project: Project) -> list[tuple]:
    """Every annotation by names, not ids: (video, code, coder, frames, value)."""
    with project.session() as session:
        query = (
            select(Video.file_name, Code.key, Coder.name, Annotation.start_frame,
                   Annotation.end_frame, Annotation.value)
            .join(Video, Video.id == Annotation.video_id)
            .join(Code, Code.id == Annotation.code_id)
            .join(Coder, Coder.id == Annotation.coder_id)
        )  # fmt: skip
        return sorted(session.exec(query).all(), key=repr)


def notes(project: Project) -> list[str]:
    with project.session() as session:
        return sorted(session.exec(select(Annotation.note)).all())


def test_every_field_file_is_detected_and_read() -> None:
    assert len(EAF_FILES) >= 2
    for path in EAF_FILES:
        assert detect_format(path).name == "eaf"
        plan = read_file(path)
        assert plan.annotations, path
        assert all(a.end_s is not None and a.end_s >= a.start_s for a in plan.annotations)


def test_field_files_import_with_cv_options_and_coders(long_video_project: Project) -> None:
    speach = FORMATS / "eaf" / "speach_test.eaf"
    result = apply_plan(long_video_project, read_file(speach), times=times25)
    assert result.annotations == len(read_file(speach).annotations)
    assert result.videos == {"test.wav": "test.wav"}
    with long_video_project.session() as session:
        language = session.exec(select(Code).where(Code.key == "person1_language")).one()
        assert language.value_type == "nominal" and len(language.options) == 2
        coders = set(session.exec(select(Coder.name)).all())
    assert {"tuananh", "Le Tuan Anh"} <= coders
    first = min(r for r in annotations(long_video_project) if r[1] == "person1_utterance")
    assert first[3] == 26 and first[4] == 58  # 1.040 s and 2.330 s at 25 fps (frame table)


def test_childproject_file_imports_all_tiers(long_video_project: Project) -> None:
    path = FORMATS / "eaf" / "childproject_eaf_any_tier.eaf"
    plan = read_file(path, coder="rater")
    result = apply_plan(long_video_project, plan, times=times25, coder="rater")
    inside = [a for a in plan.annotations if a.end_s <= 3600.0]
    assert len(plan.annotations) > 400 and 0 < len(inside) < len(plan.annotations)
    assert result.annotations == len(inside)  # the recording is longer than the 1 h clip:
    outside = [p for p in result.problems if "outside 'e20130612_122213_008015_1.wav'" in p]
    assert len(outside) == len(plan.annotations) - len(inside)  # the rest is reported
    assert all(": line " in p for p in outside)
    assert result.new_coders == ["rater"]


def test_export_validates_against_the_eaf_schema(coded: Coded, tmp_path: Path) -> None:
    out = tmp_path / "eaf"
    result = run_job(export_job(coded.project, "eaf", out, times=times25))
    assert len(result.files) == 2 and result.annotations == 6
    for path in result.files:
        document = etree.parse(str(path))
        EAF_SCHEMA.assertValid(document)
    a = etree.parse(str(out / "a.eaf"))
    assert a.find("HEADER/MEDIA_DESCRIPTOR").get("MEDIA_URL").endswith("/clips/a.mp4")
    emotion = a.find("CONTROLLED_VOCABULARY[@CV_ID='emotion']")
    assert [v.text for v in emotion.iter("CVE_VALUE")] == ["sadness", "hope"]
    refs = [x.get("CVE_REF") for x in a.iterfind("TIER[@TIER_ID='emotion']//ALIGNABLE_ANNOTATION")]
    assert refs == ["cveid_emotion_0", "cveid_emotion_1"]
    # the point event at frame 30 is the one frame it covers: 1200-1240 ms
    donate = a.find("TIER[@TIER_ID='donate@alice']//ALIGNABLE_ANNOTATION")
    slots = {s.get("TIME_SLOT_ID"): s.get("TIME_VALUE") for s in a.iter("TIME_SLOT")}
    assert (slots[donate.get("TIME_SLOT_REF1")], slots[donate.get("TIME_SLOT_REF2")]) == (
        "1200",
        "1240",
    )


def test_round_trip_gives_the_same_annotations(coded: Coded, tmp_path: Path, new_database) -> None:
    run_job(export_job(coded.project, "eaf", tmp_path / "eaf", times=times25))
    with fresh_project(tmp_path, database=new_database()) as second:
        for path in sorted((tmp_path / "eaf").glob("*.eaf")):
            result = apply_plan(second, read_file(path), times=times25)
            assert result.problems == [] and result.new_codes == []
        assert annotations(second) == annotations(coded.project)
        assert notes(second) == notes(coded.project)  # in symbolic "<tier> note" tiers
        again = apply_plan(second, read_file(tmp_path / "eaf" / "a.eaf"), times=times25)
        assert (again.annotations, again.duplicates) == (0, 5)  # importing twice adds nothing


def test_round_trip_into_a_project_without_the_codebook(
    coded: Coded, tmp_path: Path, new_database
) -> None:
    run_job(export_job(coded.project, "eaf", tmp_path / "eaf", times=times25))
    with fresh_project(tmp_path, codebook=False, database=new_database()) as second:
        result = apply_plan(second, read_file(tmp_path / "eaf" / "a.eaf"), times=times25)
        assert {"emotion", "testimony", "donate"} <= set(result.new_codes)
        with second.session() as session:
            emotion = session.exec(select(Code).where(Code.key == "emotion")).one()
            assert [o["value"] for o in emotion.options] == ["sadness", "hope"]
        rows = [r for r in annotations(second) if r[1] == "emotion"]
        assert [(r[3], r[4], r[5]) for r in rows] == [(100, 150, "sadness"), (200, 210, "hope")]


def test_dry_run_changes_nothing(coded: Coded, tmp_path: Path, new_database) -> None:
    run_job(export_job(coded.project, "eaf", tmp_path / "eaf", times=times25))
    with fresh_project(tmp_path, codebook=False, database=new_database()) as second:
        before = digest(second)
        preview = apply_plan(
            second, read_file(tmp_path / "eaf" / "a.eaf"), times=times25, dry_run=True
        )
        assert preview.annotations == 5 and preview.new_codes
        assert digest(second) == before


EDGE_EAF = """<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="x" DATE="2020-01-01T00:00:00Z" FORMAT="2.7" VERSION="2.7">
  <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
    <MEDIA_DESCRIPTOR MEDIA_URL="file:///data/a.mp4" MIME_TYPE="video/mp4" TIME_ORIGIN="2000"/>
  </HEADER>
  <TIME_ORDER>
    <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/>
    <TIME_SLOT TIME_SLOT_ID="ts2"/>
    <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="2000"/>
    <TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="7000"/>
    <TIME_SLOT TIME_SLOT_ID="ts5" TIME_VALUE="9000"/>
    <TIME_SLOT TIME_SLOT_ID="ts6"/>
  </TIME_ORDER>
  <TIER TIER_ID="gesture" LINGUISTIC_TYPE_REF="gestures">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
      <ANNOTATION_VALUE>wave</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts3">
      <ANNOTATION_VALUE>point</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="ts4" TIME_SLOT_REF2="ts5">
      <ANNOTATION_VALUE>wave</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a4" TIME_SLOT_REF1="ts5" TIME_SLOT_REF2="ts6">
      <ANNOTATION_VALUE>wave</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <TIER TIER_ID="topic" LINGUISTIC_TYPE_REF="ext">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a5" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts3">
      <ANNOTATION_VALUE>food</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="gestures" CONTROLLED_VOCABULARY_REF="g"/>
  <LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="ext" CONTROLLED_VOCABULARY_REF="remote"/>
  <CONTROLLED_VOCABULARY CV_ID="g" DESCRIPTION="gestures">
    <CV_ENTRY DESCRIPTION="waving a hand">wave</CV_ENTRY>
    <CV_ENTRY DESCRIPTION="pointing">point</CV_ENTRY>
  </CONTROLLED_VOCABULARY>
  <CONTROLLED_VOCABULARY CV_ID="remote" EXT_REF="e1"/>
  <EXTERNAL_REF EXT_REF_ID="e1" TYPE="ecv" VALUE="http://example.org/topics.ecv"/>
</ANNOTATION_DOCUMENT>
"""


def test_origin_unaligned_slots_external_cv_and_clip_end(coded: Coded, tmp_path: Path) -> None:
    path = tmp_path / "edge.eaf"
    path.write_text(EDGE_EAF, encoding="utf-8")
    plan = read_file(path, coder="carol")
    assert any("external controlled vocabulary 'remote'" in p for p in plan.problems)
    result = apply_plan(coded.project, plan, times=times25, coder="carol")
    rows = [r for r in annotations(coded.project) if r[2] == "carol"]
    # TIME_ORIGIN 2 s; ts2 interpolated to 1 s: "wave" 2-3 s, "point" 3-4 s
    gesture = [(r[3], r[4], r[5]) for r in rows if r[1] == "gesture"]
    assert gesture == [(50, 75, "wave"), (75, 100, "point")]
    assert any(
        "annotation a3: span 9.000-11.000 s is outside 'a.mp4'" in p for p in result.problems
    )
    assert any("annotation a4: no aligned time" in p for p in plan.problems)  # ts6 unaligned
    with coded.project.session() as session:
        topic = session.exec(select(Code).where(Code.key == "topic")).one()
        gesture_code = session.exec(select(Code).where(Code.key == "gesture")).one()
    assert topic.value_type == "text"
    assert [o["label"] for o in gesture_code.options] == ["waving a hand", "pointing"]


def test_unknown_media_is_reported_and_video_option_maps_it(coded: Coded, tmp_path: Path) -> None:
    path = tmp_path / "edge.eaf"
    path.write_text(EDGE_EAF.replace("/data/a.mp4", "/data/other.mp4"), encoding="utf-8")
    before = digest(coded.project)
    result = apply_plan(coded.project, read_file(path), times=times25, dry_run=True)
    assert result.annotations == 0
    assert any("'other.mp4': no project video matches it" in p for p in result.problems)
    assert digest(coded.project) == before
    mapped = apply_plan(coded.project, read_file(path), times=times25, video="b.mp4")
    assert mapped.videos == {"other.mp4": "b.mp4"} and mapped.annotations >= 3


def test_not_eaf_is_refused_with_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.eaf"
    path.write_text("<ANNOTATION_DOCUMENT><HEADER></ANNOTATION_DOCUMENT>", encoding="utf-8")
    with pytest.raises(ExportError, match=r"broken\.eaf: line 1"):
        read_file(path)


def test_overlapping_rows_of_one_coder_go_to_extra_tiers(
    coded: Coded, tmp_path: Path, new_database
) -> None:
    from tests.annotators.export.conftest import annotate

    with coded.project.session() as session:
        video, code, alice = coded.videos["a.mp4"], coded.codes["emotion"], coded.coders["alice"]
        annotate(session, video, code, alice, 120, 160, value="hope")  # overlaps 100-150
        session.commit()
    out = tmp_path / "a.eaf"
    run_job(export_job(coded.project, "eaf", out, ExportFilter(videos=["a.mp4"]), times=times25))
    document = etree.parse(str(out))
    EAF_SCHEMA.assertValid(document)
    tiers = [
        t.get("TIER_ID")
        for t in document.iterfind("TIER")
        if t.get("TIER_ID").startswith("emotion")
    ]
    assert tiers == ["emotion", "emotion (2)"]
    with fresh_project(tmp_path, database=new_database()) as second:
        apply_plan(second, read_file(out), times=times25)
        mine = [r for r in annotations(second) if r[1] == "emotion"]
    assert [(r[3], r[4], r[5]) for r in mine] == [
        (100, 150, "sadness"),
        (120, 160, "hope"),
        (200, 210, "hope"),
    ]


def test_pympi_reads_our_eaf_with_the_same_tiers_and_spans(coded: Coded, tmp_path: Path) -> None:
    """A cross-check with another EAF reader (pympi-ling, a dev dependency)."""
    elan = pytest.importorskip("pympi.Elan")
    out = tmp_path / "a.eaf"
    run_job(export_job(coded.project, "eaf", out, ExportFilter(videos=["a.mp4"]), times=times25))
    eaf = elan.Eaf(str(out))
    assert eaf.get_annotation_data_for_tier("emotion") == [
        (4000, 6000, "sadness"),
        (8000, 8400, "hope"),
    ]
    bob = 'donate@bob, "the second"'
    assert eaf.get_annotation_data_for_tier(bob) == [(1240, 1280, "")]
    assert eaf.get_parameters_for_tier(bob)["ANNOTATOR"] == 'bob, "the second"'
