"""BORIS projects: BORIS's own test project read into codes, events and clip values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotators.errors import ExportError
from annotators.exchange.boris import parse_boris, read_boris

BORIS_TEST = Path("/work/shared/formats/boris/boris_test.boris")
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


def test_live_observations_are_reported_unless_a_video_is_given() -> None:
    parsed = read_boris(BORIS_TEST)
    assert any("'live'" in p and "give --video" in p for p in parsed.problems)
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
