"""BORIS projects: BORIS's own test project read into codes, events and clip values."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from annotators.errors import ExportError, StoryframeError
from annotators.exchange import detect_format, export_job, import_file
from annotators.exchange.boris_read import parse_boris, read_boris
from annotators.export import ExportFilter
from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import Annotation, Code, Coder, Video

from .conftest import FORMATS, digest, times25

BORIS_DIR = FORMATS / "boris"
BORIS_TEST = BORIS_DIR / "boris_test.boris"
V180, V360 = "video_test_25fps_180s.mp4", "video_test_25fps_360s.mp4"


@pytest.fixture(scope="module")
def boris_data() -> dict:
    return json.loads(BORIS_TEST.read_text(encoding="utf-8"))


def test_ethogram_becomes_codes_with_modifier_options() -> None:
    parsed = read_boris(BORIS_TEST)
    codes = {code.key: code for code in parsed.codes}
    assert (codes["p"].kind, codes["s"].kind) == ("point", "interval")
    assert [o.value for o in codes["q"].options] == ["m1", "m2", "m3"]
    assert codes["r"].value_type == "nominal" and codes["r"].kind == "interval"
    # two modifier sets: one option per combination, in BORIS's "m1|n2" spelling
    assert len(codes["m"].options) == 9 and codes["m"].options[1].value == "m1|n2"
    assert codes["m"].options[1].label == "modif #1: m1, modif #2: n2"
    assert (codes["a"].kind, codes["a"].value_type) == ("clip", "number")
    assert codes["b"].value_type == "text"
    assert [o.value for o in codes["c"].options] == ["111", "222", "333"]
    assert codes["s"].definition == "Test state event"


def test_state_events_pair_per_subject_and_match_borises_own_export() -> None:
    parsed = read_boris(BORIS_TEST)
    obs1 = [e for e in parsed.events if e.observation == "observation #1"]
    # BORIS's tabular export of observation #1 lists these START/STOP times
    assert [(e.start_s, e.end_s) for e in obs1] == [
        (3.3, 7.75),
        (9.9, 16.2),
        (18.35, 24.475),
        (38.425, 46.1),
    ]
    assert obs1[0].note == "subject: subject1" and obs1[-1].note == "subject: subject2"
    assert {e.media for e in obs1} == {V360}


def test_playlist_events_land_on_the_right_file_at_media_time() -> None:
    """observation #2 plays the 180 s file then the 360 s one (BORIS's aggregated export)."""
    events = [e for e in read_boris(BORIS_TEST).events if e.observation == "observation #2"]
    first = [e for e in events if e.media == V180]
    second = [e for e in events if e.media == V360]
    assert (first[0].start_s, first[0].end_s) == (1.8, 8.125)
    # 227.765 s of observation time is 47.805 s into the second file (after 179.96 s)
    assert (second[0].start_s, second[0].end_s) == (47.805, 73.53)
    assert len(events) == 18  # the 18 rows of BORIS's aggregated export of this observation


def test_modifiers_become_values_and_none_is_no_value() -> None:
    events = [e for e in read_boris(BORIS_TEST).events if e.observation == "modifiers"]
    assert [(e.code, e.value) for e in events] == [
        ("q", "m1"),
        ("q", "m2"),
        ("q", "m3"),
        ("r", "m1"),
        ("r", None),
    ]


def test_independent_variables_become_clip_values() -> None:
    values = read_boris(BORIS_TEST).clip_values
    obs1 = {(v.media, v.code): v.value for v in values if v.observation == "observation #1"}
    assert obs1 == {(V360, "a"): "12", (V360, "b"): "text value for b", (V360, "c"): "111"}


def test_live_observations_keep_a_placeholder_media_unless_a_video_is_given() -> None:
    parsed = read_boris(BORIS_TEST)
    live = [e for e in parsed.events if e.observation == "live"]
    assert live and {e.media for e in live} == {"(no media: observation live)"}
    forced = read_boris(BORIS_TEST, media_override="clip.mp4")
    live = [e for e in forced.events if e.observation == "live"]
    assert live and {e.media for e in live} == {"clip.mp4"}


def test_player_offset_is_honoured_when_only_player_two_is_in_the_project() -> None:
    """'offset positif': player 2 (the 180 s file) starts 20 s later than player 1."""
    parsed = read_boris(BORIS_TEST, available={V180})
    events = [e for e in parsed.events if e.observation == "offset positif"]
    assert [round(e.start_s, 3) for e in events] == [2.425]  # 22.425 - 20; 199.96 is past it
    assert any("offset positif" in p and "no media file" in p for p in parsed.problems)


def test_observation_time_offset_is_subtracted(boris_data: dict) -> None:
    obs = boris_data["observations"]["observation #1"]
    shifted = {**boris_data, "observations": {"o": {**obs, "time offset": 1.0}}}
    events = parse_boris(shifted, "x.boris").events
    assert (events[0].start_s, events[0].end_s) == (2.3, 6.75)


def test_unpaired_start_and_unknown_behaviour_are_reported(boris_data: dict) -> None:
    obs = dict(boris_data["observations"]["observation #1"])
    obs["events"] = [[1.0, "", "s", "", ""], [2.0, "", "zz", "", ""], ["x", "", "p", "", ""]]
    parsed = parse_boris({**boris_data, "observations": {"o": obs}}, "x.boris")
    assert parsed.events == []
    assert any("no STOP" in p for p in parsed.problems)
    assert any("'zz' is not in the ethogram" in p for p in parsed.problems)
    assert any("event 2 has no valid time" in p for p in parsed.problems)


@pytest.mark.parametrize(
    "content", [b"", b"{", b"[1, 2]", b'{"behaviors_conf": 3}', b"\xff\xfe\x00", b"NaN"]
)
def test_unreadable_files_raise_one_export_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.boris"
    path.write_bytes(content)
    with pytest.raises(ExportError, match="bad.boris"):
        read_boris(path)


# --- through the registry into a project, and BORIS's TSV layouts back out -----------------


def _boris_project(tmp_path: Path, database: str | None = None) -> Project:
    """A project holding (synthetic rows of) the two 25 fps videos BORIS's test project codes."""
    project = Project.create(tmp_path / "boris.storyframe", database=database)
    with project.session() as session:
        for name, duration in ((V180, 179.96), (V360, 359.96)):
            session.add(
                Video(
                    path=name,
                    file_name=name,
                    content_hash=hashlib.sha256(name.encode()).hexdigest(),
                    size_bytes=1,
                    duration_s=duration,
                    frame_count=round(duration * 25),
                    fps=25.0,
                    width=2,
                    height=2,
                )  # fmt: skip
            )
        session.commit()
    return project


@pytest.fixture
def boris_project(tmp_path: Path, database: str | None) -> Iterator[Project]:
    project = _boris_project(tmp_path, database)
    yield project
    project.close()


def _import(project: Project, **options: object):  # noqa: ANN202
    return run_job(import_file(project, BORIS_TEST, times=times25, **options))


def test_detected_and_imported_through_the_registry(boris_project: Project) -> None:
    assert detect_format(BORIS_TEST).name == "boris"
    before = digest(boris_project)
    preview = _import(boris_project, dry_run=True)
    assert digest(boris_project) == before  # a dry run changes nothing
    result = _import(boris_project, coder="ana")
    assert (result.annotations, result.clip_values) == (preview.annotations, preview.clip_values)
    assert result.annotations == 33 and "boris_test" in result.new_codes
    assert any("(no media: observation live)" in p for p in result.problems)
    with boris_project.session() as session:
        codes = {c.key: c for c in session.exec(select(Code))}
        assert codes["s"].parent_id == codes["boris_test"].id  # in the file's own category
        rows = session.exec(
            select(Annotation)
            .join(Video)
            .where(Video.file_name == V360, Annotation.code_id == codes["s"].id)
        ).all()
        coders = set(session.exec(select(Coder.name)).all())
    assert coders == {"ana"}
    # observation #1's first state event 3.3-7.75 s: frames from the frame table (25 fps)
    first = min(rows, key=lambda row: row.start_s)
    assert (first.start_frame, first.end_frame) == (82, 193)
    assert first.note == "subject: subject1"


def test_importing_twice_adds_nothing(boris_project: Project) -> None:
    _import(boris_project)
    again = _import(boris_project)
    assert again.annotations == 0 and again.duplicates >= 33


def test_video_option_places_live_observations(boris_project: Project) -> None:
    result = _import(boris_project, video=V360, dry_run=True)
    assert not any("no media" in p for p in result.problems)
    assert result.annotations > 33


def test_aggregated_export_has_borises_columns_and_values(
    boris_project: Project, tmp_path: Path
) -> None:
    _import(boris_project)
    out = tmp_path / "aggregated.tsv"
    run_job(export_job(boris_project, "boris-aggregated", out))
    theirs = _tsv(BORIS_DIR / "boris_test_export_aggregated_events_test_full_1.tsv")
    ours = _tsv(out)
    fixed = [c for c in theirs[0] if c not in ("a", "b", "c")]
    assert [c for c in ours[0] if c in fixed] == fixed  # same columns, same order
    assert {"a", "b", "c"} <= set(ours[0])
    head = dict(zip(ours[0], zip(*ours[1:], strict=True), strict=True))
    # BORIS's own rows for the 180 s file of observation #2 against ours (times on frames)
    their_rows = [dict(zip(theirs[0], row, strict=True)) for row in theirs[1:]]
    expected = [r for r in their_rows if r["Media file"] == V180]
    got = [
        dict(zip(ours[0], row, strict=True))
        for row in ours[1:]
        if row[ours[0].index("Media file")] == V180 and row[ours[0].index("Behavior")] in "sp"
    ]
    assert [(r["Behavior"], r["Behavior type"]) for r in got] == [
        (r["Behavior"], r["Behavior type"]) for r in expected
    ]
    for mine, boris in zip(got, expected, strict=True):
        assert float(mine["Start (s)"]) == pytest.approx(float(boris["Start (s)"]), abs=0.04)
        assert (mine["Duration (s)"] == "NA") == (boris["Duration (s)"] == "NA")
    assert set(head["Behavioral category"]) == {"BORIS: test"}


def test_tabular_export_has_borises_layout(boris_project: Project, tmp_path: Path) -> None:
    _import(boris_project)
    out = tmp_path / "obs1.tsv"
    run_job(export_job(boris_project, "boris-tsv", out, ExportFilter(videos=[V360])))
    theirs = _tsv(BORIS_DIR / "boris_test_export_events_tabular.tsv")
    ours = _tsv(out)
    labels = [row[0] for row in theirs if row and row[0]]
    ours_labels = [row[0] for row in ours if row and row[0]]
    assert [x for x in ours_labels if x in labels[:9]] == labels[:9]  # the header block
    header = next(row for row in ours if row[0] == "Time")
    # exactly BORIS's columns: no event of this video carries a modifier
    assert header == next(r for r in theirs if r[0] == "Time")
    events = ours[ours.index(header) + 1 :]
    statuses = [row[header.index("Status")] for row in events]
    assert statuses.count("START") == statuses.count("STOP") > 0
    # observation #1's first state: START 3.3 s, STOP 7.75 s on frames (3.28, 7.72)
    starts = [(row[0], row[header.index("Subject")]) for row in events if row[-1] == "START"]
    assert ("3.280", "subject1") in starts
    with_modifiers = tmp_path / "modifiers.tsv"
    run_job(export_job(boris_project, "boris-tsv", with_modifiers, ExportFilter(videos=[V180])))
    header = next(row for row in _tsv(with_modifiers) if row[0] == "Time")
    assert header.index("Modifiers") == header.index("Behavioral category") + 1


def _tsv(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


# --- hostile files -------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)


def _import_or_refuse(project: Project, path: Path) -> None:
    """Import ``path``: a project error leaves the project unchanged, anything else is a bug."""
    before = digest(project)
    try:
        run_job(import_file(project, path, times=times25))
    except StoryframeError as error:
        assert digest(project) == before
        assert "\n" not in str(error)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.integers(1, len(BORIS_TEST.read_bytes()) - 1).map(lambda n: BORIS_TEST.read_bytes()[:n]),
    )
)
def test_random_and_truncated_files_are_refused_cleanly(
    boris_project: Project, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "hostile.boris"
    path.write_bytes(content)
    _import_or_refuse(boris_project, path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    event=st.lists(JSON_VALUES, max_size=7),
    where=st.sampled_from(["events", "time offset", "media_info", "file", "independent_variables"]),
)
def test_mangled_observations_never_crash(
    boris_project: Project, tmp_path: Path, boris_data: dict, event: list, where: str
) -> None:
    """Bad timestamps, wrong types and missing fields: problems or project errors only."""
    obs = dict(boris_data["observations"]["observation #1"])
    obs[where] = [event, *obs["events"][:3]] if where == "events" else event
    path = tmp_path / "mangled.boris"
    path.write_text(json.dumps({**boris_data, "observations": {"o": obs}}), encoding="utf-8")
    _import_or_refuse(boris_project, path)


def test_frames_come_from_the_frame_table_not_time_times_fps(boris_project: Project) -> None:
    """A variable-frame-rate table: frame i starts at 0.05 * i for the first 100 frames,
    then every 0.02 s: observation #1's first state event (3.3-7.75 s) starts in the first
    part and ends in the second."""

    def vfr(frame: int) -> float:
        return 0.05 * frame if frame <= 100 else 5.0 + 0.02 * (frame - 100)

    result = run_job(import_file(boris_project, BORIS_TEST, times=lambda video: vfr))
    assert result.annotations > 0
    with boris_project.session() as session:
        video = session.exec(select(Video).where(Video.file_name == V360)).one()
        s_code = session.exec(select(Code).where(Code.key == "s")).one()
        rows = session.exec(
            select(Annotation).where(
                Annotation.video_id == video.id, Annotation.code_id == s_code.id
            )
        ).all()
    first = min(rows, key=lambda row: row.start_frame)
    assert first.start_frame == 66 and first.start_s == pytest.approx(3.3)  # 3.3 / 0.05
    # 7.75 s: 137.5 frames of 0.02 s after frame 100 (5.0 s); 7.75 * 25 fps would say 193
    assert first.end_frame == 237 and first.end_s == pytest.approx(7.74)
