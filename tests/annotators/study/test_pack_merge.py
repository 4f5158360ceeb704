"""Coder files: the whole study flow on real files, and every way a merge is refused."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from annotators.coding import Coding
from annotators.errors import ReliabilityError, StudyError
from annotators.export import ExportFilter, export
from annotators.jobs import run_job
from annotators.project import Project
from annotators.reliability import reliability_report
from annotators.store.models import Annotation, ClipValue, Coder, Video
from annotators.study import (
    CONSENSUS_CODER,
    coded_video_ids,
    consensus_provenance,
    draw_sample,
    edit_consensus,
    mark_done,
    merge,
    my_clips,
    pack,
    split_rest,
    take,
)
from tests.media_fixtures import make_clip

from .conftest import Lead, code_by_key, file_digest, table_digest


def _code_clip(path: Path, coder: str, frame: int, tone: str) -> list[str]:
    """Open a coder file and code every assigned sample clip there, as the app would."""
    with Project.open(path) as project:
        coding = Coding.for_project(project)
        coder_id = project.coder(coder).id
        donate, emotion = code_by_key(project, "cta_donate"), code_by_key(project, "emotional_tone")
        done = []
        for clip in my_clips(project, coder):
            if clip.reliability:
                coding.add_annotation(clip.video.id, donate.id, coder_id, frame)
                coding.set_clip_value(clip.video.id, emotion.id, coder_id, tone)
                mark_done(project, coder, clip.video.id)
                done.append(clip.video.file_name)
        return done


def _rows(project: Project, coder: str) -> list[tuple]:
    with project.session() as session:
        coder_id = session.exec(select(Coder.id).where(Coder.name == coder)).one()
        annotations = session.exec(select(Annotation).where(Annotation.coder_id == coder_id))
        values = session.exec(select(ClipValue).where(ClipValue.coder_id == coder_id))
        return sorted(
            [("a", a.uid, a.video_id, a.start_frame) for a in annotations]
            + [("v", v.uid, v.video_id, v.value) for v in values]
        )


def test_whole_flow_sample_pack_code_merge_adjudicate_export(lead: Lead, tmp_path: Path) -> None:
    project = lead.project
    sample = draw_sample(project, fraction=0.5, coders=["Ana", "Ben"], seed=5)
    out = tmp_path / "coders"
    packed = {name: pack(project, name, out / f"{name}.storyframe") for name in ("Ana", "Ben")}
    assert sorted(packed["Ana"].videos) == sorted(sample.videos)

    assert sorted(_code_clip(out / "Ana.storyframe", "Ana", 3, "4")) == sorted(sample.videos)
    assert sorted(_code_clip(out / "Ben.storyframe", "Ben", 5, "2")) == sorted(sample.videos)

    first = merge(project, out / "Ana.storyframe")
    assert (first.added, first.done_marks, first.conflicts) == (6, 3, [])
    assert merge(project, out / "Ben.storyframe").added == 6
    ana, ben = project.coder("Ana").id, project.coder("Ben").id
    with project.session() as session:
        assert coded_video_ids(session, ana) == coded_video_ids(session, ben)
        assert len(coded_video_ids(session, ana)) == 3

    before = table_digest(project.path)
    again = merge(project, out / "Ana.storyframe")
    assert (again.added, again.updated, again.unchanged, again.changed) == (0, 0, 6, False)
    assert table_digest(project.path) == before

    report = reliability_report(project, coders=["Ana", "Ben"],
                                codes=["emotional_tone", "cta_donate"], boot=0, seed=1)  # fmt: skip
    by_method = {(r.code_key, r.method): r for r in report.results}
    tone = by_method[("emotional_tone", "clip")]
    assert (tone.n_units, tone.n_pairable, tone.percent_agreement) == (3, 6, 0.0)  # 4 vs 2
    assert by_method[("cta_donate", "presence")].percent_agreement == 1.0

    ana_rows = _rows(project, "Ana")
    annotation_uid = next(uid for kind, uid, *_ in ana_rows if kind == "a")
    value_uid = next(uid for kind, uid, *_ in ana_rows if kind == "v")
    target = take(project, "Lead", annotation_uid, note="Ana is right")
    take(project, "Lead", value_uid)
    edit_consensus(project, "Lead", target, start_frame=4, note="one frame later")
    assert _rows(project, "Ana") == ana_rows  # the coder's layer is untouched
    video_id = next(video for kind, uid, video, _ in ana_rows if uid == annotation_uid)
    provenance = {p.target_uid: p for p in consensus_provenance(project, video_id)}
    assert provenance[target].action == "edited"
    assert (provenance[target].source_coder, provenance[target].source_uid) == (
        "Ana", annotation_uid
    )  # fmt: skip
    assert provenance[target].note == "one frame later"

    table = export(project, "csv-long", tmp_path / "final.csv",
                   ExportFilter(coders=[CONSENSUS_CODER]))  # fmt: skip
    with open(table.path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["coder"] for row in rows} == {CONSENSUS_CODER}
    assert sorted((row["code_key"], row["start_frame"], row["value"]) for row in rows) == [
        ("cta_donate", "4", ""), ("emotional_tone", "", "4")
    ]  # fmt: skip


def test_a_coder_file_holds_only_that_coders_work(lead: Lead, tmp_path: Path) -> None:
    project = lead.project
    draw_sample(project, fraction=0.5, coders=["Ana", "Ben"], seed=5)
    clip = my_clips(project, "Ben")[0].video
    coding = Coding.for_project(project)
    donate = lead.code("cta_donate")
    secret = coding.add_annotation(clip.id, donate.id, project.coder("Ben").id, 2, note="Ben's")
    mine = coding.add_annotation(clip.id, donate.id, project.coder("Ana").id, 1)
    before = table_digest(project.path)
    report = pack(project, "Ana", tmp_path / "out" / "Ana")
    assert table_digest(project.path) == before  # packing reads the project only
    assert report.path.name == "Ana.storyframe" and report.annotations == 1
    raw = report.path.read_bytes()
    assert raw.startswith(b"SQLite format 3\x00")  # from a server project too: works offline
    assert secret.uid.encode() not in raw and b"Ben's" not in raw  # not even in free pages
    with Project.open(report.path) as coder_file:
        assert coder_file.server is None and coder_file.get_meta("project_id") is None
        with coder_file.session() as session:
            assert session.exec(select(Coder.name)).all() == ["Ana"]
            assert [a.uid for a in session.exec(select(Annotation))] == [mine.uid]
        assert coder_file.missing_videos() == []
        hashes = {v.content_hash for v in coder_file.videos()}
        assert all(not Path(v.path).is_absolute() for v in coder_file.videos())
    with project.session() as session:
        sample_hashes = {
            session.get(Video, c.video.id).content_hash for c in my_clips(project, "Ana")
        }
    assert hashes == sample_hashes


def test_a_coder_file_finds_its_clips_by_hash_on_another_laptop(lead: Lead, tmp_path: Path) -> None:
    draw_sample(lead.project, fraction=0.5, coders=["Ana", "Ben"], seed=5)
    packed = pack(lead.project, "Ana", tmp_path / "out" / "Ana.storyframe")
    laptop = tmp_path / "laptop"
    (laptop / "somewhere" / "else").mkdir(parents=True)
    (laptop / "study").mkdir()
    moved = shutil.copy(packed.path, laptop / "study" / "Ana.storyframe")
    for clip in lead.clips.iterdir():
        shutil.copy(clip, laptop / "somewhere" / "else" / clip.name.upper())  # renamed too
    with Project.open(moved) as coder_file:
        assert len(coder_file.missing_videos()) == 3
        found = run_job(coder_file.relink_search(laptop / "somewhere"))
        assert len(found.relinked) == 3 and coder_file.missing_videos() == []


def test_pack_never_overwrites(lead: Lead, tmp_path: Path) -> None:
    draw_sample(lead.project, fraction=0.5, coders=["Ana", "Ben"], seed=5)
    existing = tmp_path / "Ana.storyframe"
    existing.write_bytes(b"my notes")
    with pytest.raises(StudyError, match="already exists"):
        pack(lead.project, "Ana", existing)
    assert existing.read_bytes() == b"my notes"
    before = file_digest(lead.project.path)
    with pytest.raises(StudyError, match="the project itself"):
        pack(lead.project, "Ana", lead.project.path)
    with pytest.raises(StudyError, match="no coder called 'Zed'"):
        pack(lead.project, "Zed", tmp_path / "zed.storyframe")
    assert file_digest(lead.project.path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".storyframe") == [
        "Ana.storyframe"
    ]


def _coded_pair(lead: Lead, tmp_path: Path) -> tuple[Path, list[str]]:
    """Ana's coder file with her sample coded, already merged once."""
    draw_sample(lead.project, fraction=0.5, coders=["Ana", "Ben"], seed=5)
    path = pack(lead.project, "Ana", tmp_path / "out" / "Ana.storyframe").path
    _code_clip(path, "Ana", 3, "4")
    merge(lead.project, path)
    return path, [uid for kind, uid, *_ in _rows(lead.project, "Ana") if kind == "a"]


def test_edits_in_the_coder_file_update_and_edits_on_both_sides_conflict(
    lead: Lead, tmp_path: Path
) -> None:
    path, uids = _coded_pair(lead, tmp_path)
    with Project.open(path) as coder_file:
        coding = Coding.for_project(coder_file)
        with coder_file.session() as session:
            ids = {a.uid: a.id for a in session.exec(select(Annotation))}
        coding.update_annotation(ids[uids[0]], start_frame=6)  # only there
        coding.update_annotation(ids[uids[1]], start_frame=7)  # there and here
        coding.delete_annotation(ids[uids[2]])  # deleted there
    host = Coding.for_project(lead.project)
    with lead.project.session() as session:
        here = {a.uid: a.id for a in session.exec(select(Annotation))}
    host.update_annotation(here[uids[1]], start_frame=8)

    report = merge(lead.project, path)
    assert (report.updated, report.deleted, len(report.conflicts)) == (1, 1, 1)
    assert "changed both here and in Ana.storyframe" in report.conflicts[0]
    frames = {uid: frame for kind, uid, _, frame in _rows(lead.project, "Ana") if kind == "a"}
    assert frames == {uids[0]: 6, uids[1]: 8}  # the conflicting edit kept the project's
    before = table_digest(lead.project.path)
    repeat = merge(lead.project, path)
    assert (repeat.updated, repeat.deleted, len(repeat.conflicts)) == (0, 0, 1)
    assert table_digest(lead.project.path) == before


def _tamper(path: Path, tmp_path: Path, name: str, *statements: str) -> Path:
    copy = Path(shutil.copy(path, tmp_path / name))
    with closing(sqlite3.connect(copy)) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    return copy


def test_a_file_from_a_newer_storyframe_is_refused_untouched(lead: Lead, tmp_path: Path) -> None:
    path, _ = _coded_pair(lead, tmp_path)
    newer = _tamper(path, tmp_path, "newer.storyframe",
                    "UPDATE alembic_version SET version_num = '0099_future'")  # fmt: skip
    before, other_before = table_digest(lead.project.path), file_digest(newer)
    with pytest.raises(StudyError, match="made by a newer Storyframe .schema 0099_future"):
        merge(lead.project, newer)
    assert table_digest(lead.project.path) == before
    assert file_digest(newer) == other_before


def test_an_incompatible_codebook_is_refused_with_every_conflict(
    lead: Lead, tmp_path: Path
) -> None:
    path, _ = _coded_pair(lead, tmp_path)
    odd = _tamper(path, tmp_path, "odd.storyframe",
                  "UPDATE code SET value_type = 'text' WHERE key = 'emotional_tone'",
                  "UPDATE code SET kind = 'interval' WHERE key = 'cta_donate'")  # fmt: skip
    before = table_digest(lead.project.path)
    with pytest.raises(StudyError) as refused:
        merge(lead.project, odd)
    message = str(refused.value)
    assert "incompatible codebook, nothing was merged" in message
    assert "'cta_donate' is interval/presence there but point/presence here" in message
    assert "'emotional_tone' is clip/text there but clip/ordinal here" in message
    assert table_digest(lead.project.path) == before


def test_a_file_of_other_videos_is_refused(lead: Lead, tmp_path: Path) -> None:
    other_clips = tmp_path / "other-clips"
    other_clips.mkdir()
    make_clip(other_clips / "stranger.mp4", seconds=0.3, fps=25)
    with Project.create(tmp_path / "other.storyframe") as other:  # a coder file: SQLite
        run_job(other.import_media([other_clips]))
        video = other.videos()[0]
        Coding.for_project(other).add_annotation(
            video.id, code_by_key(other, "cta_donate").id, other.coder("Ana").id, 1
        )
    before = table_digest(lead.project.path)
    with pytest.raises(StudyError, match="none of the 1 clips in other.storyframe is in this"):
        merge(lead.project, tmp_path / "other.storyframe")
    assert table_digest(lead.project.path) == before


def test_unmatched_clips_are_reported_and_the_rest_merged(lead: Lead, tmp_path: Path) -> None:
    path, _ = _coded_pair(lead, tmp_path)
    with lead.project.session() as session:  # the lead removes one clip of the sample
        clip = my_clips(lead.project, "Ana")[0].video
        for table in (Annotation, ClipValue):
            for row in session.exec(select(table).where(table.video_id == clip.id)):
                session.delete(row)
        session.commit()
    with lead.project.session() as session:
        session.execute(text("DELETE FROM assignment WHERE video_id = :id"), {"id": clip.id})
        session.execute(text("DELETE FROM video WHERE id = :id"), {"id": clip.id})
        session.commit()
    report = merge(lead.project, path)
    assert report.unmatched_videos == [clip.file_name]
    assert report.skipped == 2 and report.conflicts == []


def test_merging_a_project_into_itself_is_refused(lead: Lead) -> None:
    with pytest.raises(StudyError, match="this project itself"):
        merge(lead.project, lead.project.path)


def test_a_file_of_an_older_schema_is_upgraded_in_a_copy_only(lead: Lead, tmp_path: Path) -> None:
    from alembic import command

    from annotators.store import migrate

    old = tmp_path / "old" / "pilot.storyframe"
    old.parent.mkdir()
    engine = migrate.make_engine(old)
    try:
        command.upgrade(migrate.alembic_config(engine), "0001")
    finally:
        engine.dispose()
    video = lead.project.videos()[0]
    with closing(sqlite3.connect(old)) as connection, connection:
        connection.executescript(
            f"""
            INSERT INTO coder (id, name, created_at) VALUES (1, 'Old', '2026-01-01 00:00:00');
            INSERT INTO codebook (id, name, version, description, created_at, updated_at)
                VALUES (1, 'cb', 1, '', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
            INSERT INTO code (id, codebook_id, key, label, kind, value_type, options, definition,
                include, exclude, examples, sort_order, retired)
                VALUES (1, 1, 'cta_donate', 'Donate', 'point', 'presence', '[]', '', '', '',
                '[]', 0, 0);
            INSERT INTO video (id, path, file_name, content_hash, size_bytes, duration_s,
                frame_count, fps, width, height, rotation, has_audio, platform_meta, imported_at)
                VALUES (1, 'x.mp4', 'x.mp4', '{video.content_hash}', 1, 1.0, 10, 25.0, 160, 284,
                0, 0, '{{}}', '2026-01-01 00:00:00');
            INSERT INTO annotation (video_id, code_id, coder_id, start_frame, start_s, note,
                source, created_at, updated_at) VALUES (1, 1, 1, 2, 0.08, 'old', 'manual',
                '2026-01-01 00:00:00', '2026-01-01 00:00:00');
            """
        )
    before = file_digest(old)
    report = merge(lead.project, old)
    assert (report.added, report.coders_added) == (1, ["Old"])
    assert file_digest(old) == before and sorted(p.name for p in old.parent.iterdir()) == [
        "pilot.storyframe"
    ]  # no backup, no upgrade beside the other file
    assert [row[3] for row in _rows(lead.project, "Old")] == [2]
    digest = table_digest(lead.project.path)
    assert merge(lead.project, old).unchanged == 1  # the same rows again, not new copies
    assert table_digest(lead.project.path) == digest


def test_coders_with_no_shared_clips_have_no_agreement_to_report(
    lead: Lead, tmp_path: Path
) -> None:
    project = lead.project
    split_rest(project, ["Ana", "Ben"], seed=1)  # plain assignments: nobody shares a clip
    for name in ("Ana", "Ben"):
        path = pack(project, name, tmp_path / f"{name}.storyframe").path
        with Project.open(path) as coder_file:
            coding = Coding.for_project(coder_file)
            tone = code_by_key(coder_file, "emotional_tone")
            for clip in my_clips(coder_file, name):
                coding.set_clip_value(clip.video.id, tone.id, coder_file.coder(name).id, "3")
                mark_done(coder_file, name, clip.video.id)
        merge(project, path)
    before = table_digest(project.path)
    with pytest.raises(ReliabilityError, match="share no coded clip"):
        reliability_report(project, coders=["Ana", "Ben"], boot=0, seed=1)
    assert table_digest(project.path) == before


@pytest.mark.postgresql
def test_a_server_project_file_is_refused_as_a_coder_file(
    lead: Lead, tmp_path: Path, pg_cluster
) -> None:
    team = tmp_path / "team.storyframe"
    Project.create(team, database=pg_cluster.url(pg_cluster.new_database())).close()
    before = table_digest(lead.project.path)
    with pytest.raises(StudyError, match="is a server project, not a coder file: pack a coder"):
        merge(lead.project, team)
    assert table_digest(lead.project.path) == before
